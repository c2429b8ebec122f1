"""Reading the audit log (admins only). Nothing in the app changes or deletes its rows, except the
retention purge; on PostgreSQL a trigger enforces that (see ``audit.models``)."""
import re
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func

from ..accounts.models import User
from ..audit.models import AuditEntry
from ..audit.services import record
from ..core.errors import ServiceError
from ..core.timeutil import isoformat_local
from ..extensions import db

ACTION_PATTERN = re.compile(r"^[a-z_]+(\.[a-z_]+)*(\.\*)?$")
SUBJECT_PATTERN = re.compile(r"^([A-Za-z]{1,32})(?::([0-9]{1,10}))?$")
ACTION_MAX = 64


@dataclass
class AuditFilter:
    """``actor``: a user id; ``action``: exact (``case.view``) or a prefix (``case.*``);
    ``subject``: a target type with an optional id (``Case`` or ``Case:12``); ``start``/``end``: [start, end)."""

    actor: int | None = None
    action: str | None = None
    subject: str | None = None
    start: datetime | None = None
    end: datetime | None = None

    def as_details(self) -> dict:
        return {key: value for key, value in {
            "actor": self.actor, "action": self.action, "subject": self.subject,
            "from": isoformat_local(self.start), "to": isoformat_local(self.end),
        }.items() if value is not None}


def check_action(action: str | None) -> str | None:
    if action in (None, ""):
        return None
    if len(action) > ACTION_MAX or not ACTION_PATTERN.match(action):
        raise ServiceError("invalid_parameter", _("操作名称格式不正确，例如 case.view 或 case.*。"), field="action",
                           status=400)
    return action


def check_subject(subject: str | None) -> str | None:
    if subject in (None, ""):
        return None
    if not SUBJECT_PATTERN.match(subject):
        raise ServiceError("invalid_parameter", _("对象格式不正确，例如 Case 或 Case:12。"), field="subject",
                           status=400)
    return subject


def _filtered(filters: AuditFilter):
    query = db.select(AuditEntry)
    if filters.actor is not None:
        query = query.filter(AuditEntry.actor_id == filters.actor)
    if filters.action:
        if filters.action.endswith(".*"):
            prefix = filters.action[:-1]
            query = query.filter(func.substr(AuditEntry.action, 1, len(prefix)) == prefix)
        else:
            query = query.filter(AuditEntry.action == filters.action)
    if filters.subject:
        kind, target_id = SUBJECT_PATTERN.match(filters.subject).groups()
        query = query.filter(AuditEntry.target_type == kind)
        if target_id is not None:
            query = query.filter(AuditEntry.target_id == int(target_id))
    if filters.start is not None:
        query = query.filter(AuditEntry.at >= filters.start)
    if filters.end is not None:
        query = query.filter(AuditEntry.at < filters.end)
    return query


def search(filters: AuditFilter, *, page: int, per_page: int, viewer: User) -> tuple[list[AuditEntry], int]:
    """One page of matching entries, newest first, and the total. The search itself is audited."""
    query = _filtered(filters)
    total = db.session.scalar(db.select(func.count()).select_from(query.subquery()))
    entries = db.session.execute(
        query.options(db.joinedload(AuditEntry.actor))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(per_page).offset((page - 1) * per_page)
    ).scalars().all()
    record("audit.view", None, actor=viewer, filters=filters.as_details())
    return entries, total


def entry_json(entry: AuditEntry) -> dict:
    """An entry for the API: people appear by id and role only (the log holds no names)."""
    actor = entry.actor
    return {
        "id": entry.id,
        "at": isoformat_local(entry.at),
        "actor": None if actor is None else {"id": actor.id, "role": actor.role.value},
        "action": entry.action,
        "subject": {"type": entry.target_type or None, "id": entry.target_id},
        "station_id": entry.station_id,
        "details": entry.details or {},
    }
