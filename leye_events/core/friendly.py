"""Dates as people read them: 今天 14:00–16:00, 明天, 12月11日 周四 14:00–16:00 (Asia/Shanghai).

Works inside and outside a request (posters and certificates are drawn from services); the locale
defaults to the request's, or Chinese.
"""
from datetime import date, datetime

from babel import Locale
from babel.dates import format_skeleton, format_time
from flask import has_request_context
from flask_babel import get_locale

from .timeutil import to_local, utcnow

RELATIVE_DAYS = {
    "zh": {0: "今天", 1: "明天", -1: "昨天"},
    "en": {0: "Today", 1: "Tomorrow", -1: "Yesterday"},
}


def _locale(locale: str | Locale | None) -> Locale:
    if locale is not None:
        return Locale.parse(locale)
    if has_request_context():
        current = get_locale()
        if current is not None:
            return current
    return Locale.parse("zh_CN")


def friendly_day(value: datetime, *, today: date | None = None, locale=None, relative: bool = True) -> str:
    """``今天`` / ``明天`` / ``12月11日 周四`` (``Thu, Dec 11``); the year is added when it is not this year."""
    local = to_local(value)
    loc = _locale(locale)
    today = today or to_local(utcnow()).date()
    offset = (local.date() - today).days
    words = RELATIVE_DAYS.get(loc.language, RELATIVE_DAYS["en"])
    if relative and offset in words:
        return words[offset]
    skeleton = "MMMEd" if local.year == today.year else "yMMMEd"
    text = format_skeleton(skeleton, local, locale=loc)
    if loc.language == "zh":
        # CLDR writes 12月11日周四; a space before the weekday reads better on a poster.
        text = text.replace("日周", "日 周")
    return text


def friendly_span(starts_at: datetime, ends_at: datetime, **kwargs) -> str:
    """``12月11日 周四 14:00–16:00``, or both days when the span passes midnight."""
    start, end = to_local(starts_at), to_local(ends_at)
    loc = _locale(kwargs.pop("locale", None))
    start_text = f"{friendly_day(start, locale=loc, **kwargs)} {format_time(start, 'HH:mm', locale=loc)}"
    if start.date() == end.date():
        return f"{start_text}–{format_time(end, 'HH:mm', locale=loc)}"
    return f"{start_text} – {friendly_day(end, locale=loc, **kwargs)} {format_time(end, 'HH:mm', locale=loc)}"
