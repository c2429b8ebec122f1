"""Notifications in the API: the inbox, message preferences, SMS login codes."""
from flask import current_app, jsonify
from flask_babel import gettext as _

from ..accounts.models import Role
from ..core.timeutil import isoformat_local
from ..extensions import db, limiter
from ..matching.services import update_profile
from ..notifications import services as notifications
from ..notifications import sms_codes
from . import bp
from . import parsing as p
from .auth import api_user
from .matching import profile_values
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
def my_notifications():
    """The caller's inbox, newest first, with the unread count."""
    user = api_user()
    items = notifications.inbox(user, limit=INBOX_LIMIT)
    return jsonify({"notifications": [notification_json(n) for n in items],
                    "unread": notifications.unread_count(user)})


@bp.post("/me/notifications/<int:notification_id>/read")
def read_notification(notification_id: int):
    """Mark one inbox message read."""
    notification = notifications.mark_read(api_user(), p.check_id(notification_id))
    db.session.commit()
    return jsonify(notification_json(notification))


PREFERENCE_FIELDS = ("notify_sms", "notify_email")
SEEKER_PROFILE_FIELDS = ("education", "skills", "wished_posts", "wished_places", "salary_wish")


@bp.patch("/me")
def update_me():
    """Change the caller's message preferences ``{notify_sms?, notify_email?}`` and, for a seeker, the
    editable profile (what matching uses: education, skills, wished posts and places, salary wish)."""
    user = api_user()
    body = p.json_body()
    allowed = PREFERENCE_FIELDS + (SEEKER_PROFILE_FIELDS if user.role == Role.SEEKER else ())
    unknown = sorted(set(body) - set(allowed))
    if unknown:
        raise p.invalid_field(unknown[0], _("不支持的字段。"))
    values = {name: p.boolean(body, name) for name in PREFERENCE_FIELDS}
    notifications.set_preferences(user, **{k: v for k, v in values.items() if v is not p.MISSING})
    if set(body) & set(SEEKER_PROFILE_FIELDS):
        update_profile(user, actor=user, **profile_values(body))
    profile = profile_json(user)
    db.session.commit()
    return jsonify(profile)


@bp.post("/auth/sms-code")
@limiter.limit(_sms_code_limit)
def send_sms_code():
    """Send a 6-digit login code to ``{phone}``; at most one a minute per phone (429 ``too_soon``)."""
    body = p.json_body()
    sms_codes.request_code(p.text(body, "phone", required=True, nullable=False))
    db.session.commit()
    return jsonify({"sent": True, "expires_in": int(sms_codes.CODE_LIFETIME.total_seconds())}), 202
