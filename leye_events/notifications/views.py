"""Notification pages: the inbox (and the bell's count), message preferences, SMS-code login and
sign-up, and the organizer's page of an event's messages with a notice to all registrants."""
import secrets
import time

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError

from ..accounts import services as accounts
from ..accounts.auth import can_manage_station, log_in
from ..audit.services import record
from ..core.db import unit_of_work
from ..core.errors import ServiceError
from ..core.timeutil import utcnow
from ..core.urls import safe_next_url
from ..events.models import Event
from ..extensions import db, limiter
from . import services, sms_codes
from .forms import NewPasswordForm, NoticeForm, PreferencesForm, SmsLoginForm

bp = Blueprint("notifications", __name__)
CODE_LOGIN_KEY = "logged_in_by_sms_code_at"
NEW_PASSWORD_WINDOW_SECONDS = 15 * 60


def unread_notifications() -> int:
    """The bell's number: the signed-in person's unread inbox messages (0 for visitors)."""
    if not current_user.is_authenticated:
        return 0
    return services.unread_count(current_user)


@bp.get("/me/notifications")
@login_required
def inbox():
    with unit_of_work():
        items = services.inbox(current_user, limit=100)
        unread = {item.id for item in items if item.read_at is None}
        services.mark_all_read(current_user)  # seen on this page
    return render_template("notifications/inbox.html", items=items, unread=unread,
                           preferences=PreferencesForm(obj=current_user))


@bp.post("/me/notifications/preferences")
@login_required
def preferences():
    form = PreferencesForm()
    if form.validate_on_submit():
        with unit_of_work():
            services.set_preferences(current_user, notify_sms=form.notify_sms.data, notify_email=form.notify_email.data)
        flash(_("通知设置已保存。"), "success")
    return redirect(safe_next_url(request.args.get("next")) or url_for("notifications.inbox") + "#preferences")


def _send_code(form: SmsLoginForm) -> None:
    try:
        with unit_of_work():
            sms_codes.request_code(form.phone.data)
    except ServiceError as error:
        form.phone.errors = [*form.phone.errors, error.message]
    else:
        flash(_("验证码已发送，5分钟内有效。"), "success")


def _sign_in(form: SmsLoginForm):
    """The account for the phone and code on the form — made now if the phone has none (with a name and
    consent) — or None with the reason on the form."""
    if not form.sms_code.data:
        form.sms_code.errors = [*form.sms_code.errors, _("请输入验证码。")]
        return None
    user = accounts.find_by_login(form.phone.data)
    if user is not None and user.prospect:  # found by outreach, never consented: signs up (and claims it)
        user = None
    if user is None and not (form.name.data and form.consent.data):
        form.form_errors.append(_("该手机号尚未注册：请填写姓名并同意隐私声明，即可用验证码注册。"))
        return None
    with unit_of_work():  # a wrong guess counts
        phone = sms_codes.use_code(form.phone.data, form.sms_code.data, spend=user is not None)
    if phone is None or (user is not None and not user.active):
        form.sms_code.errors = [*form.sms_code.errors, _("验证码不正确或已过期，请重新获取。")]
        return None
    try:
        with unit_of_work():
            if user is None:
                user = accounts.signup_seeker(name=form.name.data, phone=phone, password=secrets.token_urlsafe(24),
                                              consent=True)
                if sms_codes.use_code(phone, form.sms_code.data, lock=False) is None:
                    raise _CodeUsedMeanwhile
            else:
                user.last_login_at = utcnow()
    except _CodeUsedMeanwhile:
        form.sms_code.errors = [*form.sms_code.errors, _("验证码不正确或已过期，请重新获取。")]
        return None
    return user


class _CodeUsedMeanwhile(Exception):
    """The SMS code was used by a concurrent request a moment ago: the sign-up is rolled back."""


@bp.route("/login/sms", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_SMS_CODE"], methods=["POST"])
def sms_login():
    """Log in — or sign up — with a code sent to the phone: no password needed."""
    if current_user.is_authenticated:
        return redirect(url_for("events.home"))
    form = SmsLoginForm()
    if form.validate_on_submit():
        if form.send.data:
            _send_code(form)
        else:
            try:
                user = _sign_in(form)
            except ServiceError as error:
                db.session.rollback()
                form.form_errors.append(error.message)
                user = None
            except IntegrityError:
                db.session.rollback()
                form.form_errors.append(_("该手机号已注册，请直接登录。"))
                user = None
            if user is not None:
                log_in(user)
                session[CODE_LOGIN_KEY] = time.time()  # may set a new password without the old one
                return redirect(safe_next_url(request.args.get("next")) or url_for("events.home"))
    return render_template("notifications/sms_login.html", form=form, next_url=safe_next_url(request.args.get("next")))


@bp.route("/manage/events/<int:event_id>/notifications", methods=["GET", "POST"])
@login_required
def event_notifications(event_id: int):
    """What was sent for the event to whom, and what failed; a short notice to all registrants."""
    event = db.session.get(Event, event_id) or abort(404)
    if not can_manage_station(current_user, event.station_id):
        abort(403)
    form = NoticeForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                count = services.send_notice(event, form.text.data, actor=current_user)
        except ServiceError as error:
            form.text.errors = [*form.text.errors, error.message]
        else:
            flash(_("通知已发出，共 %(count)d 人。", count=count), "success")
            return redirect(url_for("notifications.event_notifications", event_id=event.id))
    return render_template("notifications/event_notifications.html", event=event, form=form,
                           deliveries=services.event_deliveries(event.id),
                           summary=services.delivery_summary(event.id))


@bp.route("/account/new-password", methods=["GET", "POST"])
@login_required
def new_password():
    """Forgotten password: within 15 minutes of logging in with an SMS code, set a new password
    without the old one."""
    if time.time() - session.get(CODE_LOGIN_KEY, 0) > NEW_PASSWORD_WINDOW_SECONDS:
        flash(_("请先用短信验证码登录，再设置新密码。"), "info")
        return redirect(url_for("notifications.sms_login", next=url_for("notifications.new_password")))
    form = NewPasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        with unit_of_work():
            user.set_password(accounts.check_password_rules(form.new_password.data))
            record("account.password_reset", user, actor=user, method="sms_code")
        session.pop(CODE_LOGIN_KEY, None)
        flash(_("新密码已设置。"), "success")
        return redirect(url_for("accounts.account"))
    return render_template("notifications/new_password.html", form=form)


@bp.get("/manage/notifications/failed")
@login_required
def failed():
    """Admins: every message given up on after the last try (login codes and interview messages included)."""
    if not current_user.is_admin:
        abort(403)
    return render_template("notifications/failed.html", deliveries=services.failed_deliveries())
