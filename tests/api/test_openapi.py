"""GET /openapi.json: structure, references, and every /api/v1 rule described."""
import re

import pytest

from leye_events.api.openapi import openapi_document

HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
PREFIX = "/api/v1"


@pytest.fixture
def document(client):
    response = client.get(PREFIX + "/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return response.get_json()


def template_of(rule: str) -> str:
    """``/api/v1/events/<int:event_id>/cancel`` -> ``/events/{}/cancel`` (parameter names may differ)."""
    return re.sub(r"<[^>]+>", "{}", rule[len(PREFIX):])


def normalized(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", path)


def test_every_api_rule_is_described(app, document):
    described = {normalized(path): {m for m in item if m in HTTP_METHODS} for path, item in document["paths"].items()}
    missing = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(PREFIX + "/"):
            continue
        methods = {m.lower() for m in rule.methods} - {"head", "options"}
        path = template_of(rule.rule)
        absent = methods - described.get(path, set())
        if absent:
            missing.append(f"{sorted(absent)} {rule.rule}")
    assert not missing, "Declare these with declare (leye_events/api/schema.py): " + "; ".join(missing)


def test_api_md_endpoints_are_all_described(document):
    """What API.md promises, whether or not it is built yet."""
    expected = [
        ("post", "/auth/token"), ("post", "/seekers"), ("get", "/me"), ("get", "/stations"), ("get", "/events"),
        ("post", "/events"), ("get", "/events/{}"), ("patch", "/events/{}"), ("post", "/events/{}/cancel"),
        ("post", "/events/{}/registrations"), ("get", "/me/registrations"), ("post", "/registrations/{}/cancel"),
        ("post", "/checkins"), ("post", "/checkins/batch"), ("get", "/events/{}/roster"),
        ("get", "/events/{}/attendance"), ("get", "/seekers/{}/case"), ("get", "/openapi.json"),
    ]
    paths = {normalized(p): item for p, item in document["paths"].items()}
    for method, path in expected:
        assert method in paths.get(path, {}), (method, path)


def _walk(node, where=""):
    if isinstance(node, dict):
        yield where, node
        for key, value in node.items():
            yield from _walk(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, f"{where}/{index}")


def _resolve(document, ref: str, where: str = ""):
    assert ref.startswith("#/"), (where, ref)
    node = document
    for part in ref[2:].split("/"):
        assert isinstance(node, dict) and part in node, f"unresolved $ref {ref} at {where}"
        node = node[part]
    return node


def test_document_structure(document):
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] and document["info"]["version"]
    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        **document["components"]["securitySchemes"]["bearerAuth"], "type": "http", "scheme": "bearer"}
    error = document["components"]["schemas"]["Error"]["properties"]["error"]
    error = _resolve(document, error["$ref"]) if "$ref" in error else error
    assert error["required"] == ["code", "message"]
    operation_ids = []
    for path, item in document["paths"].items():
        assert path.startswith("/") and not path.startswith(PREFIX), path
        declared_in_path = set(re.findall(r"\{([^}]+)\}", path))
        for method, operation in item.items():
            assert method in HTTP_METHODS, (path, method)
            operation_ids.append(operation["operationId"])
            assert operation["responses"], (path, method)
            for status, response in operation["responses"].items():
                assert re.fullmatch(r"[1-5]\d\d|default", status), (path, method, status)
                if "$ref" not in response:
                    assert response["description"], (path, method, status)
            parameters = operation.get("parameters", [])
            path_parameters = {p["name"] for p in parameters if p["in"] == "path"}
            assert path_parameters == declared_in_path, (path, method)
            for parameter in parameters:
                assert parameter["in"] in {"path", "query", "header", "cookie"}
                assert "schema" in parameter
                if parameter["in"] == "path":
                    assert parameter["required"] is True
            for requirement in operation.get("security", []):
                assert set(requirement) <= set(document["components"]["securitySchemes"])
            if method in {"post", "patch", "put"} and "requestBody" in operation:
                content = operation["requestBody"]["content"]  # uploads (API.md) are multipart
                assert "application/json" in content or "multipart/form-data" in content
            # Every operation that can fail says so with the error schema.
            for status, response in operation["responses"].items():
                if status.startswith("4"):
                    resolved = _resolve(document, response["$ref"]) if "$ref" in response else response
                    assert resolved["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    assert len(operation_ids) == len(set(operation_ids)), "operationIds must be unique"
    for where, node in _walk(document):
        if "$ref" in node:
            _resolve(document, node["$ref"], where)


def test_document_is_plain_data_and_fresh(app):
    with app.app_context():
        first = openapi_document()
        first["paths"].clear()
        assert openapi_document()["paths"], "callers must not be able to damage the shared description"


def test_optional_validator(document):
    """Where openapi-spec-validator is installed, it must accept the document too."""
    validator = pytest.importorskip("openapi_spec_validator")
    validator.validate(document)
