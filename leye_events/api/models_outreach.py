"""The schemas of outreach (信息排摸, see .schema): list imports, the call list, contacts, counts."""
from typing import Annotated, Literal

from pydantic import Field, StrictStr, WithJsonSchema

from ..cases.models import SeekerCategory
from ..outreach.models import ContactChannel, ContactOutcome
from ..outreach.services import NOTE_MAX
from .models import LocalTime, text
from .models_matching import DATE, LocalDate
from .schema import ApiModel
from .types import DateText, QueryFrom, QueryTo


class ImportQuery(ApiModel):
    preview: Annotated[str | None, WithJsonSchema({"type": "string", "enum": ["1", "true"]})] = Field(
        None, description="1: check only, change nothing")


class OutreachUpload(ApiModel):
    file: bytes = Field(description=".xlsx, or .csv in UTF-8 (with or without BOM) or GB18030")


class RejectedRow(ApiModel):
    row: int = Field(description="row number as Excel shows it (header = 1)")
    reason: str


class OutreachImportResult(ApiModel):
    created: int = Field(description="new prospects (accounts without a login, a case each)")
    updated: int = Field(description="phones already known (idempotent by phone)")
    rejected: list[RejectedRow]
    preview: bool = Field(description="true: nothing was changed")


class CallListQuery(ApiModel):
    # Read as the page reads them: unmask only with "1"; the reason is checked by the audit (422).
    unmask: Annotated[str | None, WithJsonSchema({"type": "string", "enum": ["1"]})] = Field(
        None, description="1: full names and phones (audited; needs a reason)")
    reason: Annotated[str | None, WithJsonSchema({"type": "string", "minLength": 2, "maxLength": 200})] = Field(
        None, description="Why the names and phones are needed; required with unmask=1 (422 reason_required "
                          "without)")


class CallSeeker(ApiModel):
    id: int
    name: str = Field(description="masked unless unmask=1")
    phone: str | None = Field(description="masked unless unmask=1")
    prospect: bool


class LastContact(ApiModel):
    at: LocalTime
    channel: ContactChannel
    result: ContactOutcome


class CallItem(ApiModel):
    seeker: CallSeeker
    case_id: int
    category: SeekerCategory
    reason: Literal["never_contacted", "due", "no_show"]
    due_on: LocalDate = Field(json_schema_extra=DATE)
    detail: str | None = Field(description="the missed event's title for no-shows")
    last_contact: LastContact | None


class CallList(ApiModel):
    calls: list[CallItem] = Field(description="oldest first, at most 200")


class ContactInput(ApiModel):
    # channel and result are checked by the service (422), as the page's form is.
    channel: StrictStr = Field(json_schema_extra={"enum": ContactChannel.values()})
    result: StrictStr = Field(json_schema_extra={"enum": ContactOutcome.values()})
    note: StrictStr | None = text(NOTE_MAX)
    next_contact_on: DateText = Field(None, description="today to a year ahead; puts the person back on the call "
                                                        "list then")


class Contact(ApiModel):
    id: int
    case_id: int
    channel: ContactChannel
    result: ContactOutcome
    note: str | None
    next_contact_on: LocalDate | None = Field(json_schema_extra=DATE)
    at: LocalTime


class RangeQuery(ApiModel):
    from_: QueryFrom = Field(None, alias="from", description="Default: 30 days before `to`")
    to: QueryTo = Field(None, description="Default: now")


class OutreachCounts(ApiModel):
    contacts: int
    people_reached: int
    prospects: int
    prospects_converted: int = Field(description="prospects who signed up")
    prospects_attended: int
    prospects_employed: int


class CounselorCounts(OutreachCounts):
    id: int
    name: str


class OutreachCountsReport(ApiModel):
    from_: LocalTime = Field(alias="from")
    to: LocalTime
    station: OutreachCounts
    counselors: list[CounselorCounts]
