"""Reading the raw request for the API: the JSON body, ids in the URL, and the errors of bad input.

The contract: a body or parameter of the wrong *shape* (not JSON, not an object, a string where a
number goes, a time without an offset) is answered 400 with a ``field``; a value of the right shape
that breaks a business rule is left to the services, which answer 422. Nothing here ever lets a
malformed value reach the database, so bad input never becomes a 500. The fields themselves are
checked by the schemas (.schema, .types).
"""
import json

from flask import request
from flask_babel import gettext as _

from ..core.errors import NotFound, ServiceError
from . import bp
from .types import MAX_ID

_MAX_DEPTH = 32


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


