"""The site's Babel locales are built without Locale.parse (and so without Babel's global data)."""
from unittest import mock

import pytest
from babel import Locale
from babel.dates import format_skeleton

from leye_events.config import DefaultConfig
from leye_events.core import locales
from leye_events.core.locales import babel_locale


@pytest.fixture(autouse=True)
def fresh_cache():
    babel_locale.cache_clear()
    yield
    babel_locale.cache_clear()


@pytest.mark.parametrize("code", DefaultConfig.LANGUAGES)
def test_each_site_language_is_what_locale_parse_makes_of_it(code, today):
    expected = Locale.parse(code)
    babel_locale.cache_clear()
    made = babel_locale(code)
    assert made == expected
    assert str(made) == str(expected)
    assert format_skeleton("yMMMEd", today, locale=made) == format_skeleton("yMMMEd", today, locale=expected)


def test_site_languages_do_not_go_through_locale_parse():
    assert set(locales.CLDR_IDENTIFIERS) == set(DefaultConfig.LANGUAGES)
    with mock.patch.object(Locale, "parse", side_effect=AssertionError("Locale.parse called")):
        for code in DefaultConfig.LANGUAGES:
            babel_locale(code)


def test_other_codes_are_parsed():
    assert str(babel_locale("zh_TW")) == "zh_Hant_TW"


@pytest.fixture
def today():
    from leye_events.core.timeutil import today_local
    return today_local()
