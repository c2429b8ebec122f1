"""The seat counter on the event row (``Event.seats_taken``), kept true on every change of a
registration written through the ORM, whatever the path (register, cancel, promotion, switching
between onsite and online, erasure, the demo seed, the tests' factories), and on a mode change.

A seat is held by a confirmed registration, except a hybrid event's online one (``holds_seat``).
``register`` takes its seat itself with one conditional UPDATE and marks the registration
(``seat_counted``) so that it is not counted twice."""
from collections import defaultdict

from sqlalchemy import case, func, inspect, select
from sqlalchemy import event as orm_event
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from ..events.models import Event, EventMode
from .models import Attend, Registration, RegistrationStatus

_events = Event.__table__
_registrations = Registration.__table__
_NOT_AN_EDIT = {"updated_at": _events.c.updated_at}  # a seat taken or freed does not change the event


def holds_seat(mode, status, attend) -> bool:
    """Whether a registration in ``status`` attending as ``attend`` holds a seat at an event of ``mode``."""
    return status == RegistrationStatus.CONFIRMED and not (mode == EventMode.HYBRID and attend == Attend.ONLINE)


def seats_taken_query(event_id):
    """The count the counter must equal, as a scalar subquery (the migration fills it the same way)."""
    return (
        select(func.count()).select_from(_registrations)
        .where(_registrations.c.event_id == event_id, _registrations.c.status == RegistrationStatus.CONFIRMED,
               (_events.c.mode != EventMode.HYBRID) | (_registrations.c.attend == Attend.ONSITE))
        .scalar_subquery()
    )


def _old(state, key):
    history = state.attrs[key].history
    if history.deleted:
        return history.deleted[0]
    return history.unchanged[0] if history.unchanged else getattr(state.object, key)


def _confirmed_by_attend(registration, status, attend) -> tuple[int, int]:
    """(onsite, online) confirmed registrations this one counts as."""
    if status != RegistrationStatus.CONFIRMED:
        return 0, 0
    return (0, 1) if attend == Attend.ONLINE else (1, 0)


@orm_event.listens_for(Session, "after_flush")
def _keep_seat_counters_true(session, flush_context):
    """Add the flush's seat changes to the counters (one UPDATE per event touched), and recount an
    event whose mode changed. The event rows hold the new value afterwards."""
    deltas: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    recount = set()

    def add(event_id, sign, counted):
        deltas[event_id][0] += sign * counted[0]
        deltas[event_id][1] += sign * counted[1]

    for row in session.new:
        if isinstance(row, Registration) and not row.__dict__.get("seat_counted"):
            add(row.event_id, 1, _confirmed_by_attend(row, row.status, row.attend))
    for row in session.dirty:
        if isinstance(row, Registration):
            state = inspect(row)
            if state.attrs.status.history.has_changes() or state.attrs.attend.history.has_changes():
                add(row.event_id, -1, _confirmed_by_attend(row, _old(state, "status"), _old(state, "attend")))
                add(row.event_id, 1, _confirmed_by_attend(row, row.status, row.attend))
        elif isinstance(row, Event) and row.id is not None and inspect(row).attrs.mode.history.has_changes():
            recount.add(row.id)
    for row in session.deleted:
        if isinstance(row, Registration):
            state = inspect(row)
            add(row.event_id, -1, _confirmed_by_attend(row, _old(state, "status"), _old(state, "attend")))
    connection = session.connection()
    for event_id, (onsite, online) in deltas.items():
        if event_id in recount or (onsite == 0 and online == 0):
            continue
        change = _events.c.seats_taken + onsite + case((_events.c.mode == EventMode.HYBRID, 0), else_=online)
        _store(session, event_id, connection.execute(
            _events.update().where(_events.c.id == event_id).values(seats_taken=change, **_NOT_AN_EDIT)
            .returning(_events.c.seats_taken)).scalar_one())
    for event_id in recount:
        _store(session, event_id, connection.execute(
            _events.update().where(_events.c.id == event_id)
            .values(seats_taken=seats_taken_query(_events.c.id), **_NOT_AN_EDIT)
            .returning(_events.c.seats_taken)).scalar_one())


def _store(session, event_id, value) -> None:
    """The event object in this session (if any) shows the counter's new value, as loaded."""
    event = session.identity_map.get(inspect(Event).identity_key_from_primary_key((event_id,)))
    if event is not None:
        set_committed_value(event, "seats_taken", value)
