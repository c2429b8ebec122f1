"""GET /api/v1/openapi.json: the OpenAPI 3.1 document, generated from the views' declarations.

spectree writes the operations of every view declared with ``declare`` (see .schema) from the
app's URL map; this module makes them relative to the server URL ``/api/v1``, gives every id in a path
its bounds and says who may call. A test fails when a rule under /api/v1 is not declared.
"""
import copy

from flask import current_app, jsonify

from . import bp
from .schema import BEARER, OTHER_CONTENT, PUBLIC, answers, declare, document_declarations, optional_body_names, spec
from .types import MAX_ID

PREFIX = "/api/v1"
TAGS = ["accounts", "stations", "events", "booking", "checkin", "cases", "notifications", "privacy", "experience",
        "employers", "outreach", "matching", "meta"]
DESCRIPTION = ("Events, registrations and check-in for Yangpu's 乐业空间 stations. Errors are always "
               '`{"error": {"code", "message"}}`; times are ISO 8601 with an offset.')


def _generated() -> tuple[dict, dict]:
    """The paths (relative to /api/v1) and schemas spectree writes from the declarations."""
    document_declarations()
    document = copy.deepcopy(spec.spec)
    _drop_noise(document)
    paths = {}
    for path, operations in document["paths"].items():
        if not path.startswith(PREFIX + "/"):
            continue
        for operation in operations.values():
            _finish_operation(operation)
        paths[path[len(PREFIX):]] = operations
    return paths, document["components"]["schemas"]


def _drop_noise(node) -> None:
    """pydantic's ``title`` of every field and ``default: null`` of every optional one say nothing."""
    if isinstance(node, dict):
        if isinstance(node.get("title"), str):
            del node["title"]
        if "default" in node and node["default"] is None:
            del node["default"]
        for value in node.values():
            _drop_noise(value)
    elif isinstance(node, list):
        for value in node:
            _drop_noise(value)


def _finish_operation(operation: dict) -> None:
    responses = operation["responses"]
    for status, response in responses.items():
        if status.startswith("2") and operation["operationId"] in OTHER_CONTENT:
            response.setdefault("content", {}).update(copy.deepcopy(OTHER_CONTENT[operation["operationId"]]))
    if responses.get("400", {}).get("description") == "Bad Request":  # spectree's own, not declared
        del responses["400"]
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "path" and parameter["schema"].get("type") == "integer":
            # Larger ids exist nowhere (404); see types.MAX_ID.
            parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
        if not parameter.get("description"):
            parameter.pop("description", None)
    operation["security"] = operation.get("security") or [BEARER]
    if not operation.get("tags"):
        operation.pop("tags", None)
    if not operation.get("description"):
        operation.pop("description", None)


def _optional_bodies(paths: dict, schemas: dict) -> None:
    """An :class:`OptionalBody` may be left out (spectree marks every body required)."""
    optional = optional_body_names()
    for operations in paths.values():
        for operation in operations.values():
            content = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if content is None:
                continue
            name = content["schema"].get("$ref", "").rsplit("/", 1)[-1]
            if name in optional:
                operation["requestBody"]["required"] = False


def openapi_document() -> dict:
    """The whole OpenAPI document (a fresh dict; callers may change it). Needs the app (its URL map)."""
    paths, schemas = _generated()
    _optional_bodies(paths, schemas)
    used = {tag for operations in paths.values() for operation in operations.values()
            for tag in operation.get("tags", ())}
    tags = [*TAGS, *sorted(used - set(TAGS))]
    return {
        "openapi": "3.1.0",
        "info": {"title": spec.config.title, "version": spec.config.version, "description": DESCRIPTION},
        "servers": [{"url": PREFIX}],
        "security": [BEARER],
        "tags": [{"name": name} for name in tags],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer",
                                               "description": "POST /auth/token, or `flask tokens create`"}},
            "schemas": schemas,
        },
    }


@bp.get("/openapi.json")
@declare(resp=answers(200, None, "The OpenAPI document"), tags=["meta"], security=PUBLIC,
         operation_id="getOpenApi")
def openapi_json():
    """This document."""
    document = current_app.extensions.get("leye_openapi")
    if document is None:  # the URL map is complete once the app serves: build it once
        document = current_app.extensions["leye_openapi"] = openapi_document()
    return jsonify(document)
