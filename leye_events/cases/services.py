"""Case rules: every seeker's case, its timeline, and the counselor's work on it.

The only place that changes cases, entries, referrals and outcomes (and the employers and posts a
counselor names on them by hand; ``employers`` keeps employers proper). Every change is audited;
so is every view of a case. Callers commit.

Who may do what:
- counselors see and work the cases of their station; admins all cases;
- organizers see the cases of their station without notes (and may not change them);
- door staff and seekers see no case (a seeker sees their own history through ``seeker_history``).
"""
import functools
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import and_, exists, func, or_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from ..accounts.models import Role, SeekerCategory, User
from ..audit.services import clean_reason, record
from ..booking.models import Registration, RegistrationStatus
from ..checkin.models import CheckIn
from ..core.errors import Forbidden, NotFound, ServiceError
from ..core.timeutil import utcnow
from ..events.models import Event, EventSession, EventStatus
from ..extensions import db
from .models import (
    CONTACT_RESULT_LABELS,
    Case,
    CaseEntry,
    CaseStatus,
    ConsentMethod,
    ContactResult,
    Employer,
    EntryKind,
    Outcome,
    Post,
    Referral,
    ReferralResult,
)
from .signals import referral_made

NOTE_MAX = 2000
REASON_MAX = 500
PLAN_MAX = 4000
NAME_MAX = 200
IDLE_DAYS = 30
CASE_VIEW_ROLES = (Role.COUNSELOR, Role.ORGANIZER, Role.ADMIN)
CASE_WORK_ROLES = (Role.COUNSELOR, Role.ADMIN)
# Entry kinds that count as the counselor being in touch (for "last contact").
CONTACT_KINDS = (EntryKind.NOTE, EntryKind.NO_SHOW, EntryKind.REFERRAL, EntryKind.OUTCOME)
# Entry kinds that count as a service to the seeker (for the figures).
SERVICE_KINDS = (EntryKind.ATTENDANCE, EntryKind.NOTE, EntryKind.NO_SHOW, EntryKind.REFERRAL, EntryKind.OUTCOME)


# --- access -----------------------------------------------------------------------------------

def may_view_case(user, case: Case) -> bool:
    """Counselors and organizers of the case's station, and admins."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.role == Role.ADMIN:
        return True
    return user.role in CASE_VIEW_ROLES and case.station_id is not None and user.station_id == case.station_id


def may_work_case(user, case: Case) -> bool:
    """Counselors of the case's station, and admins: notes, referrals, outcomes, status."""
    return may_view_case(user, case) and user.role in CASE_WORK_ROLES


def may_see_notes(user) -> bool:
    """Organizers see figures and attendance, not the counselor's notes."""
    return getattr(user, "role", None) in CASE_WORK_ROLES


def may_follow_up(user, event: Event) -> bool:
    """Counselors of the event's station (and admins) follow up on its no-shows."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.role == Role.ADMIN:
        return True
    return user.role == Role.COUNSELOR and user.station_id == event.station_id


def _require_work(user, case: Case) -> None:
    if not may_work_case(user, case):
        raise Forbidden("forbidden", _("您无权处理该服务档案。"))


# --- the case itself --------------------------------------------------------------------------

def case_for(seeker: User, *, station=None) -> Case:
    """The seeker's case, created on first need at their home station (``station`` when they have none).

    Safe when two transactions create it at once: the unique seeker column decides, and the loser
    reads the winner's row.
    """
    if seeker is None or seeker.role != Role.SEEKER:
        raise ServiceError("not_a_seeker", _("只有求职者有服务档案。"))
    case = _existing_case(seeker.id)
    station_id = seeker.station_id or getattr(station, "id", None)
    if case is not None:
        if case.station_id is None and station_id is not None:
            case.station_id = station_id
        return case
    case = Case(seeker_id=seeker.id, station_id=station_id, category=seeker.category or SeekerCategory.OTHER,
                status=CaseStatus.ACTIVE, plan="")
    try:
        with db.session.begin_nested():
            db.session.add(case)
            db.session.flush()
    except IntegrityError:
        case = _existing_case(seeker.id)
        if case is None:
            raise
    return case


def _existing_case(seeker_id: int) -> Case | None:
    return db.session.execute(db.select(Case).filter_by(seeker_id=seeker_id)).scalar_one_or_none()


def ensure_cases(station_id: int | None = None) -> int:
    """Create the missing cases of every seeker (of one station, if given); returns how many."""
    query = db.select(User).filter(User.role == Role.SEEKER, ~exists().where(Case.seeker_id == User.id))
    if station_id is not None:
        query = query.filter(User.station_id == station_id)
    seekers = db.session.execute(query).scalars().all()
    if not seekers:
        return 0
    try:
        with db.session.begin_nested():
            for seeker in seekers:
                db.session.add(Case(seeker_id=seeker.id, station_id=seeker.station_id,
                                    category=seeker.category or SeekerCategory.OTHER,
                                    status=CaseStatus.ACTIVE, plan=""))
            db.session.flush()
    except IntegrityError:  # someone else created some at the same moment; take them one by one
        for seeker in seekers:
            case_for(seeker)
    return len(seekers)


def seeker_or_404(seeker_id) -> User:
    seeker = db.session.get(User, seeker_id) if isinstance(seeker_id, int) else None
    if seeker is None or seeker.role != Role.SEEKER:
        raise NotFound("not_found", _("找不到该求职者。"))
    return seeker


def case_or_404(case_id) -> Case:
    case = db.session.get(Case, case_id) if isinstance(case_id, int) else None
    if case is None:
        raise NotFound("not_found", _("找不到该服务档案。"))
    return case


def open_case(case: Case, viewer: User) -> Case:
    """Authorize ``viewer`` to read ``case`` and audit the view; Forbidden otherwise."""
    if getattr(viewer, "role", None) not in CASE_VIEW_ROLES or not may_view_case(viewer, case):
        raise Forbidden("forbidden", _("您无权查看该服务档案。"))
    record("case.view", case, actor=viewer, station_id=case.station_id, seeker_id=case.seeker_id,
           notes=may_see_notes(viewer))
    return case


def reveal_phone(case: Case, viewer: User, reason) -> str:
    """The seeker's whole phone number for ``viewer``, who typed ``reason`` (audited with it).

    Anyone who may view the case may see the number once they say why; 422 ``reason_required``
    without a reason.
    """
    if not may_view_case(viewer, case):
        raise Forbidden("forbidden", _("您无权查看该服务档案。"))
    record("case.unmask", case, actor=viewer, station_id=case.station_id, seeker_id=case.seeker_id,
           reason=clean_reason(reason))
    return case.seeker.phone or ""


def open_case_of_seeker(seeker_id, viewer: User) -> Case:
    """The seeker's case for ``viewer`` (API): door staff and seekers get 403 before any lookup."""
    if getattr(viewer, "role", None) not in CASE_VIEW_ROLES:
        raise Forbidden("forbidden", _("您无权查看服务档案。"))
    seeker = seeker_or_404(seeker_id)
    return open_case(case_for(seeker), viewer)


def _clean_text(value, field: str, max_length: int, *, required: bool, label: str = "") -> str:
    value = value.replace("\x00", "").strip() if isinstance(value, str) else ""
    if required and not value:
        raise ServiceError("invalid_field", label or _("此项为必填项。"), field=field)
    if len(value) > max_length:
        raise ServiceError("invalid_field", _("内容过长（不超过 %(max)d 字）。", max=max_length), field=field)
    return value


def _entry(case: Case, kind: EntryKind, author, *, body: str = "", occurred_at: datetime | None = None,
           contact: bool = False, **columns) -> CaseEntry:
    now = utcnow()
    entry = CaseEntry(case=case, kind=kind, author_id=getattr(author, "id", None), body=body,
                      occurred_at=occurred_at or now, created_at=now, details=columns.pop("details", {}), **columns)
    db.session.add(entry)
    if contact:
        case.last_contact_at = now
    return entry


def update_case(case: Case, *, actor: User, plan=None, category=None, counselor_id=None) -> Case:
    """Change the action plan, the category or the assigned counselor (one of the station's)."""
    _require_work(actor, case)
    changes = {}
    if plan is not None:
        plan = _clean_text(plan, "plan", PLAN_MAX, required=False)
        if plan != case.plan:
            case.plan = plan
            changes["plan"] = True
    if category not in (None, ""):
        try:
            category = SeekerCategory(category)
        except ValueError:
            raise ServiceError("invalid_category", _("人员类别无效。"), field="category") from None
        if category != case.category:
            changes["category"] = [case.category.value, category.value]
            case.category = category
    if counselor_id is not None:
        if counselor_id in (0, ""):
            new = None
        else:
            new = db.session.get(User, counselor_id) if isinstance(counselor_id, int) else None
            if new is None or new.role != Role.COUNSELOR or new.station_id != case.station_id:
                raise ServiceError("invalid_counselor", _("只能指派本乐业空间的服务专员。"), field="counselor_id")
        if (new.id if new else None) != case.counselor_id:
            changes["counselor_id"] = [case.counselor_id, new.id if new else None]
            case.counselor = new
    if changes:
        record("case.update", case, actor=actor, station_id=case.station_id, **changes)
    return case


def change_status(case: Case, status, reason, *, actor: User) -> CaseEntry:
    """Move the case to ``status``; a reason is always required and kept on the timeline."""
    _require_work(actor, case)
    try:
        status = CaseStatus(status)
    except ValueError:
        raise ServiceError("invalid_status", _("状态无效。"), field="status") from None
    reason = _clean_text(reason, "reason", REASON_MAX, required=True, label=_("请填写变更原因。"))
    if status == case.status:
        raise ServiceError("same_status", _("档案已是该状态。"), field="status")
    previous = case.status
    case.status = status
    case.status_reason = reason
    entry = _entry(case, EntryKind.STATUS_CHANGE, actor, body=reason,
                   details={"from": previous.value, "to": status.value})
    record("case.status", case, actor=actor, station_id=case.station_id, from_status=previous.value,
           to_status=status.value, reason=reason)
    return entry


def add_note(case: Case, body, *, actor: User, event_id: int | None = None) -> CaseEntry:
    _require_work(actor, case)
    body = _clean_text(body, "body", NOTE_MAX, required=True, label=_("请填写服务记录内容。"))
    entry = _entry(case, EntryKind.NOTE, actor, body=body, contact=True, event_id=event_id)
    record("case.note", case, actor=actor, station_id=case.station_id)
    return entry


# --- employers and posts ----------------------------------------------------------------------

def find_or_create_post(employer_name, post_title, industry="") -> tuple[Employer, Post | None]:
    """The employer by name (created when new) and its post by title (created when new; None if blank)."""
    name = _clean_text(employer_name, "employer", NAME_MAX, required=True, label=_("请填写用人单位名称。"))
    title = _clean_text(post_title, "post", NAME_MAX, required=False)
    industry = _clean_text(industry, "industry", 100, required=False)
    employer = db.session.execute(db.select(Employer).filter_by(name=name)).scalar_one_or_none()
    if employer is None:
        employer = Employer(name=name, industry=industry)
        db.session.add(employer)
        db.session.flush()
    elif industry and not employer.industry:
        employer.industry = industry
    post = None
    if title:
        post = db.session.execute(db.select(Post).filter_by(employer_id=employer.id, title=title)).scalar_one_or_none()
        if post is None:
            post = Post(employer=employer, title=title)
            db.session.add(post)
            db.session.flush()
    return employer, post


def employers() -> list[Employer]:
    return db.session.execute(db.select(Employer).options(selectinload(Employer.posts))
                              .order_by(Employer.name)).scalars().all()


# --- referrals and outcomes -------------------------------------------------------------------

def add_referral(case: Case, *, actor: User, employer, post="", industry="", body="", consent=None) -> Referral:
    """Refer the seeker to an employer's post with the seeker's consent and how it was given
    (``consent_required`` without); the result starts as pending."""
    _require_work(actor, case)
    try:
        consent = ConsentMethod(consent)
    except ValueError:
        raise ServiceError("consent_required", _("推荐前须征得求职者同意，并注明同意方式（线上、口头或书面）。"),
                           field="consent") from None
    body = _clean_text(body, "body", NOTE_MAX, required=False)
    employer, post = find_or_create_post(employer, post, industry)
    referral = Referral(case=case, employer=employer, post=post, result=ReferralResult.PENDING,
                        created_by_id=actor.id)
    db.session.add(referral)
    db.session.flush()
    _entry(case, EntryKind.REFERRAL, actor, body=body, contact=True, referral_id=referral.id,
           details={**_referral_details(referral), "consent": consent.value})
    record("case.referral", case, actor=actor, station_id=case.station_id, referral_id=referral.id,
           consent=consent.value)
    referral_made.send(referral, consent=consent, actor=actor)
    return referral


def _referral_details(referral: Referral) -> dict:
    return {"employer": referral.employer.name, "post": referral.post.title if referral.post else "",
            "result": referral.result.value}


def set_referral_result(referral: Referral, result, *, actor: User, body="") -> CaseEntry:
    """Record what came of a referral: interviewed, hired or declined."""
    case = referral.case
    _require_work(actor, case)
    try:
        result = ReferralResult(result)
    except ValueError:
        raise ServiceError("invalid_result", _("推荐结果无效。"), field="result") from None
    if result == ReferralResult.PENDING:
        raise ServiceError("invalid_result", _("请选择面试、录用或未录用。"), field="result")
    body = _clean_text(body, "body", NOTE_MAX, required=False)
    referral.result = result
    entry = _entry(case, EntryKind.REFERRAL, actor, body=body, contact=True, referral_id=referral.id,
                   details={**_referral_details(referral), "update": True})
    record("case.referral_result", case, actor=actor, station_id=case.station_id, referral_id=referral.id,
           result=result.value)
    return entry


def referral_or_404(referral_id) -> Referral:
    referral = db.session.get(Referral, referral_id) if isinstance(referral_id, int) else None
    if referral is None:
        raise NotFound("not_found", _("推荐记录不存在。"))
    return referral


def record_outcome(case: Case, *, actor: User, employer, post="", industry="", start_date=None,
                   event_id=None, referral_id=None, body="") -> Outcome:
    """The seeker is employed: record employer, post and start date, and what led there.

    The case becomes ``employed``; a linked referral becomes ``hired``. ``event_id`` must be an
    event the seeker attended; ``referral_id`` one of this case's referrals.
    """
    _require_work(actor, case)
    if not isinstance(start_date, date):
        raise ServiceError("invalid_field", _("请填写入职日期。"), field="start_date")
    if start_date > date.today() + timedelta(days=366) or start_date.year < 2000:
        raise ServiceError("invalid_field", _("入职日期不合理。"), field="start_date")
    body = _clean_text(body, "body", NOTE_MAX, required=False)
    event = None
    if event_id not in (None, "", 0):
        event = db.session.get(Event, event_id) if isinstance(event_id, int) else None
        if event is None or event.id not in {e.id for e in attended_events(case)}:
            raise ServiceError("invalid_field", _("只能选择求职者参加过的活动。"), field="event_id")
    referral = None
    if referral_id not in (None, "", 0):
        referral = db.session.get(Referral, referral_id) if isinstance(referral_id, int) else None
        if referral is None or referral.case_id != case.id:
            raise ServiceError("invalid_field", _("只能选择本档案的岗位推荐。"), field="referral_id")
    employer, post = find_or_create_post(employer, post, industry)
    outcome = Outcome(case=case, employer=employer, post=post, start_date=start_date, event=event,
                      referral=referral, created_by_id=actor.id)
    db.session.add(outcome)
    db.session.flush()
    if referral is not None and referral.result != ReferralResult.HIRED:
        referral.result = ReferralResult.HIRED
    details = {"employer": employer.name, "post": post.title if post else "", "start_date": start_date.isoformat(),
               "event_id": event.id if event else None, "event_title": event.title if event else "",
               "referral_id": referral.id if referral else None}
    _entry(case, EntryKind.OUTCOME, actor, body=body, contact=True, outcome_id=outcome.id,
           event_id=event.id if event else None, referral_id=referral.id if referral else None, details=details)
    record("case.outcome", case, actor=actor, station_id=case.station_id, outcome_id=outcome.id)
    if case.status != CaseStatus.EMPLOYED:
        change_status(case, CaseStatus.EMPLOYED, _("已就业：%(employer)s", employer=employer.name), actor=actor)
    return outcome


# --- attendance, written by the check-in operation ---------------------------------------------

def record_attendance(checkin: CheckIn, facts: dict | None = None) -> CaseEntry | None:
    """Put a successful check-in on the seeker's case as a service record (same transaction).

    With ``facts`` (the check-in's fast path: seeker id, event and session titles, station) an
    existing case gets its entry in one ``INSERT … SELECT`` and nothing is loaded (a new case costs
    two statements more, as ``case_for`` would make it); None is then returned. Otherwise (no facts,
    a case without a station) the entry is built through the ORM."""
    if facts is not None and (_insert_attendance_entry(checkin, facts)
                              or (_insert_case(facts) and _insert_attendance_entry(checkin, facts))):
        return None
    registration = checkin.registration or (db.session.get(Registration, checkin.registration_id)
                                            if checkin.registration_id else None)
    if registration is None:
        return None
    event = db.session.get(Event, checkin.event_id)
    session = db.session.get(EventSession, checkin.session_id) if checkin.session_id else None
    seeker = registration.seeker or db.session.get(User, registration.seeker_id)
    case = case_for(seeker, station=event.station)
    staff = checkin.staff or db.session.get(User, checkin.staff_id)
    return _entry(
        case, EntryKind.ATTENDANCE, staff, occurred_at=checkin.scanned_at, event_id=event.id, session_id=session.id if session else None,
        registration_id=registration.id, checkin_id=checkin.id,
        details={
            "event_title": event.title, "event_kind": event.kind.value,
            "session_title": session.title if session else "",
            "station_id": event.station_id, "station_name": event.station.name if event.station else "",
            "method": checkin.method.value, "gate": checkin.gate or "",
        },
    )


def _insert_attendance_entry(checkin: CheckIn, facts: dict) -> bool:
    """The attendance entry on the seeker's existing case (one with a station), in one statement;
    False when there is no such case (``case_for`` then creates it)."""
    details = {"event_title": facts["event_title"], "event_kind": facts["event_kind"],
               "session_title": facts["session_title"], "station_id": facts["station_id"],
               "station_name": facts["station_name"], "method": checkin.method.value, "gate": checkin.gate or ""}
    values = {"kind": EntryKind.ATTENDANCE, "occurred_at": checkin.scanned_at, "created_at": utcnow(),
              "author_id": checkin.staff_id, "body": "", "details": details, "event_id": checkin.event_id,
              "session_id": checkin.session_id, "registration_id": checkin.registration_id,
              "checkin_id": checkin.id, "seeker_id": facts["seeker_id"]}
    return db.session.execute(_attendance_entry_statement(), values).first() is not None


_ENTRY_VALUES = ("kind", "occurred_at", "created_at", "author_id", "body", "details", "event_id", "session_id",
                 "registration_id", "checkin_id")


@functools.cache
def _attendance_entry_statement():
    """``INSERT INTO case_entries … SELECT …, cases.id FROM cases WHERE seeker_id = :seeker_id``, built once."""
    entries, cases = CaseEntry.__table__, Case.__table__
    columns = [db.bindparam(name, type_=entries.c[name].type).label(name) for name in _ENTRY_VALUES]
    return entries.insert().from_select(
        [*_ENTRY_VALUES, "case_id"],
        db.select(*columns, cases.c.id).where(cases.c.seeker_id == db.bindparam("seeker_id"),
                                              cases.c.station_id.is_not(None)),
    ).returning(entries.c.id)


def _insert_case(facts: dict) -> bool:
    """``case_for``'s new case in one statement; False when the seeker has one already."""
    from sqlalchemy.dialects import postgresql, sqlite

    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(Case.__table__).values(
        seeker_id=facts["seeker_id"], station_id=facts["seeker_station_id"] or facts["station_id"],
        category=facts["seeker_category"] or SeekerCategory.OTHER, status=CaseStatus.ACTIVE, plan="",
    ).on_conflict_do_nothing().returning(Case.__table__.c.id)
    return db.session.execute(statement).first() is not None


def withdraw_attendance(checkin: CheckIn) -> CaseEntry | None:
    """Mark the attendance entry of an undone check-in withdrawn (it stays on the record)."""
    entry = db.session.execute(db.select(CaseEntry).filter_by(checkin_id=checkin.id)).scalar_one_or_none()
    if entry is None or entry.withdrawn_at is not None:
        return entry
    entry.withdrawn_at = checkin.undone_at or utcnow()
    entry.withdrawn_by_id = checkin.undone_by_id
    return entry


def attended_events(case: Case) -> list[Event]:
    """Events with at least one attendance on the case (not withdrawn), newest first."""
    return db.session.execute(
        db.select(Event).join(CaseEntry, CaseEntry.event_id == Event.id)
        .filter(CaseEntry.case_id == case.id, CaseEntry.kind == EntryKind.ATTENDANCE,
                CaseEntry.withdrawn_at.is_(None))
        .group_by(Event.id).order_by(func.max(CaseEntry.occurred_at).desc())
    ).scalars().all()


# --- the timeline -----------------------------------------------------------------------------

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


def _ok_checkins_by_registration(registration_ids) -> dict[int, set[int]]:
    if not registration_ids:
        return {}
    rows = db.session.execute(
        db.select(CheckIn.registration_id, CheckIn.session_id).filter(
            CheckIn.registration_id.in_(registration_ids), CheckIn.admitted)
    ).all()
    attended: dict[int, set[int]] = {}
    for registration_id, session_id in rows:
        attended.setdefault(registration_id, set()).add(session_id)
    return attended


def missed_sessions(registration: Registration, attended: set[int], now: datetime) -> list[EventSession]:
    """Sessions of a confirmed registration's event that have ended without a check-in."""
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
    attended = _ok_checkins_by_registration([r.id for r in registrations])
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
        for session in missed_sessions(registration, attended.get(registration.id, set()), now):
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
        from .models import REFERRAL_RESULT_LABELS

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
        from .models import CASE_STATUS_LABELS

        to = details.get("to")
        label = str(CASE_STATUS_LABELS[CaseStatus(to)]) if to in CaseStatus.values() else ""
        return _("状态改为：%(status)s", status=label)
    if entry.kind == EntryKind.NOTE and details.get("event_title"):
        return _("服务记录（%(title)s）", title=details["event_title"])
    if entry.kind == EntryKind.APPLICATION:
        from .applications import application_entry_title

        return application_entry_title(entry)
    return entry.kind_label


# --- follow-up after an event -----------------------------------------------------------------

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
    attended = _ok_checkins_by_registration([r.id for r in registrations])
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
        missed = missed_sessions(registration, attended.get(registration.id, set()), now)
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
    registration = db.session.get(Registration, registration_id) if isinstance(registration_id, int) else None
    if registration is None or registration.event_id != event.id:
        raise NotFound("not_found", _("报名记录不存在。"))
    body = _clean_text(body, "body", NOTE_MAX, required=False)
    case = case_for(registration.seeker, station=event.station)
    entry = _entry(case, EntryKind.NO_SHOW, actor, body=body, contact=True, event_id=event.id,
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
    body = _clean_text(body, "body", NOTE_MAX, required=True, label=_("请填写服务记录内容。"))
    cases = attendee_cases(event)
    for case in cases:
        _entry(case, EntryKind.NOTE, actor, body=body, contact=True, event_id=event.id,
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


# --- caseload ---------------------------------------------------------------------------------

@dataclass
class CaseloadFilter:
    station_id: int | None = None
    category: str | None = None
    status: str | None = None
    contact: str | None = None  # "7" / "30": no contact within that many days; "never"
    idle: bool = False  # attended nothing in the last 30 days
    mine: bool = False
    q: str | None = None


@dataclass
class CaseRow:
    case: Case
    last_attendance_at: datetime | None


PAGE_SIZE = 50


def caseload(user: User, filters: CaseloadFilter, *, page: int = 1, now: datetime | None = None):
    """The cases a counselor (their station) or an admin (any, or one station) may work, filtered.

    Returns (rows, total). Missing cases are created first, so every seeker of the station shows.
    Every read is audited (the filters, never the search text: it may be a name or a phone).
    """
    if user.role not in CASE_WORK_ROLES:
        raise Forbidden("forbidden", _("只有服务专员可以查看服务对象名单。"))
    now = now or utcnow()
    station_id = user.station_id if user.role != Role.ADMIN else filters.station_id
    record("caseload.view", None, actor=user, station_id=station_id, page=page, searched=bool(filters.q),
           category=(filters.category or "")[:40], status=(filters.status or "")[:40])
    ensure_cases(station_id)
    last_attendance = (
        db.select(func.max(CaseEntry.occurred_at))
        .where(CaseEntry.case_id == Case.id, CaseEntry.kind == EntryKind.ATTENDANCE,
               CaseEntry.withdrawn_at.is_(None))
        .correlate(Case).scalar_subquery()
    )
    query = db.select(Case, last_attendance).join(User, User.id == Case.seeker_id)
    if station_id is not None:
        query = query.filter(Case.station_id == station_id)
    if filters.category in SeekerCategory.values():
        query = query.filter(Case.category == filters.category)
    if filters.status in CaseStatus.values():
        query = query.filter(Case.status == filters.status)
    if filters.contact == "never":
        query = query.filter(Case.last_contact_at.is_(None))
    elif filters.contact in ("7", "30", "90"):
        since = now - timedelta(days=int(filters.contact))
        query = query.filter(or_(Case.last_contact_at.is_(None), Case.last_contact_at < since))
    if filters.idle:
        since = now - timedelta(days=IDLE_DAYS)
        query = query.filter(~exists().where(and_(
            CaseEntry.case_id == Case.id, CaseEntry.kind == EntryKind.ATTENDANCE,
            CaseEntry.withdrawn_at.is_(None), CaseEntry.occurred_at >= since)))
    if filters.mine:
        query = query.filter(Case.counselor_id == user.id)
    if filters.q:
        text = filters.q.replace("\x00", "").strip()[:50]
        if text.isdigit() and len(text) >= 4:
            query = query.filter(User.phone.like("%" + text))
        elif text:
            escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            query = query.filter(User.name.like("%" + escaped + "%", escape="\\"))
    total = db.session.execute(db.select(func.count()).select_from(query.subquery())).scalar_one()
    rows = db.session.execute(
        query.options(joinedload(Case.seeker), joinedload(Case.counselor), joinedload(Case.station))
        .order_by(Case.last_contact_at.is_(None).desc(), Case.last_contact_at, Case.id)
        .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    ).all()
    return [CaseRow(case, at) for case, at in rows], total


def station_counselors(station_id: int | None) -> list[User]:
    if station_id is None:
        return []
    return db.session.execute(
        db.select(User).filter(User.role == Role.COUNSELOR, User.station_id == station_id, User.active.is_(True))
        .order_by(User.name)
    ).scalars().all()


# --- the seeker's own history -----------------------------------------------------------------

def seeker_history(seeker: User) -> list[CaseEntry]:
    """The seeker's attendances (events and modules they came to), newest first. No counselor notes."""
    return db.session.execute(
        db.select(CaseEntry).join(Case, Case.id == CaseEntry.case_id)
        .filter(Case.seeker_id == seeker.id, CaseEntry.kind == EntryKind.ATTENDANCE,
                CaseEntry.withdrawn_at.is_(None))
        .options(joinedload(CaseEntry.event).joinedload(Event.station), joinedload(CaseEntry.session))
        .order_by(CaseEntry.occurred_at.desc())
    ).scalars().all()
