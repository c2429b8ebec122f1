"""The live room's address never appears on a public page, feed or API answer; staff see it."""
from datetime import timedelta

from leye_events.accounts.models import Role
from leye_events.calendars.services import ensure_feed_token
from leye_events.extensions import db

from ..factories import auth_header, make_token, make_user
from .helpers import LIVE_ROOM, REPLAY, hybrid_event, online_ticket


def public_answers(client, event, registration, seeker_token, feed_token):
    station = event.station.slug
    urls = ["/", f"/events/{event.id}", f"/stations/{station}", f"/events/{event.id}.ics",
            f"/stations/{station}/calendar.ics", f"/calendar/{feed_token}.ics",
            f"/tickets/{registration.ticket_code}", "/api/v1/events", f"/api/v1/events/{event.id}",
            f"/api/v1/events?station={station}"]
    answers = {url: client.get(url) for url in urls}
    answers["seeker /api/v1/me/registrations"] = client.get("/api/v1/me/registrations",
                                                           headers=auth_header(seeker_token))
    answers["seeker /api/v1/events/id"] = client.get(f"/api/v1/events/{event.id}", headers=auth_header(seeker_token))
    return answers


def test_the_live_room_is_absent_from_every_public_page_feed_and_api_answer(client):
    event = hybrid_event(starts_in=timedelta(days=1))
    registration = online_ticket(event)
    feed_token = ensure_feed_token(registration.seeker)
    db.session.commit()
    answers = public_answers(client, event, registration, make_token(registration.seeker), feed_token)
    for url, response in answers.items():
        assert response.status_code == 200, url
        body = response.get_data(as_text=True)
        assert LIVE_ROOM not in body and REPLAY not in body, url
    assert event.title in answers[f"/events/{event.id}"].get_data(as_text=True)  # the pages were real
    feed = answers[f"/calendar/{feed_token}.ics"].get_data(as_text=True).replace("\r\n ", "")
    assert f"/join/{registration.ticket_code}" in feed  # the calendar entry carries the join link instead
    me = answers["seeker /api/v1/me/registrations"].get_json()["registrations"][0]
    assert me["attend"] == "online" and me["join_url"].endswith(f"/join/{registration.ticket_code}")


def test_staff_of_the_station_see_the_addresses(client, login):
    event = hybrid_event()
    organizer = make_user(Role.ORGANIZER, station=event.station)
    answer = client.get(f"/api/v1/events/{event.id}", headers=auth_header(make_token(organizer))).get_json()
    assert answer["online_url"] == LIVE_ROOM and answer["replay_url"] == REPLAY
    assert LIVE_ROOM in login(organizer).get(f"/manage/events/{event.id}").get_data(as_text=True)


def test_staff_of_another_station_do_not(client):
    event = hybrid_event()
    other = make_user(Role.ORGANIZER)
    answer = client.get(f"/api/v1/events/{event.id}", headers=auth_header(make_token(other))).get_json()
    assert "online_url" not in answer and answer["mode"] == "hybrid"
