"""The event row's counters (seats taken, waitlist length) equal a COUNT of the registrations after
every path that changes them: register (confirmed, waitlisted, walk-in, the locked retry), cancel (with
promotion and the waitlist's gap closed), a capacity change, a mode change, switching onsite/online,
event cancellation, erasure, the factories, rows deleted or edited directly."""
from datetime import timedelta

import pytest
from sqlalchemy.orm.attributes import set_committed_value

from leye_events.accounts.models import Role
from leye_events.audit.models import AuditEntry
from leye_events.booking import services as booking
from leye_events.booking.models import Attend, Registration, RegistrationStatus
from leye_events.booking.seats import seats_taken_query, waitlist_length_query
from leye_events.checkin import services as checkin
from leye_events.events import services as events
from leye_events.events.models import Event, EventMode
from leye_events.extensions import db
from leye_events.notifications.models import Channel, Notification, NotificationKind
from leye_events.notifications.texts import registration_message
from leye_events.privacy.services import ACCOUNT_DELETED, erase_person

from ..checkin.helpers import door_staff, open_event
from ..factories import PASSWORD, make_event, make_registration, make_user
from ..online.helpers import hybrid_event, online_ticket


def assert_counters_true(event_id: int) -> tuple[int, int]:
    """Commit, compare both counters with their COUNTs and the waitlist's positions with 1..n;
    (seats taken, waitlist length)."""
    db.session.commit()
    events_table = Event.__table__
    seats, seats_counted, waiting, waiting_counted = db.session.execute(
        db.select(events_table.c.seats_taken, seats_taken_query(events_table.c.id),
                  events_table.c.waitlist_length, waitlist_length_query(events_table.c.id))
        .where(events_table.c.id == event_id)
    ).one()
    assert (seats, waiting) == (seats_counted, waiting_counted)
    positions = db.session.execute(
        db.select(Registration.waitlist_position).filter_by(event_id=event_id, status=RegistrationStatus.WAITLISTED)
        .order_by(Registration.waitlist_position)
    ).scalars().all()
    assert positions == list(range(1, waiting + 1))
    return seats, waiting


def assert_counter_true(event_id: int) -> int:
    """Both counters true; the seats taken."""
    return assert_counters_true(event_id)[0]


def test_register_cancel_promote_and_capacity_change_keep_the_counter_true():
    event = make_event(capacity=2, waitlist_enabled=True)
    event_id, organizer = event.id, make_user(Role.ORGANIZER, station=event.station)
    seekers = [make_user(Role.SEEKER) for _ in range(4)]
    registrations = [booking.register(event_id, seeker) for seeker in seekers]
    db.session.commit()
    assert [r.status for r in registrations] == ["confirmed"] * 2 + ["waitlisted"] * 2
    assert assert_counter_true(event_id) == 2
    booking.cancel(registrations[0].id, actor=seekers[0])  # promotes the first in line
    assert assert_counter_true(event_id) == 2
    booking.cancel(registrations[3].id, actor=seekers[3])  # a waitlisted one: no seat changes
    assert assert_counter_true(event_id) == 2
    events.update_event(db.session.get(Event, event_id), actor=organizer, capacity=5)  # fills from the line
    assert assert_counter_true(event_id) == 2  # nobody left waiting
    booking.register(event_id, make_user(Role.SEEKER))
    assert assert_counter_true(event_id) == 3
    events.cancel_event(db.session.get(Event, event_id), actor=organizer, reason="场地维修")
    assert assert_counter_true(event_id) == 3  # registrations stay as they were


def test_walk_in_and_erasure_keep_the_counter_true():
    event = open_event(capacity=3)
    event_id = event.id
    staff = door_staff(event)
    checkin.walk_in(event_id, staff=staff, name="张三", phone="13911112222")
    db.session.commit()
    assert assert_counter_true(event_id) == 1
    seeker = make_user(Role.SEEKER)
    future = make_event(capacity=3)
    booking.register(future.id, seeker)
    db.session.commit()
    assert assert_counter_true(future.id) == 1
    erase_person(seeker, PASSWORD, reason=ACCOUNT_DELETED)
    assert assert_counter_true(future.id) == 0


def test_hybrid_switches_and_mode_changes_keep_the_counter_true():
    event = hybrid_event(capacity=2)
    event_id = event.id
    organizer = make_user(Role.ORGANIZER, station=event.station)
    online = online_ticket(event)
    onsite = make_registration(event)
    assert assert_counter_true(event_id) == 1  # the factories count too
    booking.switch_attend(online.id, Attend.ONSITE, actor=online.seeker)
    assert assert_counter_true(event_id) == 2
    booking.switch_attend(onsite.id, Attend.ONLINE, actor=onsite.seeker)
    assert assert_counter_true(event_id) == 1
    booking.switch_attend(online.id, Attend.ONLINE, actor=online.seeker)
    assert assert_counter_true(event_id) == 0
    events.update_event(db.session.get(Event, event_id), actor=organizer, mode=EventMode.ONLINE, capacity=None)
    assert assert_counter_true(event_id) == 2  # an online event's confirmed registrants all count


def test_deleting_and_editing_rows_directly_keeps_the_counter_true():
    event = make_event(capacity=5)
    rows = [make_registration(event) for _ in range(3)]
    assert assert_counter_true(event.id) == 3
    db.session.delete(db.session.get(Registration, rows[0].id))
    assert assert_counter_true(event.id) == 2
    registration = db.session.get(Registration, rows[1].id)
    registration.move_to(RegistrationStatus.CANCELLED)
    assert assert_counter_true(event.id) == 1


@pytest.mark.parametrize("move", [("cancelled", "confirmed"), ("confirmed", "waitlisted"), ("cancelled", "waitlisted")])
def test_a_registration_moves_only_as_allowed(move):
    registration = make_registration(make_event(capacity=5), status=RegistrationStatus(move[0]),
                                     **({"waitlist_position": 1} if move[0] == "waitlisted" else {}))
    with pytest.raises(ValueError):
        registration.move_to(RegistrationStatus(move[1]), position=1)


def test_the_last_seat_goes_once_when_the_counter_says_full():
    event = make_event(capacity=1, waitlist_enabled=False, starts_in=timedelta(days=3))
    booking.register(event.id, make_user(Role.SEEKER))
    db.session.commit()
    with pytest.raises(Exception) as refused:
        booking.register(event.id, make_user(Role.SEEKER))
    assert getattr(refused.value, "code", "") == "event_full"
    db.session.rollback()
    assert assert_counter_true(event.id) == 1


def test_joining_and_leaving_the_waitlist_keeps_its_counter_true():
    event = make_event(capacity=1, waitlist_enabled=True)
    event_id, organizer = event.id, make_user(Role.ORGANIZER, station=event.station)
    seekers = [make_user(Role.SEEKER) for _ in range(6)]
    registrations = [booking.register(event_id, seeker) for seeker in seekers]
    assert [r.waitlist_position for r in registrations] == [None, 1, 2, 3, 4, 5]
    assert assert_counters_true(event_id) == (1, 5)
    booking.cancel(registrations[2].id, actor=seekers[2])  # position 2 leaves: the gap closes
    assert assert_counters_true(event_id) == (1, 4)
    booking.cancel(registrations[0].id, actor=seekers[0])  # the seat goes to position 1
    assert assert_counters_true(event_id) == (1, 3)
    events.update_event(db.session.get(Event, event_id), actor=organizer, capacity=3)  # two more from the line
    assert assert_counters_true(event_id) == (3, 1)
    late = booking.register(event_id, make_user(Role.SEEKER))
    assert late.waitlist_position == 2
    assert assert_counters_true(event_id) == (3, 2)


def test_hybrid_waitlisted_switching_online_keeps_the_waitlist_counter_true():
    event = hybrid_event(capacity=1)
    make_registration(event)
    first = booking.register(event.id, make_user(Role.SEEKER), attend=Attend.ONSITE)
    second = booking.register(event.id, make_user(Role.SEEKER), attend=Attend.ONSITE)
    assert (first.waitlist_position, second.waitlist_position) == (1, 2)
    assert assert_counters_true(event.id) == (1, 2)
    booking.switch_attend(first.id, Attend.ONLINE, actor=first.seeker)
    assert assert_counters_true(event.id) == (1, 1)
    assert db.session.get(Registration, second.id).waitlist_position == 1


def test_erasure_and_direct_edits_keep_the_waitlist_counter_true():
    event = make_event(capacity=0, waitlist_enabled=True)
    seeker = make_user(Role.SEEKER)
    booking.register(event.id, make_user(Role.SEEKER))
    booking.register(event.id, seeker)
    booking.register(event.id, make_user(Role.SEEKER))
    assert assert_counters_true(event.id) == (0, 3)
    erase_person(seeker, PASSWORD, reason=ACCOUNT_DELETED)
    assert assert_counters_true(event.id) == (0, 2)
    made = make_registration(event, status=RegistrationStatus.WAITLISTED, waitlist_position=3)  # the factories count
    assert assert_counters_true(event.id) == (0, 3)
    db.session.delete(db.session.get(Registration, made.id))
    assert assert_counters_true(event.id) == (0, 2)


def _event_read_as(monkeypatch, **stale):
    """``register`` reads the event with these counter values (as if read just before another
    transaction changed them); the database keeps the true ones."""
    read = booking._event_with_sessions

    def stale_read(event_id):
        event = read(event_id)
        for key, value in stale.items():
            set_committed_value(event, key, value)
        return event

    monkeypatch.setattr(booking, "_event_with_sessions", stale_read)


def test_a_stale_waitlist_count_still_gives_the_next_position(monkeypatch):
    event = make_event(capacity=0, waitlist_enabled=True)
    for _ in range(3):
        booking.register(event.id, make_user(Role.SEEKER))
    db.session.commit()
    _event_read_as(monkeypatch, waitlist_length=0)
    seeker = make_user(Role.SEEKER)
    registration = booking.register(event.id, seeker)
    assert registration.waitlist_position == 4
    assert assert_counters_true(event.id) == (0, 4)
    registration = db.session.get(Registration, registration.id)
    assert registration.waitlist_position == 4
    # The seeker's message was written with the provisional position 1: it must not depend on it.
    written = db.session.execute(db.select(Notification.title, Notification.body).filter_by(
        user_id=seeker.id, channel=Channel.INBOX)).one()
    message = registration_message(registration, NotificationKind.WAITLISTED)
    assert tuple(written) == (message.title, message.body)
    registration.waitlist_position = 99
    assert registration_message(registration, NotificationKind.WAITLISTED) == message
    db.session.rollback()


def test_a_seat_freed_after_the_read_confirms_under_the_lock(monkeypatch):
    event = make_event(capacity=2, waitlist_enabled=True)
    make_registration(event)
    seeker = make_user(Role.SEEKER)
    _event_read_as(monkeypatch, seats_taken=2)  # looks full: the waitlist's UPDATE finds a seat free
    registration = booking.register(event.id, seeker)
    assert (registration.status, registration.waitlist_position) == (RegistrationStatus.CONFIRMED, None)
    assert assert_counters_true(event.id) == (2, 0)
    assert db.session.scalar(db.select(db.func.count()).select_from(Registration)) == 2  # the first try is gone
    audit = db.session.execute(db.select(AuditEntry.details).filter_by(action="registration.status")).scalars().all()
    assert [(d["from_status"], d["to_status"]) for d in audit] == [(None, "confirmed")]
    kinds = set(db.session.execute(db.select(Notification.kind).filter_by(user_id=seeker.id)).scalars())
    assert kinds == {"registration_confirmed"}  # the waitlist's message went with the first try


def test_a_waitlist_closed_after_the_read_refuses_under_the_lock(monkeypatch):
    event = make_event(capacity=1, waitlist_enabled=False)
    make_registration(event)
    _event_read_as(monkeypatch, waitlist_enabled=True)
    with pytest.raises(Exception) as refused:
        booking.register(event.id, make_user(Role.SEEKER))
    assert getattr(refused.value, "code", "") == "event_full"
    db.session.rollback()
    assert assert_counters_true(event.id) == (1, 0)
