"""Reading JSON bodies and query strings for the API.

The contract: a body or parameter of the wrong *shape* (not JSON, not an object, a string where a
number goes, a time without an offset) is answered 400 with a ``field``; a value of the right shape
that breaks a business rule is left to the services, which answer 422. Nothing here ever lets a
malformed value reach the database, so bad input never becomes a 500.
"""
import json
import re
from datetime import UTC, date, datetime, time, timedelta

from flask import request
from flask_babel import force_locale
from flask_babel import gettext as _

from ..accounts.models import SEEKER_CATEGORY_LABELS
from ..core.errors import NotFound, ServiceError
from ..core.timeutil import SHANGHAI, parse_iso
from ..core.urls import MAX_ID
from . import bp

MISSING = object()
_MAX_DEPTH = 32
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Times in request bodies must fall in these years (UTC), like the web forms' times.
TIME_YEAR_MIN, TIME_YEAR_MAX = 2000, 2100


class BadRequest(ServiceError):
    """A request of the wrong shape: 400."""

    status = 400


def invalid_json(message=None) -> BadRequest:
    return BadRequest("invalid_json", message or _("请求体必须是 JSON 对象。"))


def missing_field(field: str) -> BadRequest:
    return BadRequest("missing_field", _("缺少必填字段。"), field=field)


def invalid_field(field: str, message: str) -> BadRequest:
    return BadRequest("invalid_field", message, field=field)


def invalid_parameter(field: str, message: str) -> BadRequest:
    return BadRequest("invalid_parameter", message, field=field)


def _reject_constant(name: str):
    raise ValueError(f"{name} is not valid JSON")


def _check_strings(value, path: str, depth: int = 0) -> None:
    """Refuse strings a database cannot store: NUL characters and lone surrogates."""
    if depth > _MAX_DEPTH:
        raise invalid_json(_("JSON 嵌套层数过多。"))
    if isinstance(value, str):
        if "\x00" in value:
            raise invalid_field(path, _("文本中不能包含空字符。"))
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise invalid_field(path, _("文本中含有无效字符。")) from None
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_strings(key, path or key, depth + 1)
            _check_strings(item, path or key, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _check_strings(item, path, depth + 1)


def json_body(*, allow_empty: bool = False) -> dict:
    """The request's JSON object; 400 ``invalid_json`` for anything else.

    The Content-Type is not insisted on (scanners and scripts often forget it). An empty body
    counts as ``{}`` only where every field is optional (``allow_empty``).
    """
    raw = request.get_data(cache=True)
    if not raw.strip():
        if allow_empty:
            return {}
        raise invalid_json()
    try:
        body = json.loads(raw, parse_constant=_reject_constant)
    except (ValueError, RecursionError):  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise invalid_json(_("请求体不是有效的 JSON。")) from None
    if not isinstance(body, dict):
        raise invalid_json()
    _check_strings(body, "")
    return body


def _get(body: dict, name: str, required: bool):
    value = body.get(name, MISSING)
    if value is MISSING and required:
        raise missing_field(name)
    return value


def text(body: dict, name: str, *, required: bool = False, nullable: bool = True):
    """A string field; MISSING when absent (and not required), None when null and ``nullable``."""
    value = _get(body, name, required)
    if value is MISSING:
        return value
    if value is None and nullable and not required:
        return None
    if not isinstance(value, str):
        raise invalid_field(name, _("此字段应为字符串。"))
    return value


def integer(body: dict, name: str, *, required: bool = False, nullable: bool = False,
            minimum: int | None = None, maximum: int | None = None):
    """An integer field (booleans and floats refused). Out of [minimum, maximum] is a rule: 422."""
    value = _get(body, name, required)
    if value is MISSING or (value is None and nullable):
        return value
    if isinstance(value, bool) or not isinstance(value, int):
        raise invalid_field(name, _("此字段应为整数。"))
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise ServiceError(
            "invalid_field", _("此字段应在 %(min)s 到 %(max)s 之间。", min=minimum, max=maximum), field=name
        )
    return value


def boolean(body: dict, name: str, *, required: bool = False, nullable: bool = False):
    value = _get(body, name, required)
    if value is MISSING or (value is None and nullable):
        return value
    if not isinstance(value, bool):
        raise invalid_field(name, _("此字段应为 true 或 false。"))
    return value


def timestamp(body: dict, name: str, *, required: bool = False, nullable: bool = True, field: str | None = None):
    """An ISO 8601 timestamp that carries an offset, as aware UTC; naive or unparseable times are 400."""
    value = _get(body, name, required)
    if value is MISSING or (value is None and nullable and not required):
        return value
    return parse_timestamp(value, field or name)


def parse_timestamp(value, field: str) -> datetime:
    try:
        moment = parse_iso(value)
    except (ValueError, OverflowError):
        raise invalid_field(
            field, _("时间须为带时区偏移的 ISO 8601 格式，例如 2026-12-03T14:00:00+08:00。")
        ) from None
    # Well formed but absurd (year 28, year 4935): a rule, as the web forms' 2000–2100 is.
    if not (TIME_YEAR_MIN <= moment.year <= TIME_YEAR_MAX):
        raise ServiceError("invalid_field", _("时间须在 %(min)d 年到 %(max)d 年之间。", min=TIME_YEAR_MIN,
                                              max=TIME_YEAR_MAX), field=field)
    return moment


def object_list(body: dict, name: str, *, required: bool = False, max_items: int = 200):
    value = _get(body, name, required)
    if value is MISSING:
        return value
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise invalid_field(name, _("此字段应为对象数组。"))
    if len(value) > max_items:
        raise ServiceError("invalid_field", _("数组过长。"), field=name)
    return value


def string_list(body: dict, name: str, *, nullable: bool = True, max_items: int = 50):
    value = body.get(name, MISSING)
    if value is MISSING or (value is None and nullable):
        return value
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise invalid_field(name, _("此字段应为字符串数组。"))
    if len(value) > max_items:
        raise ServiceError("invalid_field", _("数组过长。"), field=name)
    return value


def category_code(value):
    """A seeker category given as its code or its label (Chinese, or the current language's)."""
    if not isinstance(value, str):
        return value
    value = value.strip()
    with force_locale("zh_CN"):
        labels = {str(label): code.value for code, label in SEEKER_CATEGORY_LABELS.items()}
    labels.update({str(label): code.value for code, label in SEEKER_CATEGORY_LABELS.items()})
    return labels.get(value, value)


def check_id(value: int) -> int:
    """An id from the URL; one too large to exist anywhere is simply not found."""
    if value > MAX_ID:
        raise NotFound("not_found", _("找不到该资源。"))
    return value


@bp.url_value_preprocessor
def _ids_in_range(endpoint, values) -> None:
    """Every integer in an /api/v1 URL: 404 before a too-large id reaches (and overflows) the database."""
    for value in (values or {}).values():
        if isinstance(value, int) and not isinstance(value, bool):
            check_id(value)


# --- query strings ----------------------------------------------------------------------------

def query_text(name: str, *, max_length: int = 200) -> str | None:
    value = request.args.get(name)
    if value is None:
        return None
    value = value.strip()
    if "\x00" in value:
        raise invalid_parameter(name, _("参数中不能包含空字符。"))
    if len(value) > max_length:
        raise invalid_parameter(name, _("参数过长。"))
    return value or None


def query_int(name: str, *, default: int, minimum: int, maximum: int, clamp: bool = False) -> int:
    value = request.args.get(name)
    if value is None or value.strip() == "":
        return default
    value = value.strip()
    if not re.fullmatch(r"\d{1,9}", value):
        raise invalid_parameter(name, _("参数应为正整数。"))
    number = int(value)
    if clamp and number > maximum:
        return maximum
    if not (minimum <= number <= maximum):
        raise invalid_parameter(name, _("参数应在 %(min)s 到 %(max)s 之间。", min=minimum, max=maximum))
    return number


def query_moment(name: str, *, end_of_day: bool = False) -> datetime | None:
    """A date (``2026-12-03``, Shanghai) or an ISO 8601 datetime with offset, as aware UTC.

    A bare date means Shanghai midnight at its start, or at its end when ``end_of_day`` (so that
    ``to=2026-12-03`` includes that day).
    """
    value = query_text(name, max_length=64)
    if value is None:
        return None
    try:
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
    except (ValueError, OverflowError):
        raise invalid_parameter(
            name, _("应为日期（2026-12-03）或带时区偏移的 ISO 8601 时间。")
        ) from None
