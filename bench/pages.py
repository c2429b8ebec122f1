"""Benchmark: the pages people open most — the home page (catalogue), an event page and the door
page — at 8 clients against gunicorn (4 workers) on PostgreSQL, each next to the trivial health
endpoint measured on the same server in the same run.

Creates a fresh database with 300 published events (30 stations' worth of listings, 3 sessions each)
and a door volunteer logged in through a real login session (cookie signed with the server's key).

    .venv/bin/python bench/pages.py [--requests 2000] [--clients 8] [--events 300]
"""
import argparse
import hashlib
import secrets
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text  # noqa: E402

from bench.common import (  # noqa: E402
    drive,
    format_row,
    fresh_database,
    gunicorn,
    health_calls,
    insert_event,
    insert_staff,
    machine,
    migrate,
    naive_utcnow,
    print_memory,
    server_env,
    summary,
)


def populate(database_url: str, events: int) -> tuple[int, int, str]:
    """``events`` published events (three sessions each, the first open now) and a door volunteer;
    (an event id, the volunteer's id, their login id ``"<id>:<secret>"``)."""
    engine = create_engine(database_url)
    now = naive_utcnow()
    with engine.begin() as conn:
        first = insert_event(conn, capacity=500, starts_in=timedelta(minutes=-30))
        station = conn.execute(text("SELECT station_id FROM events WHERE id = :e"), {"e": first}).scalar_one()
        for n in range(events - 1):
            event_id = conn.execute(text(
                "INSERT INTO events (station_id, kind, title, description, venue, capacity, status, revision, "
                "waitlist_enabled, created_at, updated_at, published_at) VALUES (:s, 'salon', :t, '介绍', '杨浦区', "
                "30, 'published', 0, true, :now, :now, :now) RETURNING id"),
                {"s": station, "t": f"职场沙龙 {n}", "now": now}).scalar_one()
            conn.execute(text("INSERT INTO sessions (event_id, title, starts_at, ends_at) VALUES (:e, :t, :s, :u)"),
                         [{"e": event_id, "t": f"第{i + 1}场", "s": now + timedelta(days=1 + n % 30, hours=i),
                           "u": now + timedelta(days=1 + n % 30, hours=i + 1)} for i in range(3)])
        door = insert_staff(conn, "door", 1, station)[0]
        secret = secrets.token_urlsafe(32)
        conn.execute(text("INSERT INTO login_sessions (user_id, secret_hash, created_at, expires_at, user_agent) "
                          "VALUES (:u, :h, :now, :exp, 'bench')"),
                     {"u": door, "h": hashlib.sha256(secret.encode()).hexdigest(), "now": now,
                      "exp": now + timedelta(days=1)})
    engine.dispose()
    return first, door, f"{door}:{secret}"


def session_cookie(database_url: str, login_id: str) -> str:
    """Flask's session cookie for a logged-in ``login_id``, signed as the bench server signs it."""
    import os

    from leye_events import create_app

    saved = dict(os.environ)
    os.environ.update(server_env(database_url))
    try:
        app = create_app()
    finally:
        os.environ.clear()
        os.environ.update(saved)
    serializer = app.session_interface.get_signing_serializer(app)
    return serializer.dumps({"_user_id": login_id, "_fresh": True})


def page_calls(url: str, count: int, cookie: str | None = None):
    cookies = {"session": cookie} if cookie else None

    def call(session):
        response = session.get(url, timeout=60, cookies=cookies)
        return response.status_code, None

    return [call] * count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--events", type=int, default=300)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()

    with fresh_database() as url:
        migrate(url)
        event_id, _, login_id = populate(url, args.events)
        cookie = session_cookie(url, login_id)
        pages = {"GET / (home)": ("/", None), f"GET /events/{event_id}": (f"/events/{event_id}", None),
                 f"GET /door/{event_id} (door page)": (f"/door/{event_id}", cookie)}
        figures, statuses = {}, Counter()
        with gunicorn(url, args.workers) as base:
            drive(health_calls(base, 200), args.clients)
            for label, (path, page_cookie) in pages.items():
                drive(page_calls(base + path, 50, page_cookie), args.clients)  # warm up
                results, latencies, wall = drive(page_calls(base + path, args.requests, page_cookie), args.clients)
                figures[label] = summary(latencies, wall)
                statuses.update(f"{label}: {status}" for status, _ in results)
            _, latencies, wall = drive(health_calls(base, args.requests), args.clients)
            ceiling = summary(latencies, wall)
            print_memory(base)

    print(f"pages: {args.events} events, {args.clients} clients, gunicorn -w {args.workers}, PostgreSQL")
    print(f"machine: {machine()}")
    for label, row in figures.items():
        print(format_row(label, row) + f"  ({row['per_second'] / ceiling['per_second']:.2f} of the ceiling)")
    print(format_row("GET /api/v1/health (ceiling)", ceiling))
    print(f"HTTP statuses: {dict(sorted(statuses.items()))}")
    ok = all(key.endswith(": 200") for key in statuses)
    print("RESULT:", "correct" if ok else "WRONG")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
