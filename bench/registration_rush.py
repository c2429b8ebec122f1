"""Benchmark: a rush of registrations against gunicorn (4 workers) on PostgreSQL.

Creates a fresh database, an event with 200 seats and 1,000 seekers with API tokens, then fires
all registrations from 32 concurrent clients. Prints throughput and latency, checks the result
(exactly 200 confirmed, waitlist positions 1..800, the event's counters equal to both), and measures the app's trivial health
endpoint on the same server in the same run as the ceiling.

    .venv/bin/python bench/registration_rush.py [--seekers 1000] [--capacity 200] [--concurrency 32]
"""
import argparse
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

from bench.common import (  # noqa: E402
    drive,
    fresh_database,
    gunicorn,
    health_calls,
    insert_event,
    insert_seekers,
    insert_tokens,
    migrate,
    print_memory,
    print_run,
    summary,
)


def populate(database_url: str, seekers: int, capacity: int) -> tuple[int, list[str]]:
    """An event a week ahead with ``capacity`` seats and ``seekers`` seekers with tokens; (event id, tokens)."""
    engine = create_engine(database_url)
    with engine.begin() as conn:
        event_id = insert_event(conn, capacity=capacity, starts_in=timedelta(days=7))
        tokens = insert_tokens(conn, insert_seekers(conn, seekers, generate_password_hash("bench-password")))
    engine.dispose()
    return event_id, tokens


def check(database_url: str, event_id: int) -> tuple[int, bool, int, int, int]:
    """(confirmed, waitlist dense, waitlisted, the event row's seat counter, its waitlist counter)."""
    engine = create_engine(database_url)
    with engine.connect() as conn:
        counter, waitlist_counter = conn.execute(
            text("SELECT seats_taken, waitlist_length FROM events WHERE id = :e"), {"e": event_id}).one()
        confirmed = conn.execute(text(
            "SELECT count(*) FROM registrations WHERE event_id = :e AND status = 'confirmed'"), {"e": event_id}).scalar_one()
        positions = conn.execute(text(
            "SELECT waitlist_position FROM registrations WHERE event_id = :e AND status = 'waitlisted' "
            "ORDER BY waitlist_position"), {"e": event_id}).scalars().all()
    engine.dispose()
    return confirmed, positions == list(range(1, len(positions) + 1)), len(positions), counter, waitlist_counter


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
            print_memory(base)
        confirmed, dense, waitlisted, counter, waitlist_counter = check(url, event_id)

    statuses = Counter(status for status, _ in results)
    expected_waitlist = args.seekers - args.capacity
    print_run(f"registration rush: {args.seekers} seekers, {args.capacity} seats, {args.concurrency} clients, "
              f"gunicorn -w {args.workers}, PostgreSQL", "POST registrations", rush, ceiling, statuses)
    print(f"confirmed: {confirmed} (must be {args.capacity}); the event's seat counter: {counter} (must be equal)")
    print(f"confirmed per second: {confirmed / rush['requests'] * rush['per_second']:.1f}")
    print(f"waitlist: {waitlisted} positions, dense 1..{waitlisted}: {dense} (must be 1..{expected_waitlist}); "
          f"the event's waitlist counter: {waitlist_counter} (must be equal)")
    ok = (confirmed == args.capacity == counter and dense and waitlisted == expected_waitlist == waitlist_counter
          and statuses == {201: args.seekers})
    print("RESULT:", "correct" if ok else "WRONG")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
