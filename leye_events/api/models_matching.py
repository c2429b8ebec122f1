"""The schemas of matching (岗位推介, see .schema): the seeker's profile, ranked posts and seekers, referrals."""
from pydantic import Field, StrictStr

from ..cases.models import ReferralResult
from ..employers.models import ApplicationStatus, Education, PostStatus
from ..matching.models import ConsentMethod
from ..matching.services import LIMIT_MAX, PROFILE_LIMITS, SALARY_WISH_MAX
from .models import LocalTime, text
from .schema import ApiModel
from .types import MAX_ID, DateText, bounded, query_int

LocalDate = str  # ISO 8601 date, e.g. 2026-12-03
DATE = {"format": "date"}


class SeekerProfileInput(ApiModel):
    """The matching profile's fields: any subset; null clears a field."""

    education: StrictStr | None = Field(None, json_schema_extra={"enum": [*Education.values(), None]})
    skills: StrictStr | None = text(PROFILE_LIMITS["skills"])
    wished_posts: StrictStr | None = text(PROFILE_LIMITS["wished_posts"])
    wished_places: StrictStr | None = text(PROFILE_LIMITS["wished_places"],
                                           description="places, separated by commas or spaces")
    salary_wish: bounded(0, SALARY_WISH_MAX) | None = Field(None, description="yuan per month")


class SeekerProfile(ApiModel):
    seeker_id: int
    education: Education | None
    skills: str = Field(json_schema_extra={"maxLength": PROFILE_LIMITS["skills"]})
    wished_posts: str = Field(json_schema_extra={"maxLength": PROFILE_LIMITS["wished_posts"]})
    wished_places: str = Field(json_schema_extra={"maxLength": PROFILE_LIMITS["wished_places"]})
    salary_wish: int | None = Field(ge=0, le=SALARY_WISH_MAX, description="yuan per month")


class LimitQuery(ApiModel):
    limit: query_int(1, LIMIT_MAX) = Field(None, description=f"How many (1–{LIMIT_MAX}; default 20, for "
                                                             "yourself 10)")


class EmployerRef(ApiModel):
    id: int
    name: str


class MatchedPostFields(ApiModel):
    id: int
    title: str
    employer: EmployerRef | None
    location: str | None
    salary_min: int | None
    salary_max: int | None
    education: Education | None
    experience_years: int | None
    tags: list[str]
    closes_on: LocalDate | None = Field(json_schema_extra=DATE)
    status: PostStatus


class MatchedPost(ApiModel):
    post: MatchedPostFields
    score: int = Field(ge=0, le=100)
    reasons: list[str] = Field(description="why, in words")


class PostMatches(ApiModel):
    matches: list[MatchedPost] = Field(description="best first")


class MatchedSeekerFields(ApiModel):
    id: int
    name: str = Field(description="masked")
    phone: str | None = Field(description="masked")
    graduation_year: int | None


class MatchedSeeker(ApiModel):
    seeker: MatchedSeekerFields
    score: int = Field(ge=0, le=100)
    reasons: list[str]


class SeekerMatches(ApiModel):
    matches: list[MatchedSeeker] = Field(description="best first")


class ReferralInput(ApiModel):
    model_config = {"json_schema_extra": {"required": ["post_id", "consent"]}}

    post_id: bounded(1, MAX_ID)
    # Checked by the service: missing or another value is 422 consent_required.
    consent: StrictStr | None = Field(None, json_schema_extra={"enum": ConsentMethod.values()},
                                      description="how the seeker agreed; missing or other: 422 consent_required")
    note: StrictStr | None = text(500)


class ReferralResultInput(ApiModel):
    result: StrictStr = Field(json_schema_extra={
        "enum": [s.value for s in ApplicationStatus if s != ApplicationStatus.APPLIED]})
    note: StrictStr | None = text(500)
    start_date: DateText = Field(None, description="for hired; default today")


class MatchReferral(ApiModel):
    id: int
    case_id: int
    post_id: int | None
    employer_id: int
    result: ReferralResult = Field(description="interview and offer are stored as interviewed; rejected and no_show "
                                               "as declined")
    consent: ConsentMethod | None
    consent_recorded_at: LocalTime | None
    created_at: LocalTime


class ReferredSeeker(ApiModel):
    id: int
    name: str
    phone: str | None
    school: str | None
    graduation_year: int | None


class PostReferral(ApiModel):
    """A referral as the post's employer sees it: no case, and what the seeker shares as for an application."""

    id: int
    post_id: int | None
    employer_id: int
    result: ReferralResult
    consent: ConsentMethod
    consent_recorded_at: LocalTime | None
    created_at: LocalTime
    seeker: ReferredSeeker


class PostReferrals(ApiModel):
    referrals: list[PostReferral] = Field(description="oldest first")
