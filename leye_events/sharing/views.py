"""Pages and files for sharing: the poster, the cover image, the favicon and the web app manifest."""
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    send_file,
    send_from_directory,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..accounts.auth import can_manage_station
from ..core.db import unit_of_work
from ..core.errors import ServiceError
from ..events.models import Event
from ..extensions import db
from ..templating import current_locale_code
from . import covers, services
from .forms import CoverForm, RemoveCoverForm

bp = Blueprint("sharing", __name__)


def _shareable_or_404(event_id: int) -> Event:
    try:
        return services.shareable_event(event_id, current_user)
    except ServiceError:
        abort(404)


@bp.get("/events/<int:event_id>/poster.png")
def poster(event_id: int):
    """The poster for WeChat Moments; its QR code opens the event page."""
    event = _shareable_or_404(event_id)
    url = url_for("events.detail", event_id=event.id, _external=True)
    response = Response(services.poster_png(event, url, current_locale_code()), mimetype="image/png")
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.get("/events/<int:event_id>/share")
def share(event_id: int):
    """The poster on a page of its own, with what to do with it in WeChat."""
    event = _shareable_or_404(event_id)
    return render_template("sharing/share.html", event=event)


@bp.get("/events/<int:event_id>/cover.jpg")
def cover(event_id: int):
    event = _shareable_or_404(event_id)
    path = covers.cover_path(event)
    if path is None:
        abort(404)
    return send_file(path, mimetype="image/jpeg", max_age=86400)


@bp.route("/manage/events/<int:event_id>/cover", methods=["GET", "POST"])
@login_required
def manage_cover(event_id: int):
    """Upload or replace the cover banner (organizers of the station)."""
    event = db.session.get(Event, event_id) or abort(404)
    if not can_manage_station(current_user, event.station_id):
        abort(403)
    form = CoverForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                covers.save_cover(event, form.cover.data.read(), actor=current_user)
        except ServiceError as error:
            form.cover.errors.append(error.message)
        else:
            flash(_("封面已更新。"), "success")
            return redirect(url_for("sharing.manage_cover", event_id=event.id))
    return render_template("sharing/cover.html", event=event, form=form, remove_form=RemoveCoverForm(),
                           has_cover=covers.cover_path(event) is not None)


@bp.post("/manage/events/<int:event_id>/cover/remove")
@login_required
def remove_cover(event_id: int):
    event = db.session.get(Event, event_id) or abort(404)
    if not can_manage_station(current_user, event.station_id) or not RemoveCoverForm().validate_on_submit():
        abort(403)
    with unit_of_work():
        covers.remove_cover(event, actor=current_user)
    flash(_("封面已删除。"), "success")
    return redirect(url_for("sharing.manage_cover", event_id=event.id))


@bp.get("/favicon.ico")
def favicon():
    return send_from_directory(current_app.static_folder + "/icons", "favicon.ico", max_age=604800)


@bp.get("/manifest.webmanifest")
def manifest():
    """The web app manifest: added to a phone's home screen, the app opens on the catalogue."""
    data = {
        "name": _("乐业活动 · 杨浦乐业空间"),
        "short_name": _("乐业活动"),
        "lang": "en" if current_locale_code() == "en" else "zh-CN",
        "start_url": url_for("events.home"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#f5f6f8",
        "theme_color": "#c8362b",
        "icons": [
            {"src": url_for("static", filename="icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": url_for("static", filename="icons/icon-512.png"), "sizes": "512x512", "type": "image/png",
             "purpose": "any maskable"},
        ],
    }
    response = jsonify(data)
    response.mimetype = "application/manifest+json"
    return response
