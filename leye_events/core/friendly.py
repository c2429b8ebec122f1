"""Dates as people read them: 今天 14:00–16:00, 明天, 12月11日 周四 14:00–16:00 (Asia/Shanghai).

Works inside and outside a request (posters and certificates are drawn from services); the locale
defaults to the request's, or Chinese.
"""
from datetime import date, datetime
from functools import lru_cache

from babel import Locale
from babel.dates import format_skeleton
from flask import has_request_context
from flask_babel import get_locale

from .locales import babel_locale
from .timeutil import to_local, utcnow

RELATIVE_DAYS = {
    "zh": {0: "今天", 1: "明天", -1: "昨天"},
    "en": {0: "Today", 1: "Tomorrow", -1: "Yesterday"},
}


def _locale(locale: str | Locale | None) -> Locale:
    if isinstance(locale, Locale):
        return locale
    if locale is not None:
        return babel_locale(locale)
    if has_request_context():
        current = get_locale()
        if current is not None:
            return current
    return babel_locale("zh_CN")


def friendly_day(value: datetime, *, today: date | None = None, locale=None, relative: bool = True) -> str:
    """``今天`` / ``明天`` / ``12月11日 周四`` (``Thu, Dec 11``); the year is added when it is not this year."""
    local = to_local(value)
    loc = _locale(locale)
    today = today or to_local(utcnow()).date()
    offset = (local.date() - today).days
    words = RELATIVE_DAYS.get(loc.language, RELATIVE_DAYS["en"])
    if relative and offset in words:
        return words[offset]
    return _day_text("MMMEd" if local.year == today.year else "yMMMEd", local.date(), loc)


@lru_cache(maxsize=4096)
def _day_text(skeleton: str, day: date, loc: Locale) -> str:
    """A day in CLDR's ``skeleton``, kept per worker: Babel's pattern matching costs ~20 µs a call and a
    catalogue page shows the same few days over and over."""
    text = format_skeleton(skeleton, day, locale=loc)
    if loc.language == "zh":
        # CLDR writes 12月11日周四; a space before the weekday reads better on a poster.
        text = text.replace("日周", "日 周")
    return text


def friendly_span(starts_at: datetime, ends_at: datetime, **kwargs) -> str:
    """``12月11日 周四 14:00–16:00``, or both days when the span passes midnight."""
    start, end = to_local(starts_at), to_local(ends_at)
    loc = _locale(kwargs.pop("locale", None))
    # HH:mm is the same two-digit clock in every language the site speaks: no need for Babel.
    start_text = f"{friendly_day(start, locale=loc, **kwargs)} {start:%H:%M}"
    if start.date() == end.date():
        return f"{start_text}–{end:%H:%M}"
    return f"{start_text} – {friendly_day(end, locale=loc, **kwargs)} {end:%H:%M}"
