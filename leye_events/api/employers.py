"""API: employers, posts (岗位), booths at fairs, interview slots and bookings, applications (API.md,
"Employers, posts, fairs and interview slots"). Thin: parse, call a service of ``employers``, answer."""
from datetime import date

from flask import current_app, jsonify, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func

from ..accounts.models import Role
from ..core.errors import NotFound
from ..core.masking import mask_phone
from ..core.timeutil import isoformat_local
from ..employers import access, applications, interviews, services
from ..employers.models import Application, Booth, Employer, InterviewBooking, InterviewSlot, Post, Visit
from ..events.models import EventStatus
from ..extensions import db
from ..stations.models import Station
from . import bp
from . import parsing as p
from .auth import api_user, require_roles

MAX_PAGE = 100_000
STAFF = (Role.ORGANIZER, Role.COUNSELOR, Role.ADMIN)


# --- shapes -----------------------------------------------------------------------------------

def employer_json(employer: Employer) -> dict:
    station = employer.station
    return {"id": employer.id, "name": employer.name, "credit_code": employer.credit_code,
            "industry": employer.industry, "size": employer.size, "park": employer.park, "address": employer.address,
            "contact_name": employer.contact_name, "contact_phone": employer.contact_phone,
            "station": station.slug if station else None, "created_at": isoformat_local(employer.created_at)}


def employer_brief(employer: Employer) -> dict:
    return {"id": employer.id, "name": employer.name, "industry": employer.industry, "park": employer.park}


def post_json(post: Post) -> dict:
    return {"id": post.id, "employer": employer_brief(post.employer), "title": post.title,
            "description": post.description, "headcount": post.headcount, "salary_min": post.salary_min,
            "salary_max": post.salary_max, "education": post.education.value if post.education else None,
            "experience_years": post.experience_years, "location": post.location, "tags": list(post.tags or []),
            "welcome_categories": list(post.welcome_categories or []),
            "closes_on": post.closes_on.isoformat() if post.closes_on else None, "status": post.status.value,
            "station": post.station.slug if post.station else None, "created_at": isoformat_local(post.created_at),
            "url": url_for("employers.post_page", post_id=post.id, _external=True)}


def booth_json(booth: Booth) -> dict:
    return {"id": booth.id, "event_id": booth.event_id, "booth": booth.booth, "employer": employer_brief(booth.employer),
            "posts": [post_json(post) for post in booth.posts if post.status.value == "open"]}


def slot_json(slot: InterviewSlot, booked: int) -> dict:
    return {"id": slot.id, "event_id": slot.event_id, "employer": employer_brief(slot.employer),
            "post_id": slot.post_id, "post_title": slot.post.title if slot.post else None,
            "starts_at": isoformat_local(slot.starts_at), "ends_at": isoformat_local(slot.ends_at),
            "capacity": slot.capacity, "booked": booked, "seats_left": max(slot.capacity - booked, 0)}


def booking_json(booking: InterviewBooking) -> dict:
    slot = booking.slot
    return {"id": booking.id, "slot": slot_json(slot, interviews.booked_counts([slot.id]).get(slot.id, 0)),
            "event_id": booking.event_id, "status": booking.status.value,
            "created_at": isoformat_local(booking.created_at), "cancelled_at": isoformat_local(booking.cancelled_at)}


def application_json(application: Application, viewer=None) -> dict:
    """An application; the applicant as shared with the employer (the phone masked for staff views, as
    everywhere staff see personal data by default). Never the category, case or notes."""
    shared = applications.shared_profile(application)
    if viewer is not None and not access.acts_for(viewer, application.employer_id):
        shared["phone"] = mask_phone(shared["phone"])
    return {"id": application.id, "post_id": application.post_id, "post_title": application.post.title,
            "employer": employer_brief(application.employer), "event_id": application.event_id,
            "status": application.status.value, "note": application.note,
            "applicant": shared, "created_at": isoformat_local(application.created_at),
            "result_at": isoformat_local(application.result_at)}


def visit_json(visit: Visit) -> dict:
    return {"id": visit.id, "employer_id": visit.employer_id, "visited_on": visit.visited_on.isoformat(),
            "visitors": visit.visitors, "agreed": visit.agreed, "station": visit.station.slug}


# --- parsing helpers --------------------------------------------------------------------------

def _date(body: dict, name: str):
    value = body.get(name, p.MISSING)
    if value is p.MISSING or value is None:
        return value
    try:
        if not isinstance(value, str) or len(value) != 10:
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise p.invalid_field(name, _("日期格式应为 2026-12-03。")) from None


def _optional_text(body: dict, name: str) -> str:
    """A string field that may be absent or null: "" then."""
    value = p.text(body, name)
    return "" if value is p.MISSING or value is None else value


def _present(values: dict) -> dict:
    return {key: value for key, value in values.items() if value is not p.MISSING}


def _employer_fields(body: dict) -> dict:
    names = ("name", "station", "credit_code", *[n for n in services.EMPLOYER_TEXT_FIELDS if n != "name"])
    return _present({name: p.text(body, name) for name in names})


def _post_fields(body: dict) -> dict:
    values = {name: p.text(body, name) for name in ("title", "description", "location", "education", "status")}
    for name in ("headcount", "salary_min", "salary_max", "experience_years"):
        values[name] = p.integer(body, name, nullable=name != "headcount")
    values["tags"] = p.string_list(body, "tags")
    values["welcome_categories"] = p.string_list(body, "welcome_categories")
    if isinstance(values["welcome_categories"], list):
        values["welcome_categories"] = [p.category_code(c) for c in values["welcome_categories"]]
    values["closes_on"] = _date(body, "closes_on")
    return _present(values)


def _page(endpoint: str, query, key: str, shape):
    page = p.query_int("page", default=1, minimum=1, maximum=MAX_PAGE)
    max_size = current_app.config["API_MAX_PAGE_SIZE"]
    per_page = p.query_int("per_page", default=min(current_app.config["API_PAGE_SIZE"], max_size), minimum=1,
                           maximum=max_size, clamp=True)
    total = db.session.scalar(db.select(func.count()).select_from(query.order_by(None).subquery()))
    rows = db.session.execute(query.limit(per_page).offset((page - 1) * per_page)).scalars().all()
    next_url = None
    if page * per_page < total and page < MAX_PAGE:
        args = {k: v for k, v in request.args.items() if k not in ("page", "per_page")}
        next_url = url_for(endpoint, **args, page=page + 1, per_page=per_page, _external=True)
    return jsonify({key: [shape(row) for row in rows], "page": page, "per_page": per_page, "total": total,
                    "next": next_url})


def _station_param():
    slug = p.query_text("station", max_length=64)
    if slug is None:
        return None
    station_id = db.session.execute(db.select(Station.id).filter_by(slug=slug)).scalar_one_or_none()
    if station_id is None:
        raise p.invalid_parameter("station", _("找不到该乐业空间。"))
    return station_id


def _id_param(name: str):
    value = p.query_text(name, max_length=12)
    if value is None:
        return None
    if not value.isdigit():
        raise p.invalid_parameter(name, _("参数应为正整数。"))
    return min(int(value), p.MAX_ID)


# --- employers --------------------------------------------------------------------------------

@bp.post("/employers")
@require_roles(*STAFF)
def create_employer():
    employer = services.create_employer(_employer_fields(p.json_body()), actor=api_user())
    db.session.commit()
    return jsonify(employer_json(employer)), 201


@bp.get("/employers")
@require_roles(*STAFF, Role.EMPLOYER)
def list_employers():
    query = services.employers_query(api_user(), station_id=_station_param(), text=p.query_text("q"))
    return _page("api.list_employers", query, "employers", employer_json)


@bp.get("/employers/<int:employer_id>")
@require_roles(*STAFF, Role.EMPLOYER)
def get_employer(employer_id: int):
    return jsonify(employer_json(services.visible_employer(employer_id, api_user())))


@bp.patch("/employers/<int:employer_id>")
@require_roles(*STAFF)
def update_employer(employer_id: int):
    employer = services.employer_or_404(employer_id)
    services.update_employer(employer, _employer_fields(p.json_body()), actor=api_user())
    db.session.commit()
    return jsonify(employer_json(employer))


@bp.post("/employers/<int:employer_id>/accounts")
@require_roles(*STAFF)
def create_employer_account(employer_id: int):
    body = p.json_body()
    employer = services.employer_or_404(employer_id)
    user = services.create_employer_account(
        employer, actor=api_user(), email=p.text(body, "email", required=True), name=p.text(body, "name", required=True),
        password=p.text(body, "password", required=True), phone=_optional_text(body, "phone") or None)
    db.session.commit()
    return jsonify({"id": user.id, "role": user.role.value, "name": user.name, "email": user.email,
                    "phone": user.masked_phone or None, "employer_id": employer.id}), 201


@bp.post("/employers/<int:employer_id>/visits")
@require_roles(*STAFF)
def create_visit(employer_id: int):
    body = p.json_body()
    employer = services.employer_or_404(employer_id)
    visited_on = _date(body, "visited_on")
    if visited_on is p.MISSING or visited_on is None:
        raise p.missing_field("visited_on")
    visit = services.record_visit(employer, actor=api_user(), visited_on=visited_on,
                                  visitors=_optional_text(body, "visitors"), agreed=_optional_text(body, "agreed"))
    db.session.commit()
    return jsonify(visit_json(visit)), 201


@bp.get("/employers/<int:employer_id>/visits")
@require_roles(*STAFF)
def list_visits(employer_id: int):
    employer = services.employer_or_404(employer_id)
    return jsonify({"visits": [visit_json(v) for v in services.visits_of(employer)]})


# --- posts ------------------------------------------------------------------------------------

@bp.post("/employers/<int:employer_id>/posts")
@require_roles(*STAFF, Role.EMPLOYER)
def create_post(employer_id: int):
    user = api_user()
    employer = services.visible_employer(employer_id, user)
    post = services.create_post(employer, _post_fields(p.json_body()), actor=user)
    db.session.commit()
    return jsonify(post_json(post)), 201


@bp.patch("/posts/<int:post_id>")
@require_roles(*STAFF, Role.EMPLOYER)
def update_post(post_id: int):
    user = api_user()
    post = services.visible_post(post_id, user)
    services.update_post(post, _post_fields(p.json_body()), actor=user)
    db.session.commit()
    return jsonify(post_json(post))


@bp.get("/posts")
def list_posts():
    """Open posts for everyone; ``status=all`` adds closed and filled ones for staff and the employer's own."""
    status = p.query_text("status", max_length=10)
    if status not in (None, "open", "all"):
        raise p.invalid_parameter("status", _("可选：open, all。"))
    query = services.posts_query(api_user(optional=True), text=p.query_text("q"), station_id=_station_param(),
                                 employer_id=_id_param("employer"), event_id=_id_param("event"),
                                 include_closed=status == "all")
    return _page("api.list_posts", query, "posts", post_json)


@bp.get("/posts/<int:post_id>")
def get_post(post_id: int):
    post = services.visible_post(post_id, api_user(optional=True))
    body = post_json(post)
    body["events"] = [{"id": e.id, "title": e.title, "kind": e.kind.value, "starts_at": isoformat_local(e.starts_at)}
                      for e in services.upcoming_events_for_post(post)]
    return jsonify(body)


# --- booths -----------------------------------------------------------------------------------

def _public_event(event_id: int):
    event = services.event_or_404(event_id)
    user = api_user(optional=True)
    if event.status == EventStatus.DRAFT and not (access.may_organize_event(user, event) or
                                                   access.is_staff_for_station(user, event.station_id)):
        raise NotFound("not_found", _("活动不存在。"))
    return event


@bp.post("/events/<int:event_id>/booths")
@require_roles(Role.ORGANIZER, Role.ADMIN)
def set_booth(event_id: int):
    body = p.json_body()
    event = services.event_or_404(event_id)
    employer_id = p.integer(body, "employer_id", required=True)
    post_ids = body.get("post_ids", [])
    if not isinstance(post_ids, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in post_ids):
        raise p.invalid_field("post_ids", _("此字段应为整数数组。"))
    booth = services.set_booth(event, employer_id=employer_id, booth=_optional_text(body, "booth"),
                               post_ids=post_ids, actor=api_user())
    db.session.commit()
    return jsonify(booth_json(booth)), 201


@bp.get("/events/<int:event_id>/booths")
def list_booths(event_id: int):
    event = _public_event(event_id)
    return jsonify({"booths": [booth_json(b) for b in services.booths_of(event.id, text=p.query_text("q"))]})


# --- interview slots and bookings -------------------------------------------------------------

@bp.post("/events/<int:event_id>/interview-slots")
@require_roles(Role.ORGANIZER, Role.ADMIN, Role.EMPLOYER)
def create_interview_slots(event_id: int):
    """One slot ``{employer_id, post_id?, starts_at, ends_at, capacity}`` or a run
    ``{employer_id, post_id?, from, to, minutes, parallel}``; answered ``{"slots": [...]}``."""
    body = p.json_body()
    event = services.event_or_404(event_id)
    user = api_user()
    employer_id = p.integer(body, "employer_id", required=user.role != Role.EMPLOYER)
    if employer_id is p.MISSING:
        employer_id = user.employer_id
    post_id = p.integer(body, "post_id", nullable=True)
    post_id = None if post_id is p.MISSING else post_id
    if "from" in body or "minutes" in body:
        slots = interviews.add_run(
            event, employer_id=employer_id, actor=user, start=p.timestamp(body, "from", required=True),
            end=p.timestamp(body, "to", required=True), minutes=p.integer(body, "minutes", required=True),
            parallel=_default(p.integer(body, "parallel"), 1), post_id=post_id)
    else:
        slots = [interviews.add_slot(
            event, employer_id=employer_id, actor=user, starts_at=p.timestamp(body, "starts_at", required=True),
            ends_at=p.timestamp(body, "ends_at", required=True), capacity=_default(p.integer(body, "capacity"), 1),
            post_id=post_id)]
    db.session.commit()
    return jsonify({"slots": [slot_json(s, 0) for s in slots]}), 201


def _default(value, default):
    return default if value is p.MISSING else value


@bp.get("/events/<int:event_id>/interview-slots")
def list_interview_slots(event_id: int):
    event = _public_event(event_id)
    slots = interviews.slots_of(event.id, employer_id=_id_param("employer"))
    counts = interviews.booked_counts(s.id for s in slots)
    return jsonify({"slots": [slot_json(s, counts.get(s.id, 0)) for s in slots]})


@bp.post("/interview-slots/<int:slot_id>/bookings")
@require_roles(Role.SEEKER)
def book_interview(slot_id: int):
    booking = interviews.book(slot_id, api_user())
    db.session.commit()
    return jsonify(booking_json(booking)), 201


@bp.post("/interview-bookings/<int:booking_id>/cancel")
def cancel_interview_booking(booking_id: int):
    booking = interviews.cancel_booking(interviews.booking_or_404(booking_id), actor=api_user())
    db.session.commit()
    return jsonify(booking_json(booking))


@bp.get("/me/interview-bookings")
@require_roles(Role.SEEKER)
def my_interview_bookings():
    return jsonify({"bookings": [booking_json(b) for b in interviews.bookings_of_seeker(api_user().id)]})


# --- applications -----------------------------------------------------------------------------

@bp.post("/posts/<int:post_id>/applications")
@require_roles(Role.SEEKER)
def apply_to_post(post_id: int):
    body = p.json_body()
    user = api_user()
    post = services.visible_post(post_id, user)
    share = p.boolean(body, "share_profile")
    event_id = p.integer(body, "event_id", nullable=True)
    application = applications.apply(post, user, share_profile=share,
                                     event_id=None if event_id is p.MISSING else event_id)
    db.session.commit()
    return jsonify(application_json(application)), 201


@bp.get("/posts/<int:post_id>/applications")
@require_roles(*STAFF, Role.EMPLOYER)
def list_applications(post_id: int):
    user = api_user()
    post = services.post_or_404(post_id)
    if not access.may_see_applicants(user, post):
        raise NotFound("not_found", _("找不到该岗位。"))
    return jsonify({"applications": [application_json(a, user) for a in applications.applications_for_post(post)]})


@bp.post("/applications/<int:application_id>/result")
@require_roles(*STAFF, Role.EMPLOYER)
def record_application_result(application_id: int):
    body = p.json_body()
    user = api_user()
    application = applications.application_or_404(application_id)
    applications.record_result(application, p.text(body, "result", required=True), actor=user,
                               note=_optional_text(body, "note"))
    db.session.commit()
    return jsonify(application_json(application, user))
