"""Feedback: a seeker who attended rates the event; organizers read count, average and comments."""
from leye_events.accounts.models import Role

from ..factories import auth_header, make_event, make_registration, make_token, make_user
from .conftest import attend


def post_feedback(client, registration, body):
    return client.post(f"/api/v1/registrations/{registration.id}/feedback", json=body,
                       headers=auth_header(make_token(registration.seeker)))


def test_feedback_after_attending_then_replaced(client):
    registration = make_registration(make_event())
    attend(registration)
    first = post_feedback(client, registration, {"rating": 4, "comment": "很有收获"})
    assert first.status_code == 201
    assert first.get_json()["rating"] == 4
    again = post_feedback(client, registration, {"rating": 5})
    assert again.status_code == 200
    assert again.get_json()["id"] == first.get_json()["id"] and again.get_json()["comment"] == ""


def test_feedback_before_attending_is_422_not_attended(client):
    registration = make_registration(make_event())
    response = post_feedback(client, registration, {"rating": 5})
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "not_attended"


def test_bad_ratings_and_comments_are_400(client):
    registration = make_registration(make_event())
    attend(registration)
    for body in ({"rating": 0}, {"rating": 6}, {"rating": "5"}, {"rating": True}, {"rating": 3.5}, {},
                 {"rating": 3, "comment": "长" * 1001}, {"rating": 3, "comment": 12}):
        response = post_feedback(client, registration, body)
        assert response.status_code == 400, body
        assert {"code", "message"} <= set(response.get_json()["error"])


def test_only_the_seeker_gives_feedback_on_their_registration(client):
    registration = make_registration(make_event())
    attend(registration)
    other = make_user(Role.SEEKER)
    response = client.post(f"/api/v1/registrations/{registration.id}/feedback", json={"rating": 5},
                           headers=auth_header(make_token(other)))
    assert response.status_code == 404


def test_summary_for_organizers_per_event_and_session(client, login):
    event = make_event(sessions=2)
    ratings = [(5, "很好"), (3, ""), (4, "希望多办")]
    for index, (rating, comment) in enumerate(ratings):
        registration = make_registration(event)
        attend(registration, event.sessions[:1] if index else event.sessions)
        assert post_feedback(client, registration, {"rating": rating, "comment": comment}).status_code == 201
    organizer = make_user(Role.ORGANIZER, station=event.station)
    body = client.get(f"/api/v1/events/{event.id}/feedback", headers=auth_header(make_token(organizer))).get_json()
    assert body["count"] == 3 and body["average"] == 4.0
    assert body["distribution"] == {"1": 0, "2": 0, "3": 1, "4": 1, "5": 1}
    assert sorted(c["comment"] for c in body["comments"]) == ["希望多办", "很好"]
    assert [s["count"] for s in body["sessions"]] == [3, 1]
    assert all("name" not in c and "registration_id" not in c for c in body["comments"])
    page = login(organizer).get(f"/manage/events/{event.id}/feedback")
    assert page.status_code == 200 and "4.0" in page.text and "希望多办" in page.text


def test_summary_is_refused_to_seekers_door_and_other_stations(client):
    event = make_event()
    for user in (make_user(Role.SEEKER), make_user(Role.DOOR, station=event.station), make_user(Role.ORGANIZER)):
        response = client.get(f"/api/v1/events/{event.id}/feedback", headers=auth_header(make_token(user)))
        assert response.status_code == 403, user.role


def test_seeker_rates_from_the_ticket_page(login):
    registration = make_registration(make_event())
    seeker_client = login(registration.seeker)
    ticket = seeker_client.get(f"/tickets/{registration.ticket_code}")
    assert "为本次活动打分" not in ticket.text
    attend(registration)
    ticket = seeker_client.get(f"/tickets/{registration.ticket_code}")
    assert "为本次活动打分" in ticket.text
    form = seeker_client.get(f"/registrations/{registration.id}/feedback")
    assert form.status_code == 200
    response = seeker_client.post(f"/registrations/{registration.id}/feedback", data={"rating": "5", "comment": "赞"})
    assert response.status_code == 302
    assert "修改我的评价" in seeker_client.get(f"/tickets/{registration.ticket_code}").text


def test_station_report_includes_feedback(client, login):
    event = make_event()
    for rating in (5, 4):
        registration = make_registration(event)
        attend(registration)
        assert post_feedback(client, registration, {"rating": rating}).status_code == 201
    organizer = make_user(Role.ORGANIZER, station=event.station)
    page = login(organizer).get("/figures")
    assert page.status_code == 200
    assert "平均 4.5 分（2 人评价）" in page.text


def test_one_rating_in_english_is_not_1_ratings(client, login):
    registration = make_registration(make_event())
    attend(registration)
    assert post_feedback(client, registration, {"rating": 4}).status_code == 201
    organizer = make_user(Role.ORGANIZER, station=registration.event.station)
    page = login(organizer).get(f"/manage/events/{registration.event.id}/feedback?lang=en").text
    assert "1 ratings" not in page and "Ratings: 1" in page
