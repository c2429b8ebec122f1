"""Accounts in the API: bearer tokens, seeker sign-up, the caller's profile."""
import secrets

from flask import current_app, jsonify, request
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from ..accounts import services as accounts
from ..core.db import unit_of_work
from ..core.errors import Conflict, ServiceError
from ..core.timeutil import utcnow
from ..extensions import limiter
from ..notifications import sms_codes
from . import bodies as p
from . import bp
from .auth import api_user
from .models import Profile, SeekerSignup, SignupResult, Token, TokenRequest
from .schema import PUBLIC, answers, declare
from .serializers import profile_json


def _token_limit() -> str:
    return current_app.config["RATELIMIT_TOKEN"]


def _signup_limit() -> str:
    return current_app.config["RATELIMIT_SIGNUP"]


@bp.post("/auth/token")
@limiter.limit(_token_limit)
@declare(json=TokenRequest, resp=answers(200, Token, "A new token", errors=(400, 401, 404, 429)),
         tags=["accounts"], security=PUBLIC, operation_id="createToken")
def create_token():
    """Exchange a login (email or mobile number) and password — or ``{phone, sms_code}`` — for a token."""
    body = request.context.json
    label = body.label
    if "sms_code" in body.model_fields_set:
        user = _user_by_sms_code(body)
    else:
        with unit_of_work():  # failed-login count or lockout
            user = accounts.authenticate(_required(body, "login"), _required(body, "password"))
    if user is None:
        raise ServiceError("invalid_credentials", _("账号或密码不正确。"), status=401)
    with unit_of_work():
        token = accounts.issue_token(user, label if isinstance(label, str) else "api")
    return jsonify({"token": token})


def _required(body, name: str) -> str:
    """A text field the operation cannot go without: 400 ``missing_field``, or ``invalid_field`` for null."""
    if name not in body.model_fields_set:
        raise p.missing_field(name)
    value = getattr(body, name)
    if value is None:
        raise p.invalid_field(name, _("此字段应为字符串。"))
    return value


def _spend_sms_code(body, *, spend: bool = True) -> str:
    """The phone whose code in ``body`` is right (and, with ``spend``, now spent); 401 ``invalid_code``
    otherwise."""
    with unit_of_work():  # a wrong guess counts even though the request fails
        phone = sms_codes.use_code(_required(body, "phone"), _required(body, "sms_code"), spend=spend)
    if phone is None:
        raise ServiceError("invalid_code", _("验证码不正确或已过期，请重新获取。"), field="sms_code", status=401)
    return phone


def _user_by_sms_code(body):
    """The account of the phone in ``body`` if its SMS code is right; ``no_account`` (404) before
    spending the code when the phone has no account (sign up with the code instead)."""
    phone_text = _required(body, "phone")
    user = accounts.find_by_login(phone_text)
    if user is None or not user.phone or user.prospect:  # a prospect signs up (with the code) first
        raise ServiceError("no_account", _("该手机号尚未注册，请先注册。"), field="phone", status=404)
    if _spend_sms_code(body) != user.phone or not user.active:
        return None
    user.last_login_at = utcnow()
    return user


@bp.post("/seekers")
@limiter.limit(_signup_limit)
@declare(json=SeekerSignup, resp=answers(201, SignupResult, "The new account's profile and a bearer token",
                                         errors=(400, 401, 409, 422, 429)),
         tags=["accounts"], security=PUBLIC, operation_id="signUpSeeker")
def sign_up_seeker():
    """Create a seeker account; answers its profile and a bearer token."""
    body = request.context.json
    sent = body.model_fields_set
    by_code = "sms_code" in sent and "password" not in sent
    values = {
        "name": _required(body, "name"),
        "phone": _required(body, "phone"),
        "password": secrets.token_urlsafe(24) if by_code else _required(body, "password"),
        "email": body.email,
        "category": body.category,
        "school": body.school,
        "graduation_year": body.graduation_year,
        "station_slug": body.station,
        "consent": body.consent,
    }
    if by_code:  # the code proves the phone; the password is random until the person sets one
        values["phone"] = _spend_sms_code(body, spend=False)
    try:
        with unit_of_work():
            user = accounts.signup_seeker(**values)
            if by_code and sms_codes.use_code(values["phone"], body.sms_code, lock=False) is None:
                # used by a concurrent request a moment ago
                raise ServiceError("invalid_code", _("验证码不正确或已过期，请重新获取。"), field="sms_code",
                                   status=401)
            token = accounts.issue_token(user, "signup")
            profile = profile_json(user)  # before the commit: it makes the calendar feed's token
    except IntegrityError:  # the same phone or email signed up at the same moment
        raise Conflict("phone_taken", _("该手机号或邮箱已注册，请直接登录。"), field="phone") from None
    return jsonify({**profile, "token": token}), 201


@bp.get("/me")
@declare(resp=answers(200, Profile, "Own profile, masked", errors=(401,)), tags=["accounts"],
         operation_id="getMe")
def me():
    """The caller's own profile."""
    with unit_of_work():  # the calendar feed's token, made on first use
        profile = profile_json(api_user())
    return jsonify(profile)
