"""The event row's seat counter equals a COUNT of the seat-holding registrations after every path
that changes them: register (confirmed, waitlisted, walk-in), cancel (with promotion), a capacity
change, a mode change, switching onsite/online, event cancellation, erasure, the factories."""
from datetime import timedelta

import pytest

from leye_events.accounts.models import Role
from leye_events.booking import services as booking
from leye_events.booking.models import Attend, Registration, RegistrationStatus
from leye_events.booking.seats import seats_taken_query
from leye_events.checkin import services as checkin
from leye_events.events import services as events
from leye_events.events.models import Event, EventMode
from leye_events.extensions import db
from leye_events.privacy.services import ACCOUNT_DELETED, erase_person

from ..checkin.helpers import door_staff, open_event
from ..factories import PASSWORD, make_event, make_registration, make_user
from ..online.helpers import hybrid_event, online_ticket


def assert_counter_true(event_id: int) -> int:
    db.session.commit()
    events_table = Event.__table__
    counter, counted = db.session.execute(
        db.select(events_table.c.seats_taken, seats_taken_query(events_table.c.id)).where(events_table.c.id == event_id)
    ).one()
    assert counter == counted
    return counter


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
