"""How many SQL statements the hot paths send. A change that adds a query fails here: tighten the
numbers when a path gets cheaper, never loosen them without a reason in the commit."""
import re
from datetime import timedelta

import pytest
from sqlalchemy.event import listen, remove

from leye_events.accounts.models import Role
from leye_events.accounts.sessions import forget_cached_tokens
from leye_events.booking.models import Registration
from leye_events.cases.operations import case_for
from leye_events.core.timeutil import utcnow
from leye_events.events.models import Event, EventKind, EventSession, EventStatus
from leye_events.extensions import db

from ..checkin.helpers import door_staff, open_event, ticket
from ..conftest import is_postgres
from ..factories import auth_header, make_event, make_station, make_token, make_user
from .counting import counting_statements

# The most statements each path may send (authentication included; transaction control not counted).
# SQLite's check-in commits and reopens its transaction to take the write lock: a few more there.
BUDGET = {
    "first_scan": 4,  # token, gather, insert, case entry
    "first_scan_new_case": 4,  # the case is made on the seeker's first attendance, in the case entry's statement
    "duplicate_scan": 3,  # token, gather, insert
    "confirmed_registration": 6,  # token, event, registration, notification, audit, the seat (UPDATE)
    "waitlisted_registration": 6,  # token, event, registration, notification, audit, the position (UPDATE)
    "home_page": 4,  # the page's events with their stations and the total, their sessions, stations, seats
    "event_page": 2,  # the event with its station and sessions, its seats
    "door_page": 5,  # the list of events to open
    "door_event_page": 3,  # login, the event with its sessions, the unread count
}


def _scan(client, token, code, event_id):
    return client.post("/api/v1/checkins", json={"code": code, "event_id": event_id, "gate": "东门"},
                       headers=auth_header(token))


@pytest.fixture
def door():
    """An open event, a ticket, and a door volunteer's token (never used yet)."""
    event = open_event()
    registration = ticket(event)
    staff = door_staff(event)
    return event.id, registration.ticket_code, make_token(staff)


def test_first_scan_statements(client, door):
    event_id, code, token = door
    registration = db.session.execute(db.select(Registration).filter_by(ticket_code=code)).scalar_one()
    case_for(registration.seeker, station=registration.event.station)
    db.session.commit()
    with counting_statements() as sql:
        response = _scan(client, token, code, event_id)
    assert response.get_json()["result"] == "ok"
    assert len(sql) <= BUDGET["first_scan"], str(sql)


def test_first_scan_of_a_seeker_without_a_case_statements(client, door):
    event_id, code, token = door
    with counting_statements() as sql:
        response = _scan(client, token, code, event_id)
    assert response.get_json()["result"] == "ok"
    # SQLite has no writes inside WITH: the entry is tried, the case made, the entry written (2 more).
    assert len(sql) <= BUDGET["first_scan_new_case"] + (0 if is_postgres() else 2), str(sql)


def test_duplicate_scan_statements(client, door):
    event_id, code, token = door
    _scan(client, token, code, event_id)
    forget_cached_tokens()  # count the authentication too
    with counting_statements() as sql:
        response = _scan(client, token, code, event_id)
    assert response.get_json()["result"] == "already_checked_in"
    assert len(sql) <= BUDGET["duplicate_scan"], str(sql)


def _register(client, event):
    """The registration's response and statements; asserts that the statement which locks the event's
    row (its counter UPDATE, or a ``FOR UPDATE``) is the last one before the commit."""
    seeker = make_user(Role.SEEKER)
    token, event_id = make_token(seeker), event.id
    commits = []  # how many statements had been sent at each commit

    def committed(conn):
        commits.append(len(sql))

    with counting_statements() as sql:
        listen(db.engine, "commit", committed)
        try:
            response = client.post(f"/api/v1/events/{event_id}/registrations", json={}, headers=auth_header(token))
        finally:
            remove(db.engine, "commit", committed)
    locking = [i for i, statement in enumerate(sql) if _LOCKS_EVENT.search(statement)]
    assert locking and commits, str(sql)
    assert locking == [commits[-1] - 1], f"the event row is locked before the last statement:\n{sql}"
    return response, sql


_LOCKS_EVENT = re.compile(r"^(WITH \w+ AS \()?UPDATE events\b|\bFROM events\b.*\bFOR UPDATE\b")


def test_confirmed_registration_statements(client):
    event = make_event(capacity=5)
    response, sql = _register(client, event)
    assert response.status_code == 201 and response.get_json()["status"] == "confirmed"
    assert len(sql) <= BUDGET["confirmed_registration"], str(sql)


def test_waitlisted_registration_statements(client):
    event = make_event(capacity=0, waitlist_enabled=True)
    response, sql = _register(client, event)
    assert response.status_code == 201 and response.get_json()["status"] == "waitlisted"
    assert len(sql) <= BUDGET["waitlisted_registration"], str(sql)


def _many_events(station, count: int) -> None:
    """``count`` published events of ``station`` whose doors are open, inserted in one go."""
    start = (utcnow() + timedelta(minutes=30)).replace(microsecond=0)
    events = []
    for n in range(count):
        event = Event(station=station, kind=EventKind.SALON, title=f"活动 {n}", description="介绍",
                      venue="杨浦区", capacity=30, status=EventStatus.PUBLISHED, revision=0)
        event.sessions.append(EventSession(title="第1场", starts_at=start + timedelta(minutes=n),
                                           ends_at=start + timedelta(minutes=n, hours=2)))
        events.append(event)
    db.session.add_all(events)
    db.session.commit()


def _page_statements(client, url, count):
    with counting_statements() as sql:
        response = client.get(url)
    assert response.status_code == 200
    return sql


@pytest.mark.parametrize("events", [10, 1000])
def test_home_page_statements(client, events):
    _many_events(make_station(), events)
    sql = _page_statements(client, "/", events)
    assert len(sql) <= BUDGET["home_page"], str(sql)  # the same for 10 and 1,000 events


def test_event_page_statements(client):
    event_id = make_event(sessions=3).id
    sql = _page_statements(client, f"/events/{event_id}", 1)
    assert len(sql) <= BUDGET["event_page"], str(sql)


@pytest.mark.parametrize("events", [10, 1000])
def test_door_page_statements(login, events):
    station = make_station()
    _many_events(station, events)
    client = login(make_user(Role.DOOR, station=station))
    sql = _page_statements(client, "/door", events)
    assert len(sql) <= BUDGET["door_page"], str(sql)  # the same for 10 and 1,000 events


def test_door_event_page_statements(login):
    event = make_event(sessions=3)
    client = login(make_user(Role.DOOR, station=event.station))
    sql = _page_statements(client, f"/door/{event.id}", 1)
    assert len(sql) <= BUDGET["door_event_page"], str(sql)
