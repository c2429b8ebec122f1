"""One-time login codes by SMS: 6 digits, valid 5 minutes, used once, at most one a minute per phone.

The once-a-minute rule belongs to the codes themselves (``too_soon``, 429) and holds with the general
rate limiter off. Only an HMAC of the code is stored; five wrong guesses burn a code. Callers commit.
"""
import hashlib
import hmac
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _

from ..accounts.services import normalize_phone
from ..core.db import begin_locking_transaction
from ..core.errors import ServiceError
from ..core.timeutil import utcnow
from ..extensions import db
from .models import NotificationKind, SmsCode
from .services import send_sms_now
from .texts import login_code_text

CODE_LIFETIME = timedelta(minutes=5)
RESEND_INTERVAL = timedelta(minutes=1)
MAX_FAILED_TRIES = 5


def _digest(phone: str, code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode("utf-8")
    return hmac.new(key, f"{phone}:{code}".encode(), hashlib.sha256).hexdigest()


def _latest(phone: str) -> SmsCode | None:
    return db.session.execute(
        db.select(SmsCode).where(SmsCode.phone == phone).order_by(SmsCode.created_at.desc(), SmsCode.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def request_code(phone_text: str) -> str:
    """Make a code for the phone and queue the SMS (never held by quiet hours); returns the phone.

    Raises ``invalid_phone`` (422) or ``too_soon`` (429) when the last code is under a minute old.
    """
    phone = normalize_phone(phone_text)
    begin_locking_transaction()
    if db.engine.dialect.name == "postgresql":  # two requests for one phone queue here
        db.session.execute(db.text("SELECT pg_advisory_xact_lock(hashtext(:phone))"), {"phone": phone})
    now = utcnow()
    last = _latest(phone)
    if last is not None and now - last.created_at < RESEND_INTERVAL:
        raise ServiceError("too_soon", _("验证码已发送，请一分钟后再试。"), field="phone", status=429)
    code = f"{secrets.randbelow(10 ** 6):06d}"
    record = SmsCode(phone=phone, code_hash=_digest(phone, code), created_at=now, expires_at=now + CODE_LIFETIME)
    db.session.add(record)
    db.session.flush()
    send_sms_now(phone, NotificationKind.LOGIN_CODE, login_code_text(code), cause=f"login_code:{record.id}")
    return phone


def use_code(phone_text: str, code: str, *, spend: bool = True, lock: bool = True) -> str | None:
    """Spend the phone's latest code if ``code`` matches it and it is fresh and unused; returns the
    normalized phone, or None (a wrong guess counts against the code — commit either way).

    ``spend=False`` only checks (sign-up checks first, creates the account, then spends in the same
    transaction); ``lock=False`` when the caller's transaction already writes (SQLite holds its lock).
    """
    try:
        phone = normalize_phone(phone_text)
    except ServiceError:
        return None
    if not isinstance(code, str) or not code.strip().isdigit() or len(code.strip()) != 6:
        return None
    if lock:
        begin_locking_transaction()
    now = utcnow()
    record = _latest(phone)
    if record is None or record.used_at is not None or record.expires_at <= now:
        return None
    if record.failed_tries >= MAX_FAILED_TRIES:
        return None
    if not hmac.compare_digest(record.code_hash, _digest(phone, code.strip())):
        db.session.execute(db.update(SmsCode).where(SmsCode.id == record.id)
                           .values(failed_tries=SmsCode.failed_tries + 1))
        return None
    if not spend:
        return phone
    spent = db.session.execute(
        db.update(SmsCode).where(SmsCode.id == record.id, SmsCode.used_at.is_(None)).values(used_at=now)
    ).rowcount
    return phone if spent == 1 else None
