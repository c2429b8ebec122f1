"""The door: the scanner page, the service worker and the one-tap check-in on a ticket page, plus the
page's own look-ups (search, live count, walk-in; cookie session + CSRF). Scans, offline uploads, the
roster and undo go through the API's check-in endpoints (``api.checkin``) with the same login session:
one scan path."""
import hashlib
import os
from dataclasses import dataclass
from functools import lru_cache, wraps

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    get_template_attribute,
    jsonify,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from sqlalchemy.orm import joinedload

from ..accounts.auth import roles_required
from ..accounts.models import Role
from ..booking.models import Attend, Registration, RegistrationStatus
from ..booking.services import registration_by_code
from ..core.db import unit_of_work
from ..core.errors import NotFound, ServiceError
from ..core.timeutil import isoformat_local, utcnow
from ..core.urls import MAX_ID
from ..events.models import Event, EventSession, EventStatus
from ..extensions import db, talisman
from ..security import DOOR_PERMISSIONS_POLICY
from . import services
from .forms import TicketCheckInForm, WalkInForm
from .models import CHECKIN_RESULT_LABELS, CheckInMethod, CheckInResult
from .presenters import attendee_json, outcome_json

bp = Blueprint("checkin", __name__)

# qr-scanner starts its decoder in a worker made from a blob: URL. The only inline script is the door
# page's import map, allowed by the request's nonce (Talisman adds it to script-src).
DOOR_CSP = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "worker-src blob: 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob: mediastream:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
# The door page's ES modules (static/js/door/) and the library they import: loaded as they are, with
# the shell's version in their URLs through the page's import map.
MODULE_ASSETS = (
    "js/door/main.js",
    "js/door/checkin.js",
    "js/door/net.js",
    "js/door/queue.js",
    "js/door/roster.js",
    "js/door/scanner.js",
    "js/door/storage.js",
    "js/door/tools.js",
    "js/door/util.js",
    "js/door/verdict.js",
    "vendor/idb-keyval/idb-keyval.js",
)
VERSIONED_ASSETS = (*MODULE_ASSETS, "vendor/qr-scanner/qr-scanner.umd.min.js", "vendor/js-sha256/sha256.min.js")
# Files the service worker keeps so the door page reloads without a network.
SHELL_ASSETS = (*VERSIONED_ASSETS, "css/app.css", "vendor/qr-scanner/qr-scanner-worker.min.js")


def door_page_headers(view):
    """The door's pages: their own strict CSP (nothing inline without the nonce), and the only camera
    permission."""
    return talisman(content_security_policy=DOOR_CSP, permissions_policy=DOOR_PERMISSIONS_POLICY)(view)


def _checked_id(value) -> int:
    """An id small enough to exist; larger ones are simply not found (no overflow in the database)."""
    if value > MAX_ID:
        raise NotFound("not_found", _("找不到该资源。"))
    return value


def error_json(status: int, code: str, message: str, **extra):
    """An error in the API's shape (API.md), for the page's own JSON endpoints."""
    return jsonify({"error": {"code": code, "message": str(message), **extra}}), status


def door_json(view):
    """A JSON endpoint of the door page: 401 when logged out, the event checked for access, and every
    ServiceError answered in the API's error shape (what it had written rolled back)."""

    @wraps(view)
    def wrapped(event_id: int, **kwargs):
        if not current_user.is_authenticated:
            return error_json(401, "unauthorized", _("请先登录。"))
        try:
            event = services.door_event(_checked_id(event_id), current_user)
            return view(event, **kwargs)
        except ServiceError as error:
            db.session.rollback()
            extra = {**error.extra, **({"field": error.field} if error.field else {})}
            return error_json(error.status, error.code, error.message, **extra)

    return wrapped


# --- pages ----------------------------------------------------------------------------------------

def _door_events(user) -> list[Event]:
    """Events whose doors are open now or later, of the user's station (all for admins)."""
    since = utcnow() - services.CLOSES_AFTER
    query = (
        db.select(Event)
        .join(EventSession, EventSession.event_id == Event.id)
        .filter(Event.status != EventStatus.DRAFT, EventSession.ends_at >= since)
        .options(db.selectinload(Event.sessions), db.selectinload(Event.station))  # no query per event
        .group_by(Event.id)
        .order_by(db.func.min(EventSession.starts_at), Event.id)
        .limit(100)
    )
    if user.role != Role.ADMIN:
        query = query.filter(Event.station_id == user.station_id)
    return db.session.execute(query).scalars().all()


@bp.get("/door")
@roles_required(*services.DOOR_ROLES)
@door_page_headers
def index():
    return render_template("checkin/index.html", events=_door_events(current_user))


@bp.get("/door/<int:event_id>")
@roles_required(*services.DOOR_ROLES)
@door_page_headers
def door(event_id: int):
    try:
        event = services.door_event(_checked_id(event_id), current_user, (joinedload(Event.sessions),))  # one statement
    except ServiceError as error:
        abort(error.status)
    now = utcnow()
    current = services.current_session(event, now)
    language = str(get_locale())
    config = {
        "eventId": event.id,
        "sessionId": current.id if current else None,
        # The page follows the running session by itself (a workshop's modules), with the server's
        # clock and the same rule as ``services.current_session``.
        "serverNow": _ms(now),
        "opensBefore": int(services.OPENS_BEFORE.total_seconds() * 1000),
        "closesAfter": int(services.CLOSES_AFTER.total_seconds() * 1000),
        "sessions": [{"id": s.id, "starts": _ms(s.starts_at), "ends": _ms(s.ends_at)} for s in event.sessions],
        "urls": {
            # The API's check-in endpoints, with this page's login session (API.md).
            "checkins": url_for("api.create_checkin"),
            "batch": url_for("api.create_checkins_batch"),
            "roster": url_for("api.roster", event_id=event.id),
            "search": url_for("checkin.search", event_id=event.id),
            "walkIn": url_for("checkin.walk_in", event_id=event.id),
            "stats": url_for("checkin.stats", event_id=event.id),
            "token": url_for("checkin.token"),
            "serviceWorker": url_for("checkin.service_worker"),
        },
        **_door_words(language),
    }
    shell = _shell_urls()
    return render_template("checkin/door.html", event=event, current=current, config=config,
                           walk_in_form=WalkInForm(), walk_in_fields=_walk_in_fields(language),
                           asset_urls=shell.versioned, import_map=shell.import_map)


def _ms(moment) -> int:
    return int(moment.timestamp() * 1000)


@dataclass(frozen=True)
class ShellUrls:
    """The shell files' URLs for one version of the shell under one script root. A versioned URL carries
    the version: after a deploy the page asks for new URLs, which an old service worker's cache cannot
    answer with old files."""

    version: str
    versioned: dict[str, str]  # each of VERSIONED_ASSETS -> its URL with ?v=<version>
    import_map: dict  # each module's plain URL (what ``import "./queue.js"`` resolves to) -> its versioned one


def _shell_urls() -> ShellUrls:
    """The shell's URLs for this request. The version is computed on every call (a changed file changes
    it at once); the URLs are built once per worker, version and script root (25 ``url_for`` a page)."""
    return _shell_urls_for(_assets_version(), request.script_root)


@lru_cache(maxsize=16)
def _shell_urls_for(version: str, script_root: str) -> ShellUrls:
    """The shell's URLs for ``version`` under ``script_root`` (the request's, which url_for puts first)."""
    versioned = {a: url_for("static", filename=a, v=version) for a in VERSIONED_ASSETS}
    import_map = {"imports": {url_for("static", filename=a): versioned[a] for a in MODULE_ASSETS}}
    return ShellUrls(version, versioned, import_map)


@lru_cache(maxsize=8)
def _walk_in_fields(language: str) -> Markup:
    """The empty walk-in form's fields as WTForms renders them in ``language`` (the request's): the same
    for everyone, so rendered once per worker and language (0.4 ms a page otherwise). Its CSRF token,
    per request, is the page's ``hidden_tag()``."""
    render = get_template_attribute("checkin/_walk_in_fields.html", "walk_in_fields")
    return render(WalkInForm(meta={"csrf": False}))


@lru_cache(maxsize=8)
def _door_words(language: str) -> dict:
    """The page config's words (verdicts, statuses, texts) in ``language`` (the request's), translated once
    per worker and language (forty look-ups through Flask-Babel otherwise)."""
    return {
        "labels": {result.value: str(label) for result, label in CHECKIN_RESULT_LABELS.items()},
        "statusLabels": {"confirmed": _("已确认"), "waitlisted": _("候补中"), "cancelled": _("已取消")},
        "text": _door_texts(),
    }


def _door_texts() -> dict:
    """What the door's scripts say, translated here; ``{name}``-style placeholders are filled in by the script."""
    return {
        "ok": _("签到成功"),
        "already": _("已签到 {time}，{gate}"),
        "noGate": _("未记录入口"),
        "walkIn": _("现场报名"),
        "offlineNote": _("离线判断，联网后自动上传"),
        "pendingOffline": _("离线 — {n} 条待上传"),
        "pendingOnline": _("正在上传 — {n} 条待上传"),
        "offline": _("离线 — 按已下载的名单判断"),
        "count": _("已签到 {n} / 已确认 {m}"),
        "rosterLoaded": _("名单已下载：{n} 人（{time}）"),
        "noRoster": _("尚未下载名单，离线时无法判断。"),
        "noSession": _("请先选择场次。"),
        "notATicket": _("这不是本系统的电子票。"),
        "cameraError": _("无法打开摄像头：请允许使用摄像头，或用下方的输入票码、上传图片。"),
        "imageNoCode": _("图片中没有找到二维码。"),
        "undoConfirm": _("撤销 {name} 的签到？"),
        "undone": _("已撤销签到"),
        "searchEmpty": _("没有找到匹配的报名。"),
        "searchShort": _("请输入姓名，或至少 4 位手机尾号。"),
        "searchOffline": _("离线时无法查找，请扫码或输入票码。"),
        "checkIn": _("签到"),
        "checkedIn": _("已签到"),
        "conflict": _("冲突：{name} 离线时在 {gate} 放行，但此前已于 {time} 在 {first} 签到。"),
        "problem": _("{name}：{message}"),
        "loginAgain": _("登录已过期，请重新登录后再试。"),
        "serverError": _("服务器出错（{status}），请稍后重试。"),
        "scanning": _("{session} · {gate}"),
        "sessionSwitched": _("已切换到正在进行的场次"),
        "notInRoster": _("名单中没有这张票"),
        "rosterAge": _("离线判断：名单下载于 {time}，之后报名或重新发放的票不在其中。请核对对方的电子票。"),
        "admitAnyway": _("仍然放行，联网后核对"),
        "admittedUnchecked": _("已放行，待联网核对"),
        "unknownPerson": _("名单外"),
        "undoOffline": _("离线时无法撤销已上传的签到，请联网后再试。"),
    }


@bp.get("/door/sw.js")
@door_page_headers
def service_worker():
    """The service worker, served under /door/ so that its scope covers the door pages."""
    # The door page asks for its scripts with the version; app.css (from base.html) and qr-scanner's
    # worker (loaded relative to its script) come without it: the service worker fetches the CSS
    # network-first and keys the rest by their full URL.
    shell = _shell_urls()
    assets = [shell.versioned.get(a) or url_for("static", filename=a) for a in SHELL_ASSETS]
    response = Response(render_template("checkin/sw.js", version=shell.version, assets=assets,
                                        network_first=[url_for("static", filename="css/app.css")]),
                        mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/door/"
    return response


def _assets_version() -> str:
    """Changes whenever a cached file changes, so that a new service worker replaces the old cache."""
    digest, static = hashlib.sha256(), current_app.static_folder
    for asset in SHELL_ASSETS:
        try:
            stat = os.stat(os.path.join(static, asset))
            digest.update(f"{asset}:{stat.st_mtime}:{stat.st_size}".encode())
        except OSError:
            digest.update(asset.encode())
    return digest.hexdigest()[:12]


@bp.get("/door/token")
def token():
    """A fresh CSRF token for a page that was reloaded from the service worker's cache."""
    if not current_user.is_authenticated:
        return error_json(401, "unauthorized", _("请先登录。"))
    response = jsonify({"csrf_token": generate_csrf()})
    response.headers["Cache-Control"] = "no-store"
    return response


# --- the page's JSON endpoints ------------------------------------------------------------------

@bp.get("/door/<int:event_id>/search")
@door_json
def search(event: Event):
    query = (request.args.get("q") or "")[:50]
    with unit_of_work():  # the audit entry of the look-up
        attendance = services.attendance_by_registration(event)
        rows = []
        for registration in services.door_search(event, query, staff=current_user):
            rows.append({
                "registration_id": registration.id,
                "status": registration.status.value,
                "status_label": registration.status_label,
                "attendee": attendee_json(registration),
                "checked_in": {str(sid): isoformat_local(c.scanned_at) for sid, c in attendance.get(registration.id, {}).items()},
            })
    response = jsonify({"query": query, "results": rows})
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/door/<int:event_id>/walk-in")
@door_json
def walk_in(event: Event):
    """Register and admit someone at the door (form-encoded, the walk-in form)."""
    form = WalkInForm()
    if not form.validate_on_submit():
        errors = {name: [str(m) for m in messages] for name, messages in form.errors.items()}
        message = next(iter(errors.values()))[0] if errors else _("请检查填写的内容。")
        return error_json(422, "invalid_form", message, fields=errors)
    session_id = request.form.get("session_id", "").strip()
    if session_id and not (session_id.isdigit() and len(session_id) < 10):
        raise ServiceError("unknown_session", _("该场次不属于此活动。"), field="session_id")
    with unit_of_work():
        outcome = services.walk_in(
            event.id, staff=current_user, name=form.name.data, phone=form.phone.data, category=form.category.data,
            session_id=int(session_id) if session_id else None,
            gate=request.form.get("gate", ""), device=request.form.get("device", ""),
        )
    return jsonify(outcome_json(outcome))


@bp.get("/door/<int:event_id>/stats")
@door_json
def stats(event: Event):
    """The live count at the door for a session: checked in onsite / confirmed to come onsite (online
    registrants of a hybrid event and their join-link attendances are not the door's)."""
    raw = request.args.get("session_id", "")
    session = None
    if raw:
        session = next((s for s in event.sessions if raw.isdigit() and s.id == int(raw)), None)
        if session is None:
            raise ServiceError("unknown_session", _("该场次不属于此活动。"), field="session_id")
    confirmed = db.session.execute(
        db.select(db.func.count()).select_from(Registration)
        .filter(Registration.event_id == event.id, Registration.status == RegistrationStatus.CONFIRMED,
                Registration.attend == Attend.ONSITE)
    ).scalar_one()
    counts = services.session_counts_by_method(event)
    return jsonify({
        "session_id": session.id if session else None,
        "checked_in": counts.get(session.id, {}).get("onsite", 0) if session else 0,
        "confirmed": confirmed,
    })


# --- the ticket URL as a scanner -----------------------------------------------------------------

@bp.app_context_processor
def _door_helpers():
    def may_check_in_ticket(event) -> bool:
        return current_user.is_authenticated and services.may_check_in(current_user, event)

    def ticket_check_in_session(event):
        """The session a one-tap check-in from the ticket page goes to (the one running now)."""
        return services.current_session(event, utcnow())

    return {"may_check_in_ticket": may_check_in_ticket, "ticket_check_in_form": TicketCheckInForm,
            "ticket_check_in_session": ticket_check_in_session}


@bp.post("/tickets/<code>/check-in")
@roles_required(*services.DOOR_ROLES)
def ticket_check_in(code: str):
    """Door staff opened a ticket URL (a phone's own camera app) and tapped 签到."""
    registration = registration_by_code(code)
    if registration is None:
        abort(404)
    form = TicketCheckInForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        with unit_of_work():
            outcome = services.check_in(
                services.Scan(code=code, event_id=registration.event_id, method=CheckInMethod.TICKET_URL,
                              gate=_("扫码直连"), device=request.user_agent.string[:100]),
                staff=current_user,
            )
    except ServiceError as error:
        abort(error.status)
    body = outcome_json(outcome)
    tone = {CheckInResult.OK: "ok", CheckInResult.ALREADY_CHECKED_IN: "warn"}.get(outcome.result, "bad")
    return render_template("checkin/ticket_result.html", registration=registration, event=registration.event,
                           outcome=body, tone=tone, session=outcome.checkin.session)

