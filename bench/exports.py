"""Benchmark: an event's attendance list as CSV for 1,000, 10,000 and 20,000 registrations.

For each size, a fresh database gets a four-session workshop with that many registrations (every
other one checked in to each session). The CSV is then downloaded through the app (the real HTTP
route, streamed, with an organizer's bearer token): the time is measured in one run, the peak Python
memory (tracemalloc) in a second run, the number of SQL statements in both. The goal: 20,000 rows
in under two seconds, memory that does not grow with the list, a constant number of queries.

    .venv/bin/python bench/exports.py                       # SQLite in a temporary folder
    .venv/bin/python bench/exports.py --postgres            # a fresh PostgreSQL database per size
    .venv/bin/python bench/exports.py --sizes 1000 10000 20000
"""
import argparse
import secrets
import sys
import tempfile
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, event, text  # noqa: E402

from bench.common import fresh_database, machine, migrate  # noqa: E402
from leye_events.core.timeutil import utcnow  # noqa: E402

SESSIONS = 4


def populate(database_url: str, rows: int) -> tuple[int, str]:
    """A workshop with ``rows`` registrations and check-ins; returns (event id, organizer token)."""
    from leye_events.accounts.models import hash_token

    engine = create_engine(database_url)
    now = utcnow().replace(tzinfo=None)
    token = secrets.token_urlsafe(32)
    with engine.begin() as conn:
        station = conn.execute(text(
            "INSERT INTO stations (slug, name, kind, address, created_at) "
            "VALUES ('bench', '压测乐业空间', 'university', '', :now) RETURNING id"), {"now": now}).scalar_one()
        organizer = conn.execute(text(
            "INSERT INTO users (role, name, email, password_hash, station_id, active, created_at) "
            "VALUES ('organizer', '组织者', 'org@bench.test', 'x', :s, true, :now) RETURNING id"),
            {"s": station, "now": now}).scalar_one()
        conn.execute(text("INSERT INTO api_tokens (user_id, token_hash, label, created_at, expires_at) "
                          "VALUES (:u, :h, 'b', :now, :expires)"),
                     {"u": organizer, "h": hash_token(token), "now": now, "expires": now + timedelta(days=1)})
        event_id = conn.execute(text(
            "INSERT INTO events (station_id, kind, title, description, venue, capacity, status, revision, "
            "waitlist_enabled, created_at, updated_at, published_at) VALUES (:s, 'workshop', '压测工作坊', '', "
            "'体育馆', :cap, 'published', 0, true, :now, :now, :now) RETURNING id"),
            {"s": station, "cap": rows, "now": now}).scalar_one()
        sessions = []
        for i in range(SESSIONS):
            start = now - timedelta(days=SESSIONS - i)
            sessions.append(conn.execute(text(
                "INSERT INTO sessions (event_id, title, starts_at, ends_at) VALUES (:e, :t, :a, :b) RETURNING id"),
                {"e": event_id, "t": f"模块{i + 1}", "a": start, "b": start + timedelta(hours=2)}).scalar_one())
        conn.execute(text(
            "INSERT INTO users (role, name, phone, password_hash, category, school, active, created_at) "
            "VALUES ('seeker', :name, :phone, 'x', 'graduate_unemployed', '同济大学', true, :now)"),
            [{"name": f"学生{i}号", "phone": f"135{i:08d}", "now": now} for i in range(rows)])
        seekers = conn.execute(text("SELECT id FROM users WHERE role = 'seeker' ORDER BY id")).scalars().all()
        conn.execute(text(
            "INSERT INTO registrations (event_id, seeker_id, status, ticket_code, walk_in, created_at, updated_at, "
            "confirmed_at) VALUES (:e, :s, 'confirmed', :code, :walk, :now, :now, :now)"),
            [{"e": event_id, "s": s, "code": secrets.token_urlsafe(20), "walk": i % 50 == 0, "now": now}
             for i, s in enumerate(seekers)])
        registrations = conn.execute(text("SELECT id FROM registrations WHERE event_id = :e ORDER BY id"),
                                     {"e": event_id}).scalars().all()
        conn.execute(text(
            "INSERT INTO checkins (event_id, session_id, registration_id, result, method, gate, device, staff_id, "
            "scanned_at, created_at, conflict) VALUES (:e, :s, :r, 'ok', 'qr', '', '', :staff, :at, :at, false)"),
            [{"e": event_id, "s": session, "r": r, "staff": organizer, "at": now - timedelta(days=SESSIONS - i)}
             for i, session in enumerate(sessions) for n, r in enumerate(registrations) if n % 2 == 0])
    engine.dispose()
    return event_id, token


def measure(database_url: str, event_id: int, token: str) -> dict:
    from leye_events import create_app
    from leye_events.extensions import db

    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False,
                      "SQLALCHEMY_DATABASE_URI": database_url})
    client = app.test_client()
    url = f"/api/v1/events/{event_id}/attendance?format=csv"
    headers = {"Authorization": f"Bearer {token}"}
    statements = []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(1))

    def download() -> int:
        response = client.get(url, headers=headers)
        assert response.status_code == 200, response.status_code
        size = 0
        for chunk in response.response:  # consume the stream as a server would
            size += len(chunk)
        response.close()
        return size

    download()  # warm up (imports, connection)
    statements.clear()
    started = time.perf_counter()
    size = download()
    seconds = time.perf_counter() - started
    queries = len(statements)
    tracemalloc.start()
    download()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    with app.app_context():
        db.engine.dispose()
    return {"seconds": seconds, "peak_mib": peak / 2**20, "bytes": size, "queries": queries}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 20000])
    parser.add_argument("--postgres", action="store_true", help="use a fresh PostgreSQL database per size")
    args = parser.parse_args()
    print(f"Attendance CSV export, {SESSIONS} sessions, {'PostgreSQL' if args.postgres else 'SQLite'}; {machine()}")
    print(f"{'rows':>7}  {'time':>8}  {'peak memory':>12}  {'queries':>7}  {'size':>9}")
    for rows in args.sizes:
        if args.postgres:
            with fresh_database() as url:
                migrate(url)
                figures = measure(url, *populate(url, rows))
        else:
            with tempfile.TemporaryDirectory() as folder:
                url = f"sqlite:///{folder}/bench.sqlite3"
                migrate(url)
                figures = measure(url, *populate(url, rows))
        print(f"{rows:>7}  {figures['seconds']:>7.2f}s  {figures['peak_mib']:>9.2f} MiB  {figures['queries']:>7}  "
              f"{figures['bytes'] / 1024:>6.0f} KiB")


if __name__ == "__main__":
    main()
