"""The employers API: employers, accounts, posts, booths, slots, bookings, applications — with their
error cases and role checks (an employer never sees another's anything, nor a seeker's category)."""
from datetime import timedelta

import pytest

from leye_events.accounts.models import Role, SeekerCategory, User
from leye_events.cases.models import Case, CaseEntry, CaseStatus, EntryKind, Outcome
from leye_events.core.timeutil import isoformat_local, today_local
from leye_events.employers.credit_code import is_valid_credit_code
from leye_events.employers.models import Employer, InterviewBooking, Post
from leye_events.extensions import db

from ..factories import auth_header, make_registration, make_station, make_token, make_user
from .helpers import credit_code, make_booth, make_employer, make_fair, make_post, make_recruiter, make_slot

API = "/api/v1"


@pytest.fixture
def station():
    return make_station()


@pytest.fixture
def organizer(station):
    return make_user(Role.ORGANIZER, station)


def test_credit_code_check_character():
    assert is_valid_credit_code("91350100M000100Y43")
    assert not is_valid_credit_code("91350100M000100Y44")
    assert not is_valid_credit_code("91350100M000100Y4")
    assert not is_valid_credit_code("91350100M000100I43")


def test_staff_enter_an_employer_and_the_credit_code_is_checked_and_unique(client, organizer, station):
    headers = auth_header(make_token(organizer))
    body = {"name": "上海长阳创谷科技", "credit_code": credit_code(1), "industry": "软件", "park": "长阳创谷"}
    response = client.post(f"{API}/employers", json=body, headers=headers)
    assert response.status_code == 201, response.json
    assert response.json["station"] == station.slug and response.json["credit_code"] == credit_code(1)
    again = client.post(f"{API}/employers", json={**body, "name": "另一家"}, headers=headers)
    assert again.status_code == 409 and again.json["error"]["code"] == "employer_exists"
    bad = client.post(f"{API}/employers", json={"name": "坏代码", "credit_code": "91350100M000100Y44"}, headers=headers)
    assert bad.status_code == 422 and bad.json["error"]["code"] == "invalid_credit_code"
    assert client.post(f"{API}/employers", json={"credit_code": 5}, headers=headers).status_code == 400
    long_name = client.post(f"{API}/employers", json={"name": "x" * 201}, headers=headers)
    assert long_name.status_code == 422 and long_name.json["error"]["field"] == "name"


def test_only_staff_enter_employers(client):
    for role in (Role.SEEKER, Role.DOOR):
        response = client.post(f"{API}/employers", json={"name": "某公司"}, headers=auth_header(make_token(
            make_user(role, make_station() if role == Role.DOOR else None))))
        assert response.status_code == 403
    assert client.post(f"{API}/employers", json={"name": "某公司"}).status_code == 401


def test_patch_employer_by_staff_of_another_station_is_refused(client, station):
    employer = make_employer(station)
    stranger = make_user(Role.ORGANIZER, make_station())
    response = client.patch(f"{API}/employers/{employer.id}", json={"industry": "制造"},
                            headers=auth_header(make_token(stranger)))
    assert response.status_code == 403
    own = make_user(Role.COUNSELOR, station)
    response = client.patch(f"{API}/employers/{employer.id}", json={"industry": "制造"}, headers=auth_header(make_token(own)))
    assert response.status_code == 200 and response.json["industry"] == "制造"


def test_employer_account_sees_only_its_own_employer(client, organizer):
    mine, other = make_employer(organizer.station), make_employer(organizer.station)
    response = client.post(f"{API}/employers/{mine.id}/accounts", headers=auth_header(make_token(organizer)),
                           json={"email": "hr@example.com", "name": "王经理", "password": "secret-pass-1"})
    assert response.status_code == 201 and response.json["employer_id"] == mine.id
    recruiter = db.session.get(User, response.json["id"])
    headers = auth_header(make_token(recruiter))
    listing = client.get(f"{API}/employers", headers=headers).json
    assert [e["id"] for e in listing["employers"]] == [mine.id] and listing["total"] == 1
    assert client.get(f"{API}/employers/{mine.id}", headers=headers).status_code == 200
    assert client.get(f"{API}/employers/{other.id}", headers=headers).status_code == 404
    assert client.post(f"{API}/employers/{other.id}/posts", json={"title": "x"}, headers=headers).status_code == 404
    assert client.patch(f"{API}/employers/{mine.id}", json={"name": "y"}, headers=headers).status_code == 403


def test_account_needs_a_password_of_the_rules_and_a_new_login(client, organizer):
    employer = make_employer(organizer.station)
    headers = auth_header(make_token(organizer))
    short = client.post(f"{API}/employers/{employer.id}/accounts", headers=headers,
                        json={"email": "a@example.com", "name": "甲", "password": "short"})
    assert short.status_code == 422
    missing = client.post(f"{API}/employers/{employer.id}/accounts", headers=headers, json={"name": "甲"})
    assert missing.status_code == 400 and missing.json["error"]["code"] == "missing_field"


def test_posts_created_listed_filtered_and_closed(client, organizer):
    employer = make_employer(organizer.station, name="长阳创谷某AI公司")
    recruiter = make_recruiter(employer)
    headers = auth_header(make_token(recruiter))
    body = {"title": "算法工程师", "description": "大模型应用", "headcount": 3, "salary_min": 15000,
            "salary_max": 25000, "education": "master", "experience_years": 1, "location": "长阳路1687号",
            "tags": ["AI", "五险一金"], "welcome_categories": ["graduate_unemployed", "离校未就业高校毕业生"],
            "closes_on": (today_local() + timedelta(days=30)).isoformat()}
    response = client.post(f"{API}/employers/{employer.id}/posts", json=body, headers=headers)
    assert response.status_code == 201, response.json
    post = response.json
    assert post["welcome_categories"] == ["graduate_unemployed"] and post["status"] == "open"
    assert client.post(f"{API}/employers/{employer.id}/posts", json=body, headers=headers).status_code == 409
    for field, value in (("salary_min", 30000), ("headcount", 0), ("education", "phd"),
                         ("welcome_categories", ["vip"])):
        bad = client.post(f"{API}/employers/{employer.id}/posts", json={**body, "title": f"t-{field}", field: value},
                          headers=headers)
        assert bad.status_code == 422, (field, bad.json)
    assert client.post(f"{API}/employers/{employer.id}/posts", json={**body, "title": "t", "closes_on": "12/03"},
                       headers=headers).status_code == 400

    public = client.get(f"{API}/posts?q=算法").json
    assert [p["id"] for p in public["posts"]] == [post["id"]]
    assert client.get(f"{API}/posts?q=不存在的岗位").json["total"] == 0
    assert client.get(f"{API}/posts?station=nowhere").status_code == 400
    assert client.get(f"{API}/posts/{post['id']}").status_code == 200

    closed = client.patch(f"{API}/posts/{post['id']}", json={"status": "filled"}, headers=headers)
    assert closed.status_code == 200 and closed.json["status"] == "filled"
    assert client.get(f"{API}/posts").json["total"] == 0
    assert client.get(f"{API}/posts/{post['id']}").status_code == 404
    assert client.get(f"{API}/posts/{post['id']}", headers=headers).status_code == 200
    other = make_recruiter(make_employer(organizer.station))
    assert client.patch(f"{API}/posts/{post['id']}", json={"status": "open"},
                        headers=auth_header(make_token(other))).status_code == 404


def test_booths_and_the_posts_of_a_fair(client, organizer):
    fair = make_fair(organizer.station)
    employer = make_employer(organizer.station)
    post = make_post(employer, title="前端开发")
    foreign_post = make_post(make_employer(organizer.station))
    headers = auth_header(make_token(organizer))
    response = client.post(f"{API}/events/{fair.id}/booths", headers=headers,
                           json={"employer_id": employer.id, "booth": "A3", "post_ids": [post.id]})
    assert response.status_code == 201 and response.json["posts"][0]["id"] == post.id
    bad = client.post(f"{API}/events/{fair.id}/booths", headers=headers,
                      json={"employer_id": employer.id, "post_ids": [foreign_post.id]})
    assert bad.status_code == 422
    booths = client.get(f"{API}/events/{fair.id}/booths?q=前端").json["booths"]
    assert [b["booth"] for b in booths] == ["A3"]
    assert client.get(f"{API}/posts?event={fair.id}").json["posts"][0]["id"] == post.id
    page = client.get(f"{API}/posts/{post.id}").json
    assert [e["id"] for e in page["events"]] == [fair.id]
    other_organizer = make_user(Role.ORGANIZER, make_station())
    assert client.post(f"{API}/events/{fair.id}/booths", json={"employer_id": employer.id},
                       headers=auth_header(make_token(other_organizer))).status_code == 403
    salon = make_fair(organizer.station, kind="salon")
    not_fair = client.post(f"{API}/events/{salon.id}/booths", json={"employer_id": employer.id}, headers=headers)
    assert not_fair.status_code == 422 and not_fair.json["error"]["code"] == "not_a_fair"


def test_employer_adds_a_run_of_slots_only_at_its_own_fair(client, organizer):
    fair = make_fair(organizer.station)
    employer = make_employer(organizer.station)
    recruiter = make_recruiter(employer)
    headers = auth_header(make_token(recruiter))
    start = fair.starts_at
    run = {"from": isoformat_local(start), "to": isoformat_local(start + timedelta(hours=1)), "minutes": 20, "parallel": 2}
    refused = client.post(f"{API}/events/{fair.id}/interview-slots", json=run, headers=headers)
    assert refused.status_code == 422 and refused.json["error"]["code"] == "not_at_event"
    make_booth(fair, employer)
    response = client.post(f"{API}/events/{fair.id}/interview-slots", json=run, headers=headers)
    assert response.status_code == 201
    assert [(s["capacity"], s["seats_left"]) for s in response.json["slots"]] == [(2, 2)] * 3
    one = {"employer_id": employer.id, "starts_at": isoformat_local(start + timedelta(hours=1)),
           "ends_at": isoformat_local(start + timedelta(hours=1, minutes=30)), "capacity": 1}
    assert client.post(f"{API}/events/{fair.id}/interview-slots", json=one,
                       headers=auth_header(make_token(organizer))).status_code == 201
    assert len(client.get(f"{API}/events/{fair.id}/interview-slots").json["slots"]) == 4
    naive = {**one, "starts_at": "2026-12-03T14:00:00"}
    assert client.post(f"{API}/events/{fair.id}/interview-slots", json=naive, headers=headers).status_code == 400
    far = {**one, "starts_at": isoformat_local(start + timedelta(days=3)),
           "ends_at": isoformat_local(start + timedelta(days=3, minutes=20))}
    assert client.post(f"{API}/events/{fair.id}/interview-slots", json=far, headers=headers).status_code == 422
    stranger = make_recruiter(make_employer(organizer.station))
    assert client.post(f"{API}/events/{fair.id}/interview-slots", json=one,
                       headers=auth_header(make_token(stranger))).status_code == 403


def test_booking_rules(client, organizer):
    fair = make_fair(organizer.station)
    employer, other_employer = make_employer(organizer.station), make_employer(organizer.station)
    first = make_slot(fair, employer, capacity=1)
    second = make_slot(fair, employer, capacity=1, offset_minutes=30)
    overlapping = make_slot(fair, other_employer, capacity=1, offset_minutes=5)
    later = make_slot(fair, other_employer, capacity=1, offset_minutes=60)
    seeker = make_registration(fair).seeker
    headers = auth_header(make_token(seeker))
    unregistered = make_user(Role.SEEKER)
    response = client.post(f"{API}/interview-slots/{first.id}/bookings", headers=auth_header(make_token(unregistered)))
    assert response.status_code == 422 and response.json["error"]["code"] == "not_registered"
    booked = client.post(f"{API}/interview-slots/{first.id}/bookings", headers=headers)
    assert booked.status_code == 201 and booked.json["slot"]["seats_left"] == 0
    for slot in (second, overlapping):
        again = client.post(f"{API}/interview-slots/{slot.id}/bookings", headers=headers)
        assert again.status_code == 409 and again.json["error"]["code"] == "already_booked"
    assert client.post(f"{API}/interview-slots/{later.id}/bookings", headers=headers).status_code == 201
    rival = make_registration(fair).seeker
    full = client.post(f"{API}/interview-slots/{first.id}/bookings", headers=auth_header(make_token(rival)))
    assert full.status_code == 422 and full.json["error"]["code"] == "slot_full"
    assert client.post(f"{API}/interview-slots/{first.id}/bookings",
                       headers=auth_header(make_token(organizer))).status_code == 403
    # Someone else cannot cancel it; the seeker can, and the seat is free again.
    booking_id = booked.json["id"]
    assert client.post(f"{API}/interview-bookings/{booking_id}/cancel",
                       headers=auth_header(make_token(rival))).status_code == 404
    cancelled = client.post(f"{API}/interview-bookings/{booking_id}/cancel", headers=headers)
    assert cancelled.status_code == 200 and cancelled.json["status"] == "cancelled"
    assert client.post(f"{API}/interview-slots/{first.id}/bookings", headers=auth_header(make_token(rival))).status_code == 201
    mine = client.get(f"{API}/me/interview-bookings", headers=headers).json["bookings"]
    assert [b["slot"]["id"] for b in mine] == [later.id]


def test_application_shared_with_the_employer_written_on_the_case_and_hired_counts(client, organizer):
    employer = make_employer(organizer.station)
    post = make_post(employer)
    seeker = make_user(Role.SEEKER, organizer.station, school="复旦大学", graduation_year=2026,
                       category=SeekerCategory.HARD_TO_EMPLOY)
    headers = auth_header(make_token(seeker))
    no_consent = client.post(f"{API}/posts/{post.id}/applications", json={}, headers=headers)
    assert no_consent.status_code == 422 and no_consent.json["error"]["code"] == "consent_required"
    applied = client.post(f"{API}/posts/{post.id}/applications", json={"share_profile": True}, headers=headers)
    assert applied.status_code == 201
    again = client.post(f"{API}/posts/{post.id}/applications", json={"share_profile": True}, headers=headers)
    assert again.status_code == 409 and again.json["error"]["code"] == "already_applied"

    recruiter = make_recruiter(employer)
    rheaders = auth_header(make_token(recruiter))
    listing = client.get(f"{API}/posts/{post.id}/applications", headers=rheaders)
    assert listing.status_code == 200
    applicant = listing.json["applications"][0]["applicant"]
    assert applicant == {"name": seeker.name, "phone": seeker.phone, "school": "复旦大学", "graduation_year": 2026}
    assert "category" not in str(listing.json) and "hard_to_employ" not in str(listing.json)
    staff_view = client.get(f"{API}/posts/{post.id}/applications", headers=auth_header(make_token(organizer))).json
    assert staff_view["applications"][0]["applicant"]["phone"] != seeker.phone  # masked for staff
    stranger = make_recruiter(make_employer(organizer.station))
    assert client.get(f"{API}/posts/{post.id}/applications", headers=auth_header(make_token(stranger))).status_code == 404

    application_id = applied.json["id"]
    bad = client.post(f"{API}/applications/{application_id}/result", json={"result": "maybe"}, headers=rheaders)
    assert bad.status_code == 422
    assert client.post(f"{API}/applications/{application_id}/result", json={"result": "hired"},
                       headers=auth_header(make_token(stranger))).status_code == 404
    for result in ("interview", "offer", "hired"):
        response = client.post(f"{API}/applications/{application_id}/result", json={"result": result}, headers=rheaders)
        assert response.status_code == 200 and response.json["status"] == result
    final = client.post(f"{API}/applications/{application_id}/result", json={"result": "rejected"}, headers=rheaders)
    assert final.status_code == 422 and final.json["error"]["code"] == "already_hired"

    db.session.commit()
    case = db.session.execute(db.select(Case).filter_by(seeker_id=seeker.id)).scalar_one()
    assert case.status == CaseStatus.EMPLOYED
    kinds = [e.kind for e in db.session.execute(db.select(CaseEntry).filter_by(case_id=case.id)).scalars()]
    assert kinds.count(EntryKind.APPLICATION) == 4 and EntryKind.OUTCOME in kinds
    outcome = db.session.execute(db.select(Outcome).filter_by(case_id=case.id)).scalar_one()
    assert (outcome.employer_id, outcome.post_id, outcome.application_id) == (employer.id, post.id, application_id)

    counselor = make_user(Role.COUNSELOR, organizer.station)
    figures = client.get(f"{API}/figures?station={organizer.station.slug}", headers=auth_header(make_token(counselor)))
    assert figures.status_code == 200, figures.json
    assert figures.json["applications"] == 1 and figures.json["hires"] == 1
    assert figures.json["hires_by_category"]["hard_to_employ"] == 1
    assert figures.json["posts_developed"] == 1 and figures.json["headcount_developed"] == post.headcount


def test_closed_post_takes_no_applications(client):
    post = make_post(make_employer(), status="closed")
    seeker = make_user(Role.SEEKER)
    response = client.post(f"{API}/posts/{post.id}/applications", json={"share_profile": True},
                           headers=auth_header(make_token(seeker)))
    assert response.status_code == 404
    assert db.session.execute(db.select(Post)).scalars().all()
    assert db.session.execute(db.select(Employer)).scalars().all()
    assert not db.session.execute(db.select(InterviewBooking)).scalars().all()


def test_demo_seed_brings_employers_fair_booths_slots_and_applications_in_every_state(app):
    from leye_events.demo import data
    from leye_events.demo.employers import RECRUITER_EMAIL, SESSION_TITLE
    from leye_events.demo.seed import seed_demo
    from leye_events.employers.models import Application, Booth, InterviewSlot, Visit
    from leye_events.events.models import Event

    seed_demo()
    db.session.commit()
    statuses = {a.status.value for a in db.session.execute(db.select(Application)).scalars()}
    assert statuses == {"applied", "interview", "offer", "hired", "rejected", "no_show"}
    for title in (data.FAIR_TITLE, SESSION_TITLE):
        event = db.session.execute(db.select(Event).filter_by(title=title)).scalar_one()
        assert db.session.execute(db.select(Booth).filter_by(event_id=event.id)).scalars().all()
    assert db.session.execute(db.select(func_count(InterviewSlot))).scalar_one() > 0
    assert db.session.execute(db.select(func_count(InterviewBooking))).scalar_one() == 4
    assert db.session.execute(db.select(func_count(Visit))).scalar_one() == 4
    recruiter = db.session.execute(db.select(User).filter_by(email=RECRUITER_EMAIL)).scalar_one()
    assert recruiter.role == Role.EMPLOYER and recruiter.employer.name == "上海创谷跨境电子商务有限公司"


def func_count(model):
    return db.func.count(model.id)


def test_cancelling_the_registration_frees_the_interview_seat(client):
    fair = make_fair()
    slot = make_slot(fair, make_employer(fair.station), capacity=1)
    registration = make_registration(fair)
    headers = auth_header(make_token(registration.seeker))
    assert client.post(f"{API}/interview-slots/{slot.id}/bookings", headers=headers).status_code == 201
    assert client.post(f"{API}/registrations/{registration.id}/cancel", headers=headers, json={}).status_code == 200
    slots = client.get(f"{API}/events/{fair.id}/interview-slots").json["slots"]
    assert slots[0]["seats_left"] == 1
