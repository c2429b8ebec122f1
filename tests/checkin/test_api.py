"""The check-in endpoints of the JSON API: /checkins, /checkins/batch, roster, undo."""
from datetime import timedelta

from leye_events.accounts.models import Role
from leye_events.booking.models import RegistrationStatus
from leye_events.checkin.models import CheckIn
from leye_events.checkin.services import code_hash
from leye_events.core.timeutil import utcnow
from leye_events.extensions import db

from ..factories import auth_header, make_station, make_token, make_user
from .helpers import door_staff, open_event, ticket


def post_scan(client, staff, **body):
    return client.post("/api/v1/checkins", json=body, headers=auth_header(make_token(staff)))


def test_scan_answers_with_result_and_masked_attendee(client):
    event = open_event()
    registration = ticket(event, seeker=make_user(name="王小明", phone="13812345678"))
    staff = door_staff(event)
    body = post_scan(client, staff, code=registration.ticket_code, event_id=event.id, gate="东门").get_json()
    assert body["result"] == "ok" and body["checked_in_at"].endswith("+08:00")
    assert body["attendee"] == {"name": "王**", "walk_in": False}  # no phone, no category at the door
    again = post_scan(client, staff, code=f"http://x/tickets/{registration.ticket_code}", event_id=event.id,
                      gate="西门").get_json()
    assert again["result"] == "already_checked_in"
    assert again["first_gate"] == "东门" and again["first_checked_in_at"] == body["checked_in_at"]


def test_every_refusal_is_200_with_its_result(client):
    event = open_event()
    staff = door_staff(event)
    cancelled = ticket(event, status=RegistrationStatus.CANCELLED)
    cases = {
        "unknown_code": "not-a-real-code-at-all",
        "cancelled": cancelled.ticket_code,
        "waitlisted": ticket(event, status=RegistrationStatus.WAITLISTED, waitlist_position=1).ticket_code,
        "wrong_event": ticket(open_event(station=event.station)).ticket_code,
    }
    for expected, code in cases.items():
        response = post_scan(client, staff, code=code, event_id=event.id)
        assert response.status_code == 200 and response.get_json()["result"] == expected


def test_bad_bodies_are_400_and_rules_are_4xx(client):
    event = open_event()
    staff = door_staff(event)
    token = make_token(staff)
    for body in ("not json", "[]", '{"event_id": 1}', '{"code": 5, "event_id": 1}',
                 '{"code": "abc", "event_id": "1"}', '{"code": "abc", "event_id": 1, "scanned_at": "yesterday"}'):
        response = client.post("/api/v1/checkins", data=body, headers=auth_header(token),
                                content_type="application/json")
        assert response.status_code == 400, body
        assert "error" in response.get_json()
    assert post_scan(client, staff, code="abc", event_id=999999).status_code == 404
    other_session = open_event(station=event.station).sessions[0].id
    response = post_scan(client, staff, code="abc", event_id=event.id, session_id=other_session)
    assert response.status_code == 422 and response.get_json()["error"]["code"] == "unknown_session"


def test_roles(client):
    event = open_event()
    code = ticket(event).ticket_code
    assert client.post("/api/v1/checkins", json={"code": code, "event_id": event.id}).status_code == 401
    assert post_scan(client, make_user(Role.SEEKER), code=code, event_id=event.id).status_code == 403
    other_door = make_user(Role.DOOR, station=make_station())
    assert post_scan(client, other_door, code=code, event_id=event.id).status_code == 403
    assert client.get(f"/api/v1/events/{event.id}/roster",
                      headers=auth_header(make_token(other_door))).status_code == 403
    assert db.session.execute(db.select(db.func.count()).select_from(CheckIn)).scalar_one() == 0


def test_batch_upload_is_idempotent_and_keeps_order(client):
    event = open_event()
    staff = door_staff(event)
    first, second = ticket(event), ticket(event)
    when = (utcnow() - timedelta(minutes=5)).isoformat()
    scans = [
        {"code": first.ticket_code, "event_id": event.id, "nonce": "a", "scanned_at": when, "gate": "B"},
        {"code": second.ticket_code, "event_id": event.id, "nonce": "b", "scanned_at": when},
        {"code": first.ticket_code, "event_id": event.id, "nonce": "c", "scanned_at": when},
        {"code": "bad", "event_id": "not a number", "nonce": "d"},
        {"code": second.ticket_code, "event_id": event.id},
    ]
    headers = auth_header(make_token(staff))
    results = client.post("/api/v1/checkins/batch", json={"scans": scans}, headers=headers).get_json()["results"]
    assert [r.get("result") for r in results] == ["ok", "ok", "already_checked_in", None, None]
    assert results[3]["error"]["code"] == "invalid_field" and results[4]["error"]["code"] == "missing_field"
    again = client.post("/api/v1/checkins/batch", json={"scans": scans[:3]}, headers=headers).get_json()["results"]
    assert [r["result"] for r in again] == ["ok", "ok", "already_checked_in"]
    assert all(r["replayed"] for r in again)
    assert db.session.execute(db.select(db.func.count()).select_from(CheckIn)).scalar_one() == 3
    assert client.post("/api/v1/checkins/batch", json={"scans": "x"}, headers=headers).status_code == 400
    assert client.post("/api/v1/checkins/batch", json={}, headers=headers).status_code == 400


def test_roster_holds_hashes_not_codes_or_phones(client):
    event = open_event()
    registration = ticket(event, seeker=make_user(name="陈静", phone="13711112222"))
    staff = door_staff(event)
    post_scan(client, staff, code=registration.ticket_code, event_id=event.id)
    response = client.get(f"/api/v1/events/{event.id}/roster", headers=auth_header(make_token(staff)))
    text = response.get_data(as_text=True)
    assert registration.ticket_code not in text and "13711112222" not in text and "137****" not in text
    [entry] = response.get_json()["entries"]
    assert entry["code_hash"] == code_hash(registration.ticket_code)
    assert entry["name"] == "陈*" and entry["status"] == "confirmed"
    assert list(entry["checked_in"]) == [str(event.sessions[0].id)]


def test_undo(client):
    event = open_event()
    registration = ticket(event)
    staff = door_staff(event)
    headers = auth_header(make_token(staff))
    checkin_id = post_scan(client, staff, code=registration.ticket_code, event_id=event.id).get_json()["checkin_id"]
    assert client.post(f"/api/v1/checkins/{checkin_id}/undo", json={"reason": "误扫"}, headers=headers).status_code == 200
    assert client.post(f"/api/v1/checkins/{checkin_id}/undo", headers=headers).status_code == 422
    assert client.post("/api/v1/checkins/99999/undo", headers=headers).status_code == 404
    assert post_scan(client, staff, code=registration.ticket_code, event_id=event.id).get_json()["result"] == "ok"
