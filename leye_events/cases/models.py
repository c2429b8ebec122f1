"""Cases, their timeline entries, referrals and outcomes (naming employers and posts of ``employers``)."""
from flask_babel import lazy_gettext as _l

from ..accounts.models import SEEKER_CATEGORY_LABELS, SeekerCategory
from ..core.enums import StrEnum, enum_column_type
from ..core.timeutil import UTCDateTime, utcnow
from ..employers.models import Employer, Post  # noqa: F401  (re-exported for older imports)
from ..extensions import db


class CaseStatus(StrEnum):
    ACTIVE = "active"
    EMPLOYED = "employed"
    PAUSED = "paused"
    CLOSED = "closed"


CASE_STATUS_LABELS = {
    CaseStatus.ACTIVE: _l("跟进中"),
    CaseStatus.EMPLOYED: _l("已就业"),
    CaseStatus.PAUSED: _l("暂停"),
    CaseStatus.CLOSED: _l("已结案"),
}


class ConsentMethod(StrEnum):
    ONLINE = "online"
    VERBAL = "verbal"
    WRITTEN = "written"


CONSENT_METHOD_LABELS = {
    ConsentMethod.ONLINE: _l("线上同意"),
    ConsentMethod.VERBAL: _l("口头同意"),
    ConsentMethod.WRITTEN: _l("书面同意"),
}


class EntryKind(StrEnum):
    REGISTRATION = "registration"
    NO_SHOW = "no_show"
    ATTENDANCE = "attendance"
    NOTE = "note"
    REFERRAL = "referral"
    OUTCOME = "outcome"
    STATUS_CHANGE = "status_change"
    APPLICATION = "application"


ENTRY_KIND_LABELS = {
    EntryKind.REGISTRATION: _l("报名"),
    EntryKind.NO_SHOW: _l("未到场"),
    EntryKind.ATTENDANCE: _l("参加活动"),
    EntryKind.NOTE: _l("服务记录"),
    EntryKind.REFERRAL: _l("岗位推荐"),
    EntryKind.OUTCOME: _l("就业结果"),
    EntryKind.STATUS_CHANGE: _l("状态变更"),
    EntryKind.APPLICATION: _l("岗位投递"),
}


class ContactResult(StrEnum):
    """What came of a follow-up call to someone who did not come."""

    CALLED = "called"
    LEFT_MESSAGE = "left_message"
    NO_ANSWER = "no_answer"


CONTACT_RESULT_LABELS = {
    ContactResult.CALLED: _l("已致电"),
    ContactResult.LEFT_MESSAGE: _l("已留言"),
    ContactResult.NO_ANSWER: _l("未接通"),
}


class ReferralResult(StrEnum):
    PENDING = "pending"
    INTERVIEWED = "interviewed"
    HIRED = "hired"
    DECLINED = "declined"


REFERRAL_RESULT_LABELS = {
    ReferralResult.PENDING: _l("待反馈"),
    ReferralResult.INTERVIEWED: _l("已面试"),
    ReferralResult.HIRED: _l("已录用"),
    ReferralResult.DECLINED: _l("未录用"),
}


class OutcomeKind(StrEnum):
    EMPLOYED = "employed"


class Case(db.Model):
    """A seeker's employment-service case at their home station; one per seeker."""

    __tablename__ = "cases"
    __table_args__ = (db.Index("ix_cases_station_status", "station_id", "status"),)

    id = db.Column(db.Integer, primary_key=True)
    seeker_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False, unique=True)
    station_id = db.Column(db.Integer, db.ForeignKey("stations.id"))
    counselor_id = db.Column(db.Integer, db.ForeignKey("users.id"), index=True)
    category = db.Column(enum_column_type(SeekerCategory, "case_category"), nullable=False,
                         default=SeekerCategory.OTHER)
    status = db.Column(enum_column_type(CaseStatus, "case_status"), nullable=False, default=CaseStatus.ACTIVE)
    status_reason = db.Column(db.String(500))
    plan = db.Column(db.Text, nullable=False, default="")
    # The last time a counselor was in touch (a note, a call, a referral, an outcome).
    last_contact_at = db.Column(UTCDateTime)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    seeker = db.relationship("User", foreign_keys=[seeker_id])
    counselor = db.relationship("User", foreign_keys=[counselor_id])
    station = db.relationship("Station")

    @property
    def status_label(self) -> str:
        return str(CASE_STATUS_LABELS[self.status])

    @property
    def category_label(self) -> str:
        return str(SEEKER_CATEGORY_LABELS[self.category])

    def __repr__(self) -> str:
        return f"<Case {self.id} seeker={self.seeker_id} {self.status}>"


class Referral(db.Model):
    """The counselor sent the seeker to an employer's post; the result is filled in later."""

    __tablename__ = "referrals"

    id = db.Column(db.Integer, primary_key=True)
    case_id = db.Column(db.Integer, db.ForeignKey("cases.id"), nullable=False, index=True)
    employer_id = db.Column(db.Integer, db.ForeignKey("employers.id"), nullable=False)
    post_id = db.Column(db.Integer, db.ForeignKey("posts.id"))
    result = db.Column(enum_column_type(ReferralResult, "referral_result"), nullable=False,
                       default=ReferralResult.PENDING)
    created_by_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    case = db.relationship("Case")
    employer = db.relationship("Employer")
    post = db.relationship("Post")
    created_by = db.relationship("User")

    @property
    def result_label(self) -> str:
        return str(REFERRAL_RESULT_LABELS[self.result])


class Outcome(db.Model):
    """The seeker got a job: employer, post, start date, and what led there (an event or a referral)."""

    __tablename__ = "outcomes"

    id = db.Column(db.Integer, primary_key=True)
    case_id = db.Column(db.Integer, db.ForeignKey("cases.id"), nullable=False, index=True)
    kind = db.Column(enum_column_type(OutcomeKind, "outcome_kind"), nullable=False, default=OutcomeKind.EMPLOYED)
    employer_id = db.Column(db.Integer, db.ForeignKey("employers.id"), nullable=False)
    post_id = db.Column(db.Integer, db.ForeignKey("posts.id"))
    start_date = db.Column(db.Date, nullable=False)
    event_id = db.Column(db.Integer, db.ForeignKey("events.id"))
    referral_id = db.Column(db.Integer, db.ForeignKey("referrals.id"))
    application_id = db.Column(db.Integer, db.ForeignKey("applications.id"))
    created_by_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    case = db.relationship("Case")
    employer = db.relationship("Employer")
    post = db.relationship("Post")
    event = db.relationship("Event")
    referral = db.relationship("Referral")
    application = db.relationship("Application")
    created_by = db.relationship("User")


class CaseEntry(db.Model):
    """One item on a case's timeline, with who wrote it, when it happened, and its details.

    Attendance entries are written by the check-in operation and link the CheckIn; undoing the
    check-in marks the entry withdrawn (it is never deleted). Registrations and no-shows are read
    from the booking tables; a ``no_show`` row exists only where a counselor logged a call.
    """

    __tablename__ = "case_entries"
    __table_args__ = (
        db.Index("ix_case_entries_case_occurred", "case_id", "occurred_at"),
        db.Index("ix_case_entries_kind_occurred", "kind", "occurred_at"),
    )

    id = db.Column(db.Integer, primary_key=True)
    case_id = db.Column(db.Integer, db.ForeignKey("cases.id"), nullable=False)
    kind = db.Column(enum_column_type(EntryKind, "case_entry_kind"), nullable=False)
    occurred_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    author_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    body = db.Column(db.Text, nullable=False, default="")
    details = db.Column(db.JSON, nullable=False, default=dict)
    event_id = db.Column(db.Integer, db.ForeignKey("events.id"), index=True)
    session_id = db.Column(db.Integer, db.ForeignKey("sessions.id"))
    registration_id = db.Column(db.Integer, db.ForeignKey("registrations.id"))
    checkin_id = db.Column(db.Integer, db.ForeignKey("checkins.id"), unique=True)
    referral_id = db.Column(db.Integer, db.ForeignKey("referrals.id"))
    outcome_id = db.Column(db.Integer, db.ForeignKey("outcomes.id"))
    application_id = db.Column(db.Integer, db.ForeignKey("applications.id"), index=True)
    withdrawn_at = db.Column(UTCDateTime)
    withdrawn_by_id = db.Column(db.Integer, db.ForeignKey("users.id"))

    case = db.relationship("Case")
    author = db.relationship("User", foreign_keys=[author_id])
    withdrawn_by = db.relationship("User", foreign_keys=[withdrawn_by_id])
    event = db.relationship("Event")
    session = db.relationship("EventSession")
    referral = db.relationship("Referral")
    outcome = db.relationship("Outcome")

    @property
    def kind_label(self) -> str:
        return str(ENTRY_KIND_LABELS[self.kind])
