"""Event rules: creating, editing, publishing and cancelling events, and the catalogue query.

The only place that changes events and sessions. Callers commit.
"""
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, or_

from ..accounts.auth import can_manage_station
from ..accounts.models import SeekerCategory
from ..audit.services import record
from ..core.db import begin_locking_transaction, lock_row
from ..core.errors import Forbidden, ServiceError
from ..core.timeutil import utcnow
from ..extensions import db
from ..stations.models import Station
from .models import Event, EventKind, EventMode, EventSession, EventStatus
from .signals import event_cancelled, event_capacity_changed, event_changed, event_changing

MAX_CAPACITY = 100_000
MAX_SESSIONS = 50
EDITABLE_FIELDS = (
    "title",
    "kind",
    "station",
    "capacity",
    "venue",
    "description",
    "registration_opens",
    "registration_closes",
    "status",
    "waitlist_enabled",
    "eligible_categories",
    "eligible_school",
    "eligible_graduation_year_min",
    "eligible_graduation_year_max",
    "mode",
    "online_url",
    "replay_url",
)
URL_MAX = 500


@dataclass
class SessionInput:
    starts_at: datetime
    ends_at: datetime
    title: str = ""
    id: int | None = None
    mode: str | None = None  # None: as the event (a workshop module may be online, the others onsite)


def _invalid(field: str, message: str) -> ServiceError:
    return ServiceError("invalid_field", message, field=field, status=422)


def _check_text(value, field: str, max_length: int, *, required: bool) -> str:
    value = value.replace("\x00", "").strip() if isinstance(value, str) else ""
    if required and not value:
        raise _invalid(field, _("此项为必填项。"))
    if len(value) > max_length:
        raise _invalid(field, _("不能超过 %(max)d 个字符。", max=max_length))
    return value


def _check_capacity(value, mode=EventMode.ONSITE) -> int | None:
    """An integer 0..MAX_CAPACITY; None (no limit) only for an online event."""
    if value is None and mode == EventMode.ONLINE:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not (0 <= value <= MAX_CAPACITY):
        raise _invalid("capacity", _("名额须为 0 到 %(max)d 之间的整数。", max=MAX_CAPACITY))
    return value


def _check_mode(value, field: str = "mode") -> EventMode:
    try:
        return EventMode(value)
    except ValueError:
        raise _invalid(field, _("参加方式无效，可选：%(modes)s。", modes=", ".join(EventMode.values()))) from None


def _check_url(value, field: str) -> str | None:
    """An http(s) address of at most 500 characters, or None when empty."""
    value = _check_text(value, field, URL_MAX, required=False)
    if not value:
        return None
    if not value.lower().startswith(("https://", "http://")) or any(c.isspace() for c in value):
        raise _invalid(field, _("请填写以 http:// 或 https:// 开头的网址。"))
    return value


def _new_mode(event: Event, values: dict) -> EventMode:
    """The mode the event will have after ``values`` are applied (checked)."""
    if values.get("mode") is not None:
        values["mode"] = _check_mode(values["mode"])
    elif "mode" in values:
        values.pop("mode")
    return values.get("mode") or event.mode or EventMode.ONSITE


def _check_sessions(sessions) -> list[SessionInput]:
    if not sessions:
        raise _invalid("sessions", _("活动至少需要一个场次。"))
    if len(sessions) > MAX_SESSIONS:
        raise _invalid("sessions", _("场次不能超过 %(max)d 个。", max=MAX_SESSIONS))
    for item in sessions:
        if item.ends_at <= item.starts_at:
            raise _invalid("sessions", _("场次的结束时间必须晚于开始时间。"))
        if len(item.title or "") > 200:
            raise _invalid("sessions", _("场次名称不能超过 200 个字符。"))
        if item.mode is not None:
            item.mode = _check_mode(item.mode, "sessions")
    return sorted(sessions, key=lambda s: s.starts_at)


def _check_window(opens, closes, sessions) -> None:
    if opens and closes and closes <= opens:
        raise _invalid("registration_closes", _("报名截止时间必须晚于报名开始时间。"))
    if opens and sessions and opens >= max(s.ends_at for s in sessions):
        raise _invalid("registration_opens", _("报名开始时间必须早于活动结束时间。"))


def _check_audience(values: dict) -> None:
    categories = values.get("eligible_categories")
    if categories is not None:
        if not isinstance(categories, list) or any(c not in SeekerCategory.values() for c in categories):
            raise _invalid("eligible_categories", _("人员类别无效。"))
        values["eligible_categories"] = sorted(set(categories)) or None
    low, high = values.get("eligible_graduation_year_min"), values.get("eligible_graduation_year_max")
    if low is not None and high is not None and low > high:
        raise _invalid("eligible_graduation_year_max", _("毕业年份范围无效。"))


def _authorize(actor, station: Station) -> None:
    if not can_manage_station(actor, station.id):
        raise Forbidden("forbidden", _("您只能管理本乐业空间的活动。"))


def _apply_sessions(event: Event, sessions: list[SessionInput]) -> None:
    existing = {s.id: s for s in event.sessions}
    kept = []
    for item in sessions:
        session = existing.get(item.id) if item.id else None
        if item.id and session is None:
            raise _invalid("sessions", _("场次不属于该活动。"))
        if session is None:
            session = EventSession()
            event.sessions.append(session)
        session.title = (item.title or "").strip()
        session.starts_at = item.starts_at
        session.ends_at = item.ends_at
        session.mode = item.mode
        kept.append(session)
    for session in list(event.sessions):
        if session not in kept:
            event.sessions.remove(session)


def create_event(*, actor, station: Station, sessions: list[SessionInput], status=EventStatus.DRAFT, **values) -> Event:
    """Create an event with its sessions; ``status`` may be draft or published."""
    _authorize(actor, station)
    event = Event(station=station, created_by=actor, revision=0)
    for required in ("title", "kind", "capacity"):
        values.setdefault(required, None)
    values.setdefault("mode", EventMode.ONSITE)
    _assign(event, values, sessions or [], status)
    db.session.add(event)
    db.session.flush()
    record("event.create", event, actor=actor, status=event.status.value)
    return event


def update_event(event: Event, *, actor, sessions: list[SessionInput] | None = None, **values) -> Event:
    """Change the given fields (and, if given, the sessions) of an event that is not cancelled."""
    _authorize(actor, event.station)
    if event.status == EventStatus.CANCELLED:
        raise ServiceError("event_cancelled", _("该活动已取消，不能再修改。"))
    new_station = values.get("station")
    if new_station is not None and new_station.id != event.station_id:
        _authorize(actor, new_station)
    status = values.pop("status", event.status)
    mode = _new_mode(event, values)
    if "capacity" in values:
        values["capacity"] = _check_capacity(values["capacity"], mode)
    elif event.capacity is None and mode != EventMode.ONLINE:
        raise _invalid("capacity", _("线下或线上线下活动须填写名额。"))
    capacity_changes = "capacity" in values and values["capacity"] != event.capacity
    if capacity_changes:
        event = _lock_for_capacity_change(event)
    event_changing.send(event, status=status, mode=mode, capacity=values["capacity"] if capacity_changes else None)
    before = _time_and_place(event)
    _assign(event, values, sessions, status)
    if capacity_changes:
        event_capacity_changed.send(event, actor=actor)
    event.revision += 1
    record("event.update", event, actor=actor, fields=sorted(values) + (["sessions"] if sessions is not None else []))
    if event.status == EventStatus.PUBLISHED and before != _time_and_place(event):
        event_changed.send(event, actor=actor)
    return event


def _time_and_place(event: Event) -> tuple:
    """What registrants are told about when it changes: the venue and every session's times."""
    return event.venue, sorted((s.starts_at, s.ends_at) for s in event.sessions)


def _lock_for_capacity_change(event: Event) -> Event:
    """Lock the event row: registrations wait while the seats are recounted."""
    begin_locking_transaction()
    return lock_row(Event, event.id)


def _assign(event: Event, values: dict, sessions, status) -> None:
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise _invalid(sorted(unknown)[0], _("不支持的字段。"))
    if "title" in values:
        values["title"] = _check_text(values["title"], "title", 200, required=True)
    if "venue" in values:
        values["venue"] = _check_text(values["venue"], "venue", 200, required=False)
    if "description" in values:
        values["description"] = _check_text(values["description"], "description", 20_000, required=False)
    if "eligible_school" in values:
        values["eligible_school"] = _check_text(values["eligible_school"], "eligible_school", 100, required=False) or None
    mode = _new_mode(event, values)
    if "capacity" in values:
        values["capacity"] = _check_capacity(values["capacity"], mode)
    for field in ("online_url", "replay_url"):
        if field in values:
            values[field] = _check_url(values[field], field)
    if "kind" in values:
        try:
            values["kind"] = EventKind(values["kind"])
        except ValueError:
            raise _invalid("kind", _("活动类型无效。")) from None
    try:
        status = EventStatus(status)
    except ValueError:
        raise _invalid("status", _("状态无效。")) from None
    if status == EventStatus.CANCELLED:
        raise _invalid("status", _("请使用“取消活动”来取消。"))
    _check_audience(values)
    if sessions is not None:
        sessions = _check_sessions(sessions)
    _check_window(
        values.get("registration_opens", event.registration_opens),
        values.get("registration_closes", event.registration_closes),
        sessions if sessions is not None else event.sessions,
    )
    for key, value in values.items():
        setattr(event, key, value)
    if sessions is not None:
        _apply_sessions(event, sessions)
    if status == EventStatus.PUBLISHED and event.published_at is None:
        event.published_at = utcnow()
    event.status = status


def publish_event(event: Event, *, actor) -> Event:
    """Make a draft visible in the catalogue."""
    return update_event(event, actor=actor, status=EventStatus.PUBLISHED)


def cancel_event(event: Event, *, actor, reason: str = "") -> Event:
    """Cancel an event; listeners of ``event_cancelled`` tell its registrants."""
    _authorize(actor, event.station)
    if event.status == EventStatus.CANCELLED:
        raise ServiceError("event_cancelled", _("该活动已取消。"))
    event.status = EventStatus.CANCELLED
    event.cancel_reason = _check_text(reason, "reason", 500, required=False) or None
    event.cancelled_at = utcnow()
    event.revision += 1
    record("event.cancel", event, actor=actor, reason=event.cancel_reason or "")
    event_cancelled.send(event, actor=actor, reason=event.cancel_reason)
    return event


def first_session_start():
    """A correlated subquery: the start of an event's first session (for ordering)."""
    return (
        db.select(func.min(EventSession.starts_at))
        .where(EventSession.event_id == Event.id)
        .correlate(Event)
        .scalar_subquery()
    )


@dataclass(frozen=True)
class SessionSummary:
    """What an event card shows of the sessions: the first one (``starts_at``, ``ends_at``) and how many."""

    first: object
    count: int


def session_summaries(event_ids) -> dict[int, SessionSummary]:
    """Each event's ``SessionSummary`` by event id, in one statement of three columns (a catalogue page
    would otherwise load every session of every card as an ORM object)."""
    event_ids = list(event_ids)
    if not event_ids:
        return {}
    rows = db.session.execute(
        db.select(EventSession.event_id, EventSession.starts_at, EventSession.ends_at)
        .where(EventSession.event_id.in_(event_ids))
        .order_by(EventSession.event_id, EventSession.starts_at, EventSession.id)  # as Event.sessions
    ).all()
    firsts, counts = {}, {}
    for row in rows:
        firsts.setdefault(row.event_id, row)
        counts[row.event_id] = counts.get(row.event_id, 0) + 1
    return {event_id: SessionSummary(first, counts[event_id]) for event_id, first in firsts.items()}


def catalogue_query(*, kind=None, station_id=None, date_from=None, date_to=None, text=None, statuses=(EventStatus.PUBLISHED,)):
    """A select of events with a session ending after ``date_from`` (default: now) and starting
    before ``date_to``, filtered by kind, station and a text search, soonest first."""
    date_from = date_from or utcnow()
    in_range = db.select(EventSession.id).where(EventSession.event_id == Event.id, EventSession.ends_at >= date_from)
    if date_to is not None:
        in_range = in_range.where(EventSession.starts_at < date_to)
    query = db.select(Event).where(Event.status.in_(list(statuses)), in_range.exists())
    if kind:
        query = query.where(Event.kind == kind)
    if station_id:
        query = query.where(Event.station_id == station_id)
    if text:
        query = query.where(_text_matches(text))
    return query.order_by(first_session_start(), Event.id)


def _text_matches(text: str):
    """Title, description or venue contains ``text`` (literally: ``%`` and ``_`` are not wildcards)."""
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return or_(Event.title.ilike(pattern, escape="\\"), Event.description.ilike(pattern, escape="\\"),
               Event.venue.ilike(pattern, escape="\\"))


MANAGE_VIEWS = ("upcoming", "past", "drafts", "all")


def manage_query(query, *, view: str, text=None, now=None):
    """Narrow an organizer's event list: ``upcoming`` (published or cancelled, a session still to
    end), ``past`` (every session ended), ``drafts``, or ``all``; plus a text search. Upcoming
    soonest first, the rest newest first."""
    now = now or utcnow()
    still_running = db.select(EventSession.id).where(EventSession.event_id == Event.id,
                                                     EventSession.ends_at >= now).exists()
    if view == "upcoming":
        query = query.where(Event.status != EventStatus.DRAFT, still_running)
    elif view == "past":
        query = query.where(Event.status != EventStatus.DRAFT, ~still_running)
    elif view == "drafts":
        query = query.where(Event.status == EventStatus.DRAFT)
    if text:
        query = query.where(_text_matches(text))
    if view == "upcoming":
        return query.order_by(first_session_start(), Event.id)
    return query.order_by(first_session_start().desc(), Event.id.desc())


def close_registration_now(event: Event, *, actor) -> Event:
    """End the registration window at once (before its planned close)."""
    now = utcnow()
    changes = {"registration_closes": now}
    if event.registration_opens and event.registration_opens >= now:
        changes["registration_opens"] = None
    return update_event(event, actor=actor, **changes)
