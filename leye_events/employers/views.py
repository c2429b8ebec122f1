"""Pages of employers, posts, fairs and interview slots: thin routes that parse a form, ask ``access``,
call a service and render. Phone first (a student in WeChat, a recruiter at a booth)."""
from datetime import date, datetime, time

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.exceptions import default_exceptions

from ..accounts.auth import roles_required
from ..accounts.models import Role
from ..core.db import unit_of_work
from ..core.errors import ServiceError
from ..core.timeutil import SHANGHAI, as_utc
from ..core.urls import safe_next_url
from ..events.models import Event, EventStatus
from ..extensions import db
from ..stations.models import Station
from . import access, applications, interviews, services
from .models import (
    APPLICATION_RESULTS,
    APPLICATION_STATUS_LABELS,
    EDUCATION_LABELS,
    POST_STATUS_LABELS,
    Education,
    InterviewBooking,
    Post,
    PostStatus,
)

bp = Blueprint("employers", __name__)
STAFF = (Role.ORGANIZER, Role.COUNSELOR, Role.ADMIN)
LIST_LIMIT = 60


@bp.errorhandler(ServiceError)
def _service_error(error: ServiceError):
    """A rule broken outside ``_run`` (an unknown post, a hidden employer): the error page with its status."""
    db.session.rollback()
    status = error.status if error.status in default_exceptions else 422
    http_error = default_exceptions.get(status, default_exceptions[400])(error.message)
    return render_template("errors/error.html", error=http_error), status


def _int(name: str, source=None):
    value = (source or request.form).get(name, "").strip()
    return int(value) if value.isdigit() and len(value) < 10 else None


def _date(name: str):
    try:
        return date.fromisoformat(request.form.get(name, "").strip())
    except ValueError:
        return None


def _local_moment(day: str, clock: str):
    """A Shanghai date and HH:MM from a form, as UTC; None when malformed."""
    try:
        moment = datetime.combine(date.fromisoformat(day), time.fromisoformat(clock), tzinfo=SHANGHAI)
    except ValueError:
        return None
    return as_utc(moment)


def _back(default: str):
    return redirect(safe_next_url(request.form.get("next")) or default)


def _run(action, success: str):
    """Call ``action``; commit and flash ``success``, or roll back and flash the rule's message."""
    try:
        with unit_of_work():
            result = action()
    except ServiceError as error:
        flash(error.message, "error")
        return None
    flash(success, "success")
    return result


# --- public: posts ------------------------------------------------------------------------------

@bp.get("/posts")
def post_list():
    """Open posts with search and filters (text, station, education asked)."""
    text = (request.args.get("q") or "").strip()[:100] or None
    station = db.session.execute(db.select(Station).filter_by(slug=request.args.get("station", ""))).scalar_one_or_none()
    education = request.args.get("education") if request.args.get("education") in Education.values() else None
    query = services.posts_query(current_user, text=text, station_id=station.id if station else None)
    if education:
        levels = Education.values()
        query = query.where(Post.education.in_(levels[: levels.index(education) + 1]) | Post.education.is_(None))
    posts = db.session.execute(query.limit(LIST_LIMIT)).scalars().all()
    stations = db.session.execute(db.select(Station).order_by(Station.name)).scalars().all()
    return render_template("employers/post_list.html", posts=posts, q=text or "", station=station,
                           stations=stations, education=education, EDUCATION_LABELS=EDUCATION_LABELS)


@bp.get("/posts/<int:post_id>")
def post_page(post_id: int):
    post = services.visible_post(post_id, current_user)
    mine = None
    if current_user.is_authenticated and current_user.role == Role.SEEKER:
        mine = applications._existing(post.id, current_user.id)
    return render_template("employers/post.html", post=post, events=services.upcoming_events_for_post(post),
                           mine=mine, can_manage=access.may_manage_posts(current_user, post.employer))


@bp.post("/posts/<int:post_id>/apply")
@login_required
def apply(post_id: int):
    post = services.visible_post(post_id, current_user)
    event_id = _int("event_id")
    _run(lambda: applications.apply(post, current_user, share_profile=request.form.get("share") == "yes",
                                    event_id=event_id),
         _("投递成功！用人单位将看到您同意提供的姓名、手机号、学校和毕业年份。"))
    return _back(url_for("employers.post_page", post_id=post.id))


# --- public: a fair's employers and interview slots --------------------------------------------

def fair_summary(event: Event) -> dict | None:
    """For the event page (a Jinja global): a fair's booths with their open posts, and its slots."""
    if event.kind.value not in ("job_fair", "interview_session"):
        return None
    booths = services.booths_of(event.id)
    slots = interviews.slots_of(event.id)
    mine = []
    if current_user.is_authenticated and current_user.role == Role.SEEKER:
        mine = interviews.bookings_of_seeker(current_user.id, event.id)
    return {"booths": booths, "slots": slots, "counts": interviews.booked_counts(s.id for s in slots),
            "my_bookings": {b.slot_id: b for b in mine}}


def ticket_interviews(registration) -> list[InterviewBooking]:
    """For the ticket page (a Jinja global): the seeker's booked interview seats at that event."""
    return interviews.bookings_of_seeker(registration.seeker_id, registration.event_id)


@bp.get("/events/<int:event_id>/booths")
def booth_list(event_id: int):
    """The employers at a fair, searchable; printable as the booth list for the door."""
    event = services.event_or_404(event_id)
    if event.status == EventStatus.DRAFT and not access.is_staff_for_station(current_user, event.station_id):
        abort(404)
    text = (request.args.get("q") or "").strip()[:100] or None
    return render_template("employers/booths.html", event=event, booths=services.booths_of(event.id, text=text),
                           q=text or "")


@bp.post("/interview-slots/<int:slot_id>/book")
@roles_required(Role.SEEKER)
def book_slot(slot_id: int):
    slot = interviews.slot_or_404(slot_id)
    _run(lambda: interviews.book(slot_id, current_user), _("面试预约成功！请按时到场。"))
    return _back(url_for("events.detail", event_id=slot.event_id) + "#interviews")


@bp.post("/interview-bookings/<int:booking_id>/cancel")
@login_required
def cancel_booking(booking_id: int):
    booking = interviews.booking_or_404(booking_id)
    _run(lambda: interviews.cancel_booking(booking, actor=current_user), _("已取消该面试预约。"))
    return _back(url_for("events.detail", event_id=booking.event_id) + "#interviews")


@bp.get("/events/<int:event_id>/interview-schedule")
@login_required
def schedule(event_id: int):
    """The day's schedule: the door (staff of the station) sees every employer; an employer its own."""
    event = services.event_or_404(event_id)
    if access.acts_for(current_user, current_user.employer_id):
        rows = interviews.schedule(event.id, employer_id=current_user.employer_id)
    elif current_user.is_staff and (current_user.role == Role.ADMIN or current_user.station_id == event.station_id):
        rows = interviews.schedule(event.id)
    else:
        abort(403)
    return render_template("employers/schedule.html", event=event, rows=rows)


# --- employer accounts: their own page ---------------------------------------------------------

@bp.get("/employer")
@roles_required(Role.EMPLOYER)
def dashboard():
    employer = services.employer_or_404(current_user.employer_id)
    posts = db.session.execute(services.posts_query(current_user, employer_id=employer.id, include_closed=True)).scalars().all()
    return render_template("employers/dashboard.html", employer=employer, posts=posts,
                           booths=services.booths_of_employer(employer.id),
                           applicants={p.id: applications.applications_for_post(p) for p in posts},
                           results=APPLICATION_RESULTS, EDUCATION_LABELS=EDUCATION_LABELS, PostStatus=PostStatus,
                           POST_STATUS_LABELS=POST_STATUS_LABELS)


def _post_fields_from_form() -> dict:
    form = request.form
    fields = {name: form.get(name, "") for name in ("title", "description", "location")}
    fields["headcount"] = _int("headcount") or 0
    for name in ("salary_min", "salary_max", "experience_years"):
        fields[name] = _int(name)
    fields["education"] = form.get("education") or None
    fields["tags"] = [t for t in form.get("tags", "").replace("，", ",").split(",") if t.strip()]
    fields["welcome_categories"] = form.getlist("welcome_categories")
    fields["closes_on"] = _date("closes_on")
    return fields


@bp.post("/employers/<int:employer_id>/posts")
@login_required
def add_post(employer_id: int):
    employer = services.employer_or_404(employer_id)
    _run(lambda: services.create_post(employer, _post_fields_from_form(), actor=current_user), _("岗位已发布。"))
    return _back(url_for("employers.dashboard"))


@bp.route("/posts/<int:post_id>/edit", methods=["GET", "POST"])
@login_required
def edit_post(post_id: int):
    """Change every field of a post (staff of the station, the employer itself)."""
    post = services.post_or_404(post_id)
    if not access.may_manage_posts(current_user, post.employer):
        abort(403)
    if request.method == "POST":
        if _run(lambda: services.update_post(post, _post_fields_from_form(), actor=current_user), _("岗位已保存。")):
            return _back(url_for("employers.post_page", post_id=post.id))
        db.session.refresh(post)
    return render_template("employers/post_edit.html", post=post, EDUCATION_LABELS=EDUCATION_LABELS)


@bp.post("/posts/<int:post_id>/status")
@login_required
def set_post_status(post_id: int):
    post = services.post_or_404(post_id)
    _run(lambda: services.update_post(post, {"status": request.form.get("status", "")}, actor=current_user),
         _("岗位状态已更新。"))
    return _back(url_for("employers.post_page", post_id=post.id))


@bp.post("/events/<int:event_id>/slot-runs")
@login_required
def add_slot_run(event_id: int):
    event = services.event_or_404(event_id)
    day = request.form.get("day", "")
    start, end = _local_moment(day, request.form.get("from", "")), _local_moment(day, request.form.get("to", ""))
    employer_id = current_user.employer_id if current_user.role == Role.EMPLOYER else _int("employer_id")
    if start is None or end is None:
        flash(_("请填写日期和起止时间。"), "error")
    else:
        _run(lambda: interviews.add_run(event, employer_id=employer_id, actor=current_user, start=start, end=end,
                                        minutes=_int("minutes") or 0, parallel=_int("parallel") or 1,
                                        post_id=_int("post_id")), _("面试时段已生成。"))
    return _back(url_for("employers.dashboard"))


@bp.post("/applications/<int:application_id>/result")
@login_required
def application_result(application_id: int):
    application = applications.application_or_404(application_id)
    _run(lambda: applications.record_result(application, request.form.get("result", ""), actor=current_user,
                                            note=request.form.get("note", "")), _("结果已记录。"))
    return _back(url_for("employers.dashboard"))


# --- staff: employers, visits, accounts, booths ------------------------------------------------

@bp.get("/manage/employers")
@roles_required(*STAFF)
def manage_list():
    text = (request.args.get("q") or "").strip()[:100] or None
    employers = db.session.execute(services.employers_query(current_user, text=text).limit(200)).scalars().all()
    stations = db.session.execute(db.select(Station).order_by(Station.name)).scalars().all()
    return render_template("employers/manage_list.html", employers=employers, q=text or "", stations=stations)


@bp.post("/manage/employers")
@roles_required(*STAFF)
def manage_create():
    fields = {name: request.form.get(name, "") for name in ("name", "credit_code", *services.EMPLOYER_TEXT_FIELDS)}
    fields["station"] = request.form.get("station") or None
    employer = _run(lambda: services.create_employer(fields, actor=current_user), _("用人单位已登记。"))
    if employer is None:
        return redirect(url_for("employers.manage_list"))
    return redirect(url_for("employers.manage_detail", employer_id=employer.id))


@bp.get("/manage/employers/<int:employer_id>")
@roles_required(*STAFF)
def manage_detail(employer_id: int):
    employer = services.employer_or_404(employer_id)
    posts = db.session.execute(services.posts_query(current_user, employer_id=employer.id, include_closed=True)).scalars().all()
    fairs_query = db.select(Event).where(Event.kind.in_(services.FAIR_KINDS), Event.status != EventStatus.CANCELLED)
    if current_user.role != Role.ADMIN:  # an organizer may put employers only at the station's own fairs
        fairs_query = fairs_query.where(Event.station_id == current_user.station_id)
    fairs = db.session.execute(fairs_query.order_by(Event.id.desc()).limit(50)).scalars().all()
    booths = services.booths_of_employer(employer.id)
    return render_template("employers/manage_detail.html", employer=employer, posts=posts,
                           visits=services.visits_of(employer), accounts=services.employer_accounts(employer),
                           booths=booths, fairs=fairs,
                           # where staff may add interview slots for the employer (one without an account too)
                           organized_fairs={b.event_id for b in booths if access.may_organize_event(current_user, b.event)},
                           can_edit=access.may_edit_employer(current_user, employer),
                           EDUCATION_LABELS=EDUCATION_LABELS, results=APPLICATION_RESULTS,
                           applicants={p.id: applications.applications_for_post(p) for p in posts
                                       if access.may_see_applicants(current_user, p)})


@bp.post("/manage/employers/<int:employer_id>/edit")
@roles_required(*STAFF)
def manage_edit(employer_id: int):
    employer = services.employer_or_404(employer_id)
    fields = {name: request.form.get(name, "") for name in ("name", "credit_code", *services.EMPLOYER_TEXT_FIELDS)}
    _run(lambda: services.update_employer(employer, fields, actor=current_user), _("单位信息已保存。"))
    return redirect(url_for("employers.manage_detail", employer_id=employer.id))


@bp.post("/manage/employers/<int:employer_id>/visits")
@roles_required(*STAFF)
def manage_visit(employer_id: int):
    employer = services.employer_or_404(employer_id)
    _run(lambda: services.record_visit(employer, actor=current_user, visited_on=_date("visited_on"),
                                       visitors=request.form.get("visitors", ""), agreed=request.form.get("agreed", "")),
         _("走访已记录。"))
    return redirect(url_for("employers.manage_detail", employer_id=employer.id))


@bp.post("/manage/employers/<int:employer_id>/accounts")
@roles_required(*STAFF)
def manage_account(employer_id: int):
    employer = services.employer_or_404(employer_id)
    form = request.form
    _run(lambda: services.create_employer_account(employer, actor=current_user, email=form.get("email", ""),
                                                  name=form.get("name", ""), password=form.get("password", ""),
                                                  phone=form.get("phone") or None), _("账号已创建。"))
    return redirect(url_for("employers.manage_detail", employer_id=employer.id))


@bp.post("/manage/employers/<int:employer_id>/booths")
@roles_required(Role.ORGANIZER, Role.ADMIN)
def manage_booth(employer_id: int):
    employer = services.employer_or_404(employer_id)
    event = db.session.get(Event, _int("event_id") or 0)
    if event is None:
        flash(_("请选择活动。"), "error")
    else:
        post_ids = [int(v) for v in request.form.getlist("post_ids") if v.isdigit() and len(v) < 10]
        _run(lambda: services.set_booth(event, employer_id=employer.id, booth=request.form.get("booth", ""),
                                        post_ids=post_ids, actor=current_user), _("已加入活动。"))
    return redirect(url_for("employers.manage_detail", employer_id=employer.id))


def init_app(app) -> None:
    """Register the blueprint and the event page's hook (``fair_summary``)."""
    app.register_blueprint(bp)
    app.jinja_env.globals.update(fair_summary=fair_summary, ticket_interviews=ticket_interviews,
                                 APPLICATION_STATUS_LABELS=APPLICATION_STATUS_LABELS)
