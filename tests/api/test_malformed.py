"""Malformed requests to every endpoint: always a JSON error with a 4xx status, never a 500 or HTML."""
import json
import re

import pytest

from leye_events.accounts.models import Role

from ..factories import make_event, make_station, make_user

BODY_ENDPOINTS = [
    ("POST", "/auth/token", None),
    ("POST", "/seekers", None),
    ("POST", "/events", "admin"),
    ("PATCH", "/events/{event_id}", "admin"),
    ("POST", "/events/{event_id}/cancel", "admin"),
]

MALFORMED = {
    "not_json": b"login=a&password=b",
    "truncated": b'{"login": "a"',
    "array": b'["login", "password"]',
    "string": b'"hello"',
    "number": b"42",
    "null": b"null",
    "nan": b'{"capacity": NaN}',
    "infinity": b'{"capacity": Infinity}',
    "bad_utf8": b'{"title": "\xff\xfe"}',
    "lone_surrogate": b'{"title": "\\ud800", "login": "\\ud800", "name": "\\ud800", "reason": "\\ud800"}',
    "nul_char": b'{"title": "a\\u0000b", "login": "a\\u0000b", "name": "a\\u0000b", "reason": "a\\u0000b"}',
    "deep": b"[" * 100_000 + b"]" * 100_000,
    "deep_object": b'{"a":' * 100 + b"1" + b"}" * 100,
}


@pytest.fixture
def target(api):
    station = make_station()
    event = make_event(station)
    admin = make_user(Role.ADMIN)
    return {"event_id": event.id, "clients": {None: api, "admin": api.as_(admin)}}


def assert_json_error(response, statuses=(400,)):
    assert response.status_code in statuses, (response.status_code, response.get_data(as_text=True)[:300])
    assert response.mimetype == "application/json"
    error = response.get_json()["error"]
    assert error["code"] and error["message"]


@pytest.mark.parametrize("method, path, who", BODY_ENDPOINTS)
@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_bodies_are_400(target, method, path, who, name):
    client = target["clients"][who]
    response = client.request(method, path.format(event_id=target["event_id"]), data=MALFORMED[name],
                              headers={"Content-Type": "application/json"})
    assert_json_error(response)


@pytest.mark.parametrize("method, path, who", [e for e in BODY_ENDPOINTS if not e[1].endswith("/cancel")])
@pytest.mark.parametrize("content_type", ["application/json", "text/plain", None])
def test_empty_body_is_400(target, method, path, who, content_type):
    client = target["clients"][who]
    headers = {"Content-Type": content_type} if content_type else {}
    response = client.request(method, path.format(event_id=target["event_id"]), data=b"", headers=headers)
    assert_json_error(response)


@pytest.mark.parametrize("method, path, who", BODY_ENDPOINTS)
def test_json_without_content_type_is_accepted(target, method, path, who):
    """Scripts forget the header; the body is read as JSON anyway (and here found wanting, not crashed on)."""
    client = target["clients"][who]
    response = client.request(method, path.format(event_id=target["event_id"]), data=b'{"unexpected": 1}')
    assert response.status_code in (200, 400, 422)
    assert response.mimetype == "application/json"


@pytest.mark.parametrize("method, path, who", BODY_ENDPOINTS)
@pytest.mark.parametrize(
    "field_value",
    [10**400, -(10**400), 1e308, "x" * 100_000, [], {}, True, None, [{"a": [1, 2, {"b": None}]}]],
    ids=["huge_int", "huge_negative", "huge_float", "long_string", "list", "object", "bool", "null", "nested"],
)
def test_odd_values_in_every_field_never_500(target, method, path, who, field_value):
    client = target["clients"][who]
    fields = ["login", "password", "name", "phone", "email", "category", "graduation_year", "station", "consent",
              "title", "kind", "capacity", "venue", "description", "registration_opens", "registration_closes",
              "sessions", "status", "waitlist_enabled", "eligible_categories", "eligible_school",
              "eligible_graduation_year_min", "eligible_graduation_year_max", "reason"]
    for field in fields:
        response = client.request(method, path.format(event_id=target["event_id"]),
                                  data=json.dumps({field: field_value}),
                                  headers={"Content-Type": "application/json"})
        assert response.status_code < 500, (field, response.get_data(as_text=True)[:300])
        assert response.mimetype == "application/json"


@pytest.mark.parametrize(
    "path",
    ["/api/v1/nothing-here", "/api/v1/events/abc", "/api/v1/events/1/nothing", "/api/v1/stations/x/y"],
)
def test_unknown_api_urls_are_json_404(client, path):
    assert_json_error(client.get(path), statuses=(404,))


@pytest.mark.parametrize(
    "method, path",
    [("DELETE", "/api/v1/events"), ("PUT", "/api/v1/me"), ("GET", "/api/v1/auth/token"), ("POST", "/api/v1/stations")],
)
def test_wrong_methods_are_json_405(client, method, path):
    response = client.open(path, method=method)
    assert_json_error(response, statuses=(405,))
    assert response.headers.get("Allow")


@pytest.mark.parametrize("path", ["/events/{event_id}", "/events/{event_id}/cancel"])
@pytest.mark.parametrize("event_id", ["0", "424242", "99999999999999999999", "2147483648"])
def test_nonexistent_ids(target, path, event_id):
    client = target["clients"]["admin"]
    for method in ("GET", "PATCH", "POST"):
        response = client.request(method, "/api" + "/v1" + path.format(event_id=event_id), json={"title": "x"})
        assert response.status_code in (404, 405), response.get_data(as_text=True)[:200]
        assert response.mimetype == "application/json"


# --- every rule under /api/v1, including ones added later --------------------------------------

def _api_rules(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield rule, method


def _url(rule, value) -> str:
    return re.sub(r"<(?:int:)?[^>]+>", str(value), rule.rule)


@pytest.mark.parametrize("role", [None, Role.SEEKER, Role.DOOR, Role.ORGANIZER, Role.ADMIN])
def test_every_api_rule_survives_bad_input(app, api, role):
    station = make_station()
    event = make_event(station)
    client = api.as_(make_user(role, station if role not in (None, Role.SEEKER, Role.ADMIN) else None)) if role else api
    bodies = [b"not json", b"[1, 2]", b'{"code": 12, "event_id": "x", "scans": "x", "reason": 5}', b"",
              b'{"event_id": 99999999999999999999, "session_id": -1, "scanned_at": "yesterday"}']
    failures = []
    for rule, method in _api_rules(app):
        for value in (event.id, 0, 99999999999999999999, 2**31):
            for data in bodies if method in {"POST", "PATCH", "PUT"} else [None]:
                url = _url(rule, value) + ("?format=nope&page=x&unmask=1" if method == "GET" else "")
                response = client.request(method, url, data=data, headers={"Content-Type": "application/json"})
                is_error = response.status_code >= 400
                if response.status_code >= 500 or (is_error and response.mimetype != "application/json"):
                    failures.append(f"{method} {url} {data!r}: {response.status_code}")
    assert not failures, failures[:10]
