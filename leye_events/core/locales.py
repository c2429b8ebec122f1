"""Babel ``Locale`` objects made once per worker and language.

``Locale.parse`` scans Babel's list of locales (0.2–0.6 ms) on every call, and it loads Babel's global data
(the aliases and likely subtags of every language: ~2 MiB in each worker, on the first JSON answer already).
The site's own languages are written out with their script, as ``Locale.parse`` would complete them, and
built directly; any other code goes through ``Locale.parse``.
"""
from functools import lru_cache

from babel import Locale
from babel.core import parse_locale

# The site's languages (config LANGUAGES) as full CLDR identifiers: what Locale.parse makes of each.
CLDR_IDENTIFIERS = {"zh_CN": "zh_Hans_CN", "en": "en"}


@lru_cache(maxsize=16)
def babel_locale(code: str) -> Locale:
    """The ``Locale`` of ``code`` (``zh_CN``, ``en``); pass it to ``flask_babel.force_locale``."""
    identifier = CLDR_IDENTIFIERS.get(code)
    if identifier is None:
        return Locale.parse(code)
    language, territory, script, variant = parse_locale(identifier)
    return Locale(language, territory, script, variant)
