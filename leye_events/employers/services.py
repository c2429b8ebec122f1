"""Employers, posts (岗位), company visits, booths at fairs and employer accounts.

The only place that changes these (interview slots: ``interviews``; applications: ``applications``).
Every function checks who acts, raises ``ServiceError`` for a broken rule, writes an audit entry and
leaves the commit to the caller.
"""
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, or_
from sqlalchemy.exc import IntegrityError

from ..accounts.models import Role, SeekerCategory, User
from ..accounts.services import create_user
from ..audit.services import record
from ..core.db import get_row
from ..core.errors import Conflict, Forbidden, NotFound, ServiceError
from ..core.timeutil import today_local, utcnow
from ..events.models import Event, EventKind, EventStatus
from ..extensions import db
from ..stations.models import Station
from . import access
from .credit_code import is_valid_credit_code, normalize_credit_code
from .models import Booth, Education, Employer, Post, PostStatus, Visit, booth_posts

# Lengths the columns hold; the API documents the same bounds.
EMPLOYER_TEXT_FIELDS = {"name": 200, "industry": 100, "size": 50, "park": 100, "address": 200,
                        "contact_name": 100, "contact_phone": 20}
POST_TEXT_FIELDS = {"title": 200, "description": 5000, "location": 200}
TAG_MAX, TAGS_MAX = 20, 10
HEADCOUNT_MAX, SALARY_MAX, EXPERIENCE_MAX = 10_000, 1_000_000, 50
FAIR_KINDS = (EventKind.JOB_FAIR, EventKind.INTERVIEW_SESSION)


def clean_text(value, field: str, max_length: int, *, required: bool = False) -> str:
    """Stripped text of at most ``max_length`` characters; ``invalid_field`` otherwise."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ServiceError("invalid_field", _("此字段应为文本。"), field=field)
    value = value.strip()
    if required and not value:
        raise ServiceError("invalid_field", _("此项必填。"), field=field)
    if len(value) > max_length:
        raise ServiceError("invalid_field", _("最多 %(n)d 个字。", n=max_length), field=field)
    return value


def _bounded_int(value, field: str, low: int, high: int, *, nullable: bool = True):
    if value is None and nullable:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ServiceError("invalid_field", _("此字段应为 %(min)s 到 %(max)s 之间的整数。", min=low, max=high),
                           field=field)
    return value



# --- employers ----------------------------------------------------------------------------------

def employer_or_404(employer_id) -> Employer:
    employer = get_row(Employer, employer_id)
    if employer is None:
        raise NotFound("not_found", _("找不到该用人单位。"))
    return employer


def visible_employer(employer_id, viewer) -> Employer:
    """The employer if ``viewer`` may see it; 404 for everyone else (its existence is not told)."""
    employer = employer_or_404(employer_id)
    if not access.may_view_employer(viewer, employer):
        raise NotFound("not_found", _("找不到该用人单位。"))
    return employer


def _station(slug_or_station) -> Station | None:
    if slug_or_station is None or isinstance(slug_or_station, Station):
        return slug_or_station
    station = db.session.execute(db.select(Station).filter_by(slug=str(slug_or_station))).scalar_one_or_none()
    if station is None:
        raise ServiceError("invalid_field", _("找不到该乐业空间。"), field="station")
    return station


def _apply_employer_fields(employer: Employer, fields: dict) -> None:
    for name, max_length in EMPLOYER_TEXT_FIELDS.items():
        if name in fields:
            setattr(employer, name, clean_text(fields[name], name, max_length, required=name == "name"))
    if "credit_code" in fields:
        code = clean_text(fields["credit_code"], "credit_code", 40)
        code = normalize_credit_code(code) or None
        if code is not None and not is_valid_credit_code(code):
            raise ServiceError("invalid_credit_code", _("统一社会信用代码无效（应为 18 位，校验位须正确）。"),
                               field="credit_code")
        employer.credit_code = code


def _flush_unique(employer: Employer) -> None:
    """Flush; a duplicate name or credit code is ``employer_exists`` (409)."""
    for column, message in (("name", _("已有同名的用人单位。")), ("credit_code", _("该统一社会信用代码已登记。"))):
        value = getattr(employer, column)
        if value is None:
            continue
        with db.session.no_autoflush:
            clash = db.session.execute(db.select(Employer.id).where(getattr(Employer, column) == value,
                                                                    Employer.id != (employer.id or 0))).first()
        if clash:
            raise Conflict("employer_exists", message, field=column, employer_id=clash[0])
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise Conflict("employer_exists", _("已有同名或同统一社会信用代码的用人单位。")) from None


def create_employer(fields: dict, *, actor: User) -> Employer:
    """Enter an employer (after a company visit). ``fields``: name (required), station (slug;
    default the actor's station), credit_code, industry, size, park, address, contact_name, contact_phone."""
    if not access.is_employer_staff(actor):
        raise Forbidden("forbidden", _("您无权登记用人单位。"))
    station = _station(fields.get("station")) or actor.station
    if station is None:
        raise ServiceError("invalid_field", _("请选择负责的乐业空间。"), field="station")
    if not access.is_staff_for_station(actor, station.id):
        raise Forbidden("forbidden", _("只能为本乐业空间登记用人单位。"))
    employer = Employer(station_id=station.id, name="")
    _apply_employer_fields(employer, {"name": None, **fields})
    db.session.add(employer)
    _flush_unique(employer)
    record("employer.create", employer, actor=actor, name=employer.name)
    return employer


def update_employer(employer: Employer, fields: dict, *, actor: User) -> Employer:
    """Change an employer's record (staff of its station); ``station`` moves it to another station."""
    if not access.may_edit_employer(actor, employer):
        raise Forbidden("forbidden", _("您无权修改该用人单位。"))
    if "station" in fields:
        station = _station(fields["station"])
        if station is None or not access.is_staff_for_station(actor, station.id):
            raise Forbidden("forbidden", _("只能转给您所在的乐业空间。"))
        employer.station_id = station.id
    _apply_employer_fields(employer, fields)
    _flush_unique(employer)
    record("employer.update", employer, actor=actor, fields=sorted(fields))
    return employer


def employers_query(viewer, *, station_id: int | None = None, text: str | None = None):
    """Employers ``viewer`` may see (staff: all; an employer account: its own), by name."""
    query = db.select(Employer).order_by(Employer.name, Employer.id)
    own_employer_id = getattr(viewer, "employer_id", None)
    if access.acts_for(viewer, own_employer_id):
        query = query.where(Employer.id == own_employer_id)
    elif not access.is_employer_staff(viewer):
        query = query.where(db.false())
    if station_id is not None:
        query = query.where(Employer.station_id == station_id)
    if text:
        pattern = f"%{text}%"
        query = query.where(or_(Employer.name.ilike(pattern), Employer.industry.ilike(pattern),
                                Employer.park.ilike(pattern)))
    return query


# --- visits (岗位开发) -----------------------------------------------------------------------------

def record_visit(employer: Employer, *, actor: User, visited_on, visitors="", agreed="") -> Visit:
    """A company visit by staff of the employer's station: when, who went, what was agreed."""
    if not access.may_edit_employer(actor, employer):
        raise Forbidden("forbidden", _("您无权为该用人单位记录走访。"))
    if not isinstance(visited_on, date) or visited_on > today_local() or visited_on.year < 2000:
        raise ServiceError("invalid_field", _("走访日期不合理。"), field="visited_on")
    visit = Visit(employer=employer, station_id=employer.station_id or actor.station_id, visited_on=visited_on,
                  visitors=clean_text(visitors, "visitors", 200) or actor.name,
                  agreed=clean_text(agreed, "agreed", 2000), created_by_id=actor.id)
    if visit.station_id is None:
        raise ServiceError("invalid_field", _("请先为该用人单位指定负责的乐业空间。"), field="station")
    db.session.add(visit)
    db.session.flush()
    record("employer.visit", visit, actor=actor, employer_id=employer.id)
    return visit


def visits_of(employer: Employer) -> list[Visit]:
    return db.session.execute(db.select(Visit).filter_by(employer_id=employer.id)
                              .order_by(Visit.visited_on.desc(), Visit.id.desc())).scalars().all()


# --- posts ------------------------------------------------------------------------------------

def post_or_404(post_id) -> Post:
    post = get_row(Post, post_id)
    if post is None:
        raise NotFound("not_found", _("找不到该岗位。"))
    return post


def may_see_post(viewer, post: Post) -> bool:
    """Open posts are public; others only for their employer and staff."""
    return post.status == PostStatus.OPEN or access.acts_for(viewer, post.employer_id) or \
        access.is_employer_staff(viewer)


def visible_post(post_id, viewer) -> Post:
    post = post_or_404(post_id)
    if not may_see_post(viewer, post):
        raise NotFound("not_found", _("找不到该岗位。"))
    return post


def _string_list(value, field: str, allowed=None, *, max_items=TAGS_MAX, max_length=TAG_MAX) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ServiceError("invalid_field", _("此字段应为字符串数组。"), field=field)
    items = list(dict.fromkeys(item.strip() for item in value if item.strip()))
    if len(items) > max_items or any(len(item) > max_length for item in items):
        raise ServiceError("invalid_field", _("最多 %(n)d 项，每项最多 %(m)d 个字。", n=max_items, m=max_length),
                           field=field)
    if allowed is not None and any(item not in allowed for item in items):
        raise ServiceError("invalid_field", _("取值无效，可选：%(values)s。", values=", ".join(allowed)), field=field)
    return items


def _apply_post_fields(post: Post, fields: dict) -> None:
    for name, max_length in POST_TEXT_FIELDS.items():
        if name in fields:
            setattr(post, name, clean_text(fields[name], name, max_length, required=name == "title"))
    if "headcount" in fields:
        post.headcount = _bounded_int(fields["headcount"], "headcount", 1, HEADCOUNT_MAX, nullable=False)
    for name in ("salary_min", "salary_max"):
        if name in fields:
            setattr(post, name, _bounded_int(fields[name], name, 0, SALARY_MAX))
    if post.salary_min is not None and post.salary_max is not None and post.salary_min > post.salary_max:
        raise ServiceError("invalid_field", _("最低薪资不能高于最高薪资。"), field="salary_min")
    if "experience_years" in fields:
        post.experience_years = _bounded_int(fields["experience_years"], "experience_years", 0, EXPERIENCE_MAX)
    if "education" in fields:
        value = fields["education"] or None
        if value is not None and value not in Education.values():
            raise ServiceError("invalid_field", _("学历要求无效，可选：%(values)s。",
                                                  values=", ".join(Education.values())), field="education")
        post.education = value
    if "tags" in fields:
        post.tags = _string_list(fields["tags"], "tags")
    if "welcome_categories" in fields:
        post.welcome_categories = _string_list(fields["welcome_categories"], "welcome_categories",
                                               SeekerCategory.values(), max_items=len(SeekerCategory))
    if "closes_on" in fields:
        value = fields["closes_on"]
        if value is not None and (not isinstance(value, date) or not 2000 <= value.year <= 2100):
            raise ServiceError("invalid_field", _("截止日期不合理。"), field="closes_on")
        post.closes_on = value
    if "status" in fields:
        if fields["status"] not in PostStatus.values():
            raise ServiceError("invalid_field", _("状态无效，可选：%(values)s。", values=", ".join(PostStatus.values())),
                               field="status")
        post.status = PostStatus(fields["status"])


def _flush_post(post: Post) -> None:
    with db.session.no_autoflush:
        clash = db.session.execute(db.select(Post.id).where(Post.employer_id == post.employer.id,
                                                            Post.title == post.title, Post.id != (post.id or 0))).first()
    if clash:
        raise Conflict("post_exists", _("该单位已有同名岗位。"), field="title", post_id=clash[0])
    db.session.flush()


def create_post(employer: Employer, fields: dict, *, actor: User) -> Post:
    """A new post of ``employer`` (staff of its station or the employer): counts as 岗位开发 for the
    station that developed it (the employer's station, else the actor's)."""
    if not access.may_manage_posts(actor, employer):
        raise Forbidden("forbidden", _("您无权为该单位发布岗位。"))
    post = Post(employer=employer, station_id=employer.station_id or actor.station_id, title="", headcount=1,
                tags=[], welcome_categories=[], status=PostStatus.OPEN, created_by_id=actor.id)
    _apply_post_fields(post, {"title": None, **fields})
    db.session.add(post)
    _flush_post(post)
    record("post.create", post, actor=actor, employer_id=employer.id, headcount=post.headcount)
    return post


def update_post(post: Post, fields: dict, *, actor: User) -> Post:
    if not access.may_manage_posts(actor, post.employer):
        raise Forbidden("forbidden", _("您无权修改该岗位。"))
    _apply_post_fields(post, fields)
    _flush_post(post)
    record("post.update", post, actor=actor, fields=sorted(fields))
    return post


def posts_query(viewer=None, *, text=None, station_id=None, employer_id=None, event_id=None,
                include_closed: bool = False):
    """Posts, newest first: open ones (and not past their closing date) for everyone; with
    ``include_closed`` also closed and filled ones, for staff and for the employer's own."""
    query = db.select(Post).join(Post.employer).order_by(Post.created_at.desc(), Post.id.desc())
    public = db.and_(Post.status == PostStatus.OPEN, or_(Post.closes_on.is_(None), Post.closes_on >= today_local()))
    own_employer_id = getattr(viewer, "employer_id", None)
    if not include_closed:
        query = query.where(public)
    elif access.acts_for(viewer, own_employer_id):
        query = query.where(or_(public, Post.employer_id == own_employer_id))
    elif not access.is_employer_staff(viewer):
        query = query.where(public)
    if text:
        pattern = f"%{text}%"
        query = query.where(or_(Post.title.ilike(pattern), Post.description.ilike(pattern),
                                Post.location.ilike(pattern), Employer.name.ilike(pattern)))
    if station_id is not None:
        query = query.where(Post.station_id == station_id)
    if employer_id is not None:
        query = query.where(Post.employer_id == employer_id)
    if event_id is not None:
        query = query.where(Post.id.in_(_event_post_ids(event_id)))
    return query


def _event_post_ids(event_id: int):
    return db.select(booth_posts.c.post_id).join(Booth, Booth.id == booth_posts.c.booth_id).where(
        Booth.event_id == event_id)


# --- booths -----------------------------------------------------------------------------------

def event_or_404(event_id) -> Event:
    event = get_row(Event, event_id)
    if event is None:
        raise NotFound("not_found", _("活动不存在。"))
    return event


def set_booth(event: Event, *, employer_id, booth="", post_ids=(), actor: User) -> Booth:
    """Put an employer at a job fair or interview session (or change its booth number and posts).
    The posts must be the employer's own and open."""
    if not access.may_organize_event(actor, event):
        raise Forbidden("forbidden", _("只有本乐业空间的活动组织者可以安排展位。"))
    if event.kind not in FAIR_KINDS:
        raise ServiceError("not_a_fair", _("只有校园招聘会和专场面试会可以安排展位。"))
    if event.status == EventStatus.CANCELLED:
        raise ServiceError("event_cancelled", _("该活动已取消。"))
    employer = get_row(Employer, employer_id)
    if employer is None:
        raise ServiceError("invalid_field", _("找不到该用人单位。"), field="employer_id")
    posts = []
    for post_id in dict.fromkeys(post_ids or ()):
        post = get_row(Post, post_id)
        if post is None or post.employer_id != employer.id:
            raise ServiceError("invalid_field", _("只能选择该单位自己的岗位。"), field="post_ids")
        posts.append(post)
    row = db.session.execute(db.select(Booth).filter_by(event_id=event.id, employer_id=employer.id)).scalar_one_or_none()
    if row is None:
        row = Booth(event=event, employer=employer)
        db.session.add(row)
    row.booth = clean_text(booth, "booth", 20)
    row.posts = posts
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise Conflict("booth_exists", _("该单位已在本活动中。")) from None
    record("event.booth", event, actor=actor, employer_id=employer.id, booth=row.booth)
    return row


def booths_of(event_id: int, *, text: str | None = None) -> list[Booth]:
    """The employers at an event, by booth number; ``text`` searches employer names and post titles."""
    query = db.select(Booth).join(Booth.employer).where(Booth.event_id == event_id)
    if text:
        pattern = f"%{text}%"
        query = query.where(or_(Employer.name.ilike(pattern), Employer.industry.ilike(pattern),
                                Booth.id.in_(db.select(Booth.id).join(Booth.posts).where(Post.title.ilike(pattern)))))
    booths = db.session.execute(query).scalars().all()
    return sorted(booths, key=lambda b: (_booth_sort_key(b.booth), b.employer.name))


def _booth_sort_key(label: str):
    digits = "".join(ch for ch in label if ch.isdigit())
    return (label.rstrip("0123456789"), int(digits) if digits else 10**9, label)


def booths_of_employer(employer_id: int) -> list[Booth]:
    """The fairs an employer attends, soonest first."""
    booths = db.session.execute(db.select(Booth).filter_by(employer_id=employer_id)).scalars().all()
    return sorted(booths, key=lambda b: (b.event.starts_at is None, b.event.starts_at or utcnow()))


def upcoming_events_for_post(post: Post, now=None) -> list[Event]:
    """Published fairs and interview sessions still to come where one meets the post's employer."""
    now = now or utcnow()
    events = [b.event for b in booths_of_employer(post.employer_id)]
    return [e for e in events if e.status == EventStatus.PUBLISHED and e.ends_at and e.ends_at > now]


# --- employer accounts ------------------------------------------------------------------------

def create_employer_account(employer: Employer, *, actor: User, email, name, password, phone=None) -> User:
    """A recruiter's login for ``employer``: organizers (and counselors) of its station, admins."""
    if not access.may_edit_employer(actor, employer):
        raise Forbidden("forbidden", _("您无权为该单位创建账号。"))
    return create_user(role=Role.EMPLOYER, password=password, name=name, email=email, phone=phone,
                       employer_id=employer.id, actor=actor)


def employer_accounts(employer: Employer) -> list[User]:
    return db.session.execute(db.select(User).filter_by(employer_id=employer.id).order_by(User.id)).scalars().all()


def development_counts(station_id: int | None, start, end) -> dict:
    """岗位开发 between ``start`` and ``end`` (UTC): posts and headcount developed, company visits."""
    # Posts a counselor only named on a case have no station: they were not developed by one.
    posts = db.select(func.count(Post.id), func.coalesce(func.sum(Post.headcount), 0)).where(
        Post.station_id.isnot(None), Post.created_at >= start, Post.created_at < end)
    visits = db.select(func.count(Visit.id)).where(Visit.visited_on >= start.date(), Visit.visited_on < end.date())
    if station_id is not None:
        posts = posts.where(Post.station_id == station_id)
        visits = visits.where(Visit.station_id == station_id)
    count, headcount = db.session.execute(posts).one()
    return {"posts_developed": count, "headcount_developed": int(headcount),
            "company_visits": db.session.scalar(visits)}
