"""Account pages: sign-up, login, logout, the account page and the privacy notice."""
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user
from sqlalchemy.exc import IntegrityError

from ..calendars.links import personal_feed_url, webcal
from ..core.db import unit_of_work
from ..core.errors import ServiceError
from ..core.urls import safe_next_url
from ..extensions import db, limiter
from . import services, sessions
from .auth import log_in
from .forms import STUDENT_LIKE_CATEGORIES, LoginForm, LogoutForm, PasswordChangeForm, SignupForm
from .models import Role
from .sessions import end_login_session, tokens_of

bp = Blueprint("accounts", __name__)


def _redirect_after_login():
    """Back to where the person was going; door accounts land on the door page, the only one they use."""
    landing = "events.home"
    if current_user.is_authenticated and current_user.role == Role.DOOR:
        landing = "checkin.index"
    return redirect(safe_next_url(request.args.get("next")) or url_for(landing))


def _field_error(form, error: ServiceError) -> None:
    """Show a service's refusal next to the field it names, or above the form."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None and hasattr(field, "errors"):
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


@bp.errorhandler(429)
def too_many_requests(error):
    """Login and sign-up bursts: say so plainly, on the page people were using."""
    return render_template("accounts/too_many_requests.html", error=error), 429


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_SIGNUP"], methods=["POST"])
def signup():
    if current_user.is_authenticated:
        return _redirect_after_login()
    form = SignupForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                user = services.signup_seeker(
                    name=form.name.data,
                    phone=form.phone.data,
                    password=form.password.data,
                    consent=form.consent.data is True,
                    email=form.email.data,
                    category=form.category.data,
                    school=form.school.data,
                    graduation_year=form.graduation_year.data,
                    station_slug=form.station.data,
                )
        except ServiceError as error:
            _field_error(form, error)
        except IntegrityError:
            # Two sign-ups with the same phone or email at the same moment: one wins.
            db.session.rollback()
            form.phone.errors = [*form.phone.errors, _("该手机号或邮箱已注册，请直接登录。")]
        else:
            log_in(user)
            flash(_("注册成功，欢迎使用乐业活动！"), "success")
            return _redirect_after_login()
    return render_template(
        "accounts/signup.html",
        form=form,
        student_like=[category.value for category in STUDENT_LIKE_CATEGORIES],
        next_url=safe_next_url(request.args.get("next")),
    )


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"], methods=["POST"])
def login():
    if current_user.is_authenticated:
        return _redirect_after_login()
    form = LoginForm()
    if form.validate_on_submit():
        with unit_of_work():  # failed-login count, lockout or last_login_at
            user = services.authenticate(form.login.data, form.password.data)
        if user is None:
            form.form_errors.append(_("手机号/邮箱或密码不正确；多次输错后账号会暂时锁定，请稍后再试。"
                                      "如账号已停用，请联系乐业空间工作人员。"))
        else:
            log_in(user, remember=bool(form.remember.data))
            return _redirect_after_login()
    return render_template("accounts/login.html", form=form, next_url=safe_next_url(request.args.get("next")))


@bp.route("/logout", methods=["GET", "POST"])
def logout():
    """GET shows a confirm button (the header links here); only a POST with its CSRF token logs out."""
    if not current_user.is_authenticated:
        return redirect(url_for("events.home"))
    form = LogoutForm()
    if request.method == "POST" and form.validate_on_submit():
        with unit_of_work():
            end_login_session(current_user._get_current_object())
        logout_user()
        flash(_("您已退出登录。"), "info")
        return redirect(url_for("events.home"))
    return render_template("accounts/logout.html", form=form)


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                services.change_password(current_user._get_current_object(), form.current_password.data, form.new_password.data)
        except ServiceError as error:
            _field_error(form, error)
        else:
            flash(_("密码已修改。"), "success")
            return redirect(url_for("accounts.account"))
    with unit_of_work():
        feed_url = personal_feed_url(current_user)  # a seeker's feed token is made on first view
    return render_template("accounts/account.html", form=form, user=current_user, calendar_url=feed_url,
                           calendar_webcal=webcal(feed_url) if feed_url else None,
                           tokens=tokens_of(current_user))


@bp.post("/account/sessions/end-others")
@login_required
def end_other_sessions():
    """Log out every other browser of this account (its API tokens stay)."""
    with unit_of_work():
        sessions.end_other_sessions(current_user._get_current_object(), revoke_tokens=False)
    flash(_("已退出其他设备上的登录。"), "success")
    return redirect(url_for("accounts.account") + "#sessions")


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    with unit_of_work():
        revoked = sessions.revoke_token(current_user._get_current_object(), token_id)
    if revoked:
        flash(_("令牌已吊销，立即失效。"), "success")
    return redirect(url_for("accounts.account") + "#sessions")


@bp.get("/privacy")
def privacy():
    return render_template("accounts/privacy.html", version=current_app.config["PRIVACY_NOTICE_VERSION"])
