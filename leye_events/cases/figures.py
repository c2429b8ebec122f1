"""Station and district figures, always computed from the data (never typed in), and SVG charts.

Definitions (a date range is [start, end), Shanghai days; ``station`` None means the district):
- events: published events of the station whose first session starts in the range, by kind;
- registrations: confirmed registrations for those events (cancelled and waitlisted left out);
- attendance rate: of the confirmed registrations for those events that have already ended, the
  share with at least one check-in (undone check-ins do not count);
- attendances: successful check-ins at those events' sessions (one per person and session);
- seekers served: cases of the station with a service on the timeline in the range (an attendance,
  a note, a follow-up call, a referral or an outcome), by case category;
- helped into employment: cases of the station with an employment outcome starting in the range;
- graduates employed: of the station's cases in the 离校未就业高校毕业生 category opened before the
  range's end, the share with an employment outcome starting before it;
- 岗位开发: posts that the station developed (entered with a station) created in the range, their
  headcount, and company visits made in the range;
- applications: applications (投递) made in the range by seekers whose case is at the station, by
  category; interviews: booked interview seats in slots starting in the range; hires: applications
  marked hired in the range (each also an employment outcome).
"""
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy import func

from ..accounts.models import SEEKER_CATEGORY_LABELS, SeekerCategory
from ..booking.models import Registration, RegistrationStatus
from ..checkin.models import CheckIn, CheckInMethod
from ..core.timeutil import isoformat_local, to_local, utcnow
from ..employers.models import Application, ApplicationStatus, BookingStatus, InterviewBooking, InterviewSlot
from ..employers.services import development_counts
from ..events.models import EVENT_KIND_LABELS, Event, EventKind, EventSession, EventStatus
from ..extensions import db
from .models import Case, CaseEntry, EntryKind, Outcome

# Entry kinds that count as a service to the seeker.
SERVICE_KINDS = (EntryKind.ATTENDANCE, EntryKind.NOTE, EntryKind.NO_SHOW, EntryKind.REFERRAL, EntryKind.OUTCOME)

# What each figure counts, in words, shown next to the figure on the page and in the XLSX report.
DEFINITIONS = {
    "events": _l("第一场在所选时间段内开始的已发布活动。"),
    "registrations": _l("这些活动的已确认报名，不含候补和已取消。"),
    "attendance_rate": _l("已结束活动的已确认报名中，至少签到一场的比例；撤销的签到不计。"),
    "attendances": _l("这些活动各场次的成功签到，每人每场最多一次。"),
    "attendances_split": _l("线下：现场签到；线上：报名者通过个人参会链接进入直播间。"),
    "served": _l("本空间档案中，时间段内有签到、服务记录、回访、岗位推荐或就业结果的人数。"),
    "employed": _l("入职日期在所选时间段内的就业结果（按人计）。"),
    "graduate_share": _l("截至结束日期，该类别档案中已有就业结果的比例。"),
    "posts_developed": _l("本空间在所选时间段内开发（登记）的岗位数及其招聘人数，和企业走访次数。"),
    "applications": _l("本空间求职者在所选时间段内的岗位投递、预约的面试和被录用人次。"),
}


@dataclass
class Figures:
    station_id: int | None
    start: datetime
    end: datetime
    events: int = 0
    events_by_kind: dict = field(default_factory=dict)
    registrations: int = 0
    registrations_ended: int = 0
    attended: int = 0
    attendances: int = 0
    attendances_online: int = 0  # of ``attendances``, those made through a join link

    @property
    def attendances_onsite(self) -> int:
        return self.attendances - self.attendances_online
    served_by_category: dict = field(default_factory=dict)
    employed_by_category: dict = field(default_factory=dict)
    graduates: int = 0
    graduates_employed: int = 0
    posts_developed: int = 0
    headcount_developed: int = 0
    company_visits: int = 0
    applications_by_category: dict = field(default_factory=dict)
    interviews_by_category: dict = field(default_factory=dict)
    hires_by_category: dict = field(default_factory=dict)

    @property
    def applications(self) -> int:
        return sum(self.applications_by_category.values())

    @property
    def interviews(self) -> int:
        return sum(self.interviews_by_category.values())

    @property
    def hires(self) -> int:
        return sum(self.hires_by_category.values())

    @property
    def attendance_rate(self) -> float | None:
        return self.attended / self.registrations_ended if self.registrations_ended else None

    @property
    def served(self) -> int:
        return sum(self.served_by_category.values())

    @property
    def employed(self) -> int:
        return sum(self.employed_by_category.values())

    @property
    def graduate_employment_share(self) -> float | None:
        return self.graduates_employed / self.graduates if self.graduates else None


def _by_category(rows) -> dict:
    counts = {category.value: 0 for category in SeekerCategory}
    for category, count in rows:
        counts[category.value if hasattr(category, "value") else category] = count
    return counts


def compute(station_id: int | None, start: datetime, end: datetime, now: datetime | None = None) -> Figures:
    """The figures of one station (or the district when ``station_id`` is None) for [start, end)."""
    now = now or utcnow()
    figures = Figures(station_id=station_id, start=start, end=end)

    first_start = (db.select(EventSession.event_id, func.min(EventSession.starts_at).label("starts_at"),
                             func.max(EventSession.ends_at).label("ends_at"))
                   .group_by(EventSession.event_id).subquery())
    held = (db.select(Event.id, Event.kind, first_start.c.ends_at)
            .join(first_start, first_start.c.event_id == Event.id)
            .filter(Event.status == EventStatus.PUBLISHED, first_start.c.starts_at >= start,
                    first_start.c.starts_at < end))
    if station_id is not None:
        held = held.filter(Event.station_id == station_id)
    held = held.subquery()

    kinds = {kind.value: 0 for kind in EventKind}
    for kind, count in db.session.execute(db.select(held.c.kind, func.count()).group_by(held.c.kind)):
        kinds[kind.value if hasattr(kind, "value") else kind] = count
    figures.events_by_kind = kinds
    figures.events = sum(kinds.values())

    attended_any = (db.select(CheckIn.registration_id)
                    .filter(CheckIn.admitted)
                    .distinct().subquery())
    confirmed = (db.select(Registration.id, held.c.ends_at, attended_any.c.registration_id.label("came"))
                 .join(held, held.c.id == Registration.event_id)
                 .outerjoin(attended_any, attended_any.c.registration_id == Registration.id)
                 .filter(Registration.status == RegistrationStatus.CONFIRMED).subquery())
    total, ended, came = db.session.execute(db.select(
        func.count(),
        func.count().filter(confirmed.c.ends_at < now),
        func.count().filter(confirmed.c.ends_at < now, confirmed.c.came.is_not(None)),
    ).select_from(confirmed)).one()
    figures.registrations, figures.registrations_ended, figures.attended = total, ended, came

    figures.attendances, figures.attendances_online = db.session.execute(
        db.select(func.count(), func.count().filter(CheckIn.method == CheckInMethod.ONLINE))
        .select_from(CheckIn).join(held, held.c.id == CheckIn.event_id)
        .filter(CheckIn.admitted)
    ).one()

    served = (db.select(Case.id, Case.category).join(CaseEntry, CaseEntry.case_id == Case.id)
              .filter(CaseEntry.kind.in_(SERVICE_KINDS), CaseEntry.withdrawn_at.is_(None),
                      CaseEntry.occurred_at >= start, CaseEntry.occurred_at < end))
    if station_id is not None:
        served = served.filter(Case.station_id == station_id)
    served = served.distinct().subquery()
    figures.served_by_category = _by_category(db.session.execute(
        db.select(served.c.category, func.count()).group_by(served.c.category)).all())

    start_day, end_day = to_local(start).date(), to_local(end).date()
    employed = (db.select(Case.id, Case.category).join(Outcome, Outcome.case_id == Case.id)
                .filter(Outcome.start_date >= start_day, Outcome.start_date < end_day))
    if station_id is not None:
        employed = employed.filter(Case.station_id == station_id)
    employed = employed.distinct().subquery()
    figures.employed_by_category = _by_category(db.session.execute(
        db.select(employed.c.category, func.count()).group_by(employed.c.category)).all())

    graduates = db.select(Case.id).filter(Case.category == SeekerCategory.GRADUATE_UNEMPLOYED, Case.created_at < end)
    if station_id is not None:
        graduates = graduates.filter(Case.station_id == station_id)
    graduates = graduates.subquery()
    figures.graduates = db.session.execute(db.select(func.count()).select_from(graduates)).scalar_one()
    figures.graduates_employed = db.session.execute(
        db.select(func.count(func.distinct(Outcome.case_id)))
        .filter(Outcome.case_id.in_(db.select(graduates.c.id)), Outcome.start_date < end_day)
    ).scalar_one()
    _employer_figures(figures, station_id, start, end)
    return figures


def _employer_figures(figures: Figures, station_id: int | None, start: datetime, end: datetime) -> None:
    """岗位开发, applications, interviews and hires (see the module's definitions)."""
    developed = development_counts(station_id, start, end)
    figures.posts_developed = developed["posts_developed"]
    figures.headcount_developed = developed["headcount_developed"]
    figures.company_visits = developed["company_visits"]

    applied = db.select(Case.category, func.count()).select_from(Application).join(
        Case, Case.seeker_id == Application.seeker_id).filter(Application.created_at >= start, Application.created_at < end)
    hired = db.select(Case.category, func.count()).select_from(Application).join(
        Case, Case.seeker_id == Application.seeker_id).filter(
        Application.status == ApplicationStatus.HIRED, Application.result_at >= start, Application.result_at < end)
    booked = db.select(Case.category, func.count()).select_from(InterviewBooking).join(
        InterviewSlot, InterviewSlot.id == InterviewBooking.slot_id).join(
        Case, Case.seeker_id == InterviewBooking.seeker_id).filter(
        InterviewBooking.status == BookingStatus.BOOKED, InterviewSlot.starts_at >= start, InterviewSlot.starts_at < end)
    for name, query in (("applications_by_category", applied), ("hires_by_category", hired),
                        ("interviews_by_category", booked)):
        if station_id is not None:
            query = query.filter(Case.station_id == station_id)
        setattr(figures, name, _by_category(db.session.execute(query.group_by(Case.category)).all()))


def figures_json(figures: Figures, station=None) -> dict:
    """The API shape of the figures (same numbers as the pages)."""
    def share(value):
        return round(value, 4) if value is not None else None

    return {
        "station": {"slug": station.slug, "name": station.name} if station is not None else None,
        "from": isoformat_local(figures.start),
        "to": isoformat_local(figures.end),
        "events": figures.events,
        "events_by_kind": figures.events_by_kind,
        "registrations": figures.registrations,
        "registrations_of_ended_events": figures.registrations_ended,
        "attended": figures.attended,
        "attendance_rate": share(figures.attendance_rate),
        "attendances": figures.attendances,
        "attendances_onsite": figures.attendances_onsite,
        "attendances_online": figures.attendances_online,
        "seekers_served": figures.served,
        "seekers_served_by_category": figures.served_by_category,
        "seekers_employed": figures.employed,
        "seekers_employed_by_category": figures.employed_by_category,
        "graduates_unemployed": figures.graduates,
        "graduates_unemployed_now_employed": figures.graduates_employed,
        "graduate_employment_share": share(figures.graduate_employment_share),
        "posts_developed": figures.posts_developed,
        "headcount_developed": figures.headcount_developed,
        "company_visits": figures.company_visits,
        "applications": figures.applications,
        "applications_by_category": figures.applications_by_category,
        "interviews": figures.interviews,
        "interviews_by_category": figures.interviews_by_category,
        "hires": figures.hires,
        "hires_by_category": figures.hires_by_category,
    }


def kind_items(counts: dict) -> list[tuple[str, int]]:
    return [(str(EVENT_KIND_LABELS[EventKind(kind)]), count) for kind, count in counts.items()]


def category_items(counts: dict) -> list[tuple[str, int]]:
    return [(str(SEEKER_CATEGORY_LABELS[SeekerCategory(category)]), count) for category, count in counts.items()]


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def bar_chart(items: list[tuple[str, int]], *, title: str, color: str = "#c8102e") -> Markup:
    """A horizontal bar chart as inline SVG (no script): one labelled bar per item."""
    label_width, bar_width, row = 150, 220, 26
    # Room for the longest label at font-size 13: about 13 units a CJK character, 7 a Latin one (English).
    longest = max((sum(13 if ord(char) > 0x2E7F else 7 for char in label) for label, _ in items), default=0)
    label_width = max(label_width, longest + 12)
    width = label_width + bar_width + 50
    height = row * max(len(items), 1) + 8
    top = max((value for _, value in items), default=0) or 1
    parts = [f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="100%" '
             f'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">',
             f"<title>{escape(title)}</title>"]
    for index, (label, value) in enumerate(items):
        y = 4 + index * row
        length = round(bar_width * value / top) if value else 0
        parts.append(f'<text x="{label_width - 6}" y="{y + 16}" text-anchor="end" font-size="13">{escape(label)}</text>')
        parts.append(f'<rect x="{label_width}" y="{y + 3}" width="{length}" height="{row - 8}" fill="{color}" rx="3"/>')
        parts.append(f'<text x="{label_width + length + 6}" y="{y + 16}" font-size="13">{int(value)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
