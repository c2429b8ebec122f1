"""API: matching (岗位推介) — the seeker's matching profile, ranked posts and seekers, referrals."""
from flask import jsonify, request
from flask_babel import gettext as _

from ..accounts.models import Role
from ..core.db import unit_of_work
from ..core.errors import Forbidden
from ..core.masking import mask_name, mask_phone
from ..core.timeutil import isoformat_local
from ..matching import referrals, services
from . import bp
from .auth import api_user, require_roles
from .models_matching import (
    LimitQuery,
    MatchReferral,
    PostMatches,
    PostReferrals,
    ReferralInput,
    ReferralResultInput,
    SeekerMatches,
    SeekerProfile,
    SeekerProfileInput,
)
from .schema import answers, body_values, declare

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
@declare(query=LimitQuery, resp=answers(200, PostMatches, "Matches, best first", errors=(400, 401, 403, 404)),
         tags=["matching"], operation_id="getSeekerMatches")
def get_seeker_matches(seeker_id: int):
    """Open posts ranked for the seeker (counselors of the seeker's station).

    jieba + BM25 on skills and wished posts, plus category, education, graduation year, place and salary;
    closed posts never appear."""
    with unit_of_work():  # a case opened on first sight
        matches = services.matches_for_seeker(seeker_id, viewer=api_user(), limit=request.context.query.limit or 20)
        body = {"matches": [{"post": post_json(m.post), "score": m.score, "reasons": m.reasons} for m in matches]}
    return jsonify(body)


@bp.get("/me/matches")
@require_roles(Role.SEEKER)
@declare(query=LimitQuery, resp=answers(200, PostMatches, "Matches, best first", errors=(400, 401, 403)),
         tags=["matching"], operation_id="getMyMatches")
def get_my_matches():
    """Posts for you: open posts ranked for the calling seeker."""
    matches = services.posts_for_seeker(api_user(), limit=request.context.query.limit or 10)
    return jsonify({"matches": [{"post": post_json(m.post), "score": m.score, "reasons": m.reasons}
                                for m in matches]})


@bp.get("/posts/<int:post_id>/matches")
@require_roles(*ANY_ROLE)
@declare(query=LimitQuery, resp=answers(200, SeekerMatches, "Matches, best first",
                                        errors=(400, 401, 403, 404, 409)),
         tags=["matching"], operation_id="getPostMatches")
def get_post_matches(post_id: int):
    """Seekers of the caller's station ranked for the post, masked (counselors, organizers).

    409 `post_not_open` for closed, filled or expired posts."""
    matches = services.seekers_for_post(post_id, viewer=api_user(), limit=request.context.query.limit or 20)
    return jsonify({"matches": [{
        "seeker": {"id": m.seeker.id, "name": mask_name(m.seeker.name), "phone": mask_phone(m.seeker.phone) or None,
                   "graduation_year": m.seeker.graduation_year},
        "score": m.score, "reasons": m.reasons} for m in matches]})


@bp.get("/seekers/<int:seeker_id>/profile")
@require_roles(*ANY_ROLE)
@declare(resp=answers(200, SeekerProfile, "The profile", errors=(401, 403, 404)), tags=["matching"],
         operation_id="getSeekerProfile")
def get_profile(seeker_id: int):
    """The matching profile: the seeker themselves, counselors of their station."""
    seeker = services.seeker_or_404(seeker_id)
    if not services.may_edit_profile(api_user(), seeker):
        raise Forbidden("forbidden", _("您无权查看该求职者的求职意向。"))
    return jsonify(profile_json(services.profile_of(seeker)))


@bp.patch("/seekers/<int:seeker_id>/profile")
@require_roles(*ANY_ROLE)
@declare(json=SeekerProfileInput, resp=answers(200, SeekerProfile, "The profile",
                                               errors=(400, 401, 403, 404, 422)),
         tags=["matching"], operation_id="patchSeekerProfile")
def patch_profile(seeker_id: int):
    """Change the matching profile (any subset of its fields; null clears): the seeker, counselors of their
    station."""
    values = body_values(request.context.json)
    with unit_of_work():
        profile = services.update_profile(services.seeker_or_404(seeker_id), actor=api_user(), **values)
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
@declare(json=ReferralInput, resp=answers(201, MatchReferral, "The referral",
                                          errors=(400, 401, 403, 404, 409, 422)),
         tags=["matching"], operation_id="referSeeker")
def post_referral(seeker_id: int):
    """Refer the seeker to a post with their consent (422 ``consent_required`` without it).

    Counselors of the seeker's station. 409 `post_not_open`, `already_referred`. Written on the case."""
    body = request.context.json
    with unit_of_work():
        referral = referrals.refer(seeker_id, actor=api_user(), post_id=body.post_id, consent=body.consent,
                                   note=body.note)
    return jsonify(referral_json(referral)), 201


@bp.post("/referrals/<int:referral_id>/result")
@require_roles(*ANY_ROLE)
@declare(json=ReferralResultInput, resp=answers(200, MatchReferral, "The referral",
                                                errors=(400, 401, 403, 404, 409, 422)),
         tags=["matching"], operation_id="setReferralResult")
def post_referral_result(referral_id: int):
    """The result of a referral, from a counselor of the case or the post's employer.

    As for applications; written on the case; `hired` records the employment outcome (once). 409
    `already_hired`."""
    body = request.context.json
    with unit_of_work():
        referral = referrals.set_result(referral_id, actor=api_user(), result=body.result, note=body.note,
                                        start_date=body.start_date)
    return jsonify(referral_json(referral))


@bp.get("/posts/<int:post_id>/referrals")
@require_roles(*ANY_ROLE)
@declare(resp=answers(200, PostReferrals, "Referrals, oldest first", errors=(401, 403, 404)),
         tags=["matching"], operation_id="getPostReferrals")
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
