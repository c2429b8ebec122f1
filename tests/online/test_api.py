"""The API: mode and addresses on events, attend on registrations, the switch endpoint."""
import pytest

from leye_events.accounts.models import Role
from leye_events.booking.models import Registration
from leye_events.extensions import db

from ..factories import make_event, make_station, make_user
from .helpers import LIVE_ROOM, hybrid_event, online_event


def event_body(station, **change):
    body = {"title": "B站直播：岗位推介", "kind": "salon", "station": station.slug, "status": "published",
            "sessions": [{"starts_at": "2030-12-03T14:00:00+08:00", "ends_at": "2030-12-03T16:00:00+08:00"}]}
    body.update(change)
    return body


@pytest.fixture
def organizer():
    return make_user(Role.ORGANIZER, station=make_station())


def test_an_online_event_needs_no_capacity(api, organizer):
    response = api.as_(organizer).post("/events", event_body(organizer.station, mode="online", online_url=LIVE_ROOM))
    assert response.status_code == 201, response.get_json()
    answer = response.get_json()
    assert answer["mode"] == "online" and answer["capacity"] is None and answer["seats_left"] is None
    assert answer["online_url"] == LIVE_ROOM  # the organizer sees it


@pytest.mark.parametrize("change, status, field", [
    ({"mode": "hybrid"}, 400, "capacity"),                      # hybrid keeps an onsite capacity
    ({"capacity": None}, 400, "capacity"),                      # onsite: as before
    ({"capacity": 10, "mode": "radio"}, 422, "mode"),
    ({"capacity": 10, "mode": "online", "online_url": "javascript:alert(1)"}, 422, "online_url"),
    ({"capacity": 10, "mode": "online", "online_url": "https://x.cn/" + "a" * 500}, 422, "online_url"),
    ({"capacity": 10, "mode": "online", "replay_url": 5}, 400, "replay_url"),
    ({"capacity": 10, "sessions": [{"starts_at": "2030-12-03T14:00:00+08:00",
                                    "ends_at": "2030-12-03T16:00:00+08:00", "mode": "tv"}]}, 422, "sessions"),
])
def test_bad_mode_fields_are_clear_errors(api, organizer, change, status, field):
    response = api.as_(organizer).post("/events", event_body(organizer.station, **change))
    assert response.status_code == status, response.get_json()
    assert response.get_json()["error"]["field"].startswith(field)


def test_a_workshop_module_may_be_online(api, organizer):
    sessions = [{"starts_at": "2030-12-03T14:00:00+08:00", "ends_at": "2030-12-03T16:00:00+08:00"},
                {"starts_at": "2030-12-04T14:00:00+08:00", "ends_at": "2030-12-04T16:00:00+08:00", "mode": "online"}]
    response = api.as_(organizer).post("/events", event_body(organizer.station, kind="workshop", capacity=30,
                                                             sessions=sessions))
    assert response.status_code == 201, response.get_json()
    assert [s["mode"] for s in response.get_json()["sessions"]] == ["onsite", "online"]


def test_patch_sets_the_live_room_and_the_replay(api, organizer):
    event = make_event(organizer.station, capacity=20)
    response = api.as_(organizer).patch(f"/events/{event.id}", {"mode": "hybrid", "online_url": LIVE_ROOM,
                                                                "replay_url": ""})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["mode"] == "hybrid" and response.get_json()["replay_url"] is None


def test_register_online_at_a_hybrid_event_even_when_seats_are_gone(api):
    event = hybrid_event(capacity=0)
    seeker = make_user(Role.SEEKER)
    response = api.as_(seeker).post(f"/events/{event.id}/registrations", {"attend": "online"})
    assert response.status_code == 201, response.get_json()
    answer = response.get_json()
    assert answer["status"] == "confirmed" and answer["attend"] == "online" and answer["join_url"]


@pytest.mark.parametrize("body, status, code", [({"attend": "online"}, 422, "invalid_attend"),
                                                ({"attend": 1}, 400, "invalid_field")])
def test_an_onsite_event_refuses_online_attendance(api, body, status, code):
    event = make_event()
    response = api.as_(make_user(Role.SEEKER)).post(f"/events/{event.id}/registrations", body)
    assert response.status_code == status and response.get_json()["error"]["code"] == code


def test_register_without_a_body_still_works(api):
    event = online_event()
    response = api.as_(make_user(Role.SEEKER)).post(f"/events/{event.id}/registrations")
    assert response.status_code == 201 and response.get_json()["attend"] == "online"


def test_switch_endpoint(api):
    event = hybrid_event(capacity=1)
    seeker = make_user(Role.SEEKER)
    client = api.as_(seeker)
    registration_id = client.post(f"/events/{event.id}/registrations", {"attend": "onsite"}).get_json()["id"]
    response = client.post(f"/registrations/{registration_id}/attend", {"attend": "online"})
    assert response.status_code == 200 and response.get_json()["attend"] == "online"
    assert client.post(f"/registrations/{registration_id}/attend", {"attend": "bus"}).status_code == 422
    assert client.post(f"/registrations/{registration_id}/attend", {}).status_code == 400
    assert client.post("/registrations/99999999/attend", {"attend": "online"}).status_code == 404
    other = api.as_(make_user(Role.SEEKER)).post(f"/registrations/{registration_id}/attend", {"attend": "onsite"})
    assert other.status_code == 403 and set(other.get_json()) == {"error"}
    db.session.commit()
    assert db.session.get(Registration, registration_id).attend.value == "online"
