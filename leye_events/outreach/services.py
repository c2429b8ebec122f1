"""The counselor's day: logging contacts, the call list, and counts per counselor and station.

The only place that writes contacts. Callers commit.
"""
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func
from sqlalchemy.orm import aliased

from ..accounts.models import Role, User
from ..audit.services import record
from ..cases.access import may_work_case
from ..cases.follow_up import followup_events, no_shows
from ..cases.models import Case, CaseEntry, CaseStatus, EntryKind
from ..cases.operations import case_for
from ..core.db import get_row
from ..core.errors import Forbidden, NotFound, ServiceError
from ..core.timeutil import to_local, utcnow
from ..extensions import db
from .models import CONTACT_CHANNEL_LABELS, CONTACT_OUTCOME_LABELS, Contact, ContactChannel, ContactOutcome, Prospect

NOTE_MAX = 2000
NO_SHOW_DAYS = 14
CALL_LIST_MAX = 200
OPEN_STATUSES = (CaseStatus.ACTIVE, CaseStatus.PAUSED)


def _seeker_case(seeker_id, actor: User) -> Case:
    seeker = get_row(User, seeker_id)
    if seeker is None or seeker.role != Role.SEEKER:
        raise NotFound("not_found", _("求职者不存在。"))
    case = case_for(seeker)
    if not may_work_case(actor, case) or actor.role != Role.COUNSELOR:
        raise Forbidden("forbidden", _("只有本乐业空间的服务专员可以记录联系。"))
    return case


def _next_contact_on(value) -> date | None:
    if value is None:
        return None
    if not isinstance(value, date) or isinstance(value, datetime):
        raise ServiceError("invalid_field", _("下次联系日期无效。"), field="next_contact_on")
    today = to_local(utcnow()).date()
    if value < today or value > today + timedelta(days=366):
        raise ServiceError("invalid_field", _("下次联系日期须在今天到一年之内。"), field="next_contact_on")
    return value


def log_contact(seeker_id, *, actor: User, channel, result, note="", next_contact_on=None) -> Contact:
    """One tap on the call list: channel, result, note, next date; also written on the case's timeline."""
    case = _seeker_case(seeker_id, actor)
    try:
        channel = ContactChannel(channel)
    except ValueError:
        raise ServiceError("invalid_field", _("联系方式无效。"), field="channel") from None
    try:
        result = ContactOutcome(result)
    except ValueError:
        raise ServiceError("invalid_field", _("联系结果无效。"), field="result") from None
    note = (note or "").strip() if isinstance(note, str) else ""
    if len(note) > NOTE_MAX:
        raise ServiceError("invalid_field", _("备注过长（不超过 %(max)d 字）。", max=NOTE_MAX), field="note")
    now = utcnow()
    contact = Contact(case=case, author_id=actor.id, channel=channel, result=result, note=note,
                      next_contact_on=_next_contact_on(next_contact_on), occurred_at=now)
    db.session.add(contact)
    db.session.flush()
    title = f"{CONTACT_CHANNEL_LABELS[channel]} · {CONTACT_OUTCOME_LABELS[result]}"
    db.session.add(CaseEntry(case=case, kind=EntryKind.NOTE, author_id=actor.id, occurred_at=now, created_at=now,
                             body=f"{title}：{note}" if note else title,
                             details={"contact_id": contact.id, "channel": channel.value, "result": result.value,
                                      "next_contact_on": contact.next_contact_on.isoformat()
                                      if contact.next_contact_on else None}))
    if result == ContactOutcome.REACHED:
        case.last_contact_at = now
    record("outreach.contact", case, actor=actor, station_id=case.station_id, result=result.value)
    return contact


# --- the call list ----------------------------------------------------------------------------

@dataclass
class CallItem:
    case: Case
    reason: str  # never_contacted | due | no_show
    due_on: date
    last_contact: Contact | None
    detail: str = ""


def _latest_contacts(case_ids: list[int]) -> dict[int, Contact]:
    if not case_ids:
        return {}
    latest = (db.select(func.max(Contact.id)).filter(Contact.case_id.in_(case_ids))
              .group_by(Contact.case_id).scalar_subquery())
    return {c.case_id: c for c in db.session.execute(db.select(Contact).filter(Contact.id.in_(latest))).scalars()}


def _counselor_cases(actor: User):
    return (db.select(Case).filter(Case.station_id == actor.station_id, Case.status.in_(OPEN_STATUSES),
                                   (Case.counselor_id == actor.id) | Case.counselor_id.is_(None)))


def call_list(actor: User, now: datetime | None = None) -> list[CallItem]:
    """Due contacts for a counselor, oldest first (at most CALL_LIST_MAX).

    - prospects of the station never contacted;
    - people whose last contact set a next contact date that has come;
    - no-shows of the station's events of the last NO_SHOW_DAYS days not contacted since.
    Cases assigned to another counselor, and employed or closed cases, are left out.
    """
    if actor is None or actor.role != Role.COUNSELOR or actor.station_id is None:
        raise Forbidden("forbidden", _("只有乐业空间的服务专员有联系清单。"))
    now = now or utcnow()
    today = to_local(now).date()
    items: dict[int, CallItem] = {}
    never = (_counselor_cases(actor).join(User, User.id == Case.seeker_id).join(Prospect, Prospect.seeker_id == User.id)
             .filter(User.prospect.is_(True), ~db.select(Contact.id).filter(Contact.case_id == Case.id).exists()))
    for case in db.session.execute(never).scalars():
        items[case.id] = CallItem(case, "never_contacted", to_local(case.created_at).date(), None)
    later = aliased(Contact)
    due = (_counselor_cases(actor).join(Contact, Contact.case_id == Case.id)
           .filter(Contact.next_contact_on <= today,
                   ~db.select(later.id).filter(later.case_id == Case.id, later.id > Contact.id).exists()))
    latest = _latest_contacts([case.id for case in db.session.execute(due).scalars()])
    for case_id, contact in latest.items():
        items[case_id] = CallItem(contact.case, "due", contact.next_contact_on, contact)
    _add_no_shows(items, actor, now)
    return sorted(items.values(), key=lambda item: (item.due_on, item.case.id))[:CALL_LIST_MAX]


def _add_no_shows(items: dict[int, CallItem], actor: User, now: datetime) -> None:
    for event in followup_events(actor, now, days=NO_SHOW_DAYS):
        shows = [s for s in no_shows(event, now) if s.case is not None and s.case.id not in items
                 and s.case.status in OPEN_STATUSES and s.case.counselor_id in (None, actor.id) and not s.calls]
        latest = _latest_contacts([s.case.id for s in shows])
        for show in shows:
            missed_at = show.missed[-1].ends_at
            contact = latest.get(show.case.id)
            if contact is not None and contact.occurred_at >= missed_at:
                continue
            items[show.case.id] = CallItem(show.case, "no_show", to_local(missed_at).date(), contact,
                                           detail=event.title)


# --- counts -----------------------------------------------------------------------------------

@dataclass
class OutreachCounts:
    contacts: int = 0
    reached: int = 0
    prospects: int = 0
    signed_up: int = 0
    attended: int = 0
    employed: int = 0


def counts(station_id: int | None, start: datetime, end: datetime, *, counselor_id: int | None = None) -> OutreachCounts:
    """Contacts logged and people reached in [start, end); of the prospects imported before ``end``,
    how many signed up, attended an event, and got a job (by ``end``)."""
    result = OutreachCounts()
    contacts = db.select(Contact).join(Case, Case.id == Contact.case_id).filter(
        Contact.occurred_at >= start, Contact.occurred_at < end)
    if station_id is not None:
        contacts = contacts.filter(Case.station_id == station_id)
    if counselor_id is not None:
        contacts = contacts.filter(Contact.author_id == counselor_id)
    contacts = contacts.subquery()
    result.contacts, result.reached = db.session.execute(db.select(
        func.count(), func.count(func.distinct(contacts.c.case_id)).filter(contacts.c.result == ContactOutcome.REACHED)
    ).select_from(contacts)).one()
    prospects = (db.select(Case.id.label("case_id"), User.prospect, User.consent_at)
                 .join(User, User.id == Case.seeker_id).join(Prospect, Prospect.seeker_id == User.id)
                 .filter(Prospect.created_at < end))
    if station_id is not None:
        prospects = prospects.filter(Case.station_id == station_id)
    if counselor_id is not None:
        prospects = prospects.filter(Case.counselor_id == counselor_id)
    prospects = prospects.subquery()
    result.prospects, result.signed_up = db.session.execute(db.select(
        func.count(), func.count().filter(prospects.c.prospect.is_(False), prospects.c.consent_at < end)
    ).select_from(prospects)).one()
    for kind, name in ((EntryKind.ATTENDANCE, "attended"), (EntryKind.OUTCOME, "employed")):
        setattr(result, name, db.session.execute(
            db.select(func.count(func.distinct(CaseEntry.case_id)))
            .filter(CaseEntry.case_id.in_(db.select(prospects.c.case_id)), CaseEntry.kind == kind,
                    CaseEntry.withdrawn_at.is_(None), CaseEntry.occurred_at < end)).scalar_one())
    return result


def counts_per_counselor(station_id: int, start: datetime, end: datetime) -> list[tuple[User, OutreachCounts]]:
    """The station's counselors, each with their counts."""
    counselors = db.session.execute(db.select(User).filter(User.station_id == station_id,
                                                           User.role == Role.COUNSELOR).order_by(User.name)).scalars()
    return [(c, counts(station_id, start, end, counselor_id=c.id)) for c in counselors]
