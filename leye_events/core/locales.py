"""Babel ``Locale`` objects parsed once per worker and language: ``Locale.parse`` scans Babel's list of
locales (0.2–0.6 ms) on every call, and pages, dates and messages ask for one many times."""
from functools import lru_cache

from babel import Locale


@lru_cache(maxsize=16)
def babel_locale(code: str) -> Locale:
    """The parsed ``Locale`` of ``code`` (``zh_CN``, ``en``); pass it to ``flask_babel.force_locale``."""
    return Locale.parse(code)
