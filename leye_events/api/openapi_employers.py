"""OpenAPI: employers, posts, booths, interview slots and bookings, applications."""
from .legacy_openapi import (
    CATEGORIES,
    NULLABLE_TIMESTAMP,
    TIMESTAMP,
    body,
    errors,
    nullable,
    ok,
    operation,
    path_id,
    query,
    ref,
)

TAGS = ["employers"]
TAG = "employers"
EDUCATION = ["secondary", "junior_college", "bachelor", "master", "doctor"]
POST_STATUSES = ["open", "closed", "filled"]
RESULTS = ["interview", "offer", "hired", "rejected", "no_show"]
DATE = {"type": "string", "format": "date", "description": "YYYY-MM-DD"}


def _text(max_length: int, **extra) -> dict:
    return {"type": "string", "maxLength": max_length, **extra}


def _page(item: str, key: str) -> dict:
    return {"type": "object", "required": [key, "page", "per_page", "total", "next"],
            "properties": {key: {"type": "array", "items": ref(item)}, "page": {"type": "integer"},
                           "per_page": {"type": "integer"}, "total": {"type": "integer"},
                           "next": nullable("string", format="uri")}}


PAGE_PARAMS = [query("page", "Page number", {"type": "integer", "minimum": 1, "default": 1}),
               query("per_page", "Page size (values above the maximum are capped)",
                     {"type": "integer", "minimum": 1, "default": 50, "maximum": 200})]
EMPLOYER_ID = path_id("employer_id", "Employer id")
POST_ID = path_id("post_id", "Post id")
EVENT_ID = path_id("event_id", "Event id")

EMPLOYER_FIELDS = {
    "name": _text(200, minLength=1), "station": {"type": "string", "description": "Station slug (default: the caller's)"},
    "credit_code": nullable("string", maxLength=40, description="统一社会信用代码: 18 characters, check character "
                                                              "verified (GB 32100-2015); unique"),
    "industry": _text(100), "size": _text(50), "park": _text(100), "address": _text(200),
    "contact_name": _text(100), "contact_phone": _text(20),
}
POST_FIELDS = {
    "title": _text(200, minLength=1), "description": _text(5000),
    "headcount": {"type": "integer", "minimum": 1, "maximum": 10000, "default": 1},
    "salary_min": nullable("integer", minimum=0, maximum=1000000, description="Yuan per month"),
    "salary_max": nullable("integer", minimum=0, maximum=1000000, description="Yuan per month; ≥ salary_min"),
    "education": {"type": ["string", "null"], "enum": [*EDUCATION, None], "description": "Lowest schooling asked"},
    "experience_years": nullable("integer", minimum=0, maximum=50),
    "location": _text(200),
    "tags": {"type": "array", "maxItems": 10, "items": _text(20)},
    "welcome_categories": {"type": "array", "items": {"type": "string", "enum": CATEGORIES},
                           "description": "Seeker categories the employer welcomes; empty: everyone"},
    "closes_on": {**DATE, "type": ["string", "null"]},
    "status": {"type": "string", "enum": POST_STATUSES},
}
EMPLOYER_BRIEF = {"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"},
                                                   "industry": {"type": "string"}, "park": {"type": "string"}}}
SLOT_ONE = {"type": "object", "required": ["starts_at", "ends_at"], "properties": {
    "employer_id": {"type": "integer", "description": "Required unless the caller is the employer"},
    "post_id": nullable("integer"), "starts_at": TIMESTAMP, "ends_at": TIMESTAMP,
    "capacity": {"type": "integer", "minimum": 1, "maximum": 100, "default": 1}}}
SLOT_RUN = {"type": "object", "required": ["from", "to", "minutes"], "properties": {
    "employer_id": {"type": "integer", "description": "Required unless the caller is the employer"},
    "post_id": nullable("integer"), "from": TIMESTAMP, "to": TIMESTAMP,
    "minutes": {"type": "integer", "minimum": 5, "maximum": 240},
    "parallel": {"type": "integer", "minimum": 1, "maximum": 100, "default": 1,
                 "description": "Interviewers at once: each slot's capacity"}},
    "description": "Back-to-back slots of `minutes` from `from` until `to` (at most 200)"}

SCHEMAS = {
    "EmployerInput": {"type": "object", "properties": EMPLOYER_FIELDS},
    "Employer": {"type": "object", "properties": {"id": {"type": "integer"}, **EMPLOYER_FIELDS,
                                                  "station": nullable("string"), "created_at": TIMESTAMP}},
    "EmployerPage": _page("Employer", "employers"),
    "EmployerAccountInput": {"type": "object", "required": ["email", "name", "password"], "properties": {
        "email": {"type": "string", "format": "email"}, "name": _text(100, minLength=1),
        "phone": nullable("string"), "password": {"type": "string", "minLength": 8}}},
    "EmployerAccount": {"type": "object", "properties": {
        "id": {"type": "integer"}, "role": {"const": "employer"}, "name": {"type": "string"},
        "email": nullable("string"), "phone": nullable("string", description="masked"),
        "employer_id": {"type": "integer"}}},
    "VisitInput": {"type": "object", "required": ["visited_on"], "properties": {
        "visited_on": {**DATE, "description": "Not in the future"}, "visitors": _text(200), "agreed": _text(2000)}},
    "Visit": {"type": "object", "properties": {"id": {"type": "integer"}, "employer_id": {"type": "integer"},
                                               "visited_on": DATE, "visitors": {"type": "string"},
                                               "agreed": {"type": "string"}, "station": {"type": "string"}}},
    "PostInput": {"type": "object", "properties": POST_FIELDS},
    "Post": {"type": "object", "properties": {
        "id": {"type": "integer"}, "employer": EMPLOYER_BRIEF, **POST_FIELDS, "station": nullable("string"),
        "created_at": TIMESTAMP, "url": {"type": "string", "format": "uri"},
        "events": {"type": "array", "description": "GET /posts/{id} only: fairs and interview sessions to come "
                                                   "where the employer is", "items": {"type": "object"}}}},
    "PostPage": _page("Post", "posts"),
    "BoothInput": {"type": "object", "required": ["employer_id"], "properties": {
        "employer_id": {"type": "integer"}, "booth": _text(20),
        "post_ids": {"type": "array", "items": {"type": "integer"}, "description": "The employer's own posts"}}},
    "Booth": {"type": "object", "properties": {
        "id": {"type": "integer"}, "event_id": {"type": "integer"}, "booth": {"type": "string"},
        "employer": EMPLOYER_BRIEF, "posts": {"type": "array", "items": ref("Post")}}},
    "InterviewSlotInput": {"oneOf": [SLOT_ONE, SLOT_RUN]},
    "InterviewSlot": {"type": "object", "properties": {
        "id": {"type": "integer"}, "event_id": {"type": "integer"}, "employer": EMPLOYER_BRIEF,
        "post_id": nullable("integer"), "post_title": nullable("string"), "starts_at": TIMESTAMP, "ends_at": TIMESTAMP,
        "capacity": {"type": "integer"}, "booked": {"type": "integer"}, "seats_left": {"type": "integer"}}},
    "InterviewBooking": {"type": "object", "properties": {
        "id": {"type": "integer"}, "slot": ref("InterviewSlot"), "event_id": {"type": "integer"},
        "status": {"type": "string", "enum": ["booked", "cancelled"]}, "created_at": TIMESTAMP,
        "cancelled_at": NULLABLE_TIMESTAMP}},
    "ApplicationInput": {"type": "object", "required": ["share_profile"], "properties": {
        "event_id": nullable("integer", description="The fair where the seeker applied"),
        "share_profile": {"const": True, "description": "Agree to show name, phone, school and graduation "
                                                        "year (never the category) to the employer; 422 "
                                                        "consent_required otherwise"}}},
    "Application": {"type": "object", "properties": {
        "id": {"type": "integer"}, "post_id": {"type": "integer"}, "post_title": {"type": "string"},
        "employer": EMPLOYER_BRIEF, "event_id": nullable("integer"),
        "status": {"type": "string", "enum": ["applied", *RESULTS]}, "note": {"type": "string"},
        "applicant": {"type": "object", "description": "What the seeker shared; the phone is masked for staff",
                      "properties": {"name": {"type": "string"}, "phone": nullable("string"),
                                     "school": nullable("string"), "graduation_year": nullable("integer")}},
        "created_at": TIMESTAMP, "result_at": NULLABLE_TIMESTAMP}},
    "ApplicationResult": {"type": "object", "required": ["result"], "properties": {
        "result": {"type": "string", "enum": RESULTS}, "note": _text(500)}},
}

STAFF_DOC = "Organizers, counselors (of the employer's station) and admins."


def _op(summary, op_id, responses, **kw):
    return operation(summary, operation_id=op_id, tag=TAG, responses=responses, **kw)


PATHS = {
    "/employers": {
        "post": _op("Enter an employer", "createEmployer", {"201": ok("The employer", ref("Employer")),
                                                             **errors(400, 401, 403, 409, 422)},
                    description=STAFF_DOC + " 409 employer_exists for a known name or credit code; "
                                            "422 invalid_credit_code.",
                    request=body({**ref("EmployerInput"), "required": ["name"]})),
        "get": _op("Employers", "listEmployers", {"200": ok("A page of employers", ref("EmployerPage")),
                                                  **errors(400, 401, 403)},
                   description="Staff see all; an employer account sees only its own.",
                   parameters=[query("station", "Station slug", {"type": "string"}),
                               query("q", "Text in name, industry or park", {"type": "string", "maxLength": 200}),
                               *PAGE_PARAMS]),
    },
    "/employers/{employer_id}": {
        "get": _op("One employer", "getEmployer", {"200": ok("The employer", ref("Employer")), **errors(401, 403, 404)},
                   parameters=[EMPLOYER_ID], description="Staff; the employer itself (others: 404)."),
        "patch": _op("Change an employer", "updateEmployer", {"200": ok("The employer", ref("Employer")),
                                                              **errors(400, 401, 403, 404, 409, 422)},
                     parameters=[EMPLOYER_ID], request=body(ref("EmployerInput")), description=STAFF_DOC),
    },
    "/employers/{employer_id}/accounts": {
        "post": _op("Create an employer account", "createEmployerAccount",
                    {"201": ok("The account", ref("EmployerAccount")), **errors(400, 401, 403, 404, 409, 422)},
                    parameters=[EMPLOYER_ID], request=body(ref("EmployerAccountInput")), description=STAFF_DOC),
    },
    "/employers/{employer_id}/visits": {
        "post": _op("Record a company visit (岗位开发)", "createVisit",
                    {"201": ok("The visit", ref("Visit")), **errors(400, 401, 403, 404, 422)},
                    parameters=[EMPLOYER_ID], request=body(ref("VisitInput")), description=STAFF_DOC),
        "get": _op("Company visits", "listVisits", {"200": ok("Newest first", {"type": "object", "properties": {
            "visits": {"type": "array", "items": ref("Visit")}}}), **errors(401, 403, 404)},
                   parameters=[EMPLOYER_ID]),
    },
    "/employers/{employer_id}/posts": {
        "post": _op("Add a post (岗位)", "createPost", {"201": ok("The post", ref("Post")),
                                                       **errors(400, 401, 403, 404, 409, 422)},
                    parameters=[EMPLOYER_ID], request=body({**ref("PostInput"), "required": ["title"]}),
                    description="Staff of the employer's station, or the employer. Counts as 岗位开发. "
                                "409 post_exists for a title the employer already has."),
    },
    "/posts": {
        "get": _op("Posts", "listPosts", {"200": ok("A page of posts, newest first", ref("PostPage")), **errors(400)},
                   secured=False, description="Open posts not past their closing date; `status=all` adds closed "
                                              "and filled ones for staff and for the employer's own.",
                   parameters=[query("q", "Text in title, description, place or employer",
                                     {"type": "string", "maxLength": 200}),
                               query("station", "Station slug", {"type": "string"}),
                               query("employer", "Employer id", {"type": "integer"}),
                               query("event", "Event id: the posts brought to that fair", {"type": "integer"}),
                               query("status", "open (default) or all", {"type": "string", "enum": ["open", "all"]}),
                               *PAGE_PARAMS]),
    },
    "/posts/{post_id}": {
        "get": _op("One post", "getPost", {"200": ok("The post with where to meet the employer", ref("Post")),
                                           **errors(404)}, secured=False, parameters=[POST_ID],
                   description="Closed and filled posts only for staff and the employer."),
        "patch": _op("Change a post", "updatePost", {"200": ok("The post", ref("Post")),
                                                     **errors(400, 401, 403, 404, 409, 422)},
                     parameters=[POST_ID], request=body(ref("PostInput")),
                     description="Staff of the station, or the employer."),
    },
    "/events/{event_id}/booths": {
        "post": _op("Put an employer at a fair", "setBooth", {"201": ok("The booth", ref("Booth")),
                                                              **errors(400, 401, 403, 404, 409, 422)},
                    parameters=[EVENT_ID], request=body(ref("BoothInput")),
                    description="Organizers of the event's station, admins. Job fairs and interview sessions "
                                "only (422 not_a_fair); posting again for the same employer changes its booth."),
        "get": _op("Employers at a fair", "listBooths", {"200": ok("By booth number", {"type": "object", "properties": {
            "booths": {"type": "array", "items": ref("Booth")}}}), **errors(400, 404)}, secured=False,
                   parameters=[EVENT_ID, query("q", "Text in employer name, industry or post title",
                                               {"type": "string", "maxLength": 200})]),
    },
    "/events/{event_id}/interview-slots": {
        "post": _op("Add interview slots", "createInterviewSlots",
                    {"201": ok("The new slots", {"type": "object", "properties": {
                        "slots": {"type": "array", "items": ref("InterviewSlot")}}}),
                     **errors(400, 401, 403, 404, 422)},
                    parameters=[EVENT_ID], request=body(ref("InterviewSlotInput")),
                    description="Organizers of the event's station, admins, or the employer; the employer must "
                                "have a booth at the event (422 not_at_event); slots lie within the event's day."),
        "get": _op("Interview slots", "listInterviewSlots", {"200": ok("By start time", {"type": "object", "properties": {
            "slots": {"type": "array", "items": ref("InterviewSlot")}}}), **errors(400, 404)}, secured=False,
                   parameters=[EVENT_ID, query("employer", "Employer id", {"type": "integer"})]),
    },
    "/interview-slots/{slot_id}/bookings": {
        "post": _op("Book an interview slot", "bookInterviewSlot",
                    {"201": ok("The booking", ref("InterviewBooking")), **errors(401, 403, 404, 409, 422)},
                    parameters=[path_id("slot_id", "Slot id")],
                    description="Seekers with a confirmed registration for the event (422 not_registered). "
                                "409 already_booked: a booked slot of the same employer at this event, or one "
                                "overlapping in time. 422 slot_full, slot_closed. Never overbooked under a rush."),
    },
    "/interview-bookings/{booking_id}/cancel": {
        "post": _op("Cancel an interview booking", "cancelInterviewBooking",
                    {"200": ok("The booking, cancelled", ref("InterviewBooking")), **errors(401, 404)},
                    parameters=[path_id("booking_id", "Booking id")],
                    description="The seeker, the employer, staff of the event's station; frees the seat."),
    },
    "/me/interview-bookings": {
        "get": _op("Own interview bookings", "myInterviewBookings", {"200": ok("Booked seats", {
            "type": "object", "properties": {"bookings": {"type": "array", "items": ref("InterviewBooking")}}}),
            **errors(401, 403)}),
    },
    "/posts/{post_id}/applications": {
        "post": _op("Apply to a post (投递)", "applyToPost", {"201": ok("The application", ref("Application")),
                                                            **errors(400, 401, 403, 404, 409, 422)},
                    parameters=[POST_ID], request=body(ref("ApplicationInput")),
                    description="Seekers. 409 already_applied; 422 consent_required, post_closed. Written on the "
                                "seeker's case."),
        "get": _op("Applicants of a post", "listApplications", {"200": ok("Newest first", {
            "type": "object", "properties": {"applications": {"type": "array", "items": ref("Application")}}}),
            **errors(401, 403, 404)}, parameters=[POST_ID],
                   description="The employer (with what the applicants shared), staff of the post's station "
                               "(phone masked)."),
    },
    "/applications/{application_id}/result": {
        "post": _op("Record an application's result", "recordApplicationResult",
                    {"200": ok("The application", ref("Application")), **errors(400, 401, 403, 404, 422)},
                    parameters=[path_id("application_id", "Application id")], request=body(ref("ApplicationResult")),
                    description="The employer, staff of the post's station. Written on the seeker's case; "
                                "`hired` records the employment outcome (employer, post, today) and is final "
                                "(422 already_hired)."),
    },
}
