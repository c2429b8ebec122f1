"""API: a seeker's case with its timeline, and the station and district figures (see API.md)."""
from datetime import timedelta

from flask import jsonify, request
from flask_babel import gettext as _

from ..accounts.models import Role
from ..accounts.services import station_by_slug
from ..cases import access, operations, timeline
from ..cases import figures as fig
from ..core.db import unit_of_work
from ..core.errors import Forbidden
from ..core.masking import mask_phone
from ..core.timeutil import isoformat_local, utcnow
from ..outreach import figures as outreach_figures
from . import bp
from .auth import api_user, require_roles
from .bodies import invalid_parameter
from .models import Case, Figures, FiguresQuery
from .schema import answers, declare

MAX_RANGE = timedelta(days=3700)


def timeline_item_json(item: timeline.TimelineItem) -> dict:
    return {
        "kind": item.kind.value,
        "at": isoformat_local(item.at),
        "title": item.title,
        "body": item.body or None,
        "author": item.author.name if item.author else None,
        "event_id": item.event.id if item.event else None,
        "session_id": (item.entry.session_id if item.entry else item.details.get("session_id")),
        "withdrawn_at": isoformat_local(item.withdrawn_at),
        "derived": item.derived,
        "details": {k: v for k, v in item.details.items() if k != "status_label"},
    }


def case_json(case, viewer) -> dict:
    """The case for ``viewer``: organizers get no notes, no plan and no counselor's text."""
    notes = access.may_see_notes(viewer)
    seeker = case.seeker
    return {
        "id": case.id,
        "seeker": {
            "id": seeker.id,
            "name": seeker.name,
            "phone": mask_phone(seeker.phone) or None,
            "school": seeker.school,
            "graduation_year": seeker.graduation_year,
        },
        "station": {"slug": case.station.slug, "name": case.station.name} if case.station else None,
        "category": case.category.value if case.category else None,
        "status": case.status.value,
        "status_reason": case.status_reason if notes else None,
        "counselor": {"id": case.counselor.id, "name": case.counselor.name} if case.counselor else None,
        "plan": case.plan if notes else None,
        "notes_included": notes,
        "last_contact_at": isoformat_local(case.last_contact_at),
        "timeline": [timeline_item_json(item) for item in timeline.timeline(case, include_notes=notes)],
    }


@bp.get("/seekers/<int:seeker_id>/case")
@require_roles(Role.SEEKER, Role.DOOR, Role.COUNSELOR, Role.ORGANIZER, Role.ADMIN)
@declare(resp=answers(200, Case, "The case with its timeline", errors=(401, 403, 404)), tags=["cases"],
         operation_id="getCase")
def get_case(seeker_id: int):
    """A seeker's case: counselors and organizers of the case's station, admins; door staff and seekers 403.

    Organizers get it without notes. The phone is masked. Every view is audited."""
    viewer = api_user()
    with unit_of_work():  # the audit entry of the view (and a case created on first sight)
        case = operations.open_case_of_seeker(seeker_id, viewer)
        body = case_json(case, viewer)
    return jsonify(body)


FIGURES_YEARS = (2000, 2100)


@bp.get("/figures")
@require_roles(Role.SEEKER, Role.DOOR, Role.COUNSELOR, Role.ORGANIZER, Role.ADMIN)
@declare(query=FiguresQuery, resp=answers(200, Figures, "The figures", errors=(400, 401, 403, 422)),
         tags=["cases"], operation_id="getFigures")
def get_figures():
    """Station figures for its organizers and counselors; any station or the district for admins.

    Default range: the last 30 days."""
    user = api_user()
    if user.role not in access.FIGURES_ROLES:  # before looking at the query: 403, not 404
        raise Forbidden("forbidden", _("您无权查看统计数据。"))
    query = request.context.query
    station = access.figures_station(user, station_by_slug(query.station) if query.station else None)
    now = utcnow()
    end = query.to or now
    start = query.from_ or end - timedelta(days=30)
    for name, moment in (("from", start), ("to", end)):
        if not FIGURES_YEARS[0] <= moment.year <= FIGURES_YEARS[1]:
            raise invalid_parameter(name, _("日期应在 %(first)s 年到 %(last)s 年之间。",
                                            first=FIGURES_YEARS[0], last=FIGURES_YEARS[1]))
    if end <= start:
        raise invalid_parameter("to", _("结束时间须晚于开始时间。"))
    if end - start > MAX_RANGE:
        raise invalid_parameter("from", _("时间范围过长（不超过十年）。"))
    station_id = station.id if station else None
    return jsonify({**fig.figures_json(fig.compute(station_id, start, end, now), station),
                    **outreach_figures.figures_json(outreach_figures.compute(station_id, start, end))})
