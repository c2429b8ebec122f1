"""Pages: the person's export and erasure (from the account page), the admin's audit log."""
import math
from datetime import UTC, date, datetime, time, timedelta

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from ..accounts.auth import roles_required
from ..accounts.models import Role
from ..core.db import unit_of_work
from ..core.errors import ServiceError
from ..core.timeutil import SHANGHAI
from . import audit_log
from . import services as privacy
from .export_file import export_response
from .forms import ErasureForm

bp = Blueprint("privacy", __name__)

AUDIT_PER_PAGE = 50
MAX_PAGE = 100_000


@bp.get("/account/export")
@login_required
def export():
    """Download everything held about the signed-in person (JSON, audited)."""
    with unit_of_work():
        data = privacy.export_personal_data(current_user._get_current_object())
    return export_response(data)


@bp.route("/account/erase", methods=["GET", "POST"])
@login_required
def erase():
    """Withdraw consent or delete the account: a confirmation page that says what will happen."""
    user = current_user._get_current_object()
    if user.role != Role.SEEKER:
        flash(_("工作人员账号请联系区级管理员停用。"), "info")
        return redirect(url_for("accounts.account"))
    form = ErasureForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                report = privacy.erase_person(user, form.password.data, reason=form.reason.data)
        except ServiceError as error:
            form.password.errors = [*form.password.errors, error.message]
        else:
            logout_user()
            return render_template("privacy/erased.html", report=report,
                                   case_message=privacy.case_message(report.case, done=True))
    fate = privacy.preview_case_fate(user)
    return render_template("privacy/erase.html", form=form, fate=fate, case_message=privacy.case_message(fate))


def _audit_filters() -> audit_log.AuditFilter:
    """The page's filters from the query string; ServiceError on a malformed one."""
    actor = (request.args.get("actor") or "").strip()
    if actor and not (actor.isdigit() and len(actor) <= 9):
        raise ServiceError("invalid_parameter", _("操作人应为用户编号。"), field="actor", status=400)
    return audit_log.AuditFilter(
        actor=int(actor) if actor else None,
        action=audit_log.check_action((request.args.get("action") or "").strip()[:100]),
        subject=audit_log.check_subject((request.args.get("subject") or "").strip()[:100]),
        start=_day(request.args.get("from"), "from", end=False),
        end=_day(request.args.get("to"), "to", end=True),
    )


def _day(value: str | None, field: str, *, end: bool):
    """A date field of the form (Shanghai day) as the UTC moment it starts (or, for ``end``, ends)."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        day = date.fromisoformat(value[:10])
        moment = datetime.combine(day, time(0, 0), tzinfo=SHANGHAI) + timedelta(days=1 if end else 0)
        return moment.astimezone(UTC)
    except (ValueError, OverflowError):
        raise ServiceError("invalid_parameter", _("日期格式应为 2026-12-03。"), field=field, status=400) from None


@bp.get("/admin/audit")
@roles_required(Role.ADMIN)
def audit_log_page():
    """The audit log with filters (actor, action, subject, dates), newest first, 50 a page."""
    page = request.args.get("page", "1")
    page = int(page) if page.isdigit() and 0 < len(page) <= 6 and int(page) > 0 else 1
    try:
        filters = _audit_filters()
    except ServiceError as error:
        return render_template("privacy/audit.html", entries=[], total=0, page=1, pages=1,
                               error=error.message, args=request.args), 400
    with unit_of_work():
        entries, total = audit_log.search(filters, page=page, per_page=AUDIT_PER_PAGE, viewer=current_user._get_current_object())
    return render_template("privacy/audit.html", entries=entries, total=total, page=page,
                           pages=max(1, math.ceil(total / AUDIT_PER_PAGE)), error=None, args=request.args)
