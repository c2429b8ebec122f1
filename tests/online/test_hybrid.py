"""Hybrid capacity: onsite seats and their waitlist, online without limit, switching while seats allow."""
from datetime import timedelta

import pytest

from leye_events.accounts.models import Role
from leye_events.booking import services
from leye_events.booking.counts import seat_counts
from leye_events.booking.models import Attend, Registration, RegistrationStatus
from leye_events.core.errors import ServiceError
from leye_events.events.models import EventMode
from leye_events.extensions import db

from ..factories import make_event, make_user
from .helpers import hybrid_event, online_event


def register(event, attend=None):
    registration = services.register(event.id, make_user(Role.SEEKER), attend=attend)
    db.session.commit()
    return registration


def switch(registration, attend):
    result = services.switch_attend(registration.id, attend, actor=registration.seeker)
    db.session.commit()
    return result


def test_online_registrants_take_no_onsite_seat_and_are_never_waitlisted():
    event = hybrid_event(capacity=2)
    onsite = [register(event, "onsite") for _ in range(3)]
    online = [register(event, "online") for _ in range(5)]
    assert [r.status for r in onsite] == [RegistrationStatus.CONFIRMED] * 2 + [RegistrationStatus.WAITLISTED]
    assert all(r.status == RegistrationStatus.CONFIRMED and r.attend == Attend.ONLINE for r in online)
    counts = seat_counts(event)
    assert (counts.confirmed, counts.seated, counts.confirmed_online, counts.seats_left, counts.waitlisted) == \
        (7, 2, 5, 0, 1)


def test_control_an_onsite_event_counts_everyone_against_its_capacity():
    """The same rush at an onsite event: the online choice is refused and the seats run out."""
    event = make_event(capacity=2)
    with pytest.raises(ServiceError) as error:
        register(event, "online")
    assert error.value.code == "invalid_attend"
    db.session.rollback()
    statuses = [register(event).status for _ in range(3)]
    assert statuses == [RegistrationStatus.CONFIRMED] * 2 + [RegistrationStatus.WAITLISTED]


def test_switching_to_onsite_needs_a_free_seat():
    event = hybrid_event(capacity=1)
    register(event, "onsite")
    online = register(event, "online")
    with pytest.raises(ServiceError) as error:
        switch(online, "onsite")
    assert error.value.code == "event_full"
    db.session.rollback()
    assert db.session.get(Registration, online.id).attend == Attend.ONLINE


def test_switching_to_online_frees_the_seat_for_the_first_in_line():
    event = hybrid_event(capacity=1)
    holder = register(event, "onsite")
    waiting = register(event, "onsite")
    assert waiting.status == RegistrationStatus.WAITLISTED
    switch(holder, "online")
    db.session.refresh(waiting)
    assert waiting.status == RegistrationStatus.CONFIRMED and waiting.waitlist_position is None
    assert seat_counts(event).seated == 1


def test_a_waitlisted_registrant_may_go_online_at_once_and_the_queue_closes_up():
    event = hybrid_event(capacity=1)
    register(event, "onsite")
    first, second = register(event, "onsite"), register(event, "onsite")
    switch(first, "online")
    db.session.refresh(first), db.session.refresh(second)
    assert first.status == RegistrationStatus.CONFIRMED and first.attend == Attend.ONLINE
    assert second.waitlist_position == 1


def test_only_hybrid_events_switch():
    registration = register(online_event())
    with pytest.raises(ServiceError) as error:
        switch(registration, "onsite")
    assert error.value.code == "invalid_attend"


def test_an_online_event_without_capacity_has_no_limit():
    event = online_event(capacity=None)
    assert all(register(event).status == RegistrationStatus.CONFIRMED for _ in range(4))
    assert seat_counts(event).seats_left is None


def test_the_seeker_switches_on_the_ticket_page(login):
    event = hybrid_event(starts_in=timedelta(days=2))
    registration = register(event, "onsite")
    client = login(registration.seeker)
    page = client.get(f"/tickets/{registration.ticket_code}").get_data(as_text=True)
    assert "改为线上参加" in page
    response = client.post(f"/registrations/{registration.id}/attend", data={"attend": "online"})
    assert response.status_code == 302
    db.session.commit()
    assert db.session.get(Registration, registration.id).attend == Attend.ONLINE
    page = client.get(f"/tickets/{registration.ticket_code}").get_data(as_text=True)
    assert "进入直播间" in page and "改为线下参加" in page


def test_someone_else_cannot_switch_a_registration(login):
    registration = register(hybrid_event(), "onsite")
    stranger = login(make_user(Role.SEEKER))
    assert stranger.post(f"/registrations/{registration.id}/attend", data={"attend": "online"}).status_code == 403


def test_the_web_registration_takes_the_choice(login):
    event = hybrid_event(capacity=0)
    seeker = make_user(Role.SEEKER)
    client = login(seeker)
    detail = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "线上参加，立即报名" in detail
    client.post(f"/events/{event.id}/register", data={"attend": "online"})
    db.session.commit()
    registration = services.active_registration(event.id, seeker.id)
    assert registration.status == RegistrationStatus.CONFIRMED and registration.attend == Attend.ONLINE


def test_a_mode_change_may_not_strand_registrants():
    from leye_events.events.services import update_event

    event = hybrid_event()
    register(event, "online")
    organizer = make_user(Role.ORGANIZER, station=event.station)
    with pytest.raises(ServiceError) as error:
        update_event(event, actor=organizer, mode=EventMode.ONSITE)
    assert error.value.code == "has_registrations"
