"""Account rules: sign-up, login, passwords, staff accounts, API tokens.

The only place that creates or changes users and tokens. Callers commit.
"""
import re
import secrets
from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

from ..audit.services import record
from ..core.db import begin_locking_transaction, is_row_id
from ..core.errors import Conflict, ServiceError
from ..core.timeutil import today_local, utcnow
from ..extensions import db
from ..stations.models import Station
from .models import STAFF_ROLES, ApiToken, Role, SeekerCategory, User, hash_token
from .sessions import end_all_sessions, end_other_sessions, user_for_token  # noqa: F401 (the API's import)

MOBILE_PATTERN = re.compile(r"^1[3-9]\d{9}$")
PASSWORD_MIN_LENGTH = 8
PASSWORD_MAX_LENGTH = 128
NAME_MAX_LENGTH = 50


def normalize_phone(text: str | None) -> str:
    """A mainland mobile number as 11 digits; spaces, dashes and a +86 prefix are dropped.

    Raises ServiceError ``invalid_phone`` when it is not a valid mobile number.
    """
    digits = re.sub(r"[\s\-()]", "", text or "")
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and len(digits) == 11 + len(prefix):
            digits = digits[len(prefix):]
    if not MOBILE_PATTERN.match(digits):
        raise ServiceError("invalid_phone", _("请输入有效的11位中国大陆手机号码。"), field="phone", status=422)
    return digits


def normalize_email(text: str | None) -> str | None:
    """A lower-cased, syntactically valid email address, or None when empty."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        return validate_email(text, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise ServiceError("invalid_email", _("邮箱地址格式不正确。"), field="email") from None


def check_password_rules(password: str | None) -> str:
    if not isinstance(password, str) or not (PASSWORD_MIN_LENGTH <= len(password) <= PASSWORD_MAX_LENGTH):
        raise ServiceError(
            "weak_password",
            _("密码长度需为 %(min)d 到 %(max)d 个字符。", min=PASSWORD_MIN_LENGTH, max=PASSWORD_MAX_LENGTH),
            field="password",
        )
    return password


def _check_name(name: str | None) -> str:
    name = (name or "").strip() if isinstance(name, str) else ""
    if not name or len(name) > NAME_MAX_LENGTH:
        raise ServiceError("invalid_name", _("请填写姓名（不超过 %(max)d 个字）。", max=NAME_MAX_LENGTH), field="name")
    return name


def _check_category(category) -> SeekerCategory:
    if category in (None, ""):
        return SeekerCategory.OTHER
    try:
        return SeekerCategory(category)
    except ValueError:
        raise ServiceError("invalid_category", _("人员类别无效。"), field="category") from None


def _check_graduation_year(year) -> int | None:
    if year in (None, ""):
        return None
    try:
        year = int(year)
    except (TypeError, ValueError):
        year = 0
    this_year = today_local().year
    if not (1960 <= year <= this_year + 8):
        raise ServiceError("invalid_graduation_year", _("毕业年份无效。"), field="graduation_year")
    return year


def station_by_slug(slug: str | None) -> Station | None:
    """The station with that slug; ServiceError ``unknown_station`` if there is none."""
    if slug in (None, ""):
        return None
    station = db.session.execute(db.select(Station).filter_by(slug=str(slug))).scalar_one_or_none()
    if station is None:
        raise ServiceError("unknown_station", _("找不到该乐业空间。"), field="station")
    return station


def _ensure_unique_login(phone: str | None, email: str | None, *, exclude_id: int | None = None) -> None:
    if phone and db.session.execute(
        db.select(User.id).filter(User.phone == phone, User.id != exclude_id)
    ).first():
        raise Conflict("phone_taken", _("该手机号已注册，请直接登录。"), field="phone")
    if email and db.session.execute(
        db.select(User.id).filter(User.email == email, User.id != exclude_id)
    ).first():
        raise Conflict("email_taken", _("该邮箱已注册，请直接登录。"), field="email")


def signup_seeker(
    *,
    name,
    phone,
    password,
    consent,
    email=None,
    category=None,
    school=None,
    graduation_year=None,
    station_slug=None,
) -> User:
    """Create a seeker account; raise ServiceError (with ``field``) on any bad value.

    Consent to the privacy notice is required and stored with its time and version.
    """
    if consent is not True:
        raise ServiceError("consent_required", _("请阅读并同意隐私声明后再注册。"), field="consent")
    user = User(
        role=Role.SEEKER,
        name=_check_name(name),
        phone=normalize_phone(phone),
        email=normalize_email(email),
        category=_check_category(category),
        school=((school or "").strip()[:100] or None) if isinstance(school, (str, type(None))) else None,
        graduation_year=_check_graduation_year(graduation_year),
        station=station_by_slug(station_slug),
        consent_at=utcnow(),
        consent_version=current_app.config["PRIVACY_NOTICE_VERSION"],
    )
    user.set_password(check_password_rules(password))
    prospect = _prospect_with_phone(user.phone)
    if prospect is not None:
        return _claim_prospect(prospect, user)
    _ensure_unique_login(user.phone, user.email)
    db.session.add(user)
    db.session.flush()
    record("account.signup", user, actor=user)
    return user


def _prospect_with_phone(phone: str) -> User | None:
    return db.session.execute(
        db.select(User).filter(User.phone == phone, User.role == Role.SEEKER, User.prospect.is_(True))
    ).scalar_one_or_none()


def _claim_prospect(prospect: User, signup: User) -> User:
    """A prospect (from an outreach list) signs up: the same account, and so the same case, becomes theirs."""
    _ensure_unique_login(None, signup.email, exclude_id=prospect.id)
    for column in ("name", "email", "password_hash", "school", "graduation_year", "consent_at", "consent_version"):
        setattr(prospect, column, getattr(signup, column))
    if signup.category != SeekerCategory.OTHER or prospect.category is None:
        prospect.category = signup.category
    prospect.station = prospect.station or signup.station
    prospect.prospect = False
    db.session.flush()
    record("account.signup", prospect, actor=prospect, from_prospect=True)
    return prospect


def _check_employer(role: Role, employer_id) -> int | None:
    """An ``employer`` account names an existing employer; no other role names one.

    (The employers table is looked up through the metadata: accounts sits below the employers feature.)
    """
    if role != Role.EMPLOYER:
        if employer_id not in (None, ""):
            raise ServiceError("invalid_field", _("只有用人单位账号可以绑定用人单位。"), field="employer")
        return None
    if isinstance(employer_id, bool) or not isinstance(employer_id, int):
        raise ServiceError("employer_required", _("用人单位账号必须绑定一个用人单位。"), field="employer")
    employers = db.metadata.tables["employers"]
    if not is_row_id(employer_id) or db.session.execute(
            db.select(employers.c.id).where(employers.c.id == employer_id)).first() is None:
        raise ServiceError("employer_not_found", _("找不到该用人单位。"), field="employer")
    return employer_id


def create_user(*, role, password, name=None, email=None, phone=None, station_slug=None, actor=None,
                employer_id=None) -> User:
    """Create any account (CLI, admin page, employers' pages). Staff other than admins need a station;
    an ``employer`` account needs ``employer_id`` and acts for that employer only."""
    try:
        role = Role(role)
    except ValueError:
        raise ServiceError("invalid_role", _("角色无效。"), field="role") from None
    email = normalize_email(email)
    phone = normalize_phone(phone) if phone else None
    if not email and not phone:
        raise ServiceError("login_required", _("请至少填写邮箱或手机号之一。"), field="email")
    station = station_by_slug(station_slug)
    if role in STAFF_ROLES and role != Role.ADMIN and station is None:
        raise ServiceError("station_required", _("工作人员账号必须属于一个乐业空间。"), field="station")
    employer_id = _check_employer(role, employer_id)
    user = User(
        role=role,
        employer_id=employer_id,
        name=_check_name(name or (email or phone).split("@")[0]),
        email=email,
        phone=phone,
        station=station,
        category=SeekerCategory.OTHER if role == Role.SEEKER else None,
    )
    user.set_password(check_password_rules(password))
    _ensure_unique_login(phone, email)
    db.session.add(user)
    db.session.flush()
    record("account.create", user, actor=actor, role=role.value)
    return user


def find_by_login(login: str | None) -> User | None:
    """The account whose email or mobile number is ``login``."""
    login = (login or "").strip() if isinstance(login, str) else ""
    if not login:
        return None
    if "@" in login:
        return db.session.execute(db.select(User).filter_by(email=login.lower())).scalar_one_or_none()
    try:
        phone = normalize_phone(login)
    except ServiceError:
        return None
    return db.session.execute(db.select(User).filter_by(phone=phone)).scalar_one_or_none()


_DUMMY_HASH: list[str] = []


def _spend_password_check(password: str) -> None:
    """Check ``password`` against a throwaway hash, so a missing account costs the same time."""
    if not _DUMMY_HASH:
        _DUMMY_HASH.append(generate_password_hash(secrets.token_hex(16)))
    check_password_hash(_DUMMY_HASH[0], password)


def authenticate(login, password) -> User | None:
    """The active account matching ``login`` (email or phone) and ``password``, else None.

    Takes as long whether or not the account exists. After ``LOGIN_LOCKOUT_THRESHOLD`` wrong
    passwords in a row the account refuses every password for ``LOGIN_LOCKOUT_MINUTES``; the
    counts are changed on the session, so the caller commits on failure too.

    The account is read in a transaction that may write it (on SQLite one holding the write lock from
    the start: a read transaction cannot take it later while another login writes, "database is locked").
    """
    password = password if isinstance(password, str) else ""
    begin_locking_transaction()
    user = find_by_login(login)
    if user is None:
        _spend_password_check(password)
        return None
    now = utcnow()
    if user.locked_until is not None and user.locked_until > now:
        _spend_password_check(password)
        return None
    if not user.check_password(password):
        user.failed_logins = (user.failed_logins or 0) + 1
        if user.failed_logins >= current_app.config["LOGIN_LOCKOUT_THRESHOLD"]:
            user.locked_until = now + timedelta(minutes=current_app.config["LOGIN_LOCKOUT_MINUTES"])
            user.failed_logins = 0
            record("account.locked", user)
        return None
    if not user.active:
        return None
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    return user


def change_password(user: User, current_password: str, new_password: str) -> None:
    """Set a new password; every other login session and every API token of the account ends."""
    if not user.check_password(current_password or ""):
        raise ServiceError("wrong_password", _("当前密码不正确。"), field="current_password")
    user.set_password(check_password_rules(new_password))
    end_other_sessions(user, revoke_tokens=True)
    record("account.password_change", user, actor=user)


def set_active(user: User, active: bool, *, actor: User) -> None:
    """Enable or disable an account (admin page); disabling ends its sessions and tokens."""
    user.active = active
    if not active:
        end_all_sessions(user)
    record("account.enable" if active else "account.disable", user, actor=actor)


def issue_token(user: User, label: str = "", *, days: int | None = None) -> str:
    """Create an API token for ``user`` and return it in clear; only its hash is kept.

    It expires after ``days`` (default ``API_TOKEN_DAYS``).
    """
    days = days or current_app.config["API_TOKEN_DAYS"]
    token = secrets.token_urlsafe(32)
    db.session.add(ApiToken(user=user, token_hash=hash_token(token), label=(label or "")[:100],
                            expires_at=utcnow() + timedelta(days=days)))
    record("token.issue", user, actor=user, label=label or "")
    return token


def create_walk_in_seeker(*, name, phone, category=None, actor: User, station=None) -> User:
    """A seeker account made by door staff for someone who walked in (consent given in person).

    The account has a random password; the person can claim it later by resetting it.
    """
    user = User(
        role=Role.SEEKER,
        name=_check_name(name),
        phone=normalize_phone(phone),
        category=_check_category(category),
        station=station,
        consent_at=utcnow(),
        consent_version=current_app.config["PRIVACY_NOTICE_VERSION"] + "-in-person",
    )
    user.set_password(secrets.token_urlsafe(24))
    _ensure_unique_login(user.phone, None)
    db.session.add(user)
    db.session.flush()
    record("account.walk_in", user, actor=actor, station_id=getattr(station, "id", None))
    return user
