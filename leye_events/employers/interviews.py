"""Interview slots at fairs and interview sessions, and seekers' bookings of them.

Capacity holds under a rush with several workers: a booking runs in a locking transaction
(``core.db``) that locks the seeker's registration row, the seeker's row, then the slot's row (always in
that order; a registration's cancellation also locks the registration row first),
counts, then writes. A partial unique index keeps one booked seat per seeker, employer and event
even without the locks. Cancelling frees the seat and needs no lock. Callers commit.
"""
from datetime import datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError

from ..accounts.models import Role, User
from ..audit.services import record
from ..booking.models import Registration, RegistrationStatus
from ..core.db import begin_locking_transaction, get_row, lock_row, race_window
from ..core.errors import Conflict, Forbidden, NotFound, ServiceError
from ..core.timeutil import SHANGHAI, to_local, utcnow
from ..events.models import Event, EventStatus
from ..extensions import db
from . import access
from .models import BookingStatus, Booth, Employer, InterviewBooking, InterviewSlot, Post
from .services import FAIR_KINDS
from .signals import interview_booked

CAPACITY_MAX = 100
RUN_SLOTS_MAX = 200
MINUTES_MIN, MINUTES_MAX = 5, 240


def slot_or_404(slot_id) -> InterviewSlot:
    slot = get_row(InterviewSlot, slot_id)
    if slot is None:
        raise NotFound("not_found", _("找不到该面试时段。"))
    return slot


def _check_may_add_slots(event: Event, employer_id, actor: User) -> None:
    if not (access.may_organize_event(actor, event) or access.acts_for(actor, employer_id)):
        raise Forbidden("forbidden", _("只有活动组织者或该单位可以设置面试时段。"))
    if event.kind not in FAIR_KINDS:
        raise ServiceError("not_a_fair", _("只有校园招聘会和专场面试会可以设置面试时段。"))
    if event.status == EventStatus.CANCELLED:
        raise ServiceError("event_cancelled", _("该活动已取消。"))
    if get_row(Employer, employer_id) is None:
        raise ServiceError("invalid_field", _("找不到该用人单位。"), field="employer_id")
    at_event = db.session.execute(db.select(Booth.id).filter_by(event_id=event.id, employer_id=employer_id)).first()
    if not at_event:
        raise ServiceError("not_at_event", _("该单位尚未加入本活动，请先由组织者安排展位。"), field="employer_id")


def _check_post(post_id, employer_id) -> int | None:
    if post_id is None:
        return None
    post = get_row(Post, post_id)
    if post is None or post.employer_id != employer_id:
        raise ServiceError("invalid_field", _("只能选择该单位自己的岗位。"), field="post_id")
    return post.id


def _check_times(event: Event, starts_at: datetime, ends_at: datetime, field: str) -> None:
    if ends_at <= starts_at:
        raise ServiceError("invalid_field", _("结束时间必须晚于开始时间。"), field=field)
    first, last = event.starts_at, event.ends_at
    if first is None:
        raise ServiceError("invalid_field", _("面试时段须在活动当天。"), field=field)
    # The event's days in Shanghai, from the first session's midnight to the last session's next midnight.
    opens = datetime.combine(to_local(first).date(), time(0), tzinfo=SHANGHAI)
    closes = datetime.combine(to_local(last).date() + timedelta(days=1), time(0), tzinfo=SHANGHAI)
    if starts_at < opens or ends_at > closes:
        raise ServiceError("invalid_field", _("面试时段须在活动当天。"), field=field)


def add_slot(event: Event, *, employer_id, actor: User, starts_at, ends_at, capacity=1, post_id=None) -> InterviewSlot:
    """One slot: ``capacity`` seekers interviewed at once from ``starts_at`` to ``ends_at``."""
    _check_may_add_slots(event, employer_id, actor)
    post_id = _check_post(post_id, employer_id)
    _check_times(event, starts_at, ends_at, "ends_at")
    if isinstance(capacity, bool) or not isinstance(capacity, int) or not 1 <= capacity <= CAPACITY_MAX:
        raise ServiceError("invalid_field", _("名额应在 1 到 %(max)d 之间。", max=CAPACITY_MAX), field="capacity")
    slot = InterviewSlot(event_id=event.id, employer_id=employer_id, post_id=post_id, starts_at=starts_at,
                         ends_at=ends_at, capacity=capacity, created_by_id=actor.id)
    db.session.add(slot)
    db.session.flush()
    record("interview.slots", event, actor=actor, employer_id=employer_id, count=1)
    return slot


def add_run(event: Event, *, employer_id, actor: User, start, end, minutes, parallel=1, post_id=None) -> list[InterviewSlot]:
    """A run of back-to-back slots of ``minutes`` from ``start`` until ``end``, each for ``parallel``
    seekers at once (the number of interviewers)."""
    _check_may_add_slots(event, employer_id, actor)
    post_id = _check_post(post_id, employer_id)
    for value, field, low, high in ((minutes, "minutes", MINUTES_MIN, MINUTES_MAX),
                                    (parallel, "parallel", 1, CAPACITY_MAX)):
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ServiceError("invalid_field", _("此字段应在 %(min)s 到 %(max)s 之间。", min=low, max=high), field=field)
    _check_times(event, start, end, "to")
    step = timedelta(minutes=minutes)
    count = int((end - start) / step)
    if count < 1:
        raise ServiceError("invalid_field", _("时间段太短，放不下一个面试时段。"), field="to")
    if count > RUN_SLOTS_MAX:
        raise ServiceError("invalid_field", _("一次最多生成 %(n)d 个时段。", n=RUN_SLOTS_MAX), field="minutes")
    slots = [InterviewSlot(event_id=event.id, employer_id=employer_id, post_id=post_id, starts_at=start + i * step,
                           ends_at=start + (i + 1) * step, capacity=parallel, created_by_id=actor.id)
             for i in range(count)]
    db.session.add_all(slots)
    db.session.flush()
    record("interview.slots", event, actor=actor, employer_id=employer_id, count=count)
    return slots


def booked_counts(slot_ids) -> dict[int, int]:
    ids = list(slot_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        db.select(InterviewBooking.slot_id, func.count()).where(
            InterviewBooking.slot_id.in_(ids), InterviewBooking.status == BookingStatus.BOOKED
        ).group_by(InterviewBooking.slot_id)
    ).all()
    return {slot_id: count for slot_id, count in rows}


def slots_of(event_id: int, *, employer_id: int | None = None) -> list[InterviewSlot]:
    query = db.select(InterviewSlot).where(InterviewSlot.event_id == event_id)
    if employer_id is not None:
        query = query.where(InterviewSlot.employer_id == employer_id)
    return db.session.execute(query.order_by(InterviewSlot.starts_at, InterviewSlot.employer_id,
                                             InterviewSlot.id)).scalars().all()


def _confirmed_registration(event_id: int, seeker_id: int) -> Registration | None:
    return db.session.execute(db.select(Registration).filter_by(
        event_id=event_id, seeker_id=seeker_id, status=RegistrationStatus.CONFIRMED)).scalar_one_or_none()


def _seekers_booked_slots(seeker_id: int) -> list[InterviewSlot]:
    return db.session.execute(
        db.select(InterviewSlot).join(InterviewBooking, InterviewBooking.slot_id == InterviewSlot.id).where(
            InterviewBooking.seeker_id == seeker_id, InterviewBooking.status == BookingStatus.BOOKED)
    ).scalars().all()


def book(slot_id: int, seeker: User) -> InterviewBooking:
    """Book a seat in the slot for a seeker with a confirmed registration for its event.

    ``not_registered`` (422) without one; ``already_booked`` (409) with a booked slot of the same
    employer at this event or one overlapping in time; ``slot_full`` (422). Never overbooks.
    """
    if seeker.role != Role.SEEKER:
        raise Forbidden("seekers_only", _("只有求职者账号可以预约面试。"))
    slot = slot_or_404(slot_id)
    begin_locking_transaction()
    registration = _confirmed_registration(slot.event_id, seeker.id)
    if registration is None or lock_row(Registration, registration.id).status != RegistrationStatus.CONFIRMED:
        raise ServiceError("not_registered", _("请先报名本活动并获得确认，再预约面试。"))
    lock_row(User, seeker.id)  # one booking per seeker at a time: "no two overlapping" holds across events
    slot = lock_row(InterviewSlot, slot_id)
    if slot.event.status != EventStatus.PUBLISHED or slot.starts_at <= utcnow():
        raise ServiceError("slot_closed", _("该面试时段已不能预约。"))
    for other in _seekers_booked_slots(seeker.id):
        same_employer = other.event_id == slot.event_id and other.employer_id == slot.employer_id
        if same_employer or (other.starts_at < slot.ends_at and slot.starts_at < other.ends_at):
            raise Conflict("already_booked", _("您已预约该单位或同一时间的其他面试。"), booking_slot_id=other.id)
    taken = booked_counts([slot.id]).get(slot.id, 0)
    race_window()
    if taken >= slot.capacity:
        raise ServiceError("slot_full", _("该面试时段已约满，请选择其他时段。"))
    booking = InterviewBooking(slot_id=slot.id, event_id=slot.event_id, employer_id=slot.employer_id,
                               seeker_id=seeker.id, registration_id=registration.id, status=BookingStatus.BOOKED)
    db.session.add(booking)
    try:
        db.session.flush()
    except IntegrityError:  # the partial unique index: only reachable without the row locks
        db.session.rollback()
        raise Conflict("already_booked", _("您已预约该单位的面试。")) from None
    record("interview.book", booking, actor=seeker, event_id=slot.event_id, slot_id=slot.id)
    interview_booked.send(booking)
    return booking


def booking_or_404(booking_id) -> InterviewBooking:
    booking = get_row(InterviewBooking, booking_id)
    if booking is None:
        raise NotFound("not_found", _("找不到该面试预约。"))
    return booking


def may_cancel(user, booking: InterviewBooking) -> bool:
    """The seeker, the employer, staff of the event's station."""
    if getattr(user, "id", None) == booking.seeker_id or access.acts_for(user, booking.employer_id):
        return True
    return access.is_staff_for_station(user, booking.slot.event.station_id)


def cancel_booking(booking: InterviewBooking, *, actor: User) -> InterviewBooking:
    """Cancel a booked seat (idempotent); the seat is free at once."""
    if not may_cancel(actor, booking):
        raise NotFound("not_found", _("找不到该面试预约。"))
    if booking.status == BookingStatus.BOOKED:
        booking.status = BookingStatus.CANCELLED
        booking.cancelled_at = utcnow()
        booking.cancelled_by_id = actor.id
        record("interview.cancel", booking, actor=actor, event_id=booking.event_id)
    return booking


def release_bookings_of(registration, *, actor) -> int:
    """Cancel the seeker's booked seats at the registration's event (the registration was cancelled)."""
    bookings = bookings_of_seeker(registration.seeker_id, registration.event_id)
    for booking in bookings:
        booking.status = BookingStatus.CANCELLED
        booking.cancelled_at = utcnow()
        booking.cancelled_by_id = getattr(actor, "id", None)
        record("interview.cancel", booking, actor=actor, event_id=booking.event_id, reason="registration_cancelled")
    return len(bookings)


def bookings_of_seeker(seeker_id: int, event_id: int | None = None) -> list[InterviewBooking]:
    query = db.select(InterviewBooking).where(InterviewBooking.seeker_id == seeker_id,
                                              InterviewBooking.status == BookingStatus.BOOKED)
    if event_id is not None:
        query = query.where(InterviewBooking.event_id == event_id)
    return db.session.execute(query).scalars().all()


def schedule(event_id: int, *, employer_id: int | None = None) -> list[tuple[InterviewSlot, list[InterviewBooking]]]:
    """The day's schedule: each slot with its booked seats (the employer's own, or all for the door)."""
    slots = slots_of(event_id, employer_id=employer_id)
    bookings = db.session.execute(db.select(InterviewBooking).where(
        InterviewBooking.slot_id.in_([s.id for s in slots]), InterviewBooking.status == BookingStatus.BOOKED)
        .order_by(InterviewBooking.id)).scalars().all() if slots else []
    by_slot: dict[int, list] = {}
    for booking in bookings:
        by_slot.setdefault(booking.slot_id, []).append(booking)
    return [(slot, by_slot.get(slot.id, [])) for slot in slots]
