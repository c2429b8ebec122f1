"""Writing audit entries. Callers commit together with the change they record."""

from ..extensions import db
from .models import AuditEntry


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
