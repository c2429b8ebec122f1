"""Outreach: the lists a station imports, the prospects they create, and every contact logged."""
from flask_babel import lazy_gettext as _l

from ..core.enums import StrEnum, enum_column_type
from ..core.timeutil import UTCDateTime, utcnow
from ..extensions import db


class ContactChannel(StrEnum):
    PHONE = "phone"
    VISIT = "visit"
    WECHAT = "wechat"
    SMS = "sms"


CONTACT_CHANNEL_LABELS = {
    ContactChannel.PHONE: _l("电话"),
    ContactChannel.VISIT: _l("上门"),
    ContactChannel.WECHAT: _l("微信"),
    ContactChannel.SMS: _l("短信"),
}


class ContactOutcome(StrEnum):
    REACHED = "reached"
    NO_ANSWER = "no_answer"
    REFUSED = "refused"
    WRONG_NUMBER = "wrong_number"


CONTACT_OUTCOME_LABELS = {
    ContactOutcome.REACHED: _l("已联系上"),
    ContactOutcome.NO_ANSWER: _l("未接通"),
    ContactOutcome.REFUSED: _l("拒绝服务"),
    ContactOutcome.WRONG_NUMBER: _l("号码错误"),
}


class OutreachImport(db.Model):
    """One uploaded list (from the sub-district or a university) and what came of it."""

    __tablename__ = "outreach_imports"

    id = db.Column(db.Integer, primary_key=True)
    station_id = db.Column(db.Integer, db.ForeignKey("stations.id"), nullable=False, index=True)
    uploaded_by_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    filename = db.Column(db.String(200), nullable=False, default="")
    created = db.Column(db.Integer, nullable=False, default=0)
    updated = db.Column(db.Integer, nullable=False, default=0)
    rejected = db.Column(db.Integer, nullable=False, default=0)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)


class Prospect(db.Model):
    """A person found through an outreach list (kept after they sign up: ``seeker.prospect`` turns False
    and ``seeker.consent_at`` is when they did)."""

    __tablename__ = "prospects"

    id = db.Column(db.Integer, primary_key=True)
    seeker_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False, unique=True)
    station_id = db.Column(db.Integer, db.ForeignKey("stations.id"), nullable=False, index=True)
    import_id = db.Column(db.Integer, db.ForeignKey("outreach_imports.id"))
    # 居委/社区 for residents, the school for graduates.
    community = db.Column(db.String(100), nullable=False, default="")
    remark = db.Column(db.String(500), nullable=False, default="")
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    seeker = db.relationship("User")
    station = db.relationship("Station")


class Contact(db.Model):
    """A counselor tried to reach a person: channel, result, note and when to try next."""

    __tablename__ = "outreach_contacts"
    __table_args__ = (db.Index("ix_outreach_contacts_case_occurred", "case_id", "occurred_at"),)

    id = db.Column(db.Integer, primary_key=True)
    case_id = db.Column(db.Integer, db.ForeignKey("cases.id"), nullable=False)
    author_id = db.Column(db.Integer, db.ForeignKey("users.id"), index=True)
    channel = db.Column(enum_column_type(ContactChannel, "contact_channel"), nullable=False)
    result = db.Column(enum_column_type(ContactOutcome, "contact_outcome"), nullable=False)
    note = db.Column(db.Text, nullable=False, default="")
    next_contact_on = db.Column(db.Date)
    occurred_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    case = db.relationship("Case")
    author = db.relationship("User")

    @property
    def channel_label(self) -> str:
        return str(CONTACT_CHANNEL_LABELS[self.channel])

    @property
    def result_label(self) -> str:
        return str(CONTACT_OUTCOME_LABELS[self.result])
