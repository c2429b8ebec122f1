"""Registration rules: register, cancel, capacity and the waitlist.

The only place that changes registrations. Every change serializes on the event row, so capacity
and dense waitlist positions hold with many workers: ``register`` with one conditional UPDATE of the
event's counters as its last statement, the other changes in a locking transaction (``core.db``).
Each change writes an audit entry. Callers commit.
"""
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from ..accounts.models import SEEKER_CATEGORY_LABELS, Role, User
from ..audit.services import record
from ..core.db import begin_locking_transaction, execute_locking, is_row_id, is_sqlite, lock_row, race_window
from ..core.errors import Conflict, Forbidden, NotFound, ServiceError
from ..core.timeutil import to_local, utcnow
from ..events.models import Event, EventMode, EventStatus
from ..extensions import db
from . import seats  # noqa: F401 (keeps the event's seat counter true on every flush)
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
    of the queue, else ``event_full``.

    Everything is written first; then, as the last statement before the caller commits, one
    conditional UPDATE of the event's counters takes a seat (``_take_seat``) or the next waitlist
    position (``_take_waitlist_position``): the event row is locked from there to the commit only.
    When that UPDATE finds the event changed (the last seat gone, a seat freed, the waitlist closed),
    the transaction is rolled back and run again under the event's row lock (``_register_locked``).
    A second active registration of the same seeker is refused by the partial unique index.

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
    if is_sqlite():
        begin_locking_transaction(keep_loaded=True)  # SQLite: the write lock first (no lock upgrade later)
    event = _event_with_sessions(event_id)
    event_id = event.id
    attend = _checked_attend(event, seeker, attend, walk_in=walk_in, check_rules=check_rules)
    registration = Registration(event_id=event.id, seeker_id=seeker.id, walk_in=walk_in,
                                ticket_code=new_ticket_code(), attend=attend)
    if not takes_seat(event, attend) or not check_rules:
        registration.move_to(RegistrationStatus.CONFIRMED)
        return _save_new(registration, actor)
    if event.seats_taken < event.capacity:
        registration.move_to(RegistrationStatus.CONFIRMED)
        registration.counted_on_event = True  # counted by _take_seat, not by booking.seats
        _save_new(registration, actor)
        if _take_seat(event):
            return registration
        db.session.rollback()  # the last seat went meanwhile: the rest of the transaction goes too
        if walk_in:
            _refuse_full()
    elif event.waitlist_enabled and not walk_in:
        # A provisional position (the counter as read): _take_waitlist_position sets the one taken. The
        # audit entry and the seeker's message, written before it, do not name the position.
        registration.move_to(RegistrationStatus.WAITLISTED, position=event.waitlist_length + 1)
        registration.counted_on_event = True  # counted by _take_waitlist_position, not by booking.seats
        _save_new(registration, actor)
        if _take_waitlist_position(event, registration):
            return registration
        db.session.rollback()  # a seat was freed or the waitlist closed meanwhile
    return _register_locked(event_id, seeker, actor, walk_in=walk_in, attend=attend)


def _event_with_sessions(event_id) -> Event:
    event = db.session.execute(
        db.select(Event).where(Event.id == event_id).options(joinedload(Event.sessions))
    ).unique().scalar_one_or_none() if is_row_id(event_id) else None
    if event is None:
        raise NotFound("not_found", _("活动不存在。"))
    return event


def _checked_attend(event: Event, seeker: User, attend, *, walk_in: bool, check_rules: bool) -> Attend:
    """The window, eligibility and ``attend`` rules of ``register``; the way of attending."""
    if check_rules:
        if walk_in:
            _check_published(event)
        else:
            check_window(event, utcnow())
        problem = eligibility_problem(event, seeker)
        if problem:
            raise ServiceError("not_eligible", problem)
    return Attend.ONSITE if walk_in else check_attend(event, attend)


def _take_seat(event: Event) -> bool:
    """One of the event's seats for the registration being made, if one is left: one conditional
    UPDATE of the counter, atomic on its own. ``LOCKING_ENABLED = False`` (tests only) reads and
    then writes instead, to show the overbooking the condition prevents."""
    events = Event.__table__
    db.session.flush()  # everything else first: the row lock is then held only until the commit
    race_window()
    statement = events.update().where(events.c.id == event.id).values(updated_at=events.c.updated_at)  # not an edit
    if current_app.config["LOCKING_ENABLED"]:
        statement = statement.where(events.c.seats_taken < events.c.capacity).values(
            seats_taken=events.c.seats_taken + 1)
    elif event.seats_taken < event.capacity:
        statement = statement.values(seats_taken=event.seats_taken + 1)
    else:
        return False
    taken = db.session.execute(statement.returning(events.c.seats_taken)).scalar_one_or_none()
    if taken is None:
        return False
    set_committed_value(event, "seats_taken", taken)
    return True


def _take_waitlist_position(event: Event, registration: Registration) -> bool:
    """The next waitlist position for ``registration`` (written as waitlisted with a provisional one),
    if the event is still full and keeps a waitlist: one UPDATE of the event's waitlist counter and of
    the registration's position, atomic on its own (PostgreSQL: one statement with a writable CTE;
    SQLite, which holds its write lock from the start, corrects the position in a second statement
    only when the counter moved since it was read). ``LOCKING_ENABLED = False`` (tests only) reads and
    then writes instead, to show the duplicate positions the single UPDATE prevents."""
    events, registrations = Event.__table__, Registration.__table__
    db.session.flush()  # everything else first: the row lock is then held only until the commit
    race_window()
    taken = events.update().where(events.c.id == event.id).values(updated_at=events.c.updated_at)  # not an edit
    if current_app.config["LOCKING_ENABLED"]:
        taken = taken.where(events.c.seats_taken >= events.c.capacity, events.c.waitlist_enabled).values(
            waitlist_length=events.c.waitlist_length + 1)
    elif event.seats_taken >= event.capacity and event.waitlist_enabled:
        taken = taken.values(waitlist_length=event.waitlist_length + 1)
    else:
        return False
    taken = taken.returning(events.c.id, events.c.waitlist_length)
    moved = registrations.update().where(registrations.c.id == registration.id).values(
        updated_at=registrations.c.updated_at)  # part of the insert
    if is_sqlite():
        row = db.session.execute(taken).one_or_none()
        position = None if row is None else row.waitlist_length
        if position is not None and position != registration.waitlist_position:
            db.session.execute(moved.values(waitlist_position=position))
    else:
        counter = taken.cte("taken")
        position = db.session.execute(
            moved.values(waitlist_position=counter.c.waitlist_length).where(registrations.c.event_id == counter.c.id)
            .returning(registrations.c.waitlist_position)
        ).scalar_one_or_none()
    if position is None:
        return False
    set_committed_value(registration, "waitlist_position", position)
    set_committed_value(event, "waitlist_length", position)
    return True


def _register_locked(event_id: int, seeker: User, actor: User, *, walk_in: bool, attend: Attend) -> Registration:
    """``register`` again when its single UPDATE found the event changed: under the event's row lock,
    a seat freed meanwhile, else the end of the waitlist (dense positions), else ``event_full``.
    The counters are taken by ``booking.seats`` at the flush, still under the lock."""
    locked = _locked_counters(event_id)
    registration = Registration(event_id=event_id, seeker_id=seeker.id, walk_in=walk_in,
                                ticket_code=new_ticket_code(), attend=attend)
    if locked.seats_taken < locked.capacity:
        registration.move_to(RegistrationStatus.CONFIRMED)
    elif locked.waitlist_enabled and not walk_in:
        race_window()
        registration.move_to(RegistrationStatus.WAITLISTED, position=locked.waitlist_length + 1)
    else:
        _refuse_full()
    return _save_new(registration, actor)


def _locked_counters(event_id: int):
    """The event's ``seats_taken``, ``capacity``, ``waitlist_length`` and ``waitlist_enabled``, its row
    locked (``FOR UPDATE``, unless ``LOCKING_ENABLED`` is off) until the commit; ``busy`` (503) when
    the lock cannot be had."""
    begin_locking_transaction()
    events = Event.__table__
    query = db.select(events.c.seats_taken, events.c.capacity, events.c.waitlist_length,
                      events.c.waitlist_enabled).where(events.c.id == event_id)
    return execute_locking(query).one()


def _refuse_full():
    raise ServiceError("event_full", _("名额已满，本活动不设候补。"))


def _save_new(registration: Registration, actor: User) -> Registration:
    """Insert the new registration (409 ``already_registered`` when the seeker has an active one:
    the partial unique index decides), audit it and tell the listeners."""
    db.session.add(registration)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()  # the transaction held nothing else of this registration
        raise Conflict("already_registered", _("您已报名该活动。")) from None
    _record_change(registration, None, actor, walk_in=registration.walk_in)
    registration_created.send(registration, walk_in=registration.walk_in)
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
    freed_position = registration.waitlist_position
    previous = registration.move_to(RegistrationStatus.CANCELLED, by_id=actor.id,
                                    reason=(reason or "").strip()[:500] or None)
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
    free = None if event.capacity is None else event.capacity - event.seats_taken  # None: no limit
    if free is not None and free <= 0:
        return []
    promoted = db.session.execute(
        db.select(Registration)
        .filter(Registration.event_id == event.id, Registration.status == RegistrationStatus.WAITLISTED)
        .order_by(Registration.waitlist_position)
        .limit(free)
    ).scalars().all()
    for registration in promoted:
        registration.move_to(RegistrationStatus.CONFIRMED)
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
        if event.seats_taken >= event.capacity:
            raise ServiceError("event_full", _("线下名额已满，请继续线上参加。"))
        registration.attend = Attend.ONSITE
    else:
        registration.attend = Attend.ONLINE
        if registration.status == RegistrationStatus.WAITLISTED:
            freed_position = registration.waitlist_position
            registration.move_to(RegistrationStatus.CONFIRMED)
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
