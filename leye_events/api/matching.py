"""API: matching (岗位推介) — the seeker's matching profile, ranked posts and seekers, referrals."""
import re
from datetime import date

from flask import jsonify
from flask_babel import gettext as _

from ..accounts.models import Role
from ..core.errors import Forbidden
from ..core.masking import mask_name, mask_phone
from ..core.timeutil import isoformat_local
from ..core.urls import MAX_ID
from ..extensions import db
from ..matching import referrals, services
from . import bp
from .auth import api_user, require_roles
from .parsing import MISSING, integer, invalid_field, json_body, query_int, text

ANY_ROLE = tuple(Role)


def post_json(post) -> dict:
    return {
        "id": post.id, "title": post.title,
        "employer": {"id": post.employer.id, "name": post.employer.name} if post.employer else None,
        "location": post.location or None, "salary_min": post.salary_min, "salary_max": post.salary_max,
        "education": post.education.value if post.education else None,
        "experience_years": post.experience_years, "tags": list(post.tags or []),
        "closes_on": post.closes_on.isoformat() if post.closes_on else None, "status": post.status.value,
    }


def profile_json(profile) -> dict:
    return {"seeker_id": profile.seeker_id, "education": profile.education.value if profile.education else None,
            "skills": profile.skills or "", "wished_posts": profile.wished_posts or "",
            "wished_places": profile.wished_places or "", "salary_wish": profile.salary_wish}


@bp.get("/seekers/<int:seeker_id>/matches")
@require_roles(*ANY_ROLE)
def get_seeker_matches(seeker_id: int):
    """Open posts ranked for the seeker (counselors of the seeker's station)."""
    matches = services.matches_for_seeker(seeker_id, viewer=api_user(),
                                          limit=query_int("limit", default=20, minimum=1, maximum=100))
    body = {"matches": [{"post": post_json(m.post), "score": m.score, "reasons": m.reasons} for m in matches]}
    db.session.commit()  # a case opened on first sight
    return jsonify(body)


@bp.get("/me/matches")
@require_roles(Role.SEEKER)
def get_my_matches():
    """Posts for you: open posts ranked for the calling seeker."""
    matches = services.posts_for_seeker(api_user(), limit=query_int("limit", default=10, minimum=1, maximum=100))
    return jsonify({"matches": [{"post": post_json(m.post), "score": m.score, "reasons": m.reasons}
                                for m in matches]})


@bp.get("/posts/<int:post_id>/matches")
@require_roles(*ANY_ROLE)
def get_post_matches(post_id: int):
    """Seekers of the caller's station ranked for the post, masked (counselors, organizers)."""
    matches = services.seekers_for_post(post_id, viewer=api_user(),
                                        limit=query_int("limit", default=20, minimum=1, maximum=100))
    return jsonify({"matches": [{
        "seeker": {"id": m.seeker.id, "name": mask_name(m.seeker.name), "phone": mask_phone(m.seeker.phone) or None,
                   "graduation_year": m.seeker.graduation_year},
        "score": m.score, "reasons": m.reasons} for m in matches]})


@bp.get("/seekers/<int:seeker_id>/profile")
@require_roles(*ANY_ROLE)
def get_profile(seeker_id: int):
    """The matching profile: the seeker themselves, counselors of their station."""
    seeker = services.seeker_or_404(seeker_id)
    if not services.may_edit_profile(api_user(), seeker):
        raise Forbidden("forbidden", _("您无权查看该求职者的求职意向。"))
    return jsonify(profile_json(services.profile_of(seeker)))


def profile_values(body: dict) -> dict:
    """The matching-profile fields present in ``body``, checked (null clears a field)."""
    values = {}
    for name in ("education", "skills", "wished_posts", "wished_places"):
        value = text(body, name)
        if value is not MISSING:
            values[name] = value
    salary = integer(body, "salary_wish", nullable=True, minimum=0, maximum=services.SALARY_WISH_MAX)
    if salary is not MISSING:
        values["salary_wish"] = salary
    return values


@bp.patch("/seekers/<int:seeker_id>/profile")
@require_roles(*ANY_ROLE)
def patch_profile(seeker_id: int):
    """Change the matching profile (any subset of its fields; null clears)."""
    values = profile_values(json_body())
    profile = services.update_profile(services.seeker_or_404(seeker_id), actor=api_user(), **values)
    db.session.commit()
    return jsonify(profile_json(profile))


def referral_json(referral) -> dict:
    consent = referrals.consent_of(referral)
    return {
        "id": referral.id, "case_id": referral.case_id, "post_id": referral.post_id,
        "employer_id": referral.employer_id, "result": referral.result.value,
        "consent": consent.method.value if consent else None,
        "consent_recorded_at": isoformat_local(consent.recorded_at) if consent else None,
        "created_at": isoformat_local(referral.created_at),
    }


@bp.post("/seekers/<int:seeker_id>/referrals")
@require_roles(*ANY_ROLE)
def post_referral(seeker_id: int):
    """Refer the seeker to a post with their consent (422 ``consent_required`` without it)."""
    body = json_body()
    post_id = integer(body, "post_id", required=True, minimum=1, maximum=MAX_ID)
    consent = text(body, "consent")
    note = text(body, "note")
    referral = referrals.refer(seeker_id, actor=api_user(), post_id=post_id,
                               consent=None if consent is MISSING else consent,
                               note=None if note is MISSING else note)
    db.session.commit()
    return jsonify(referral_json(referral)), 201


@bp.post("/referrals/<int:referral_id>/result")
@require_roles(*ANY_ROLE)
def post_referral_result(referral_id: int):
    """The result of a referral, from a counselor of the case or the post's employer."""
    body = json_body()
    result = text(body, "result", required=True)
    note = text(body, "note")
    start = text(body, "start_date")
    start_date = None
    if start not in (MISSING, None):
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", start):
            raise invalid_field("start_date", _("日期格式应为 2026-12-03。"))
        try:
            start_date = date.fromisoformat(start)
        except ValueError:
            raise invalid_field("start_date", _("日期格式应为 2026-12-03。")) from None
    referral = referrals.set_result(referral_id, actor=api_user(), result=result,
                                    note=None if note is MISSING else note, start_date=start_date)
    db.session.commit()
    return jsonify(referral_json(referral))


@bp.get("/posts/<int:post_id>/referrals")
@require_roles(*ANY_ROLE)
def get_post_referrals(post_id: int):
    """Referrals to the post, like applications: name, phone, school, graduation year (never the category,
    nor the case: the employer sees this list)."""
    rows = referrals.referrals_of_post(post_id, viewer=api_user())
    result = []
    for referral, consent in rows:
        seeker = referral.case.seeker
        shown = {key: value for key, value in referral_json(referral).items() if key != "case_id"}
        result.append({**shown, "consent": consent.method.value,
                       "seeker": {"id": seeker.id, "name": seeker.name, "phone": seeker.phone,
                                  "school": seeker.school, "graduation_year": seeker.graduation_year}})
    return jsonify({"referrals": result})
