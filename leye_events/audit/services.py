"""Writing audit entries. Callers commit together with the change they record."""
import re

from flask_babel import gettext as _

from ..core.errors import ServiceError
from ..core.masking import mask_email, mask_phone
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


_MOBILE = re.compile(r"(?<!\d)(?:\+?86[\s-]?)?1[3-9]\d{9}(?!\d)")
_ID_NUMBER = re.compile(r"(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def scrub_text(text: str) -> str:
    """``text`` with mobile numbers, e-mail addresses and ID numbers masked (names cannot be
    recognised: pass people as ids, never as names)."""
    text = _ID_NUMBER.sub(lambda m: m.group()[:3] + "*" * 13 + m.group()[-2:], text)
    text = _MOBILE.sub(lambda m: mask_phone(re.sub(r"\D", "", m.group())[-11:]), text)
    return _EMAIL.sub(lambda m: mask_email(m.group()), text)


def scrub(value):
    """``value`` (details of an entry: nested dicts, lists, strings) with ``scrub_text`` applied."""
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, dict):
        return {key: scrub(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [scrub(item) for item in value]
    return value


def record(action: str, target=None, *, actor=None, station_id=None, **details) -> AuditEntry:
    """Add an audit entry for ``action`` on ``target`` to the current transaction.

    ``actor`` defaults to nobody; pass the acting user explicitly from services. Details are kept
    without plain personal data: typed text (a reason, a search) has phone numbers, e-mail addresses
    and ID numbers masked, because the log outlives the people in it and cannot be edited.
    """
    entry = AuditEntry(
        action=action,
        target_type=type(target).__name__ if target is not None else "",
        target_id=getattr(target, "id", None),
        actor_id=getattr(actor, "id", None),
        station_id=station_id if station_id is not None else getattr(target, "station_id", None),
        details=scrub(details),
    )
    db.session.add(entry)
    return entry
