"""Public station pages: the list of 乐业空间 and each one's upcoming events."""
from flask import Blueprint, abort, current_app, render_template, request
from sqlalchemy import func

from ..booking.counts import seat_counts_for
from ..core.timeutil import utcnow
from ..events.models import Event, EventSession, EventStatus
from ..events.services import catalogue_query, session_summaries
from ..events.views import page_url_maker, paginate, parse_page, station_by_slug, with_station
from ..extensions import db
from .models import STATION_KIND_LABELS, Station, StationKind

bp = Blueprint("stations", __name__)

KIND_ORDER = (StationKind.SUB_DISTRICT, StationKind.PARK, StationKind.UNIVERSITY)


def upcoming_counts() -> dict[int, int]:
    """Published events with a session still to end, per station id (one query)."""
    upcoming = (
        db.select(EventSession.id)
        .where(EventSession.event_id == Event.id, EventSession.ends_at >= utcnow())
        .exists()
    )
    rows = db.session.execute(
        db.select(Event.station_id, func.count(Event.id))
        .where(Event.status == EventStatus.PUBLISHED, upcoming)
        .group_by(Event.station_id)
    ).all()
    return dict(rows)


@bp.get("/stations")
def index():
    """Stations grouped by kind: 街道, 园区, 高校."""
    stations = db.session.scalars(db.select(Station).order_by(Station.name)).all()
    groups = [
        (kind, STATION_KIND_LABELS[kind], [s for s in stations if s.kind == kind])
        for kind in KIND_ORDER
    ]
    return render_template("stations/index.html", groups=[g for g in groups if g[2]], counts=upcoming_counts())


@bp.get("/stations/<slug>")
def detail(slug: str):
    station = station_by_slug(slug)
    if station is None:
        abort(404)
    query = with_station(catalogue_query(station_id=station.id))
    pagination = paginate(query, parse_page(request.args.get("page")), current_app.config["EVENTS_PER_PAGE"])
    events = list(pagination.items)
    return render_template(
        "stations/detail.html",
        station=station,
        events=events,
        counts=seat_counts_for(events),
        sessions=session_summaries(e.id for e in events),
        pagination=pagination,
        page_url=page_url_maker("stations.detail", slug=station.slug),
    )
