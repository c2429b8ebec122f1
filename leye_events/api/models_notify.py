"""The schemas of the notification and online-attendance endpoints (see .schema): the inbox, SMS login codes,
the caller's preferences and matching profile, switching a registration between onsite and online."""
from typing import ClassVar, Literal

from pydantic import ConfigDict, Field, StrictBool, StrictStr

from ..booking.models import Attend
from ..notifications.models import NotificationKind
from ..notifications.sms_codes import CODE_LIFETIME
from .models import LocalTime
from .models_matching import SeekerProfileInput
from .schema import ApiModel


class AttendRequest(ApiModel):
    model_config = ConfigDict(extra="forbid")
    unknown_field_status: ClassVar[int] = 400

    attend: StrictStr = Field(json_schema_extra={"enum": Attend.values()})


PROFILE_FIELDS = tuple(SeekerProfileInput.model_fields)


class ProfileUpdate(SeekerProfileInput):
    """Message preferences; a seeker may also change the matching profile's fields (as PATCH
    /seekers/{id}/profile; null clears). Other roles sending those get 400."""

    model_config = ConfigDict(extra="forbid")
    unknown_field_status: ClassVar[int] = 400

    notify_sms: StrictBool = Field(None, description="Messages by SMS (the inbox cannot be turned off)")
    notify_email: StrictBool = Field(None, description="Messages by e-mail")


class Notification(ApiModel):
    id: int
    kind: NotificationKind
    title: str = Field(json_schema_extra={"maxLength": 200})
    body: str
    event_id: int | None
    created_at: LocalTime
    read_at: LocalTime | None


class Inbox(ApiModel):
    notifications: list[Notification] = Field(description="Newest first, at most 100")
    unread: int = Field(ge=0)


class SmsCodeRequest(ApiModel):
    phone: StrictStr = Field(description="Mainland mobile number (11 digits, +86 allowed)")


class SmsCodeSent(ApiModel):
    sent: Literal[True]
    expires_in: int = Field(description=f"Seconds the code stays valid ({int(CODE_LIFETIME.total_seconds())})")
