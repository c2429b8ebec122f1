"""The schemas of employers, posts, booths, interview slots and bookings, applications (see .schema).

Bounds are the services' constants; the services check them (422), as the pages' forms are checked."""
from pydantic import ConfigDict, Field, StrictBool, StrictInt, StrictStr

from ..employers.applications import APPLICATION_RESULTS
from ..employers.applications import NOTE_MAX as APPLICATION_NOTE_MAX
from ..employers.interviews import CAPACITY_MAX, RUN_SLOTS_MAX
from ..employers.models import ApplicationStatus, BookingStatus, Education, PostStatus
from ..employers.services import (
    EMPLOYER_TEXT_FIELDS,
    EXPERIENCE_MAX,
    HEADCOUNT_MAX,
    POST_TEXT_FIELDS,
    SALARY_MAX,
    TAG_MAX,
    TAGS_MAX,
)
from ..events.models import EventKind
from .models import MAX_PAGE, LocalTime, text
from .models_matching import DATE, LocalDate
from .schema import ApiModel
from .types import CategoryText, DateText, Timestamp, query_id, query_int, query_text


class PageQuery(ApiModel):
    page: query_int(1, MAX_PAGE, default=1) = Field(None, description="Page number")
    per_page: query_int(1, 999_999_999) = Field(None, description="Page size (default API_PAGE_SIZE; values "
                                                                  "above API_MAX_PAGE_SIZE are capped)")


class EmployerQuery(PageQuery):
    station: query_text(64) = Field(None, description="Station slug")
    q: query_text(200) = Field(None, description="Text in name, industry or park")


class PostQuery(PageQuery):
    q: query_text(200) = Field(None, description="Text in title, description, place or employer")
    station: query_text(64) = Field(None, description="Station slug")
    employer: query_id() = Field(None, description="Employer id")
    event: query_id() = Field(None, description="Event id: the posts brought to that fair")
    status: query_text(10, enum=["open", "all"]) = Field(None, description="open (default) or all")


class TextQuery(ApiModel):
    q: query_text(200) = Field(None, description="Text in employer name, industry or post title")


class EmployerIdQuery(ApiModel):
    employer: query_id() = Field(None, description="Employer id")


def _employer_text(name: str):
    return text(EMPLOYER_TEXT_FIELDS[name])


class EmployerInput(ApiModel):
    """Any subset for PATCH; `name` for POST."""

    name: StrictStr | None = text(EMPLOYER_TEXT_FIELDS["name"], minLength=1)
    station: StrictStr | None = Field(None, description="Station slug (default: the caller's)")
    credit_code: StrictStr | None = text(40, description="统一社会信用代码: 18 characters, check character verified "
                                                         "(GB 32100-2015); unique")
    industry: StrictStr | None = _employer_text("industry")
    size: StrictStr | None = _employer_text("size")
    park: StrictStr | None = _employer_text("park")
    address: StrictStr | None = _employer_text("address")
    contact_name: StrictStr | None = _employer_text("contact_name")
    contact_phone: StrictStr | None = _employer_text("contact_phone")


class EmployerCreate(EmployerInput):
    model_config = ConfigDict(json_schema_extra={"required": ["name"]})


class Employer(ApiModel):
    id: int
    name: str
    credit_code: str | None
    industry: str | None
    size: str | None
    park: str | None
    address: str | None
    contact_name: str | None
    contact_phone: str | None
    station: str | None
    created_at: LocalTime


class EmployerPage(ApiModel):
    employers: list[Employer]
    page: int
    per_page: int
    total: int
    next: str | None


class EmployerAccountInput(ApiModel):
    email: StrictStr = Field(json_schema_extra={"format": "email"})
    name: StrictStr = Field(json_schema_extra={"minLength": 1, "maxLength": 100})
    password: StrictStr = Field(json_schema_extra={"minLength": 8})
    phone: StrictStr | None = None


class EmployerAccount(ApiModel):
    id: int
    role: str = Field(json_schema_extra={"const": "employer"})
    name: str
    email: str | None
    phone: str | None = Field(description="masked")
    employer_id: int


class VisitInput(ApiModel):
    model_config = ConfigDict(json_schema_extra={"required": ["visited_on"]})

    visited_on: DateText = Field(None, description="Not in the future")
    visitors: StrictStr | None = text(200)
    agreed: StrictStr | None = text(2000)


class Visit(ApiModel):
    id: int
    employer_id: int
    visited_on: LocalDate = Field(json_schema_extra=DATE)
    visitors: str
    agreed: str
    station: str


class Visits(ApiModel):
    visits: list[Visit] = Field(description="Newest first")


class PostInput(ApiModel):
    """Any subset for PATCH; `title` for POST."""

    title: StrictStr | None = text(POST_TEXT_FIELDS["title"], minLength=1)
    description: StrictStr | None = text(POST_TEXT_FIELDS["description"])
    headcount: StrictInt = Field(None, json_schema_extra={"minimum": 1, "maximum": HEADCOUNT_MAX, "default": 1})
    salary_min: StrictInt | None = Field(None, json_schema_extra={"minimum": 0, "maximum": SALARY_MAX},
                                         description="Yuan per month")
    salary_max: StrictInt | None = Field(None, json_schema_extra={"minimum": 0, "maximum": SALARY_MAX},
                                         description="Yuan per month; ≥ salary_min")
    education: StrictStr | None = Field(None, json_schema_extra={"enum": [*Education.values(), None]},
                                        description="Lowest schooling asked")
    experience_years: StrictInt | None = Field(None, json_schema_extra={"minimum": 0, "maximum": EXPERIENCE_MAX})
    location: StrictStr | None = text(POST_TEXT_FIELDS["location"])
    tags: list[StrictStr] | None = Field(None, max_length=50, json_schema_extra={
        "maxItems": TAGS_MAX, "items": {"type": "string", "maxLength": TAG_MAX}})
    welcome_categories: list[CategoryText] | None = Field(
        None, max_length=50, description="Seeker categories the employer welcomes (codes or Chinese labels); "
                                         "empty: everyone")
    closes_on: DateText = None
    status: StrictStr | None = Field(None, json_schema_extra={"enum": PostStatus.values()})


class PostCreate(PostInput):
    model_config = ConfigDict(json_schema_extra={"required": ["title"]})


class EmployerBrief(ApiModel):
    id: int
    name: str
    industry: str | None
    park: str | None


class PostEvent(ApiModel):
    id: int
    title: str
    kind: EventKind
    starts_at: LocalTime | None


class Post(ApiModel):
    id: int
    employer: EmployerBrief
    title: str
    description: str | None
    headcount: int
    salary_min: int | None
    salary_max: int | None
    education: Education | None
    experience_years: int | None
    location: str | None
    tags: list[str]
    welcome_categories: list[str]
    closes_on: LocalDate | None = Field(json_schema_extra=DATE)
    status: PostStatus
    station: str | None
    created_at: LocalTime
    url: str = Field(json_schema_extra={"format": "uri"})
    events: list[PostEvent] = Field(None, description="GET /posts/{id} only: fairs and interview sessions to come "
                                                      "where the employer is")


class PostPage(ApiModel):
    posts: list[Post] = Field(description="newest first")
    page: int
    per_page: int
    total: int
    next: str | None


class BoothInput(ApiModel):
    employer_id: StrictInt
    booth: StrictStr | None = text(20)
    post_ids: list[StrictInt] = Field(default_factory=list, description="The employer's own posts")


class Booth(ApiModel):
    id: int
    event_id: int
    booth: str | None
    employer: EmployerBrief
    posts: list[Post]


class Booths(ApiModel):
    booths: list[Booth] = Field(description="By booth number")


class InterviewSlotInput(ApiModel):
    """One slot `{employer_id, post_id?, starts_at, ends_at, capacity?}`, or a run of back-to-back slots
    `{employer_id, post_id?, from, to, minutes, parallel?}` (at most RUN_SLOTS_MAX)."""

    model_config = ConfigDict(json_schema_extra={"anyOf": [{"required": ["starts_at", "ends_at"]},
                                                           {"required": ["from", "to", "minutes"]}]})

    employer_id: StrictInt = Field(None, description="Required unless the caller is the employer")
    post_id: StrictInt | None = None
    starts_at: Timestamp | None = None
    ends_at: Timestamp | None = None
    capacity: StrictInt = Field(None, json_schema_extra={"minimum": 1, "maximum": CAPACITY_MAX, "default": 1})
    from_: Timestamp | None = Field(None, alias="from")
    to: Timestamp | None = None
    minutes: StrictInt | None = Field(None, json_schema_extra={"minimum": 5, "maximum": 240})
    parallel: StrictInt = Field(None, json_schema_extra={"minimum": 1, "maximum": CAPACITY_MAX, "default": 1},
                                description=f"Interviewers at once: each slot's capacity (runs of at most "
                                            f"{RUN_SLOTS_MAX} slots)")


class InterviewSlot(ApiModel):
    id: int
    event_id: int
    employer: EmployerBrief
    post_id: int | None
    post_title: str | None
    starts_at: LocalTime
    ends_at: LocalTime
    capacity: int
    booked: int
    seats_left: int


class InterviewSlots(ApiModel):
    slots: list[InterviewSlot] = Field(description="By start time")


class InterviewBooking(ApiModel):
    id: int
    slot: InterviewSlot
    event_id: int
    status: BookingStatus
    created_at: LocalTime
    cancelled_at: LocalTime | None


class InterviewBookings(ApiModel):
    bookings: list[InterviewBooking]


class ApplicationInput(ApiModel):
    model_config = ConfigDict(json_schema_extra={"required": ["share_profile"]})

    event_id: StrictInt | None = Field(None, description="The fair where the seeker applied")
    share_profile: StrictBool = Field(None, description="Must be true: agree to show name, phone, school and "
                                                        "graduation year (never the category) to the employer; 422 "
                                                        "consent_required otherwise")


class Applicant(ApiModel):
    """What the seeker shared; the phone is masked for staff."""

    name: str | None
    phone: str | None
    school: str | None
    graduation_year: int | None


class Application(ApiModel):
    id: int
    post_id: int
    post_title: str
    employer: EmployerBrief
    event_id: int | None
    status: ApplicationStatus
    note: str | None
    applicant: Applicant
    created_at: LocalTime
    result_at: LocalTime | None


class Applications(ApiModel):
    applications: list[Application] = Field(description="Newest first")


class ApplicationResult(ApiModel):
    result: StrictStr = Field(json_schema_extra={"enum": [r.value for r in APPLICATION_RESULTS]})
    note: StrictStr | None = text(APPLICATION_NOTE_MAX)
