"""Jinja filters and globals shared by every template."""
from datetime import UTC
from functools import lru_cache
from urllib.parse import urlencode

from flask import Flask, current_app, request, url_for
from flask_babel import format_datetime, get_locale, get_translations
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from jinja2 import FileSystemBytecodeCache, pass_eval_context
from markupsafe import Markup

from .accounts.models import ROLE_LABELS, SEEKER_CATEGORY_LABELS, Role, SeekerCategory
from .core.friendly import friendly_day, friendly_span
from .core.masking import mask_name, mask_phone
from .core.timeutil import SHANGHAI, to_local
from .events.models import EVENT_KIND_LABELS, EventKind
from .stations.models import STATION_KIND_LABELS

# CLDR patterns of digits only, which read the same in every language the site speaks, as strftime
# patterns: Babel's formatting costs ~30 µs a call, a page of sessions has dozens.
NUMERIC_PATTERNS = {"yyyy-MM-dd HH:mm": "%Y-%m-%d %H:%M", "yyyy-MM-dd": "%Y-%m-%d", "HH:mm": "%H:%M"}


def local_datetime(value, fmt: str = "yyyy-MM-dd HH:mm") -> str:
    """A datetime shown in Asia/Shanghai with a CLDR pattern (a naive one is UTC, as Flask-Babel takes it)."""
    if value is None:
        return ""
    numeric = NUMERIC_PATTERNS.get(fmt)
    if numeric is None:
        return format_datetime(value, fmt)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(SHANGHAI).strftime(numeric)


def local_time(value) -> str:
    return local_datetime(value, "HH:mm")


def session_span(session) -> str:
    """``2026-12-03 14:00–16:00``, or both dates when a session runs past midnight."""
    start, end = to_local(session.starts_at), to_local(session.ends_at)
    if start.date() == end.date():
        return f"{local_datetime(session.starts_at)}–{local_time(session.ends_at)}"
    return f"{local_datetime(session.starts_at)} – {local_datetime(session.ends_at)}"


def friendly_session(session) -> str:
    """``今天 14:00–16:00`` / ``12月11日 周四 14:00–16:00`` (see core.friendly)."""
    return friendly_span(session.starts_at, session.ends_at)


def map_url(place: str) -> str:
    """A link that opens the place in Amap (高德地图) on a phone or in a browser; no API key needed."""
    return "https://uri.amap.com/search?" + urlencode({"keyword": place, "city": "310000", "callnative": "1"})


# (endpoint, label, who sees it: "all", "anonymous", "authenticated" or a set of roles)
NAV = (
    ("events.home", _l("活动"), "all"),
    ("booking.my_registrations", _l("我的报名"), {Role.SEEKER}),
    ("cases.my_history", _l("参加记录"), {Role.SEEKER}),
    ("matching.my_posts", _l("为你推荐"), {Role.SEEKER}),
    ("employers.post_list", _l("岗位"), "all"),
    ("employers.dashboard", _l("我的单位"), {Role.EMPLOYER}),
    ("employers.manage_list", _l("用人单位"), {Role.ORGANIZER, Role.COUNSELOR, Role.ADMIN}),
    ("events.manage_list", _l("管理活动"), {Role.ORGANIZER, Role.ADMIN}),
    ("checkin.index", _l("现场签到"), {Role.DOOR, Role.COUNSELOR, Role.ORGANIZER, Role.ADMIN}),
    ("cases.caseload", _l("服务对象"), {Role.COUNSELOR, Role.ADMIN}),
    ("outreach.calls", _l("联系清单"), {Role.COUNSELOR}),
    ("cases.station_figures", _l("数据统计"), {Role.ORGANIZER, Role.COUNSELOR, Role.ADMIN}),
    ("admin.staff_list", _l("账号管理"), {Role.ADMIN}),
    ("privacy.audit_log_page", _l("审计日志"), {Role.ADMIN}),
    ("accounts.account", _l("我的账号"), "authenticated"),
    ("accounts.logout", _l("退出"), "authenticated"),
    ("accounts.login", _l("登录"), "anonymous"),
    ("accounts.signup", _l("注册"), "anonymous"),
)


def nav_items() -> tuple[dict, ...]:
    """The header links for the current visitor."""
    authenticated = current_user.is_authenticated
    role = current_user.role if authenticated else None
    return _nav_items_for(authenticated, role, str(get_locale()), request.script_root)


@lru_cache(maxsize=64)
def _nav_items_for(authenticated: bool, role: Role | None, language: str, script_root: str) -> tuple[dict, ...]:
    """The header links of such a visitor, translated into ``language`` and under ``script_root`` (the
    request's, which gettext and url_for read): built once per worker for each (every page shows them)."""
    items = []
    for endpoint, label, audience in NAV:
        if audience == "anonymous" and authenticated:
            continue
        if audience == "authenticated" and not authenticated:
            continue
        if isinstance(audience, set) and role not in audience:
            continue
        items.append({"endpoint": endpoint, "url": url_for(endpoint), "label": str(label)})
    return tuple(items)


def current_locale_code() -> str:
    """The page language as configured in ``LANGUAGES`` ("zh_CN" or "en").

    ``str(get_locale())`` is not enough: Babel expands zh_CN to zh_Hans_CN.
    """
    locale = get_locale()
    for code in current_app.config["LANGUAGES"]:
        if code.split("_")[0] == locale.language:
            return code
    return str(locale)


def render_gettext(translations):
    """Jinja's new-style ``gettext``/``_`` and ``ngettext`` (as ``jinja2.ext`` makes them: the message is a
    format string, its variables escaped in HTML) bound to one render's translations.

    Flask-Babel's callables look the translations up through the request for every message (~10 µs
    each, a page has a hundred or more); a render cannot change language halfway, so one look-up does.
    """

    @pass_eval_context
    def gettext(eval_ctx, string, **variables):
        text = translations.ugettext(string)
        if eval_ctx.autoescape:
            text = Markup(text)
        # Formatting would return a message without variables or "%" unchanged (most of a page's messages).
        return text % variables if variables or "%" in text else text

    @pass_eval_context
    def ngettext(eval_ctx, singular, plural, num, **variables):
        variables.setdefault("num", num)
        text = translations.ungettext(singular, plural, num)
        return (Markup(text) if eval_ctx.autoescape else text) % variables

    return {"gettext": gettext, "_": gettext, "ngettext": ngettext}


def init_templating(app: Flask) -> None:
    if app.config["TEMPLATE_BYTECODE_CACHE"]:
        app.jinja_env.bytecode_cache = FileSystemBytecodeCache(app.config["TEMPLATE_BYTECODE_CACHE_DIR"] or None)
    app.jinja_env.filters.update(
        localdt=local_datetime,
        localtime=local_time,
        session_span=session_span,
        friendly_span=friendly_session,
        friendly_day=friendly_day,
        map_url=map_url,
        mask_phone=mask_phone,
        mask_name=mask_name,
    )

    @app.context_processor
    def translations():
        return render_gettext(get_translations())

    @app.context_processor
    def labels():
        return {
            "EVENT_KIND_LABELS": EVENT_KIND_LABELS,
            "EventKind": EventKind,
            "SEEKER_CATEGORY_LABELS": SEEKER_CATEGORY_LABELS,
            "SeekerCategory": SeekerCategory,
            "STATION_KIND_LABELS": STATION_KIND_LABELS,
            "ROLE_LABELS": ROLE_LABELS,
            "Role": Role,
            "current_locale": current_locale_code(),
            "nav_items": nav_items,
        }
