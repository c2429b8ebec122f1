"""The schemas of the personal-data endpoints (see .schema): export, erasure, the audit log."""
from typing import Literal

from pydantic import ConfigDict, Field, StrictStr

from ..accounts.models import Role
from ..cases.models import CaseStatus
from ..privacy.audit_log import ACTION_MAX, ACTION_PATTERN, SUBJECT_PATTERN
from ..privacy.services import ACCOUNT_DELETED, CONSENT_WITHDRAWN
from .models import MAX_PAGE, LocalTime
from .schema import ApiModel
from .types import MAX_ID, QueryFrom, QueryTo, query_int, query_text


class ErasureConfirmation(ApiModel):
    model_config = ConfigDict(json_schema_extra={"required": ["password"]})

    password: StrictStr | None = Field(None, description="The account's password (403 wrong_password)")
    sms_code: StrictStr | None = Field(None, description="Not accepted yet: 422 sms_code_unavailable")


class CaseFate(ApiModel):
    status_before: CaseStatus
    status_after: CaseStatus
    kept_as: Literal["anonymous_service_record"]
    message: str = Field(description="What happens to the case, for the person")


class ErasureReport(ApiModel):
    reason: Literal[CONSENT_WITHDRAWN, ACCOUNT_DELETED]
    erased: list[str]
    registrations_cancelled: int = Field(ge=0)
    waitlisted_promoted: int = Field(ge=0, description="Waitlisted seekers confirmed in the freed seats")
    tickets_voided: int = Field(ge=0)
    tokens_revoked: int = Field(ge=0)
    sessions_ended: bool
    calendar_feed_revoked: bool
    case: CaseFate | None


class PersonalDataExport(ApiModel):
    """Profile, consents, registrations, check-ins, the case with its timeline, API token labels, messages."""

    format_version: int
    exported_at: LocalTime
    profile: dict
    consents: list[dict]
    registrations: list[dict]
    checkins: list[dict]
    case: dict | None
    api_tokens: list[dict]
    applications: list[dict] = None
    interview_bookings: list[dict] = None
    job_profile: dict | None = None
    messages: list[dict]


class AuditQuery(ApiModel):
    actor: query_int(1, MAX_ID) = Field(None, description="User id of whoever acted")
    # The patterns are checked by the audit log's search (400 invalid_parameter), as the page's filters are.
    action: query_text(ACTION_MAX, pattern=ACTION_PATTERN.pattern) = Field(
        None, description="An action (`case.view`) or a prefix (`case.*`)")
    subject: query_text(64, pattern=SUBJECT_PATTERN.pattern) = Field(
        None, description="What was acted on: a type, optionally with its id (`Case`, `Case:12`, `User:7`)")
    from_: QueryFrom = Field(None, alias="from")
    to: QueryTo = None
    page: query_int(1, MAX_PAGE, default=1) = Field(None, description="Page number")
    per_page: query_int(1, 999_999_999) = Field(None, description="Page size (default API_PAGE_SIZE; values "
                                                                  "above API_MAX_PAGE_SIZE are capped)")


class AuditActor(ApiModel):
    id: int
    role: Role


class AuditSubject(ApiModel):
    type: str | None
    id: int | None


class AuditEntry(ApiModel):
    id: int
    at: LocalTime
    actor: AuditActor | None
    action: str
    subject: AuditSubject
    station_id: int | None
    details: dict = Field(description="People appear by id only, never by name or phone")


class AuditPage(ApiModel):
    entries: list[AuditEntry]
    page: int
    per_page: int
    total: int
    next: str | None
