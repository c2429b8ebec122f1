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
Closed, filled and expired posts never appear. Reasons are the positive parts, in words. The
scoring itself (cached facts, BM25 indexes) is in ``ranking``.
"""
import heapq
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from ..accounts.models import Role, User
from ..audit.services import record
from ..cases.access import may_work_case
from ..cases.models import Case, CaseStatus
from ..cases.operations import case_for
from ..core.db import get_row
from ..core.errors import Forbidden, NotFound, ServiceError
from ..core.timeutil import to_local, utcnow
from ..employers.models import Education, Post, PostStatus
from ..extensions import db
from . import ranking
from .models import SeekerProfile

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
    seeker = get_row(User, seeker_id)
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


@dataclass
class Match:
    score: int
    reasons: list = field(default_factory=list)
    post: Post | None = None
    seeker: User | None = None


def _station_words(station) -> list[str]:
    """The station's place name (长白新村街道乐业空间 → 长白新村), to recognise posts near it."""
    if station is None:
        return []
    name = station.name.replace("乐业空间", "").replace("街道", "").strip().lower()
    return [name] if len(name) >= 2 else []


# --- ranking ------------------------------------------------------------------------------------

def _require_counselor_of(user, case: Case) -> None:
    if user is None or user.role != Role.COUNSELOR or not may_work_case(user, case):
        raise Forbidden("forbidden", _("只有本乐业空间的服务专员可以为该求职者匹配岗位。"))


def posts_for_seeker(seeker: User, *, limit: int = 20, today: date | None = None) -> list[Match]:
    """Open posts ranked for the seeker, best first (posts with no score above zero left out)."""
    today = today or to_local(utcnow()).date()
    me = ranking.seeker_facts(seeker, profile_of(seeker))
    posts = ranking.open_post_facts(today)
    index = ranking.index("posts", {p.id: p.tokens for p in posts}, tuple(p.stamp for p in posts))
    text_scores = index.scores(me.tokens)
    station_words = _station_words(seeker.station)
    scored = []
    for post in posts:
        points, _none = ranking.evaluate(me, post, station_words, today.year)
        score = round(max(0.0, min(100.0, ranking.text_points(text_scores.get(post.id, 0.0)) + points)))
        if score > 0:
            scored.append((score, post))
    scored.sort(key=lambda item: (-item[0], -item[1].created, item[1].id))
    scored = scored[:limit]
    loaded = {p.id: p for p in db.session.execute(db.select(Post).filter(Post.id.in_([f.id for _s, f in scored]))
                                                  .options(joinedload(Post.employer))).scalars()}
    matches = []
    for score, post in scored:
        _points, reasons = ranking.evaluate(me, post, station_words, today.year, words=True)
        matches.append(Match(score, ranking.text_reasons(index.matched_terms(me.tokens, post.id), me.wished) + reasons,
                             post=loaded[post.id]))
    return matches


def matches_for_seeker(seeker_id, *, viewer: User, limit: int = 20) -> list[Match]:
    """What ``GET /seekers/{id}/matches`` shows: for counselors of the seeker's station."""
    seeker = seeker_or_404(seeker_id)
    _require_counselor_of(viewer, case_for(seeker))
    return posts_for_seeker(seeker, limit=min(max(limit, 1), LIMIT_MAX))


def post_or_404(post_id) -> Post:
    post = get_row(Post, post_id)
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
    candidates = (db.select(User.id).outerjoin(Case, Case.seeker_id == User.id)
                  .filter(User.role == Role.SEEKER, User.active.is_(True),
                          ((Case.station_id == viewer.station_id)
                           & Case.status.in_((CaseStatus.ACTIVE, CaseStatus.PAUSED)))
                          | (Case.id.is_(None) & (User.station_id == viewer.station_id))))
    seekers, index = ranking.station_pool(viewer.station_id, candidates)
    target = next((p for p in ranking.open_post_facts(today) if p.id == post.id), None)
    if target is None:
        raise ServiceError("post_not_open", _("该岗位已关闭或已过截止日期。"), status=409)
    limit = min(max(limit, 1), LIMIT_MAX)
    scored = _score_seekers(seekers, target, index.scores(target.tokens), _station_words(viewer.station),
                            today.year, limit)
    users = {u.id: u for u in db.session.execute(
        db.select(User).filter(User.id.in_([s.id for _score, s in scored]))).scalars()}
    matches = []
    for score, seeker in scored:
        _points, reasons = ranking.evaluate(seeker, target, _station_words(viewer.station), today.year,
                                            words=True)
        matched = ranking.text_reasons(index.matched_terms(target.tokens, seeker.id), seeker.wished)
        matches.append(Match(score, matched + reasons, seeker=users[seeker.id]))
    return matches


def _score_seekers(seekers, target, text_scores: dict, station_words, year: int, limit: int) -> list:
    """The best ``limit`` (score, seeker) pairs, without scoring everyone: seekers are taken by text
    score, highest first, and the walk stops once even MAX_STRUCTURED more points could not reach
    the list; seekers without a shared word (at most MAX_STRUCTURED points) are only scored when
    the list is not yet full above that."""
    def score_of(seeker, bm25: float) -> int:
        points, _none = ranking.evaluate(seeker, target, station_words, year)
        return round(max(0.0, min(100.0, ranking.text_points(bm25) + points)))

    best: list = []  # a min-heap of (score, -id, seeker)
    by_id = {s.id: s for s in seekers} if text_scores else {}

    def offer(seeker, bm25: float) -> None:
        score = score_of(seeker, bm25)
        if score > 0:
            item = (score, -seeker.id, seeker)
            if len(best) < limit:
                heapq.heappush(best, item)
            elif item[:2] > best[0][:2]:
                heapq.heapreplace(best, item)

    for seeker_id, bm25 in sorted(text_scores.items(), key=lambda item: -item[1]):
        if len(best) == limit and ranking.text_points(bm25) + ranking.MAX_STRUCTURED < best[0][0]:
            break
        if seeker_id in by_id:
            offer(by_id[seeker_id], bm25)
    if len(best) < limit or best[0][0] <= ranking.MAX_STRUCTURED:
        for seeker in seekers:
            if seeker.id not in text_scores:
                offer(seeker, 0.0)
    return [(score, seeker) for score, _id, seeker in sorted(best, key=lambda item: (-item[0], -item[1]))]
