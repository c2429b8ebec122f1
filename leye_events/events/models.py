"""Events and their timed sessions."""
from flask_babel import lazy_gettext as _l

from ..core.enums import StrEnum, enum_column_type
from ..core.timeutil import UTCDateTime, utcnow
from ..extensions import db


class EventKind(StrEnum):
    SALON = "salon"
    JOB_FAIR = "job_fair"
    INTERVIEW_SESSION = "interview_session"
    WORKSHOP = "workshop"
    LECTURE = "lecture"
    VISIT = "visit"
    OUTDOOR = "outdoor"


EVENT_KIND_LABELS = {
    EventKind.SALON: _l("职场沙龙"),
    EventKind.JOB_FAIR: _l("校园招聘会"),
    EventKind.INTERVIEW_SESSION: _l("专场面试会"),
    EventKind.WORKSHOP: _l("沉浸式工作坊"),
    EventKind.LECTURE: _l("讲座"),
    EventKind.VISIT: _l("参观访学"),
    EventKind.OUTDOOR: _l("户外拓展"),
}


class EventStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


EVENT_STATUS_LABELS = {
    EventStatus.DRAFT: _l("草稿"),
    EventStatus.PUBLISHED: _l("已发布"),
    EventStatus.CANCELLED: _l("已取消"),
}


class EventMode(StrEnum):
    """Where people attend: at the venue, in the live room, or either (hybrid)."""

    ONSITE = "onsite"
    ONLINE = "online"
    HYBRID = "hybrid"


EVENT_MODE_LABELS = {
    EventMode.ONSITE: _l("线下"),
    EventMode.ONLINE: _l("线上"),
    EventMode.HYBRID: _l("线上线下"),
}


class Event(db.Model):
    """An event a station publishes; people attend its sessions."""

    __tablename__ = "events"
    __table_args__ = (
        db.CheckConstraint("capacity >= 0", name="capacity_not_negative"),
        db.Index("ix_events_station_status", "station_id", "status"),
    )

    id = db.Column(db.Integer, primary_key=True)
    station_id = db.Column(db.Integer, db.ForeignKey("stations.id"), nullable=False)
    kind = db.Column(enum_column_type(EventKind, "event_kind"), nullable=False)
    title = db.Column(db.String(200), nullable=False)
    description = db.Column(db.Text, nullable=False, default="")
    venue = db.Column(db.String(200), nullable=False, default="")
    # Seats at the venue; None only for online events (no limit). A hybrid event's online
    # registrants never count against it.
    capacity = db.Column(db.Integer)
    mode = db.Column(enum_column_type(EventMode, "event_mode"), nullable=False, default=EventMode.ONSITE,
                     server_default=EventMode.ONSITE.value)
    # Confirmed registrations that hold a seat (all confirmed, but a hybrid event's online ones), kept
    # true by booking.seats on every change; a registration takes its seat with one conditional UPDATE.
    seats_taken = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    # Waitlisted registrations (positions are dense, so also the last position), kept true the same way;
    # a registration joins the waitlist with one conditional UPDATE of it.
    waitlist_length = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    # The live room and the replay: never public, reached through a registrant's join link.
    online_url = db.Column(db.String(500))
    replay_url = db.Column(db.String(500))
    registration_opens = db.Column(UTCDateTime)
    registration_closes = db.Column(UTCDateTime)
    status = db.Column(
        enum_column_type(EventStatus, "event_status"), nullable=False, default=EventStatus.DRAFT
    )
    cancel_reason = db.Column(db.String(500))
    waitlist_enabled = db.Column(db.Boolean, nullable=False, default=True)
    # Audience rules; None means "anyone".
    eligible_categories = db.Column(db.JSON)
    eligible_school = db.Column(db.String(100))
    eligible_graduation_year_min = db.Column(db.Integer)
    eligible_graduation_year_max = db.Column(db.Integer)
    # File name of the cover banner in COVER_STORAGE_DIR (see sharing/covers.py), or None.
    cover_image = db.Column(db.String(100))
    # Rises on every change; calendar feeds use it as SEQUENCE.
    revision = db.Column(db.Integer, nullable=False, default=0)
    created_by_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)
    published_at = db.Column(UTCDateTime)
    cancelled_at = db.Column(UTCDateTime)

    station = db.relationship("Station")
    created_by = db.relationship("User")
    sessions = db.relationship(
        "EventSession",
        back_populates="event",
        order_by="(EventSession.starts_at, EventSession.id)",
        cascade="all, delete-orphan",
    )

    @property
    def starts_at(self):
        return self.sessions[0].starts_at if self.sessions else None

    @property
    def ends_at(self):
        return max((s.ends_at for s in self.sessions), default=None)

    @property
    def kind_label(self) -> str:
        return str(EVENT_KIND_LABELS[self.kind])

    @property
    def status_label(self) -> str:
        return str(EVENT_STATUS_LABELS[self.status])

    @property
    def mode_label(self) -> str:
        return str(EVENT_MODE_LABELS[self.mode or EventMode.ONSITE])

    @property
    def has_online(self) -> bool:
        """Whether people may attend online (an online or hybrid event)."""
        return self.mode in (EventMode.ONLINE, EventMode.HYBRID)

    @property
    def has_onsite(self) -> bool:
        return self.mode in (None, EventMode.ONSITE, EventMode.HYBRID)

    @property
    def is_published(self) -> bool:
        return self.status == EventStatus.PUBLISHED

    def registration_window(self, now) -> str:
        """Where ``now`` falls in the registration window: ``"not_yet_open"``, ``"open"`` or ``"closed"``
        (it closes at ``registration_closes``, else when the first session starts). The one window rule."""
        if self.registration_opens and now < self.registration_opens:
            return "not_yet_open"
        closes = self.registration_closes or self.starts_at
        return "closed" if closes is not None and now >= closes else "open"

    def registration_is_open(self, now) -> bool:
        """Whether a seeker may register at ``now``: published, and inside the window."""
        return self.is_published and self.registration_window(now) == "open"

    def __repr__(self) -> str:
        return f"<Event {self.id} {self.title!r}>"


class EventSession(db.Model):
    """A timed part of an event (a workshop's module, a fair's day); check-in is per session."""

    __tablename__ = "sessions"
    __table_args__ = (db.CheckConstraint("ends_at > starts_at", name="ends_after_start"),)

    id = db.Column(db.Integer, primary_key=True)
    event_id = db.Column(
        db.Integer, db.ForeignKey("events.id", ondelete="CASCADE"), nullable=False, index=True
    )
    title = db.Column(db.String(200), nullable=False, default="")
    starts_at = db.Column(UTCDateTime, nullable=False, index=True)
    ends_at = db.Column(UTCDateTime, nullable=False)
    # A workshop module may differ from its event (one module online, the others onsite); None: as the event.
    mode = db.Column(enum_column_type(EventMode, "session_mode"))

    event = db.relationship("Event", back_populates="sessions")

    @property
    def effective_mode(self) -> EventMode:
        return self.mode or (self.event.mode if self.event is not None else None) or EventMode.ONSITE
