"""Follow-up after an event: its no-shows and the calls to them, and notes to all its attendees."""
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func
from sqlalchemy.orm import joinedload, selectinload

from ..accounts.models import Role, User
from ..audit.services import record
from ..booking.models import Registration, RegistrationStatus
from ..checkin.attendance import attended_sessions
from ..core.db import get_row
from ..core.errors import Forbidden, NotFound, ServiceError
from ..core.timeutil import utcnow
from ..events.models import Event, EventSession, EventStatus
from ..extensions import db
from .access import may_follow_up
from .models import Case, CaseEntry, ContactResult, EntryKind
from .operations import NOTE_MAX, add_entry, case_for, clean_text
from .timeline import missed_sessions


@dataclass
class NoShow:
    registration: Registration
    missed: list[EventSession]
    calls: list[CaseEntry]
    case: Case | None


def no_shows(event: Event, now: datetime | None = None) -> list[NoShow]:
    """Confirmed registrations that missed at least one ended session, with the calls logged so far.

    Their cases are created if missing (the caller commits)."""
    now = now or utcnow()
    registrations = db.session.execute(
        db.select(Registration).filter(Registration.event_id == event.id,
                                       Registration.status == RegistrationStatus.CONFIRMED)
        .options(joinedload(Registration.seeker)).order_by(Registration.created_at)
    ).scalars().all()
    attended = attended_sessions([r.id for r in registrations])
    calls = db.session.execute(
        db.select(CaseEntry).filter(CaseEntry.event_id == event.id, CaseEntry.kind == EntryKind.NO_SHOW)
        .options(joinedload(CaseEntry.author)).order_by(CaseEntry.occurred_at)
    ).scalars().all()
    calls_by_registration: dict[int, list[CaseEntry]] = {}
    for call in calls:
        calls_by_registration.setdefault(call.registration_id, []).append(call)
    cases = {c.seeker_id: c for c in db.session.execute(
        db.select(Case).filter(Case.seeker_id.in_([r.seeker_id for r in registrations] or [0]))).scalars()}
    result = []
    for registration in registrations:
        missed = missed_sessions(registration, attended.get(registration.id, {}), now)
        if missed:
            case = cases.get(registration.seeker_id) or case_for(registration.seeker, station=event.station)
            result.append(NoShow(registration, missed, calls_by_registration.get(registration.id, []), case))
    return result


def log_follow_up(event: Event, registration_id, contact, *, actor: User, body="") -> CaseEntry:
    """One click on the follow-up list: 已致电 / 已留言 / 未接通, written on the seeker's case."""
    if not may_follow_up(actor, event):
        raise Forbidden("forbidden", _("您无权回访该活动的报名者。"))
    try:
        contact = ContactResult(contact)
    except ValueError:
        raise ServiceError("invalid_field", _("回访结果无效。"), field="contact") from None
    registration = get_row(Registration, registration_id)
    if registration is None or registration.event_id != event.id:
        raise NotFound("not_found", _("报名记录不存在。"))
    body = clean_text(body, "body", NOTE_MAX, required=False)
    case = case_for(registration.seeker, station=event.station)
    entry = add_entry(case, EntryKind.NO_SHOW, actor, body=body, contact=True, event_id=event.id,
                      registration_id=registration.id,
                      details={"contact": contact.value, "event_title": event.title})
    record("case.follow_up", case, actor=actor, station_id=event.station_id, event_id=event.id,
           contact=contact.value)
    return entry


def attendee_cases(event: Event) -> list[Case]:
    """The cases of everyone with an attendance at the event (not withdrawn)."""
    return db.session.execute(
        db.select(Case).join(CaseEntry, CaseEntry.case_id == Case.id)
        .filter(CaseEntry.event_id == event.id, CaseEntry.kind == EntryKind.ATTENDANCE,
                CaseEntry.withdrawn_at.is_(None))
        .group_by(Case.id).order_by(Case.id)
    ).scalars().all()


def note_to_attendees(event: Event, body, *, actor: User) -> int:
    """Write one note on the case of every attendee of the event at once; returns how many."""
    if not may_follow_up(actor, event):
        raise Forbidden("forbidden", _("您无权为该活动的参加者写服务记录。"))
    body = clean_text(body, "body", NOTE_MAX, required=True, label=_("请填写服务记录内容。"))
    cases = attendee_cases(event)
    for case in cases:
        add_entry(case, EntryKind.NOTE, actor, body=body, contact=True, event_id=event.id,
                  details={"event_title": event.title, "bulk": True})
    record("case.bulk_note", event, actor=actor, station_id=event.station_id, cases=len(cases))
    return len(cases)


def followup_events(user: User, now: datetime | None = None, days: int = 30) -> list[Event]:
    """Events of the user's station (all stations for admins) with a session ended in the last ``days``."""
    now = now or utcnow()
    ended = (db.select(EventSession.event_id, func.max(EventSession.ends_at).label("last_end"))
             .filter(EventSession.ends_at < now, EventSession.ends_at >= now - timedelta(days=days))
             .group_by(EventSession.event_id).subquery())
    query = (db.select(Event).join(ended, ended.c.event_id == Event.id)
             .filter(Event.status == EventStatus.PUBLISHED)
             .order_by(ended.c.last_end.desc(), Event.id)
             .options(selectinload(Event.sessions), joinedload(Event.station)))
    if user.role != Role.ADMIN:
        query = query.filter(Event.station_id == user.station_id)
    return db.session.execute(query).scalars().all()
