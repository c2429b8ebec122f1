"""Loading the demo content into the database through the services, so it obeys every rule."""
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from sqlalchemy import func

from ..accounts.models import User
from ..accounts.services import create_user, signup_seeker
from ..booking.services import register
from ..cases import operations
from ..checkin.models import CheckInMethod
from ..checkin.services import Scan, check_in
from ..core.timeutil import SHANGHAI, as_utc, utcnow
from ..events.models import Event
from ..events.services import SessionInput, create_event
from ..extensions import db
from ..stations.data import YANGPU_STATIONS
from ..stations.models import Station
from . import data
from .employers import seed_employers
from .outreach import seed_outreach


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
        station = Station(slug=info.slug, name=info.name, kind=info.kind, address=info.address,
                          opening_hours="周一至周五 9:00–17:00")
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

    seekers = []
    for index, seeker in enumerate(data.SEEKERS):
        email = data.DEMO_SEEKER_EMAIL if index == 0 else None
        seekers.append(signup_seeker(
            name=seeker.name, phone=data.seeker_phone(index), password=data.DEMO_PASSWORD, consent=True,
            email=email, category=seeker.category, school=seeker.school,
            graduation_year=seeker.graduation_year, station_slug=seeker.station,
        ))
        if email:
            result.logins.append(("seeker", f"{email} / {data.seeker_phone(index)}", data.DEMO_PASSWORD,
                                  stations[seeker.station].name))
    result.seekers = len(data.SEEKERS)

    events = {}
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
        events[spec.title] = create_event(
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
            **spec.extra,
        )
    result.events = len(data.EVENTS)
    _seed_case_work(seekers, events, organizers, now)
    result.logins += seed_employers(seekers, events, admin, today.date())
    seed_outreach(seekers)
    return result


def _staff(role: str, slug: str) -> User:
    return db.session.execute(db.select(User).filter_by(email=data.staff_email(role, slug))).scalar_one()


def _seed_case_work(seekers: list, events: dict, organizers: dict, now: datetime) -> None:
    """Employers and posts, registrations, past attendance (with no-shows) and some counselor work.

    Everything goes through the booking, check-in and case services, so the cases' timelines are
    written exactly as they would be at the door.
    """
    for name, industry, posts in data.EMPLOYERS:
        for title in posts:
            operations.find_or_create_post(name, title, industry)

    for title, (registered, came) in data.PAST_ATTENDANCE.items():
        event = events[title]
        door = _staff("door", event.station.slug)
        for index in registered:
            registration = register(event.id, seekers[index], actor=organizers[event.station.slug],
                                    check_rules=False)
            if index in came:
                session = event.sessions[0]
                scanned_at = session.starts_at - timedelta(minutes=10 - index % 10)
                check_in(Scan(code=registration.ticket_code, event_id=event.id, session_id=session.id,
                              gate="正门", device="demo", nonce=f"demo-{event.id}-{index}",
                              scanned_at=scanned_at, method=CheckInMethod.OFFLINE),
                         staff=door, now=scanned_at)  # the past, as if uploaded at once
    for title, indexes in data.UPCOMING_REGISTRATIONS.items():
        for index in indexes:
            register(events[title].id, seekers[index])

    operations.ensure_cases()
    today = now.astimezone(SHANGHAI).date()
    for work in data.CASE_WORK:
        seeker = seekers[work.seeker]
        counselor = _staff("counselor", seeker.station.slug)
        case = operations.case_for(seeker)
        operations.update_case(case, actor=counselor, plan=work.plan, counselor_id=counselor.id)
        for note in work.notes:
            operations.add_note(case, note, actor=counselor)
        referrals = {}
        for employer, post, result in work.referrals:
            referral = operations.add_referral(case, actor=counselor, employer=employer, post=post, consent="verbal")
            if result != "pending":
                operations.set_referral_result(referral, result, actor=counselor)
            referrals[employer] = referral
        if work.outcome:
            employer, post, days, event_title = work.outcome
            operations.record_outcome(
                case, actor=counselor, employer=employer, post=post, start_date=today + timedelta(days=days),
                event_id=events[event_title].id if event_title else None,
                referral_id=referrals[employer].id if employer in referrals else None,
            )
