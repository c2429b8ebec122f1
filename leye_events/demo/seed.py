"""Loading the demo content into the database through the services, so it obeys every rule."""
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from sqlalchemy import func, text

from ..accounts.models import User
from ..accounts.services import create_user, signup_seeker
from ..core.timeutil import SHANGHAI, as_utc, utcnow
from ..events.models import Event
from ..events.services import SessionInput, create_event
from ..extensions import db
from ..stations.data import YANGPU_STATIONS
from ..stations.models import Station
from . import data


@dataclass
class SeedResult:
    stations: int = 0
    staff: int = 0
    seekers: int = 0
    events: int = 0
    # (role, email, password, station name) for the "Demo logins" table.
    logins: list[tuple[str, str, str, str]] = field(default_factory=list)


def database_is_empty() -> bool:
    """True when there are no stations, accounts or events."""
    for model in (Station, User, Event):
        if db.session.execute(db.select(func.count()).select_from(model)).scalar_one():
            return False
    return True


def wipe_database() -> None:
    """Delete every row of every table (the schema and migration history stay)."""
    tables = list(reversed(db.metadata.sorted_tables))
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(table.name for table in tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(table.delete())
    db.session.commit()


def _at(day: datetime, hhmm: str) -> datetime:
    hour, minute = (int(part) for part in hhmm.split(":"))
    return as_utc(datetime.combine(day.date(), time(hour, minute), tzinfo=SHANGHAI))


def seed_demo(now: datetime | None = None) -> SeedResult:
    """Create the stations, demo accounts and a month of events starting ``now``; the caller commits."""
    now = now or utcnow()
    today = now.astimezone(SHANGHAI)
    result = SeedResult()

    stations = {}
    for info in YANGPU_STATIONS:
        station = Station(slug=info.slug, name=info.name, kind=info.kind, address=info.address)
        db.session.add(station)
        stations[info.slug] = station
    db.session.flush()
    result.stations = len(stations)

    admin = create_user(role="admin", password=data.DEMO_PASSWORD, name="区级管理员", email=data.ADMIN_EMAIL)
    result.logins.append(("admin", data.ADMIN_EMAIL, data.DEMO_PASSWORD, "杨浦区"))
    organizers = {}
    for slug in data.STAFFED_STATIONS:
        for role in data.STAFF_ROLES:
            email = data.staff_email(role, slug)
            user = create_user(
                role=role, password=data.DEMO_PASSWORD, name=data.STAFF_NAMES[(slug, role)],
                email=email, station_slug=slug, actor=admin,
            )
            if role == "organizer":
                organizers[slug] = user
            result.logins.append((role, email, data.DEMO_PASSWORD, stations[slug].name))
    result.staff = 1 + len(data.STAFFED_STATIONS) * len(data.STAFF_ROLES)

    for index, seeker in enumerate(data.SEEKERS):
        email = data.DEMO_SEEKER_EMAIL if index == 0 else None
        signup_seeker(
            name=seeker.name, phone=data.seeker_phone(index), password=data.DEMO_PASSWORD, consent=True,
            email=email, category=seeker.category, school=seeker.school,
            graduation_year=seeker.graduation_year, station_slug=seeker.station,
        )
        if email:
            result.logins.append(("seeker", f"{email} / {data.seeker_phone(index)}", data.DEMO_PASSWORD,
                                  stations[seeker.station].name))
    result.seekers = len(data.SEEKERS)

    for spec in data.EVENTS:
        sessions = [
            SessionInput(
                starts_at=_at(today + timedelta(days=s.day), s.starts),
                ends_at=_at(today + timedelta(days=s.day), s.ends),
                title=s.title,
            )
            for s in spec.sessions
        ]
        first_start = min(s.starts_at for s in sessions)
        closes = first_start - timedelta(hours=spec.closes_hours_before) if spec.closes_hours_before else None
        create_event(
            actor=organizers.get(spec.station, admin),
            station=stations[spec.station],
            sessions=sessions,
            status=spec.status,
            title=spec.title,
            kind=spec.kind,
            venue=spec.venue,
            capacity=spec.capacity,
            description=spec.description,
            registration_opens=min(now - timedelta(days=1), first_start - timedelta(days=14)),
            registration_closes=closes,
            eligible_categories=list(spec.eligible_categories) if spec.eligible_categories else None,
        )
    result.events = len(data.EVENTS)
    return result
