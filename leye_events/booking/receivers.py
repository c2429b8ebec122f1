"""Booking's side of a change to an event: it refuses changes that would strand registrants, and
fills freed seats from the waitlist when the capacity changes. Connected when ``booking`` is imported."""
from flask_babel import gettext as _

from ..core.errors import ServiceError
from ..events.models import EventMode, EventStatus
from ..events.signals import event_capacity_changed, event_changing
from .counts import seat_counts
from .services import fill_from_waitlist


@event_changing.connect
def _refuse_changes_stranding_registrants(event, *, status, mode, capacity) -> None:
    """Refuse going back to draft with registrants, a mode that some registrants no longer fit,
    and a capacity below the seats already confirmed (the event row is locked then)."""
    unpublishing = status == EventStatus.DRAFT and event.status == EventStatus.PUBLISHED
    narrowing_mode = mode != (event.mode or EventMode.ONSITE) and mode != EventMode.HYBRID
    if not (unpublishing or narrowing_mode or isinstance(capacity, int)):
        return
    counts = seat_counts(event)
    if unpublishing and (counts.confirmed or counts.waitlisted):
        # Cancelling the event tells registrants; going back to draft would hide it from them silently.
        raise ServiceError("has_registrations", _("已有人报名，不能改回草稿；如需停办，请取消活动（报名者会收到通知）。"),
                           field="status")
    if narrowing_mode:
        stranded = counts.confirmed_onsite + counts.waitlisted if mode == EventMode.ONLINE else counts.confirmed_online
        if stranded:
            raise ServiceError("has_registrations", _("已有报名者选择了其他参加方式，不能改为该方式；可改为“线上线下”。"),
                               field="mode")
    if isinstance(capacity, int) and not isinstance(capacity, bool) and capacity < counts.seated:
        raise ServiceError("invalid_field", _("名额不能少于已确认的人数（%(count)d）。", count=counts.seated),
                           field="capacity", status=422)


@event_capacity_changed.connect
def _fill_freed_seats(event, *, actor) -> None:
    fill_from_waitlist(event, actor=actor)
