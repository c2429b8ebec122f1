"""Benchmark: a rush of registrations against gunicorn (4 workers) on PostgreSQL.

Creates a fresh database, an event with 200 seats and 1,000 seekers with API tokens, then fires
all registrations from 32 concurrent clients. Prints throughput and latency, checks the result
(exactly 200 confirmed, waitlist positions 1..800), and measures the app's trivial health
endpoint on the same server in the same run as the ceiling.

    .venv/bin/python bench/registration_rush.py [--seekers 1000] [--capacity 200] [--concurrency 32]
"""
import argparse
import hashlib
import secrets
import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

from bench.common import (  # noqa: E402
    drive,
    format_row,
    fresh_database,
    gunicorn,
    health_calls,
    machine,
    migrate,
    summary,
)
from leye_events.core.timeutil import utcnow  # noqa: E402


def populate(database_url: str, seekers: int, capacity: int) -> tuple[int, list[str]]:
    """Insert a station, a published event and ``seekers`` seekers with tokens; return (event id, tokens)."""
    engine = create_engine(database_url)
    password_hash = generate_password_hash("bench-password")
    now = utcnow().replace(tzinfo=None)
    tokens = [secrets.token_urlsafe(32) for _ in range(seekers)]
    with engine.begin() as conn:
        station_id = conn.execute(text(
            "INSERT INTO stations (slug, name, kind, address, created_at) "
            "VALUES ('bench', '压测乐业空间', 'sub-district', '', :now) RETURNING id"), {"now": now}).scalar_one()
        event_id = conn.execute(text(
            "INSERT INTO events (station_id, kind, title, description, venue, capacity, status, revision, "
            "waitlist_enabled, created_at, updated_at, published_at) VALUES (:station, 'job_fair', '压测招聘会', '', "
            "'体育馆', :capacity, 'published', 0, true, :now, :now, :now) RETURNING id"),
            {"station": station_id, "capacity": capacity, "now": now}).scalar_one()
        conn.execute(text("INSERT INTO sessions (event_id, title, starts_at, ends_at) VALUES (:e, '', :s, :t)"),
                     {"e": event_id, "s": now + timedelta(days=7), "t": now + timedelta(days=7, hours=4)})
        users = [{"name": f"求职者{i}", "phone": f"136{i:08d}", "hash": password_hash, "now": now} for i in range(seekers)]
        conn.execute(text(
            "INSERT INTO users (role, name, phone, password_hash, category, active, created_at, consent_at, consent_version) "
            "VALUES ('seeker', :name, :phone, :hash, 'student', true, :now, :now, 'bench')"), users)
        ids = conn.execute(text("SELECT id FROM users WHERE role = 'seeker' ORDER BY id")).scalars().all()
        conn.execute(text("INSERT INTO api_tokens (user_id, token_hash, label, created_at) VALUES (:u, :h, 'bench', :now)"),
                     [{"u": uid, "h": hashlib.sha256(tok.encode()).hexdigest(), "now": now} for uid, tok in zip(ids, tokens, strict=True)])
    engine.dispose()
    return event_id, tokens


def check(database_url: str, event_id: int) -> tuple[int, bool, int]:
    engine = create_engine(database_url)
    with engine.connect() as conn:
        confirmed = conn.execute(text(
            "SELECT count(*) FROM registrations WHERE event_id = :e AND status = 'confirmed'"), {"e": event_id}).scalar_one()
        positions = conn.execute(text(
            "SELECT waitlist_position FROM registrations WHERE event_id = :e AND status = 'waitlisted' "
            "ORDER BY waitlist_position"), {"e": event_id}).scalars().all()
    engine.dispose()
    return confirmed, positions == list(range(1, len(positions) + 1)), len(positions)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seekers", type=int, default=1000)
    parser.add_argument("--capacity", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()

    with fresh_database() as url:
        migrate(url)
        event_id, tokens = populate(url, args.seekers, args.capacity)
        with gunicorn(url, args.workers) as base:
            drive(health_calls(base, 200), args.concurrency)  # warm up every worker

            def register(token):
                def call(session):
                    response = session.post(f"{base}/api/v1/events/{event_id}/registrations",
                                            headers={"Authorization": f"Bearer {token}"}, timeout=120)
                    return response.status_code, response.json()
                return call

            results, latencies, wall = drive([register(t) for t in tokens], args.concurrency)
            rush = summary(latencies, wall)
            _, ceiling_latencies, ceiling_wall = drive(health_calls(base, len(tokens) * 2), args.concurrency)
            ceiling = summary(ceiling_latencies, ceiling_wall)
        confirmed, dense, waitlisted = check(url, event_id)

    statuses = {}
    for status, _ in results:
        statuses[status] = statuses.get(status, 0) + 1
    expected_waitlist = args.seekers - args.capacity
    print(f"registration rush: {args.seekers} seekers, {args.capacity} seats, {args.concurrency} clients, "
          f"gunicorn -w {args.workers}, PostgreSQL")
    print(f"machine: {machine()}")
    print(format_row("POST registrations", rush))
    print(format_row("GET /api/v1/health (ceiling)", ceiling))
    print(f"ratio registrations/ceiling: {rush['per_second'] / ceiling['per_second']:.2f}")
    print(f"HTTP statuses: {dict(sorted(statuses.items()))}")
    print(f"confirmed: {confirmed} (must be {args.capacity})")
    print(f"waitlist: {waitlisted} positions, dense 1..{waitlisted}: {dense} (must be 1..{expected_waitlist})")
    ok = confirmed == args.capacity and dense and waitlisted == expected_waitlist and statuses == {201: args.seekers}
    print("RESULT:", "correct" if ok else "WRONG")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
