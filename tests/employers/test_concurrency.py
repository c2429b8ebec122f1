"""Interview-slot capacity under simultaneous bookings against a live, threaded server.

As for registrations (tests/booking/test_concurrency.py): every request has its own thread and
database connection, the gap between counting seats and writing the booking is widened on purpose
(RACE_WINDOW_SECONDS), and a control turns the row locks off to show the race they prevent.
"""
import pytest
import requests
from sqlalchemy import func

from leye_events.accounts.models import Role
from leye_events.booking.models import Registration, RegistrationStatus
from leye_events.employers.models import BookingStatus, InterviewBooking
from leye_events.extensions import db

from ..booking.test_concurrency import configured, fire_together
from ..conftest import is_postgres
from ..factories import make_token, make_user
from .helpers import make_employer, make_fair, make_slot

pytestmark = pytest.mark.live


def registered_seekers(event, count):
    """``count`` seekers with a confirmed registration for ``event``, and their tokens."""
    seekers = [make_user(Role.SEEKER) for _ in range(count)]
    db.session.add_all(Registration(event=event, seeker=s, status=RegistrationStatus.CONFIRMED) for s in seekers)
    db.session.commit()
    return [make_token(s) for s in seekers]


def book_call(server_url, slot_id, token):
    def call():
        response = requests.post(f"{server_url}/api/v1/interview-slots/{slot_id}/bookings",
                                 headers={"Authorization": f"Bearer {token}"}, timeout=120)
        return response.status_code, response.json()

    return call


def booked(slot_ids):
    db.session.commit()  # end the test's own read transaction to see the server's writes
    return db.session.scalar(db.select(func.count()).select_from(InterviewBooking).where(
        InterviewBooking.slot_id.in_(list(slot_ids)), InterviewBooking.status == BookingStatus.BOOKED))


def test_rush_on_slots_never_overbooks(app, live_server):
    fair = make_fair()
    employers = [make_employer(fair.station) for _ in range(3)]
    slots = [make_slot(fair, e, capacity=2, offset_minutes=60 * i) for i, e in enumerate(employers)]
    tokens = registered_seekers(fair, 30)
    calls = [book_call(live_server.url, slots[i % 3].id, t) for i, t in enumerate(tokens)]
    with configured(app, RACE_WINDOW_SECONDS=0.01):
        results = fire_together(calls)
    statuses = [status for status, _ in results]
    assert statuses.count(201) == 6, results[:3]
    assert all(body["error"]["code"] == "slot_full" for status, body in results if status != 201)
    assert booked(s.id for s in slots) == 6


def test_one_seeker_clicking_eight_times_gets_one_seat(app, live_server):
    fair = make_fair()
    employer = make_employer(fair.station)
    slots = [make_slot(fair, employer, capacity=5, offset_minutes=30 * i) for i in range(2)]
    token = registered_seekers(fair, 1)[0]
    calls = [book_call(live_server.url, slots[i % 2].id, token) for i in range(8)]
    with configured(app, RACE_WINDOW_SECONDS=0.01):
        results = fire_together(calls)
    assert sorted(status for status, _ in results) == [201] + [409] * 7
    assert booked(s.id for s in slots) == 1


@pytest.mark.skipif(
    not is_postgres(),
    reason="control for PostgreSQL: SQLite serializes writers and cannot overbook even without row locks",
)
def test_control_without_the_row_lock_slots_overbook(app, live_server):
    """Shows the race is real: with the locks off, the same rush overbooks a slot."""
    fair = make_fair()
    slot = make_slot(fair, make_employer(fair.station), capacity=2)
    tokens = registered_seekers(fair, 24)
    with configured(app, LOCKING_ENABLED=False, RACE_WINDOW_SECONDS=0.05):
        fire_together([book_call(live_server.url, slot.id, t) for t in tokens])
    assert booked([slot.id]) > 2
