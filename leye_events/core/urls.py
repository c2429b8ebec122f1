"""URLs: absolute ones that also work outside a request, and same-site redirect targets."""
from urllib.parse import urlsplit

from flask import current_app, has_request_context, url_for
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # primary keys are 32-bit integers on PostgreSQL


class BoundedIntConverter(IntegerConverter):
    """``<int:…>`` in every URL: a number too large to be an id is not found (404), instead of
    reaching the database and overflowing its integer type."""

    def to_python(self, value: str) -> int:
        number = super().to_python(value)
        if number > MAX_ID:
            raise NotFound()
        return number


def safe_next_url(target: str | None) -> str | None:
    """``target`` when it is a path on this site (``/events/3?x=1``), else None.

    Refuses absolute URLs, scheme-relative ``//host``, ``http:evil.com`` (a scheme without slashes)
    and anything a browser could read as another host (backslashes, control characters).
    """
    if not isinstance(target, str):
        return None
    target = target.strip()
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if any(ord(char) < 32 or ord(char) == 127 for char in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def same_site_path(url: str | None, host: str) -> str | None:
    """The path (with query) of ``url`` when it points at ``host`` itself (a Referer header), else None."""
    if not isinstance(url, str) or not url:
        return None
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or parts.netloc != host:
        return None
    return safe_next_url(parts.path + (f"?{parts.query}" if parts.query else ""))


def absolute_url(endpoint: str, **values) -> str:
    """``url_for(..., _external=True)``; outside a request, based on ``PUBLIC_URL``."""
    if has_request_context():
        return url_for(endpoint, _external=True, **values)
    base = current_app.config.get("PUBLIC_URL") or "http://127.0.0.1:5000"
    with current_app.test_request_context(base_url=base):
        return url_for(endpoint, _external=True, **values)
