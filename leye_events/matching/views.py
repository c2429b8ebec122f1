"""Matching pages: a seeker's matches for the counselor (profile, ranked posts, refer with consent),
and "posts for you" for the seeker (their own profile and ranked posts)."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.auth import roles_required
from ..accounts.models import Role
from ..core.db import unit_of_work
from ..core.errors import ServiceError
from . import referrals, services
from .forms import ProfileForm, ReferForm
from .models import CONSENT_METHOD_LABELS

bp = Blueprint("matching", __name__)


def _profile_form(seeker) -> ProfileForm:
    profile = services.profile_of(seeker)
    form = ProfileForm()
    if not form.is_submitted():
        form.education.data = profile.education.value if profile.education else ""
        form.skills.data, form.wished_posts.data = profile.skills, profile.wished_posts
        form.wished_places.data, form.salary_wish.data = profile.wished_places, profile.salary_wish
    return form


def _save_profile(seeker, form: ProfileForm) -> bool:
    try:
        with unit_of_work():
            services.update_profile(seeker, actor=current_user, education=form.education.data or None,
                                    skills=form.skills.data, wished_posts=form.wished_posts.data,
                                    wished_places=form.wished_places.data, salary_wish=form.salary_wish.data)
    except ServiceError as error:
        if error.status == 403:
            abort(403)
        flash(error.message, "error")
        return False
    flash(_("求职意向已保存。"), "success")
    return True


@bp.route("/outreach/seekers/<int:seeker_id>/matches", methods=["GET", "POST"])
@roles_required(Role.COUNSELOR)
def seeker_matches(seeker_id: int):
    """For the counselor: the seeker's profile, open posts ranked for them, and referral buttons."""
    try:
        with unit_of_work():  # a case opened on first sight
            seeker = services.seeker_or_404(seeker_id)
            matches = services.matches_for_seeker(seeker_id, viewer=current_user)
    except ServiceError as error:
        abort(error.status if error.status in (403, 404) else 400)
    form = _profile_form(seeker)
    if form.validate_on_submit():
        _save_profile(seeker, form)
        return redirect(url_for("matching.seeker_matches", seeker_id=seeker.id))
    return render_template("matching/seeker_matches.html", seeker=seeker, matches=matches, form=form,
                           refer_form=ReferForm(formdata=None), consents=CONSENT_METHOD_LABELS)


@bp.post("/outreach/seekers/<int:seeker_id>/referrals")
@roles_required(Role.COUNSELOR)
def refer(seeker_id: int):
    form = ReferForm()
    if not form.validate_on_submit():
        flash(_("未推荐：请选择岗位和求职者的同意方式。"), "error")
        return redirect(url_for("matching.seeker_matches", seeker_id=seeker_id))
    try:
        with unit_of_work():
            referrals.refer(seeker_id, actor=current_user, post_id=form.post_id.data, consent=form.consent.data or None,
                            note=form.note.data)
    except ServiceError as error:
        if error.status in (403, 404):
            abort(error.status)
        flash(error.message, "error")
        return redirect(url_for("matching.seeker_matches", seeker_id=seeker_id))
    flash(_("已推荐，并记录了求职者的同意。"), "success")
    return redirect(url_for("matching.seeker_matches", seeker_id=seeker_id))


@bp.route("/me/posts", methods=["GET", "POST"])
@roles_required(Role.SEEKER)
def my_posts():
    """For the seeker: their matching profile and the posts that fit it."""
    form = _profile_form(current_user)
    if form.validate_on_submit():
        _save_profile(current_user, form)
        return redirect(url_for("matching.my_posts"))
    matches = services.posts_for_seeker(current_user, limit=20)
    return render_template("matching/my_posts.html", matches=matches, form=form)


@bp.app_context_processor
def posts_for_you_helper():
    """``posts_for_you(n)`` in templates: the signed-in seeker's best posts (the home page shows them)."""

    def posts_for_you(limit: int = 3):
        if not getattr(current_user, "is_authenticated", False) or current_user.role != Role.SEEKER:
            return []
        return services.posts_for_seeker(current_user, limit=limit)

    return {"posts_for_you": posts_for_you}
