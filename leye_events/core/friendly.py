"""Dates as people read them: 今天 14:00–16:00, 明天, 12月11日 周四 14:00–16:00 (Asia/Shanghai).

Works inside and outside a request (posters and certificates are drawn from services); the locale
defaults to the request's, or Chinese.
"""
from datetime import date, datetime
from functools import lru_cache

from babel import Locale
from flask import has_request_context
from flask_babel import force_locale, get_locale, gettext, lazy_pgettext

from .locales import babel_locale
from .timeutil import to_local, utcnow

# CLDR's abbreviated names (English in the catalogue), so a day reads as Babel's format_skeleton writes it
# with MMMEd / yMMMEd (tests/web/test_friendly_dates.py checks two years of days in both languages) without
# every worker loading Babel's locale data for it: ~4 MiB for Chinese, ~1 MiB for English.
WEEKDAYS = (lazy_pgettext("weekday", "周一"), lazy_pgettext("weekday", "周二"), lazy_pgettext("weekday", "周三"),
            lazy_pgettext("weekday", "周四"), lazy_pgettext("weekday", "周五"), lazy_pgettext("weekday", "周六"),
            lazy_pgettext("weekday", "周日"))
MONTHS = (lazy_pgettext("month", "1月"), lazy_pgettext("month", "2月"), lazy_pgettext("month", "3月"),
          lazy_pgettext("month", "4月"), lazy_pgettext("month", "5月"), lazy_pgettext("month", "6月"),
          lazy_pgettext("month", "7月"), lazy_pgettext("month", "8月"), lazy_pgettext("month", "9月"),
          lazy_pgettext("month", "10月"), lazy_pgettext("month", "11月"), lazy_pgettext("month", "12月"))

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
    return _day_text(local.date(), local.year != today.year, loc)


@lru_cache(maxsize=4096)
def _day_text(day: date, with_year: bool, loc: Locale) -> str:
    """``12月11日 周四`` / ``Thu, Dec 11`` (CLDR writes 12月11日周四; a space before the weekday reads better on
    a poster), with the year when asked; kept per worker, as a catalogue page shows the same few days."""
    with force_locale(loc):
        names = {"weekday": str(WEEKDAYS[day.weekday()]), "month": str(MONTHS[day.month - 1]), "day": day.day}
        if with_year:
            return gettext("%(year)d年%(month)s%(day)d日 %(weekday)s", year=day.year, **names)
        return gettext("%(month)s%(day)d日 %(weekday)s", **names)


def friendly_span(starts_at: datetime, ends_at: datetime, **kwargs) -> str:
    """``12月11日 周四 14:00–16:00``, or both days when the span passes midnight."""
    start, end = to_local(starts_at), to_local(ends_at)
    loc = _locale(kwargs.pop("locale", None))
    # HH:mm is the same two-digit clock in every language the site speaks: no need for Babel.
    start_text = f"{friendly_day(start, locale=loc, **kwargs)} {start:%H:%M}"
    if start.date() == end.date():
        return f"{start_text}–{end:%H:%M}"
    return f"{start_text} – {friendly_day(end, locale=loc, **kwargs)} {end:%H:%M}"
