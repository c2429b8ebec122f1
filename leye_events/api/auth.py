"""API authentication: the caller's account from the bearer token (or, where a view allows it, the
browser's login session with its CSRF token), and role checks."""
from functools import wraps

from flask import current_app, g, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import BadRequest, Forbidden, Unauthorized

from ..accounts.auth import bearer_token_from_request
from ..accounts.models import Role
from ..accounts.services import user_for_token
from ..extensions import csrf

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def api_user(optional: bool = False, *, allow_session: bool = False):
    """The account behind the request's bearer token; 401 without a valid one unless ``optional``.

    With ``allow_session`` and no ``Authorization`` header, a logged-in browser session counts too
    (the door page); its writes must carry the CSRF token (``X-CSRFToken``), else 400 ``csrf_failed``.
    """
    if "api_user" not in g:
        token = bearer_token_from_request()
        g.api_user = user_for_token(token) if token else None
        g.api_via_session = False
        if token is None and allow_session and current_user.is_authenticated:
            _check_csrf()
            g.api_user = current_user._get_current_object()
            g.api_via_session = True
    if g.api_user is None and not optional:
        raise Unauthorized(_("需要有效的访问令牌（Authorization: Bearer …）。"))
    return g.api_user


def via_session() -> bool:
    """Whether the caller was authenticated by a browser session rather than a bearer token."""
    return bool(g.get("api_via_session"))


def _check_csrf() -> None:
    if request.method in SAFE_METHODS or not current_app.config.get("WTF_CSRF_ENABLED", True):
        return
    try:
        csrf.protect()
    except CSRFError:
        error = BadRequest(_("页面已过期，请刷新后重试。"))
        error.api_code = "csrf_failed"
        raise error from None


def require_roles(*roles: Role, allow_session: bool = False):
    """Decorator: 401 without a token (or, with ``allow_session``, a login session), 403 unless the
    account has one of ``roles``."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            user = api_user(allow_session=allow_session)
            if user.role not in roles:
                raise Forbidden(_("您的角色无权执行此操作。"))
            return view(*args, **kwargs)

        return wrapped

    return decorator
