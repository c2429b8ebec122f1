"""Counselor pages: upload an outreach list (preview, then import), the call list with one-tap logging."""
import os
import re
import secrets
from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.auth import roles_required
from ..accounts.models import Role
from ..audit.services import clean_reason, record
from ..core.db import unit_of_work
from ..core.errors import ServiceError
from ..core.timeutil import utcnow
from ..extensions import db
from . import imports, services
from .forms import ContactForm, ImportForm
from .models import CONTACT_CHANNEL_LABELS, CONTACT_OUTCOME_LABELS

bp = Blueprint("outreach", __name__, url_prefix="/outreach")
UPLOAD_NAME = re.compile(r"^[0-9a-f]{32}$")


def _upload_path(token: str) -> str:
    """Where a previewed upload waits for its import: per account, under the instance folder."""
    folder = os.path.join(current_app.instance_path, "outreach-uploads")
    os.makedirs(folder, exist_ok=True)
    return os.path.join(folder, f"{current_user.id}-{token}")


def _stash(data: bytes) -> str:
    token = secrets.token_hex(16)
    with open(_upload_path(token), "wb") as handle:
        handle.write(data)
    return token


def _take(token: str) -> bytes | None:
    if not UPLOAD_NAME.match(token or ""):
        return None
    path = _upload_path(token)
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError:
        return None
    os.remove(path)
    return data


@bp.route("/import", methods=["GET", "POST"])
@roles_required(Role.COUNSELOR, Role.ORGANIZER)
def import_list():
    """Choose a file and see what it would do (preview); a second button imports the previewed file."""
    form, report, token, filename = ImportForm(), None, "", ""
    if request.method == "POST" and form.validate_on_submit():
        try:
            if form.upload.data:
                with unit_of_work():
                    data = _take(form.upload.data)
                    if data is None:
                        raise ServiceError("upload_gone", _("预览的文件已失效，请重新选择文件。"))
                    report = imports.import_list(request.form.get("filename", "")[:200], data, actor=current_user)
                flash(_("已导入：新增 %(c)d 人，更新 %(u)d 人，%(r)d 行未导入。", c=report.created, u=report.updated,
                        r=len(report.rejected)), "success")
                return render_template("outreach/import.html", form=ImportForm(formdata=None), report=report,
                                       imported=True, token="", filename="")
            upload = form.file.data
            if upload is None or not getattr(upload, "filename", ""):
                raise ServiceError("file_required", _("请选择要上传的名单文件（.xlsx 或 .csv）。"))
            imports.check_size(request.content_length)
            data = upload.stream.read(imports.MAX_IMPORT_BYTES + 1)
            filename = upload.filename
            report = imports.preview(filename, data, actor=current_user)
            token = _stash(data)
        except ServiceError as error:
            db.session.rollback()
            flash(error.message, "error")
    return render_template("outreach/import.html", form=form, report=report, imported=False, token=token,
                           filename=filename)


COUNTS_DAYS = 30  # the period of the counts under the call list


@bp.get("/calls")
@roles_required(Role.COUNSELOR)
def calls():
    """The counselor's call list, oldest first, each with a one-tap contact form. Names and phones are
    masked until the counselor asks to see them (``?unmask=1``, audited)."""
    with unit_of_work():
        items = services.call_list(current_user)
        unmask = request.args.get("unmask") == "1"
        if unmask:
            try:
                reason = clean_reason(request.args.get("reason"))
            except ServiceError as error:
                flash(error.message, "error")
                unmask = False
            else:
                record("outreach.calls_unmasked", current_user, actor=current_user,
                       station_id=current_user.station_id, count=len(items), reason=reason)
        now = utcnow()
        start = now - timedelta(days=COUNTS_DAYS)
        station_id = current_user.station_id
        station_counts = services.counts(station_id, start, now)
        per_counselor = services.counts_per_counselor(station_id, start, now)
    return render_template("outreach/calls.html", items=items, form=ContactForm(), outcomes=CONTACT_OUTCOME_LABELS,
                           channels=CONTACT_CHANNEL_LABELS, unmask=unmask, counts_days=COUNTS_DAYS,
                           station_counts=station_counts, per_counselor=per_counselor)


@bp.post("/contacts/<int:seeker_id>")
@roles_required(Role.COUNSELOR)
def log_contact(seeker_id: int):
    form = ContactForm()
    if not form.validate_on_submit():
        flash(_("未保存：请检查联系方式、结果和日期。"), "error")
        return redirect(url_for("outreach.calls"))
    try:
        with unit_of_work():
            services.log_contact(seeker_id, actor=current_user, channel=form.channel.data, result=form.result.data,
                                 note=form.note.data, next_contact_on=form.next_contact_on.data)
    except ServiceError as error:
        if error.status in (403, 404):
            abort(error.status)
        flash(error.message, "error")
        return redirect(url_for("outreach.calls"))
    flash(_("已记录联系。"), "success")
    return redirect(request.form.get("next") if request.form.get("next", "").startswith("/outreach/")
                    else url_for("outreach.calls"))
