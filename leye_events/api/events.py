"""Events in the API: the catalogue, one event, and organizers' create / change / cancel."""
from flask import current_app, jsonify, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func

from ..accounts.auth import is_staff_of_station
from ..accounts.models import Role
from ..accounts.services import station_by_slug
from ..booking.counts import seat_counts, seat_counts_for
from ..core.errors import NotFound, ServiceError
from ..events import services
from ..events.models import Event, EventKind, EventMode, EventStatus
from ..extensions import db
from ..stations.models import Station
from . import bp
from . import parsing as p
from .auth import api_user, require_roles
from .serializers import event_json

MAX_PAGE = 100_000
YEAR_MIN, YEAR_MAX = 1900, 2200

# Body fields of POST /events and PATCH /events/{id} other than ``station`` and ``sessions``.
_TEXT_FIELDS = ("title", "kind", "venue", "description", "status", "eligible_school", "mode", "online_url",
                "replay_url")
_REQUIRED_ON_CREATE = ("title", "kind", "sessions")  # and capacity, except for online events


def _staff_view(event: Event) -> bool:
    """Whether the caller is staff of the event's station (sees the live room's address)."""
    return is_staff_of_station(api_user(optional=True), event.station_id)


@bp.get("/events")
def list_events():
    """Published events with a session still to come (or within ``from``/``to``), soonest first."""
    kind = p.query_text("kind", max_length=32)
    if kind is not None and kind not in EventKind.values():
        raise p.invalid_parameter("kind", _("活动类型无效，可选：%(kinds)s。", kinds=", ".join(EventKind.values())))
    station_slug = p.query_text("station", max_length=64)
    station_id = None
    if station_slug is not None:
        station_id = db.session.execute(db.select(Station.id).filter_by(slug=station_slug)).scalar_one_or_none()
        if station_id is None:
            raise p.invalid_parameter("station", _("找不到该乐业空间。"))
    date_from = p.query_moment("from")
    date_to = p.query_moment("to", end_of_day=True)
    if date_from is not None and date_to is not None and date_to <= date_from:
        raise p.invalid_parameter("to", _("结束时间必须晚于开始时间。"))
    text = p.query_text("q")
    page = p.query_int("page", default=1, minimum=1, maximum=MAX_PAGE)
    max_size = current_app.config["API_MAX_PAGE_SIZE"]
    per_page = p.query_int(
        "per_page", default=min(current_app.config["API_PAGE_SIZE"], max_size), minimum=1, maximum=max_size, clamp=True
    )

    query = services.catalogue_query(
        kind=kind, station_id=station_id, date_from=date_from, date_to=date_to, text=text
    )
    total = db.session.scalar(db.select(func.count()).select_from(query.order_by(None).subquery()))
    events = db.session.execute(query.limit(per_page).offset((page - 1) * per_page)).scalars().all()
    counts = seat_counts_for(events)
    next_url = None
    if page * per_page < total and page < MAX_PAGE:
        args = {key: value for key, value in request.args.items() if key not in ("page", "per_page")}
        next_url = url_for("api.list_events", **args, page=page + 1, per_page=per_page, _external=True)
    return jsonify(
        {
            "events": [event_json(e, counts[e.id]) for e in events],
            "page": page,
            "per_page": per_page,
            "total": total,
            "next": next_url,
        }
    )


@bp.get("/events/<int:event_id>")
def get_event(event_id: int):
    """One event. Drafts only for staff of its station and admins; others get 404."""
    event = _event_or_404(event_id)
    staff_view = _staff_view(event)
    if event.status == EventStatus.DRAFT and not staff_view:
        raise _not_found()
    return jsonify(event_json(event, seat_counts(event), staff_view=staff_view))


@bp.post("/events")
@require_roles(Role.ORGANIZER, Role.ADMIN)
def create_event():
    """Create an event with its sessions (organizers for their own station, admins for any)."""
    user = api_user()
    body = p.json_body()
    for name in _REQUIRED_ON_CREATE:
        if name not in body:
            raise p.missing_field(name)
    if "capacity" not in body and body.get("mode") != "online":
        raise p.missing_field("capacity")
    values = _event_values(body)
    station = values.pop("station", None)
    if station is None:
        if user.role != Role.ORGANIZER or user.station is None:
            raise p.missing_field("station")
        station = user.station
    sessions = values.pop("sessions")
    status = values.pop("status", EventStatus.DRAFT)
    event = services.create_event(actor=user, station=station, sessions=sessions, status=status, **values)
    db.session.commit()
    response = jsonify(event_json(event, seat_counts(event), staff_view=_staff_view(event)))
    response.headers["Location"] = url_for("api.get_event", event_id=event.id, _external=True)
    return response, 201


@bp.patch("/events/<int:event_id>")
@require_roles(Role.ORGANIZER, Role.ADMIN)
def update_event(event_id: int):
    """Change the given fields; ``sessions``, when given, replaces the list (items with ``id`` are kept)."""
    event = _event_or_404(event_id)
    body = p.json_body()
    values = _event_values(body, event)
    sessions = values.pop("sessions", None)
    services.update_event(event, actor=api_user(), sessions=sessions, **values)
    db.session.commit()
    return jsonify(event_json(event, seat_counts(event), staff_view=_staff_view(event)))


@bp.post("/events/<int:event_id>/cancel")
@require_roles(Role.ORGANIZER, Role.ADMIN)
def cancel_event(event_id: int):
    """Cancel an event; its registrants are told. Body: ``{"reason"?: "..."}``."""
    event = _event_or_404(event_id)
    body = p.json_body(allow_empty=True)
    reason = p.text(body, "reason")
    services.cancel_event(event, actor=api_user(), reason=reason if isinstance(reason, str) else "")
    db.session.commit()
    return jsonify(event_json(event, seat_counts(event), staff_view=_staff_view(event)))


def _not_found() -> NotFound:
    return NotFound("not_found", _("找不到该活动。"))


def _event_or_404(event_id: int) -> Event:
    event = db.session.get(Event, p.check_id(event_id))
    if event is None:
        raise _not_found()
    return event


def _event_values(body: dict, event: Event | None = None) -> dict:
    """The fields of an event body, type-checked (400); value rules are the service's (422).
    ``capacity`` may be null (no limit) only for an online event."""
    allowed = set(services.EDITABLE_FIELDS) | {"sessions"}
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise ServiceError("invalid_field", _("不支持的字段。"), field=unknown[0])
    values = {}
    for name in _TEXT_FIELDS:
        values[name] = p.text(body, name)
    values["station"] = p.text(body, "station", nullable=False)
    mode = body.get("mode", event.mode.value if event is not None and event.mode else "onsite")
    values["capacity"] = p.integer(body, "capacity", nullable=mode == EventMode.ONLINE)
    values["waitlist_enabled"] = p.boolean(body, "waitlist_enabled")
    values["registration_opens"] = p.timestamp(body, "registration_opens")
    values["registration_closes"] = p.timestamp(body, "registration_closes")
    for name in ("eligible_graduation_year_min", "eligible_graduation_year_max"):
        values[name] = p.integer(body, name, nullable=True, minimum=YEAR_MIN, maximum=YEAR_MAX)
    categories = p.string_list(body, "eligible_categories")
    if isinstance(categories, list):
        categories = [p.category_code(c) for c in categories]
    values["eligible_categories"] = categories
    values["sessions"] = _sessions(body)
    values = {key: value for key, value in values.items() if value is not p.MISSING}
    if "station" in values:
        values["station"] = station_by_slug(values["station"]) or _unknown_station()
    return values


def _unknown_station():
    raise ServiceError("unknown_station", _("找不到该乐业空间。"), field="station")


def _sessions(body: dict):
    items = p.object_list(body, "sessions", max_items=services.MAX_SESSIONS)
    if items is p.MISSING:
        return items
    sessions = []
    for index, item in enumerate(items):
        try:
            sessions.append(_session(item))
        except ServiceError as error:  # point at the item: "sessions[1].starts_at"
            error.field = f"sessions[{index}].{error.field}" if error.field else f"sessions[{index}]"
            raise
    return sessions


def _session(item: dict) -> services.SessionInput:
    unknown = sorted(set(item) - {"id", "title", "starts_at", "ends_at", "mode"})
    if unknown:
        raise ServiceError("invalid_field", _("不支持的字段。"), field=unknown[0])
    session_id = p.integer(item, "id", nullable=True)
    if isinstance(session_id, int) and not (1 <= session_id <= p.MAX_ID):
        raise ServiceError("invalid_field", _("场次不属于该活动。"), field="id")
    title = p.text(item, "title")
    mode = p.text(item, "mode", nullable=True)
    return services.SessionInput(
        mode=mode if isinstance(mode, str) else None,
        starts_at=p.timestamp(item, "starts_at", required=True),
        ends_at=p.timestamp(item, "ends_at", required=True),
        title=title if isinstance(title, str) else "",
        id=session_id if isinstance(session_id, int) else None,
    )
