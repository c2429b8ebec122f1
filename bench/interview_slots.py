"""Benchmark: a rush on interview slots against gunicorn (4 workers) on PostgreSQL.

Creates a fresh database, an interview session with 1,000 seekers holding confirmed registrations
and API tokens, and 50 interview slots of capacity 2 (5 employers × 10 slots); then every seeker
tries to book one slot (slot i mod 50) from 32 concurrent clients. Checks the result (exactly 100
bookings, no slot over capacity, everyone else answered 422 slot_full) and measures the app's trivial
health endpoint on the same server in the same run as the ceiling.

    .venv/bin/python bench/interview_slots.py [--seekers 1000] [--slots 50] [--capacity 2] [--concurrency 32]
"""
import argparse
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text  # noqa: E402

from bench.common import (  # noqa: E402
    drive,
    fresh_database,
    gunicorn,
    health_calls,
    insert_event,
    insert_seekers,
    insert_tokens,
    migrate,
    naive_utcnow,
    print_run,
    summary,
)

EMPLOYERS = 5


def populate(database_url: str, seekers: int, slots: int, capacity: int) -> tuple[list[int], list[str]]:
    """An interview session a week ahead with ``seekers`` confirmed registrants (with tokens) and
    ``slots`` slots of ``capacity``; (slot ids, tokens)."""
    engine = create_engine(database_url)
    now = naive_utcnow()
    with engine.begin() as conn:
        event_id = insert_event(conn, capacity=seekers, starts_in=timedelta(days=7), hours=8)
        conn.execute(text("UPDATE events SET kind = 'interview_session' WHERE id = :e"), {"e": event_id})
        starts = conn.execute(text("SELECT starts_at FROM sessions WHERE event_id = :e"), {"e": event_id}).scalar_one()
        user_ids = insert_seekers(conn, seekers)
        for index, user_id in enumerate(user_ids):
            conn.execute(text(
                "INSERT INTO registrations (event_id, seeker_id, status, ticket_code, walk_in, created_at, updated_at, "
                "confirmed_at) VALUES (:e, :u, 'confirmed', :c, false, :now, :now, :now)"),
                {"e": event_id, "u": user_id, "c": f"bench-{index}", "now": now})
        slot_ids = []
        per_employer = max(slots // EMPLOYERS, 1)
        for e in range(EMPLOYERS):
            employer_id = conn.execute(text(
                "INSERT INTO employers (name, industry, size, park, address, contact_name, contact_phone, created_at) "
                "VALUES (:n, '', '', '', '', '', '', :now) RETURNING id"), {"n": f"压测单位{e}", "now": now}).scalar_one()
            conn.execute(text("INSERT INTO booths (event_id, employer_id, booth, created_at) VALUES (:e, :m, '', :now)"),
                         {"e": event_id, "m": employer_id, "now": now})
            for i in range(per_employer):
                if len(slot_ids) == slots:
                    break
                start = starts + timedelta(minutes=15 * i)
                slot_ids.append(conn.execute(text(
                    "INSERT INTO interview_slots (event_id, employer_id, starts_at, ends_at, capacity, created_at) "
                    "VALUES (:e, :m, :s, :t, :c, :now) RETURNING id"),
                    {"e": event_id, "m": employer_id, "s": start, "t": start + timedelta(minutes=15), "c": capacity,
                     "now": now}).scalar_one())
        tokens = insert_tokens(conn, user_ids)
    engine.dispose()
    return slot_ids, tokens


def check(database_url: str, slot_ids: list[int], capacity: int) -> tuple[int, int]:
    """(bookings, slots over capacity)."""
    engine = create_engine(database_url)
    with engine.connect() as conn:
        counts = conn.execute(text(
            "SELECT slot_id, count(*) FROM interview_bookings WHERE status = 'booked' GROUP BY slot_id")).all()
    engine.dispose()
    return sum(c for _, c in counts), sum(1 for _, c in counts if c > capacity)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seekers", type=int, default=1000)
    parser.add_argument("--slots", type=int, default=50)
    parser.add_argument("--capacity", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()

    with fresh_database() as url:
        migrate(url)
        slot_ids, tokens = populate(url, args.seekers, args.slots, args.capacity)
        with gunicorn(url, args.workers) as base:
            drive(health_calls(base, 200), args.concurrency)  # warm up every worker

            def book(slot_id, token):
                def call(session):
                    response = session.post(f"{base}/api/v1/interview-slots/{slot_id}/bookings",
                                            headers={"Authorization": f"Bearer {token}"}, timeout=120)
                    return response.status_code, response.json()
                return call

            calls = [book(slot_ids[i % len(slot_ids)], t) for i, t in enumerate(tokens)]
            results, latencies, wall = drive(calls, args.concurrency)
            rush = summary(latencies, wall)
            _, ceiling_latencies, ceiling_wall = drive(health_calls(base, len(tokens) * 2), args.concurrency)
            ceiling = summary(ceiling_latencies, ceiling_wall)
        bookings, over = check(url, slot_ids, args.capacity)

    statuses = Counter(status for status, _ in results)
    expected = min(len(slot_ids) * args.capacity, args.seekers)
    full = sum(1 for status, body in results if status == 422 and body["error"]["code"] == "slot_full")
    print_run(f"interview-slot rush: {args.seekers} seekers, {len(slot_ids)} slots × {args.capacity}, "
              f"{args.concurrency} clients, gunicorn -w {args.workers}, PostgreSQL", "POST bookings", rush, ceiling,
              statuses)
    print(f"bookings: {bookings} (must be {expected}); slots over capacity: {over} (must be 0)")
    ok = bookings == expected and over == 0 and statuses[201] == expected and full == args.seekers - expected
    print("RESULT:", "correct" if ok else "WRONG")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
