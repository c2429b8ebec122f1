"""Absolute URLs of the feeds, for pages, the API and e-mails."""
from flask import url_for

from . import services


def event_page_url(event) -> str:
    return url_for("events.detail", event_id=event.id, _external=True)


def station_feed_url(station) -> str:
    return url_for("calendars.station_feed", slug=station.slug, _external=True)


def personal_feed_url(user) -> str | None:
    """The account's personal feed, creating its secret token on first use (the caller commits).

    A seeker's lists their registrations; a staff member's lists their station's events.
    """
    if user is None:
        return None
    return url_for("calendars.personal_feed", token=services.ensure_feed_token(user), _external=True)


def webcal(url: str) -> str:
    """The same feed for calendar apps' "subscribe": ``webcal://host/...``."""
    scheme, sep, rest = url.partition("://")
    return "webcal://" + rest if sep and scheme in ("http", "https") else url
