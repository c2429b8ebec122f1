"""Employers and what hangs off them: posts (岗位), company visits (岗位开发), booths at fairs,
interview slots and their bookings, and applications (投递).

Cases point at employers and posts (referrals, outcomes); this module never imports cases.
"""
from flask_babel import lazy_gettext as _l

from ..core.enums import StrEnum, enum_column_type
from ..core.timeutil import UTCDateTime, utcnow
from ..extensions import db


class Education(StrEnum):
    """The lowest schooling a post asks for; a post without one asks for none."""

    SECONDARY = "secondary"
    JUNIOR_COLLEGE = "junior_college"
    BACHELOR = "bachelor"
    MASTER = "master"
    DOCTOR = "doctor"


EDUCATION_LABELS = {
    Education.SECONDARY: _l("高中/中专"),
    Education.JUNIOR_COLLEGE: _l("大专"),
    Education.BACHELOR: _l("本科"),
    Education.MASTER: _l("硕士"),
    Education.DOCTOR: _l("博士"),
}


class PostStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    FILLED = "filled"


POST_STATUS_LABELS = {
    PostStatus.OPEN: _l("招聘中"),
    PostStatus.CLOSED: _l("已关闭"),
    PostStatus.FILLED: _l("已招满"),
}


class BookingStatus(StrEnum):
    BOOKED = "booked"
    CANCELLED = "cancelled"


class ApplicationStatus(StrEnum):
    """Where an application (投递) stands; ``applied`` first, then what the employer records."""

    APPLIED = "applied"
    INTERVIEW = "interview"
    OFFER = "offer"
    HIRED = "hired"
    REJECTED = "rejected"
    NO_SHOW = "no_show"


APPLICATION_STATUS_LABELS = {
    ApplicationStatus.APPLIED: _l("已投递"),
    ApplicationStatus.INTERVIEW: _l("面试"),
    ApplicationStatus.OFFER: _l("已发录用意向"),
    ApplicationStatus.HIRED: _l("已录用"),
    ApplicationStatus.REJECTED: _l("未录用"),
    ApplicationStatus.NO_SHOW: _l("未到面试"),
}

# The results an employer or staff may record (everything but the initial state).
APPLICATION_RESULTS = tuple(s for s in ApplicationStatus if s != ApplicationStatus.APPLIED)


class Employer(db.Model):
    """A company a station works with. ``station`` develops the relationship (may be empty for
    employers that counselors named on a case before employers were entered properly)."""

    __tablename__ = "employers"

    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(200), nullable=False, unique=True)
    # 统一社会信用代码: 18 characters with a check character; unique where given.
    credit_code = db.Column(db.String(18), unique=True)
    industry = db.Column(db.String(100), nullable=False, default="")
    size = db.Column(db.String(50), nullable=False, default="", server_default="")
    park = db.Column(db.String(100), nullable=False, default="", server_default="")
    address = db.Column(db.String(200), nullable=False, default="", server_default="")
    contact_name = db.Column(db.String(100), nullable=False, default="", server_default="")
    contact_phone = db.Column(db.String(20), nullable=False, default="", server_default="")
    station_id = db.Column(db.Integer, db.ForeignKey("stations.id"), index=True)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = db.Column(UTCDateTime, default=utcnow, onupdate=utcnow)

    posts = db.relationship("Post", back_populates="employer", order_by="Post.title")
    station = db.relationship("Station")

    def __repr__(self) -> str:
        return f"<Employer {self.id} {self.name!r}>"


class Post(db.Model):
    """A post (岗位) an employer offers. ``station_id`` is the station that developed it (the
    employer's station unless said otherwise); a new post counts as 岗位开发 in the figures."""

    __tablename__ = "posts"
    __table_args__ = (
        db.UniqueConstraint("employer_id", "title", name="uq_posts_employer_title"),
        db.CheckConstraint("headcount >= 1", name="headcount_positive"),
        db.CheckConstraint("salary_min IS NULL OR salary_max IS NULL OR salary_min <= salary_max",
                           name="salary_range_ordered"),
        db.Index("ix_posts_status_closes_on", "status", "closes_on"),
    )

    id = db.Column(db.Integer, primary_key=True)
    employer_id = db.Column(db.Integer, db.ForeignKey("employers.id"), nullable=False, index=True)
    station_id = db.Column(db.Integer, db.ForeignKey("stations.id"), index=True)
    title = db.Column(db.String(200), nullable=False)
    description = db.Column(db.Text, nullable=False, default="", server_default="")
    headcount = db.Column(db.Integer, nullable=False, default=1, server_default="1")
    # Monthly salary in yuan.
    salary_min = db.Column(db.Integer)
    salary_max = db.Column(db.Integer)
    education = db.Column(enum_column_type(Education, "post_education"))
    experience_years = db.Column(db.Integer)
    location = db.Column(db.String(200), nullable=False, default="", server_default="")
    tags = db.Column(db.JSON, nullable=False, default=list, server_default="[]")
    # SeekerCategory values the employer welcomes; empty means everyone.
    welcome_categories = db.Column(db.JSON, nullable=False, default=list, server_default="[]")
    closes_on = db.Column(db.Date)
    status = db.Column(enum_column_type(PostStatus, "post_status"), nullable=False, default=PostStatus.OPEN,
                       server_default=PostStatus.OPEN.value)
    created_by_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = db.Column(UTCDateTime, default=utcnow, onupdate=utcnow)

    employer = db.relationship("Employer", back_populates="posts")
    station = db.relationship("Station")
    created_by = db.relationship("User", foreign_keys=[created_by_id])

    @property
    def status_label(self) -> str:
        return str(POST_STATUS_LABELS[self.status])

    @property
    def education_label(self) -> str:
        return str(EDUCATION_LABELS[self.education]) if self.education else ""

    def __repr__(self) -> str:
        return f"<Post {self.id} {self.title!r}>"


class Visit(db.Model):
    """A company visit (岗位开发): who went, when, and what was agreed."""

    __tablename__ = "employer_visits"

    id = db.Column(db.Integer, primary_key=True)
    employer_id = db.Column(db.Integer, db.ForeignKey("employers.id"), nullable=False, index=True)
    station_id = db.Column(db.Integer, db.ForeignKey("stations.id"), nullable=False, index=True)
    visited_on = db.Column(db.Date, nullable=False)
    visitors = db.Column(db.String(200), nullable=False, default="")
    agreed = db.Column(db.Text, nullable=False, default="")
    created_by_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    employer = db.relationship("Employer")
    station = db.relationship("Station")
    created_by = db.relationship("User")


booth_posts = db.Table(
    "booth_posts",
    db.Column("booth_id", db.Integer, db.ForeignKey("booths.id", ondelete="CASCADE"), primary_key=True),
    db.Column("post_id", db.Integer, db.ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True),
)


class Booth(db.Model):
    """An employer at a job fair or interview session, with its booth number and the posts it brings."""

    __tablename__ = "booths"
    __table_args__ = (db.UniqueConstraint("event_id", "employer_id", name="uq_booths_event_employer"),)

    id = db.Column(db.Integer, primary_key=True)
    event_id = db.Column(db.Integer, db.ForeignKey("events.id", ondelete="CASCADE"), nullable=False, index=True)
    employer_id = db.Column(db.Integer, db.ForeignKey("employers.id"), nullable=False, index=True)
    booth = db.Column(db.String(20), nullable=False, default="")
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    event = db.relationship("Event")
    employer = db.relationship("Employer")
    posts = db.relationship("Post", secondary=booth_posts, order_by="Post.title")


class InterviewSlot(db.Model):
    """A time at an event when an employer interviews up to ``capacity`` seekers at once."""

    __tablename__ = "interview_slots"
    __table_args__ = (
        db.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        db.CheckConstraint("capacity >= 1", name="capacity_positive"),
        db.Index("ix_interview_slots_event_starts", "event_id", "starts_at"),
    )

    id = db.Column(db.Integer, primary_key=True)
    event_id = db.Column(db.Integer, db.ForeignKey("events.id", ondelete="CASCADE"), nullable=False)
    employer_id = db.Column(db.Integer, db.ForeignKey("employers.id"), nullable=False, index=True)
    post_id = db.Column(db.Integer, db.ForeignKey("posts.id"))
    starts_at = db.Column(UTCDateTime, nullable=False)
    ends_at = db.Column(UTCDateTime, nullable=False)
    capacity = db.Column(db.Integer, nullable=False, default=1)
    created_by_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    event = db.relationship("Event")
    employer = db.relationship("Employer")
    post = db.relationship("Post")


class InterviewBooking(db.Model):
    """A seeker's seat in an interview slot. At most one booked seat per seeker, employer and
    event (a partial unique index); capacity is held by a row lock on the slot."""

    __tablename__ = "interview_bookings"
    __table_args__ = (
        db.Index(
            "uq_interview_bookings_active",
            "event_id",
            "employer_id",
            "seeker_id",
            unique=True,
            postgresql_where=db.text("status = 'booked'"),
            sqlite_where=db.text("status = 'booked'"),
        ),
        db.Index("ix_interview_bookings_slot_status", "slot_id", "status"),
    )

    id = db.Column(db.Integer, primary_key=True)
    slot_id = db.Column(db.Integer, db.ForeignKey("interview_slots.id", ondelete="CASCADE"), nullable=False)
    # Copied from the slot so that the database can enforce one seat per employer and event.
    event_id = db.Column(db.Integer, db.ForeignKey("events.id", ondelete="CASCADE"), nullable=False)
    employer_id = db.Column(db.Integer, db.ForeignKey("employers.id"), nullable=False)
    seeker_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False, index=True)
    registration_id = db.Column(db.Integer, db.ForeignKey("registrations.id"))
    status = db.Column(enum_column_type(BookingStatus, "interview_booking_status"), nullable=False,
                       default=BookingStatus.BOOKED)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    cancelled_at = db.Column(UTCDateTime)
    cancelled_by_id = db.Column(db.Integer, db.ForeignKey("users.id"))

    slot = db.relationship("InterviewSlot")
    seeker = db.relationship("User", foreign_keys=[seeker_id])
    cancelled_by = db.relationship("User", foreign_keys=[cancelled_by_id])


class Application(db.Model):
    """A seeker's application (投递) to a post. ``shared_at`` is when the seeker agreed to show
    name, phone, school and graduation year (never the category) to the post's employer."""

    __tablename__ = "applications"
    __table_args__ = (
        db.UniqueConstraint("post_id", "seeker_id", name="uq_applications_post_seeker"),
        db.Index("ix_applications_status_updated", "status", "updated_at"),
    )

    id = db.Column(db.Integer, primary_key=True)
    post_id = db.Column(db.Integer, db.ForeignKey("posts.id"), nullable=False, index=True)
    employer_id = db.Column(db.Integer, db.ForeignKey("employers.id"), nullable=False, index=True)
    seeker_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False, index=True)
    event_id = db.Column(db.Integer, db.ForeignKey("events.id"))
    status = db.Column(enum_column_type(ApplicationStatus, "application_status"), nullable=False,
                       default=ApplicationStatus.APPLIED)
    note = db.Column(db.String(500), nullable=False, default="")
    shared_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)
    result_at = db.Column(UTCDateTime)
    result_by_id = db.Column(db.Integer, db.ForeignKey("users.id"))

    post = db.relationship("Post")
    employer = db.relationship("Employer")
    seeker = db.relationship("User", foreign_keys=[seeker_id])
    event = db.relationship("Event")
    result_by = db.relationship("User", foreign_keys=[result_by_id])

    @property
    def status_label(self) -> str:
        return str(APPLICATION_STATUS_LABELS[self.status])
