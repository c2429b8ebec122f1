"""Referrals: consent required and recorded, written on the case, results from counselor and employer,
hired records the outcome; role checks."""
from leye_events.accounts.models import Role
from leye_events.cases.models import Case, CaseEntry, CaseStatus, EntryKind, Outcome, Referral, ReferralResult
from leye_events.employers.models import PostStatus
from leye_events.extensions import db
from leye_events.matching.models import ConsentMethod, ReferralConsent

from ..api.conftest import error_code
from ..cases.helpers import Station
from ..factories import make_user
from .helpers import make_post


def _setup():
    place = Station()
    post = make_post("立信会计师事务所", station=place.station, title="审计助理")
    seeker = make_user(Role.SEEKER, station=place.station)
    return place, post, seeker


def test_referral_without_consent_is_refused_and_nothing_is_written(api):
    place, post, seeker = _setup()
    for body in ({"post_id": post.id}, {"post_id": post.id, "consent": "maybe"}, {"post_id": post.id, "consent": None}):
        response = api.as_(place.counselor).post(f"/seekers/{seeker.id}/referrals", json=body)
        assert response.status_code == 422 and error_code(response) == "consent_required"
    assert db.session.execute(db.select(db.func.count()).select_from(Referral)).scalar_one() == 0


def test_referral_with_consent_is_recorded_on_the_case(api):
    place, post, seeker = _setup()
    response = api.as_(place.counselor).post(f"/seekers/{seeker.id}/referrals",
                                             json={"post_id": post.id, "consent": "verbal", "note": "电话中同意"})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["consent"] == "verbal" and body["result"] == "pending" and body["post_id"] == post.id
    consent = db.session.execute(db.select(ReferralConsent)).scalar_one()
    assert consent.method == ConsentMethod.VERBAL and consent.recorded_by_id == place.counselor.id
    entry = db.session.execute(db.select(CaseEntry).filter_by(kind=EntryKind.REFERRAL)).scalar_one()
    assert entry.details["consent"] == "verbal" and entry.body == "电话中同意"
    again = api.as_(place.counselor).post(f"/seekers/{seeker.id}/referrals", json={"post_id": post.id, "consent": "online"})
    assert again.status_code == 409 and error_code(again) == "already_referred"


def test_closed_post_and_roles(api):
    place, post, seeker = _setup()
    other = Station()
    closed = make_post("立信会计师事务所", station=place.station, title="已关闭", status=PostStatus.CLOSED)
    response = api.as_(place.counselor).post(f"/seekers/{seeker.id}/referrals", json={"post_id": closed.id, "consent": "written"})
    assert response.status_code == 409 and error_code(response) == "post_not_open"
    for user in (other.counselor, place.organizer, place.door, seeker):
        denied = api.as_(user).post(f"/seekers/{seeker.id}/referrals", json={"post_id": post.id, "consent": "written"})
        assert denied.status_code == 403
    assert api.as_(place.counselor).post(f"/seekers/{seeker.id}/referrals",
                                         json={"post_id": 999999, "consent": "written"}).status_code == 404


def test_employer_marks_the_referral_hired_and_the_case_is_employed(api):
    place, post, seeker = _setup()
    referral_id = api.as_(place.counselor).post(f"/seekers/{seeker.id}/referrals",
                                                json={"post_id": post.id, "consent": "online"}).get_json()["id"]
    employer_user = make_user(Role.EMPLOYER, employer_id=post.employer_id)
    stranger_employer = make_post("别的公司", title="x").employer
    outsider = make_user(Role.EMPLOYER, employer_id=stranger_employer.id)
    assert api.as_(outsider).post(f"/referrals/{referral_id}/result", json={"result": "hired"}).status_code == 403
    assert api.as_(place.organizer).post(f"/referrals/{referral_id}/result", json={"result": "hired"}).status_code == 403
    bad = api.as_(employer_user).post(f"/referrals/{referral_id}/result", json={"result": "applied"})
    assert bad.status_code == 422
    interview = api.as_(employer_user).post(f"/referrals/{referral_id}/result", json={"result": "interview"})
    assert interview.status_code == 200 and interview.get_json()["result"] == "interviewed"
    hired = api.as_(employer_user).post(f"/referrals/{referral_id}/result",
                                        json={"result": "hired", "start_date": "2026-12-01", "note": "下周入职"})
    assert hired.status_code == 200 and hired.get_json()["result"] == "hired"
    outcome = db.session.execute(db.select(Outcome)).scalar_one()
    assert outcome.referral_id == referral_id and outcome.post_id == post.id and str(outcome.start_date) == "2026-12-01"
    case = db.session.execute(db.select(Case).filter_by(seeker_id=seeker.id)).scalar_one()
    assert case.status == CaseStatus.EMPLOYED
    assert db.session.get(Referral, referral_id).result == ReferralResult.HIRED
    # told again by the counselor: still one outcome
    api.as_(place.counselor).post(f"/referrals/{referral_id}/result", json={"result": "hired"})
    assert db.session.execute(db.select(db.func.count()).select_from(Outcome)).scalar_one() == 1
    late = api.as_(place.counselor).post(f"/referrals/{referral_id}/result", json={"result": "rejected"})
    assert late.status_code == 409


def test_the_employer_sees_referrals_like_applications(api):
    place, post, seeker = _setup()
    api.as_(place.counselor).post(f"/seekers/{seeker.id}/referrals", json={"post_id": post.id, "consent": "online"})
    employer_user = make_user(Role.EMPLOYER, employer_id=post.employer_id)
    body = api.as_(employer_user).get(f"/posts/{post.id}/referrals").get_json()
    (item,) = body["referrals"]
    assert item["seeker"]["phone"] == seeker.phone and item["consent"] == "online"
    assert "category" not in item["seeker"] and "case_id" not in item  # never the case
    outsider = make_user(Role.EMPLOYER, employer_id=make_post("别的公司", title="y").employer_id)
    for user in (outsider, place.door, Station().counselor, seeker):
        assert api.as_(user).get(f"/posts/{post.id}/referrals").status_code == 403
    assert api.as_(place.organizer).get(f"/posts/{post.id}/referrals").status_code == 200
