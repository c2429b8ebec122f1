"""Writing audit entries. Callers commit together with the change they record."""
from flask_babel import gettext as _

from ..core.errors import ServiceError
from ..extensions import db
from .models import AuditEntry

MIN_REASON, MAX_REASON = 2, 200


class ReasonRequired(ServiceError):
    status = 422


def clean_reason(reason) -> str:
    """The typed reason for seeing personal data whole; 422 ``reason_required`` when missing or too
    short, ``reason_too_long`` past ``MAX_REASON`` characters."""
    text = " ".join(reason.replace("\x00", "").split()) if isinstance(reason, str) else ""
    if len(text) < MIN_REASON:
        raise ReasonRequired("reason_required", _("查看完整姓名和手机号须填写理由（至少 %(n)d 个字）。", n=MIN_REASON),
                             field="reason")
    if len(text) > MAX_REASON:
        raise ReasonRequired("reason_too_long", _("理由不能超过 %(n)d 个字。", n=MAX_REASON), field="reason")
    return text


def record(action: str, target=None, *, actor=None, station_id=None, **details) -> AuditEntry:
    """Add an audit entry for ``action`` on ``target`` to the current transaction.

    ``actor`` defaults to nobody; pass the acting user explicitly from services.
    """
    entry = AuditEntry(
        action=action,
        target_type=type(target).__name__ if target is not None else "",
        target_id=getattr(target, "id", None),
        actor_id=getattr(actor, "id", None),
        station_id=station_id if station_id is not None else getattr(target, "station_id", None),
        details=details,
    )
    db.session.add(entry)
    return entry
