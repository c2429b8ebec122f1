"""Accounts in the API: bearer tokens, seeker sign-up, the caller's profile."""
from flask import current_app, jsonify
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from ..accounts import services as accounts
from ..core.errors import Conflict, ServiceError
from ..extensions import db, limiter
from . import bp
from . import parsing as p
from .auth import api_user
from .serializers import profile_json


def _token_limit() -> str:
    return current_app.config["RATELIMIT_TOKEN"]


def _signup_limit() -> str:
    return current_app.config["RATELIMIT_SIGNUP"]


@bp.post("/auth/token")
@limiter.limit(_token_limit)
def create_token():
    """Exchange a login (email or mobile number) and password for a bearer token."""
    body = p.json_body()
    login = p.text(body, "login", required=True)
    password = p.text(body, "password", required=True)
    label = p.text(body, "label")
    user = accounts.authenticate(login, password)
    db.session.commit()  # failed-login count or lockout
    if user is None:
        raise ServiceError("invalid_credentials", _("账号或密码不正确。"), status=401)
    token = accounts.issue_token(user, label if isinstance(label, str) else "api")
    db.session.commit()
    return jsonify({"token": token})


@bp.post("/seekers")
@limiter.limit(_signup_limit)
def sign_up_seeker():
    """Create a seeker account; answers its profile and a bearer token."""
    body = p.json_body()
    values = {
        "name": p.text(body, "name", required=True),
        "phone": p.text(body, "phone", required=True),
        "password": p.text(body, "password", required=True),
        "email": p.text(body, "email"),
        "category": p.text(body, "category"),
        "school": p.text(body, "school"),
        "graduation_year": p.integer(body, "graduation_year", nullable=True),
        "station_slug": p.text(body, "station"),
        "consent": p.boolean(body, "consent", nullable=True),
    }
    values = {key: (None if value is p.MISSING else value) for key, value in values.items()}
    values["category"] = p.category_code(values["category"])
    user = accounts.signup_seeker(**values)
    token = accounts.issue_token(user, "signup")
    profile = profile_json(user)  # before the commit: it makes the calendar feed's token
    try:
        db.session.commit()
    except IntegrityError:  # the same phone or email signed up at the same moment
        db.session.rollback()
        raise Conflict("phone_taken", _("该手机号或邮箱已注册，请直接登录。"), field="phone") from None
    return jsonify({**profile, "token": token}), 201


@bp.get("/me")
def me():
    """The caller's own profile."""
    profile = profile_json(api_user())
    db.session.commit()  # the calendar feed's token, made on first use
    return jsonify(profile)
