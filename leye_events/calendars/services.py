"""iCalendar (RFC 5545) feeds built with ``icalendar``.

Every session of an event is one VEVENT with a stable UID (``session-<id>@leye-events``), the same in
every feed, and ``SEQUENCE`` = the event's revision, which rises on every change. Times carry
``TZID=Asia/Shanghai`` and the calendar holds its VTIMEZONE. Public feeds (one event, a station) hold
nothing personal; the personal feed is reached only through the seeker's secret token.

Feeds are cheap to serve: each has a fingerprint computed by one small query, used as its ETag (and
its newest change as Last-Modified) so that a calendar app's conditional GET is answered 304 before
anything is built.
"""
import hashlib
import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..accounts.models import Role, User
from ..audit.services import record
from ..booking.models import Registration, RegistrationStatus
from ..core.db import get_row
from ..core.errors import NotFound
from ..core.timeutil import SHANGHAI, utcnow
from ..events.models import Event, EventSession, EventStatus
from ..extensions import db
from ..online.services import join_url
from ..stations.models import Station

UID_DOMAIN = "leye-events"
PRODID = "-//Yangpu Leye Kongjian//leye-events//ZH"
# A subscribed station feed keeps past events this long, then lets them go.
STATION_FEED_PAST = timedelta(days=180)
REFRESH_INTERVAL = timedelta(hours=6)
# Raise when the shape of the generated calendars changes, so that cached copies are refetched.
FEED_FORMAT = "1"
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_\-]{20,64}$")
_DESCRIPTION_LIMIT = 1500


@dataclass(frozen=True)
class Validators:
    """What a conditional GET compares against: a (weak) ETag and the newest change."""

    etag: str
    last_modified: datetime | None


@dataclass(frozen=True)
class FeedItem:
    """One event as a feed shows it."""

    event: Event
    cancelled: bool
    extra_lines: tuple[str, ...] = ()
    stamp: datetime | None = None  # when this item last changed (defaults to the event's change)
    url: str | None = None  # the item's URL instead of the event page (an online registrant's join link)


def session_uid(session) -> str:
    """The stable UID of a session's VEVENT, the same in every feed and across requests."""
    return f"session-{session.id}@{UID_DOMAIN}"


# --- finding what a feed shows --------------------------------------------------------------------

def public_event(event_id: int, *, show_drafts: bool = False) -> Event:
    """An event for the public .ics: published or cancelled (drafts only when ``show_drafts``)."""
    event = get_row(Event, event_id)
    if event is None or (event.status == EventStatus.DRAFT and not show_drafts):
        raise NotFound("not_found", _("活动不存在。"))
    return event


def station_by_slug(slug: str | None) -> Station:
    slug = (slug or "").replace("\x00", "").strip()[:64]
    station = db.session.scalar(db.select(Station).filter_by(slug=slug)) if slug else None
    if station is None:
        raise NotFound("not_found", _("乐业空间不存在。"))
    return station


def _station_events_filter(station: Station | None, now: datetime):
    """Published events and cancelled ones that had been published, not long past, of one station
    (or of every station when ``station`` is None)."""
    recent = (
        db.select(EventSession.id)
        .where(EventSession.event_id == Event.id, EventSession.ends_at >= now - STATION_FEED_PAST)
        .exists()
    )
    shown = db.or_(
        Event.status == EventStatus.PUBLISHED,
        db.and_(Event.status == EventStatus.CANCELLED, Event.published_at.is_not(None)),
    )
    conditions = (shown, recent)
    return conditions if station is None else (Event.station_id == station.id, *conditions)


def station_events(station: Station | None, now: datetime | None = None) -> list[Event]:
    now = now or utcnow()
    return db.session.scalars(
        db.select(Event)
        .filter(*_station_events_filter(station, now))
        .options(selectinload(Event.sessions))
        .order_by(Event.id)
    ).all()


def user_by_feed_token(token: str | None) -> User | None:
    """The account whose personal feed ``token`` opens; None for any other string."""
    if not isinstance(token, str) or not _TOKEN_SHAPE.match(token):
        return None
    user = db.session.scalar(db.select(User).filter_by(calendar_token=token))
    return user if user is not None and user.is_active else None


def _feed_statuses():
    return (RegistrationStatus.CONFIRMED, RegistrationStatus.CANCELLED)


def personal_items(user: User) -> list[FeedItem]:
    """A seeker's feed: one item per event they hold a confirmed place at, or had one cancelled.
    A staff member's feed: their station's events (an admin's: every station's), for their work calendar.

    An event that has both (cancelled, then registered again) shows the live registration only, so
    that one UID never appears twice. A cancelled event shows as cancelled whatever the registration.
    """
    if user.role != Role.SEEKER:
        return [FeedItem(e, e.status == EventStatus.CANCELLED) for e in station_events(user.station)]
    registrations = db.session.scalars(
        db.select(Registration)
        .filter(Registration.seeker_id == user.id, Registration.status.in_(_feed_statuses()))
        .options(selectinload(Registration.event).selectinload(Event.sessions),
                 selectinload(Registration.event).selectinload(Event.station))
        .order_by(Registration.id)
    ).all()
    chosen: dict[int, Registration] = {}
    for registration in registrations:  # in id order: a later one replaces an earlier cancelled one
        held = chosen.get(registration.event_id)
        if held is None or held.status == RegistrationStatus.CANCELLED:
            chosen[registration.event_id] = registration
    items = []
    for registration in chosen.values():
        event = registration.event
        if event.status == EventStatus.DRAFT:
            continue
        cancelled = registration.status == RegistrationStatus.CANCELLED or event.status == EventStatus.CANCELLED
        stamp = max(event.updated_at, registration.updated_at)
        join = None if cancelled else join_url(registration)
        lines = (_("我的报名：%(status)s", status=registration.status_label),)
        if join:
            lines += (_("线上参加：开始前 15 分钟起打开此链接进入直播间（仅限本人）：%(url)s", url=join),)
        items.append(FeedItem(event, cancelled, stamp=stamp, extra_lines=lines, url=join))
    return items


# --- the secret token of the personal feed --------------------------------------------------------

def _new_token() -> str:
    return secrets.token_urlsafe(24)


def ensure_feed_token(user: User) -> str:
    """The seeker's feed token, created on first use (the caller commits)."""
    if not user.calendar_token:
        user.calendar_token = _new_token()
        db.session.flush()
    return user.calendar_token


def reset_feed_token(user: User, *, actor: User) -> str:
    """A new token for the personal feed: the old URL stops working at once (the caller commits)."""
    for _attempt in range(3):
        user.calendar_token = _new_token()
        try:
            with db.session.begin_nested():
                db.session.flush()
            break
        except IntegrityError:  # a collision of 192 random bits: practically never
            continue
    record("calendar.token_reset", user, actor=actor, station_id=user.station_id)
    return user.calendar_token


# --- validators for conditional GET ----------------------------------------------------------------

def _validators(*parts, last_modified: datetime | None) -> Validators:
    text = "|".join(str(part) for part in (FEED_FORMAT, get_locale(), *parts))
    return Validators(hashlib.sha256(text.encode("utf-8")).hexdigest()[:32], last_modified)


def _station_parts(station: Station | None) -> tuple:
    return (station.id, station.slug, station.name, station.address) if station is not None else ("district",)


def event_validators(event: Event) -> Validators:
    sessions = [(s.id, s.title, s.starts_at, s.ends_at) for s in event.sessions]
    return _validators("event", event.id, event.revision, event.status, event.updated_at, sessions,
                       *_station_parts(event.station), last_modified=event.updated_at)


def station_validators(station: Station | None, now: datetime | None = None) -> Validators:
    """One aggregate query over the station's feed events."""
    now = now or utcnow()
    count, newest, revisions, id_sum = db.session.execute(
        db.select(func.count(Event.id), func.max(Event.updated_at), func.sum(Event.revision), func.sum(Event.id))
        .filter(*_station_events_filter(station, now))
    ).one()
    newest = _aware(newest)
    return _validators("station", count, newest, revisions, id_sum, *_station_parts(station), last_modified=newest)


def personal_validators(user: User) -> Validators:
    """One aggregate query over the seeker's registrations and their events (staff: over their
    station's feed events)."""
    if user.role != Role.SEEKER:
        station = station_validators(user.station)
        return _validators("staff", user.id, user.calendar_token, station.etag, last_modified=station.last_modified)
    count, newest_registration, newest_event, revisions, id_sum = db.session.execute(
        db.select(func.count(Registration.id), func.max(Registration.updated_at), func.max(Event.updated_at),
                  func.sum(Event.revision), func.sum(Registration.id))
        .join(Event, Event.id == Registration.event_id)
        .filter(Registration.seeker_id == user.id, Registration.status.in_(_feed_statuses()))
    ).one()
    newest = max((_aware(v) for v in (newest_registration, newest_event) if v is not None), default=None)
    return _validators("personal", user.id, user.calendar_token, count, newest_registration, newest_event,
                       revisions, id_sum, last_modified=newest)


def _aware(value):
    """Aggregates (max of a column) come back as the driver gives them: naive UTC, or a string."""
    if value is None or isinstance(value, datetime) and value.tzinfo is not None:
        return value
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


# --- building the calendar ------------------------------------------------------------------------

def build_calendar(name: str, items: Iterable[FeedItem], event_url: Callable[[Event], str]) -> bytes:
    """The .ics text of a calendar named ``name`` showing ``items``, one VEVENT per session.

    ``event_url(event)`` gives the absolute URL of an event's page (the caller knows the host).
    """
    import icalendar  # imported on first use: only feed requests need it (~10 MiB per worker)

    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Asia/Shanghai")
    calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", icalendar.vDuration(REFRESH_INTERVAL).to_ical().decode())
    for item in items:
        for component in _session_components(item, event_url(item.event)):
            calendar.add_component(component)
    # The VTIMEZONE of Asia/Shanghai (+08:00 without daylight saving since 1991; events start in 2020).
    calendar.add_missing_timezones(first_date=date(2000, 1, 1), last_date=date(2100, 1, 1))
    return calendar.to_ical()


def _session_components(item: FeedItem, url: str):
    import icalendar

    event = item.event
    stamp = item.stamp or event.updated_at
    several = len(event.sessions) > 1
    location = _location(event)
    for number, session in enumerate(event.sessions, start=1):
        vevent = icalendar.Event()
        vevent.add("uid", session_uid(session))
        vevent.add("sequence", event.revision or 0)
        vevent.add("dtstamp", stamp)
        vevent.add("last-modified", stamp)
        vevent.add("created", event.created_at)
        vevent.add("dtstart", session.starts_at.astimezone(SHANGHAI))
        vevent.add("dtend", session.ends_at.astimezone(SHANGHAI))
        summary = event.title
        if several:
            summary += " · " + (session.title or _("第%(n)d场", n=number))
        if item.cancelled:
            summary = _("【已取消】") + summary
        vevent.add("summary", summary)
        if location:
            vevent.add("location", location)
        vevent.add("description", _description(item, session, url))
        vevent.add("url", item.url or url)
        vevent.add("categories", [event.kind_label])
        vevent.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
        vevent.add("transp", "TRANSPARENT" if item.cancelled else "OPAQUE")
        yield vevent


def _location(event: Event) -> str:
    station = event.station
    if event.venue and station is not None:
        return f"{event.venue}（{station.name}）"
    if event.venue:
        return event.venue
    if station is not None:
        return f"{station.name} {station.address}".strip()
    return ""


def _description(item: FeedItem, session, url: str) -> str:
    event = item.event
    lines = [f"{event.kind_label} · {event.station.name}" if event.station else event.kind_label]
    if session.title:
        lines.append(_("场次：%(title)s", title=session.title))
    if event.status == EventStatus.CANCELLED:
        lines.append(_("该活动已取消。") + (_("原因：") + event.cancel_reason if event.cancel_reason else ""))
    lines.extend(item.extra_lines)
    if event.description:
        text = event.description.strip()
        if len(text) > _DESCRIPTION_LIMIT:
            text = text[:_DESCRIPTION_LIMIT] + "…"
        lines.extend(["", text])
    lines.extend(["", _("活动详情：%(url)s", url=url)])
    return "\n".join(lines)


def event_calendar(event: Event, event_url) -> bytes:
    return build_calendar(event.title, [FeedItem(event, event.status == EventStatus.CANCELLED)], event_url)


def station_calendar(station: Station, event_url) -> bytes:
    items = [FeedItem(e, e.status == EventStatus.CANCELLED) for e in station_events(station)]
    return build_calendar(_("%(station)s · 乐业活动", station=station.name), items, event_url)


def personal_calendar(user: User, event_url) -> bytes:
    return build_calendar(_("我的乐业活动"), personal_items(user), event_url)

