"""API authentication: the caller's account from the bearer token, and role checks."""
from functools import wraps

from flask import g
from flask_babel import gettext as _
from werkzeug.exceptions import Forbidden, Unauthorized

from ..accounts.auth import bearer_token_from_request
from ..accounts.models import Role
from ..accounts.services import user_for_token


def api_user(optional: bool = False):
    """The account behind the request's bearer token; 401 without a valid one unless ``optional``."""
    if "api_user" not in g:
        token = bearer_token_from_request()
        g.api_user = user_for_token(token) if token else None
    if g.api_user is None and not optional:
        raise Unauthorized(_("需要有效的访问令牌（Authorization: Bearer …）。"))
    return g.api_user


def require_roles(*roles: Role):
    """Decorator: 401 without a token, 403 unless the account has one of ``roles``."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            user = api_user()
            if user.role not in roles:
                raise Forbidden(_("您的角色无权执行此操作。"))
            return view(*args, **kwargs)

        return wrapped

    return decorator
