"""Calendar feeds (no login; the personal one has a secret token in its URL) and the pages around them."""
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.http import is_resource_modified

from ..accounts.auth import is_staff_of_station
from ..core.db import unit_of_work
from ..core.errors import NotFound
from . import links, services

bp = Blueprint("calendars", __name__)

ICS_MIMETYPE = "text/calendar"


def _ics(validators: services.Validators, build, filename: str, *, private: bool) -> Response:
    """A .ics response, or 304 when the client's copy (ETag / Last-Modified) is still current."""
    if is_resource_modified(request.environ, etag=validators.etag, last_modified=validators.last_modified):
        response = Response(build(), mimetype=ICS_MIMETYPE)
        response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    else:
        response = Response(status=304)
    response.set_etag(validators.etag, weak=True)
    if validators.last_modified is not None:
        response.last_modified = validators.last_modified
    # Personal feeds must not sit in shared caches; public ones may, briefly.
    response.headers["Cache-Control"] = "private, no-cache" if private else "public, max-age=300"
    if private:
        response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.get("/events/<int:event_id>.ics")
def event_feed(event_id: int):
    """One event with all its sessions. Drafts exist only for the station's staff."""
    try:
        event = services.public_event(event_id, show_drafts=True)
    except NotFound:
        abort(404)
    if event.status.value == "draft" and not is_staff_of_station(current_user, event.station_id):
        abort(404)
    return _ics(services.event_validators(event),
                lambda: services.event_calendar(event, links.event_page_url),
                f"event-{event.id}.ics", private=event.status.value == "draft")


@bp.get("/stations/<slug>/calendar.ics")
def station_feed(slug: str):
    """A station's published (and cancelled) events; subscribe with webcal://."""
    try:
        station = services.station_by_slug(slug)
    except NotFound:
        abort(404)
    return _ics(services.station_validators(station),
                lambda: services.station_calendar(station, links.event_page_url),
                f"{station.slug}.ics", private=False)


@bp.get("/stations/<slug>/calendar")
def station_subscribe(slug: str):
    """How to subscribe to a station's calendar on a phone or a computer."""
    try:
        station = services.station_by_slug(slug)
    except NotFound:
        abort(404)
    url = links.station_feed_url(station)
    return render_template("calendars/subscribe.html", station=station, feed_url=url, webcal_url=links.webcal(url))


@bp.get("/calendar/<token>.ics")
def personal_feed(token: str):
    """A seeker's own confirmed registrations, cancelled ones as STATUS:CANCELLED."""
    user = services.user_by_feed_token(token)
    if user is None:
        abort(404)
    return _ics(services.personal_validators(user),
                lambda: services.personal_calendar(user, links.event_page_url),
                "leye-events.ics", private=True)


@bp.post("/account/calendar/reset")
@login_required
def reset_personal_feed():
    """A new secret for the personal feed; the old URL answers 404 from now on."""
    with unit_of_work():
        services.reset_feed_token(current_user._get_current_object(), actor=current_user._get_current_object())
    flash(_("已生成新的日历订阅地址，旧地址已失效。请在日历应用中重新订阅。"), "success")
    return redirect(url_for("accounts.account") + "#calendar")
