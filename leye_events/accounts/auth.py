"""Who is asking: web sessions (Flask-Login) and API bearer tokens, plus role checks."""
from functools import wraps

from flask import Flask, abort, g, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user

from ..core.db import begin_locking_transaction
from ..extensions import db, login_manager
from .models import Role
from .services import user_for_token
from .sessions import start_login_session, user_for_login_id


def bearer_token_from_request() -> str | None:
    """The token of an ``Authorization: Bearer …`` header, if any."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("请先登录。")
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user(login_id: str):
        return user_for_login_id(login_id)

    @login_manager.request_loader
    def load_user_from_bearer(req):
        # Lets every URL the API hands out (tickets, exports) work with the same token.
        token = bearer_token_from_request()
        user = user_for_token(token) if token else None
        if user is not None:
            g.authenticated_by_token = True
        return user


def log_in(user, *, remember: bool = False) -> None:
    """Log ``user`` in on this browser: a new login session (committed here) in the cookies. Its
    transaction writes from the start (on SQLite it holds the write lock: concurrent logins queue)."""
    begin_locking_transaction()
    start_login_session(user, remember=remember, user_agent=request.user_agent.string)
    db.session.commit()
    login_user(user, remember=remember)


def roles_required(*roles: Role):
    """Web views: log in first, then 403 unless the account has one of ``roles``."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def can_manage_station(user, station_id: int | None) -> bool:
    """Organizers manage their own station's events; admins manage all."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.role == Role.ADMIN:
        return True
    return user.role == Role.ORGANIZER and station_id is not None and user.station_id == station_id


def is_staff_of_station(user, station_id: int | None) -> bool:
    """Any staff role of that station, or an admin."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.role == Role.ADMIN:
        return True
    return user.is_staff and station_id is not None and user.station_id == station_id
