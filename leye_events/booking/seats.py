"""The counters on the event row, kept true on every change of a registration written through the ORM,
whatever the path (register, cancel, promotion, switching between onsite and online, erasure, the demo
seed, the tests' factories), and on a mode change:

- ``Event.seats_taken``: registrations holding a seat, i.e. confirmed ones except a hybrid event's
  online ones (``holds_seat``);
- ``Event.waitlist_length``: waitlisted registrations; positions are dense, so it is also the last one.

``register`` takes its seat or its waitlist position itself with one conditional UPDATE and marks the
registration (``counted_on_event``) so that it is not counted twice."""
from collections import defaultdict

from sqlalchemy import case, func, inspect, select
from sqlalchemy import event as orm_event
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from ..events.models import Event, EventMode
from .models import Attend, Registration, RegistrationStatus

_events = Event.__table__
_registrations = Registration.__table__
_NOT_AN_EDIT = {"updated_at": _events.c.updated_at}  # a seat or a place taken or freed does not change the event


def holds_seat(mode, status, attend) -> bool:
    """Whether a registration in ``status`` attending as ``attend`` holds a seat at an event of ``mode``."""
    return status == RegistrationStatus.CONFIRMED and not (mode == EventMode.HYBRID and attend == Attend.ONLINE)


def seats_taken_query(event_id):
    """The count the seat counter must equal, as a scalar subquery (the migration fills it the same way)."""
    return (
        select(func.count()).select_from(_registrations)
        .where(_registrations.c.event_id == event_id, _registrations.c.status == RegistrationStatus.CONFIRMED,
               (_events.c.mode != EventMode.HYBRID) | (_registrations.c.attend == Attend.ONSITE))
        .scalar_subquery()
    )


def waitlist_length_query(event_id):
    """The count the waitlist counter must equal, as a scalar subquery (the migration fills it the same way)."""
    return (
        select(func.count()).select_from(_registrations)
        .where(_registrations.c.event_id == event_id, _registrations.c.status == RegistrationStatus.WAITLISTED)
        .scalar_subquery()
    )


def _old(state, key):
    history = state.attrs[key].history
    if history.deleted:
        return history.deleted[0]
    return history.unchanged[0] if history.unchanged else getattr(state.object, key)


def _counted_as(status, attend) -> tuple[int, int, int]:
    """(confirmed onsite, confirmed online, waitlisted) that a registration in this state counts as."""
    if status == RegistrationStatus.WAITLISTED:
        return 0, 0, 1
    if status != RegistrationStatus.CONFIRMED:
        return 0, 0, 0
    return (0, 1, 0) if attend == Attend.ONLINE else (1, 0, 0)


@orm_event.listens_for(Session, "after_flush")
def _keep_event_counters_true(session, flush_context):
    """Add the flush's changes to the counters (one UPDATE per event touched), and recount the seats of
    an event whose mode changed. The event rows hold the new values afterwards."""
    deltas: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    recount = set()

    def add(event_id, sign, counted):
        for i, n in enumerate(counted):
            deltas[event_id][i] += sign * n

    for row in session.new:
        if isinstance(row, Registration) and not row.__dict__.get("counted_on_event"):
            add(row.event_id, 1, _counted_as(row.status, row.attend))
    for row in session.dirty:
        if isinstance(row, Registration):
            state = inspect(row)
            if state.attrs.status.history.has_changes() or state.attrs.attend.history.has_changes():
                add(row.event_id, -1, _counted_as(_old(state, "status"), _old(state, "attend")))
                add(row.event_id, 1, _counted_as(row.status, row.attend))
        elif isinstance(row, Event) and row.id is not None and inspect(row).attrs.mode.history.has_changes():
            recount.add(row.id)
    for row in session.deleted:
        if isinstance(row, Registration):
            state = inspect(row)
            add(row.event_id, -1, _counted_as(_old(state, "status"), _old(state, "attend")))
    connection = session.connection()
    for event_id in sorted(recount | set(deltas)):  # one order of row locks across transactions
        onsite, online, waiting = deltas.get(event_id, (0, 0, 0))
        values = {}
        if event_id in recount:
            values["seats_taken"] = seats_taken_query(_events.c.id)
        elif onsite or online:
            values["seats_taken"] = (_events.c.seats_taken + onsite
                                     + case((_events.c.mode == EventMode.HYBRID, 0), else_=online))
        if waiting:
            values["waitlist_length"] = _events.c.waitlist_length + waiting
        if not values:
            continue
        new = connection.execute(
            _events.update().where(_events.c.id == event_id).values(**values, **_NOT_AN_EDIT)
            .returning(*(_events.c[key] for key in values))).one()
        _store(session, event_id, dict(zip(values, new, strict=True)))


def _store(session, event_id, values: dict) -> None:
    """The event object in this session (if any) shows the counters' new values, as loaded."""
    event = session.identity_map.get(inspect(Event).identity_key_from_primary_key((event_id,)))
    if event is not None:
        for key, value in values.items():
            set_committed_value(event, key, value)
