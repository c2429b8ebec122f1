"""What a shared link shows: who may see an event's poster, the poster's words, the share card."""
from flask_babel import force_locale
from flask_babel import gettext as _

from ..accounts.auth import is_staff_of_station
from ..core.errors import NotFound
from ..events.models import Event, EventStatus
from ..extensions import db
from . import covers
from .poster import render_poster


def shareable_event(event_id: int, viewer) -> Event:
    """The event behind a poster or share card; drafts only for staff of its station (404 otherwise)."""
    event = db.session.get(Event, event_id)
    if event is None or (event.status == EventStatus.DRAFT and not is_staff_of_station(viewer, event.station_id)):
        raise NotFound("not_found", _("活动不存在。"))
    return event


def poster_labels(event: Event) -> dict:
    """The words drawn on the poster, in the current language."""
    return {
        "brand": _("杨浦乐业空间 · 乐业活动"),
        "kind": event.kind_label,
        "venue": _("地点："),
        "station": _("主办："),
        "scan": _("长按或扫描二维码，查看详情并报名"),
    }


def poster_png(event: Event, event_url: str, locale: str) -> bytes:
    """The event's poster (see ``poster.render_poster``) in ``locale`` ("zh_CN" or "en")."""
    with force_locale(locale):
        labels = poster_labels(event)
        return render_poster(event, event_url, labels=labels, locale=locale, cover=covers.open_cover(event))


def share_description(event: Event, when: str) -> str:
    """One line for a chat card: when, where, who runs it."""
    parts = [when, event.venue, event.station.name]
    return " · ".join(p for p in parts if p)
