"""The scan's hot path in SQLAlchemy Core: one SELECT gathers everything a scan is judged on, one
INSERT decides and writes. No ORM objects are loaded on the way (see ``services.check_in``)."""
import functools

from sqlalchemy import and_, bindparam, select

from ..accounts.models import User
from ..booking.models import Registration
from ..core.db import insert_unless_conflict
from ..events.models import Event, EventSession
from ..extensions import db
from ..stations.models import Station
from .models import CheckIn, admitted_condition

_checkins = CheckIn.__table__
_first = _checkins.alias("first_success")


def scan_facts(event_id: int, code: str, nonce: str | None) -> list:
    """One row per session of the event (none when the event does not exist or has no session):
    the event, its station, the session, the ticket's registration and holder (nulls for an
    unknown code), the session's earlier success of that ticket (``first_*``, or nulls) and
    ``nonce_seen``, the id of an earlier scan that carried ``nonce``. The statement is built once."""
    return db.session.execute(_scan_facts_statement(), {"event_id": event_id, "code": code, "nonce": nonce}).all()


@functools.cache
def _scan_facts_statement():
    events, sessions, stations = Event.__table__, EventSession.__table__, Station.__table__
    registrations, users = Registration.__table__, User.__table__
    nonce_seen = select(_checkins.c.id).where(_checkins.c.nonce == bindparam("nonce")).scalar_subquery()
    return select(
        events.c.status.label("event_status"), events.c.station_id, events.c.title.label("event_title"),
        events.c.kind.label("event_kind"), stations.c.name.label("station_name"),
        sessions.c.id, sessions.c.title, sessions.c.starts_at, sessions.c.ends_at,
        registrations.c.id.label("registration_id"), registrations.c.event_id.label("registration_event_id"),
        registrations.c.status.label("registration_status"), registrations.c.walk_in, registrations.c.seeker_id,
        users.c.name.label("seeker_name"), users.c.role.label("seeker_role"),
        users.c.station_id.label("seeker_station_id"), users.c.category.label("seeker_category"),
        _first.c.id.label("first_id"), _first.c.scanned_at.label("first_scanned_at"),
        _first.c.gate.label("first_gate"), _first.c.device.label("first_device"),
        nonce_seen.label("nonce_seen"),
    ).select_from(
        sessions.join(events, events.c.id == sessions.c.event_id)
        .outerjoin(stations, stations.c.id == events.c.station_id)
        .outerjoin(registrations, registrations.c.ticket_code == bindparam("code"))
        .outerjoin(users, users.c.id == registrations.c.seeker_id)
        .outerjoin(_first, and_(_first.c.registration_id == registrations.c.id, _first.c.session_id == sessions.c.id,
                                admitted_condition(_first.c)))
    ).where(sessions.c.event_id == bindparam("event_id"))


def insert_checkin(**values) -> int | None:
    """Write one check-in row unless a unique index refuses it (the ticket's one success per session,
    or the nonce); the new row's id, or None when refused. Nothing is locked beyond the insert."""
    return insert_unless_conflict(_checkins, values)
