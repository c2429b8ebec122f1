"""Factories that build rows for tests with sensible defaults; pass keywords to override."""
import functools
import itertools
from datetime import timedelta

from werkzeug.security import generate_password_hash

from leye_events.accounts.models import Role, SeekerCategory, User
from leye_events.accounts.services import issue_token
from leye_events.accounts.sessions import start_login_session
from leye_events.booking.models import Registration, RegistrationStatus
from leye_events.core.timeutil import utcnow
from leye_events.events.models import Event, EventKind, EventSession, EventStatus
from leye_events.extensions import db
from leye_events.stations.models import Station, StationKind

_counter = itertools.count(1)
PASSWORD = "correct-horse-9"


def _next() -> int:
    return next(_counter)


def _end_read_transaction() -> None:
    """Live-server tests write from other threads; on SQLite (WAL) a transaction that read before
    those writes cannot write afterwards, so each factory starts from a fresh transaction."""
    db.session.commit()


def make_station(**kw) -> Station:
    _end_read_transaction()
    n = _next()
    station = Station(
        slug=kw.pop("slug", f"station-{n}"),
        name=kw.pop("name", f"测试乐业空间{n}"),
        kind=kw.pop("kind", StationKind.SUB_DISTRICT),
        **kw,
    )
    db.session.add(station)
    db.session.commit()
    return station


@functools.cache
def _password_hash(password: str) -> str:
    """Hashing is deliberately slow; tests reuse one hash per password."""
    return generate_password_hash(password)


def make_user(role: Role = Role.SEEKER, station: Station | None = None, **kw) -> User:
    _end_read_transaction()
    n = _next()
    password = kw.pop("password", PASSWORD)
    user = User(
        role=role,
        name=kw.pop("name", f"用户{n}"),
        phone=kw.pop("phone", f"166{n:08d}"),  # tests name 139… numbers themselves: no collision
        email=kw.pop("email", f"user{n}@example.com"),
        station=station,
        category=kw.pop("category", SeekerCategory.GRADUATE_UNEMPLOYED if role == Role.SEEKER else None),
        consent_at=utcnow() if role == Role.SEEKER else None,
        consent_version="2026-11" if role == Role.SEEKER else None,
        **kw,
    )
    user.password_hash = _password_hash(password)
    db.session.add(user)
    db.session.commit()
    return user


def make_event(station: Station | None = None, *, sessions: int = 1, starts_in: timedelta = timedelta(days=7), **kw) -> Event:
    """A published event with ``sessions`` two-hour sessions a day apart, starting ``starts_in`` from now."""
    _end_read_transaction()
    station = station or make_station()
    first = (utcnow() + starts_in).replace(second=0, microsecond=0)
    event = Event(
        station=station,
        kind=kw.pop("kind", EventKind.SALON),
        title=kw.pop("title", f"职场沙龙 {_next()}"),
        description=kw.pop("description", "活动介绍"),
        venue=kw.pop("venue", "杨浦区某路 100 号"),
        capacity=kw.pop("capacity", 30),
        status=kw.pop("status", EventStatus.PUBLISHED),
        revision=0,
        **kw,
    )
    for i in range(sessions):
        start = first + timedelta(days=i)
        event.sessions.append(EventSession(title=f"第{i + 1}场", starts_at=start, ends_at=start + timedelta(hours=2)))
    db.session.add(event)
    db.session.commit()
    return event


def make_registration(event: Event, seeker: User | None = None, **kw) -> Registration:
    _end_read_transaction()
    seeker = seeker or make_user(Role.SEEKER)
    status = kw.pop("status", RegistrationStatus.CONFIRMED)
    registration = Registration(event=event, seeker=seeker, status=status, **kw)
    if status == RegistrationStatus.CONFIRMED:
        registration.confirmed_at = utcnow()
    db.session.add(registration)
    db.session.commit()
    return registration


def login_id_for(user: User) -> str:
    """A committed web login session for ``user``: the value Flask-Login keeps as ``_user_id``."""
    from flask import current_app

    _end_read_transaction()
    with current_app.test_request_context():
        start_login_session(user, remember=False)
        login_id = user.get_id()
        user.login_session_secret = None
    db.session.commit()
    return login_id


def make_token(user: User) -> str:
    token = issue_token(user, "test")
    db.session.commit()
    return token


def auth_header(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}
