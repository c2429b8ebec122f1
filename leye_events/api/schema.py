"""Request and response schemas declared once: pydantic models that validate requests and, through
spectree, write /api/v1/openapi.json.

A view declares what it reads and what it answers (spectree's ``validate`` arguments); its docstring becomes
the operation's summary::

    @bp.post("/events/<int:event_id>/cancel")
    @require_roles(Role.ORGANIZER, Role.ADMIN)
    @declare(json=CancelRequest, resp=answers(200, Event, errors=(401, 403, 404)), tags=["events"],
             operation_id="cancelEvent")
    def cancel_event(event_id):
        body = request.context.json  # a CancelRequest

The decorator goes *under* the route and the role check, so a caller without a token is answered 401
before their body is read. Bad input is answered in the shape of API.md, never with pydantic's own:
a wrong shape is 400 (``invalid_json``, ``missing_field``, ``invalid_field``, ``invalid_parameter``
with ``field``), a right shape that breaks a bound is 422 ``invalid_field`` (see :func:`error_from`).
Responses are not validated at run time (the check-in path is hot); the tests check them against the
document (tests/api/test_schemathesis.py).

Nothing is built before it is needed: the models are :class:`ApiModel` (pydantic builds a model's validator
on its first use), and spectree writes the operations, with every model's JSON schema, when the document is
first asked for (:func:`document_declarations`). A worker that serves check-ins builds the check-in's models
only, ~2 MiB less than all ~135 of them.
"""
import threading
import typing
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import request
from flask_babel import gettext as _
from pydantic import BaseModel, ConfigDict, ValidationError
from spectree import Response, SpecTree
from spectree.plugins.base import Context

from ..core.errors import ServiceError
from .bodies import BadRequest, json_body
from .errors import STATUS_CODES


class ApiModel(BaseModel):
    """The base of every request and response model: its validator is built on first use, not at import."""

    model_config = ConfigDict(defer_build=True)


# The codes of a request of the wrong shape (400; .bodies and error_from below).
SHAPE_CODES = ("invalid_json", "missing_field", "invalid_field", "invalid_parameter")


class ErrorDetail(ApiModel):
    """The error: a stable snake_case ``code``, a message for people, and often the offending field."""

    model_config = {"extra": "allow"}

    code: str
    message: str
    field: str = None  # absent rather than null; e.g. sessions[0].starts_at

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema, handler):
        schema = handler(core_schema)
        schema["properties"]["code"]["description"] = (
            "Stable snake_case code: a rule's own (e.g. registration_closed, event_full, too_long) or one of "
            + ", ".join(sorted({*STATUS_CODES.values(), *SHAPE_CODES})))
        schema["properties"]["message"]["description"] = "Human text (Chinese by default)"
        schema["properties"]["field"] = {"type": "string", "description": "The offending field, e.g. "
                                                                          "sessions[0].starts_at"}
        return schema


class Error(ApiModel):
    """Every error answer of the API: ``{"error": {"code", "message", "field"?}}``."""

    error: ErrorDetail


spec = SpecTree(
    "flask",
    mode="strict",  # only what a view declares; the rest of the app is not the API
    naming_strategy=lambda model: model.__name__,
    nested_naming_strategy=lambda _parent, child: child,
    validation_error_status=400,
    validation_error_model=Error,
    annotations=False,
    title="乐业活动 API",
    version="1.0.0",
)

BEARER = {"bearerAuth": []}
# Public endpoints take a token optionally (drafts, for example, are shown to staff): ``security=PUBLIC``.
PUBLIC = [{}, BEARER]

ERROR_DESCRIPTIONS = {
    400: "Malformed request: not JSON, not an object, wrong types, missing fields, times without an offset "
         "(invalid_json, missing_field, invalid_field, invalid_parameter)",
    401: "No valid bearer token, or wrong credentials (invalid_credentials)",
    403: "The account's role or station may not do this",
    404: "No such object (or not visible to the caller)",
    409: "Conflicts with existing data (e.g. phone_taken, already_registered)",
    413: "The body is over the limit (file_too_large); nothing was read",
    422: "Well-formed but breaks a rule (e.g. invalid_field, registration_closed)",
    429: "Rate limited; see Retry-After",
}


def answers(status: int, model=None, description: str = "", *, errors=(), also: dict | None = None) -> Response:
    """The responses of an operation: ``status`` with ``model`` (None: no body), ``also`` other successes
    (``{200: (Model, "description")}``), and the error statuses it can answer with, each with the
    :class:`Error` body."""
    codes = {f"HTTP_{status}": (model, description) if description else model}
    codes.update({f"HTTP_{other}": answer for other, answer in (also or {}).items()})
    for error_status in errors:
        codes[f"HTTP_{error_status}"] = (Error, ERROR_DESCRIPTIONS[error_status])
    return Response(**codes)


class OptionalBody(ApiModel):
    """A body that may be left out (or sent empty): it counts as ``{}``."""


class ForgivingBody(OptionalBody):
    """A body read as best it can: one that is not JSON, or not of this shape, counts as ``{}`` (an old
    client's stray body must not stop, say, a cancellation)."""


def optional_body_names() -> set[str]:
    """The names of every :class:`OptionalBody` model (for the document's ``requestBody.required``)."""
    found, todo = set(), [OptionalBody]
    while todo:
        model = todo.pop()
        found.add(model.__name__)
        todo.extend(model.__subclasses__())
    return found


# Other media types an operation's success answers in (spectree describes JSON only): operationId -> content.
OTHER_CONTENT: dict[str, dict] = {}


def also_answers(operation_id: str, content: dict) -> None:
    """Say that ``operation_id`` may also answer in these media types: ``{"text/csv": {"schema": …}}``."""
    OTHER_CONTENT[operation_id] = content


# --- declaring views ----------------------------------------------------------------------------

_undocumented: list[tuple[Callable, dict]] = []  # (view, declaration) not handed to spectree yet
_documenting = threading.Lock()


def declare(**declaration) -> Callable:
    """Declare what a view reads (``query``, ``json``: models) and answers (``resp``, ``tags``, ``security``,
    ``operation_id``…: spectree's ``validate`` arguments). The view gets the query and body read as those
    models in ``request.context``; the declaration is documented when the document is built."""
    query, json = declaration.get("query"), declaration.get("json")

    def decorate(func: Callable) -> Callable:
        @wraps(func)
        def view(*args, **kwargs):
            request.context = Context(read_query(query) if query is not None else None,
                                      read_body(json) if json is not None else None, None, None, None)
            return func(*args, **kwargs)

        _undocumented.append((view, declaration))
        return view

    return decorate


def document_declarations() -> None:
    """Hand every declaration to spectree, once, before it writes the document. spectree finds an operation
    by following the ``__wrapped__`` chain of the app's view function, so each view's chain is made to lead
    through the function spectree returns."""
    with _documenting:
        for view, declaration in _undocumented:
            view.__wrapped__ = spec.validate(**declaration)(view.__wrapped__)
        _undocumented.clear()


# --- reading requests --------------------------------------------------------------------------

def read_body(model: type[BaseModel]) -> BaseModel:
    """The request's JSON object as ``model``; an empty body counts as ``{}`` for an :class:`OptionalBody`."""
    try:
        return model.model_validate(json_body(allow_empty=issubclass(model, OptionalBody)))
    except (ValidationError, BadRequest) as error:
        if issubclass(model, ForgivingBody):
            return model()
        if isinstance(error, BadRequest):
            raise
        raise error_from(error, model, in_query=False) from None


def read_item(model: type[BaseModel], item: dict) -> BaseModel:
    """One object of a list read on its own (say, a scan of a batch), with the same errors as a body's."""
    try:
        return model.model_validate(item)
    except ValidationError as error:
        raise error_from(error, model, in_query=False) from None


def read_query(model: type[BaseModel]) -> BaseModel:
    """The query string as ``model`` (the first value of each parameter)."""
    try:
        return model.model_validate(request.args.to_dict())
    except ValidationError as error:
        raise error_from(error, model, in_query=True) from None


def field_path(loc: tuple) -> str:
    """``("sessions", 1, "starts_at")`` -> ``sessions[1].starts_at``."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


# Shape errors of pydantic's own types: which message, all 400 ``invalid_field``.
_SHAPE_MESSAGES = {
    "string_type": lambda: _("此字段应为字符串。"),
    "int_type": lambda: _("此字段应为整数。"),
    "int_from_float": lambda: _("此字段应为整数。"),
    "bool_type": lambda: _("此字段应为 true 或 false。"),
}
_OBJECT_TYPES = ("model_type", "model_attributes_type", "dict_type")
# Which error of several is answered: the first missing field, then an unknown one, then the rest.
_PRIORITY = {"missing": 0, "extra_forbidden": 1}


def error_from(error: ValidationError, model: type[BaseModel], *, in_query: bool) -> ServiceError:
    """The API's error for the first of pydantic's findings (see the module's docstring)."""
    details = sorted(error.errors(include_url=False), key=lambda d: _PRIORITY.get(d["type"], 2))
    detail = details[0]
    kind, loc, context = detail["type"], tuple(detail["loc"]), detail.get("ctx") or {}
    if loc and isinstance(loc[-1], int) and kind in (*_OBJECT_TYPES, "string_type", "int_type"):
        loc = loc[:-1]  # an item of the wrong type: the list is wrong
        kind = "list_type"
    if kind == "list_type":
        kind = f"{_list_items(model, loc)}_list_type"
    field = field_path(loc)
    if in_query:
        message = context.get("message") or detail["msg"]
        return BadRequest("invalid_parameter", message, field=field)
    if kind == "missing":
        return BadRequest("missing_field", _("缺少必填字段。"), field=field)
    if kind == "extra_forbidden":  # 422 unless the model says (as some always did) 400
        return ServiceError("invalid_field", _("不支持的字段。"), field=field,
                            status=getattr(model, "unknown_field_status", 422))
    if kind == "too_long":
        return ServiceError("invalid_field", _("数组过长。"), field=field)
    if "status" in context:  # raised by one of our own types (see .types)
        return ServiceError(context.get("code", "invalid_field"), detail["msg"], field=field,
                            status=context["status"])
    if kind == "object_list_type":
        return BadRequest("invalid_field", _("此字段应为对象数组。"), field=field)
    if kind == "string_list_type":
        return BadRequest("invalid_field", _("此字段应为字符串数组。"), field=field)
    if kind == "integer_list_type":
        return BadRequest("invalid_field", _("此字段应为整数数组。"), field=field)
    message = _SHAPE_MESSAGES.get(kind)
    return BadRequest("invalid_field", message() if message else _("请求格式不正确。"), field=field)


def _list_items(model: type[BaseModel], loc: tuple) -> str:
    """What the list at ``loc`` of ``model`` holds: ``object``, ``integer`` or ``string``."""
    annotation = None
    for part in loc:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part) if isinstance(model, type) else None
        if field is None:
            return "string"
        annotation = field.annotation
        models = [arg for arg in _flatten(annotation) if isinstance(arg, type) and issubclass(arg, BaseModel)]
        model = models[0] if models else None
    if model is not None or dict in _flatten(annotation):
        return "object"
    return "integer" if int in _flatten(annotation) else "string"


def _flatten(annotation) -> list:
    args = list(typing.get_args(annotation))
    return [annotation, *(inner for arg in args for inner in _flatten(arg))]


def body_values(body: BaseModel) -> dict[str, Any]:
    """The fields the caller sent (a PATCH changes those only), as plain values."""
    return {name: getattr(body, name) for name in body.model_fields_set}
