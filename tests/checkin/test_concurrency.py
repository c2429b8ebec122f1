"""Simultaneous scans of one ticket from several doors against a live, threaded server.

The guarantee is the partial unique index (one successful entry per registration and
session); the row lock on the registration makes the loser's answer a clean
``already_checked_in``. The control drops both and sees the ticket admitted several times.
"""
import pytest
import requests
from sqlalchemy import text

from leye_events.checkin.models import CheckIn, CheckInResult
from leye_events.extensions import db

from ..booking.test_concurrency import configured, fire_together
from ..conftest import is_postgres
from ..factories import make_token
from .helpers import door_staff, open_event, ticket

pytestmark = pytest.mark.live


def scan_call(url, token, body):
    def call():
        response = requests.post(f"{url}/api/v1/checkins", json=body,
                                 headers={"Authorization": f"Bearer {token}"}, timeout=60)
        return response.status_code, response.json()

    return call


def eight_scans_from_four_doors(live_server, event, code):
    tokens = [make_token(door_staff(event)) for _ in range(4)]
    calls = [scan_call(live_server.url, tokens[i % 4], {"code": code, "event_id": event.id, "gate": f"门{i % 4}"})
             for i in range(8)]
    return fire_together(calls)


def successes(registration_id):
    db.session.commit()
    return db.session.execute(
        db.select(db.func.count()).select_from(CheckIn).filter_by(registration_id=registration_id,
                                                                  result=CheckInResult.OK)
    ).scalar_one()


def test_eight_simultaneous_scans_admit_once(app, live_server):
    event = open_event()
    registration = ticket(event)
    with configured(app, RACE_WINDOW_SECONDS=0.05):
        results = eight_scans_from_four_doors(live_server, event, registration.ticket_code)
    assert all(status == 200 for status, _ in results), results
    outcomes = sorted(body["result"] for _, body in results)
    assert outcomes == ["already_checked_in"] * 7 + ["ok"]
    assert successes(registration.id) == 1


def test_the_unique_index_alone_still_admits_once(app, live_server):
    """With the row lock off, the index catches the race; losers still get already_checked_in."""
    event = open_event()
    registration = ticket(event)
    with configured(app, RACE_WINDOW_SECONDS=0.05, LOCKING_ENABLED=False):
        results = eight_scans_from_four_doors(live_server, event, registration.ticket_code)
    assert all(status == 200 for status, _ in results), results
    assert sorted(body["result"] for _, body in results) == ["already_checked_in"] * 7 + ["ok"]
    assert successes(registration.id) == 1


@pytest.mark.skipif(not is_postgres(), reason="control for PostgreSQL: SQLite serializes writers, so no race exists")
def test_control_without_lock_and_index_the_ticket_is_admitted_several_times(app, live_server):
    event = open_event()
    registration = ticket(event)
    db.session.execute(text("DROP INDEX uq_checkins_one_success"))
    db.session.commit()
    try:
        with configured(app, RACE_WINDOW_SECONDS=0.05, LOCKING_ENABLED=False):
            eight_scans_from_four_doors(live_server, event, registration.ticket_code)
        assert successes(registration.id) > 1
    finally:
        db.session.rollback()
        db.session.execute(text("TRUNCATE checkins CASCADE"))  # with the case entries they wrote
        db.session.execute(text(
            "CREATE UNIQUE INDEX uq_checkins_one_success ON checkins (registration_id, session_id) "
            "WHERE result = 'ok' AND undone_at IS NULL"))
        db.session.commit()
