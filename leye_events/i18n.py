"""Language choice: Chinese first, English on request (``?lang=en`` or the switch in the footer)."""
from babel import Locale
from flask import Blueprint, current_app, has_request_context, redirect, request, session, url_for

from .core.locales import babel_locale
from .core.urls import safe_next_url, same_site_path

bp = Blueprint("i18n", __name__)


def select_locale() -> str:
    """The page language: an explicit ``lang`` argument (kept for the visitor's next pages, as the
    footer switch is), then the visitor's choice, then zh_CN."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI commands, background work: the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    asked = request.args.get("lang")
    if asked in languages:
        if not request.path.startswith("/api/") and session.get("lang") != asked:
            session["lang"] = asked  # a shared ?lang=en link stays English after a redirect
        return asked
    chosen = session.get("lang")
    return chosen if chosen in languages else current_app.config["BABEL_DEFAULT_LOCALE"]


def select_babel_locale() -> Locale:
    """``select_locale``'s choice as Flask-Babel's ``Locale``, parsed once per worker and language:
    ``Locale.parse`` scans Babel's list of locales (~0.2 ms) on every page otherwise."""
    return babel_locale(select_locale())


@bp.get("/lang/<code>")
def switch_language(code: str):
    """Remember the chosen language and go back where the visitor came from (same site only)."""
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
    target = safe_next_url(request.args.get("next")) or same_site_path(request.referrer, request.host)
    return redirect(target or url_for("events.home"))
