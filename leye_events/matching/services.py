"""The seeker's matching profile, and ranking: open posts for a seeker, a station's seekers for a post.

A match's score (0–100) adds up:
- text (up to 50): BM25 of the seeker's skills and wished posts against the post's title (counted
  twice), tags, description and the employer's industry, all segmented by jieba;
- category (10): the post welcomes the seeker's category (when it names none, everyone is welcome:
  no points, no penalty; when it names others, −10);
- education (15): the seeker has at least the required education (−30 below it; unknown: 0);
- graduates (5): a recent graduate (graduation year this year or the last two) and a post asking
  for no experience;
- place (10): the post's location names one of the seeker's wished places or their station;
- salary (10): the post's top salary reaches the seeker's wish (−15 when it does not).
Closed, filled and expired posts never appear. Reasons are the positive parts, in words.
"""
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from ..accounts.models import SEEKER_CATEGORY_LABELS, Role, User
from ..audit.services import record
from ..cases.models import Case, CaseStatus
from ..cases.services import case_for, may_work_case
from ..core.errors import Forbidden, NotFound, ServiceError
from ..core.timeutil import to_local, utcnow
from ..employers.models import EDUCATION_LABELS, Education, Post, PostStatus
from ..extensions import db
from .bm25 import Bm25Index
from .models import SeekerProfile
from .text import phrases, tokens

EDUCATION_ORDER = list(Education)
TEXT_POINTS, CATEGORY_POINTS, EDUCATION_POINTS, GRADUATE_POINTS, PLACE_POINTS, SALARY_POINTS = 50, 10, 15, 5, 10, 10
EDUCATION_PENALTY, SALARY_PENALTY = 30, 15
LIMIT_MAX = 100
PROFILE_LIMITS = {"skills": 500, "wished_posts": 300, "wished_places": 300}
SALARY_WISH_MAX = 200000


# --- the profile --------------------------------------------------------------------------------

def profile_of(seeker: User) -> SeekerProfile:
    """The seeker's profile (a blank one, not yet stored, when they have none)."""
    return db.session.get(SeekerProfile, seeker.id) or SeekerProfile(seeker_id=seeker.id, skills="", wished_posts="",
                                                                     wished_places="")


def may_edit_profile(user, seeker: User) -> bool:
    """The seeker themselves, and counselors (and admins) who may work the seeker's case."""
    if user is None or seeker is None or seeker.role != Role.SEEKER:
        return False
    if user.id == seeker.id:
        return True
    case = db.session.execute(db.select(Case).filter_by(seeker_id=seeker.id)).scalar_one_or_none()
    return case is not None and may_work_case(user, case)


def seeker_or_404(seeker_id) -> User:
    seeker = db.session.get(User, seeker_id) if isinstance(seeker_id, int) else None
    if seeker is None or seeker.role != Role.SEEKER:
        raise NotFound("not_found", _("求职者不存在。"))
    return seeker


def update_profile(seeker: User, *, actor: User, **values) -> SeekerProfile:
    """Change any of education, skills, wished_posts, wished_places, salary_wish (None clears)."""
    if not may_edit_profile(actor, seeker):
        raise Forbidden("forbidden", _("您无权修改该求职者的求职意向。"))
    profile = db.session.get(SeekerProfile, seeker.id)
    if profile is None:
        profile = SeekerProfile(seeker_id=seeker.id, skills="", wished_posts="", wished_places="")
        db.session.add(profile)
    if "education" in values:
        education = values["education"]
        try:
            profile.education = Education(education) if education not in (None, "") else None
        except ValueError:
            raise ServiceError("invalid_field", _("学历无效。"), field="education") from None
    for name, limit in PROFILE_LIMITS.items():
        if name in values:
            text = values[name]
            text = (text or "").strip() if isinstance(text, (str, type(None))) else None
            if text is None or len(text) > limit:
                raise ServiceError("invalid_field", _("内容过长（不超过 %(max)d 字）。", max=limit), field=name)
            setattr(profile, name, text)
    if "salary_wish" in values:
        wish = values["salary_wish"]
        if wish is not None and (isinstance(wish, bool) or not isinstance(wish, int) or not 0 <= wish <= SALARY_WISH_MAX):
            raise ServiceError("invalid_field", _("期望月薪应在 0 到 %(max)d 元之间。", max=SALARY_WISH_MAX),
                               field="salary_wish")
        profile.salary_wish = wish
    profile.updated_at = utcnow()
    db.session.flush()
    record("matching.profile", seeker, actor=actor, station_id=seeker.station_id)
    return profile


# --- cached token lists -------------------------------------------------------------------------

_post_cache: dict[int, tuple] = {}
_seeker_cache: dict[int, tuple] = {}
_index_cache: dict[str, tuple] = {}


def post_text_tokens(post: Post) -> list[str]:
    text = " ".join([post.title, post.title, " ".join(post.tags or []), post.description or "",
                     post.employer.industry if post.employer else ""])
    return tokens(text)


def _post_tokens(post: Post) -> list[str]:
    stamp = (post.updated_at, post.title)
    cached = _post_cache.get(post.id)
    if cached is None or cached[0] != stamp:
        cached = (stamp, post_text_tokens(post))
        _post_cache[post.id] = cached
    return cached[1]


def _seeker_tokens(profile: SeekerProfile) -> list[str]:
    stamp = profile.updated_at
    cached = _seeker_cache.get(profile.seeker_id)
    if cached is None or cached[0] != stamp:
        cached = (stamp, tokens(f"{profile.skills} {profile.wished_posts}"))
        _seeker_cache[profile.seeker_id] = cached
    return cached[1]


def _index(name: str, documents: dict[int, list[str]], signature) -> Bm25Index:
    cached = _index_cache.get(name)
    if cached is None or cached[0] != signature:
        cached = (signature, Bm25Index(documents))
        _index_cache[name] = cached
    return cached[1]


# --- scoring ------------------------------------------------------------------------------------

@dataclass
class Match:
    score: int
    reasons: list = field(default_factory=list)
    post: Post | None = None
    seeker: User | None = None


def open_posts_query(today: date):
    """Open posts that are still taking people (not closed, filled or past their closing day)."""
    return (db.select(Post).filter(Post.status == PostStatus.OPEN,
                                   (Post.closes_on.is_(None)) | (Post.closes_on >= today)))


def _structured(seeker: User, profile: SeekerProfile, post: Post, station_words: list[str],
                today: date, *, words: bool = True) -> tuple[int, list[str]]:
    """Points of the structured parts, and (when ``words``) the reasons in words."""
    points, reasons = 0, _Reasons(words)
    welcome = post.welcome_categories or []
    if welcome and seeker.category:
        if seeker.category.value in welcome:
            points += CATEGORY_POINTS
            reasons.append(lambda: _("岗位欢迎%(category)s", category=SEEKER_CATEGORY_LABELS[seeker.category]))
        else:
            points -= CATEGORY_POINTS
    if post.education and profile.education:
        if EDUCATION_ORDER.index(profile.education) >= EDUCATION_ORDER.index(post.education):
            points += EDUCATION_POINTS
            reasons.append(lambda: _("学历符合要求（%(education)s及以上）", education=EDUCATION_LABELS[post.education]))
        else:
            points -= EDUCATION_PENALTY
    if seeker.graduation_year and today.year - 2 <= seeker.graduation_year <= today.year and not post.experience_years:
        points += GRADUATE_POINTS
        reasons.append(lambda: _("%(year)d届毕业生，岗位不要求工作经验", year=seeker.graduation_year))
    location = (post.location or "").lower()
    places = [p for p in phrases(profile.wished_places) if p.lower() in location]
    if places:
        points += PLACE_POINTS
        reasons.append(lambda: _("工作地点在意向区域：%(places)s", places="、".join(places[:3])))
    elif location and any(word in location for word in station_words):
        points += PLACE_POINTS
        reasons.append(lambda: _("工作地点离您所在街道近"))
    if profile.salary_wish and post.salary_max:
        if post.salary_max >= profile.salary_wish:
            points += SALARY_POINTS
            reasons.append(lambda: _("薪资可达期望（%(wish)d 元/月）", wish=profile.salary_wish))
        else:
            points -= SALARY_PENALTY
    return points, [make() for make in reasons]


class _Reasons(list):
    """Reasons as callables that make the words; keeps nothing when reasons are not wanted (the
    first, scoring-only pass over thousands of candidates)."""

    def __init__(self, keep: bool):
        super().__init__()
        self.keep = keep

    def append(self, item) -> None:
        if self.keep:
            super().append(item)


def _text_points(bm25: float) -> float:
    return TEXT_POINTS * bm25 / (bm25 + 4.0) if bm25 > 0 else 0.0


def _text_reasons(matched: list[str], profile: SeekerProfile) -> list[str]:
    if not matched:
        return []
    wished = set(tokens(profile.wished_posts))
    wish_words = [w for w in matched if w in wished]
    skill_words = [w for w in matched if w not in wished]
    reasons = []
    if wish_words:
        reasons.append(_("符合求职意向：%(words)s", words="、".join(_longest(wish_words))))
    if skill_words:
        reasons.append(_("技能匹配：%(words)s", words="、".join(_longest(skill_words))))
    return reasons


def _longest(words: list[str], limit: int = 4) -> list[str]:
    """The matched words without those inside longer matched words (数据 inside 数据分析)."""
    kept = [w for w in words if not any(w != other and w in other for other in words)]
    return kept[:limit]


def _station_words(seeker: User) -> list[str]:
    station = seeker.station
    if station is None:
        return []
    name = station.name.replace("乐业空间", "").replace("街道", "").strip()
    return [w for w in [name.lower()] if len(w) >= 2]


# --- ranking ------------------------------------------------------------------------------------

def _require_counselor_of(user, case: Case) -> None:
    if user is None or user.role != Role.COUNSELOR or not may_work_case(user, case):
        raise Forbidden("forbidden", _("只有本乐业空间的服务专员可以为该求职者匹配岗位。"))


def posts_for_seeker(seeker: User, *, limit: int = 20, today: date | None = None) -> list[Match]:
    """Open posts ranked for the seeker, best first (posts with no score above zero left out)."""
    today = today or to_local(utcnow()).date()
    profile = profile_of(seeker)
    posts = db.session.execute(open_posts_query(today).options(joinedload(Post.employer))).scalars().all()
    documents = {post.id: _post_tokens(post) for post in posts}
    index = _index("posts", documents, tuple((p.id, p.updated_at) for p in posts))
    query = tokens(f"{profile.skills} {profile.wished_posts}")
    text_scores = index.scores(query)
    station_words = _station_words(seeker)
    scored = []
    for post in posts:
        points, _reasons = _structured(seeker, profile, post, station_words, today, words=False)
        score = round(max(0.0, min(100.0, _text_points(text_scores.get(post.id, 0.0)) + points)))
        if score > 0:
            scored.append((score, post))
    scored.sort(key=lambda item: (-item[0], -item[1].created_at.timestamp(), item[1].id))
    matches = []
    for score, post in scored[:limit]:
        _points, reasons = _structured(seeker, profile, post, station_words, today)
        matches.append(Match(score, _text_reasons(index.matched_terms(query, post.id), profile) + reasons, post=post))
    return matches


def matches_for_seeker(seeker_id, *, viewer: User, limit: int = 20) -> list[Match]:
    """What ``GET /seekers/{id}/matches`` shows: for counselors of the seeker's station."""
    seeker = seeker_or_404(seeker_id)
    _require_counselor_of(viewer, case_for(seeker))
    return posts_for_seeker(seeker, limit=min(max(limit, 1), LIMIT_MAX))


def post_or_404(post_id) -> Post:
    post = db.session.get(Post, post_id) if isinstance(post_id, int) else None
    if post is None:
        raise NotFound("not_found", _("岗位不存在。"))
    return post


def seekers_for_post(post_id, *, viewer: User, limit: int = 20, today: date | None = None) -> list[Match]:
    """Seekers of the viewer's station (an open case there, or no case and the station as home),
    ranked for the post (counselors, organizers).

    Closed or expired posts have no matches (409 ``post_not_open``)."""
    if viewer is None or viewer.role not in (Role.COUNSELOR, Role.ORGANIZER) or viewer.station_id is None:
        raise Forbidden("forbidden", _("只有乐业空间的服务专员和组织者可以查看岗位匹配。"))
    today = today or to_local(utcnow()).date()
    post = post_or_404(post_id)
    if post.status != PostStatus.OPEN or (post.closes_on is not None and post.closes_on < today):
        raise ServiceError("post_not_open", _("该岗位已关闭或已过截止日期。"), status=409)
    rows = db.session.execute(
        db.select(User, SeekerProfile).outerjoin(Case, Case.seeker_id == User.id)
        .outerjoin(SeekerProfile, SeekerProfile.seeker_id == User.id)
        .filter(User.role == Role.SEEKER, User.active.is_(True),
                ((Case.station_id == viewer.station_id) & Case.status.in_((CaseStatus.ACTIVE, CaseStatus.PAUSED)))
                | (Case.id.is_(None) & (User.station_id == viewer.station_id)))
    ).all()
    profiles = {user.id: (user, profile or SeekerProfile(seeker_id=user.id, skills="", wished_posts="",
                                                         wished_places="")) for user, profile in rows}
    with_text = {uid: _seeker_tokens(p) for uid, (_user, p) in profiles.items() if p.updated_at is not None}
    index = _index(f"seekers:{viewer.station_id}", with_text,
                   tuple(sorted((uid, p.updated_at) for uid, (_u, p) in profiles.items() if p.updated_at)))
    query = post_text_tokens(post)
    text_scores = index.scores(query)
    station_words = _station_words(viewer)
    scored = []
    for uid, (user, profile) in profiles.items():
        points, _reasons = _structured(user, profile, post, station_words, today, words=False)
        score = round(max(0.0, min(100.0, _text_points(text_scores.get(uid, 0.0)) + points)))
        if score > 0:
            scored.append((score, uid))
    scored.sort(key=lambda item: (-item[0], item[1]))
    matches = []
    for score, uid in scored[:min(max(limit, 1), LIMIT_MAX)]:
        user, profile = profiles[uid]
        _points, reasons = _structured(user, profile, post, station_words, today)
        matches.append(Match(score, _text_reasons(index.matched_terms(query, uid), profile) + reasons, seeker=user))
    return matches
