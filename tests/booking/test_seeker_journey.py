"""The seeker's own view of past and waitlisted registrations: attendance, ticket actions, late cancels.

Found by using the pages as a seeker on a phone (review round).
"""
import re
from datetime import timedelta
from pathlib import Path

import pytest

from leye_events.accounts.models import Role
from leye_events.booking import services
from leye_events.booking.models import Registration, RegistrationStatus
from leye_events.checkin.models import CheckIn, CheckInMethod, CheckInResult
from leye_events.core.errors import ServiceError
from leye_events.core.timeutil import utcnow
from leye_events.extensions import db

from ..factories import auth_header, make_event, make_registration, make_token, make_user

CSS = Path(__file__).resolve().parents[2] / "leye_events" / "static" / "css" / "app.css"


def checked_in(registration, session, *, undone=False):
    staff = make_user(Role.DOOR, station=registration.event.station)
    checkin = CheckIn(event_id=registration.event_id, session_id=session.id, registration_id=registration.id,
                      result=CheckInResult.OK, method=CheckInMethod.QR, staff_id=staff.id,
                      scanned_at=session.starts_at + timedelta(minutes=5),
                      undone_at=utcnow() if undone else None, undone_by_id=staff.id if undone else None)
    db.session.add(checkin)
    db.session.commit()
    return checkin


def card(page: str, registration) -> str:
    match = re.search(rf'data-registration="{registration.id}">(.*?)</article>', page, re.S)
    assert match, "the registration has no card"
    return match.group(1)


def test_past_registrations_say_whether_the_seeker_came(login):
    seeker = make_user()
    came = make_registration(make_event(starts_in=-timedelta(days=3), title="来了的沙龙"), seeker)
    missed = make_registration(make_event(starts_in=-timedelta(days=2), title="没来的沙龙"), seeker)
    undone = make_registration(make_event(starts_in=-timedelta(days=4), title="误签的沙龙"), seeker)
    workshop = make_event(starts_in=-timedelta(days=9), sessions=4, title="四场工作坊")
    partly = make_registration(workshop, seeker)
    checked_in(came, came.event.sessions[0])
    checked_in(undone, undone.event.sessions[0], undone=True)
    for session in workshop.sessions[:3]:
        checked_in(partly, session)

    page = login(seeker).get("/me/registrations").get_data(as_text=True)

    assert 'data-attendance="attended"' in card(page, came) and "已签到" in card(page, came)
    assert 'data-attendance="missed"' in card(page, missed) and "未签到" in card(page, missed)
    assert 'data-attendance="missed"' in card(page, undone), "an undone check-in is not attendance"
    assert "参加了 3 / 4 场" in card(page, partly)
    for registration in (came, missed):
        assert "已确认" not in card(page, registration), "a past event's card should say attended or not"


def test_ticket_marks_the_sessions_checked_in(login):
    seeker = make_user()
    workshop = make_event(starts_in=-timedelta(days=1), sessions=2)
    registration = make_registration(workshop, seeker)
    checked_in(registration, workshop.sessions[0])
    page = login(seeker).get(f"/tickets/{registration.ticket_code}").get_data(as_text=True)
    assert page.count('data-attendance="attended"') == 1
    assert "已签到" in page


def test_waitlisted_ticket_offers_no_qr_download_or_print(login):
    seeker = make_user()
    event = make_event(capacity=1)
    make_registration(event)
    waitlisted = make_registration(event, seeker, status=RegistrationStatus.WAITLISTED, waitlist_position=1)
    page = login(seeker).get(f"/tickets/{waitlisted.ticket_code}").get_data(as_text=True)
    assert "候补第 1 位" in page
    assert "qr.png" not in page and "qr.svg" not in page, "a waitlisted seeker cannot get in with a QR"
    assert "<button type=\"button\" class=\"button\" data-print" not in page

    confirmed = make_registration(make_event(), seeker)
    page = login(seeker).get(f"/tickets/{confirmed.ticket_code}").get_data(as_text=True)
    assert "qr.png" in page and "<button type=\"button\" class=\"button\" data-print" in page


def test_print_button_needs_javascript_so_it_starts_hidden(login):
    seeker = make_user()
    registration = make_registration(make_event(), seeker)
    page = login(seeker).get(f"/tickets/{registration.ticket_code}").get_data(as_text=True)
    assert re.search(r"<button[^>]*data-print[^>]*hidden", page)
    assert "onclick=" not in page


def test_seeker_cannot_cancel_after_the_event_ended(login, app):
    seeker = make_user()
    registration = make_registration(make_event(starts_in=-timedelta(days=2)), seeker)
    client = login(seeker)

    ticket = client.get(f"/tickets/{registration.ticket_code}").get_data(as_text=True)
    assert f"/registrations/{registration.id}/cancel" not in ticket

    response = client.get(f"/registrations/{registration.id}/cancel", follow_redirects=True)
    assert "活动已结束，不能再取消报名" in response.get_data(as_text=True)
    response = client.post(f"/registrations/{registration.id}/cancel", follow_redirects=True)
    assert response.status_code == 200

    response = app.test_client().post(f"/api/v1/registrations/{registration.id}/cancel",
                                      headers=auth_header(make_token(seeker)), json={})
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "event_ended"

    db.session.expire_all()
    assert db.session.get(Registration, registration.id).status == RegistrationStatus.CONFIRMED


def test_staff_may_still_cancel_a_past_registration():
    registration = make_registration(make_event(starts_in=-timedelta(days=2)))
    organizer = make_user(Role.ORGANIZER, station=registration.event.station)
    with pytest.raises(ServiceError):
        services.cancel(registration.id, actor=registration.seeker)
    db.session.rollback()
    services.cancel(registration.id, actor=organizer, reason="录入错误")
    db.session.commit()
    assert db.session.get(Registration, registration.id).status == RegistrationStatus.CANCELLED


def test_every_registration_status_has_a_coloured_badge():
    css = CSS.read_text(encoding="utf-8")
    for status in [*RegistrationStatus, "attended", "missed"]:
        value = getattr(status, "value", status)
        assert re.search(rf"\.badge-{value}\s*\{{[^}}]*background", css), f".badge-{value} has no colour"


def test_print_stylesheet_hides_the_ticket_buttons():
    css = CSS.read_text(encoding="utf-8")
    print_blocks = re.findall(r"@media print\s*\{(.*?)\n\}", css, re.S)
    assert any(".no-print" in block and "display: none" in block for block in print_blocks)
