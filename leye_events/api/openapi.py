"""The OpenAPI 3.1 description of the JSON API, kept as plain data.

To describe a new endpoint, add its operation to ``PATHS`` (paths are relative to the server URL
``/api/v1``; path parameters may be named as in the Flask rule). A test fails when a rule under
/api/v1 has no entry here, so an endpoint cannot be forgotten.
"""
import copy

from flask import jsonify

from ..core.urls import MAX_ID
from . import bp

API_VERSION = "1.0.0"


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def json_content(schema: dict) -> dict:
    return {"application/json": {"schema": schema}}


def nullable(type_name: str, **extra) -> dict:
    return {"type": [type_name, "null"], **extra}


def body(schema: dict, *, required: bool = True) -> dict:
    return {"required": required, "content": json_content(schema)}


def ok(description: str, schema: dict | None = None, **more) -> dict:
    response = {"description": description}
    if schema is not None:
        response["content"] = json_content(schema)
    response.update(more)
    return response


ERROR_RESPONSES = {
    "400": "BadRequest",
    "401": "Unauthorized",
    "403": "Forbidden",
    "404": "NotFound",
    "409": "Conflict",
    "422": "Unprocessable",
    "429": "TooManyRequests",
}


def errors(*statuses: int) -> dict:
    return {str(s): {"$ref": f"#/components/responses/{ERROR_RESPONSES[str(s)]}"} for s in statuses}


def operation(summary: str, responses: dict, *, tag: str, secured: bool = True, description: str = "",
              request: dict | None = None, parameters: list | None = None, operation_id: str) -> dict:
    op = {"operationId": operation_id, "summary": summary, "tags": [tag], "responses": responses}
    if description:
        op["description"] = description
    if request is not None:
        op["requestBody"] = request
    if parameters:
        op["parameters"] = parameters
    # Public endpoints take a token optionally (drafts, for example, are shown to staff).
    op["security"] = [{"bearerAuth": []}] if secured else [{}, {"bearerAuth": []}]
    return op


def path_id(name: str, description: str) -> dict:
    return {"name": name, "in": "path", "required": True, "description": description,
            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID}}


def query(name: str, description: str, schema: dict) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


TIMESTAMP = {"type": "string", "format": "date-time", "description": "ISO 8601 with offset, e.g. 2026-12-03T14:00:00+08:00"}
NULLABLE_TIMESTAMP = {**TIMESTAMP, "type": ["string", "null"]}
EVENT_KINDS = ["salon", "job_fair", "interview_session", "workshop", "lecture", "visit", "outdoor"]
CATEGORIES = ["graduate_unemployed", "unemployed_youth", "hard_to_employ", "unemployed", "student", "other"]
EVENT_MODES = ["onsite", "online", "hybrid"]
CHECKIN_RESULTS = ["ok", "already_checked_in", "cancelled", "waitlisted", "wrong_event",
                   "not_registered_for_session", "not_open", "event_cancelled", "unknown_code"]

SCHEMAS = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": {"type": "string", "description": "Stable snake_case code, e.g. invalid_field"},
                    "message": {"type": "string", "description": "Human text (Chinese by default)"},
                    "field": {"type": "string", "description": "The offending field, e.g. sessions[0].starts_at"},
                },
                "additionalProperties": True,
            }
        },
    },
    "TokenRequest": {
        "type": "object",
        "description": "Either `login` and `password`, or `phone` and `sms_code` (from POST /auth/sms-code; "
                       "404 `no_account` when the phone has no account, 401 `invalid_code` for a wrong, used or "
                       "expired code).",
        "anyOf": [{"required": ["login", "password"]}, {"required": ["phone", "sms_code"]}],
        "properties": {
            "login": {"type": "string", "description": "Email address or mainland mobile number"},
            "password": {"type": "string"},
            "phone": {"type": "string", "description": "Mainland mobile number"},
            "sms_code": {"type": "string", "pattern": "^[0-9]{6}$"},
            "label": {"type": "string", "description": "Optional name for the token (e.g. the device)"},
        },
    },
    "Token": {"type": "object", "required": ["token"], "properties": {"token": {"type": "string"}}},
    "SeekerSignup": {
        "type": "object",
        "required": ["name", "phone", "consent"],
        "description": "With `password`, or with `sms_code` (from POST /auth/sms-code for this phone) instead: "
                       "then the account needs no password (401 `invalid_code` for a wrong code).",
        "anyOf": [{"required": ["password"]}, {"required": ["sms_code"]}],
        "properties": {
            "name": {"type": "string", "maxLength": 50},
            "phone": {"type": "string", "description": "Mainland mobile number (11 digits, +86 allowed)"},
            "password": {"type": "string", "minLength": 8, "maxLength": 128},
            "sms_code": {"type": "string", "pattern": "^[0-9]{6}$"},
            "email": nullable("string", format="email"),
            "category": nullable(
                "string", description="A code (" + ", ".join(CATEGORIES) + ") or its Chinese label, e.g. 离校未就业高校毕业生"
            ),
            "school": nullable("string", maxLength=100),
            "graduation_year": nullable("integer"),
            "station": nullable("string", description="Slug of the seeker's home station"),
            "consent": {"type": "boolean", "const": True, "description": "Agreement to the privacy notice"},
        },
    },
    "Profile": {
        "type": "object",
        "required": ["id", "name", "role", "phone", "station", "calendar_url"],
        "properties": {
            "id": {"type": "integer", "description": "For a seeker, the id that /seekers/{id}/case takes"},
            "name": {"type": "string"},
            "role": {"type": "string", "enum": ["seeker", "door", "counselor", "organizer", "admin"]},
            "phone": nullable("string", description="Masked, e.g. 138****5678"),
            "email": nullable("string", description="Masked, e.g. z***@example.com"),
            "station": nullable("string", description="Station slug"),
            "category": nullable("string", enum=[*CATEGORIES, None]),
            "school": nullable("string"),
            "graduation_year": nullable("integer"),
            "calendar_url": nullable("string", format="uri", description="A seeker's personal calendar feed "
                                     "(/calendar/{token}.ics, subscribe with webcal://); null for staff accounts"),
            "notify_sms": {"type": "boolean", "description": "Messages by SMS (PATCH /me)"},
            "notify_email": {"type": "boolean", "description": "Messages by e-mail (PATCH /me)"},
        },
    },
    "SignupResult": {"allOf": [ref("Profile"), ref("Token")]},
    "Station": {
        "type": "object",
        "required": ["slug", "name", "kind"],
        "properties": {
            "slug": {"type": "string"},
            "name": {"type": "string"},
            "kind": {"type": "string", "enum": ["sub-district", "university", "park"]},
            "address": {"type": "string"},
        },
    },
    "Session": {
        "type": "object",
        "required": ["id", "title", "starts_at", "ends_at"],
        "properties": {
            "id": {"type": "integer"},
            "title": {"type": "string"},
            "starts_at": TIMESTAMP,
            "ends_at": TIMESTAMP,
            "mode": {"type": "string", "enum": EVENT_MODES, "description": "The session's mode (the event's "
                                                                              "unless set for this session)"},
        },
    },
    "Event": {
        "type": "object",
        "required": ["id", "title", "kind", "station", "status", "capacity", "confirmed_count", "seats_left",
                     "waitlist_count", "sessions", "url"],
        "properties": {
            "id": {"type": "integer"},
            "title": {"type": "string"},
            "kind": {"type": "string", "enum": EVENT_KINDS},
            "station": {"type": "object", "properties": {"slug": {"type": "string"}, "name": {"type": "string"},
                                                          "kind": {"type": "string"}}},
            "venue": {"type": "string"},
            "description": {"type": "string"},
            "status": {"type": "string", "enum": ["draft", "published", "cancelled"]},
            "cancel_reason": nullable("string"),
            "mode": {"type": "string", "enum": EVENT_MODES},
            "online_url": nullable("string", format="uri", description="The live room. Only for staff of the "
                                                                        "event's station; never public"),
            "replay_url": nullable("string", format="uri", description="Only for staff of the station"),
            "capacity": nullable("integer", description="Seats at the venue (a hybrid event's online registrants "
                                                        "take none); null: no limit (online events)"),
            "confirmed_count": {"type": "integer"},
            "seats_left": nullable("integer", description="null when there is no limit"),
            "waitlist_count": {"type": "integer"},
            "waitlist_enabled": {"type": "boolean"},
            "registration_opens": NULLABLE_TIMESTAMP,
            "registration_closes": NULLABLE_TIMESTAMP,
            "starts_at": NULLABLE_TIMESTAMP,
            "ends_at": NULLABLE_TIMESTAMP,
            "eligible_categories": {"type": ["array", "null"], "items": {"type": "string", "enum": CATEGORIES}},
            "eligible_school": nullable("string"),
            "eligible_graduation_year_min": nullable("integer"),
            "eligible_graduation_year_max": nullable("integer"),
            "sessions": {"type": "array", "items": ref("Session")},
            "url": {"type": "string", "format": "uri", "description": "The event's web page"},
        },
    },
    "EventPage": {
        "type": "object",
        "required": ["events", "page", "per_page", "total", "next"],
        "properties": {
            "events": {"type": "array", "items": ref("Event")},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
            "total": {"type": "integer"},
            "next": nullable("string", format="uri", description="URL of the next page, or null"),
        },
    },
    "SessionInput": {
        "type": "object",
        "required": ["starts_at", "ends_at"],
        "properties": {
            "id": {"type": "integer", "description": "PATCH only: keep (and change) this existing session"},
            "title": {"type": "string", "maxLength": 200},
            "starts_at": TIMESTAMP,
            "ends_at": TIMESTAMP,
            "mode": nullable("string", enum=EVENT_MODES + [None],
                             description="A module that differs from its event (null: as the event)"),
        },
        "additionalProperties": False,
    },
    "EventInput": {
        "type": "object",
        "description": "All fields for POST; any subset for PATCH. Times must carry an offset.",
        "properties": {
            "title": {"type": "string", "maxLength": 200},
            "kind": {"type": "string", "enum": EVENT_KINDS},
            "station": {"type": "string", "description": "Station slug (organizers: default their own)"},
            "capacity": nullable("integer", minimum=0, maximum=100000,
                                 description="Required unless mode is online (null: no limit)"),
            "mode": {"type": "string", "enum": EVENT_MODES, "default": "onsite"},
            "online_url": nullable("string", maxLength=500, pattern="^https?://\\S+$",
                                   description="The live room (Bilibili live, Tencent Meeting…); never public"),
            "replay_url": nullable("string", maxLength=500, pattern="^https?://\\S+$"),
            "venue": {"type": "string", "maxLength": 200},
            "description": {"type": "string"},
            "registration_opens": NULLABLE_TIMESTAMP,
            "registration_closes": NULLABLE_TIMESTAMP,
            "status": {"type": "string", "enum": ["draft", "published"], "default": "draft"},
            "waitlist_enabled": {"type": "boolean", "default": True},
            "eligible_categories": {"type": ["array", "null"], "items": {"type": "string"},
                                    "description": "Category codes (or Chinese labels); null: anyone"},
            "eligible_school": nullable("string", maxLength=100),
            "eligible_graduation_year_min": nullable("integer"),
            "eligible_graduation_year_max": nullable("integer"),
            "sessions": {"type": "array", "minItems": 1, "maxItems": 50, "items": ref("SessionInput")},
        },
        "additionalProperties": False,
    },
    "EventCreate": {"allOf": [ref("EventInput"), {"required": ["title", "kind", "sessions"],
                                                  "description": "capacity is required unless mode is online"}]},
    "CancelRequest": {"type": "object", "properties": {"reason": {"type": "string", "maxLength": 500}}},
    "Ticket": {
        "type": "object",
        "required": ["code", "url", "qr_svg_url", "qr_png_url"],
        "description": "Every URL works without a token (the code in it is the secret).",
        "properties": {
            "code": {"type": "string"},
            "url": {"type": "string", "format": "uri"},
            "qr_svg_url": {"type": "string", "format": "uri"},
            "qr_png_url": {"type": "string", "format": "uri"},
        },
    },
    "Registration": {
        "type": "object",
        "required": ["id", "event_id", "status", "waitlist_position", "ticket"],
        "properties": {
            "id": {"type": "integer"},
            "event_id": {"type": "integer"},
            "event": {"type": "object", "description": "id, title, status, starts_at of the event"},
            "status": {"type": "string", "enum": ["confirmed", "waitlisted", "cancelled"]},
            "waitlist_position": nullable("integer"),
            "walk_in": {"type": "boolean"},
            "attend": {"type": "string", "enum": ["onsite", "online"]},
            "join_url": nullable("string", format="uri",
                                 description="The personal link to the live room (confirmed online attendance), "
                                             "or null"),
            "created_at": NULLABLE_TIMESTAMP,
            "cancelled_at": NULLABLE_TIMESTAMP,
            "cancel_reason": nullable("string"),
            "ticket": ref("Ticket"),
        },
    },
    "CheckinRequest": {
        "type": "object",
        "required": ["event_id"],
        "anyOf": [{"required": ["code"]}, {"required": ["registration_id"]}],
        "properties": {
            "code": {"type": "string", "maxLength": 2048,
                     "description": "The ticket code, or the whole text of its QR (e.g. a URL)"},
            "event_id": {"type": "integer"},
            "registration_id": {"type": "integer", "description": "POST /checkins only, in place of code: a "
                                "registration of the event found by name (404 otherwise); logged as manual"},
            "method": {"type": "string", "enum": ["qr", "manual"], "default": "qr",
                       "description": "POST /checkins only: manual for a typed code (the log says so)"},
            "session_id": {"type": "integer"},
            "gate": {"type": "string", "maxLength": 64},
            "device": {"type": "string", "maxLength": 100},
            "nonce": {"type": "string", "maxLength": 64, "description": "Makes a retried scan idempotent"},
            "scanned_at": {**TIMESTAMP, "description": "The device's time. Honoured only for offline uploads "
                           "(/checkins/batch), within the session's door window and if uploaded within "
                           "CHECKIN_OFFLINE_MAX_DELAY_HOURS (else the item is 422 upload_too_late); an online "
                           "scan is judged by the server's clock."},
        },
        "description": "Longer texts than maxLength are refused: 422 too_long with the field. Either code or "
                       "registration_id.",
    },
    "CheckinResult": {
        "type": "object",
        "required": ["result", "message", "checkin_id", "event_id", "session_id", "registration_id", "attendee"],
        "properties": {
            "result": {"type": "string", "enum": CHECKIN_RESULTS},
            "message": {"type": "string", "description": "The result in words, for the door's screen"},
            "checkin_id": nullable("integer", description="For POST /checkins/{checkin_id}/undo; null for an "
                                   "unknown code past the hourly logging limit (answered, not stored)"),
            "event_id": {"type": "integer"},
            "session_id": nullable("integer", description="The session the scan counted for"),
            "registration_id": nullable("integer", description="Null for wrong_event and unknown_code"),
            "gate": {"type": "string"},
            "scanned_at": {**TIMESTAMP, "description": "The time the scan was judged at"},
            "checked_in_at": {**TIMESTAMP, "description": "With result ok"},
            "first_checked_in_at": {**TIMESTAMP, "description": "With result already_checked_in"},
            "first_gate": {"type": "string", "description": "With result already_checked_in"},
            "replayed": {"type": "boolean", "description": "The nonce was seen before: the first answer again"},
            "conflict": {"type": "boolean", "description": "An offline scan of a ticket already admitted"},
            "attendee": {"type": ["object", "null"],
                         "description": "The holder's masked name, nothing more (no phone, no category); null "
                                        "for wrong_event, unknown_code and any ticket of another event",
                         "required": ["name", "walk_in"], "additionalProperties": False,
                         "properties": {"name": {"type": "string"}, "walk_in": {"type": "boolean"}}},
        },
    },
    "CheckinBatchError": {
        "description": "A scan of the batch that could not be read or was refused; the others still count.",
        "allOf": [ref("Error"), {"type": "object", "required": ["status"],
                                 "properties": {"status": {"type": "integer", "description": "HTTP status it "
                                                           "would have had alone"}}}],
    },
    "CheckinBatch": {
        "type": "object",
        "required": ["scans"],
        "properties": {"scans": {"type": "array", "items": ref("CheckinRequest")}},
    },
    "CheckinBatchResult": {
        "type": "object",
        "required": ["results"],
        "properties": {"results": {"type": "array", "items": {"anyOf": [ref("CheckinResult"),
                                                                         ref("CheckinBatchError")]},
                                   "description": "In the order of the scans"}},
    },
    "Roster": {
        "type": "object",
        "description": "What an offline scanner needs: code hashes, masked names, status, sessions. Never codes, "
                       "phone numbers or hardship categories.",
        "required": ["event", "sessions", "hash", "entries", "confirmed"],
        "properties": {
            "event": {"type": "object", "required": ["id", "title", "status"], "properties": {
                "id": {"type": "integer"}, "title": {"type": "string"},
                "status": {"type": "string", "enum": ["draft", "published", "cancelled"]}}},
            "sessions": {"type": "array", "items": ref("Session")},
            "hash": {"type": "string", "const": "sha256",
                     "description": "code_hash is the SHA-256 (hex) of the bare ticket code"},
            "entries": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["code_hash", "registration_id", "name", "status", "walk_in", "checked_in"],
                    "properties": {
                        "code_hash": {"type": "string"},
                        "registration_id": {"type": "integer"},
                        "name": {"type": "string", "description": "Masked"},
                        "status": {"type": "string", "enum": ["confirmed", "waitlisted", "cancelled"]},
                        "walk_in": {"type": "boolean"},
                        "checked_in": {"type": "object", "additionalProperties": TIMESTAMP,
                                       "description": "Session id (as a string) -> time of its check-in"},
                    },
                },
            },
            "confirmed": {"type": "integer"},
        },
    },
    "Attendance": {
        "type": "object",
        "required": ["event", "rows"],
        "properties": {
            "event": {"type": "object"},
            "masked": {"type": "boolean", "description": "false only for unmask=1"},
            "rows": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "registration_id": {"type": "integer"},
                        "name": {"type": "string", "description": "Masked (张**) unless unmask=1"},
                        "phone": {"type": "string", "description": "Masked (138****5678) unless unmask=1"},
                        "status": {"type": "string", "enum": ["confirmed", "waitlisted", "cancelled"]},
                        "walk_in": {"type": "boolean"},
                        "category": {"type": "string", "description": "The seeker category's label"},
                        "school": {"type": "string"},
                        "registered_at": TIMESTAMP,
                        "sessions": {
                            "type": "array",
                            "items": {"type": "object", "properties": {
                                "session_id": {"type": "integer"}, "checked_in_at": NULLABLE_TIMESTAMP}},
                        },
                    },
                },
            },
        },
    },
    "Case": {
        "type": "object",
        "description": "A seeker's employment-service case with its timeline, newest first. For organizers "
                       "`notes_included` is false: notes are left out and `plan`, `status_reason` and every "
                       "entry's `body` are null.",
        "required": ["id", "seeker", "station", "category", "status", "notes_included", "timeline"],
        "properties": {
            "id": {"type": "integer"},
            "seeker": {"type": "object", "properties": {
                "id": {"type": "integer"}, "name": {"type": "string"},
                "phone": nullable("string", description="Masked, e.g. 138****5678"),
                "school": nullable("string"), "graduation_year": nullable("integer")}},
            "station": {"type": ["object", "null"], "properties": {"slug": {"type": "string"},
                                                                    "name": {"type": "string"}}},
            "category": nullable("string", enum=[*CATEGORIES, None]),
            "status": {"type": "string", "enum": ["active", "employed", "paused", "closed"]},
            "status_reason": nullable("string"),
            "counselor": {"type": ["object", "null"], "properties": {"id": {"type": "integer"},
                                                                      "name": {"type": "string"}}},
            "plan": nullable("string"),
            "notes_included": {"type": "boolean"},
            "last_contact_at": NULLABLE_TIMESTAMP,
            "timeline": {"type": "array", "items": ref("CaseEntry")},
        },
    },
    "CaseEntry": {
        "type": "object",
        "description": "One timeline item. `registration` and unlogged `no_show` items are derived from the "
                       "bookings (`derived`: true); a withdrawn attendance (its check-in was undone) has "
                       "`withdrawn_at`.",
        "required": ["kind", "at", "title"],
        "properties": {
            "kind": {"type": "string", "enum": ["registration", "no_show", "attendance", "note", "referral",
                                                "outcome", "status_change"]},
            "at": TIMESTAMP,
            "title": {"type": "string"},
            "body": nullable("string"),
            "author": nullable("string"),
            "event_id": nullable("integer"),
            "session_id": nullable("integer"),
            "withdrawn_at": NULLABLE_TIMESTAMP,
            "derived": {"type": "boolean"},
            "details": {"type": "object", "description": "Kind-specific: event_title, session_title, contact "
                                                         "(called/left_message/no_answer), employer, post, result, "
                                                         "start_date, from/to statuses"},
        },
    },
    "Figures": {
        "type": "object",
        "description": "Computed from the data. Events: published, first session in the range. Registrations: "
                       "confirmed ones for those events. Attendance rate: attended / confirmed registrations "
                       "of the events already ended. Served: cases with a service entry in the range. "
                       "Employed: cases with an employment outcome starting in the range.",
        "properties": {
            "station": {"type": ["object", "null"], "description": "null for the district"},
            "from": TIMESTAMP,
            "to": TIMESTAMP,
            "events": {"type": "integer"},
            "events_by_kind": {"type": "object", "additionalProperties": {"type": "integer"}},
            "registrations": {"type": "integer"},
            "registrations_of_ended_events": {"type": "integer"},
            "attended": {"type": "integer"},
            "attendance_rate": nullable("number"),
            "attendances": {"type": "integer"},
            "attendances_onsite": {"type": "integer", "description": "Check-ins at the door"},
            "attendances_online": {"type": "integer", "description": "Online attendances through join links"},
            "seekers_served": {"type": "integer"},
            "seekers_served_by_category": {"type": "object", "additionalProperties": {"type": "integer"}},
            "seekers_employed": {"type": "integer"},
            "seekers_employed_by_category": {"type": "object", "additionalProperties": {"type": "integer"}},
            "graduates_unemployed": {"type": "integer"},
            "graduates_unemployed_now_employed": {"type": "integer"},
            "graduate_employment_share": nullable("number", description="e.g. 0.6 for 3 of 5"),
            "posts_developed": {"type": "integer", "description": "岗位开发: posts entered by the station in the range"},
            "headcount_developed": {"type": "integer", "description": "Sum of those posts' headcount"},
            "company_visits": {"type": "integer"},
            "applications": {"type": "integer", "description": "Applications made in the range"},
            "applications_by_category": {"type": "object", "additionalProperties": {"type": "integer"}},
            "interviews": {"type": "integer", "description": "Booked interview seats in slots starting in the range"},
            "interviews_by_category": {"type": "object", "additionalProperties": {"type": "integer"}},
            "hires": {"type": "integer", "description": "Applications marked hired in the range"},
            "hires_by_category": {"type": "object", "additionalProperties": {"type": "integer"}},
            "people_reached": {"type": "integer", "description": "people contacted with result reached in the range"},
            "people_reached_by_category": {"type": "object", "additionalProperties": {"type": "integer"}},
            "prospects_converted": {"type": "integer", "description": "prospects who signed up in the range"},
            "prospects_converted_by_category": {"type": "object", "additionalProperties": {"type": "integer"}},
            "referrals": {"type": "integer", "description": "referrals to posts made in the range"},
            "referrals_by_category": {"type": "object", "additionalProperties": {"type": "integer"}},
            "hires_from_referrals": {"type": "integer",
                                     "description": "outcomes linked to a referral, starting in the range"},
            "hires_from_referrals_by_category": {"type": "object", "additionalProperties": {"type": "integer"}},
        },
    },
}


def _error_response(description: str) -> dict:
    return {"description": description, "content": json_content(ref("Error"))}


RESPONSES = {
    "BadRequest": _error_response("Malformed request: not JSON, not an object, wrong types, missing fields, "
                                  "times without an offset (invalid_json, missing_field, invalid_field, "
                                  "invalid_parameter)"),
    "Unauthorized": _error_response("No valid bearer token, or wrong credentials (invalid_credentials)"),
    "Forbidden": _error_response("The account's role or station may not do this"),
    "NotFound": _error_response("No such object (or not visible to the caller)"),
    "Conflict": _error_response("Conflicts with existing data (e.g. phone_taken, already_registered)"),
    "Unprocessable": _error_response("Well-formed but breaks a rule (e.g. invalid_field, registration_closed)"),
    "TooManyRequests": _error_response("Rate limited; see Retry-After"),
}

EVENT_ID = path_id("event_id", "Event id")

PATHS = {
    "/auth/token": {
        "post": operation(
            "Get a bearer token", operation_id="createToken", tag="accounts", secured=False,
            request=body(ref("TokenRequest")),
            responses={"200": ok("A new token", ref("Token")), **errors(400, 401, 404, 429)},
        )
    },
    "/seekers": {
        "post": operation(
            "Sign up as a seeker", operation_id="signUpSeeker", tag="accounts", secured=False,
            request=body(ref("SeekerSignup")),
            responses={"201": ok("The new account's profile and a bearer token", ref("SignupResult")),
                       **errors(400, 401, 409, 422, 429)},
        )
    },
    "/me": {
        "get": operation(
            "The caller's profile", operation_id="getMe", tag="accounts",
            responses={"200": ok("Own profile, masked", ref("Profile")), **errors(401)},
        ),
        "patch": operation(
            "Change the caller's message preferences (and a seeker's profile)", operation_id="updateMe",
            tag="accounts", request=body(ref("ProfileUpdate")),
            responses={"200": ok("Own profile, masked", ref("Profile")), **errors(400, 401, 422)},
        ),
    },
    "/stations": {
        "get": operation(
            "Stations", operation_id="listStations", tag="stations", secured=False,
            responses={"200": ok("Every station", {"type": "array", "items": ref("Station")})},
        )
    },
    "/events": {
        "get": operation(
            "Published events", operation_id="listEvents", tag="events", secured=False,
            description="Events with a session ending after `from` (default: now) and starting before `to`, "
                        "soonest first.",
            parameters=[
                query("kind", "Event kind", {"type": "string", "enum": EVENT_KINDS}),
                query("station", "Station slug", {"type": "string"}),
                query("from", "Date (Shanghai midnight) or ISO 8601 datetime with offset",
                      {"type": "string"}),
                query("to", "Date (inclusive: up to the next Shanghai midnight) or ISO 8601 datetime with offset",
                      {"type": "string"}),
                query("q", "Text in title, description or venue", {"type": "string", "maxLength": 200}),
                query("page", "Page number", {"type": "integer", "minimum": 1, "default": 1}),
                query("per_page", "Page size (values above the maximum are capped)",
                      {"type": "integer", "minimum": 1, "default": 50, "maximum": 200}),
            ],
            responses={"200": ok("A page of events", ref("EventPage")), **errors(400)},
        ),
        "post": operation(
            "Create an event", operation_id="createEvent", tag="events",
            description="Organizers of the station, admins.",
            request=body(ref("EventCreate")),
            responses={"201": ok("The event", ref("Event")), **errors(400, 401, 403, 422)},
        ),
    },
    "/events/{event_id}": {
        "get": operation(
            "One event", operation_id="getEvent", tag="events", secured=False,
            description="Drafts are visible to staff of the event's station and admins only.",
            parameters=[EVENT_ID],
            responses={"200": ok("The event", ref("Event")), **errors(404)},
        ),
        "patch": operation(
            "Change an event", operation_id="updateEvent", tag="events",
            description="Organizers of its station, admins. `sessions`, when given, replaces the list; items "
                        "with an `id` keep that session.",
            parameters=[EVENT_ID], request=body(ref("EventInput")),
            responses={"200": ok("The event", ref("Event")), **errors(400, 401, 403, 404, 422)},
        ),
    },
    "/events/{event_id}/cancel": {
        "post": operation(
            "Cancel an event", operation_id="cancelEvent", tag="events",
            description="Organizers of its station, admins. Registrants are told.",
            parameters=[EVENT_ID], request=body(ref("CancelRequest"), required=False),
            responses={"200": ok("The cancelled event", ref("Event")), **errors(400, 401, 403, 404, 422)},
        )
    },
    "/events/{event_id}/registrations": {
        "post": operation(
            "Register for an event", operation_id="register", tag="booking",
            description="Seekers. 409 already_registered; 422 registration_closed, not_eligible, event_full, "
                        "invalid_attend. Optional body `{\"attend\": \"onsite\"|\"online\"}` (hybrid events "
                        "take online registrants without limit).",
            parameters=[EVENT_ID],
            request=body({"type": "object", "properties": {"attend": {"type": "string", "enum": ["onsite", "online"]}}},
                         required=False),
            responses={"201": ok("The registration with its ticket", ref("Registration")),
                       **errors(400, 401, 403, 404, 409, 422, 429)},
        )
    },
    "/me/registrations": {
        "get": operation(
            "Own registrations", operation_id="myRegistrations", tag="booking",
            description="Seekers: own registrations with status and tickets.",
            responses={"200": ok("Registrations", {"type": "object", "properties": {
                "registrations": {"type": "array", "items": ref("Registration")}}}), **errors(401, 403)},
        )
    },
    "/registrations/{registration_id}/cancel": {
        "post": operation(
            "Cancel a registration", operation_id="cancelRegistration", tag="booking",
            description="The seeker, or staff of the station. The first waitlisted seeker is confirmed in the "
                        "same transaction.",
            parameters=[path_id("registration_id", "Registration id")],
            responses={"200": ok("The cancelled registration", ref("Registration")),
                       **errors(400, 401, 403, 404, 422)},
        )
    },
    "/checkins": {
        "post": operation(
            "Check a ticket in", operation_id="checkIn", tag="checkin",
            description="Door staff and up, of the event's station. Judged by the server's clock (scanned_at "
                        "is ignored here). The check-in endpoints also accept the door page's login session "
                        "(cookie) instead of a token; its writes then need the X-CSRFToken header (400 "
                        "csrf_failed without).",
            request=body(ref("CheckinRequest")),
            responses={"200": ok("The outcome", ref("CheckinResult")), **errors(400, 401, 403, 404, 422)},
        )
    },
    "/checkins/batch": {
        "post": operation(
            "Upload offline scans", operation_id="checkInBatch", tag="checkin",
            description="Each scan as for /checkins with nonce and scanned_at; a repeated nonce is answered as "
                        "before and never counted twice. A scan's device time counts within the session's door "
                        "window if uploaded within CHECKIN_OFFLINE_MAX_DELAY_HOURS (default 24) of it; later, "
                        "the item is answered 422 upload_too_late and not counted.",
            request=body(ref("CheckinBatch")),
            responses={"200": ok("Outcomes in the order of the scans", ref("CheckinBatchResult")),
                       **errors(400, 401, 403, 422)},
        )
    },
    "/checkins/{checkin_id}/undo": {
        "post": operation(
            "Undo a mistaken check-in", operation_id="undoCheckIn", tag="checkin",
            description="Door staff and up, of the event's station, while the session's door is open; after it "
                        "has closed, an organizer of the station or an admin, with a reason (403 door_closed, "
                        "422 reason_required). The entry stays in the log, marked undone; every undo is audited.",
            parameters=[path_id("checkin_id", "Check-in id (checkin_id of a /checkins answer)")],
            request=body({"type": "object", "properties": {"reason": {"type": "string", "maxLength": 200}}},
                         required=False),
            responses={"200": ok("Undone", {"type": "object"}), **errors(400, 401, 403, 404, 422)},
        )
    },
    "/events/{event_id}/roster": {
        "get": operation(
            "Roster for offline scanning", operation_id="getRoster", tag="checkin",
            description="Door staff and up, of the event's station. Every download is audited.",
            parameters=[EVENT_ID],
            responses={"200": ok("The roster", ref("Roster")), **errors(401, 403, 404)},
        )
    },
    "/events/{event_id}/attendance": {
        "get": operation(
            "Attendance list", operation_id="getAttendance", tag="checkin",
            description="Organizers and counselors. Masked unless unmask=1 by a role allowed to (audited).",
            parameters=[
                EVENT_ID,
                query("format", "Output format", {"type": "string", "enum": ["json", "csv", "xlsx"],
                                                   "default": "json"}),
                query("unmask", "1 to show names and phones whole (audited)", {"type": "string", "enum": ["0", "1"]}),
                query("reason", "Why the names and phones are needed; required with unmask=1 "
                      "(422 reason_required without), recorded in the audit log with the unmasking",
                      {"type": "string", "minLength": 2, "maxLength": 200}),
            ],
            responses={
                "200": {
                    "description": "One row per registration with per-session attendance",
                    "content": {
                        "application/json": {"schema": ref("Attendance")},
                        "text/csv": {"schema": {"type": "string"}},
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
                            "schema": {"type": "string", "format": "binary"}},
                    },
                },
                **errors(400, 401, 403, 404, 422),
            },
        )
    },
    "/seekers/{seeker_id}/case": {
        "get": operation(
            "A seeker's case", operation_id="getCase", tag="cases",
            description="Counselors, organizers of the station, admins (organizers: without notes). Door staff "
                        "and seekers 403. The phone is masked. Every view is audited.",
            parameters=[path_id("seeker_id", "The seeker's account id (GET /me's id)")],
            responses={"200": ok("The case with its timeline", ref("Case")), **errors(401, 403, 404)},
        )
    },
    "/figures": {
        "get": operation(
            "Station or district figures", operation_id="getFigures", tag="cases",
            description="Organizers and counselors: their station. Admins: any station, or the district when "
                        "`station` is omitted. Default range: the last 30 days.",
            parameters=[
                query("station", "Station slug (default: the caller's station; admins: none = district)",
                      {"type": "string"}),
                query("from", "Date (Shanghai midnight) or ISO 8601 datetime with offset", {"type": "string"}),
                query("to", "Date (inclusive) or ISO 8601 datetime with offset", {"type": "string"}),
            ],
            responses={"200": ok("The figures", ref("Figures")), **errors(400, 401, 403, 422)},
        )
    },
    "/health": {
        "get": operation(
            "Liveness probe", operation_id="getHealth", tag="meta", secured=False,
            description="Answers without touching the database.",
            responses={"200": ok("This worker is serving", {"type": "object", "properties": {
                "status": {"type": "string", "const": "ok"}}})},
        )
    },
    "/openapi.json": {
        "get": operation(
            "This document", operation_id="getOpenApi", tag="meta", secured=False,
            responses={"200": ok("The OpenAPI document", {"type": "object"})},
        )
    },
}


def _extensions() -> list:
    """Feature parts of the document: every module ``openapi_<feature>.py`` beside this one, each with
    ``PATHS``, ``SCHEMAS`` and optionally ``TAGS``, so a feature describes its endpoints in its own file."""
    import importlib
    import pkgutil

    package = importlib.import_module(__package__)
    names = sorted(m.name for m in pkgutil.iter_modules(package.__path__) if m.name.startswith("openapi_"))
    return [importlib.import_module(f"{__package__}.{name}") for name in names]


def openapi_document() -> dict:
    """The whole OpenAPI document (a fresh dict; callers may change it)."""
    paths, schemas = copy.deepcopy(PATHS), copy.deepcopy(SCHEMAS)
    tags = ["accounts", "stations", "events", "booking", "checkin", "cases", "meta"]
    for module in _extensions():
        for path, operations in copy.deepcopy(module.PATHS).items():  # a feature may add a method to a path
            paths.setdefault(path, {}).update(operations)
        schemas.update(copy.deepcopy(module.SCHEMAS))
        tags += [tag for tag in getattr(module, "TAGS", ()) if tag not in tags]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "乐业活动 API",
            "version": API_VERSION,
            "description": "Events, registrations and check-in for Yangpu's 乐业空间 stations. Errors are always "
                           '`{"error": {"code", "message"}}`; times are ISO 8601 with an offset.',
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearerAuth": []}],
        "tags": [{"name": name} for name in tags],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer",
                                               "description": "POST /auth/token, or `flask tokens create`"}},
            "schemas": schemas,
            "responses": copy.deepcopy(RESPONSES),
        },
    }


@bp.get("/openapi.json")
def openapi_json():
    return jsonify(openapi_document())
