"""A day reads as Babel's CLDR formatting writes it, in both languages, though the app formats it from its
message catalogue (core.friendly) instead of loading Babel's locale data in every worker."""
from datetime import date, timedelta

import pytest
from babel.dates import format_skeleton

from leye_events.core.friendly import _day_text
from leye_events.core.locales import babel_locale

TWO_YEARS = [date(2026, 1, 1) + timedelta(days=n) for n in range(731)]


def babel_day(day: date, with_year: bool, code: str) -> str:
    text = format_skeleton("yMMMEd" if with_year else "MMMEd", day, locale=babel_locale(code))
    return text.replace("日周", "日 周")  # the app's one change: a space before the weekday


@pytest.mark.parametrize("code", ["zh_CN", "en"])
@pytest.mark.parametrize("with_year", [False, True])
def test_every_day_of_two_years_reads_as_cldr_writes_it(code, with_year):
    _day_text.cache_clear()
    written = [_day_text(day, with_year, babel_locale(code)) for day in TWO_YEARS]
    assert written == [babel_day(day, with_year, code) for day in TWO_YEARS]


def test_examples():
    _day_text.cache_clear()
    assert _day_text(date(2026, 12, 11), False, babel_locale("zh_CN")) == "12月11日 周五"
    assert _day_text(date(2026, 12, 11), False, babel_locale("en")) == "Fri, Dec 11"
    assert _day_text(date(2027, 9, 5), True, babel_locale("en")) == "Sun, Sep 5, 2027"
    assert _day_text(date(2027, 9, 5), True, babel_locale("zh_CN")) == "2027年9月5日 周日"
