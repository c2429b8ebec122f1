"""Lists of cases: the caseload a counselor or an admin may work, filtered and paged."""
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import and_, exists, func, or_
from sqlalchemy.orm import joinedload

from ..accounts.models import Role, SeekerCategory, User
from ..audit.services import record
from ..core.errors import Forbidden
from ..core.timeutil import utcnow
from ..extensions import db
from .access import CASE_WORK_ROLES
from .models import Case, CaseEntry, CaseStatus, EntryKind
from .operations import ensure_cases

IDLE_DAYS = 30
PAGE_SIZE = 50


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
