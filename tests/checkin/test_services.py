"""The one check-in operation: every outcome, per session, nonces, undo, walk-in."""
from datetime import timedelta

import pytest

from leye_events.accounts.models import Role
from leye_events.booking.models import Registration, RegistrationStatus
from leye_events.checkin import services
from leye_events.checkin.models import CheckIn, CheckInMethod, CheckInResult
from leye_events.checkin.signals import attendance_recorded, attendance_withdrawn
from leye_events.core.errors import ServiceError
from leye_events.core.timeutil import utcnow
from leye_events.events.models import EventStatus
from leye_events.extensions import db

from ..factories import make_event, make_station, make_user
from .helpers import door_staff, open_event, ticket


def scan(event, code, staff=None, **kw):
    outcome = services.check_in(services.Scan(code=code, event_id=event.id, **kw), staff=staff or door_staff(event))
    db.session.commit()
    return outcome


def test_ok_then_already_checked_in_with_first_time_and_gate():
    event = open_event()
    registration = ticket(event)
    first = scan(event, registration.ticket_code, gate="A")
    assert first.result == CheckInResult.OK
    second = scan(event, registration.ticket_code, gate="B")
    assert second.result == CheckInResult.ALREADY_CHECKED_IN
    assert second.first.id == first.checkin.id and second.first.gate == "A"


def test_the_ticket_url_works_as_the_code():
    event = open_event()
    registration = ticket(event)
    url = f"https://leye.example/tickets/{registration.ticket_code}"
    assert scan(event, url).result == CheckInResult.OK


@pytest.mark.parametrize(
    "setup, expected",
    [
        (lambda e: ticket(e, status=RegistrationStatus.CANCELLED).ticket_code, CheckInResult.CANCELLED),
        (lambda e: ticket(e, status=RegistrationStatus.WAITLISTED, waitlist_position=1).ticket_code,
         CheckInResult.WAITLISTED),
        (lambda e: ticket(open_event(station=e.station)).ticket_code, CheckInResult.WRONG_EVENT),
        (lambda e: "x" * 27, CheckInResult.UNKNOWN_CODE),
        (lambda e: "", CheckInResult.UNKNOWN_CODE),
        (lambda e: "https://elsewhere.example/", CheckInResult.UNKNOWN_CODE),
    ],
)
def test_refusals(setup, expected):
    event = open_event()
    assert scan(event, setup(event)).result == expected


def test_event_cancelled():
    event = open_event(status=EventStatus.CANCELLED)
    assert scan(event, ticket(event).ticket_code).result == CheckInResult.EVENT_CANCELLED


def test_not_open_before_the_door_opens_and_after_it_closes():
    early = make_event(starts_in=timedelta(hours=5))
    assert scan(early, ticket(early).ticket_code).result == CheckInResult.NOT_OPEN
    late = make_event(starts_in=timedelta(hours=-5))
    assert scan(late, ticket(late).ticket_code).result == CheckInResult.NOT_OPEN
    # Online, a device time inside the door window changes nothing: the server's clock judges.
    assert scan(late, ticket(late).ticket_code, scanned_at=utcnow() - timedelta(hours=4)).result == CheckInResult.NOT_OPEN
    # An offline upload keeps its device time (within the door window and the upload delay).
    assert scan(late, ticket(late).ticket_code, scanned_at=utcnow() - timedelta(hours=4), nonce="n-1",
                method=CheckInMethod.OFFLINE).result == CheckInResult.OK


def test_every_attempt_is_logged():
    event = open_event()
    registration = ticket(event)
    for _ in range(3):
        scan(event, registration.ticket_code)
    scan(event, "nonsense-code-123")
    results = db.session.execute(db.select(CheckIn.result).order_by(CheckIn.id)).scalars().all()
    assert results == [CheckInResult.OK, CheckInResult.ALREADY_CHECKED_IN, CheckInResult.ALREADY_CHECKED_IN,
                       CheckInResult.UNKNOWN_CODE]


def test_sessions_are_checked_in_separately():
    event = make_event(sessions=2, starts_in=timedelta(minutes=-10))
    first_session, second_session = event.sessions
    second_session.starts_at = first_session.starts_at + timedelta(hours=1)
    second_session.ends_at = second_session.starts_at + timedelta(hours=1)
    db.session.commit()
    registration = ticket(event)
    assert scan(event, registration.ticket_code, session_id=first_session.id).result == CheckInResult.OK
    assert scan(event, registration.ticket_code, session_id=second_session.id).result == CheckInResult.OK
    assert services.session_counts(event) == {first_session.id: 1, second_session.id: 1}


def test_session_of_another_event_is_refused():
    event = open_event()
    other = open_event(station=event.station)
    with pytest.raises(ServiceError) as caught:
        scan(event, ticket(event).ticket_code, session_id=other.sessions[0].id)
    assert caught.value.code == "unknown_session"


def test_default_session_is_the_one_running_now():
    event = make_event(sessions=3, starts_in=timedelta(days=-1, minutes=-10))
    assert services.current_session(event, utcnow()).id == event.sessions[1].id


def test_repeated_nonce_answers_as_before_and_adds_nothing():
    event = open_event()
    registration = ticket(event)
    first = scan(event, registration.ticket_code, nonce="n-1")
    again = scan(event, registration.ticket_code, nonce="n-1")
    assert again.replayed and again.checkin.id == first.checkin.id and again.result == CheckInResult.OK
    assert db.session.execute(db.select(db.func.count()).select_from(CheckIn)).scalar_one() == 1


def test_only_staff_of_the_station():
    event = open_event()
    registration = ticket(event)
    for user in (make_user(Role.SEEKER), make_user(Role.DOOR, station=make_station()),
                 make_user(Role.ORGANIZER, station=make_station())):
        with pytest.raises(ServiceError) as caught:
            scan(event, registration.ticket_code, staff=user)
        assert caught.value.status == 403
    staff = [door_staff(event, role) for role in (Role.DOOR, Role.COUNSELOR, Role.ORGANIZER)] + [make_user(Role.ADMIN)]
    for user in staff:
        assert scan(event, ticket(event).ticket_code, staff=user).result == CheckInResult.OK


def test_undo_keeps_the_row_and_allows_a_new_check_in():
    event = open_event()
    registration = ticket(event)
    staff = door_staff(event)
    first = scan(event, registration.ticket_code, staff=staff)
    services.undo(first.checkin.id, staff=staff, reason="扫错了")
    db.session.commit()
    assert first.checkin.undone_at is not None and first.checkin.undone_by_id == staff.id
    assert scan(event, registration.ticket_code, staff=staff).result == CheckInResult.OK
    with pytest.raises(ServiceError):
        services.undo(first.checkin.id, staff=staff)


def test_signals_for_attendance():
    event = open_event()
    registration = ticket(event)
    seen = []
    with attendance_recorded.connected_to(lambda c, **facts: seen.append(("recorded", c.id))), \
            attendance_withdrawn.connected_to(lambda c: seen.append(("withdrawn", c.id))):
        outcome = scan(event, registration.ticket_code)
        scan(event, registration.ticket_code)  # a duplicate records nothing
        services.undo(outcome.checkin.id, staff=door_staff(event))
    assert seen == [("recorded", outcome.checkin.id), ("withdrawn", outcome.checkin.id)]


def test_database_allows_one_success_per_registration_and_session():
    event = open_event()
    registration = ticket(event)
    staff = door_staff(event)
    for gate in ("A", "B"):
        db.session.add(CheckIn(event_id=event.id, session_id=event.sessions[0].id, registration_id=registration.id,
                               result=CheckInResult.OK, method=CheckInMethod.QR, gate=gate, staff_id=staff.id,
                               scanned_at=utcnow()))
    with pytest.raises(Exception, match="(?i)unique"):
        db.session.commit()
    db.session.rollback()


def test_offline_upload_keeps_device_time_and_flags_conflicts():
    event = open_event()
    registration = ticket(event)
    scan(event, registration.ticket_code, gate="A")
    device_time = utcnow() - timedelta(minutes=3)
    late = scan(event, registration.ticket_code, gate="B", device="phone-2", nonce="off-1",
                scanned_at=device_time, method=CheckInMethod.OFFLINE)
    assert late.result == CheckInResult.ALREADY_CHECKED_IN and late.checkin.conflict
    assert abs((late.checkin.scanned_at - device_time).total_seconds()) < 1


def test_a_device_clock_in_the_future_is_not_trusted():
    event = open_event()
    outcome = scan(event, ticket(event).ticket_code, scanned_at=utcnow() + timedelta(days=2))
    assert outcome.result == CheckInResult.OK and outcome.checkin.scanned_at <= utcnow()


def test_search_by_name_or_phone_tail():
    event = open_event()
    ticket(event, seeker=make_user(name="李雷", phone="13900001234"))
    ticket(event, seeker=make_user(name="韩梅梅", phone="13900005678"))
    ticket(open_event(station=event.station), seeker=make_user(name="李四"))
    assert [r.seeker.name for r in services.search_registrations(event, "李")] == ["李雷"]
    assert [r.seeker.name for r in services.search_registrations(event, "5678")] == ["韩梅梅"]
    assert services.search_registrations(event, "12") == []
    assert services.search_registrations(event, "%") == []


def test_walk_in_creates_account_registration_and_check_in():
    event = open_event(capacity=2)
    ticket(event)
    outcome = services.walk_in(event.id, staff=door_staff(event), name="赵六", phone="138 0000 9999",
                               category="unemployed_youth", gate="A")
    db.session.commit()
    assert outcome.result == CheckInResult.OK
    registration = outcome.registration
    assert registration.walk_in and registration.status == RegistrationStatus.CONFIRMED
    assert registration.seeker.phone == "13800009999" and registration.seeker.station_id == event.station_id
    with pytest.raises(ServiceError) as caught:  # the same phone again is now an existing account
        services.walk_in(event.id, staff=door_staff(event), name="赵六", phone="13800009999")
    assert caught.value.code == "account_exists"
    db.session.rollback()
    assert db.session.execute(db.select(db.func.count()).select_from(Registration)).scalar_one() == 2


def test_walk_in_bad_phone_saves_nothing():
    event = open_event()
    with pytest.raises(ServiceError) as caught:
        services.walk_in(event.id, staff=door_staff(event), name="某人", phone="12345")
    assert caught.value.field == "phone"
    db.session.rollback()
    assert db.session.execute(db.select(db.func.count()).select_from(Registration)).scalar_one() == 0


def test_walk_in_is_one_transaction_if_registration_fails_no_account_stays(monkeypatch):
    from leye_events.accounts.models import User
    from leye_events.booking import services as booking
    from leye_events.core.db import begin_locking_transaction

    event = open_event()

    def refuse(*args, **kwargs):  # fails the way the real one can: after taking its lock
        begin_locking_transaction()
        raise ServiceError("busy", "系统繁忙", status=503)

    monkeypatch.setattr(booking, "register", refuse)
    with pytest.raises(ServiceError):
        services.walk_in(event.id, staff=door_staff(event), name="钱七", phone="13700007777")
    db.session.rollback()
    assert db.session.execute(db.select(User).filter_by(phone="13700007777")).scalar_one_or_none() is None
