"""The hand-written parts of the OpenAPI document, for the endpoints not yet declared with schemas
(see .schema): ``openapi.py`` merges ``PATHS``/``SCHEMAS`` here and in every ``openapi_<feature>.py``
into the generated document. Shrink this as views are converted; do not add to it.
"""
from ..accounts.models import SeekerCategory
from .types import MAX_ID

API_VERSION = "1.0.0"


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def json_content(schema: dict) -> dict:
    return {"application/json": {"schema": schema}}


def nullable(type_name: str, **extra) -> dict:
    return {"type": [type_name, "null"], **extra}


def body(schema: dict, *, required: bool = True) -> dict:
    return {"required": required, "content": json_content(schema)}


def ok(description: str, schema: dict | None = None, **more) -> dict:
    response = {"description": description}
    if schema is not None:
        response["content"] = json_content(schema)
    response.update(more)
    return response


ERROR_RESPONSES = {
    "400": "BadRequest",
    "401": "Unauthorized",
    "403": "Forbidden",
    "404": "NotFound",
    "409": "Conflict",
    "422": "Unprocessable",
    "429": "TooManyRequests",
}


def errors(*statuses: int) -> dict:
    return {str(s): {"$ref": f"#/components/responses/{ERROR_RESPONSES[str(s)]}"} for s in statuses}


def operation(summary: str, responses: dict, *, tag: str, secured: bool = True, description: str = "",
              request: dict | None = None, parameters: list | None = None, operation_id: str) -> dict:
    op = {"operationId": operation_id, "summary": summary, "tags": [tag], "responses": responses}
    if description:
        op["description"] = description
    if request is not None:
        op["requestBody"] = request
    if parameters:
        op["parameters"] = parameters
    # Public endpoints take a token optionally (drafts, for example, are shown to staff).
    op["security"] = [{"bearerAuth": []}] if secured else [{}, {"bearerAuth": []}]
    return op


def path_id(name: str, description: str) -> dict:
    return {"name": name, "in": "path", "required": True, "description": description,
            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID}}


def query(name: str, description: str, schema: dict) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


TIMESTAMP = {"type": "string", "format": "date-time", "description": "ISO 8601 with offset, e.g. 2026-12-03T14:00:00+08:00"}
NULLABLE_TIMESTAMP = {**TIMESTAMP, "type": ["string", "null"]}
CATEGORIES = SeekerCategory.values()

def _error_response(description: str) -> dict:
    return {"description": description, "content": json_content(ref("Error"))}


RESPONSES = {
    "BadRequest": _error_response("Malformed request: not JSON, not an object, wrong types, missing fields, "
                                  "times without an offset (invalid_json, missing_field, invalid_field, "
                                  "invalid_parameter)"),
    "Unauthorized": _error_response("No valid bearer token, or wrong credentials (invalid_credentials)"),
    "Forbidden": _error_response("The account's role or station may not do this"),
    "NotFound": _error_response("No such object (or not visible to the caller)"),
    "Conflict": _error_response("Conflicts with existing data (e.g. phone_taken, already_registered)"),
    "Unprocessable": _error_response("Well-formed but breaks a rule (e.g. invalid_field, registration_closed)"),
    "TooManyRequests": _error_response("Rate limited; see Retry-After"),
}


# The core endpoints are all declared with schemas now; only feature modules still add parts.
PATHS: dict = {}
SCHEMAS: dict = {}
