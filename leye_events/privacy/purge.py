"""Retention: remove what has outlived its purpose (``flask privacy purge``).

Each step is idempotent and commits on its own, so the command is safe to run from cron as often
as wanted (a second run finds nothing left to do) and an interrupted run loses nothing. Periods
come from the configuration (``RETENTION_*_DAYS``, days; 0 switches a step off).
"""
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func

from ..accounts.models import User
from ..audit.models import AUDIT_MIN_RETENTION_DAYS, AuditEntry
from ..cases.models import Case, CaseEntry, CaseStatus
from ..checkin.models import CheckIn
from ..core.timeutil import utcnow
from ..events.models import Event, EventStatus
from ..extensions import db
from ..outreach.models import Prospect
from .services import erase_prospect

SETTINGS = {
    "prospects": "RETENTION_PROSPECT_DAYS",
    "closed_cases": "RETENTION_CLOSED_CASE_DAYS",
    "audit_entries": "RETENTION_AUDIT_DAYS",
    "cancelled_event_checkins": "RETENTION_CANCELLED_EVENT_CHECKIN_DAYS",
}


@dataclass
class StepResult:
    name: str
    days: int
    count: int | None  # None: skipped
    note: str = ""


class RetentionError(ValueError):
    """A retention period the law or the database does not allow."""


def retention_days(config, step: str) -> int:
    """The configured period of ``step`` in days; the audit log keeps at least six months."""
    value = config.get(SETTINGS[step], 0)
    try:
        days = int(value)
    except (TypeError, ValueError):
        raise RetentionError(f"{SETTINGS[step]} must be a whole number of days, not {value!r}") from None
    if days < 0:
        raise RetentionError(f"{SETTINGS[step]} must not be negative")
    if step == "audit_entries" and 0 < days < AUDIT_MIN_RETENTION_DAYS:
        raise RetentionError(f"{SETTINGS[step]} must be at least {AUDIT_MIN_RETENTION_DAYS} days")
    return days


def purge(config, *, dry_run: bool = False, now=None) -> list[StepResult]:
    """Run every retention step; return what each removed (or would remove, with ``dry_run``)."""
    now = now or utcnow()
    steps = (("prospects", _prospects), ("closed_cases", _closed_cases),
             ("audit_entries", _audit_entries), ("cancelled_event_checkins", _cancelled_event_checkins))
    periods = {name: retention_days(config, name) for name, _step in steps}  # all checked before any change
    results = []
    for name, step in steps:
        days = periods[name]
        if days == 0:
            results.append(StepResult(name, 0, None, "off"))
            continue
        result = step(now - timedelta(days=days), dry_run)
        result = result if isinstance(result, StepResult) else StepResult(name, days, result)
        result.days = days
        if dry_run:
            db.session.rollback()
        else:
            db.session.commit()
        results.append(result)
    return results


def _prospects(cutoff, dry_run: bool) -> int:
    """Outreach prospects listed before ``cutoff`` who never signed up are erased like a deletion
    (their case stays anonymous; contact notes and the list's remarks go)."""
    prospects = db.session.execute(
        db.select(Prospect).join(User, User.id == Prospect.seeker_id)
        .filter(User.prospect.is_(True), User.erased_at.is_(None), Prospect.created_at < cutoff)
    ).scalars().all()
    if not dry_run:
        for prospect in prospects:
            erase_prospect(prospect.seeker)
    return len(prospects)


def _closed_cases(cutoff, dry_run: bool) -> int:
    """Cases closed before ``cutoff`` lose their narrative: the plan, the status reason and the text
    of every entry. The entries stay (kind, time, event, station) so past figures do not change."""
    with_text = (db.select(CaseEntry.case_id).filter(CaseEntry.body != "")).subquery()
    cases = db.select(Case.id).filter(
        Case.status == CaseStatus.CLOSED, Case.updated_at < cutoff,
        (Case.plan != "") | Case.status_reason.is_not(None) | Case.id.in_(db.select(with_text.c.case_id)),
    )
    ids = db.session.execute(cases).scalars().all()
    if ids and not dry_run:
        db.session.execute(db.update(CaseEntry).where(CaseEntry.case_id.in_(ids)).values(body=""))
        # Keep updated_at: the case did not change for its owners, and the next run skips it anyway.
        db.session.execute(db.update(Case).where(Case.id.in_(ids))
                           .values(plan="", status_reason=None, updated_at=Case.updated_at))
    return len(ids)


def _audit_entries(cutoff, dry_run: bool) -> int:
    """Audit entries older than ``cutoff`` are deleted (the PostgreSQL trigger allows nothing younger
    than six months, whatever the configuration)."""
    old = AuditEntry.at < cutoff
    if dry_run:
        return db.session.execute(db.select(func.count()).select_from(AuditEntry).filter(old)).scalar_one()
    return db.session.execute(db.delete(AuditEntry).where(old)).rowcount or 0


def _cancelled_event_checkins(cutoff, dry_run: bool) -> int:
    """The check-in log of events cancelled before ``cutoff`` is deleted. Attendance entries on
    cases stay (they no longer point at the log row), so served-people figures do not change."""
    events = db.select(Event.id).filter(Event.status == EventStatus.CANCELLED, Event.cancelled_at < cutoff)
    checkins = db.select(CheckIn.id).filter(CheckIn.event_id.in_(events))
    if dry_run:
        return db.session.execute(db.select(func.count()).select_from(checkins.subquery())).scalar_one()
    db.session.execute(db.update(CaseEntry).where(CaseEntry.checkin_id.in_(checkins)).values(checkin_id=None))
    return db.session.execute(db.delete(CheckIn).where(CheckIn.event_id.in_(events))).rowcount or 0
