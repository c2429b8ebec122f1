"""Rows for the employers tests: employers, posts, booths, slots and employer accounts."""
from datetime import timedelta

from leye_events.accounts.models import Role
from leye_events.employers.credit_code import check_character
from leye_events.employers.models import Booth, Employer, InterviewSlot, Post, PostStatus
from leye_events.events.models import EventKind
from leye_events.extensions import db

from ..factories import _next, make_event, make_station, make_user


def credit_code(seed: int) -> str:
    """A valid 统一社会信用代码 made from ``seed``."""
    body = f"91310110{seed:09d}"
    return body + check_character(body)


def make_employer(station=None, **kw) -> Employer:
    db.session.commit()
    n = _next()
    employer = Employer(name=kw.pop("name", f"测试科技有限公司{n}"), industry=kw.pop("industry", "互联网"),
                        station=station or make_station(), **kw)
    db.session.add(employer)
    db.session.commit()
    return employer


def make_post(employer: Employer, **kw) -> Post:
    db.session.commit()
    post = Post(employer=employer, station_id=employer.station_id, title=kw.pop("title", f"运营专员{_next()}"),
                headcount=kw.pop("headcount", 2), tags=kw.pop("tags", []), welcome_categories=kw.pop("welcome_categories", []),
                status=kw.pop("status", PostStatus.OPEN), **kw)
    db.session.add(post)
    db.session.commit()
    return post


def make_recruiter(employer: Employer, **kw):
    return make_user(Role.EMPLOYER, employer_id=employer.id, **kw)


def make_fair(station=None, **kw):
    return make_event(station, kind=kw.pop("kind", EventKind.INTERVIEW_SESSION), capacity=kw.pop("capacity", 2000),
                      **kw)


def make_booth(event, employer, posts=(), booth="A1") -> Booth:
    db.session.commit()
    row = Booth(event=event, employer=employer, booth=booth, posts=list(posts))
    db.session.add(row)
    db.session.commit()
    return row


def make_slot(event, employer, *, capacity=2, offset_minutes=0, minutes=15, post=None) -> InterviewSlot:
    db.session.commit()
    start = event.starts_at + timedelta(minutes=offset_minutes)
    slot = InterviewSlot(event=event, employer=employer, post=post, starts_at=start,
                         ends_at=start + timedelta(minutes=minutes), capacity=capacity)
    db.session.add(slot)
    db.session.commit()
    return slot
