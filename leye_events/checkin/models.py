"""The check-in log. Every scan is a row; "attended" is derived from the successful rows."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_
from sqlalchemy.ext.hybrid import hybrid_property

from ..core.enums import StrEnum, enum_column_type
from ..core.timeutil import UTCDateTime, utcnow
from ..extensions import db


class CheckInResult(StrEnum):
    OK = "ok"
    ALREADY_CHECKED_IN = "already_checked_in"
    CANCELLED = "cancelled"
    WAITLISTED = "waitlisted"
    WRONG_EVENT = "wrong_event"
    NOT_REGISTERED_FOR_SESSION = "not_registered_for_session"
    NOT_OPEN = "not_open"
    EVENT_CANCELLED = "event_cancelled"
    UNKNOWN_CODE = "unknown_code"


CHECKIN_RESULT_LABELS = {
    CheckInResult.OK: _l("签到成功"),
    CheckInResult.ALREADY_CHECKED_IN: _l("已签到过"),
    CheckInResult.CANCELLED: _l("报名已取消"),
    CheckInResult.WAITLISTED: _l("候补中，未获名额"),
    CheckInResult.WRONG_EVENT: _l("不是本活动的票"),
    CheckInResult.NOT_REGISTERED_FOR_SESSION: _l("未报名本场次"),
    CheckInResult.NOT_OPEN: _l("当前不在签到时间"),
    CheckInResult.EVENT_CANCELLED: _l("活动已取消"),
    CheckInResult.UNKNOWN_CODE: _l("无效的票码"),
}


# "Admitted": a successful check-in that was not undone. The one statement of the rule, in SQL for the
# partial unique index, and as ``admitted_condition`` / ``CheckIn.admitted`` everywhere else.
ADMITTED_SQL = "result = 'ok' AND undone_at IS NULL"


def admitted_condition(checkins):
    """The SQL condition "admitted" on ``checkins``: the CheckIn class, an alias of it, or a table's ``c``."""
    return and_(checkins.result == CheckInResult.OK, checkins.undone_at.is_(None))


class CheckInMethod(StrEnum):
    QR = "qr"
    MANUAL = "manual"
    WALK_IN = "walk_in"
    OFFLINE = "offline"
    TICKET_URL = "ticket_url"
    ONLINE = "online"  # the registrant's own join link, in the live-room window


CHECKIN_METHOD_LABELS = {
    CheckInMethod.QR: _l("扫码"),
    CheckInMethod.MANUAL: _l("手动"),
    CheckInMethod.WALK_IN: _l("现场报名"),
    CheckInMethod.OFFLINE: _l("离线扫码"),
    CheckInMethod.TICKET_URL: _l("票面链接"),
    CheckInMethod.ONLINE: _l("线上参加"),
}


class CheckIn(db.Model):
    """One scan or manual check-in attempt at a door, with its outcome.

    A partial unique index allows at most one successful, not-undone row per registration and
    session, whatever the number of doors; a nonce makes a device's retry return the first answer.
    """

    __tablename__ = "checkins"
    __table_args__ = (
        db.Index(
            "uq_checkins_one_success",
            "registration_id",
            "session_id",
            unique=True,
            postgresql_where=db.text(ADMITTED_SQL),
            sqlite_where=db.text(ADMITTED_SQL),
        ),
        db.Index("ix_checkins_event_result", "event_id", "result"),
    )

    id = db.Column(db.Integer, primary_key=True)
    event_id = db.Column(db.Integer, db.ForeignKey("events.id"), nullable=False)
    session_id = db.Column(db.Integer, db.ForeignKey("sessions.id"))
    registration_id = db.Column(db.Integer, db.ForeignKey("registrations.id"), index=True)
    result = db.Column(enum_column_type(CheckInResult, "checkin_result"), nullable=False)
    method = db.Column(enum_column_type(CheckInMethod, "checkin_method"), nullable=False)
    gate = db.Column(db.String(64), nullable=False, default="")
    device = db.Column(db.String(100), nullable=False, default="")
    staff_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    nonce = db.Column(db.String(64), unique=True)
    scanned_at = db.Column(UTCDateTime, nullable=False)  # the device's clock
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)  # the server's clock
    # An offline device admitted someone whom the server had already admitted elsewhere.
    conflict = db.Column(db.Boolean, nullable=False, default=False)
    undone_at = db.Column(UTCDateTime)
    undone_by_id = db.Column(db.Integer, db.ForeignKey("users.id"))

    registration = db.relationship("Registration")
    session = db.relationship("EventSession")
    staff = db.relationship("User", foreign_keys=[staff_id])
    undone_by = db.relationship("User", foreign_keys=[undone_by_id])

    @hybrid_property
    def admitted(self) -> bool:
        """The ticket is in: this check-in succeeded and was not undone."""
        return self.result == CheckInResult.OK and self.undone_at is None

    @admitted.inplace.expression
    @classmethod
    def _admitted_expression(cls):
        return admitted_condition(cls)

    @property
    def method_label(self) -> str:
        return str(CHECKIN_METHOD_LABELS[self.method])

    @property
    def online(self) -> bool:
        return self.method == CheckInMethod.ONLINE

    @property
    def result_label(self) -> str:
        return str(CHECKIN_RESULT_LABELS[self.result])
