"""Registration rules: register, cancel, capacity and the waitlist.

The only place that changes registrations. Every change runs in a locking transaction on the
event row (``core.db``), so capacity holds with many workers, and each change writes an audit
entry. Callers commit.
"""
from flask_babel import gettext as _
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from ..accounts.models import SEEKER_CATEGORY_LABELS, Role, User
from ..audit.services import record
from ..core.db import begin_locking_transaction, lock_row, race_window
from ..core.errors import Conflict, Forbidden, NotFound, ServiceError
from ..core.timeutil import to_local, utcnow
from ..events.models import Event, EventMode, EventStatus
from ..extensions import db
from .models import Attend, Registration, RegistrationStatus, new_ticket_code
from .signals import registration_cancelled, registration_created, registration_promoted

ACTIVE = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED)


def _locked_event(event_id: int) -> Event:
    begin_locking_transaction()
    event = lock_row(Event, event_id)
    if event is None:
        raise NotFound("not_found", _("活动不存在。"))
    return event


def active_registration(event_id: int, seeker_id: int) -> Registration | None:
    """The seeker's registration for the event that is not cancelled, if any."""
    return db.session.execute(
        db.select(Registration).filter(
            Registration.event_id == event_id,
            Registration.seeker_id == seeker_id,
            Registration.status.in_(ACTIVE),
        )
    ).scalar_one_or_none()


def _confirmed_count(event: Event) -> int:
    return _seat_state(event)[0]


def _seat_state(event: Event) -> tuple[int, int]:
    """(confirmed registrations that hold a seat, last waitlist position) of an event, in one query.
    A hybrid event's online registrants hold no seat."""
    holds_seat = Registration.status == RegistrationStatus.CONFIRMED
    if event.mode == EventMode.HYBRID:
        holds_seat = holds_seat & (Registration.attend == Attend.ONSITE)
    confirmed, last_position = db.session.execute(
        db.select(
            func.count().filter(holds_seat),
            func.coalesce(func.max(Registration.waitlist_position), 0),
        ).where(Registration.event_id == event.id, Registration.status.in_(ACTIVE))
    ).one()
    return confirmed, last_position


def default_attend(event: Event) -> Attend:
    """How a registrant attends when they do not say: online for online events, else onsite."""
    return Attend.ONLINE if event.mode == EventMode.ONLINE else Attend.ONSITE


def check_attend(event: Event, attend) -> Attend:
    """The ``attend`` choice as an Attend, if the event offers it; ``invalid_attend`` (422) otherwise."""
    if attend in (None, ""):
        return default_attend(event)
    try:
        attend = Attend(attend)
    except ValueError:
        attend = None
    allowed = {EventMode.ONLINE: {Attend.ONLINE}, EventMode.HYBRID: {Attend.ONSITE, Attend.ONLINE}}.get(
        event.mode, {Attend.ONSITE})
    if attend not in allowed:
        raise ServiceError("invalid_attend", _("本活动的参加方式只能是：%(ways)s。",
                                               ways="、".join(sorted(a.value for a in allowed))),
                           field="attend")
    return attend


def takes_seat(event: Event, attend: Attend) -> bool:
    """Whether a registration attending this way counts against the capacity."""
    if event.capacity is None:
        return False
    return not (event.mode == EventMode.HYBRID and attend == Attend.ONLINE)


def check_window(event: Event, now) -> None:
    """Raise ``event_cancelled`` or ``registration_closed`` unless registration is open now."""
    _check_published(event)
    window = event.registration_window(now)
    if window == "not_yet_open":
        opens = to_local(event.registration_opens).strftime("%Y-%m-%d %H:%M")
        raise ServiceError("registration_closed", _("报名尚未开始，将于 %(time)s 开放。", time=opens))
    if window == "closed":
        raise ServiceError("registration_closed", _("报名已截止。"))


def _check_published(event: Event) -> None:
    if event.status == EventStatus.CANCELLED:
        raise ServiceError("event_cancelled", _("该活动已取消。"))
    if event.status != EventStatus.PUBLISHED:
        raise ServiceError("registration_closed", _("该活动尚未发布，暂不能报名。"))


def eligibility_problem(event: Event, seeker: User) -> str | None:
    """Why the seeker may not attend this event (a message for people), or None if they may."""
    if event.eligible_categories and (seeker.category or "") not in event.eligible_categories:
        names = "、".join(str(SEEKER_CATEGORY_LABELS[c]) for c in event.eligible_categories if c in SEEKER_CATEGORY_LABELS)
        return _("本活动仅面向：%(who)s。", who=names)
    if event.eligible_school and (seeker.school or "").strip() != event.eligible_school.strip():
        return _("本活动仅面向%(school)s的同学。", school=event.eligible_school)
    low, high = event.eligible_graduation_year_min, event.eligible_graduation_year_max
    if low is not None or high is not None:
        year = seeker.graduation_year
        if year is None or (low is not None and year < low) or (high is not None and year > high):
            if low is not None and high is not None and low != high:
                span = f"{low}–{high}"
            else:
                span = str(low if low is not None else high)
            return _("本活动仅面向 %(years)s 届毕业生。", years=span)
    return None


def register(event_id: int, seeker: User, *, actor: User | None = None, walk_in: bool = False,
             check_rules: bool = True, attend=None) -> Registration:
    """Register ``seeker`` for the event: confirmed while seats remain, else waitlisted at the end
    of the queue, else ``event_full``. Rules are checked under the event's row lock.

    ``attend`` (onsite / online; default: the event's usual way) must be one the event offers
    (``invalid_attend``); online registrants of a hybrid event, and everyone at an online event
    without a capacity, are confirmed without limit.
    ``walk_in`` is the door's path: the registration window does not apply (the door checks that it
    is open), eligibility and capacity do, and there is no waitlist (``event_full``).
    ``check_rules=False`` (the demo seed) admits past every rule.
    """
    actor = actor or seeker
    if seeker.role != Role.SEEKER:
        raise Forbidden("seekers_only", _("只有求职者账号可以报名。"))
    event = _locked_event(event_id)
    if check_rules:
        if walk_in:
            _check_published(event)
        else:
            check_window(event, utcnow())
        problem = eligibility_problem(event, seeker)
        if problem:
            raise ServiceError("not_eligible", problem)
    attend = Attend.ONSITE if walk_in else check_attend(event, attend)
    if active_registration(event.id, seeker.id) is not None:
        raise Conflict("already_registered", _("您已报名该活动。"))
    confirmed, last_position = _seat_state(event)
    race_window()
    registration = Registration(event_id=event.id, seeker_id=seeker.id, walk_in=walk_in,
                                ticket_code=new_ticket_code(), attend=attend)
    if not takes_seat(event, attend) or confirmed < event.capacity or not check_rules:
        registration.status = RegistrationStatus.CONFIRMED
        registration.confirmed_at = utcnow()
    elif event.waitlist_enabled and not walk_in:
        registration.status = RegistrationStatus.WAITLISTED
        registration.waitlist_position = last_position + 1
    else:
        raise ServiceError("event_full", _("名额已满，本活动不设候补。"))
    db.session.add(registration)
    try:
        db.session.flush()
    except IntegrityError:
        # The partial unique index caught a second active registration that slipped past the
        # check (only possible without the row lock). The transaction held nothing else.
        db.session.rollback()
        raise Conflict("already_registered", _("您已报名该活动。")) from None
    _record_change(registration, None, actor, walk_in=walk_in)
    registration_created.send(registration, walk_in=walk_in)
    return registration


def has_ended(event: Event, now=None) -> bool:
    """True once the event's last session is over."""
    ends_at = event.ends_at
    return ends_at is not None and ends_at < (now or utcnow())


def cancel(registration_id: int, *, actor: User, reason: str = "") -> Registration:
    """Cancel a registration; a freed seat goes to the first on the waitlist in the same transaction.

    The seeker may cancel their own; staff of the event's station (and admins) anyone's, with a reason.
    """
    registration = db.session.get(Registration, registration_id)
    if registration is None:
        raise NotFound("not_found", _("报名记录不存在。"))
    if not may_manage_registration(actor, registration):
        raise Forbidden("forbidden", _("您无权取消该报名。"))
    if actor.id == registration.seeker_id and actor.role == Role.SEEKER and has_ended(registration.event):
        # Past registrations are the seeker's attendance record; only staff may still change them.
        raise ServiceError("event_ended", _("活动已结束，不能再取消报名。如有疑问，请联系乐业空间工作人员。"))
    event = _locked_event(registration.event_id)
    registration = lock_row(Registration, registration_id)
    if registration.status == RegistrationStatus.CANCELLED:
        raise ServiceError("already_cancelled", _("该报名已取消。"))
    previous = registration.status
    freed_position = registration.waitlist_position
    registration.status = RegistrationStatus.CANCELLED
    registration.waitlist_position = None
    registration.cancelled_at = utcnow()
    registration.cancelled_by_id = actor.id
    registration.cancel_reason = (reason or "").strip()[:500] or None
    db.session.flush()
    _record_change(registration, previous, actor, reason=registration.cancel_reason or "")
    registration_cancelled.send(registration, actor=actor)
    if previous == RegistrationStatus.WAITLISTED:
        _close_waitlist_gap(event.id, freed_position)
    else:
        fill_from_waitlist(event, actor=actor)
    return registration


def fill_from_waitlist(event: Event, *, actor: User | None) -> list[Registration]:
    """Confirm waitlisted seekers, first in line first, while seats are free; keep positions dense.

    Call with the event row locked (``register``/``cancel`` do; so does ``update_event`` before a capacity
    change reaches ``receivers``).
    """
    free = None if event.capacity is None else event.capacity - _confirmed_count(event)  # None: no limit
    if free is not None and free <= 0:
        return []
    promoted = db.session.execute(
        db.select(Registration)
        .filter(Registration.event_id == event.id, Registration.status == RegistrationStatus.WAITLISTED)
        .order_by(Registration.waitlist_position)
        .limit(free)
    ).scalars().all()
    for registration in promoted:
        registration.status = RegistrationStatus.CONFIRMED
        registration.waitlist_position = None
        registration.confirmed_at = utcnow()
        _record_change(registration, RegistrationStatus.WAITLISTED, actor, reason="promoted_from_waitlist")
        registration_promoted.send(registration)
    if promoted:
        db.session.flush()
        db.session.execute(
            db.update(Registration)
            .where(Registration.event_id == event.id, Registration.status == RegistrationStatus.WAITLISTED)
            .values(waitlist_position=Registration.waitlist_position - len(promoted))
            .execution_options(synchronize_session="fetch")
        )
    return promoted


def switch_attend(registration_id: int, attend, *, actor: User) -> Registration:
    """Move a hybrid event's registration between onsite and online, under the event's lock.

    To online: always (a waitlisted registrant is confirmed online and leaves the queue; a freed
    onsite seat goes to the first in line). To onsite: only while a seat is free (``event_full``).
    """
    registration = db.session.get(Registration, registration_id)
    if registration is None:
        raise NotFound("not_found", _("报名记录不存在。"))
    if not may_manage_registration(actor, registration):
        raise Forbidden("forbidden", _("您无权操作该报名。"))
    event = _locked_event(registration.event_id)
    registration = lock_row(Registration, registration_id)
    if event.mode != EventMode.HYBRID:
        raise ServiceError("invalid_attend", _("只有线上线下同时进行的活动可以切换参加方式。"), field="attend")
    attend = check_attend(event, attend)
    if registration.status == RegistrationStatus.CANCELLED:
        raise ServiceError("already_cancelled", _("该报名已取消。"))
    if has_ended(event):
        raise ServiceError("event_ended", _("活动已结束，不能再切换参加方式。"))
    if attend == registration.attend and registration.status == RegistrationStatus.CONFIRMED:
        return registration
    previous = registration.attend
    if attend == Attend.ONSITE:
        if _confirmed_count(event) >= event.capacity:
            raise ServiceError("event_full", _("线下名额已满，请继续线上参加。"))
        registration.attend = Attend.ONSITE
    else:
        registration.attend = Attend.ONLINE
        if registration.status == RegistrationStatus.WAITLISTED:
            freed_position = registration.waitlist_position
            registration.status = RegistrationStatus.CONFIRMED
            registration.waitlist_position = None
            registration.confirmed_at = utcnow()
            db.session.flush()
            _record_change(registration, RegistrationStatus.WAITLISTED, actor, reason="switched_online")
            _close_waitlist_gap(event.id, freed_position)
    db.session.flush()
    record("registration.attend", registration, actor=actor, station_id=event.station_id, event_id=event.id,
           seeker_id=registration.seeker_id, from_attend=previous.value if previous else None,
           to_attend=registration.attend.value)
    if attend == Attend.ONLINE:
        fill_from_waitlist(event, actor=actor)
    return registration


def _close_waitlist_gap(event_id: int, freed_position: int) -> None:
    db.session.execute(
        db.update(Registration)
        .where(
            Registration.event_id == event_id,
            Registration.status == RegistrationStatus.WAITLISTED,
            Registration.waitlist_position > freed_position,
        )
        .values(waitlist_position=Registration.waitlist_position - 1)
        .execution_options(synchronize_session="fetch")
    )


def _record_change(registration: Registration, previous, actor, **details) -> None:
    record(
        "registration.status",
        registration,
        actor=actor,
        station_id=registration.event.station_id if registration.event else None,
        event_id=registration.event_id,
        seeker_id=registration.seeker_id,
        from_status=previous.value if previous else None,
        to_status=registration.status.value,
        **details,
    )


def may_manage_registration(user: User, registration: Registration) -> bool:
    """The seeker themself, or staff (not door volunteers) of the event's station, or an admin."""
    if user.id == registration.seeker_id:
        return True
    if user.role == Role.ADMIN:
        return True
    return user.role in (Role.ORGANIZER, Role.COUNSELOR) and user.station_id == registration.event.station_id



def registration_by_code(code: str) -> Registration | None:
    if not code or len(code) > 64:
        return None
    return db.session.execute(db.select(Registration).filter_by(ticket_code=code)).scalar_one_or_none()


def seekers_registrations(seeker: User) -> list[Registration]:
    """All of a seeker's registrations, newest event first, with events and sessions loaded."""
    return db.session.execute(
        db.select(Registration)
        .filter(Registration.seeker_id == seeker.id)
        .options(selectinload(Registration.event).selectinload(Event.sessions),
                 selectinload(Registration.event).joinedload(Event.station))
        .order_by(Registration.created_at.desc())
    ).scalars().all()


def event_registrations(event: Event) -> list[Registration]:
    """An event's registrations: confirmed (oldest first), then the waitlist in order, then cancelled."""
    rows = db.session.execute(
        db.select(Registration).filter(Registration.event_id == event.id)
        .options(joinedload(Registration.seeker))
        .order_by(Registration.created_at)
    ).scalars().all()
    order = {RegistrationStatus.CONFIRMED: 0, RegistrationStatus.WAITLISTED: 1, RegistrationStatus.CANCELLED: 2}
    return sorted(rows, key=lambda r: (order[r.status], r.waitlist_position or 0, r.created_at))


def waitlist_length(event_id: int) -> int:
    return db.session.execute(
        db.select(func.count()).where(
            Registration.event_id == event_id, Registration.status == RegistrationStatus.WAITLISTED
        )
    ).scalar_one()
