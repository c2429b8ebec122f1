"""The case's timeline (read model): stored entries plus what the booking and check-in tables say,
with the display titles of each kind of entry; and the seeker's own history."""
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload

from ..accounts.models import User
from ..booking.models import Registration, RegistrationStatus
from ..checkin.attendance import attended_sessions
from ..core.timeutil import utcnow
from ..events.models import Event, EventSession, EventStatus
from ..extensions import db
from .applications import application_entry_title
from .models import (
    CASE_STATUS_LABELS,
    CONTACT_RESULT_LABELS,
    REFERRAL_RESULT_LABELS,
    Case,
    CaseEntry,
    CaseStatus,
    ContactResult,
    EntryKind,
    ReferralResult,
)


@dataclass
class TimelineItem:
    kind: EntryKind
    at: datetime
    title: str
    body: str = ""
    author: User | None = None
    details: dict = field(default_factory=dict)
    entry: CaseEntry | None = None
    event: Event | None = None
    withdrawn_at: datetime | None = None
    derived: bool = False


def missed_sessions(registration: Registration, attended, now: datetime) -> list[EventSession]:
    """Sessions of a confirmed registration's event that have ended without a check-in (``attended``:
    the ids of the sessions it checked in to)."""
    if registration.status != RegistrationStatus.CONFIRMED or registration.event.status == EventStatus.CANCELLED:
        return []
    return [s for s in registration.event.sessions if s.ends_at < now and s.id not in attended]


def timeline(case: Case, *, include_notes: bool, now: datetime | None = None) -> list[TimelineItem]:
    """The case's history, newest first: stored entries plus registrations and no-shows read from
    the booking and check-in tables. Without ``include_notes`` (organizers), notes are left out and
    no entry carries the counselor's text."""
    now = now or utcnow()
    items: list[TimelineItem] = []
    entries = db.session.execute(
        db.select(CaseEntry).filter_by(case_id=case.id)
        .options(joinedload(CaseEntry.author), joinedload(CaseEntry.event))
    ).scalars().all()
    for entry in entries:
        if entry.kind == EntryKind.NOTE and not include_notes:
            continue
        items.append(TimelineItem(
            kind=entry.kind, at=entry.occurred_at, title=_entry_title(entry),
            body=entry.body if include_notes else "", author=entry.author, details=dict(entry.details or {}),
            entry=entry, event=entry.event, withdrawn_at=entry.withdrawn_at,
        ))
    registrations = db.session.execute(
        db.select(Registration).filter_by(seeker_id=case.seeker_id)
        .options(selectinload(Registration.event).selectinload(Event.sessions))
    ).scalars().all()
    attended = attended_sessions([r.id for r in registrations])
    for registration in registrations:
        event = registration.event
        status = registration.status_label
        if registration.walk_in:
            status += " · " + _("现场报名")
        items.append(TimelineItem(
            kind=EntryKind.REGISTRATION, at=registration.created_at, title=_("报名：%(title)s", title=event.title),
            details={"status": registration.status.value, "status_label": status,
                     "walk_in": bool(registration.walk_in)},
            event=event, derived=True,
        ))
        for session in missed_sessions(registration, attended.get(registration.id, {}), now):
            label = event.title + (f" · {session.title}" if session.title and len(event.sessions) > 1 else "")
            items.append(TimelineItem(
                kind=EntryKind.NO_SHOW, at=session.ends_at, title=_("未到场：%(title)s", title=label),
                details={"session_id": session.id}, event=event, derived=True,
            ))
    items.sort(key=lambda item: item.at, reverse=True)
    return items


def _entry_title(entry: CaseEntry) -> str:
    details = entry.details or {}
    if entry.kind == EntryKind.ATTENDANCE:
        title = details.get("event_title") or (entry.event.title if entry.event else "")
        if details.get("session_title"):
            title += " · " + details["session_title"]
        if details.get("method") == "online":
            return _("线上参加：%(title)s", title=title)
        return _("参加：%(title)s", title=title)
    if entry.kind == EntryKind.NO_SHOW:
        contact = details.get("contact")
        label = str(CONTACT_RESULT_LABELS[ContactResult(contact)]) if contact in ContactResult.values() else ""
        return _("未到场回访（%(result)s）：%(title)s", result=label, title=details.get("event_title", ""))
    if entry.kind == EntryKind.REFERRAL:
        what = details.get("employer", "") + (f" · {details['post']}" if details.get("post") else "")
        if details.get("update"):
            result = details.get("result")
            label = str(REFERRAL_RESULT_LABELS[ReferralResult(result)]) if result in ReferralResult.values() else ""
            return _("推荐结果（%(result)s）：%(what)s", result=label, what=what)
        return _("推荐岗位：%(what)s", what=what)
    if entry.kind == EntryKind.OUTCOME:
        what = details.get("employer", "") + (f" · {details['post']}" if details.get("post") else "")
        return _("就业：%(what)s，%(date)s 入职", what=what, date=details.get("start_date", ""))
    if entry.kind == EntryKind.STATUS_CHANGE:
        to = details.get("to")
        label = str(CASE_STATUS_LABELS[CaseStatus(to)]) if to in CaseStatus.values() else ""
        return _("状态改为：%(status)s", status=label)
    if entry.kind == EntryKind.NOTE and details.get("event_title"):
        return _("服务记录（%(title)s）", title=details["event_title"])
    if entry.kind == EntryKind.APPLICATION:
        return application_entry_title(entry)
    return entry.kind_label


def seeker_history(seeker: User) -> list[CaseEntry]:
    """The seeker's attendances (events and modules they came to), newest first. No counselor notes."""
    return db.session.execute(
        db.select(CaseEntry).join(Case, Case.id == CaseEntry.case_id)
        .filter(Case.seeker_id == seeker.id, CaseEntry.kind == EntryKind.ATTENDANCE,
                CaseEntry.withdrawn_at.is_(None))
        .options(joinedload(CaseEntry.event).joinedload(Event.station), joinedload(CaseEntry.session))
        .order_by(CaseEntry.occurred_at.desc())
    ).scalars().all()
