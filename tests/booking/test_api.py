"""The registration endpoints of the JSON API (API.md)."""
from datetime import timedelta

import pytest

from leye_events.accounts.models import Role, SeekerCategory
from leye_events.booking.models import Registration, RegistrationStatus
from leye_events.core.timeutil import utcnow
from leye_events.events.models import EventStatus
from leye_events.extensions import db

from ..factories import auth_header, make_event, make_registration, make_station, make_token, make_user


def post_registration(client, event_id, user):
    return client.post(f"/api/v1/events/{event_id}/registrations", headers=auth_header(make_token(user)))


def test_register_returns_ticket_links(client):
    event = make_event(capacity=1)
    response = post_registration(client, event.id, make_user())
    assert response.status_code == 201
    body = response.get_json()
    assert body["status"] == "confirmed" and body["waitlist_position"] is None
    ticket = body["ticket"]
    assert set(ticket) == {"code", "url", "qr_svg_url", "qr_png_url"}
    assert ticket["url"].startswith("http") and ticket["code"] in ticket["url"]
    assert client.get(ticket["qr_png_url"]).data.startswith(b"\x89PNG")
    waitlisted = post_registration(client, event.id, make_user()).get_json()
    assert (waitlisted["status"], waitlisted["waitlist_position"]) == ("waitlisted", 1)


@pytest.mark.parametrize(
    "event_kwargs, seeker_kwargs, status, code",
    [
        ({"capacity": 0, "waitlist_enabled": False}, {}, 422, "event_full"),
        ({"registration_closes": timedelta(hours=-1)}, {}, 422, "registration_closed"),
        ({"eligible_school": "复旦大学"}, {"school": "同济大学"}, 422, "not_eligible"),
        ({"eligible_categories": ["student"]}, {"category": SeekerCategory.OTHER}, 422, "not_eligible"),
        ({"status": EventStatus.CANCELLED}, {}, 422, "event_cancelled"),
    ],
)
def test_rule_codes(client, event_kwargs, seeker_kwargs, status, code):
    if "registration_closes" in event_kwargs:
        event_kwargs["registration_closes"] = utcnow() + event_kwargs["registration_closes"]
    event = make_event(**event_kwargs)
    response = post_registration(client, event.id, make_user(**seeker_kwargs))
    assert response.status_code == status
    error = response.get_json()["error"]
    assert error["code"] == code and error["message"]


def test_already_registered_is_409(client):
    event = make_event()
    seeker = make_user()
    make_registration(event, seeker)
    response = post_registration(client, event.id, seeker)
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "already_registered"


def test_auth_and_roles(client):
    event = make_event()
    assert client.post(f"/api/v1/events/{event.id}/registrations").status_code == 401
    bad = client.post(f"/api/v1/events/{event.id}/registrations", headers=auth_header("nope"))
    assert bad.status_code == 401 and bad.get_json()["error"]["code"] == "unauthorized"
    for role in (Role.DOOR, Role.ORGANIZER):
        assert post_registration(client, event.id, make_user(role, station=event.station)).status_code == 403
    assert post_registration(client, 987654, make_user()).status_code == 404


def test_my_registrations(client):
    seeker = make_user()
    make_registration(make_event(title="甲"), seeker)
    make_registration(make_event(title="乙", capacity=0), seeker, status=RegistrationStatus.WAITLISTED, waitlist_position=1)
    make_registration(make_event(title="别人的"))
    body = client.get("/api/v1/me/registrations", headers=auth_header(make_token(seeker))).get_json()
    assert sorted(r["event"]["title"] for r in body["registrations"]) == ["乙", "甲"]
    assert all("code" in r["ticket"] for r in body["registrations"])
    staff = make_user(Role.ORGANIZER, station=make_station())
    assert client.get("/api/v1/me/registrations", headers=auth_header(make_token(staff))).status_code == 403


def test_cancel_promotes_and_is_idempotent_in_error(client):
    event = make_event(capacity=1)
    mine = make_registration(event)
    waiting = make_registration(event, status=RegistrationStatus.WAITLISTED, waitlist_position=1)
    headers = auth_header(make_token(mine.seeker))
    response = client.post(f"/api/v1/registrations/{mine.id}/cancel", headers=headers, json={"reason": "生病"})
    assert response.status_code == 200 and response.get_json()["status"] == "cancelled"
    db.session.commit()
    assert db.session.get(Registration, waiting.id).status == RegistrationStatus.CONFIRMED
    again = client.post(f"/api/v1/registrations/{mine.id}/cancel", headers=headers)
    assert again.status_code == 422 and again.get_json()["error"]["code"] == "already_cancelled"


def test_cancel_permissions(client):
    event = make_event()
    registration = make_registration(event)
    url = f"/api/v1/registrations/{registration.id}/cancel"
    assert client.post(url).status_code == 401
    assert client.post(url, headers=auth_header(make_token(make_user()))).status_code == 403
    other = make_user(Role.ORGANIZER, station=make_station())
    assert client.post(url, headers=auth_header(make_token(other))).status_code == 403
    assert client.post("/api/v1/registrations/424242/cancel", headers=auth_header(make_token(other))).status_code == 404
    organizer = make_user(Role.ORGANIZER, station=event.station)
    response = client.post(url, headers=auth_header(make_token(organizer)), data="not json",
                           content_type="application/json")
    assert response.status_code == 200


def test_event_detail_reflects_seats(client):
    event = make_event(capacity=2)
    make_registration(event)
    make_registration(event, status=RegistrationStatus.WAITLISTED, waitlist_position=1)
    body = client.get(f"/api/v1/events/{event.id}").get_json()
    assert (body["confirmed_count"], body["seats_left"], body["waitlist_count"]) == (1, 1, 1)
