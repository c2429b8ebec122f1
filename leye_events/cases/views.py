"""Counselor pages (caseload, case, follow-up), the seeker's own history, and the figures pages."""
import io
from datetime import date, datetime, time, timedelta

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from ..accounts.auth import roles_required
from ..accounts.models import Role
from ..core.db import get_row, unit_of_work
from ..core.errors import ServiceError
from ..core.timeutil import SHANGHAI, to_local, utcnow
from ..events.models import Event
from ..exports.station_report import write_report
from ..extensions import db
from ..stations.models import Station
from . import access, lists, operations, timeline
from . import figures as fig
from . import follow_up as followup  # the module; ``follow_up`` is the page
from .forms import (
    BulkNoteForm,
    CaseForm,
    FollowUpForm,
    NoteForm,
    OutcomeForm,
    ReferralForm,
    ReferralResultForm,
    StatusForm,
)
from .models import CASE_STATUS_LABELS, CONTACT_RESULT_LABELS, ENTRY_KIND_LABELS, ContactResult, Referral

bp = Blueprint("cases", __name__)

WORKERS = (Role.COUNSELOR, Role.ADMIN)
VIEWERS = (Role.COUNSELOR, Role.ORGANIZER, Role.ADMIN)


def _or_http(call, *args, **kwargs):
    """Run a service lookup; its NotFound/Forbidden become 404/403 pages."""
    try:
        return call(*args, **kwargs)
    except ServiceError as error:
        abort(error.status if error.status in (403, 404) else 400)


# --- caseload ---------------------------------------------------------------------------------

@bp.get("/cases")
@roles_required(*WORKERS)
def caseload():
    args = request.args
    station = None
    if current_user.role == Role.ADMIN and args.get("station"):
        station = db.session.execute(db.select(Station).filter_by(slug=args.get("station", "")[:64])).scalar_one_or_none()
    filters = lists.CaseloadFilter(
        station_id=station.id if station else None,
        category=args.get("category") or None,
        status=args.get("status") or None,
        contact=args.get("contact") or None,
        idle=args.get("idle") == "1",
        mine=args.get("mine") == "1",
        q=(args.get("q") or "")[:50] or None,
    )
    page = args.get("page", "1")
    page = int(page) if page.isdigit() and 0 < len(page) < 6 and int(page) > 0 else 1
    with unit_of_work():  # cases are created on first sight
        rows, total = lists.caseload(current_user, filters, page=page)
    stations = db.session.execute(db.select(Station).order_by(Station.id)).scalars().all() \
        if current_user.role == Role.ADMIN else []
    return render_template("cases/caseload.html", rows=rows, total=total, filters=filters, page=page,
                           page_size=lists.PAGE_SIZE, stations=stations, station=station,
                           now=utcnow(), idle_days=lists.IDLE_DAYS)


# --- the case page ----------------------------------------------------------------------------

def _case_forms(case, **given):
    forms = {
        "note_form": NoteForm(prefix="note"),
        "referral_form": ReferralForm(prefix="ref"),
        "outcome_form": OutcomeForm(prefix="out"),
        "status_form": StatusForm(prefix="st"),
        "case_form": CaseForm(prefix="case", category=case.category.value, counselor_id=case.counselor_id or 0,
                              plan=case.plan),
        "result_form": ReferralResultForm(prefix="res"),
    }
    if "outcome_form" not in given:  # a fresh outcome form starts on today (Shanghai), the usual case
        forms["outcome_form"].start_date.data = to_local(utcnow()).date()
    forms.update(given)
    _fill_choices(case, forms["outcome_form"], forms["case_form"])
    return forms


def _fill_choices(case, outcome_form, case_form):
    outcome_form.event_id.choices = [SelectChoice(0, "—")] + [
        SelectChoice(e.id, f"{to_local(e.starts_at):%Y-%m-%d} {e.title}" if e.starts_at else e.title)
        for e in operations.attended_events(case)]
    referrals = db.session.execute(db.select(Referral).filter_by(case_id=case.id).order_by(Referral.id.desc())).scalars()
    outcome_form.referral_id.choices = [SelectChoice(0, "—")] + [
        SelectChoice(r.id, r.employer.name + (f" · {r.post.title}" if r.post else "")) for r in referrals]
    case_form.counselor_id.choices = [SelectChoice(0, "—")] + [
        SelectChoice(u.id, u.name) for u in lists.station_counselors(case.station_id)]


def _render_case(case, status=200, *, phone: str | None = None, unmask_error: str = "", **forms):
    """The case page; the phone stays masked unless ``phone`` was revealed with a reason."""
    notes = access.may_see_notes(current_user)
    can_work = access.may_work_case(current_user, case)
    referrals = db.session.execute(db.select(Referral).filter_by(case_id=case.id).order_by(Referral.id.desc())).scalars().all()
    return render_template(
        "cases/case.html", case=case, seeker=case.seeker,
        items=timeline.timeline(case, include_notes=notes), show_notes=notes, can_work=can_work,
        phone=phone or case.seeker.masked_phone, phone_revealed=bool(phone), unmask_error=unmask_error,
        referrals=referrals, employers=operations.employers() if can_work else [],
        **_case_forms(case, **forms),
    ), status


def _viewable_case(case_id: int):
    case = _or_http(operations.case_or_404, case_id)
    if not access.may_view_case(current_user, case):
        abort(403)
    return case


def _workable_case(case_id: int):
    case = _viewable_case(case_id)
    if not access.may_work_case(current_user, case):
        abort(403)
    return case


@bp.get("/cases/<int:case_id>")
@roles_required(*VIEWERS)
def case_page(case_id: int):
    case = _viewable_case(case_id)
    with unit_of_work():  # the audit entry of the view
        operations.open_case(case, current_user)
    return _render_case(case)


@bp.post("/cases/<int:case_id>/unmask")
@roles_required(*VIEWERS)
def unmask_phone(case_id: int):
    """Show the whole phone number on the case page, with a typed reason (audited)."""
    case = _viewable_case(case_id)
    try:
        with unit_of_work():
            phone = operations.reveal_phone(case, current_user, request.form.get("reason"))
    except ServiceError as error:
        return _render_case(case, 422, unmask_error=error.message)
    return _render_case(case, phone=phone)


@bp.get("/seekers/<int:seeker_id>/case")
@roles_required(*VIEWERS)
def seeker_case(seeker_id: int):
    """The case of a seeker, opened (and created) from lists that know the seeker, not the case."""
    seeker = _or_http(operations.seeker_or_404, seeker_id)
    with unit_of_work():  # the case is created on first sight; not when the viewer may not see it
        case = operations.case_for(seeker)
        if not access.may_view_case(current_user, case):
            abort(403)
    return redirect(url_for("cases.case_page", case_id=case.id))


def _done(case, message):
    flash(message, "success")
    return redirect(url_for("cases.case_page", case_id=case.id) + "#timeline")


def _failed(case, error: ServiceError, form):
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = list(field.errors) + [error.message]
    else:
        form.form_errors.append(error.message)
    return _form_failed(case, form)


def _form_failed(case, form):
    flash(_("未保存：请检查表单中的错误。"), "error")
    key = {"note": "note_form", "ref": "referral_form", "out": "outcome_form", "st": "status_form",
           "case": "case_form", "res": "result_form"}[form._prefix.rstrip("-")]
    return _render_case(case, status=400, **{key: form})


@bp.post("/cases/<int:case_id>/note")
@roles_required(*WORKERS)
def add_note(case_id: int):
    case = _workable_case(case_id)
    form = NoteForm(prefix="note")
    if not form.validate_on_submit():
        return _form_failed(case, form)
    try:
        with unit_of_work():
            operations.add_note(case, form.body.data, actor=current_user)
    except ServiceError as error:
        return _failed(case, error, form)
    return _done(case, _("服务记录已保存。"))


@bp.post("/cases/<int:case_id>/referral")
@roles_required(*WORKERS)
def add_referral(case_id: int):
    case = _workable_case(case_id)
    form = ReferralForm(prefix="ref")
    if not form.validate_on_submit():
        return _form_failed(case, form)
    try:
        with unit_of_work():
            operations.add_referral(case, actor=current_user, employer=form.employer.data, post=form.post.data,
                                    industry=form.industry.data, body=form.body.data, consent=form.consent.data)
    except ServiceError as error:
        return _failed(case, error, form)
    return _done(case, _("岗位推荐已记录。"))


@bp.post("/cases/<int:case_id>/referrals/<int:referral_id>/result")
@roles_required(*WORKERS)
def referral_result(case_id: int, referral_id: int):
    case = _workable_case(case_id)
    referral = _or_http(operations.referral_or_404, referral_id)
    if referral.case_id != case.id:
        abort(404)
    form = ReferralResultForm(prefix="res")
    if not form.validate_on_submit():
        return _form_failed(case, form)
    try:
        with unit_of_work():
            operations.set_referral_result(referral, form.result.data, actor=current_user)
    except ServiceError as error:
        return _failed(case, error, form)
    return _done(case, _("推荐结果已更新。"))


@bp.post("/cases/<int:case_id>/outcome")
@roles_required(*WORKERS)
def add_outcome(case_id: int):
    case = _workable_case(case_id)
    form = OutcomeForm(prefix="out")
    _fill_choices(case, form, CaseForm(prefix="case"))
    if not form.validate_on_submit():
        return _form_failed(case, form)
    try:
        with unit_of_work():
            operations.record_outcome(case, actor=current_user, employer=form.employer.data, post=form.post.data,
                                      industry=form.industry.data, start_date=form.start_date.data,
                                      event_id=form.event_id.data or None, referral_id=form.referral_id.data or None,
                                      body=form.body.data)
    except ServiceError as error:
        return _failed(case, error, form)
    return _done(case, _("就业结果已记录，档案状态改为已就业。"))


@bp.post("/cases/<int:case_id>/status")
@roles_required(*WORKERS)
def change_status(case_id: int):
    case = _workable_case(case_id)
    form = StatusForm(prefix="st")
    if not form.validate_on_submit():
        return _form_failed(case, form)
    try:
        with unit_of_work():
            operations.change_status(case, form.status.data, form.reason.data, actor=current_user)
    except ServiceError as error:
        return _failed(case, error, form)
    return _done(case, _("档案状态已更新。"))


@bp.post("/cases/<int:case_id>/edit")
@roles_required(*WORKERS)
def edit_case(case_id: int):
    case = _workable_case(case_id)
    form = CaseForm(prefix="case")
    _fill_choices(case, OutcomeForm(prefix="out"), form)
    if not form.validate_on_submit():
        return _form_failed(case, form)
    try:
        with unit_of_work():
            operations.update_case(case, actor=current_user, plan=form.plan.data, category=form.category.data,
                                   counselor_id=form.counselor_id.data)
    except ServiceError as error:
        return _failed(case, error, form)
    return _done(case, _("档案信息已保存。"))


# --- follow-up after events -------------------------------------------------------------------

@bp.get("/cases/follow-up")
@roles_required(*WORKERS)
def follow_up_events():
    now = utcnow()
    with unit_of_work():  # cases are created on first sight
        events = followup.followup_events(current_user, now)
        counts = {event.id: len(followup.no_shows(event, now)) for event in events}
    return render_template("cases/follow_up_events.html", events=events, counts=counts)


def _follow_up_event(event_id: int) -> Event:
    event = get_row(Event, event_id)
    if event is None:
        abort(404)
    if not access.may_follow_up(current_user, event):
        abort(403)
    return event


def _render_follow_up(event, status=200, **forms):
    with unit_of_work():  # cases are created on first sight
        items = followup.no_shows(event)
    viewable = {item.registration.id: item.case is not None and access.may_view_case(current_user, item.case)
                for item in items}
    return render_template(
        "cases/follow_up.html", event=event, items=items, viewable=viewable,
        contacts=[(c.value, CONTACT_RESULT_LABELS[c]) for c in ContactResult],
        call_form=forms.get("call_form") or FollowUpForm(prefix="call"),
        bulk_form=forms.get("bulk_form") or BulkNoteForm(prefix="bulk"),
        attendee_count=len(followup.attendee_cases(event)),
    ), status


@bp.get("/cases/follow-up/<int:event_id>")
@roles_required(*WORKERS)
def follow_up(event_id: int):
    return _render_follow_up(_follow_up_event(event_id))


@bp.post("/cases/follow-up/<int:event_id>/call")
@roles_required(*WORKERS)
def log_call(event_id: int):
    event = _follow_up_event(event_id)
    form = FollowUpForm(prefix="call")
    registration_id = form.registration_id.data or ""
    if not form.validate_on_submit() or not registration_id.isdigit() or len(registration_id) > 9:
        flash(_("未保存：回访信息不完整。"), "error")
        return _render_follow_up(event, status=400, call_form=form)
    try:
        with unit_of_work():
            followup.log_follow_up(event, int(registration_id), form.contact.data, actor=current_user,
                                   body=form.body.data)
    except ServiceError as error:
        if error.status in (403, 404):
            abort(error.status)
        flash(error.message, "error")
        return _render_follow_up(event, status=400, call_form=form)
    flash(_("回访已记录。"), "success")
    return redirect(url_for("cases.follow_up", event_id=event.id) + f"#r{registration_id}")


@bp.post("/cases/follow-up/<int:event_id>/note")
@roles_required(*WORKERS)
def bulk_note(event_id: int):
    event = _follow_up_event(event_id)
    form = BulkNoteForm(prefix="bulk")
    if not form.validate_on_submit():
        flash(_("未保存：请填写服务记录内容。"), "error")
        return _render_follow_up(event, status=400, bulk_form=form)
    try:
        with unit_of_work():
            count = followup.note_to_attendees(event, form.body.data, actor=current_user)
    except ServiceError as error:
        flash(error.message, "error")
        return _render_follow_up(event, status=400, bulk_form=form)
    flash(_("已为 %(n)d 位参加者写入服务记录。", n=count), "success")
    return redirect(url_for("cases.follow_up", event_id=event.id))


# --- the seeker's own history -----------------------------------------------------------------

@bp.get("/me/history")
@roles_required(Role.SEEKER)
def my_history():
    entries = timeline.seeker_history(current_user)
    return render_template("cases/my_history.html", entries=entries)


# --- figures ----------------------------------------------------------------------------------

def _date_arg(name: str, default: date) -> tuple[date, bool]:
    value = (request.args.get(name) or "").strip()
    if not value:
        return default, True
    try:
        day = date.fromisoformat(value[:10]) if len(value) == 10 else None
    except ValueError:
        day = None
    if day is None or not (2000 <= day.year <= 2100):
        return default, False
    return day, True


def _range():
    today = to_local(utcnow()).date()
    start_day, ok1 = _date_arg("from", today - timedelta(days=30))
    end_day, ok2 = _date_arg("to", today)
    if not (ok1 and ok2):
        flash(_("日期格式应为 2026-12-03，已使用默认范围。"), "error")
    if end_day < start_day:
        flash(_("结束日期早于开始日期，已对调。"), "error")
        start_day, end_day = end_day, start_day
    start = datetime.combine(start_day, time(0, 0), tzinfo=SHANGHAI)
    end = datetime.combine(end_day + timedelta(days=1), time(0, 0), tzinfo=SHANGHAI)
    return start_day, end_day, start, end


def _requested_station():
    """The station named by ``?station=<slug>``; None when absent or unknown (an admin then sees the district)."""
    slug = (request.args.get("station") or "")[:64]
    return db.session.execute(db.select(Station).filter_by(slug=slug)).scalar_one_or_none() if slug else None


@bp.get("/figures")
@roles_required(*VIEWERS)
def station_figures():
    station = _or_http(access.figures_station, current_user, _requested_station())
    if station is None:
        return redirect(url_for("cases.district_figures", **{k: v for k, v in request.args.items()
                                                             if k in ("from", "to")}))
    start_day, end_day, start, end = _range()
    figures = fig.compute(station.id, start, end)
    return render_template("cases/figures.html", figures=figures, station=station, start_day=start_day,
                           end_day=end_day, fig=fig, breakdown=None)


@bp.get("/figures/district")
@roles_required(Role.ADMIN)
def district_figures():
    start_day, end_day, start, end = _range()
    figures = fig.compute(None, start, end)
    stations = db.session.execute(db.select(Station).order_by(Station.id)).scalars().all()
    breakdown = [(station, fig.compute(station.id, start, end)) for station in stations]
    return render_template("cases/figures.html", figures=figures, station=None, start_day=start_day,
                           end_day=end_day, fig=fig, breakdown=breakdown)


@bp.get("/figures/report.xlsx")
@roles_required(*VIEWERS)
def figures_report():
    """The figures of the page's station and period (``month=YYYY-MM`` for a calendar month) as XLSX."""
    station = _or_http(access.figures_station, current_user, _requested_station())
    start_day, end_day, start, end = _month_range() or _range()
    figures = fig.compute(station.id if station else None, start, end)
    breakdown = None
    if station is None:
        stations = db.session.execute(db.select(Station).order_by(Station.id)).scalars().all()
        breakdown = [(s, fig.compute(s.id, start, end)) for s in stations]
    buffer = io.BytesIO()
    write_report(figures, station, buffer, breakdown)
    name = f"figures-{station.slug if station else 'yangpu'}-{start_day.isoformat()}-{end_day.isoformat()}.xlsx"
    return Response(buffer.getvalue(), headers={"Content-Disposition": f'attachment; filename="{name}"'},
                    mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def _month_range():
    """The calendar month named by ``month=YYYY-MM``, or None (bad values fall back to from/to)."""
    value = (request.args.get("month") or "").strip()
    try:
        year, month = (int(part) for part in value.split("-"))
        first = date(year, month, 1)
    except ValueError:
        return None
    if not 2000 <= year <= 2100:
        return None
    following = date(year + (month == 12), month % 12 + 1, 1)
    start = datetime.combine(first, time(0, 0), tzinfo=SHANGHAI)
    end = datetime.combine(following, time(0, 0), tzinfo=SHANGHAI)
    return first, following - timedelta(days=1), start, end


@bp.context_processor
def _labels():
    return {"CASE_STATUS_LABELS": CASE_STATUS_LABELS, "ENTRY_KIND_LABELS": ENTRY_KIND_LABELS,
            "CONTACT_RESULT_LABELS": {c.value: label for c, label in CONTACT_RESULT_LABELS.items()},
            "CONTACT_KEYS": ContactResult.values()}
