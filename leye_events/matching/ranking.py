"""The fast part of matching: per-post and per-seeker facts and token lists cached in the process,
BM25 indexes cached by a signature of what they hold, and the structured points of a pair.

Requests read only ids, change stamps and a few small columns; posts and profiles are segmented
by jieba once per change (``updated_at``), so ranking 2,000 posts or 20,000 seekers is a loop over
cached facts. An employer's industry is read with its posts; renaming it refreshes a post's
tokens when the post itself next changes.
"""
import time
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import DateTime, String, func, type_coerce
from sqlalchemy.orm import joinedload

from ..accounts.models import SEEKER_CATEGORY_LABELS, SeekerCategory, User
from ..cases.models import Case
from ..employers.models import EDUCATION_LABELS, Education, Post, PostStatus
from ..extensions import db
from .bm25 import Bm25Index
from .models import SeekerProfile
from .text import phrases, tokens

EDUCATION_RANK = {education.value: rank for rank, education in enumerate(Education)}
TEXT_POINTS, CATEGORY_POINTS, EDUCATION_POINTS, GRADUATE_POINTS, PLACE_POINTS, SALARY_POINTS = 50, 10, 15, 5, 10, 10
EDUCATION_PENALTY, SALARY_PENALTY = 30, 15
CHUNK = 500


@dataclass(slots=True)
class PostFacts:
    id: int
    education: str | None
    welcome: frozenset
    location: str
    salary_max: int | None
    no_experience: bool
    created: float
    tokens: list
    stamp: object = None


@dataclass(slots=True)
class SeekerFacts:
    id: int
    category: str | None
    graduation_year: int | None
    education: str | None
    salary_wish: int | None
    places: list
    tokens: list
    wished: frozenset
    stamp: object = None


POOL_SECONDS = 60
MAX_STRUCTURED = CATEGORY_POINTS + EDUCATION_POINTS + GRADUATE_POINTS + PLACE_POINTS + SALARY_POINTS

_posts: dict[int, tuple] = {}
_pools: dict[int, tuple] = {}
_seeker_texts: dict[int, tuple] = {}
_indexes: dict[str, tuple] = {}


def post_text_tokens(post: Post) -> list[str]:
    """Title (twice: it says most), tags, description and the employer's industry, segmented."""
    text = " ".join([post.title, post.title, " ".join(post.tags or []), post.description or "",
                     post.employer.industry if post.employer else ""])
    return tokens(text)


def _post_facts(post: Post) -> PostFacts:
    return PostFacts(id=post.id, stamp=(post.id, post.updated_at), education=post.education.value if post.education else None,
                     welcome=frozenset(post.welcome_categories or []), location=(post.location or "").lower(),
                     salary_max=post.salary_max, no_experience=not post.experience_years,
                     created=post.created_at.timestamp(), tokens=post_text_tokens(post))


def open_post_facts(today: date) -> list[PostFacts]:
    """Facts of the open posts (not closed, filled or past their closing day), refreshed where changed."""
    rows = db.session.execute(db.select(Post.id, type_coerce(Post.updated_at, DateTime)).filter(
        Post.status == PostStatus.OPEN, Post.closes_on.is_(None) | (Post.closes_on >= today)).order_by(Post.id)).all()
    stamps = dict(rows)
    stale = [post_id for post_id, stamp in rows if _posts.get(post_id, (None,))[0] != stamp]
    for start in range(0, len(stale), CHUNK):
        for post in db.session.execute(db.select(Post).filter(Post.id.in_(stale[start:start + CHUNK]))
                                       .options(joinedload(Post.employer))).scalars():
            _posts[post.id] = (stamps[post.id], _post_facts(post))
    return [_posts[post_id][1] for post_id, _stamp in rows if post_id in _posts]


def seeker_facts(seeker, profile: SeekerProfile) -> SeekerFacts:
    """Facts of one seeker from their account and profile (no cache: used for one seeker at a time)."""
    return SeekerFacts(id=seeker.id, category=seeker.category.value if seeker.category else None,
                       graduation_year=seeker.graduation_year,
                       education=profile.education.value if profile.education else None,
                       salary_wish=profile.salary_wish, places=phrases(profile.wished_places),
                       tokens=tokens(f"{profile.skills} {profile.wished_posts}"),
                       wished=frozenset(tokens(profile.wished_posts)))


def station_seeker_facts(candidates) -> list[SeekerFacts]:
    """Facts of the seekers the ``candidates`` select picks (a select of ``User.id``), with their
    profile texts segmented once per profile change."""
    rows = db.session.execute(
        db.select(User.id, type_coerce(User.category, String), User.graduation_year,
                  type_coerce(SeekerProfile.updated_at, DateTime),
                  type_coerce(SeekerProfile.education, String), SeekerProfile.salary_wish)
        .outerjoin(SeekerProfile, SeekerProfile.seeker_id == User.id).filter(User.id.in_(candidates))
        .order_by(User.id)).all()
    stamps = {row[0]: row[3] for row in rows}
    stale = [row[0] for row in rows if row[3] is not None and _seeker_texts.get(row[0], (None,))[0] != row[3]]
    for start in range(0, len(stale), CHUNK):
        for profile in db.session.execute(db.select(SeekerProfile).filter(
                SeekerProfile.seeker_id.in_(stale[start:start + CHUNK]))).scalars():
            _seeker_texts[profile.seeker_id] = (
                stamps[profile.seeker_id], phrases(profile.wished_places),
                tokens(f"{profile.skills} {profile.wished_posts}"), frozenset(tokens(profile.wished_posts)))
    empty = (None, [], [], frozenset())
    facts = []
    for seeker_id, category, year, stamp, education, salary in rows:
        _stamp, places, words, wished = _seeker_texts.get(seeker_id, empty) if stamp is not None else empty
        facts.append(SeekerFacts(seeker_id, category, year, education, salary, places, words, wished, stamp))
    return facts


def station_pool(station_id: int, candidates) -> tuple[list[SeekerFacts], Bm25Index]:
    """The station's candidate seekers and a BM25 index of their profiles, kept for POOL_SECONDS and
    rebuilt sooner when any profile or any of the station's cases changed (in any process)."""
    profiles = db.session.execute(db.select(func.count(), func.max(type_coerce(SeekerProfile.updated_at, DateTime)))
                                  .select_from(SeekerProfile)).one()
    cases = db.session.execute(db.select(func.count(), func.max(type_coerce(Case.updated_at, DateTime)))
                               .filter(Case.station_id == station_id)).one()
    signature = (tuple(profiles), tuple(cases))
    cached = _pools.get(station_id)
    now = time.monotonic()
    if cached is None or cached[0] != signature or cached[1] < now:
        seekers = station_seeker_facts(candidates)
        pool_index = Bm25Index({s.id: s.tokens for s in seekers if s.tokens})
        cached = (signature, now + POOL_SECONDS, seekers, pool_index)
        _pools[station_id] = cached
    return cached[2], cached[3]


def forget() -> None:
    """Drop every cache (tests; a changed vocabulary)."""
    _posts.clear()
    _seeker_texts.clear()
    _indexes.clear()
    _pools.clear()


def index(name: str, documents: dict[int, list[str]], signature) -> Bm25Index:
    """A BM25 index of ``documents``, rebuilt only when ``signature`` changes."""
    cached = _indexes.get(name)
    if cached is None or cached[0] != signature:
        cached = (signature, Bm25Index(documents))
        _indexes[name] = cached
    return cached[1]


def text_points(bm25: float) -> float:
    return TEXT_POINTS * bm25 / (bm25 + 4.0) if bm25 > 0 else 0.0


def evaluate(seeker: SeekerFacts, post: PostFacts, station_words: list[str], year: int,
             *, words: bool = False) -> tuple[int, list[str]]:
    """The structured points of the pair and, when ``words``, the reasons for them (see services)."""
    points, reasons = 0, []
    if post.welcome and seeker.category:
        if seeker.category in post.welcome:
            points += CATEGORY_POINTS
            if words:
                reasons.append(_("岗位欢迎%(category)s",
                                 category=SEEKER_CATEGORY_LABELS[SeekerCategory(seeker.category)]))
        else:
            points -= CATEGORY_POINTS
    if post.education and seeker.education:
        if EDUCATION_RANK[seeker.education] >= EDUCATION_RANK[post.education]:
            points += EDUCATION_POINTS
            if words:
                reasons.append(_("学历符合要求（%(education)s及以上）",
                                 education=EDUCATION_LABELS[Education(post.education)]))
        else:
            points -= EDUCATION_PENALTY
    if seeker.graduation_year and year - 2 <= seeker.graduation_year <= year and post.no_experience:
        points += GRADUATE_POINTS
        if words:
            reasons.append(_("%(year)d届毕业生，岗位不要求工作经验", year=seeker.graduation_year))
    if post.location:
        places = [place for place in seeker.places if place.lower() in post.location]
        if places:
            points += PLACE_POINTS
            if words:
                reasons.append(_("工作地点在意向区域：%(places)s", places="、".join(places[:3])))
        elif any(word in post.location for word in station_words):
            points += PLACE_POINTS
            if words:
                reasons.append(_("工作地点离您所在街道近"))
    if seeker.salary_wish and post.salary_max:
        if post.salary_max >= seeker.salary_wish:
            points += SALARY_POINTS
            if words:
                reasons.append(_("薪资可达期望（%(wish)d 元/月）", wish=seeker.salary_wish))
        else:
            points -= SALARY_PENALTY
    return points, reasons


def text_reasons(matched: list[str], wished: frozenset) -> list[str]:
    """The matched words in words: those from the wished posts, then the skills."""
    if not matched:
        return []
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
