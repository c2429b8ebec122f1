"""The schemas of the check-in endpoints (see .schema): scans, offline batches, rosters, undo."""
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, PlainValidator, StrictInt, StrictStr, WithJsonSchema
from pydantic_core import PydanticCustomError

from ..booking.models import RegistrationStatus
from ..checkin.models import CheckInResult
from ..checkin.services import MAX_LENGTHS as SCAN_MAX_LENGTHS
from ..events.models import EventStatus
from .models import LocalTime, text
from .schema import ApiModel, ErrorDetail, OptionalBody
from .types import Timestamp

MAX_BATCH = 500  # scans in one offline upload


class CheckinRequest(ApiModel):
    """One scan. Longer texts than maxLength are refused: 422 too_long with the field. Either code or
    registration_id."""

    model_config = ConfigDict(json_schema_extra={"anyOf": [{"required": ["code"]},
                                                           {"required": ["registration_id"]}]})

    code: StrictStr = Field(None, json_schema_extra={"maxLength": SCAN_MAX_LENGTHS["code"]},
                            description="The ticket code, or the whole text of its QR (e.g. a URL)")
    event_id: StrictInt
    registration_id: StrictInt | None = Field(None, description=(
        "POST /checkins only, in place of code: a registration of the event found by name (404 otherwise); "
        "logged as manual"))
    # Anything but "manual" counts as qr, as it always did.
    method: Annotated[Any, WithJsonSchema({"type": "string", "enum": ["qr", "manual"], "default": "qr"})] = Field(
        None, description="POST /checkins only: manual for a typed code (the log says so)")
    session_id: StrictInt | None = None
    gate: StrictStr | None = text(SCAN_MAX_LENGTHS["gate"])
    device: StrictStr | None = text(SCAN_MAX_LENGTHS["device"])
    nonce: StrictStr | None = text(SCAN_MAX_LENGTHS["nonce"], description="Makes a retried scan idempotent")
    scanned_at: Timestamp | None = Field(None, description=(
        "The device's time. Honoured only for offline uploads (/checkins/batch), within the session's door window "
        "and if uploaded within CHECKIN_OFFLINE_MAX_DELAY_HOURS (else the item is 422 upload_too_late); an online "
        "scan is judged by the server's clock."))


def _an_object(value) -> dict:
    if not isinstance(value, dict):
        raise PydanticCustomError("dict_type", "not an object")
    return value


class CheckinBatch(ApiModel):
    # Each scan is read on its own (a bad one is answered in its place in ``results``): here only "an object",
    # documented as the CheckinRequest it must be.
    scans: list[Annotated[dict, PlainValidator(_an_object, json_schema_input_type=CheckinRequest)]] = Field(
        max_length=MAX_BATCH)


class Attendee(ApiModel):
    """The holder's masked name, nothing more (no phone, no category)."""

    model_config = ConfigDict(extra="forbid")

    name: str
    walk_in: bool


class TicketEvent(ApiModel):
    id: int
    title: str
    station: str


class CheckinResult(ApiModel):
    result: CheckInResult
    message: str = Field(description="The result in words, for the door's screen")
    checkin_id: int | None = Field(description="For POST /checkins/{checkin_id}/undo; null for an unknown code "
                                               "past the hourly logging limit (answered, not stored)")
    event_id: int
    session_id: int | None = Field(description="The session the scan counted for")
    registration_id: int | None = Field(description="Null for wrong_event and unknown_code")
    gate: str = None
    scanned_at: LocalTime = Field(None, description="The time the scan was judged at")
    checked_in_at: LocalTime = Field(None, description="With result ok")
    first_checked_in_at: LocalTime = Field(None, description="With result already_checked_in")
    first_gate: str = Field(None, description="With result already_checked_in")
    replayed: bool = Field(None, description="The nonce was seen before: the first answer again")
    conflict: bool = Field(None, description="An offline scan of a ticket already admitted")
    attendee: Attendee | None = Field(description="null for wrong_event, unknown_code and any ticket of another "
                                                  "event")
    ticket_event: TicketEvent = Field(None, description="With wrong_event: the event the ticket is for")


class CheckinBatchError(ApiModel):
    """A scan of the batch that could not be read or was refused; the others still count."""

    error: ErrorDetail
    status: int = Field(description="HTTP status it would have had alone")


class CheckinBatchResult(ApiModel):
    results: list[CheckinResult | CheckinBatchError] = Field(description="In the order of the scans")


class RosterEvent(ApiModel):
    id: int
    title: str
    status: EventStatus


class RosterSession(ApiModel):
    id: int
    title: str | None
    starts_at: LocalTime
    ends_at: LocalTime


class RosterEntry(ApiModel):
    code_hash: str
    registration_id: int
    name: str = Field(description="Masked")
    status: RegistrationStatus
    walk_in: bool
    checked_in: dict[str, LocalTime] = Field(description="Session id (as a string) -> time of its check-in")


class Roster(ApiModel):
    """What an offline scanner needs: code hashes, masked names, status, sessions. Never codes, phone numbers
    or hardship categories."""

    event: RosterEvent
    sessions: list[RosterSession]
    hash: Literal["sha256"] = Field(description="code_hash is the SHA-256 (hex) of the bare ticket code")
    entries: list[RosterEntry]
    confirmed: int


class UndoRequest(OptionalBody):
    reason: StrictStr | None = text(SCAN_MAX_LENGTHS["reason"], description=(
        "Required once the session's door has closed (422 reason_required)"))


class Undone(ApiModel):
    checkin_id: int
    undone: Literal[True]
