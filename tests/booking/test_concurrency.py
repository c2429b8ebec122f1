"""Capacity and uniqueness under simultaneous requests to a live, threaded server.

Each request runs in its own thread with its own database connection, as with several
worker processes. A gap between "count the seats" and "write the registration" is widened
on purpose (RACE_WINDOW_SECONDS) so that a missing lock shows up every time; the
control test turns the lock off and must see overbooking.
"""
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import pytest
import requests
from sqlalchemy import func

from leye_events.accounts.models import Role
from leye_events.booking.models import Registration, RegistrationStatus
from leye_events.events.models import Event
from leye_events.extensions import db

from ..conftest import is_postgres
from ..factories import make_event, make_registration, make_token, make_user

pytestmark = pytest.mark.live


_ABSENT = object()


@contextmanager
def configured(app, **settings):
    """Change config keys for the block; afterwards restore them (removing those that were absent)."""
    saved = {key: app.config.get(key, _ABSENT) for key in settings}
    app.config.update(settings)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is _ABSENT:
                app.config.pop(key, None)
            else:
                app.config[key] = value


def fire_together(calls, workers=32):
    """Run ``calls`` (no-argument functions) from ``workers`` threads; the first ``workers`` calls
    are released at one moment, the rest follow as threads free up."""
    parties = min(workers, len(calls))
    barrier = threading.Barrier(parties)

    def run(indexed):
        index, call = indexed
        if index < parties:
            barrier.wait(timeout=30)
        return call()

    with ThreadPoolExecutor(max_workers=parties) as pool:
        return list(pool.map(run, enumerate(calls)))


def register_call(server_url, event_id, token):
    def call():
        response = requests.post(
            f"{server_url}/api/v1/events/{event_id}/registrations",
            headers={"Authorization": f"Bearer {token}"},
            timeout=120,
        )
        return response.status_code, response.json()

    return call


def seekers_with_tokens(count):
    return [make_token(make_user(Role.SEEKER)) for _ in range(count)]


def tally(event):
    rows = db.session.execute(
        db.select(Registration.status, func.count()).filter_by(event_id=event.id).group_by(Registration.status)
    ).all()
    return {status: count for status, count in rows}


def positions(event):
    return sorted(
        db.session.execute(
            db.select(Registration.waitlist_position).filter_by(event_id=event.id, status=RegistrationStatus.WAITLISTED)
        ).scalars()
    )


def test_rush_of_registrations_never_overbooks(app, live_server):
    event = make_event(capacity=20)
    tokens = seekers_with_tokens(110)
    with configured(app, RACE_WINDOW_SECONDS=0.01):
        results = fire_together([register_call(live_server.url, event.id, t) for t in tokens])
    assert [status for status, _ in results].count(201) == 110, results[:3]
    db.session.commit()  # end the test's own read transaction to see the server's writes
    assert tally(event) == {RegistrationStatus.CONFIRMED: 20, RegistrationStatus.WAITLISTED: 90}
    assert positions(event) == list(range(1, 91))
    answered = sorted(body["waitlist_position"] for _, body in results if body["status"] == "waitlisted")
    assert answered == list(range(1, 91))


def test_one_seeker_submitting_eight_times_gets_one_registration(app, live_server):
    event = make_event(capacity=20)
    token = seekers_with_tokens(1)[0]
    with configured(app, RACE_WINDOW_SECONDS=0.01):
        results = fire_together([register_call(live_server.url, event.id, token)] * 8)
    statuses = sorted(status for status, _ in results)
    assert statuses == [201] + [409] * 7
    assert all(body["error"]["code"] == "already_registered" for status, body in results if status == 409)
    db.session.commit()  # end the test's own read transaction to see the server's writes
    assert tally(event) == {RegistrationStatus.CONFIRMED: 1}


def test_cancellation_amid_a_rush_promotes_exactly_one(app, live_server):
    event = make_event(capacity=5)
    holders = [make_registration(event) for _ in range(5)]
    waiting = [make_registration(event, status=RegistrationStatus.WAITLISTED, waitlist_position=i + 1) for i in range(3)]
    holder_token = make_token(holders[0].seeker)
    holder_id, first_waiting_id = holders[0].id, waiting[0].id
    tokens = seekers_with_tokens(30)

    def cancel_call():
        response = requests.post(
            f"{live_server.url}/api/v1/registrations/{holder_id}/cancel",
            headers={"Authorization": f"Bearer {holder_token}"},
            json={"reason": "临时有事"},
            timeout=120,
        )
        return response.status_code, response.json()

    calls = [register_call(live_server.url, event.id, t) for t in tokens]
    calls.insert(15, cancel_call)
    with configured(app, RACE_WINDOW_SECONDS=0.01):
        results = fire_together(calls)
    assert results[15][0] == 200
    db.session.commit()  # end the test's own read transaction to see the server's writes
    counts = tally(event)
    assert counts[RegistrationStatus.CONFIRMED] == 5
    assert counts[RegistrationStatus.CANCELLED] == 1
    assert counts[RegistrationStatus.WAITLISTED] == 3 - 1 + 30
    first = db.session.get(Registration, first_waiting_id)
    assert first.status == RegistrationStatus.CONFIRMED
    assert positions(event) == list(range(1, 33))


@pytest.mark.skipif(
    not is_postgres(),
    reason="control for PostgreSQL: SQLite serializes writers and cannot overbook even without row locks",
)
def test_control_without_the_row_lock_overbooking_happens(app, live_server):
    """Shows the race is real: with the lock off, the same rush overbooks."""
    event = make_event(capacity=20)
    tokens = seekers_with_tokens(60)
    with configured(app, LOCKING_ENABLED=False, RACE_WINDOW_SECONDS=0.05):
        fire_together([register_call(live_server.url, event.id, t) for t in tokens])
    db.session.commit()  # end the test's own read transaction to see the server's writes
    assert tally(event)[RegistrationStatus.CONFIRMED] > 20


def test_waitlisted_seekers_leaving_amid_a_rush_keep_positions_dense(app, live_server):
    """Joining (one UPDATE of the event's waitlist counter) races with leaving (the gap closed under
    the event's row lock) and with a promotion: the positions stay 1..n and match the counter."""
    event = make_event(capacity=3)
    for _ in range(3):
        make_registration(event)
    holder = db.session.execute(db.select(Registration).filter_by(event_id=event.id)).scalars().first()
    waiting = [make_registration(event, status=RegistrationStatus.WAITLISTED, waitlist_position=i + 1)
               for i in range(8)]
    leaving = [(holder.id, make_token(holder.seeker))] + [(r.id, make_token(r.seeker)) for r in waiting[1::2]]
    tokens = seekers_with_tokens(30)

    def cancel_call(registration_id, token):
        def call():
            response = requests.post(f"{live_server.url}/api/v1/registrations/{registration_id}/cancel",
                                     headers={"Authorization": f"Bearer {token}"}, json={"reason": "临时有事"},
                                     timeout=120)
            return response.status_code, response.json()
        return call

    calls = [(201, register_call(live_server.url, event.id, t)) for t in tokens]
    for n, (registration_id, token) in enumerate(leaving):
        calls.insert(3 + 6 * n, (200, cancel_call(registration_id, token)))
    with configured(app, RACE_WINDOW_SECONDS=0.01):
        results = fire_together([call for _, call in calls])
    assert [status for status, _ in results] == [expected for expected, _ in calls], results
    db.session.commit()  # end the test's own read transaction to see the server's writes
    counts = tally(event)
    assert counts[RegistrationStatus.CONFIRMED] == 3
    assert counts[RegistrationStatus.WAITLISTED] == 8 - 4 - 1 + 30
    assert positions(event) == list(range(1, 34))
    assert db.session.get(Event, event.id).waitlist_length == 33


@pytest.mark.skipif(not is_postgres(), reason="control for PostgreSQL: SQLite serializes writers")
def test_control_without_the_single_update_waitlist_positions_repeat(app, live_server):
    """Shows the race is real: reading the waitlist counter and then writing it gives positions twice."""
    event = make_event(capacity=0)
    tokens = seekers_with_tokens(40)
    with configured(app, LOCKING_ENABLED=False, RACE_WINDOW_SECONDS=0.05):
        results = fire_together([register_call(live_server.url, event.id, t) for t in tokens])
    assert [status for status, _ in results].count(201) == 40
    db.session.commit()  # end the test's own read transaction to see the server's writes
    assert positions(event) != list(range(1, 41))
