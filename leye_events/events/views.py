"""Catalogue (public) and organizer pages for events.

Thin routes: parse the request, check access, call events.services, render.
"""
from datetime import date, datetime, time, timedelta
from math import ceil

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func
from sqlalchemy.orm import joinedload, selectinload

from ..accounts.auth import can_manage_station, is_staff_of_station, roles_required
from ..accounts.models import Role
from ..booking.counts import seat_counts, seat_counts_for
from ..checkin.services import session_counts, session_counts_by_method
from ..core.db import get_row, unit_of_work
from ..core.errors import Forbidden, ServiceError
from ..core.timeutil import SHANGHAI, as_utc, utcnow
from ..extensions import db, page_cache
from ..stations.models import Station
from . import services
from .forms import ActionForm, CancelEventForm, EventForm
from .models import EVENT_STATUS_LABELS, Event, EventKind, EventStatus

bp = Blueprint("events", __name__)

MAX_QUERY_LENGTH = 100
MAX_PAGE = 100_000


# ---------------------------------------------------------------------------
# Request parsing helpers (shared with the stations pages)
# ---------------------------------------------------------------------------

def clean_arg(value, max_length: int) -> str:
    """A query-string or path value, trimmed, without NUL characters (PostgreSQL refuses them)."""
    return (value or "").replace("\x00", "").strip()[:max_length]


def station_by_slug(slug) -> Station | None:
    slug = clean_arg(slug, 64)
    return db.session.scalar(db.select(Station).filter_by(slug=slug)) if slug else None


def parse_page(value) -> int:
    """A page number from the query string; anything odd is page 1."""
    try:
        page = int(value)
    except (TypeError, ValueError):
        return 1
    return min(max(page, 1), MAX_PAGE)


def _parse_date(value) -> date | None:
    """``YYYY-MM-DD`` or None; raises ValueError for anything else that is not empty."""
    value = (value or "").strip()
    if not value:
        return None
    parsed = date.fromisoformat(value)
    if not (2000 <= parsed.year <= 2100):
        raise ValueError("year out of range")
    return parsed


def shanghai_midnight(day: date) -> datetime:
    """The start of ``day`` in Asia/Shanghai, as aware UTC."""
    return as_utc(datetime.combine(day, time.min, tzinfo=SHANGHAI))


class Page:
    """One page of a list: its items and where it sits among all of them (what the pagination macro
    and a list's total read; the same names as Flask-SQLAlchemy's pagination)."""

    def __init__(self, items: list, total: int, page: int, per_page: int):
        self.items, self.total, self.page, self.per_page = items, total, page, per_page
        self.pages = ceil(total / per_page) if total else 0
        self.has_prev, self.has_next = page > 1, page < self.pages
        self.prev_num = page - 1 if self.has_prev else None
        self.next_num = page + 1 if self.has_next else None

    def __iter__(self):
        return iter(self.items)


def paginate(query, page: int, per_page: int) -> Page:
    """Page ``page`` of the ORM select ``query``, landing on the last page when ``page`` is past the end.

    The total comes with the rows (a window count in the same statement); only a page past the end
    counts on its own."""
    rows = _page_rows(query, page, per_page)
    if rows:
        return Page([row[0] for row in rows], rows[0][1], page, per_page)
    total = db.session.scalar(db.select(func.count()).select_from(query.order_by(None).subquery()))
    if page > 1 and total:
        page = ceil(total / per_page)
        rows = _page_rows(query, page, per_page)
        return Page([row[0] for row in rows], total, page, per_page)
    return Page([], total, page, per_page)


def _page_rows(query, page: int, per_page: int) -> list:
    """(item, total) rows of one page."""
    counted = query.add_columns(func.count().over()).limit(per_page).offset((page - 1) * per_page)
    return db.session.execute(counted).all()


def with_card_data(query):
    """Load what a list of events shows (station, sessions) in a fixed number of queries: the station in
    the events' own statement (a many-to-one join costs less than a second round of ORM loading)."""
    return query.options(joinedload(Event.station), selectinload(Event.sessions))


def with_station(query):
    """The events' stations in the events' own statement; event cards take their sessions from
    ``services.session_summaries``."""
    return query.options(joinedload(Event.station))


def page_url_maker(endpoint: str, **fixed):
    """A function page -> URL keeping the current query-string filters."""
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    args.update(fixed)

    def make(page: int) -> str:
        return url_for(endpoint, page=page, **args)

    return make


# ---------------------------------------------------------------------------
# Public catalogue
# ---------------------------------------------------------------------------

def _home_cache_key() -> str:
    return f"home/{get_locale()}{request.full_path}"


def _personal_home() -> bool:
    """The home page is kept (``PAGE_CACHE_SECONDS``) only for anonymous visitors with no message pending,
    and not for a text search: too many different ones to be worth keeping."""
    return current_user.is_authenticated or "_flashes" in session or bool(request.args.get("q"))


@bp.get("/")
@page_cache.cached(unless=_personal_home, make_cache_key=_home_cache_key)
def home():
    """Upcoming published events with filters, soonest first."""
    notices = []
    args = request.args
    filters = {"kind": "", "station": "", "from": "", "to": "", "q": ""}

    kind = clean_arg(args.get("kind"), 32)
    if kind:
        if kind in EventKind.values():
            filters["kind"] = kind
        else:
            notices.append(_("未知的活动类型，已显示全部类型。"))
            kind = None

    station = None
    if clean_arg(args.get("station"), 64):
        station = station_by_slug(args.get("station"))
        if station is None:
            notices.append(_("未找到该乐业空间，已显示全部乐业空间。"))
        else:
            filters["station"] = station.slug

    day_from = day_to = None
    for key in ("from", "to"):
        try:
            value = _parse_date(args.get(key))
        except ValueError:
            notices.append(_("日期格式无效（应为 2026-12-03 这样的格式），已忽略。"))
            continue
        if value:
            filters[key] = value.isoformat()
        if key == "from":
            day_from = value
        else:
            day_to = value
    if day_from and day_to and day_to < day_from:
        notices.append(_("结束日期早于开始日期，已忽略结束日期。"))
        day_to, filters["to"] = None, ""

    text = clean_arg(args.get("q"), MAX_QUERY_LENGTH)
    filters["q"] = text

    now = utcnow()
    date_from = max(shanghai_midnight(day_from), now) if day_from else now
    date_to = shanghai_midnight(day_to + timedelta(days=1)) if day_to else None
    query = services.catalogue_query(
        kind=kind or None,
        station_id=station.id if station else None,
        date_from=date_from,
        date_to=date_to,
        text=text or None,
    )
    pagination = paginate(with_station(query), parse_page(args.get("page")), current_app.config["EVENTS_PER_PAGE"])
    events = list(pagination.items)
    # The filter's choices: two columns, no ORM objects.
    stations = db.session.execute(db.select(Station.slug, Station.name).order_by(Station.kind, Station.name)).all()
    return render_template(
        "events/home.html",
        events=events,
        counts=seat_counts_for(events),
        sessions=services.session_summaries(e.id for e in events),
        pagination=pagination,
        page_url=page_url_maker("events.home"),
        filters=filters,
        filtered=any(filters.values()),
        notices=notices,
        stations=stations,
    )


def _load_event(event_id: int, options=()) -> Event:
    event = get_row(Event, event_id, options)
    if event is None:
        abort(404)
    return event


@bp.get("/events/<int:event_id>")
def detail(event_id: int):
    """One event: everything a seeker needs to decide, and the button to register."""
    event = _load_event(event_id, (joinedload(Event.station), joinedload(Event.sessions)))  # one statement
    if event.status == EventStatus.DRAFT and not is_staff_of_station(current_user, event.station_id):
        abort(404)
    now = utcnow()
    counts = seat_counts(event)
    return render_template(
        "events/detail.html",
        event=event,
        counts=counts,
        now=now,
        registration_open=event.registration_is_open(now),
        not_yet_open=event.registration_window(now) == "not_yet_open",
        registration_url=url_for("booking.register", event_id=event.id),
        can_manage=can_manage_station(current_user, event.station_id),
    )


# ---------------------------------------------------------------------------
# Organizer pages
# ---------------------------------------------------------------------------

def _manageable_event(event_id: int) -> Event:
    event = _load_event(event_id)
    if not can_manage_station(current_user, event.station_id):
        abort(403)
    return event


def _station_choices() -> list[Station]:
    if current_user.role == Role.ADMIN:
        return db.session.scalars(db.select(Station).order_by(Station.kind, Station.name)).all()
    return [current_user.station] if current_user.station else []


@bp.get("/manage/events")
@roles_required(Role.ORGANIZER, Role.ADMIN)
def manage_list():
    """The events an organizer manages (admins: every station's, with a station filter)."""
    query = db.select(Event)
    station = None
    stations = []
    if current_user.role == Role.ADMIN:
        stations = _station_choices()
        if clean_arg(request.args.get("station"), 64):
            station = station_by_slug(request.args.get("station"))
            if station is None:
                flash(_("未找到该乐业空间，已显示全部。"), "warning")
        if station is not None:
            query = query.where(Event.station_id == station.id)
    else:
        station = current_user.station
        query = query.where(Event.station_id == (station.id if station else -1))
    status = clean_arg(request.args.get("status"), 32)
    if status in EventStatus.values():
        query = query.where(Event.status == status)
    else:
        status = ""
    view = clean_arg(request.args.get("view"), 16)
    view = view if view in services.MANAGE_VIEWS else "all"
    text = clean_arg(request.args.get("q"), MAX_QUERY_LENGTH)
    query = services.manage_query(query, view=view, text=text)
    pagination = paginate(with_card_data(query), parse_page(request.args.get("page")),
                          current_app.config["EVENTS_PER_PAGE"])
    events = list(pagination.items)
    return render_template(
        "events/manage_list.html",
        events=events,
        counts=seat_counts_for(events),
        pagination=pagination,
        page_url=page_url_maker("events.manage_list"),
        station=station,
        stations=stations,
        status=status,
        status_labels=EVENT_STATUS_LABELS,
        view=view,
        q=text or "",
        now=utcnow(),
    )


def _apply_service_error(form: EventForm, error: ServiceError) -> None:
    """Put a service's refusal next to the field it is about, or in a flash message."""
    field = form._fields.get(error.field) if error.field else None
    if field is None:
        flash(error.message, "error")
    elif field.name == "sessions":
        form.sessions.errors = [*(e for e in form.sessions.errors if not isinstance(e, dict)), error.message]
    else:
        field.errors = [*field.errors, error.message]


def _event_form(event: Event | None = None) -> EventForm:
    form = EventForm(stations=_station_choices())
    if request.method == "GET":
        if event is not None:
            form.fill_from_event(event)
        elif current_user.station is not None:
            form.station.data = current_user.station.slug
    return form


def _chosen_station(form: EventForm, event: Event | None) -> Station | None:
    """Admins pick any station; organizers always use their own."""
    if current_user.role != Role.ADMIN:
        return current_user.station
    station = station_by_slug(form.station.data)
    if station is None:
        form.station.errors = [*form.station.errors, _("请选择乐业空间。")]
    return station


def _save_event(form: EventForm, event: Event | None, station, action: str) -> Event:
    """Create the event, or apply the form to it (``action`` "publish" also publishes it)."""
    if event is None:
        status = EventStatus.PUBLISHED if action == "publish" else EventStatus.DRAFT
        return services.create_event(actor=current_user, station=station, sessions=form.session_inputs(),
                                     status=status, **form.service_values())
    values = form.service_values()
    if current_user.role == Role.ADMIN:
        values["station"] = station
    if action == "publish":
        values["status"] = EventStatus.PUBLISHED
    return services.update_event(event, actor=current_user, sessions=form.session_inputs(), **values)


def _handle_event_form(form: EventForm, event: Event | None):
    """Validate and save on POST; returns a response, or None to show the form again."""
    action = request.form.get("action", "save")
    if action == "add_session":
        if not form.add_session_row():
            flash(_("场次已达上限。"), "warning")
        return None
    valid = form.validate()
    station = _chosen_station(form, event)
    if not valid or station is None:
        flash(_("请按提示修改后再保存。"), "error")
        return None
    try:
        with unit_of_work():
            event = _save_event(form, event, station, action)
    except Forbidden:
        abort(403)
    except ServiceError as error:
        _apply_service_error(form, error)
        if error.field in form._fields:
            flash(_("请按提示修改后再保存。"), "error")
        return None
    # Saving an event that was already published is a save, not a new publication.
    flash(_("活动已发布。") if action == "publish" and event.status == EventStatus.PUBLISHED else _("已保存。"),
          "success")
    if _warned_registration_closed(event):
        return redirect(url_for("events.manage_edit", event_id=event.id))
    return redirect(url_for("events.manage_detail", event_id=event.id))


def _warned_registration_closed(event: Event) -> bool:
    """A published event whose registration window has already closed: warn, and say how to fix it."""
    if event.status != EventStatus.PUBLISHED or not event.registration_closes or event.registration_closes > utcnow():
        return False
    flash(_("注意：报名截止时间已过，学员现在无法报名。如需开放报名，请修改“报名截止”。"), "warning")
    return True


@bp.route("/manage/events/new", methods=["GET", "POST"])
@roles_required(Role.ORGANIZER, Role.ADMIN)
def manage_new():
    if current_user.role != Role.ADMIN and current_user.station is None:
        abort(403)
    form = _event_form()
    if request.method == "POST":
        response = _handle_event_form(form, None)
        if response is not None:
            return response
    return render_template("events/manage_form.html", form=form, event=None,
                           is_admin=current_user.role == Role.ADMIN)


@bp.route("/manage/events/<int:event_id>/edit", methods=["GET", "POST"])
@roles_required(Role.ORGANIZER, Role.ADMIN)
def manage_edit(event_id: int):
    event = _manageable_event(event_id)
    if event.status == EventStatus.CANCELLED:
        flash(_("该活动已取消，不能再修改。"), "warning")
        return redirect(url_for("events.manage_detail", event_id=event.id))
    form = _event_form(event)
    if request.method == "POST":
        response = _handle_event_form(form, event)
        if response is not None:
            return response
    return render_template("events/manage_form.html", form=form, event=event,
                           is_admin=current_user.role == Role.ADMIN)


@bp.get("/manage/events/<int:event_id>")
@roles_required(Role.ORGANIZER, Role.ADMIN)
def manage_detail(event_id: int):
    """An organizer's view of one event: status, counts and the actions."""
    event = _manageable_event(event_id)
    registrations_url = url_for("booking.event_registrations", event_id=event.id)
    return render_template("events/manage_detail.html", event=event, counts=seat_counts(event),
                           attended=session_counts(event), attended_split=session_counts_by_method(event),
                           action_form=ActionForm(),
                           registrations_url=registrations_url, now=utcnow())


@bp.post("/manage/events/<int:event_id>/publish")
@roles_required(Role.ORGANIZER, Role.ADMIN)
def manage_publish(event_id: int):
    event = _manageable_event(event_id)
    form = ActionForm()
    if not form.validate_on_submit():
        flash(_("页面已过期，请刷新后重试。"), "error")
        return redirect(url_for("events.manage_detail", event_id=event.id))
    if event.status == EventStatus.PUBLISHED:
        flash(_("该活动已经发布。"), "info")
        return redirect(url_for("events.manage_detail", event_id=event.id))
    try:
        with unit_of_work():
            services.publish_event(event, actor=current_user)
    except Forbidden:
        abort(403)
    except ServiceError as error:
        flash(error.message, "error")
    else:
        flash(_("活动已发布。"), "success")
        if _warned_registration_closed(event):
            return redirect(url_for("events.manage_edit", event_id=event.id))
    return redirect(url_for("events.manage_detail", event_id=event_id))


@bp.route("/manage/events/<int:event_id>/cancel", methods=["GET", "POST"])
@roles_required(Role.ORGANIZER, Role.ADMIN)
def manage_cancel(event_id: int):
    """Cancel with a reason, after a confirmation page."""
    event = _manageable_event(event_id)
    if event.status == EventStatus.CANCELLED:
        flash(_("该活动已取消。"), "info")
        return redirect(url_for("events.manage_detail", event_id=event.id))
    form = CancelEventForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                services.cancel_event(event, actor=current_user, reason=form.reason.data or "")
        except Forbidden:
            abort(403)
        except ServiceError as error:
            if error.field == "reason":
                form.reason.errors = [*form.reason.errors, error.message]
            else:
                flash(error.message, "error")
        else:
            flash(_("活动已取消，已报名的人会收到通知。"), "success")
            return redirect(url_for("events.manage_detail", event_id=event.id))
    return render_template("events/manage_cancel.html", event=event, form=form, counts=seat_counts(event))
