"""Withdrawing consent and deleting the account: everything the person held is gone at once,
the waitlist moves up, and the station's and district's figures stay what they were."""
from datetime import timedelta

import pytest

from leye_events.accounts.models import Role, User
from leye_events.audit.models import AuditEntry
from leye_events.booking.models import Registration, RegistrationStatus
from leye_events.booking.services import registration_by_code
from leye_events.cases import figures
from leye_events.cases.models import CaseEntry, CaseStatus, EntryKind
from leye_events.core.timeutil import utcnow
from leye_events.extensions import db

from ..factories import PASSWORD, make_user
from .conftest import EMAIL, NAME, PHONE
from .helpers import occurrences


def _all_figures(world, start, end) -> dict:
    """Figures of the station and the district over [start, end)."""
    station = world["home"].station
    return {
        "station": figures.figures_json(figures.compute(station.id, start, end), station),
        "district": figures.figures_json(figures.compute(None, start, end)),
    }


def test_the_person_is_in_the_database_before(leaver_world):
    """The control: the search finds the person where the fixture put them."""
    found = occurrences(NAME, PHONE, EMAIL)
    assert {"users.name", "users.phone", "users.email", "cases.plan", "case_entries.body",
            "registrations.cancel_reason"} <= set(found)


@pytest.mark.parametrize("method, path, reason", [
    ("DELETE", "/me", "account_deleted"),
    ("POST", "/me/consents/withdraw", "consent_withdrawn"),
])
def test_erasure_leaves_no_trace_and_keeps_the_figures(api, login, leaver_world, method, path, reason):
    world = leaver_world
    leaver_id, old_codes = world["leaver"].id, [r.ticket_code for r in db.session.execute(
        db.select(Registration).filter_by(seeker_id=world["leaver"].id)).scalars()]
    web = login(world["leaver"])
    assert web.get("/account").status_code == 200
    # The month around today: past services, and future events whose freed seats go to the waitlist.
    start, end = utcnow() - timedelta(days=30), utcnow() + timedelta(days=30)
    before = _all_figures(world, start, end)
    entries_before = db.session.execute(db.select(db.func.count()).select_from(CaseEntry)).scalar_one()

    response = api.request(method, path, json={"password": PASSWORD}, headers={
        "Authorization": f"Bearer {world['token']}"})

    assert response.status_code == 202, response.get_json()
    report = response.get_json()
    assert report["reason"] == reason
    assert report["registrations_cancelled"] == 2 and report["waitlisted_promoted"] == 1
    assert report["case"]["status_before"] == "active" and report["case"]["status_after"] == "closed"
    assert "档案已结案" in report["case"]["message"]  # the report tells what was done
    # Nothing of the person is left anywhere, the audit log included.
    assert occurrences(NAME, PHONE, EMAIL) == []
    assert occurrences("某某职业技术学院") == []
    # Figures of the past are unchanged; the case entries are all still there, without their text.
    assert _all_figures(world, start, end) == before
    assert db.session.execute(db.select(db.func.count()).select_from(CaseEntry)).scalar_one() == entries_before
    assert db.session.execute(db.select(CaseEntry).filter_by(kind=EntryKind.ATTENDANCE, case_id=world["case"].id)
                              ).scalar_one().withdrawn_at is None
    # The waitlist moved up behind both freed places.
    db.session.expire_all()
    assert db.session.get(Registration, world["waiting"].id).status == RegistrationStatus.CONFIRMED
    assert db.session.get(Registration, world["behind"].id).waitlist_position == 1
    assert db.session.get(Registration, world["seat"].id).status == RegistrationStatus.CANCELLED
    # Tickets, token, web session and calendar feed are dead.
    assert all(registration_by_code(code) is None for code in old_codes)
    assert api.get("/me", headers={"Authorization": f"Bearer {world['token']}"}).status_code == 401
    assert web.get("/account").status_code == 302
    assert web.get(f"/tickets/{old_codes[0]}").status_code == 404
    assert api.client.get(f"/calendar/{world['feed_token']}.ics").status_code == 404
    leaver = db.session.get(User, leaver_id)
    assert leaver.is_erased and not leaver.active and world["case"].status == CaseStatus.CLOSED
    assert db.session.execute(db.select(AuditEntry).filter_by(action=f"privacy.{reason}")).scalar_one()


def test_a_wrong_or_missing_password_changes_nothing(api, leaver_world):
    world = leaver_world
    auth = {"Authorization": f"Bearer {world['token']}"}
    wrong = api.request("DELETE", "/me", json={"password": "not-my-password"}, headers=auth)
    assert wrong.status_code == 403 and wrong.get_json()["error"]["code"] == "wrong_password"
    missing = api.request("DELETE", "/me", json={}, headers=auth)
    assert missing.status_code == 400 and missing.get_json()["error"]["field"] == "password"
    sms = api.post("/me/consents/withdraw", json={"sms_code": "123456"}, headers=auth)
    assert sms.status_code == 422 and sms.get_json()["error"]["code"] == "sms_code_unavailable"
    typed = api.request("DELETE", "/me", json={"password": 12345678}, headers=auth)
    assert typed.status_code == 400
    assert api.get("/me", headers=auth).status_code == 200
    assert "users.name" in occurrences(NAME)


@pytest.mark.parametrize("role", [Role.DOOR, Role.COUNSELOR, Role.ORGANIZER, Role.ADMIN])
def test_staff_accounts_are_closed_by_the_admin_not_erased(api, role, leaver_world):
    staff = make_user(role, station=leaver_world["home"].station if role != Role.ADMIN else None)
    response = api.as_(staff).request("DELETE", "/me", json={"password": PASSWORD})
    assert response.status_code == 403
    assert db.session.get(User, staff.id).active


def test_without_a_token_401(api):
    assert api.request("DELETE", "/me", json={"password": PASSWORD}).status_code == 401
    assert api.post("/me/consents/withdraw", json={"password": PASSWORD}).status_code == 401


def test_a_seeker_without_a_case_is_erased_too(api):
    seeker = make_user(Role.SEEKER, name="无档案者", phone="13887654321")
    response = api.as_(seeker).request("DELETE", "/me", json={"password": PASSWORD})
    assert response.status_code == 202 and response.get_json()["case"] is None
    assert occurrences("无档案者", "13887654321") == []


def test_the_erase_page_warns_about_an_open_case_then_erases_and_logs_out(login, leaver_world):
    web = login(leaver_world["leaver"])
    page = web.get("/account/erase")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert 'id="case-fate"' in text and "仍在跟进中" in text
    refused = web.post("/account/erase", data={"reason": "account_deleted", "password": "wrong-one-99",
                                               "understood": "y"})
    assert refused.status_code == 200 and "密码不正确" in refused.get_data(as_text=True)
    unconfirmed = web.post("/account/erase", data={"reason": "account_deleted", "password": PASSWORD})
    assert "请勾选以确认" in unconfirmed.get_data(as_text=True)
    assert occurrences(PHONE)

    done = web.post("/account/erase", data={"reason": "account_deleted", "password": PASSWORD, "understood": "y"})
    assert done.status_code == 200 and 'id="erased"' in done.get_data(as_text=True)
    assert "仍在跟进中" not in done.get_data(as_text=True)  # afterwards it says what happened, not what will
    assert "档案已结案" in done.get_data(as_text=True)
    assert occurrences(NAME, PHONE, EMAIL) == []
    assert web.get("/account").status_code == 302


def test_staff_see_no_erase_form(login):
    door = make_user(Role.DOOR, station=None)
    assert login(door).get("/account/erase").status_code == 302


def test_an_erased_seeker_cannot_log_in_or_get_a_token(api, client, leaver_world):
    assert api.request("DELETE", "/me", json={"password": PASSWORD},
                       headers={"Authorization": f"Bearer {leaver_world['token']}"}).status_code == 202
    for login in (PHONE, EMAIL.lower(), f"erased-{leaver_world['leaver'].id}@erased.invalid"):
        assert api.post("/auth/token", json={"login": login, "password": PASSWORD}).status_code == 401


def test_a_seeker_who_signed_up_by_sms_code_is_shown_how_to_get_a_password(login):
    """An account made with an SMS code has a password nobody knows; the erase form and the password
    form ask for it, so both lead to setting one with a code."""
    seeker = make_user(Role.SEEKER, station=None, phone="13812340000")
    web = login(seeker)
    for path in ("/account/erase", "/account"):
        assert 'href="/account/new-password"' in web.get(path).get_data(as_text=True), path
