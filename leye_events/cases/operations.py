"""Case writes: every seeker's case, its entries, referrals and outcomes, and the employers and
posts a counselor names on them by hand (``employers`` keeps employers proper).

The only place that changes cases, entries, referrals and outcomes. Every change is audited; so is
every view of a case (``open_case``). Callers commit. Who may do what: ``access``.
"""
import functools
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import exists, func, union_all
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..accounts.models import Role, SeekerCategory, User
from ..audit.services import clean_reason, record
from ..booking.models import Registration
from ..checkin.models import CheckIn
from ..core.db import compiled_text, get_row, insert_unless_conflict, is_sqlite
from ..core.errors import Forbidden, NotFound, ServiceError
from ..core.timeutil import today_local, utcnow
from ..events.models import Event, EventSession
from ..extensions import db
from .access import CASE_VIEW_ROLES, may_see_notes, may_view_case, require_work
from .models import (
    Case,
    CaseEntry,
    CaseStatus,
    ConsentMethod,
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
    seeker = get_row(User, seeker_id)
    if seeker is None or seeker.role != Role.SEEKER:
        raise NotFound("not_found", _("找不到该求职者。"))
    return seeker


def case_or_404(case_id) -> Case:
    case = get_row(Case, case_id)
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


def clean_text(value, field: str, max_length: int, *, required: bool, label: str = "") -> str:
    """``value`` without NULs and outer spaces; ``invalid_field`` when required and empty, or too long."""
    value = value.replace("\x00", "").strip() if isinstance(value, str) else ""
    if required and not value:
        raise ServiceError("invalid_field", label or _("此项为必填项。"), field=field)
    if len(value) > max_length:
        raise ServiceError("invalid_field", _("内容过长（不超过 %(max)d 字）。", max=max_length), field=field)
    return value


def add_entry(case: Case, kind: EntryKind, author, *, body: str = "", occurred_at: datetime | None = None,
              contact: bool = False, **columns) -> CaseEntry:
    """Add an entry to the case's timeline; ``contact`` marks the counselor in touch now."""
    now = utcnow()
    entry = CaseEntry(case=case, kind=kind, author_id=getattr(author, "id", None), body=body,
                      occurred_at=occurred_at or now, created_at=now, details=columns.pop("details", {}), **columns)
    db.session.add(entry)
    if contact:
        case.last_contact_at = now
    return entry


def update_case(case: Case, *, actor: User, plan=None, category=None, counselor_id=None) -> Case:
    """Change the action plan, the category or the assigned counselor (one of the station's)."""
    require_work(actor, case)
    changes = {}
    if plan is not None:
        plan = clean_text(plan, "plan", PLAN_MAX, required=False)
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
            new = get_row(User, counselor_id)
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
    require_work(actor, case)
    try:
        status = CaseStatus(status)
    except ValueError:
        raise ServiceError("invalid_status", _("状态无效。"), field="status") from None
    reason = clean_text(reason, "reason", REASON_MAX, required=True, label=_("请填写变更原因。"))
    if status == case.status:
        raise ServiceError("same_status", _("档案已是该状态。"), field="status")
    previous = case.status
    case.status = status
    case.status_reason = reason
    entry = add_entry(case, EntryKind.STATUS_CHANGE, actor, body=reason,
                      details={"from": previous.value, "to": status.value})
    record("case.status", case, actor=actor, station_id=case.station_id, from_status=previous.value,
           to_status=status.value, reason=reason)
    return entry


def add_note(case: Case, body, *, actor: User, event_id: int | None = None) -> CaseEntry:
    require_work(actor, case)
    body = clean_text(body, "body", NOTE_MAX, required=True, label=_("请填写服务记录内容。"))
    entry = add_entry(case, EntryKind.NOTE, actor, body=body, contact=True, event_id=event_id)
    record("case.note", case, actor=actor, station_id=case.station_id)
    return entry


# --- employers and posts ----------------------------------------------------------------------

def find_or_create_post(employer_name, post_title, industry="") -> tuple[Employer, Post | None]:
    """The employer by name (created when new) and its post by title (created when new; None if blank)."""
    name = clean_text(employer_name, "employer", NAME_MAX, required=True, label=_("请填写用人单位名称。"))
    title = clean_text(post_title, "post", NAME_MAX, required=False)
    industry = clean_text(industry, "industry", 100, required=False)
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
    require_work(actor, case)
    try:
        consent = ConsentMethod(consent)
    except ValueError:
        raise ServiceError("consent_required", _("推荐前须征得求职者同意，并注明同意方式（线上、口头或书面）。"),
                           field="consent") from None
    body = clean_text(body, "body", NOTE_MAX, required=False)
    employer, post = find_or_create_post(employer, post, industry)
    referral = Referral(case=case, employer=employer, post=post, result=ReferralResult.PENDING,
                        created_by_id=actor.id)
    db.session.add(referral)
    db.session.flush()
    add_entry(case, EntryKind.REFERRAL, actor, body=body, contact=True, referral_id=referral.id,
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
    require_work(actor, case)
    try:
        result = ReferralResult(result)
    except ValueError:
        raise ServiceError("invalid_result", _("推荐结果无效。"), field="result") from None
    if result == ReferralResult.PENDING:
        raise ServiceError("invalid_result", _("请选择面试、录用或未录用。"), field="result")
    body = clean_text(body, "body", NOTE_MAX, required=False)
    referral.result = result
    entry = add_entry(case, EntryKind.REFERRAL, actor, body=body, contact=True, referral_id=referral.id,
                      details={**_referral_details(referral), "update": True})
    record("case.referral_result", case, actor=actor, station_id=case.station_id, referral_id=referral.id,
           result=result.value)
    return entry


def referral_or_404(referral_id) -> Referral:
    referral = get_row(Referral, referral_id)
    if referral is None:
        raise NotFound("not_found", _("推荐记录不存在。"))
    return referral


def record_outcome(case: Case, *, actor: User, employer, post="", industry="", start_date=None,
                   event_id=None, referral_id=None, body="") -> Outcome:
    """The seeker is employed: record employer, post and start date, and what led there.

    The case becomes ``employed``; a linked referral becomes ``hired``. ``event_id`` must be an
    event the seeker attended; ``referral_id`` one of this case's referrals.
    """
    require_work(actor, case)
    if not isinstance(start_date, date):
        raise ServiceError("invalid_field", _("请填写入职日期。"), field="start_date")
    if start_date > today_local() + timedelta(days=366) or start_date.year < 2000:
        raise ServiceError("invalid_field", _("入职日期不合理。"), field="start_date")
    body = clean_text(body, "body", NOTE_MAX, required=False)
    event = None
    if event_id not in (None, "", 0):
        event = get_row(Event, event_id)
        if event is None or event.id not in {e.id for e in attended_events(case)}:
            raise ServiceError("invalid_field", _("只能选择求职者参加过的活动。"), field="event_id")
    referral = None
    if referral_id not in (None, "", 0):
        referral = get_row(Referral, referral_id)
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
    add_entry(case, EntryKind.OUTCOME, actor, body=body, contact=True, outcome_id=outcome.id,
              event_id=event.id if event else None, referral_id=referral.id if referral else None, details=details)
    record("case.outcome", case, actor=actor, station_id=case.station_id, outcome_id=outcome.id)
    if case.status != CaseStatus.EMPLOYED:
        change_status(case, CaseStatus.EMPLOYED, _("已就业：%(employer)s", employer=employer.name), actor=actor)
    return outcome


# --- attendance, written by the check-in operation ---------------------------------------------

def record_attendance(checkin: CheckIn, facts: dict | None = None) -> CaseEntry | None:
    """Put a successful check-in on the seeker's case as a service record (same transaction).

    With ``facts`` (the check-in's fast path: seeker id, event and session titles, station) an
    existing case gets its entry in one ``INSERT … SELECT`` and nothing is loaded (a new case, made as
    ``case_for`` would make it, in the same statement on PostgreSQL); None is then returned. Otherwise (no facts,
    a case without a station) the entry is built through the ORM."""
    if facts is not None and _insert_fast(checkin, facts):
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
    return add_entry(
        case, EntryKind.ATTENDANCE, staff, occurred_at=checkin.scanned_at, event_id=event.id, session_id=session.id if session else None,
        registration_id=registration.id, checkin_id=checkin.id,
        details={
            "event_title": event.title, "event_kind": event.kind.value,
            "session_title": session.title if session else "",
            "station_id": event.station_id, "station_name": event.station.name if event.station else "",
            "method": checkin.method.value, "gate": checkin.gate or "",
        },
    )


def _insert_fast(checkin: CheckIn, facts: dict) -> bool:
    """The attendance entry on the seeker's case (one with a station), the case made first if the seeker
    has none: one statement on PostgreSQL, one to three on SQLite (no writes inside a WITH there). False
    when no such case could be had (one without a station, or one a concurrent transaction just made):
    the ORM path then does it."""
    values = _entry_values(checkin, facts)
    if is_sqlite():
        return (_insert_attendance_entry(values)
                or (_insert_case(facts) and _insert_attendance_entry(values)))
    values.update({f"case_{name}": value for name, value in _new_case_values(facts).items()})
    return db.session.execute(_case_and_entry_statement(), values).first() is not None


def _entry_values(checkin: CheckIn, facts: dict) -> dict:
    details = {"event_title": facts["event_title"], "event_kind": facts["event_kind"],
               "session_title": facts["session_title"], "station_id": facts["station_id"],
               "station_name": facts["station_name"], "method": checkin.method.value, "gate": checkin.gate or ""}
    return {"kind": EntryKind.ATTENDANCE, "occurred_at": checkin.scanned_at, "created_at": utcnow(),
            "author_id": checkin.staff_id, "body": "", "details": details, "event_id": checkin.event_id,
            "session_id": checkin.session_id, "registration_id": checkin.registration_id,
            "checkin_id": checkin.id, "seeker_id": facts["seeker_id"]}


def _insert_attendance_entry(values: dict) -> bool:
    """The attendance entry on the seeker's existing case (one with a station), in one statement;
    False when there is no such case."""
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


@functools.cache
def _case_and_entry_statement():
    """PostgreSQL: ``WITH new_case AS (INSERT INTO cases … ON CONFLICT (seeker_id) DO NOTHING RETURNING id)
    INSERT INTO case_entries … SELECT …, id FROM (the new case UNION ALL the existing one with a
    station)``. Within one statement the inserted case is not visible to the SELECT of ``cases``, so at
    most one of the two yields a row. Compiled once (SQLAlchemy does not cache ``ON CONFLICT``)."""
    entries, cases = CaseEntry.__table__, Case.__table__
    case_parameters = {name: db.bindparam(f"case_{name}", type_=cases.c[name].type) for name in _CASE_VALUES}
    seeker = db.bindparam("seeker_id", type_=cases.c.seeker_id.type)
    new_case = (postgresql.insert(cases).values(seeker_id=seeker, **case_parameters)
                .on_conflict_do_nothing(index_elements=["seeker_id"]).returning(cases.c.id).cte("new_case"))
    existing = db.select(cases.c.id).where(cases.c.seeker_id == seeker, cases.c.station_id.is_not(None))
    the_case = union_all(db.select(new_case.c.id), existing).subquery("the_case")
    entry_parameters = [db.bindparam(name, type_=entries.c[name].type) for name in _ENTRY_VALUES]
    statement = entries.insert().from_select(
        [*_ENTRY_VALUES, "case_id"],
        db.select(*(parameter.label(parameter.key) for parameter in entry_parameters), the_case.c.id),
    ).returning(entries.c.id)
    return compiled_text(statement, "postgresql", [seeker, *case_parameters.values(), *entry_parameters],
                         [entries.c.id])


_CASE_VALUES = ("station_id", "category", "status", "plan", "created_at", "updated_at")


def _new_case_values(facts: dict) -> dict:
    """``case_for``'s new case for the seeker of ``facts`` (its columns but ``seeker_id``)."""
    now = utcnow()
    return {"station_id": facts["seeker_station_id"] or facts["station_id"],
            "category": facts["seeker_category"] or SeekerCategory.OTHER, "status": CaseStatus.ACTIVE, "plan": "",
            "created_at": now, "updated_at": now}


def _insert_case(facts: dict) -> bool:
    """``case_for``'s new case in one statement; False when the seeker has one already."""
    case = {"seeker_id": facts["seeker_id"], **_new_case_values(facts)}
    return insert_unless_conflict(Case.__table__, case) is not None


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
