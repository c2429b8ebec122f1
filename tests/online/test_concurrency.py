"""Concurrent clicks on one join link, and a rush at a hybrid event, against a live threaded server.

Once-only comes from the check-in operation's row lock and the partial unique index; the control
drops both and sees the online attendance counted several times (PostgreSQL only: SQLite
serializes writers). The hybrid rush keeps the onsite capacity while online registrants pour in;
its control turns the event lock off and overbooks the onsite seats.
"""
from datetime import timedelta

import pytest
import requests
from sqlalchemy import func, text

from leye_events.booking.models import Attend, Registration, RegistrationStatus
from leye_events.checkin.models import CheckIn, CheckInResult
from leye_events.extensions import db

from ..booking.test_concurrency import configured, fire_together, seekers_with_tokens
from ..conftest import is_postgres
from .helpers import LIVE_ROOM, hybrid_event, online_event, online_ticket

pytestmark = pytest.mark.live


def click_calls(url, code, count):
    def call():
        response = requests.get(f"{url}/join/{code}", allow_redirects=False, timeout=60)
        return response.status_code, response.headers.get("Location")

    return [call] * count


def online_successes(registration_id):
    db.session.commit()
    return db.session.execute(
        db.select(func.count()).select_from(CheckIn).filter_by(registration_id=registration_id,
                                                               result=CheckInResult.OK)
    ).scalar_one()


def test_eight_simultaneous_clicks_count_once(app, live_server):
    registration = online_ticket(online_event(starts_in=timedelta(minutes=-5)))
    with configured(app, RACE_WINDOW_SECONDS=0.05):
        results = fire_together(click_calls(live_server.url, registration.ticket_code, 8))
    assert results == [(302, LIVE_ROOM)] * 8
    assert online_successes(registration.id) == 1


@pytest.mark.skipif(not is_postgres(), reason="control for PostgreSQL: SQLite serializes writers, so no race exists")
def test_control_without_lock_and_index_the_attendance_counts_several_times(app, live_server):
    registration = online_ticket(online_event(starts_in=timedelta(minutes=-5)))
    db.session.execute(text("DROP INDEX uq_checkins_one_success"))
    db.session.commit()
    try:
        with configured(app, RACE_WINDOW_SECONDS=0.05, LOCKING_ENABLED=False):
            fire_together(click_calls(live_server.url, registration.ticket_code, 8))
        assert online_successes(registration.id) > 1
    finally:
        db.session.rollback()
        db.session.execute(text("TRUNCATE checkins CASCADE"))  # with the case entries they wrote
        db.session.execute(text(
            "CREATE UNIQUE INDEX uq_checkins_one_success ON checkins (registration_id, session_id) "
            "WHERE result = 'ok' AND undone_at IS NULL"))
        db.session.commit()


def register_call(server_url, event_id, token, attend):
    def call():
        response = requests.post(f"{server_url}/api/v1/events/{event_id}/registrations", json={"attend": attend},
                                 headers={"Authorization": f"Bearer {token}"}, timeout=120)
        return response.status_code, response.json()

    return call


def hybrid_rush(app, live_server, event, **settings):
    tokens = seekers_with_tokens(40)
    calls = [register_call(live_server.url, event.id, token, "onsite" if i % 2 else "online")
             for i, token in enumerate(tokens)]
    with configured(app, **settings):
        results = fire_together(calls)
    db.session.commit()  # end the test's own read transaction to see the server's writes
    return results


def confirmed(event, attend):
    return db.session.execute(
        db.select(func.count()).select_from(Registration).filter_by(
            event_id=event.id, status=RegistrationStatus.CONFIRMED, attend=attend)
    ).scalar_one()


def test_a_hybrid_rush_keeps_the_onsite_capacity_and_takes_everyone_online(app, live_server):
    event = hybrid_event(capacity=5, starts_in=timedelta(days=3))
    results = hybrid_rush(app, live_server, event, RACE_WINDOW_SECONDS=0.01)
    assert [status for status, _ in results].count(201) == 40, results[:3]
    assert confirmed(event, Attend.ONSITE) == 5
    assert confirmed(event, Attend.ONLINE) == 20
    waitlisted = sorted(body["waitlist_position"] for _, body in results if body["status"] == "waitlisted")
    assert waitlisted == list(range(1, 16))


@pytest.mark.skipif(not is_postgres(),
                    reason="control for PostgreSQL: SQLite serializes writers and cannot overbook even without row locks")
def test_control_without_the_event_lock_the_onsite_seats_overbook(app, live_server):
    event = hybrid_event(capacity=5, starts_in=timedelta(days=3))
    hybrid_rush(app, live_server, event, LOCKING_ENABLED=False, RACE_WINDOW_SECONDS=0.05)
    assert confirmed(event, Attend.ONSITE) > 5
