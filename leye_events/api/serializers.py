"""The JSON shapes of the API's objects. Times are ISO 8601 in Asia/Shanghai (``+08:00``)."""
from flask import current_app, url_for
from werkzeug.routing import BuildError

from ..booking.counts import SeatCounts
from ..calendars.links import personal_feed_url
from ..core.masking import mask_email, mask_phone
from ..core.timeutil import isoformat_local

# The web page of an event, whichever endpoint name the catalogue uses for it.
_EVENT_PAGE_ENDPOINTS = ("events.detail", "events.event_detail", "events.show")


def station_json(station) -> dict | None:
    if station is None:
        return None
    return {"slug": station.slug, "name": station.name, "kind": station.kind.value}


def station_list_item(station) -> dict:
    return {**station_json(station), "address": station.address or ""}


def session_json(session) -> dict:
    return {
        "id": session.id,
        "title": session.title or "",
        "starts_at": isoformat_local(session.starts_at),
        "ends_at": isoformat_local(session.ends_at),
        "mode": session.effective_mode.value,
    }


def event_web_url(event) -> str:
    """The absolute URL of the event's page on the site."""
    for endpoint in _EVENT_PAGE_ENDPOINTS:
        if endpoint in current_app.view_functions:
            try:
                return url_for(endpoint, event_id=event.id, _external=True)
            except BuildError:
                continue
    return url_for("events.home", _external=True) + f"events/{event.id}"


def event_json(event, counts: SeatCounts, *, staff_view: bool = False) -> dict:
    """The event as the API shows it. The live room and the replay addresses (``online_url``,
    ``replay_url``) appear only with ``staff_view`` (staff of the event's station): never publicly."""
    categories = event.eligible_categories
    shown = {
        "mode": (event.mode.value if event.mode else "onsite"),
        **({"online_url": event.online_url, "replay_url": event.replay_url} if staff_view else {}),
    }
    return {**shown, **_event_fields(event, counts, categories)}


def _event_fields(event, counts: SeatCounts, categories) -> dict:
    return {
        "id": event.id,
        "title": event.title,
        "kind": event.kind.value,
        "station": station_json(event.station),
        "venue": event.venue or "",
        "description": event.description or "",
        "status": event.status.value,
        "cancel_reason": event.cancel_reason,
        "capacity": event.capacity,
        "confirmed_count": counts.confirmed,
        "seats_left": counts.seats_left,
        "waitlist_count": counts.waitlisted,
        "waitlist_enabled": bool(event.waitlist_enabled),
        "registration_opens": isoformat_local(event.registration_opens),
        "registration_closes": isoformat_local(event.registration_closes),
        "starts_at": isoformat_local(event.starts_at),
        "ends_at": isoformat_local(event.ends_at),
        "eligible_categories": list(categories) if categories else None,
        "eligible_school": event.eligible_school,
        "eligible_graduation_year_min": event.eligible_graduation_year_min,
        "eligible_graduation_year_max": event.eligible_graduation_year_max,
        "sessions": [session_json(s) for s in event.sessions],
        "url": event_web_url(event),
    }


def profile_json(user) -> dict:
    """The caller's own profile, with phone and email masked."""
    return {
        "id": user.id,
        "name": user.name,
        "role": user.role.value,
        "phone": mask_phone(user.phone) or None,
        "email": mask_email(user.email) or None,
        "station": user.station.slug if user.station is not None else None,
        "category": user.category.value if user.category else None,
        "school": user.school,
        "graduation_year": user.graduation_year,
        # A seeker's personal feed (its secret token is made on first use; the caller commits).
        "calendar_url": personal_feed_url(user),
        "notify_sms": user.notify_sms is not False,
        "notify_email": user.notify_email is not False,
    }
