"""Web login sessions and API tokens that can be ended: logout, password change, revocation.

A login makes a ``LoginSession`` row whose secret travels in the session cookie and the remember-me
cookie (through ``User.get_id()``). A request is logged in only while that row exists and has not
expired, so logging out, changing the password or revoking ends copied cookies too. Callers commit.
"""
import functools
import secrets
import time
from datetime import timedelta

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..audit.services import record
from ..core.db import attach_as_loaded
from ..core.timeutil import utcnow
from ..extensions import db
from .models import ApiToken, LoginSession, User, hash_token


def start_login_session(user: User, *, remember: bool, user_agent: str = "") -> None:
    """Open a login session for ``user`` and attach its secret, before ``login_user(user)``."""
    now = utcnow()
    days = current_app.config["LOGIN_SESSION_REMEMBER_DAYS" if remember else "LOGIN_SESSION_DAYS"]
    secret = secrets.token_urlsafe(32)
    db.session.execute(db.delete(LoginSession).where(LoginSession.user_id == user.id,
                                                     LoginSession.expires_at < now))
    db.session.add(LoginSession(user_id=user.id, secret_hash=hash_token(secret), created_at=now,
                                expires_at=now + timedelta(days=days), user_agent=(user_agent or "")[:200]))
    user.login_session_secret = secret


def user_for_login_id(login_id: str) -> User | None:
    """The active account whose live login session ``login_id`` (``"<user id>:<secret>"``) names."""
    user_id, _, secret = (login_id or "").partition(":")
    if not user_id.isdigit() or not secret or len(secret) > 100:
        return None
    user = db.session.execute(_live_session_user(), {
        "secret_hash": hash_token(secret), "user_id": int(user_id), "now": utcnow()}).scalar_one_or_none()
    if user is None or not user.active:
        return None
    user.login_session_secret = secret
    return user


@functools.cache
def _live_session_user():
    """The account of a login session alive at ``now``, by its secret's hash and account id. Built once:
    every logged-in request runs it, and building it anew cost more CPU than running it (~0.2 ms)."""
    return db.select(User).join(LoginSession, LoginSession.user_id == User.id).where(
        LoginSession.secret_hash == db.bindparam("secret_hash"),
        LoginSession.user_id == db.bindparam("user_id"),
        LoginSession.expires_at > db.bindparam("now"),
    )


# API tokens resolved lately in this worker: token hash → (monotonic deadline, the account's column
# values). A hit costs no query; a revocation elsewhere bites when the entry's deadline passes
# (``API_TOKEN_CACHE_SECONDS``), a revocation in this worker at once (``forget_cached_tokens``). So does a
# change of an account: here at once, in other workers within the same seconds.
_token_cache: dict[str, tuple[float, dict]] = {}
_TOKEN_CACHE_MAX = 1_000  # an entry lives seconds: far more than a station's door devices, and a rush of
# seekers' one-off tokens (each used once) cannot grow a worker's memory past ~1 MiB
_USER_COLUMNS = [column.key for column in User.__table__.columns]


def user_for_token(token: str) -> User | None:
    """The active account owning the unexpired ``token``, else None.

    Cached per worker for ``API_TOKEN_CACHE_SECONDS`` (never past the token's own expiry): the account
    then joins the request's database session without a query."""
    if not token or len(token) > 200:
        return None
    key = hash_token(token)
    cached = _token_cache.get(key)
    if cached is not None and cached[0] > time.monotonic():
        return _attached(cached[1])
    _token_cache.pop(key, None)
    now = utcnow()
    found = db.session.execute(
        db.select(User, ApiToken.expires_at).join(ApiToken, ApiToken.user_id == User.id)
        .filter(ApiToken.token_hash == key, ApiToken.expires_at > now)
    ).one_or_none()
    if found is None or not found[0].active:
        return None
    user, expires_at = found
    ttl = min(float(current_app.config.get("API_TOKEN_CACHE_SECONDS", 5)), (expires_at - now).total_seconds())
    if ttl > 0:
        if len(_token_cache) >= _TOKEN_CACHE_MAX:
            _drop_expired_tokens()
        _token_cache[key] = (time.monotonic() + ttl, {name: getattr(user, name) for name in _USER_COLUMNS})
    return user


def _drop_expired_tokens() -> None:
    """Make room in the token cache: drop the entries past their deadline, or all when none are."""
    now = time.monotonic()
    for key in [key for key, (deadline, _values) in _token_cache.items() if deadline <= now]:
        del _token_cache[key]
    if len(_token_cache) >= _TOKEN_CACHE_MAX:
        _token_cache.clear()


def _attached(values: dict) -> User:
    """The cached account as a persistent object of this request's session, loaded without SQL."""
    return attach_as_loaded(User(**values))


def forget_cached_tokens() -> None:
    """Drop this worker's token cache (after a revocation, logout everywhere, disabling)."""
    _token_cache.clear()


@event.listens_for(Session, "after_flush")
def _forget_changed_accounts(session, flush_context) -> None:
    """An account changed in this worker (profile, role, station) is read afresh at its next request."""
    if _token_cache and any(isinstance(row, User) for row in (*session.dirty, *session.deleted)):
        _token_cache.clear()


def end_login_session(user: User) -> None:
    """Log out: the current login session stops working everywhere, copied cookies included."""
    if user.login_session_secret:
        db.session.execute(db.delete(LoginSession).where(
            LoginSession.secret_hash == hash_token(user.login_session_secret)))
        user.login_session_secret = None


def end_other_sessions(user: User, *, revoke_tokens: bool) -> int:
    """End every login session of ``user`` but the current one (and every API token if asked).

    Returns how many sessions and tokens ended.
    """
    query = db.delete(LoginSession).where(LoginSession.user_id == user.id)
    if user.login_session_secret:
        query = query.where(LoginSession.secret_hash != hash_token(user.login_session_secret))
    ended = db.session.execute(query).rowcount or 0
    if revoke_tokens:
        forget_cached_tokens()
        ended += db.session.execute(db.delete(ApiToken).where(ApiToken.user_id == user.id)).rowcount or 0
    return ended


def end_all_sessions(user: User) -> None:
    """Every login session and API token of ``user`` stops working (deletion, disabling)."""
    user.login_session_secret = None
    forget_cached_tokens()
    db.session.execute(db.delete(LoginSession).where(LoginSession.user_id == user.id))
    db.session.execute(db.delete(ApiToken).where(ApiToken.user_id == user.id))


def tokens_of(user: User) -> list[ApiToken]:
    """The live API tokens of ``user``, newest first."""
    return list(db.session.execute(
        db.select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.expires_at > utcnow())
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    ).scalars())


def revoke_token(user: User, token_id: int) -> bool:
    """Delete one of ``user``'s tokens; False when it is not theirs (or gone)."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        return False
    db.session.delete(token)
    forget_cached_tokens()
    record("token.revoke", user, actor=user, label=token.label)
    return True
