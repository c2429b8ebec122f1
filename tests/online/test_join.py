"""The personal join link: its window, once-only attendance through the check-in log, and who gets one."""
from datetime import timedelta

import pytest

from leye_events.booking.models import Attend, RegistrationStatus
from leye_events.cases.operations import case_for
from leye_events.cases.timeline import timeline
from leye_events.checkin.models import CheckIn, CheckInMethod, CheckInResult
from leye_events.core.timeutil import utcnow
from leye_events.events.models import EventMode, EventSession, EventStatus
from leye_events.extensions import db
from leye_events.online import services

from ..factories import make_event, make_registration
from .helpers import LIVE_ROOM, REPLAY, hybrid_event, online_event, online_ticket


def checkins(registration, result=None):
    db.session.commit()
    query = db.select(CheckIn).filter_by(registration_id=registration.id)
    if result is not None:
        query = query.filter_by(result=result)
    return db.session.execute(query).scalars().all()


def open_link(client, registration):
    return client.get(f"/join/{registration.ticket_code}")


@pytest.mark.parametrize("starts_in, opens", [
    (timedelta(minutes=15, seconds=40), False),  # just before the window
    (timedelta(minutes=14, seconds=20), True),   # just inside it
    (timedelta(minutes=-60), True),              # while it runs
])
def test_the_window_opens_fifteen_minutes_before(client, starts_in, opens):
    registration = online_ticket(online_event(starts_in=starts_in))
    response = open_link(client, registration)
    if opens:
        assert response.status_code == 302 and response.headers["Location"] == LIVE_ROOM
        [row] = checkins(registration)
        assert row.result == CheckInResult.OK and row.method == CheckInMethod.ONLINE
        assert row.staff_id == registration.seeker_id  # the registrant recorded it themself
    else:
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert 'data-state="not_yet"' in page and "开始前 15 分钟" in page
        assert LIVE_ROOM not in page
        assert checkins(registration) == []


@pytest.mark.parametrize("ends_in, opens", [(timedelta(seconds=40), True), (timedelta(seconds=-40), False)])
def test_the_window_closes_when_the_session_ends(client, ends_in, opens):
    event = online_event(starts_in=ends_in - timedelta(hours=2))
    registration = online_ticket(event)
    response = open_link(client, registration)
    if opens:
        assert response.status_code == 302
    else:
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and 'data-state="ended"' in page
        assert REPLAY in page and LIVE_ROOM not in page  # afterwards the replay, never the live room
        assert checkins(registration) == []


def test_after_the_event_without_a_replay_says_so(client):
    event = online_event(starts_in=timedelta(hours=-5), replay_url=None)
    page = open_link(client, online_ticket(event)).get_data(as_text=True)
    assert 'data-state="ended"' in page and "回放整理好后" in page


def test_a_second_click_goes_to_the_room_but_counts_once(client):
    registration = online_ticket(online_event(starts_in=timedelta(minutes=-5)))
    assert open_link(client, registration).status_code == 302
    assert open_link(client, registration).status_code == 302
    assert len(checkins(registration, CheckInResult.OK)) == 1
    assert len(checkins(registration, CheckInResult.ALREADY_CHECKED_IN)) == 1


def test_each_session_counts_once_and_the_link_says_when_the_next_one_is(client):
    event = online_event(starts_in=timedelta(minutes=-5), sessions=2)
    registration = online_ticket(event)
    assert open_link(client, registration).status_code == 302
    [row] = checkins(registration, CheckInResult.OK)
    assert row.session_id == event.sessions[0].id
    second = db.session.get(EventSession, event.sessions[0].id)
    second.ends_at = utcnow() - timedelta(minutes=1)  # the first session is over; the next is tomorrow
    db.session.commit()
    page = open_link(client, registration).get_data(as_text=True)
    assert 'data-state="not_yet"' in page and "下一场线上场次" in page


@pytest.mark.parametrize("status", [RegistrationStatus.CANCELLED, RegistrationStatus.WAITLISTED])
def test_cancelled_and_waitlisted_registrations_get_nothing(client, status):
    event = online_event(starts_in=timedelta(minutes=-5), capacity=1)
    extra = {"waitlist_position": 1} if status == RegistrationStatus.WAITLISTED else {}
    registration = online_ticket(event, status=status, **extra)
    response = open_link(client, registration)
    assert response.status_code == 404
    assert LIVE_ROOM not in response.get_data(as_text=True)
    assert checkins(registration) == []
    assert services.join_url(registration) is None
    ticket_page = client.get(f"/tickets/{registration.ticket_code}").get_data(as_text=True)
    assert "/join/" not in ticket_page


def test_a_cancelled_event_and_an_unknown_code_get_nothing(client):
    event = online_event(starts_in=timedelta(minutes=-5))
    registration = online_ticket(event)
    event.status = EventStatus.CANCELLED
    db.session.commit()
    assert open_link(client, registration).status_code == 404
    assert client.get("/join/not-a-real-code-at-all").status_code == 404
    assert checkins(registration) == []


def test_an_onsite_registrant_of_a_hybrid_event_has_no_link_but_a_qr(client):
    event = hybrid_event(starts_in=timedelta(minutes=-5))
    onsite = make_registration(event, attend=Attend.ONSITE)
    assert open_link(client, onsite).status_code == 404
    page = client.get(f"/tickets/{onsite.ticket_code}").get_data(as_text=True)
    assert "/join/" not in page and "入场二维码" in page


def test_the_ticket_page_shows_the_join_link_instead_of_the_qr(client):
    registration = online_ticket(hybrid_event())
    page = client.get(f"/tickets/{registration.ticket_code}").get_data(as_text=True)
    assert f"/join/{registration.ticket_code}" in page and "进入直播间" in page
    assert "入场二维码" not in page
    assert LIVE_ROOM not in page


def test_an_online_module_of_an_onsite_workshop_has_a_link_for_that_module_only(client):
    event = make_event(sessions=2, starts_in=timedelta(minutes=-5))
    event.online_url = LIVE_ROOM
    event.sessions[1].mode = EventMode.ONLINE  # tomorrow's module is online
    db.session.commit()
    registration = make_registration(event)
    assert services.online_sessions(registration) == [event.sessions[1]]
    page = open_link(client, registration).get_data(as_text=True)  # today's module is at the venue
    assert 'data-state="not_yet"' in page
    assert checkins(registration) == []


def test_no_live_room_yet_records_nothing(client):
    registration = online_ticket(online_event(starts_in=timedelta(minutes=-5), online_url=None))
    page = open_link(client, registration).get_data(as_text=True)
    assert 'data-state="no_room"' in page
    assert checkins(registration) == []


def test_the_answer_is_never_cached_nor_sent_on_as_a_referer(client):
    response = open_link(client, online_ticket(online_event(starts_in=timedelta(minutes=-5))))
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_online_attendance_is_written_on_the_case(client):
    registration = online_ticket(online_event(starts_in=timedelta(minutes=-5)))
    open_link(client, registration)
    db.session.commit()
    case = case_for(registration.seeker, station=registration.event.station)
    titles = [item.title for item in timeline(case, include_notes=True)]
    assert any(title.startswith("线上参加：") for title in titles), titles


def test_the_online_method_only_takes_the_registrants_own_ticket():
    from leye_events.checkin.services import Scan, check_in
    from leye_events.core.errors import Forbidden

    from ..factories import make_user

    event = online_event(starts_in=timedelta(minutes=-5))
    registration = online_ticket(event)
    with pytest.raises(Forbidden):
        check_in(Scan(code=registration.ticket_code, event_id=event.id, method=CheckInMethod.ONLINE),
                 staff=make_user())
    db.session.rollback()
    assert checkins(registration) == []


def test_the_catalogue_shows_the_mode(client):
    event = online_event(starts_in=timedelta(days=1), title="线上简历门诊")
    page = client.get("/").get_data(as_text=True)
    card = page.split("线上简历门诊")[0].rsplit('<article class="card event-card">', 1)[1]
    assert 'data-mode="online"' in card
    assert event.venue not in page.split("线上简历门诊")[1].split("</article>")[0]
