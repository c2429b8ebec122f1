"""Registration rules, capacity and the waitlist, through the booking services."""
from datetime import timedelta

import pytest

from leye_events.accounts.models import Role, SeekerCategory
from leye_events.audit.models import AuditEntry
from leye_events.booking import services
from leye_events.booking.counts import seat_counts
from leye_events.booking.models import Registration, RegistrationStatus
from leye_events.core.errors import ServiceError
from leye_events.core.timeutil import utcnow
from leye_events.events import services as event_services
from leye_events.events.models import EventStatus
from leye_events.extensions import db

from ..factories import make_event, make_registration, make_station, make_user

CONFIRMED, WAITLISTED, CANCELLED = RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED, RegistrationStatus.CANCELLED


def register(event, seeker=None):
    registration = services.register(event.id, seeker or make_user(Role.SEEKER))
    db.session.commit()
    return registration


def refused_code(event, seeker=None) -> str:
    with pytest.raises(ServiceError) as caught:
        services.register(event.id, seeker or make_user(Role.SEEKER))
    db.session.rollback()
    return caught.value.code


def waitlist(event) -> list[tuple[int, int]]:
    rows = db.session.execute(
        db.select(Registration.seeker_id, Registration.waitlist_position)
        .filter_by(event_id=event.id, status=WAITLISTED)
        .order_by(Registration.waitlist_position)
    ).all()
    return [(seeker_id, position) for seeker_id, position in rows]


def test_confirms_until_full_then_waitlists_in_order():
    event = make_event(capacity=2)
    results = [register(event) for _ in range(5)]
    assert [r.status for r in results] == [CONFIRMED, CONFIRMED, WAITLISTED, WAITLISTED, WAITLISTED]
    assert [r.waitlist_position for r in results] == [None, None, 1, 2, 3]
    counts = seat_counts(event)
    assert (counts.confirmed, counts.waitlisted, counts.seats_left) == (2, 3, 0)


def test_event_full_when_waitlist_is_off():
    event = make_event(capacity=1, waitlist_enabled=False)
    register(event)
    assert refused_code(event) == "event_full"


def test_one_active_registration_per_seeker():
    event = make_event()
    seeker = make_user()
    register(event, seeker)
    assert refused_code(event, seeker) == "already_registered"


def test_database_refuses_a_second_active_registration_even_without_the_check():
    event = make_event()
    seeker = make_user()
    make_registration(event, seeker)
    db.session.add(Registration(event_id=event.id, seeker_id=seeker.id, status=CONFIRMED, ticket_code="x" * 20))
    with pytest.raises(Exception, match="(?i)unique"):
        db.session.commit()
    db.session.rollback()


def test_a_seeker_may_register_again_after_cancelling():
    event = make_event()
    seeker = make_user()
    first = register(event, seeker)
    services.cancel(first.id, actor=seeker)
    db.session.commit()
    again = register(event, seeker)
    assert again.status == CONFIRMED and again.ticket_code != first.ticket_code


@pytest.mark.parametrize(
    "window",
    [
        {"registration_opens": timedelta(days=1)},
        {"registration_closes": timedelta(days=-1)},
    ],
)
def test_registration_window(window):
    now = utcnow()
    event = make_event(**{key: now + delta for key, delta in window.items()})
    assert refused_code(event) == "registration_closed"


def test_registration_closes_when_the_event_starts():
    event = make_event(starts_in=timedelta(hours=-1))
    assert refused_code(event) == "registration_closed"


def test_draft_and_cancelled_events():
    assert refused_code(make_event(status=EventStatus.DRAFT)) == "registration_closed"
    assert refused_code(make_event(status=EventStatus.CANCELLED)) == "event_cancelled"


def test_eligibility_by_category_school_and_graduation_year():
    event = make_event(eligible_categories=["graduate_unemployed", "student"])
    assert refused_code(event, make_user(category=SeekerCategory.HARD_TO_EMPLOY)) == "not_eligible"
    assert register(event, make_user(category=SeekerCategory.STUDENT)).status == CONFIRMED

    fair = make_event(eligible_school="复旦大学")
    assert refused_code(fair, make_user(school="同济大学")) == "not_eligible"
    assert register(fair, make_user(school="复旦大学")).status == CONFIRMED

    cohort = make_event(eligible_graduation_year_min=2025, eligible_graduation_year_max=2026)
    assert refused_code(cohort, make_user(graduation_year=2024)) == "not_eligible"
    assert refused_code(cohort, make_user(graduation_year=None)) == "not_eligible"
    assert register(cohort, make_user(graduation_year=2026)).status == CONFIRMED


def test_not_eligible_message_names_the_audience():
    event = make_event(eligible_categories=["student"])
    with pytest.raises(ServiceError) as caught:
        services.register(event.id, make_user(category=SeekerCategory.UNEMPLOYED))
    assert "在校生" in caught.value.message


def test_staff_cannot_register():
    event = make_event()
    with pytest.raises(ServiceError) as caught:
        services.register(event.id, make_user(Role.ORGANIZER, station=event.station))
    assert caught.value.code == "seekers_only"


def test_cancelling_a_confirmed_seat_promotes_the_first_waitlisted():
    event = make_event(capacity=1)
    holder = register(event)
    first, second, third = (register(event) for _ in range(3))
    services.cancel(holder.id, actor=holder.seeker)
    db.session.commit()
    for r in (first, second, third):
        db.session.refresh(r)
    assert first.status == CONFIRMED and first.waitlist_position is None
    assert (second.waitlist_position, third.waitlist_position) == (1, 2)
    assert seat_counts(event).confirmed == 1


def test_cancelling_from_the_waitlist_keeps_positions_dense():
    event = make_event(capacity=0)
    regs = [register(event) for _ in range(4)]
    services.cancel(regs[1].id, actor=regs[1].seeker)
    db.session.commit()
    assert [position for _, position in waitlist(event)] == [1, 2, 3]
    assert [seeker for seeker, _ in waitlist(event)] == [regs[0].seeker_id, regs[2].seeker_id, regs[3].seeker_id]


def test_staff_cancel_with_reason_and_permissions():
    event = make_event(capacity=1)
    registration = register(event)
    waiting = register(event)
    outsider = make_user(Role.ORGANIZER, station=make_station())
    with pytest.raises(ServiceError) as caught:
        services.cancel(registration.id, actor=outsider)
    assert caught.value.status == 403
    door = make_user(Role.DOOR, station=event.station)
    with pytest.raises(ServiceError):
        services.cancel(registration.id, actor=door)
    db.session.rollback()
    organizer = make_user(Role.ORGANIZER, station=event.station)
    services.cancel(registration.id, actor=organizer, reason="重复报名")
    db.session.commit()
    db.session.refresh(registration)
    db.session.refresh(waiting)
    assert registration.cancel_reason == "重复报名" and registration.cancelled_by_id == organizer.id
    assert waiting.status == CONFIRMED


def test_cancelling_twice_is_refused():
    registration = register(make_event())
    services.cancel(registration.id, actor=registration.seeker)
    db.session.commit()
    with pytest.raises(ServiceError) as caught:
        services.cancel(registration.id, actor=registration.seeker)
    assert caught.value.code == "already_cancelled"


def test_raising_capacity_confirms_as_many_as_the_new_seats_allow():
    event = make_event(capacity=1)
    regs = [register(event) for _ in range(5)]
    organizer = make_user(Role.ORGANIZER, station=event.station)
    event_services.update_event(event, actor=organizer, capacity=3)
    db.session.commit()
    for r in regs:
        db.session.refresh(r)
    assert [r.status for r in regs] == [CONFIRMED, CONFIRMED, CONFIRMED, WAITLISTED, WAITLISTED]
    assert [r.waitlist_position for r in regs[3:]] == [1, 2]


def test_capacity_cannot_drop_below_confirmed_seats():
    event = make_event(capacity=3)
    for _ in range(2):
        register(event)
    organizer = make_user(Role.ORGANIZER, station=event.station)
    with pytest.raises(ServiceError) as caught:
        event_services.update_event(event, actor=organizer, capacity=1)
    assert caught.value.field == "capacity"


def test_closing_registration_early():
    event = make_event()
    organizer = make_user(Role.ORGANIZER, station=event.station)
    event_services.close_registration_now(event, actor=organizer)
    db.session.commit()
    assert refused_code(event) == "registration_closed"


def test_every_state_change_is_audited():
    event = make_event(capacity=1)
    holder = register(event)
    waiting = register(event)
    services.cancel(holder.id, actor=holder.seeker, reason="有事")
    db.session.commit()
    entries = db.session.execute(
        db.select(AuditEntry).filter_by(action="registration.status").order_by(AuditEntry.id)
    ).scalars().all()
    changes = [(e.target_id, e.details["from_status"], e.details["to_status"]) for e in entries]
    assert changes == [
        (holder.id, None, "confirmed"),
        (waiting.id, None, "waitlisted"),
        (holder.id, "confirmed", "cancelled"),
        (waiting.id, "waitlisted", "confirmed"),
    ]
    assert entries[2].actor_id == holder.seeker_id and entries[2].details["reason"] == "有事"


def test_a_published_event_with_registrations_cannot_go_back_to_draft():
    event = make_event()
    organizer = make_user(Role.ORGANIZER, station=event.station)
    event_services.update_event(event, actor=organizer, status=EventStatus.DRAFT)  # nobody registered: fine
    db.session.commit()
    event_services.update_event(event, actor=organizer, status=EventStatus.PUBLISHED)
    register(event)
    with pytest.raises(ServiceError) as caught:
        event_services.update_event(event, actor=organizer, status=EventStatus.DRAFT)
    assert caught.value.code == "has_registrations"
