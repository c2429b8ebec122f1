"""The hot paths' statements are compiled once and then taken from SQLAlchemy's statement cache.

A statement SQLAlchemy cannot cache (its dialects' ``ON CONFLICT`` inserts, a type without
``cache_ok``) is compiled again on every request: 0.2–2 ms of CPU, more than its round trip.
``core.db.insert_skipping_conflicts`` is the cacheable way to write one. Even a cached statement is
built, and its cache key computed, on every call: the few that every logged-in page sends are built once."""
import re
from contextlib import contextmanager

from sqlalchemy import event

from leye_events.accounts.models import Role
from leye_events.accounts.sessions import forget_cached_tokens
from leye_events.core.db import insert_skipping_conflicts, insert_unless_conflict
from leye_events.extensions import db
from leye_events.stations.models import Station

from ..checkin.helpers import door_staff, open_event, ticket
from ..factories import auth_header, make_event, make_station, make_token, make_user


@contextmanager
def compiled_anew():
    """``with compiled_anew() as misses:`` lists the SQL of every statement compiled during the block
    (not found in the statement cache, or not cacheable at all)."""
    misses = []

    def before(conn, cursor, statement, parameters, context, executemany):
        if context.compiled is not None and context.cache_hit is not context.dialect.CACHE_HIT:
            misses.append(f"{context.cache_hit}: " + " ".join(statement.split())[:200])

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield misses
    finally:
        event.remove(db.engine, "before_cursor_execute", before)


@contextmanager
def statements_sent():
    """``with statements_sent() as sent:`` lists ``(statement object, SQL)`` for every statement executed
    during the block: the object it was executed from, whether built for the call or kept."""
    sent = []

    def before(conn, cursor, statement, parameters, context, executemany):
        if context.compiled is not None:
            sent.append((context.invoked_statement, " ".join(statement.split())))

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield sent
    finally:
        event.remove(db.engine, "before_cursor_execute", before)


def _scan(client, token, code, event_id):
    return client.post("/api/v1/checkins", json={"code": code, "event_id": event_id, "gate": "东门"},
                       headers=auth_header(token))


def test_a_scan_compiles_nothing_once_warm(client):
    event = open_event()
    first, second = ticket(event), ticket(event)
    token = make_token(door_staff(event))
    _scan(client, token, first.ticket_code, event.id)  # warm: a new case, an entry, a duplicate
    _scan(client, token, first.ticket_code, event.id)
    forget_cached_tokens()
    with compiled_anew() as misses:
        assert _scan(client, token, second.ticket_code, event.id).get_json()["result"] == "ok"
        assert _scan(client, token, second.ticket_code, event.id).get_json()["result"] == "already_checked_in"
    assert misses == []


def test_a_registration_compiles_nothing_once_warm(client):
    event = make_event(capacity=1, waitlist_enabled=True)
    for _ in range(2):  # warm: a confirmed registration and a waitlisted one
        client.post(f"/api/v1/events/{event.id}/registrations", json={},
                    headers=auth_header(make_token(make_user(Role.SEEKER))))
    forget_cached_tokens()
    late = make_token(make_user(Role.SEEKER))
    with compiled_anew() as misses:
        response = client.post(f"/api/v1/events/{event.id}/registrations", json={}, headers=auth_header(late))
    assert response.get_json()["status"] == "waitlisted"
    assert misses == []


def test_insert_skipping_conflicts_writes_new_rows_and_skips_refused_ones(app):
    stations = Station.__table__
    existing = make_station()
    row = {"slug": existing.slug, "name": "重复", "kind": existing.kind, "address": "", "created_at": existing.created_at}
    new = {**row, "slug": "new-station", "name": "新站"}
    written = insert_skipping_conflicts(stations, [row, new], conflict_columns=("slug",))
    assert written == [db.session.execute(db.select(stations.c.id).filter_by(slug="new-station")).scalar_one()]
    assert insert_unless_conflict(stations, row) is None


def test_the_busiest_pages_compile_nothing_once_warm(login):
    station = make_station()
    event = make_event(station=station, sessions=2)
    client = login(make_user(Role.DOOR, station=station))
    pages = ["/", f"/events/{event.id}", "/door"]
    for url in pages * 2:  # twice: the first count of a pagination caches under a key of its own, once
        client.get(url)
    with compiled_anew() as misses:
        for url in pages:
            assert client.get(url).status_code == 200
    assert misses == []


def test_every_logged_in_pages_login_and_bell_statements_are_built_once(login):
    """The door page's second request sends the login's and the bell's statements from the same objects as
    the first (the event's is ``session.get``'s own)."""
    event = open_event()
    client, page = login(door_staff(event)), f"/door/{event.id}"
    requests = []
    for _ in range(2):
        db.session.remove()  # as a server's request starts
        with statements_sent() as sent:
            assert client.get(page).status_code == 200
        requests.append(sent)
    first = {sql: statement for statement, sql in requests[0]}
    kept = [sql for statement, sql in requests[1] if first.get(sql) is statement]
    assert len(requests[1]) == 3
    assert [re.search(r" FROM (\w+)", sql).group(1) for sql in kept] == ["users", "notifications"], kept
