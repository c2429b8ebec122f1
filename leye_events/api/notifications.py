"""Notifications in the API: the inbox, message preferences, SMS login codes."""
from flask import current_app, jsonify, request
from flask_babel import gettext as _

from ..accounts.models import Role
from ..core.db import unit_of_work
from ..core.timeutil import isoformat_local
from ..extensions import limiter
from ..matching.services import update_profile
from ..notifications import services as notifications
from ..notifications import sms_codes
from . import bodies as p
from . import bp
from .auth import api_user
from .models import Profile
from .models_notify import PROFILE_FIELDS, Inbox, Notification, ProfileUpdate, SmsCodeRequest, SmsCodeSent
from .schema import PUBLIC, answers, body_values, declare
from .serializers import profile_json

INBOX_LIMIT = 100


def _sms_code_limit() -> str:
    return current_app.config["RATELIMIT_SMS_CODE"]


def notification_json(notification) -> dict:
    return {
        "id": notification.id,
        "kind": notification.kind.value,
        "title": notification.title,
        "body": notification.body,
        "event_id": notification.event_id,
        "created_at": isoformat_local(notification.created_at),
        "read_at": isoformat_local(notification.read_at),
    }


@bp.get("/me/notifications")
@declare(resp=answers(200, Inbox, "Inbox", errors=(401,)), tags=["notifications"],
         operation_id="listMyNotifications")
def my_notifications():
    """The caller's inbox, newest first (at most 100), with the unread count."""
    user = api_user()
    items = notifications.inbox(user, limit=INBOX_LIMIT)
    return jsonify({"notifications": [notification_json(n) for n in items],
                    "unread": notifications.unread_count(user)})


@bp.post("/me/notifications/<int:notification_id>/read")
@declare(resp=answers(200, Notification, "The message, read", errors=(401, 404)), tags=["notifications"],
         operation_id="readNotification")
def read_notification(notification_id: int):
    """Mark one inbox message read."""
    with unit_of_work():
        notification = notifications.mark_read(api_user(), p.check_id(notification_id))
    return jsonify(notification_json(notification))


@bp.patch("/me")
@declare(json=ProfileUpdate, resp=answers(200, Profile, "Own profile, masked", errors=(400, 401, 422)),
         tags=["accounts"], operation_id="updateMe")
def update_me():
    """Change the caller's message preferences (and a seeker's profile).

    ``{notify_sms?, notify_email?}`` and, for a seeker, the editable profile (what matching uses: education,
    skills, wished posts and places, salary wish)."""
    user = api_user()
    values = body_values(request.context.json)
    profile = {name: values.pop(name) for name in PROFILE_FIELDS if name in values}
    if profile and user.role != Role.SEEKER:
        raise p.invalid_field(sorted(profile)[0], _("不支持的字段。"))
    with unit_of_work():
        notifications.set_preferences(user, **values)
        if profile:
            update_profile(user, actor=user, **profile)
        profile = profile_json(user)
    return jsonify(profile)


@bp.post("/auth/sms-code")
@limiter.limit(_sms_code_limit)
@declare(json=SmsCodeRequest, resp=answers(202, SmsCodeSent, "Code queued for sending", errors=(400, 422, 429)),
         tags=["notifications"], security=PUBLIC, operation_id="sendSmsCode")
def send_sms_code():
    """Send a 6-digit login code to ``{phone}``; at most one a minute per phone (429 ``too_soon``).

    The code is valid 5 minutes, usable once, for `POST /auth/token` `{phone, sms_code}` or `POST /seekers`
    with `sms_code` instead of `password`. At most one code a minute per phone (429 `too_soon`, also with the
    rate limiter off); limited per address too."""
    with unit_of_work():
        sms_codes.request_code(request.context.json.phone)
    return jsonify({"sent": True, "expires_in": int(sms_codes.CODE_LIFETIME.total_seconds())}), 202
