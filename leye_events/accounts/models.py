"""Users and their API tokens."""
import hashlib

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from werkzeug.security import check_password_hash, generate_password_hash

from ..core.enums import StrEnum, enum_column_type
from ..core.masking import mask_name, mask_phone
from ..core.timeutil import UTCDateTime, utcnow
from ..extensions import db


class Role(StrEnum):
    SEEKER = "seeker"
    DOOR = "door"
    COUNSELOR = "counselor"
    ORGANIZER = "organizer"
    ADMIN = "admin"
    EMPLOYER = "employer"


ROLE_LABELS = {
    Role.SEEKER: _l("求职者"),
    Role.DOOR: _l("签到员"),
    Role.COUNSELOR: _l("服务专员"),
    Role.ORGANIZER: _l("活动组织者"),
    Role.ADMIN: _l("区级管理员"),
    Role.EMPLOYER: _l("用人单位"),
}

STAFF_ROLES = frozenset({Role.DOOR, Role.COUNSELOR, Role.ORGANIZER, Role.ADMIN})


class SeekerCategory(StrEnum):
    GRADUATE_UNEMPLOYED = "graduate_unemployed"
    UNEMPLOYED_YOUTH = "unemployed_youth"
    HARD_TO_EMPLOY = "hard_to_employ"
    UNEMPLOYED = "unemployed"
    STUDENT = "student"
    OTHER = "other"


SEEKER_CATEGORY_LABELS = {
    SeekerCategory.GRADUATE_UNEMPLOYED: _l("离校未就业高校毕业生"),
    SeekerCategory.UNEMPLOYED_YOUTH: _l("失业青年"),
    SeekerCategory.HARD_TO_EMPLOY: _l("就业困难人员"),
    SeekerCategory.UNEMPLOYED: _l("失业人员"),
    SeekerCategory.STUDENT: _l("在校生"),
    SeekerCategory.OTHER: _l("其他"),
}


class User(UserMixin, db.Model):
    """An account. Staff belong to a station; a seeker's station is their home station."""

    __tablename__ = "users"
    __table_args__ = (
        db.CheckConstraint("phone IS NOT NULL OR email IS NOT NULL", name="has_login"),
        db.CheckConstraint("(role = 'employer') = (employer_id IS NOT NULL)", name="employer_iff_role"),
    )

    id = db.Column(db.Integer, primary_key=True)
    role = db.Column(enum_column_type(Role, "user_role"), nullable=False)
    name = db.Column(db.String(100), nullable=False)
    phone = db.Column(db.String(20), unique=True)
    email = db.Column(db.String(254), unique=True)
    password_hash = db.Column(db.String(256), nullable=False)
    station_id = db.Column(db.Integer, db.ForeignKey("stations.id"), index=True)
    # An ``employer`` account acts for exactly this employer (and only such accounts have one).
    employer_id = db.Column(db.Integer, db.ForeignKey("employers.id"), index=True)
    category = db.Column(enum_column_type(SeekerCategory, "seeker_category"))
    school = db.Column(db.String(100))
    graduation_year = db.Column(db.Integer)
    consent_at = db.Column(UTCDateTime)
    consent_version = db.Column(db.String(20))
    # Secret in the URL of the seeker's personal calendar feed; resetting it kills the old URL.
    calendar_token = db.Column(db.String(64), unique=True)
    active = db.Column(db.Boolean, nullable=False, default=True)
    # Found through an outreach list, no login yet; signing up with the same phone claims the account.
    prospect = db.Column(db.Boolean, nullable=False, default=False, server_default=db.false())
    # Messages by SMS and e-mail; the in-app inbox cannot be turned off.
    notify_sms = db.Column(db.Boolean, nullable=False, default=True, server_default=db.true())
    notify_email = db.Column(db.Boolean, nullable=False, default=True, server_default=db.true())
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    last_login_at = db.Column(UTCDateTime)
    # Per-account lockout after repeated wrong passwords (next to the per-address rate limit).
    failed_logins = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    locked_until = db.Column(UTCDateTime)
    # Set when the person withdrew consent or deleted the account: personal fields are erased and
    # the row stays only so that case entries and figures keep pointing at someone (anonymous).
    erased_at = db.Column(UTCDateTime)

    station = db.relationship("Station")
    employer = db.relationship("Employer", foreign_keys=[employer_id])

    # The secret of the login session this object was loaded through (web requests only);
    # Flask-Login stores ``get_id()`` in the session and the remember-me cookie.
    login_session_secret = None

    def get_id(self) -> str:
        if self.login_session_secret:
            return f"{self.id}:{self.login_session_secret}"
        return str(self.id)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return bool(self.active)

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def masked_name(self) -> str:
        return mask_name(self.name)

    @property
    def role_label(self) -> str:
        return str(ROLE_LABELS[self.role])

    @property
    def category_label(self) -> str:
        return str(SEEKER_CATEGORY_LABELS[self.category]) if self.category else ""

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


def hash_token(token: str) -> str:
    """The stored form of an API token: its SHA-256 hex digest (tokens are long and random)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class ApiToken(db.Model):
    """A bearer token for the JSON API; only its hash is stored. Dead after ``expires_at``."""

    __tablename__ = "api_tokens"

    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    token_hash = db.Column(db.String(64), nullable=False, unique=True)
    label = db.Column(db.String(100), nullable=False, default="")
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    expires_at = db.Column(UTCDateTime, nullable=False)

    user = db.relationship("User")


class LoginSession(db.Model):
    """A web login: the session cookie and the remember-me cookie name it by a secret whose hash is kept.

    Logging out deletes the row, so a copied cookie dies with it; a password change deletes the
    other rows of the account.
    """

    __tablename__ = "login_sessions"

    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    secret_hash = db.Column(db.String(64), nullable=False, unique=True)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    expires_at = db.Column(UTCDateTime, nullable=False)
    user_agent = db.Column(db.String(200), nullable=False, default="")
