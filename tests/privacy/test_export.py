"""The export: everything held about the person, as a JSON file they can read, and audited."""
import json

from leye_events.accounts.models import Role
from leye_events.audit.models import AuditEntry
from leye_events.extensions import db

from ..factories import make_user
from .conftest import NAME, PHONE


def _check_export(data, world):
    assert data["profile"]["name"] == NAME and data["profile"]["phone"] == PHONE
    assert data["profile"]["category"] == "hard_to_employ"
    assert data["consents"][0]["version"] == "2026-11"
    statuses = sorted(r["status"] for r in data["registrations"])
    assert statuses == ["cancelled", "confirmed", "confirmed", "waitlisted"]
    assert [c["result"] for c in data["checkins"]] == ["ok"]
    case = data["case"]
    assert case["status"] == "active" and PHONE in case["plan"]
    assert {e["kind"] for e in case["entries"]} >= {"attendance", "note", "referral"}
    assert case["referrals"][0]["employer"] == "某物流公司"
    assert data["api_tokens"] and data["messages"] == []


def test_api_export_is_a_readable_file(api, leaver_world):
    response = api.get("/me/export", headers={"Authorization": f"Bearer {leaver_world['token']}"})
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    assert response.headers["Cache-Control"] == "no-store"
    text = response.get_data(as_text=True)
    assert NAME in text  # Chinese stays readable, not \\u escapes
    _check_export(json.loads(text), leaver_world)
    entry = db.session.execute(db.select(AuditEntry).filter_by(action="privacy.export")).scalar_one()
    assert entry.actor_id == leaver_world["leaver"].id and entry.details["reason"] == "data_subject_request"


def test_the_account_page_has_the_button_and_it_downloads(login, leaver_world):
    web = login(leaver_world["leaver"])
    page = web.get("/account").get_data(as_text=True)
    assert 'href="/account/export"' in page and 'href="/account/erase"' in page
    response = web.get("/account/export")
    assert response.status_code == 200 and response.mimetype == "application/json"
    _check_export(response.get_json(), leaver_world)


def test_staff_export_their_own_profile_and_see_no_erase_link(login, api):
    organizer = make_user(Role.ORGANIZER, station=None, name="组织者本人")
    page = login(organizer).get("/account").get_data(as_text=True)
    assert 'href="/account/export"' in page and 'href="/account/erase"' not in page
    data = api.as_(organizer).get("/me/export").get_json()
    assert data["profile"]["name"] == "组织者本人" and data["case"] is None and data["registrations"] == []


def test_export_needs_a_login(api, client):
    assert api.get("/me/export").status_code == 401
    assert client.get("/account/export").status_code == 302


def test_the_export_holds_applications_interview_bookings_the_job_profile_and_messages(login):
    """What the employer features keep about a seeker is theirs to read too: the applications (with when
    they agreed to share their details), interview bookings, the matching profile and the inbox."""
    from leye_events.employers import applications, interviews
    from leye_events.matching.models import Education, SeekerProfile

    from ..employers.helpers import make_booth, make_employer, make_fair, make_post, make_slot
    from ..factories import make_registration

    fair = make_fair(title="导出测试专场")
    employer = make_employer(fair.station, name="导出测试科技")
    post = make_post(employer, title="数据分析助理")
    make_booth(fair, employer, [post])
    slot = make_slot(fair, employer, post=post)
    seeker = make_user(Role.SEEKER, fair.station, name="导出者")
    make_registration(fair, seeker)
    interviews.book(slot.id, seeker)
    applications.apply(post, seeker, share_profile=True, event_id=fair.id)
    db.session.add(SeekerProfile(seeker_id=seeker.id, education=Education.BACHELOR, skills="Excel"))
    db.session.commit()

    data = login(seeker).get("/account/export").get_json()
    [application] = data["applications"]
    assert application["post"] == "数据分析助理" and application["employer"] == "导出测试科技"
    assert application["status"] == "applied" and application["shared_at"]
    [booking] = data["interview_bookings"]
    assert booking["employer"] == "导出测试科技" and booking["status"] == "booked" and booking["starts_at"]
    assert data["job_profile"]["education"] == "bachelor" and data["job_profile"]["skills"] == "Excel"
    assert any("导出测试科技" in m["title"] for m in data["messages"])
