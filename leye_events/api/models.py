"""The schemas of the core API: what each endpoint reads and answers (see .schema for how they are used).

Enums come from the models' own enums; bounds from the services' constants. Request models forbid
unknown fields where the view always did (422 ``invalid_field``); elsewhere unknown fields are ignored.
"""
from typing import Annotated, Literal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from pydantic import ConfigDict, Field, StrictBool, StrictInt, StrictStr, create_model

from ..accounts.models import Role, SeekerCategory
from ..accounts.services import NAME_MAX_LENGTH, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH
from ..booking.models import Attend, RegistrationStatus
from ..cases.models import CaseStatus, EntryKind
from ..events import services as event_services
from ..events.models import EventKind, EventMode, EventStatus
from ..exports.services import FORMATS as EXPORT_FORMATS
from ..outreach.figures import NAMES as OUTREACH_FIGURES
from ..stations.models import StationKind
from .schema import ApiModel, ForgivingBody, OptionalBody
from .types import MAX_ID, CategoryText, QueryFrom, QueryTo, Timestamp, bounded, query_choice, query_int, query_text

YEAR_MIN, YEAR_MAX = 1900, 2200
MAX_PAGE = 100_000

# Times in answers: ISO 8601 in Asia/Shanghai (+08:00).
LocalTime = Annotated[str, Field(json_schema_extra={"format": "date-time"})]


def text(max_length: int | None = None, **extra):
    """A string field documented with the bound its service enforces (422 beyond it)."""
    schema = {"maxLength": max_length} if max_length else {}
    return Field(None, json_schema_extra={**schema, **extra} or None)


class Strict(ApiModel):
    """A request body that refuses unknown fields."""

    model_config = ConfigDict(extra="forbid")


# --- accounts ----------------------------------------------------------------------------------

class TokenRequest(ApiModel):
    """Either `login` and `password`, or `phone` and `sms_code` (from POST /auth/sms-code; 404 `no_account`
    when the phone has no account, 401 `invalid_code` for a wrong, used or expired code)."""

    model_config = ConfigDict(json_schema_extra={"anyOf": [{"required": ["login", "password"]},
                                                           {"required": ["phone", "sms_code"]}]})

    login: StrictStr = Field(None, description="Email address or mainland mobile number")
    password: StrictStr = None
    phone: StrictStr = Field(None, description="Mainland mobile number")
    sms_code: StrictStr = Field(None, json_schema_extra={"pattern": "^[0-9]{6}$"})
    label: StrictStr | None = Field(None, description="Optional name for the token (e.g. the device)")


class Token(ApiModel):
    token: str


class SeekerSignup(ApiModel):
    """With `password`, or with `sms_code` (from POST /auth/sms-code for this phone) instead: then the account
    needs no password (401 `invalid_code` for a wrong code)."""

    model_config = ConfigDict(json_schema_extra={"anyOf": [{"required": ["password"]}, {"required": ["sms_code"]}],
                                                 "required": ["name", "phone", "consent"]})

    name: StrictStr | None = text(NAME_MAX_LENGTH)
    phone: StrictStr | None = Field(None, description="Mainland mobile number (11 digits, +86 allowed)")
    password: StrictStr | None = Field(None, json_schema_extra={"minLength": PASSWORD_MIN_LENGTH,
                                                                "maxLength": PASSWORD_MAX_LENGTH})
    sms_code: StrictStr | None = Field(None, json_schema_extra={"pattern": "^[0-9]{6}$"})
    email: StrictStr | None = Field(None, json_schema_extra={"format": "email"})
    category: CategoryText | None = Field(None, description="A code (" + ", ".join(c.value for c in SeekerCategory)
                                          + ") or its Chinese label, e.g. 离校未就业高校毕业生")
    school: StrictStr | None = text(100)
    graduation_year: StrictInt | None = None
    station: StrictStr | None = Field(None, description="Slug of the seeker's home station")
    consent: StrictBool | None = Field(None, description="Agreement to the privacy notice (must be true)")


class Profile(ApiModel):
    id: int = Field(description="For a seeker, the id that /seekers/{id}/case takes")
    name: str
    role: Role
    phone: str | None = Field(description="Masked, e.g. 138****5678")
    email: str | None = Field(None, description="Masked, e.g. z***@example.com")
    station: str | None = Field(description="Station slug")
    category: SeekerCategory | None = None
    school: str | None = None
    graduation_year: int | None = None
    calendar_url: str | None = Field(description="A seeker's personal calendar feed (/calendar/{token}.ics, "
                                                  "subscribe with webcal://); null for staff accounts")
    notify_sms: bool = Field(None, description="Messages by SMS (PATCH /me)")
    notify_email: bool = Field(None, description="Messages by e-mail (PATCH /me)")


class SignupResult(Profile):
    token: str


# --- stations and events -----------------------------------------------------------------------

class StationRef(ApiModel):
    slug: str
    name: str
    kind: StationKind


class Station(StationRef):
    address: str


class Session(ApiModel):
    id: int
    title: str
    starts_at: LocalTime
    ends_at: LocalTime
    mode: EventMode = Field(None, description="The session's mode (the event's unless set for this session)")


class Event(ApiModel):
    id: int
    title: str
    kind: EventKind
    station: StationRef
    venue: str = None
    description: str = None
    status: EventStatus
    cancel_reason: str | None = None
    mode: EventMode = None
    online_url: str | None = Field(None, description="The live room. Only for staff of the event's station; "
                                                     "never public")
    replay_url: str | None = Field(None, description="Only for staff of the station")
    capacity: int | None = Field(description="Seats at the venue (a hybrid event's online registrants take "
                                             "none); null: no limit (online events)")
    confirmed_count: int
    seats_left: int | None = Field(description="null when there is no limit")
    waitlist_count: int
    waitlist_enabled: bool = None
    registration_opens: LocalTime | None = None
    registration_closes: LocalTime | None = None
    starts_at: LocalTime | None = None
    ends_at: LocalTime | None = None
    eligible_categories: list[SeekerCategory] | None = None
    eligible_school: str | None = None
    eligible_graduation_year_min: int | None = None
    eligible_graduation_year_max: int | None = None
    sessions: list[Session]
    url: str = Field(json_schema_extra={"format": "uri"}, description="The event's web page")


class EventPage(ApiModel):
    events: list[Event]
    page: int
    per_page: int
    total: int
    next: str | None = Field(description="URL of the next page, or null")


class EventQuery(ApiModel):
    kind: query_text(32, enum=EventKind.values()) = Field(None, description="Event kind")
    station: query_text(64) = Field(None, description="Station slug")
    from_: QueryFrom = Field(None, alias="from")
    to: QueryTo = None
    q: query_text(200) = Field(None, description="Text in title, description or venue")
    page: query_int(1, MAX_PAGE, default=1) = Field(None, description="Page number")
    per_page: query_int(1, 999_999_999) = Field(None, description="Page size (default API_PAGE_SIZE; values "
                                                                  "above API_MAX_PAGE_SIZE are capped)")


class SessionInput(Strict):
    id: bounded(1, MAX_ID, lambda: _("场次不属于该活动。")) | None = Field(
        None, description="PATCH only: keep (and change) this existing session")
    title: StrictStr | None = text(200)
    starts_at: Timestamp
    ends_at: Timestamp
    mode: StrictStr | None = Field(None, json_schema_extra={"enum": [*EventMode.values(), None]},
                                   description="A module that differs from its event (null: as the event)")


_URL = {"pattern": "^https?://\\S+$"}


class EventInput(Strict):
    """All fields for POST (title, kind, sessions; capacity unless mode is online); any subset for PATCH.
    Times must carry an offset."""

    title: StrictStr | None = text(200)
    kind: StrictStr | None = Field(None, json_schema_extra={"enum": EventKind.values()})
    station: StrictStr = Field(None, description="Station slug (organizers: default their own)")
    capacity: StrictInt | None = Field(None, json_schema_extra={"minimum": 0, "maximum": event_services.MAX_CAPACITY},
                                       description="Required unless mode is online (null: no limit)")
    mode: StrictStr | None = Field(None, json_schema_extra={"enum": EventMode.values(), "default": "onsite"})
    online_url: StrictStr | None = text(event_services.URL_MAX, **_URL)
    replay_url: StrictStr | None = text(event_services.URL_MAX, **_URL)
    venue: StrictStr | None = text(200)
    description: StrictStr | None = None
    registration_opens: Timestamp | None = None
    registration_closes: Timestamp | None = None
    status: StrictStr | None = Field(None, json_schema_extra={
        "enum": [EventStatus.DRAFT.value, EventStatus.PUBLISHED.value], "default": EventStatus.DRAFT.value})
    waitlist_enabled: StrictBool = Field(None, json_schema_extra={"default": True})
    eligible_categories: list[CategoryText] | None = Field(
        None, max_length=50, description="Category codes (or Chinese labels); null: anyone")
    eligible_school: StrictStr | None = text(100)
    eligible_graduation_year_min: bounded(YEAR_MIN, YEAR_MAX) | None = None
    eligible_graduation_year_max: bounded(YEAR_MIN, YEAR_MAX) | None = None
    sessions: list[SessionInput] = Field(None, max_length=event_services.MAX_SESSIONS,
                                         json_schema_extra={"minItems": 1})


class EventCreate(EventInput):
    """An event's fields for POST /events: title, kind and sessions, and capacity unless mode is online."""

    title: StrictStr | None = Field(json_schema_extra={"maxLength": 200})
    kind: StrictStr | None = Field(json_schema_extra={"enum": EventKind.values()})
    sessions: list[SessionInput] = Field(max_length=event_services.MAX_SESSIONS, json_schema_extra={"minItems": 1})


class CancelRequest(OptionalBody):
    reason: StrictStr | None = text(500)


# --- registrations -----------------------------------------------------------------------------

class Ticket(ApiModel):
    """Every URL works without a token (the code in it is the secret)."""

    code: str
    url: str
    qr_svg_url: str
    qr_png_url: str


class RegistrationEvent(ApiModel):
    id: int
    title: str
    status: EventStatus
    starts_at: LocalTime | None


class Registration(ApiModel):
    id: int
    event_id: int
    event: RegistrationEvent = None
    status: RegistrationStatus
    waitlist_position: int | None
    walk_in: bool = None
    attend: Attend = None
    join_url: str | None = Field(None, description="The personal link to the live room (confirmed online "
                                                   "attendance), or null")
    created_at: LocalTime | None = None
    cancelled_at: LocalTime | None = None
    cancel_reason: str | None = None
    ticket: Ticket


class Registrations(ApiModel):
    registrations: list[Registration]


class RegistrationCancel(ForgivingBody):
    """Optional; a body that is not of this shape is ignored."""

    reason: StrictStr | None = Field(None, description="Kept with the registration (cut at 500 characters)")


class RegistrationRequest(OptionalBody):
    attend: StrictStr | None = Field(None, json_schema_extra={"enum": Attend.values()},
                                     description="Hybrid events: how the seeker attends (default: the event's way)")


class Health(ApiModel):
    status: Literal["ok"]


class TokenInfo(ApiModel):
    id: int
    label: str = Field(json_schema_extra={"maxLength": 100})
    created_at: LocalTime
    expires_at: LocalTime | None
    current: bool = Field(description="The token in use by this request")


class TokenList(ApiModel):
    tokens: list[TokenInfo]


# --- cases and figures -------------------------------------------------------------------------

class CaseSeeker(ApiModel):
    id: int
    name: str
    phone: str | None = Field(description="Masked, e.g. 138****5678")
    school: str | None = None
    graduation_year: int | None = None


class NamedStation(ApiModel):
    slug: str
    name: str


class Person(ApiModel):
    id: int
    name: str


class CaseEntry(ApiModel):
    """One timeline item. `registration` and unlogged `no_show` items are derived from the bookings
    (`derived`: true); a withdrawn attendance (its check-in was undone) has `withdrawn_at`."""

    kind: EntryKind
    at: LocalTime
    title: str
    body: str | None = None
    author: str | None = None
    event_id: int | None = None
    session_id: int | None = None
    withdrawn_at: LocalTime | None = None
    derived: bool = None
    details: dict = Field(None, description="Kind-specific: event_title, session_title, contact "
                                            "(called/left_message/no_answer), employer, post, result, start_date, "
                                            "from/to statuses")


class Case(ApiModel):
    """A seeker's employment-service case with its timeline, newest first. For organizers `notes_included`
    is false: notes are left out and `plan`, `status_reason` and every entry's `body` are null."""

    id: int
    seeker: CaseSeeker
    station: NamedStation | None
    category: SeekerCategory | None
    status: CaseStatus
    status_reason: str | None = None
    counselor: Person | None = None
    plan: str | None = None
    notes_included: bool
    last_contact_at: LocalTime | None = None
    timeline: list[CaseEntry]


class FiguresQuery(ApiModel):
    station: query_text(64) = Field(None, description="Station slug (default: the caller's station; admins: "
                                                      "none = district)")
    from_: QueryFrom = Field(None, alias="from", description="Default: 30 days before `to`")
    to: QueryTo = Field(None, description="Default: now")


_COUNTS = ("events", "registrations", "registrations_of_ended_events", "attended", "attendances",
           "attendances_onsite", "attendances_online", "seekers_served", "seekers_employed", "graduates_unemployed",
           "graduates_unemployed_now_employed", "posts_developed", "headcount_developed", "company_visits",
           "applications", "interviews", "hires", *OUTREACH_FIGURES)
_BY_CATEGORY = ("seekers_served", "seekers_employed", "applications", "interviews", "hires", *OUTREACH_FIGURES)

Figures = create_model(
    "Figures",
    __base__=ApiModel,
    __doc__="Computed from the data, never typed in (the definitions are cases/figures.py's and the station "
            "page's). `station` is null for the district.",
    station=(NamedStation | None, None),
    from_=(LocalTime, Field(alias="from")),
    to=(LocalTime, ...),
    events_by_kind=(dict[str, int], None),
    attendance_rate=(float | None, None),
    graduate_employment_share=(float | None, Field(None, description="e.g. 0.6 for 3 of 5")),
    **{name: (int, None) for name in _COUNTS},
    **{f"{name}_by_category": (dict[str, int], None) for name in _BY_CATEGORY},
)


# --- attendance --------------------------------------------------------------------------------

class AttendanceQuery(ApiModel):
    format: query_choice(list(EXPORT_FORMATS), _l("format 应为 csv、xlsx 或 json。"), default="json") = None
    unmask: query_choice(["0", "1", "false", "true"], _l("unmask 应为 0 或 1。")) = Field(
        None, description="1 to show names and phones whole (audited)")
    # Checked by the export service (422 reason_required, reason_too_long), as the page's form is.
    reason: str | None = Field(None, json_schema_extra={"minLength": 2, "maxLength": 200},
                               description="Why the names and phones are needed; required with unmask=1 (422 "
                                           "reason_required without), recorded in the audit log with the unmasking")


class AttendanceSession(ApiModel):
    session_id: int
    checked_in_at: LocalTime | None


class AttendanceRow(ApiModel):
    registration_id: int
    name: str = Field(description="Masked (张**) unless unmask=1")
    phone: str | None = Field(None, description="Masked (138****5678) unless unmask=1")
    status: RegistrationStatus
    walk_in: bool = None
    category: str | None = Field(None, description="The seeker category's label")
    school: str | None = None
    registered_at: LocalTime | None = None
    sessions: list[AttendanceSession] = None


class Attendance(ApiModel):
    """One row per registration with per-session attendance (also as CSV or XLSX with `format`)."""

    event: Event
    masked: bool = Field(None, description="false only for unmask=1")
    rows: list[AttendanceRow]
