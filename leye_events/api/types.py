"""Field types of the API's schemas: what each checks, and how the document describes it.

Each type's check and its JSON schema are written side by side, so what the document says is what the
server enforces. Errors are raised with ``status`` (and ``code``) in their context; ``schema.error_from``
turns them into the API's error shape: 400 for a wrong shape, 422 for a value out of bounds.
"""
import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated

from flask_babel import force_locale
from flask_babel import gettext as _
from pydantic import AfterValidator, BeforeValidator, Field, PlainValidator, StrictInt, StrictStr, WithJsonSchema
from pydantic_core import PydanticCustomError

from ..accounts.models import SEEKER_CATEGORY_LABELS
from ..core.locales import babel_locale
from ..core.timeutil import SHANGHAI, parse_iso
from ..core.urls import MAX_ID  # noqa: F401  (larger ids exist nowhere; re-exported)

# Times in request bodies must fall in these years (UTC), like the web forms' times.
TIME_YEAR_MIN, TIME_YEAR_MAX = 2000, 2100
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def invalid(message: str, *, status: int = 400, code: str = "invalid_field") -> PydanticCustomError:
    """A finding of one of our types, answered with ``status`` and ``code``."""
    return PydanticCustomError(code, str(message), {"status": status, "code": code})


def enum_values(enum) -> list[str]:
    return [member.value for member in enum]


# --- bodies ------------------------------------------------------------------------------------

def _timestamp(value) -> datetime:
    try:
        moment = parse_iso(value)
    except (ValueError, OverflowError):
        raise invalid(_("时间须为带时区偏移的 ISO 8601 格式，例如 2026-12-03T14:00:00+08:00。")) from None
    # Well formed but absurd (year 28, year 4935): a rule, as the web forms' 2000–2100 is.
    if not (TIME_YEAR_MIN <= moment.year <= TIME_YEAR_MAX):
        raise invalid(_("时间须在 %(min)d 年到 %(max)d 年之间。", min=TIME_YEAR_MIN, max=TIME_YEAR_MAX), status=422)
    return moment


TIMESTAMP_SCHEMA = {"type": "string", "format": "date-time",
                    "description": f"ISO 8601 with offset, e.g. 2026-12-03T14:00:00+08:00, "
                                   f"in the years {TIME_YEAR_MIN}–{TIME_YEAR_MAX}"}
# An aware UTC time from an ISO 8601 text with an offset: 400 without one, 422 outside the years.
Timestamp = Annotated[datetime, PlainValidator(_timestamp), WithJsonSchema(TIMESTAMP_SCHEMA)]


def bounded(minimum: int, maximum: int, message=None):
    """A strict integer (no booleans, no floats, no numeric strings); out of bounds is 422 with
    ``message()`` (a callable: it is translated when said)."""

    def check(value: int) -> int:
        if not minimum <= value <= maximum:
            text = message() if message else _("此字段应在 %(min)s 到 %(max)s 之间。", min=minimum, max=maximum)
            raise invalid(text, status=422)
        return value

    return Annotated[StrictInt, AfterValidator(check), Field(json_schema_extra={"minimum": minimum,
                                                                                "maximum": maximum})]


def _category_code(value):
    """A seeker category given as its code or its label (Chinese, or the current language's)."""
    if not isinstance(value, str):
        return value
    value = value.strip()
    with force_locale(babel_locale("zh_CN")):
        labels = {str(label): code.value for code, label in SEEKER_CATEGORY_LABELS.items()}
    labels.update({str(label): code.value for code, label in SEEKER_CATEGORY_LABELS.items()})
    return labels.get(value, value)


# A category code, or its label turned into the code; unknown values are the service's to refuse (422).
CategoryText = Annotated[StrictStr, BeforeValidator(_category_code)]


# --- query strings -----------------------------------------------------------------------------

def _query_text(max_length: int):
    def check(value) -> str | None:
        value = str(value).strip()
        if "\x00" in value:
            raise invalid(_("参数中不能包含空字符。"), code="invalid_parameter")
        if len(value) > max_length:
            raise invalid(_("参数过长。"), code="invalid_parameter")
        return value or None

    return check


def query_text(max_length: int = 200, **schema):
    """A query parameter's text, stripped; empty counts as absent."""
    return Annotated[str | None, PlainValidator(_query_text(max_length)),
                     WithJsonSchema({"type": "string", "maxLength": max_length, **schema})]


def query_int(minimum: int, maximum: int, **schema):
    """A positive whole number of at most 9 digits within [minimum, maximum]; empty counts as absent."""

    def check(value) -> int | None:
        value = str(value).strip()
        if value == "":
            return None
        if not re.fullmatch(r"\d{1,9}", value):
            raise invalid(_("参数应为正整数。"), code="invalid_parameter")
        number = int(value)
        if not (minimum <= number <= maximum):
            raise invalid(_("参数应在 %(min)s 到 %(max)s 之间。", min=minimum, max=maximum),
                          code="invalid_parameter")
        return number

    return Annotated[int | None, PlainValidator(check),
                     WithJsonSchema({"type": "integer", "minimum": minimum, "maximum": maximum, **schema})]


def query_choice(values: list[str], message: str, **schema):
    """One of ``values`` (compared in lower case)."""

    def check(value) -> str | None:
        value = str(value).strip().lower()
        if value == "":
            return None
        if value not in values:
            raise invalid(message, code="invalid_parameter")
        return value

    return Annotated[str | None, PlainValidator(check), WithJsonSchema({"type": "string", "enum": values, **schema})]


def _query_moment(end_of_day: bool):
    def check(value) -> datetime | None:
        value = _query_text(64)(value)
        if value is None:
            return None
        try:
            return parse_moment(value, end_of_day=end_of_day)
        except (ValueError, OverflowError):
            raise invalid(_("应为日期（2026-12-03）或带时区偏移的 ISO 8601 时间。"), code="invalid_parameter") from None

    return check


def parse_moment(value: str, *, end_of_day: bool = False) -> datetime:
    """A date (``2026-12-03``, Shanghai) or an ISO 8601 datetime with offset, as aware UTC.

    A bare date means Shanghai midnight at its start, or at its end when ``end_of_day`` (so that
    ``to=2026-12-03`` includes that day). ValueError for anything else.
    """
    if _DATE_ONLY.match(value):
        day = date.fromisoformat(value)
        try:
            moment = datetime.combine(day, time(0, 0), tzinfo=SHANGHAI)
            if end_of_day:
                moment += timedelta(days=1)
            return moment.astimezone(UTC)
        except OverflowError:  # the first or last day of the calendar: open-ended
            return datetime.max.replace(tzinfo=UTC) if end_of_day else datetime.min.replace(tzinfo=UTC)
    # An unencoded "+" of an offset arrives as a space: "…T14:00:00 08:00".
    return parse_iso(re.sub(r" (\d{2}:?\d{2})$", r"+\1", value))


_MOMENT_SCHEMA = {"type": "string", "maxLength": 64}
# A date (Shanghai midnight at its start) or an ISO 8601 datetime with offset, as aware UTC.
QueryFrom = Annotated[datetime | None, PlainValidator(_query_moment(False)), WithJsonSchema(
    {**_MOMENT_SCHEMA, "description": "Date (Shanghai midnight) or ISO 8601 datetime with offset"})]
# The same, a bare date counting to its end (``to=2026-12-03`` includes that day).
QueryTo = Annotated[datetime | None, PlainValidator(_query_moment(True)), WithJsonSchema(
    {**_MOMENT_SCHEMA, "description": "Date (inclusive: up to the next Shanghai midnight) or ISO 8601 "
                                      "datetime with offset"})]


def _date_text(value):
    if value is None:
        return None
    if not isinstance(value, str) or not _DATE_ONLY.match(value):
        raise invalid(_("日期格式应为 2026-12-03。"))
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise invalid(_("日期格式应为 2026-12-03。")) from None


# A calendar day as ``2026-12-03`` (400 otherwise), or null.
DateText = Annotated[date | None, PlainValidator(_date_text),
                     WithJsonSchema({"type": ["string", "null"], "format": "date", "examples": ["2026-12-03"]})]


def query_id(**schema):
    """An id in a query string: digits only (400 otherwise); one too large to exist counts as MAX_ID."""

    def check(value) -> int | None:
        value = _query_text(12)(value)
        if value is None:
            return None
        if not value.isdigit():
            raise invalid(_("参数应为正整数。"), code="invalid_parameter")
        return min(int(value), MAX_ID)

    return Annotated[int | None, PlainValidator(check),
                     WithJsonSchema({"type": "integer", "minimum": 0, **schema})]
