"""Outreach and referral figures of a station (or the district) for [start, end), by case category.

- people reached: people (cases) with a contact whose result was ``reached`` in the range;
- prospects converted: prospects (from outreach lists) who signed up themselves in the range;
- referrals: referrals to an employer's post made in the range;
- hires from referrals: employment outcomes linked to a referral, starting in the range.
They sit beside ``cases.figures`` (which must not import this higher layer); the API and the
station report add them to the case figures.
"""
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func

from ..accounts.models import SeekerCategory, User
from ..cases.models import Case, Outcome, Referral
from ..core.timeutil import to_local
from ..extensions import db
from .models import Contact, ContactOutcome, Prospect

DEFINITIONS = {
    "people_reached": _l("时间段内电话、上门、微信或短信联系上的人数。"),
    "prospects_converted": _l("排摸名单中的人员在时间段内自行注册的人数。"),
    "referrals": _l("时间段内向用人单位岗位推荐的人次。"),
    "hires_from_referrals": _l("入职日期在时间段内、由岗位推荐促成的就业结果。"),
}
NAMES = tuple(DEFINITIONS)


@dataclass
class OutreachFigures:
    by_category: dict = field(default_factory=dict)  # name -> {category: count}

    def total(self, name: str) -> int:
        return sum(self.by_category.get(name, {}).values())


def _counted(query, station_id: int | None) -> dict:
    if station_id is not None:
        query = query.filter(Case.station_id == station_id)
    rows = query.subquery()
    counts = {category.value: 0 for category in SeekerCategory}
    for category, count in db.session.execute(db.select(rows.c.category, func.count()).group_by(rows.c.category)):
        counts[category.value if hasattr(category, "value") else category] = count
    return counts


def compute(station_id: int | None, start: datetime, end: datetime) -> OutreachFigures:
    """The four figures for the station (None: the district), each by case category."""
    start_day, end_day = to_local(start).date(), to_local(end).date()
    queries = {
        "people_reached": db.select(Case.id, Case.category).join(Contact, Contact.case_id == Case.id)
        .filter(Contact.result == ContactOutcome.REACHED, Contact.occurred_at >= start, Contact.occurred_at < end)
        .distinct(),
        "prospects_converted": db.select(Case.id, Case.category).join(User, User.id == Case.seeker_id)
        .join(Prospect, Prospect.seeker_id == User.id)
        .filter(User.prospect.is_(False), User.consent_at >= start, User.consent_at < end),
        "referrals": db.select(Referral.id, Case.category).join(Case, Case.id == Referral.case_id)
        .filter(Referral.created_at >= start, Referral.created_at < end),
        "hires_from_referrals": db.select(Outcome.id, Case.category).join(Case, Case.id == Outcome.case_id)
        .filter(Outcome.referral_id.is_not(None), Outcome.start_date >= start_day, Outcome.start_date < end_day),
    }
    return OutreachFigures({name: _counted(query, station_id) for name, query in queries.items()})


def figures_json(figures: OutreachFigures) -> dict:
    """The API fields: each figure, and each by category."""
    result = {}
    for name in NAMES:
        result[name] = figures.total(name)
        result[f"{name}_by_category"] = figures.by_category[name]
    return result
