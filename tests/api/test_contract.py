"""API.md as an outside program reads it: exact field names, status codes, URLs that work, JSON errors.

Each test follows one row (or rule) of /work/shared/API.md from a client's point of view.
"""
import json
import logging
from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from leye_events.accounts.models import Role
from leye_events.booking.models import RegistrationStatus
from leye_events.core.timeutil import isoformat_local, utcnow
from leye_events.core.urls import MAX_ID

from ..factories import make_event, make_registration, make_user

TICKET_KEYS = {"code", "url", "qr_svg_url", "qr_png_url"}


def path_of(url: str) -> str:
    """The path and query of an absolute URL the API returned, for the test client."""
    parts = urlsplit(url)
    assert parts.scheme in ("http", "https") and parts.netloc, url
    return parts.path + (f"?{parts.query}" if parts.query else "")


def assert_json_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:300])
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error"}
    error = body["error"]
    assert isinstance(error["code"], str) and error["code"] == error["code"].lower()
    assert isinstance(error["message"], str) and error["message"]
    if code is not None:
        assert error["code"] == code
    return error


@pytest.fixture
def open_event(station):
    """A published event with two seats, its first session starting in half an hour (door open)."""
    return make_event(station, capacity=2, sessions=2, starts_in=timedelta(minutes=30))


def test_registration_201_shape_and_ticket_urls_work(api, client, open_event):
    seeker = make_user(Role.SEEKER)
    response = api.as_(seeker).post(f"/events/{open_event.id}/registrations")
    assert response.status_code == 201
    body = response.get_json()
    assert {"id", "status", "waitlist_position", "ticket"} <= set(body)
    assert body["status"] == "confirmed" and body["waitlist_position"] is None
    ticket = body["ticket"]
    assert set(ticket) == TICKET_KEYS
    # Every URL the API returns works with the same bearer token, or needs none.
    token_header = {"Authorization": f"Bearer {api.as_(seeker).token}"}
    for key, mimetype in (("url", "text/html"), ("qr_svg_url", "image/svg+xml"), ("qr_png_url", "image/png")):
        for headers in ({}, token_header):
            page = client.get(path_of(ticket[key]), headers=headers)
            assert page.status_code == 200, (key, page.status_code)
            assert page.mimetype == mimetype


def test_waitlist_position_and_event_counts(api, station):
    event = make_event(station, capacity=1)
    first, second, third = (api.as_(make_user(Role.SEEKER)) for _ in range(3))
    assert first.post(f"/events/{event.id}/registrations").get_json()["status"] == "confirmed"
    waiting = [c.post(f"/events/{event.id}/registrations").get_json() for c in (second, third)]
    assert [(w["status"], w["waitlist_position"]) for w in waiting] == [("waitlisted", 1), ("waitlisted", 2)]
    assert all(set(w["ticket"]) == TICKET_KEYS for w in waiting)

    detail = api.get(f"/events/{event.id}").get_json()
    assert {k: detail[k] for k in ("capacity", "confirmed_count", "seats_left", "waitlist_count")} == {
        "capacity": 1, "confirmed_count": 1, "seats_left": 0, "waitlist_count": 2}
    assert isinstance(detail["sessions"], list) and detail["sessions"]

    # Cancelling the confirmed one moves the first waitlisted seeker up at once.
    registration_id = first.get("/me/registrations").get_json()["registrations"][0]["id"]
    assert first.post(f"/registrations/{registration_id}/cancel").status_code == 200
    moved = second.get("/me/registrations").get_json()["registrations"][0]
    assert moved["status"] == "confirmed" and set(moved["ticket"]) == TICKET_KEYS


def test_registration_rule_codes(api, station):
    seeker = api.as_(make_user(Role.SEEKER))
    full = make_event(station, capacity=1, waitlist_enabled=False)
    make_registration(full)
    assert_json_error(seeker.post(f"/events/{full.id}/registrations"), 422, "event_full")
    event = make_event(station)
    assert seeker.post(f"/events/{event.id}/registrations").status_code == 201
    assert_json_error(seeker.post(f"/events/{event.id}/registrations"), 409, "already_registered")


def test_me_has_id_and_absolute_calendar_url(api, client, station):
    seeker = make_user(Role.SEEKER, station, phone="13912345678")
    body = api.as_(seeker).get("/me").get_json()
    assert body["id"] == seeker.id and body["role"] == "seeker" and body["name"] == seeker.name
    assert body["phone"] == "139****5678"
    feed = client.get(path_of(body["calendar_url"]))  # a feed with a secret token: no login
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    # The same id is the one /seekers/{id}/case takes.
    counselor = make_user(Role.COUNSELOR, station)
    assert api.as_(counselor).get(f"/seekers/{body['id']}/case").status_code == 200


def test_checkin_takes_the_whole_ticket_url_and_reports_the_first_scan(api, open_event, cast):
    registration = make_registration(open_event, make_user(Role.SEEKER, phone="13900001111"))
    ticket_url = api.as_(registration.seeker).get("/me/registrations").get_json()["registrations"][0]["ticket"]["url"]
    door = api.as_(cast["door"])
    first = door.post("/checkins", {"code": ticket_url, "event_id": open_event.id, "gate": "东门"})
    assert first.status_code == 200
    body = first.get_json()
    assert body["result"] == "ok"
    assert body["attendee"]["name"] and "phone" not in body["attendee"]  # a masked name, nothing more

    again = door.post("/checkins", {"code": f"  {ticket_url}  ", "event_id": open_event.id, "gate": "西门"})
    body = again.get_json()
    assert again.status_code == 200 and body["result"] == "already_checked_in"
    assert body["first_gate"] == "东门" and body["first_checked_in_at"].endswith("+08:00")

    unknown = door.post("/checkins", {"code": "no-such-ticket-code", "event_id": open_event.id}).get_json()
    assert unknown["result"] == "unknown_code"


def test_batch_answers_in_order_and_never_counts_a_nonce_twice(api, open_event, cast):
    registration = make_registration(open_event)
    scanned_at = isoformat_local(utcnow() - timedelta(minutes=5))  # offline a little while ago
    scan = {"code": registration.ticket_code, "event_id": open_event.id, "nonce": "dev1-0001",
            "scanned_at": scanned_at}
    response = api.as_(cast["door"]).post("/checkins/batch", {"scans": [scan, scan, {"code": "x"}]})
    assert response.status_code == 200
    results = response.get_json()["results"]
    assert len(results) == 3
    assert results[0]["result"] == results[1]["result"]
    assert results[1]["replayed"] is True and results[0]["checkin_id"] == results[1]["checkin_id"]
    assert results[2]["error"]["code"] == "missing_field"


@pytest.mark.parametrize("event_id", [MAX_ID + 1, 2**40, 2**64, 10**30, 0, -5])
def test_checkin_with_an_impossible_event_id_is_404_not_500(api, cast, event_id):
    """Regression (schemathesis): an event_id past the database's integer range used to overflow."""
    door = api.as_(cast["door"])
    assert_json_error(door.post("/checkins", {"code": "abcdefghijkl", "event_id": event_id}), 404, "not_found")
    batch = door.post("/checkins/batch", {"scans": [{"code": "abcdefghijkl", "event_id": event_id, "nonce": "n"}]})
    assert batch.status_code == 200
    assert batch.get_json()["results"][0]["error"]["code"] == "not_found"


def test_attendance_json_rows_shape(api, open_event, cast):
    registration = make_registration(open_event)
    api.as_(cast["door"]).post("/checkins", {"code": registration.ticket_code, "event_id": open_event.id})
    response = api.as_(cast["organizer"]).get(f"/events/{open_event.id}/attendance?format=json")
    assert response.status_code == 200
    body = response.get_json()
    assert body["event"]["id"] == open_event.id
    (row,) = body["rows"]
    assert {"registration_id", "name", "phone", "status", "walk_in", "sessions"} <= set(row)
    assert row["registration_id"] == registration.id and row["status"] == "confirmed" and row["walk_in"] is False
    first, second = row["sessions"]
    assert set(first) == {"session_id", "checked_in_at"}
    assert first["session_id"] == open_event.sessions[0].id and first["checked_in_at"].endswith("+08:00")
    assert second == {"session_id": open_event.sessions[1].id, "checked_in_at": None}


def test_attendance_xlsx_survives_control_characters(api, station, cast):
    """Regression (schemathesis): a session title with a control character made openpyxl refuse the sheet."""
    event = make_event(station)
    event.sessions[0].title = "上午\x1c场"
    event.title = "沙龙\x07"
    make_registration(event, make_user(Role.SEEKER, name="张\x0b三"))
    for fmt in ("xlsx", "csv", "json"):
        response = api.as_(cast["organizer"]).get(f"/events/{event.id}/attendance?format={fmt}")
        content = response.get_data()  # read the streamed body to its end
        response.close()
        assert response.status_code == 200, (fmt, content[:200])


def test_events_list_next_link_works(api, station):
    for _ in range(3):
        make_event(station)
    body = api.get("/events?per_page=2").get_json()
    assert body["total"] == 3 and len(body["events"]) == 2
    following = api.get(path_of(body["next"])).get_json()
    assert len(following["events"]) == 1 and following["next"] is None


def test_create_event_location_header_works(api, station, cast):
    body = {"title": "简历门诊", "kind": "salon", "station": station.slug, "capacity": 20,
            "sessions": [{"title": "", "starts_at": "2030-03-01T14:00:00+08:00", "ends_at": "2030-03-01T16:00:00+08:00"}]}
    organizer = api.as_(cast["organizer"])
    response = organizer.post("/events", body)
    assert response.status_code == 201
    created = response.get_json()
    assert created["status"] == "draft"
    assert organizer.get(path_of(response.headers["Location"])).get_json()["id"] == created["id"]


@pytest.mark.parametrize("path", ["/api/v1/nope", "/api/v1", "/api/v1/", "/api/v1/events/abc", "/api/v2/events",
                                  "/api/v1/events/99999999999999999999/roster"])
def test_unknown_api_urls_are_json_404_in_chinese(client, path):
    error = assert_json_error(client.get(path), 404)
    assert "not found" not in error["message"].lower()


def test_wrong_method_is_json_405_with_allow(client):
    response = client.delete("/api/v1/events/1")
    assert_json_error(response, 405, "method_not_allowed")
    assert "GET" in response.headers["Allow"]


def test_too_big_body_is_json_413(client, app):
    limit = app.config["MAX_CONTENT_LENGTH"]
    response = client.post("/api/v1/auth/token", data=b"x" * (limit + 1), content_type="application/json")
    assert_json_error(response, 413, "payload_too_large")


@pytest.mark.parametrize("content_type, data", [
    ("application/x-www-form-urlencoded", "code=abc&event_id=1"),
    ("multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"code\"\r\n\r\nabc\r\n--x--\r\n"),
    ("application/xml", "<scan><code>abc</code></scan>"),
    ("application/json", ""),
])
def test_bodies_that_are_not_json_objects_are_json_400(api, cast, content_type, data):
    response = api.as_(cast["door"]).post("/checkins", data=data, headers={"Content-Type": content_type})
    assert_json_error(response, 400, "invalid_json")


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic YTpi"}])
def test_missing_or_bad_token_is_json_401_in_chinese(client, headers):
    response = client.get("/api/v1/me", headers=headers)
    error = assert_json_error(response, 401, "unauthorized")
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert "token is required" not in error["message"]


def test_wrong_role_is_json_403(api, open_event):
    seeker = api.as_(make_user(Role.SEEKER))
    error = assert_json_error(seeker.post("/checkins", {"code": "x", "event_id": open_event.id}), 403, "forbidden")
    assert "may not" not in error["message"]


def test_an_unexpected_error_is_json_500_and_logged(app, client, caplog, monkeypatch):
    def broken():
        raise RuntimeError("boom")

    monkeypatch.setitem(app.view_functions, "api.health", broken)
    with caplog.at_level(logging.ERROR):
        response = client.get("/api/v1/health")
    assert_json_error(response, 500, "internal_error")
    assert any(record.exc_info and "boom" in str(record.exc_info[1]) for record in caplog.records)


def test_cancelled_registration_scans_as_cancelled(api, open_event, cast):
    registration = make_registration(open_event, status=RegistrationStatus.CANCELLED)
    body = api.as_(cast["door"]).post("/checkins", {"code": registration.ticket_code, "event_id": open_event.id})
    assert body.get_json()["result"] == "cancelled"


def test_cli_tokens_create_prints_only_a_working_token(app, client, station):
    user = make_user(Role.DOOR, station, email="door.cli@example.org")
    result = app.test_cli_runner().invoke(args=["tokens", "create", "--email", user.email])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 1 and " " not in lines[0]
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {lines[0]}"})
    assert me.status_code == 200 and me.get_json()["id"] == user.id


def test_openapi_document_is_json(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert json.loads(response.data)["openapi"].startswith("3.")


# --- the OpenAPI document describes what the endpoints really answer -------------------------------

def _validator(document: dict, path: str, method: str, status: int):
    jsonschema = pytest.importorskip("jsonschema")
    response_doc = document["paths"][path][method]["responses"][str(status)]
    if "$ref" in response_doc:
        response_doc = document["components"]["responses"][response_doc["$ref"].rsplit("/", 1)[1]]
    schema = response_doc["content"]["application/json"]["schema"]
    return jsonschema.Draft202012Validator({**schema, "components": document["components"]},
                                           format_checker=jsonschema.FormatChecker())


def test_responses_match_the_openapi_document(api, client, open_event, cast, station):
    document = client.get("/api/v1/openapi.json").get_json()
    seeker = make_user(Role.SEEKER, station, phone="13900002222")
    as_seeker, door, organizer = api.as_(seeker), api.as_(cast["door"]), api.as_(cast["organizer"])
    registration = as_seeker.post(f"/events/{open_event.id}/registrations")
    code = registration.get_json()["ticket"]["code"]
    checks = [
        ("/stations", "get", api.get("/stations")),
        ("/events", "get", api.get("/events")),
        ("/events/{event_id}", "get", api.get(f"/events/{open_event.id}")),
        ("/events/{event_id}/registrations", "post", registration),
        ("/events/{event_id}/registrations", "post", as_seeker.post(f"/events/{open_event.id}/registrations")),
        ("/me", "get", as_seeker.get("/me")),
        ("/me", "get", door.get("/me")),
        ("/me/registrations", "get", as_seeker.get("/me/registrations")),
        ("/checkins", "post", door.post("/checkins", {"code": code, "event_id": open_event.id})),
        ("/checkins", "post", door.post("/checkins", {"code": code, "event_id": open_event.id})),
        ("/checkins", "post", door.post("/checkins", {"code": "unknown-code-1", "event_id": open_event.id})),
        ("/checkins/batch", "post", door.post("/checkins/batch", {"scans": [
            {"code": code, "event_id": open_event.id, "nonce": "a1"}, {"code": code, "event_id": open_event.id}]})),
        ("/events/{event_id}/roster", "get", door.get(f"/events/{open_event.id}/roster")),
        ("/events/{event_id}/attendance", "get", organizer.get(f"/events/{open_event.id}/attendance")),
        ("/seekers/{seeker_id}/case", "get", organizer.get(f"/seekers/{seeker.id}/case")),
        ("/figures", "get", organizer.get("/figures")),
        ("/checkins", "post", api.post("/checkins", {"code": code, "event_id": open_event.id})),
        ("/events/{event_id}", "get", api.get("/events/999999")),
    ]
    for path, method, response in checks:
        body = json.loads(response.get_data())
        errors = sorted(_validator(document, path, method, response.status_code).iter_errors(body), key=str)
        assert not errors, (method, path, response.status_code, [e.message for e in errors][:3])


@pytest.mark.parametrize("field, value", [
    ("registration_opens", "0028-12-28T16:33:52+08:00"),
    ("registration_closes", "4935-04-23T19:27:06+08:00"),
])
def test_absurd_years_in_event_times_are_422(api, station, cast, field, value):
    """Regression (schemathesis): year 28 was stored, and answered with Shanghai's 1900 offset +08:05:43."""
    event = make_event(station)
    response = api.as_(cast["organizer"]).patch(f"/events/{event.id}", {field: value})
    assert assert_json_error(response, 422, "invalid_field")["field"] == field


def test_absurd_session_year_points_at_the_session(api, station, cast):
    body = {"title": "讲座", "kind": "lecture", "capacity": 5,
            "sessions": [{"starts_at": "1161-12-23T05:34:08+08:00", "ends_at": "2030-01-01T10:00:00+08:00"}]}
    response = api.as_(cast["organizer"]).post("/events", body)
    assert assert_json_error(response, 422, "invalid_field")["field"] == "sessions[0].starts_at"
