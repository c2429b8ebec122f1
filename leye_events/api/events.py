"""Events in the API: the catalogue, one event, and organizers' create / change / cancel."""
from flask import current_app, jsonify, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func

from ..accounts.auth import is_staff_of_station
from ..accounts.models import Role
from ..accounts.services import station_by_slug
from ..booking.counts import seat_counts, seat_counts_for
from ..core.db import unit_of_work
from ..core.errors import NotFound, ServiceError
from ..events import services
from ..events.models import Event, EventKind, EventMode, EventStatus
from ..extensions import db
from ..stations.models import Station
from . import bodies as p
from . import bp
from .auth import api_user, require_roles
from .models import MAX_PAGE, CancelRequest, EventCreate, EventInput, EventPage, EventQuery
from .models import Event as EventSchema
from .schema import PUBLIC, answers, body_values, declare
from .serializers import event_json


def _staff_view(event: Event) -> bool:
    """Whether the caller is staff of the event's station (sees the live room's address)."""
    return is_staff_of_station(api_user(optional=True), event.station_id)


@bp.get("/events")
@declare(query=EventQuery, resp=answers(200, EventPage, "A page of events", errors=(400,)), tags=["events"],
         security=PUBLIC, operation_id="listEvents")
def list_events():
    """Published events with a session still to come (or within ``from``/``to``), soonest first.

    Events with a session ending after `from` (default: now) and starting before `to`, soonest first."""
    query = request.context.query
    kind = query.kind
    if kind is not None and kind not in EventKind.values():
        raise p.invalid_parameter("kind", _("活动类型无效，可选：%(kinds)s。", kinds=", ".join(EventKind.values())))
    station_id = None
    if query.station is not None:
        station_id = db.session.execute(db.select(Station.id).filter_by(slug=query.station)).scalar_one_or_none()
        if station_id is None:
            raise p.invalid_parameter("station", _("找不到该乐业空间。"))
    date_from, date_to = query.from_, query.to
    if date_from is not None and date_to is not None and date_to <= date_from:
        raise p.invalid_parameter("to", _("结束时间必须晚于开始时间。"))
    page = query.page or 1
    max_size = current_app.config["API_MAX_PAGE_SIZE"]
    per_page = min(query.per_page or current_app.config["API_PAGE_SIZE"], max_size)

    catalogue = services.catalogue_query(
        kind=kind, station_id=station_id, date_from=date_from, date_to=date_to, text=query.q
    )
    total = db.session.scalar(db.select(func.count()).select_from(catalogue.order_by(None).subquery()))
    events = db.session.execute(catalogue.limit(per_page).offset((page - 1) * per_page)).scalars().all()
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
@declare(resp=answers(200, EventSchema, "The event", errors=(404,)), tags=["events"], security=PUBLIC,
         operation_id="getEvent")
def get_event(event_id: int):
    """One event. Drafts only for staff of its station and admins; others get 404."""
    event = _event_or_404(event_id)
    staff_view = _staff_view(event)
    if event.status == EventStatus.DRAFT and not staff_view:
        raise _not_found()
    return jsonify(event_json(event, seat_counts(event), staff_view=staff_view))


@bp.post("/events")
@require_roles(Role.ORGANIZER, Role.ADMIN)
@declare(json=EventCreate, resp=answers(201, EventSchema, "The event", errors=(400, 401, 403, 422)),
         tags=["events"], operation_id="createEvent")
def create_event():
    """Create an event with its sessions (organizers for their own station, admins for any)."""
    user = api_user()
    body = request.context.json
    if "capacity" not in body.model_fields_set and body.mode != EventMode.ONLINE:
        raise p.missing_field("capacity")
    values = _event_values(body)
    station = values.pop("station", None)
    if station is None:
        if user.role != Role.ORGANIZER or user.station is None:
            raise p.missing_field("station")
        station = user.station
    sessions = values.pop("sessions")
    status = values.pop("status", EventStatus.DRAFT)
    with unit_of_work():
        event = services.create_event(actor=user, station=station, sessions=sessions, status=status, **values)
    response = jsonify(event_json(event, seat_counts(event), staff_view=_staff_view(event)))
    response.headers["Location"] = url_for("api.get_event", event_id=event.id, _external=True)
    return response, 201


@bp.patch("/events/<int:event_id>")
@require_roles(Role.ORGANIZER, Role.ADMIN)
@declare(json=EventInput, resp=answers(200, EventSchema, "The event", errors=(400, 401, 403, 404, 422)),
         tags=["events"], operation_id="updateEvent")
def update_event(event_id: int):
    """Change the given fields; ``sessions``, when given, replaces the list (items with ``id`` are kept)."""
    event = _event_or_404(event_id)
    values = _event_values(request.context.json, event)
    sessions = values.pop("sessions", None)
    with unit_of_work():
        services.update_event(event, actor=api_user(), sessions=sessions, **values)
    return jsonify(event_json(event, seat_counts(event), staff_view=_staff_view(event)))


@bp.post("/events/<int:event_id>/cancel")
@require_roles(Role.ORGANIZER, Role.ADMIN)
@declare(json=CancelRequest, resp=answers(200, EventSchema, "The cancelled event", errors=(400, 401, 403, 404, 422)),
         tags=["events"], operation_id="cancelEvent")
def cancel_event(event_id: int):
    """Cancel an event; its registrants are told. Body: ``{"reason"?: "..."}``."""
    event = _event_or_404(event_id)
    with unit_of_work():
        services.cancel_event(event, actor=api_user(), reason=request.context.json.reason or "")
    return jsonify(event_json(event, seat_counts(event), staff_view=_staff_view(event)))


def _not_found() -> NotFound:
    return NotFound("not_found", _("找不到该活动。"))


def _event_or_404(event_id: int) -> Event:
    event = db.session.get(Event, p.check_id(event_id))
    if event is None:
        raise _not_found()
    return event


def _event_values(body: EventInput, event: Event | None = None) -> dict:
    """The fields the caller sent, for the service (whose value rules answer 422).
    ``capacity`` may be null (no limit) only for an online event."""
    values = body_values(body)
    if "capacity" in values and values["capacity"] is None:
        mode = values.get("mode") if "mode" in values else (event.mode.value if event is not None and event.mode
                                                            else EventMode.ONSITE.value)
        if mode != EventMode.ONLINE:
            raise p.invalid_field("capacity", _("此字段应为整数。"))
    if "sessions" in values:
        values["sessions"] = [
            services.SessionInput(mode=item.mode, starts_at=item.starts_at, ends_at=item.ends_at,
                                  title=item.title or "", id=item.id)
            for item in values["sessions"]
        ]
    if "station" in values:
        values["station"] = station_by_slug(values["station"]) or _unknown_station()
    return values


def _unknown_station():
    raise ServiceError("unknown_station", _("找不到该乐业空间。"), field="station")
