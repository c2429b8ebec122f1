"""API: employers, posts (岗位), booths at fairs, interview slots and bookings, applications (API.md,
"Employers, posts, fairs and interview slots"). Thin: parse, call a service of ``employers``, answer."""
from flask import current_app, jsonify, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func

from ..accounts.models import Role
from ..core.db import unit_of_work
from ..core.errors import NotFound
from ..core.masking import mask_phone
from ..core.timeutil import isoformat_local
from ..employers import access, applications, interviews, services
from ..employers.models import Application, Booth, Employer, InterviewBooking, InterviewSlot, Post, Visit
from ..events.models import EventStatus
from ..extensions import db
from ..stations.models import Station
from . import bodies as p
from . import bp
from . import models_employers as m
from .auth import api_user, require_roles
from .models import MAX_PAGE
from .schema import PUBLIC, answers, body_values, declare

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


# --- reading requests -------------------------------------------------------------------------

def _required(body, name: str, message: str):
    """A field a variant of the operation needs: 400 ``missing_field``, or ``invalid_field`` for null."""
    if name not in body.model_fields_set:
        raise p.missing_field(name.rstrip("_"))
    value = getattr(body, name)
    if value is None:
        raise p.invalid_field(name.rstrip("_"), message)
    return value


def _page(endpoint: str, query, sql, key: str, shape):
    page = query.page or 1
    max_size = current_app.config["API_MAX_PAGE_SIZE"]
    per_page = min(query.per_page or current_app.config["API_PAGE_SIZE"], max_size)
    total = db.session.scalar(db.select(func.count()).select_from(sql.order_by(None).subquery()))
    rows = db.session.execute(sql.limit(per_page).offset((page - 1) * per_page)).scalars().all()
    next_url = None
    if page * per_page < total and page < MAX_PAGE:
        args = {k: v for k, v in request.args.items() if k not in ("page", "per_page")}
        next_url = url_for(endpoint, **args, page=page + 1, per_page=per_page, _external=True)
    return jsonify({key: [shape(row) for row in rows], "page": page, "per_page": per_page, "total": total,
                    "next": next_url})


def _station_id(slug: str | None):
    if slug is None:
        return None
    station_id = db.session.execute(db.select(Station.id).filter_by(slug=slug)).scalar_one_or_none()
    if station_id is None:
        raise p.invalid_parameter("station", _("找不到该乐业空间。"))
    return station_id


# --- employers --------------------------------------------------------------------------------

@bp.post("/employers")
@require_roles(*STAFF)
@declare(json=m.EmployerCreate, resp=answers(201, m.Employer, "The employer", errors=(400, 401, 403, 409, 422)),
         tags=["employers"], operation_id="createEmployer")
def create_employer():
    """Enter an employer.

    Organizers, counselors (of the employer's station) and admins. 409 employer_exists for a known name or
    credit code; 422 invalid_credit_code."""
    with unit_of_work():
        employer = services.create_employer(body_values(request.context.json), actor=api_user())
    return jsonify(employer_json(employer)), 201


@bp.get("/employers")
@require_roles(*STAFF, Role.EMPLOYER)
@declare(query=m.EmployerQuery, resp=answers(200, m.EmployerPage, "A page of employers", errors=(400, 401, 403)),
         tags=["employers"], operation_id="listEmployers")
def list_employers():
    """Employers: staff see all; an employer account sees only its own."""
    query = request.context.query
    sql = services.employers_query(api_user(), station_id=_station_id(query.station), text=query.q)
    return _page("api.list_employers", query, sql, "employers", employer_json)


@bp.get("/employers/<int:employer_id>")
@require_roles(*STAFF, Role.EMPLOYER)
@declare(resp=answers(200, m.Employer, "The employer", errors=(401, 403, 404)), tags=["employers"],
         operation_id="getEmployer")
def get_employer(employer_id: int):
    """One employer: staff; the employer itself (others: 404)."""
    return jsonify(employer_json(services.visible_employer(employer_id, api_user())))


@bp.patch("/employers/<int:employer_id>")
@require_roles(*STAFF)
@declare(json=m.EmployerInput, resp=answers(200, m.Employer, "The employer",
                                            errors=(400, 401, 403, 404, 409, 422)),
         tags=["employers"], operation_id="updateEmployer")
def update_employer(employer_id: int):
    """Change an employer: organizers, counselors (of the employer's station) and admins."""
    employer = services.employer_or_404(employer_id)
    with unit_of_work():
        services.update_employer(employer, body_values(request.context.json), actor=api_user())
    return jsonify(employer_json(employer))


@bp.post("/employers/<int:employer_id>/accounts")
@require_roles(*STAFF)
@declare(json=m.EmployerAccountInput, resp=answers(201, m.EmployerAccount, "The account",
                                                   errors=(400, 401, 403, 404, 409, 422)),
         tags=["employers"], operation_id="createEmployerAccount")
def create_employer_account(employer_id: int):
    """Create an employer account: organizers, counselors (of the employer's station) and admins."""
    body = request.context.json
    employer = services.employer_or_404(employer_id)
    with unit_of_work():
        user = services.create_employer_account(employer, actor=api_user(), email=body.email, name=body.name,
                                                password=body.password, phone=body.phone or None)
    return jsonify({"id": user.id, "role": user.role.value, "name": user.name, "email": user.email,
                    "phone": user.masked_phone or None, "employer_id": employer.id}), 201


@bp.post("/employers/<int:employer_id>/visits")
@require_roles(*STAFF)
@declare(json=m.VisitInput, resp=answers(201, m.Visit, "The visit", errors=(400, 401, 403, 404, 422)),
         tags=["employers"], operation_id="createVisit")
def create_visit(employer_id: int):
    """Record a company visit (岗位开发): organizers, counselors (of the employer's station) and admins."""
    body = request.context.json
    employer = services.employer_or_404(employer_id)
    if body.visited_on is None:
        raise p.missing_field("visited_on")
    with unit_of_work():
        visit = services.record_visit(employer, actor=api_user(), visited_on=body.visited_on,
                                      visitors=body.visitors or "", agreed=body.agreed or "")
    return jsonify(visit_json(visit)), 201


@bp.get("/employers/<int:employer_id>/visits")
@require_roles(*STAFF)
@declare(resp=answers(200, m.Visits, "Newest first", errors=(401, 403, 404)), tags=["employers"],
         operation_id="listVisits")
def list_visits(employer_id: int):
    """Company visits."""
    employer = services.employer_or_404(employer_id)
    return jsonify({"visits": [visit_json(v) for v in services.visits_of(employer)]})


# --- posts ------------------------------------------------------------------------------------

@bp.post("/employers/<int:employer_id>/posts")
@require_roles(*STAFF, Role.EMPLOYER)
@declare(json=m.PostCreate, resp=answers(201, m.Post, "The post", errors=(400, 401, 403, 404, 409, 422)),
         tags=["employers"], operation_id="createPost")
def create_post(employer_id: int):
    """Add a post (岗位): staff of the employer's station, or the employer.

    Counts as 岗位开发. 409 post_exists for a title the employer already has."""
    user = api_user()
    employer = services.visible_employer(employer_id, user)
    with unit_of_work():
        post = services.create_post(employer, body_values(request.context.json), actor=user)
    return jsonify(post_json(post)), 201


@bp.patch("/posts/<int:post_id>")
@require_roles(*STAFF, Role.EMPLOYER)
@declare(json=m.PostInput, resp=answers(200, m.Post, "The post", errors=(400, 401, 403, 404, 409, 422)),
         tags=["employers"], operation_id="updatePost")
def update_post(post_id: int):
    """Change a post: staff of the station, or the employer."""
    user = api_user()
    post = services.visible_post(post_id, user)
    with unit_of_work():
        services.update_post(post, body_values(request.context.json), actor=user)
    return jsonify(post_json(post))


@bp.get("/posts")
@declare(query=m.PostQuery, resp=answers(200, m.PostPage, "A page of posts, newest first", errors=(400,)),
         tags=["employers"], security=PUBLIC, operation_id="listPosts")
def list_posts():
    """Open posts for everyone; ``status=all`` adds closed and filled ones for staff and the employer's own.

    Open posts are those not past their closing date."""
    query = request.context.query
    if query.status not in (None, "open", "all"):
        raise p.invalid_parameter("status", _("可选：open, all。"))
    sql = services.posts_query(api_user(optional=True), text=query.q, station_id=_station_id(query.station),
                               employer_id=query.employer, event_id=query.event, include_closed=query.status == "all")
    return _page("api.list_posts", query, sql, "posts", post_json)


@bp.get("/posts/<int:post_id>")
@declare(resp=answers(200, m.Post, "The post with where to meet the employer", errors=(404,)),
         tags=["employers"], security=PUBLIC, operation_id="getPost")
def get_post(post_id: int):
    """One post: closed and filled posts only for staff and the employer."""
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
@declare(json=m.BoothInput, resp=answers(201, m.Booth, "The booth", errors=(400, 401, 403, 404, 409, 422)),
         tags=["employers"], operation_id="setBooth")
def set_booth(event_id: int):
    """Put an employer at a fair: organizers of the event's station, admins.

    Job fairs and interview sessions only (422 not_a_fair); posting again for the same employer changes its
    booth."""
    body = request.context.json
    event = services.event_or_404(event_id)
    with unit_of_work():
        booth = services.set_booth(event, employer_id=body.employer_id, booth=body.booth or "", post_ids=body.post_ids,
                                   actor=api_user())
    return jsonify(booth_json(booth)), 201


@bp.get("/events/<int:event_id>/booths")
@declare(query=m.TextQuery, resp=answers(200, m.Booths, "By booth number", errors=(400, 404)),
         tags=["employers"], security=PUBLIC, operation_id="listBooths")
def list_booths(event_id: int):
    """Employers at a fair."""
    event = _public_event(event_id)
    booths = services.booths_of(event.id, text=request.context.query.q)
    return jsonify({"booths": [booth_json(b) for b in booths]})


# --- interview slots and bookings -------------------------------------------------------------

@bp.post("/events/<int:event_id>/interview-slots")
@require_roles(Role.ORGANIZER, Role.ADMIN, Role.EMPLOYER)
@declare(json=m.InterviewSlotInput, resp=answers(201, m.InterviewSlots, "The new slots",
                                                 errors=(400, 401, 403, 404, 422)),
         tags=["employers"], operation_id="createInterviewSlots")
def create_interview_slots(event_id: int):
    """One slot ``{employer_id, post_id?, starts_at, ends_at, capacity}`` or a run
    ``{employer_id, post_id?, from, to, minutes, parallel}``; answered ``{"slots": [...]}``.

    Organizers of the event's station, admins, or the employer; the employer must have a booth at the event
    (422 not_at_event); slots lie within the event's day."""
    body = request.context.json
    sent = body.model_fields_set
    event = services.event_or_404(event_id)
    user = api_user()
    if "employer_id" in sent or user.role != Role.EMPLOYER:
        employer_id = _required(body, "employer_id", _("此字段应为整数。"))
    else:
        employer_id = user.employer_id
    when = _("时间须为带时区偏移的 ISO 8601 格式，例如 2026-12-03T14:00:00+08:00。")
    with unit_of_work():
        if "from_" in sent or "minutes" in sent:
            slots = interviews.add_run(
                event, employer_id=employer_id, actor=user, start=_required(body, "from_", when),
                end=_required(body, "to", when), minutes=_required(body, "minutes", _("此字段应为整数。")),
                parallel=1 if body.parallel is None else body.parallel, post_id=body.post_id)
        else:
            slots = [interviews.add_slot(
                event, employer_id=employer_id, actor=user, starts_at=_required(body, "starts_at", when),
                ends_at=_required(body, "ends_at", when), capacity=1 if body.capacity is None else body.capacity,
                post_id=body.post_id)]
    return jsonify({"slots": [slot_json(s, 0) for s in slots]}), 201


@bp.get("/events/<int:event_id>/interview-slots")
@declare(query=m.EmployerIdQuery, resp=answers(200, m.InterviewSlots, "By start time", errors=(400, 404)),
         tags=["employers"], security=PUBLIC, operation_id="listInterviewSlots")
def list_interview_slots(event_id: int):
    """Interview slots of a fair."""
    event = _public_event(event_id)
    slots = interviews.slots_of(event.id, employer_id=request.context.query.employer)
    counts = interviews.booked_counts(s.id for s in slots)
    return jsonify({"slots": [slot_json(s, counts.get(s.id, 0)) for s in slots]})


@bp.post("/interview-slots/<int:slot_id>/bookings")
@require_roles(Role.SEEKER)
@declare(resp=answers(201, m.InterviewBooking, "The booking", errors=(401, 403, 404, 409, 422)),
         tags=["employers"], operation_id="bookInterviewSlot")
def book_interview(slot_id: int):
    """Book an interview slot.

    Seekers with a confirmed registration for the event (422 not_registered). 409 already_booked: a booked slot
    of the same employer at this event, or one overlapping in time. 422 slot_full, slot_closed. Never overbooked
    under a rush."""
    with unit_of_work():
        booking = interviews.book(slot_id, api_user())
    return jsonify(booking_json(booking)), 201


@bp.post("/interview-bookings/<int:booking_id>/cancel")
@declare(resp=answers(200, m.InterviewBooking, "The booking, cancelled", errors=(401, 404)),
         tags=["employers"], operation_id="cancelInterviewBooking")
def cancel_interview_booking(booking_id: int):
    """Cancel an interview booking: the seeker, the employer, staff of the event's station; frees the seat."""
    with unit_of_work():
        booking = interviews.cancel_booking(interviews.booking_or_404(booking_id), actor=api_user())
    return jsonify(booking_json(booking))


@bp.get("/me/interview-bookings")
@require_roles(Role.SEEKER)
@declare(resp=answers(200, m.InterviewBookings, "Booked seats", errors=(401, 403)), tags=["employers"],
         operation_id="myInterviewBookings")
def my_interview_bookings():
    """Own interview bookings."""
    return jsonify({"bookings": [booking_json(b) for b in interviews.bookings_of_seeker(api_user().id)]})


# --- applications -----------------------------------------------------------------------------

@bp.post("/posts/<int:post_id>/applications")
@require_roles(Role.SEEKER)
@declare(json=m.ApplicationInput, resp=answers(201, m.Application, "The application",
                                               errors=(400, 401, 403, 404, 409, 422)),
         tags=["employers"], operation_id="applyToPost")
def apply_to_post(post_id: int):
    """Apply to a post (投递): seekers. 409 already_applied; 422 consent_required, post_closed.

    Written on the seeker's case."""
    body = request.context.json
    user = api_user()
    post = services.visible_post(post_id, user)
    with unit_of_work():
        application = applications.apply(post, user, share_profile=body.share_profile, event_id=body.event_id)
    return jsonify(application_json(application)), 201


@bp.get("/posts/<int:post_id>/applications")
@require_roles(*STAFF, Role.EMPLOYER)
@declare(resp=answers(200, m.Applications, "Newest first", errors=(401, 403, 404)), tags=["employers"],
         operation_id="listApplications")
def list_applications(post_id: int):
    """Applicants of a post: the employer (with what the applicants shared), staff of the post's station
    (phone masked)."""
    user = api_user()
    post = services.post_or_404(post_id)
    if not access.may_see_applicants(user, post):
        raise NotFound("not_found", _("找不到该岗位。"))
    return jsonify({"applications": [application_json(a, user) for a in applications.applications_for_post(post)]})


@bp.post("/applications/<int:application_id>/result")
@require_roles(*STAFF, Role.EMPLOYER)
@declare(json=m.ApplicationResult, resp=answers(200, m.Application, "The application",
                                                errors=(400, 401, 403, 404, 422)),
         tags=["employers"], operation_id="recordApplicationResult")
def record_application_result(application_id: int):
    """Record an application's result: the employer, staff of the post's station.

    Written on the seeker's case; `hired` records the employment outcome (employer, post, today) and is final
    (422 already_hired)."""
    body = request.context.json
    user = api_user()
    application = applications.application_or_404(application_id)
    with unit_of_work():
        applications.record_result(application, body.result, actor=user, note=body.note or "")
    return jsonify(application_json(application, user))
