"""Benchmark: eight doors checking in a 2,000-person event against gunicorn (4 workers) on PostgreSQL.

Creates a fresh database with an event whose door is open now and 2,000 confirmed registrations;
eight door accounts (eight concurrent clients) each scan their share once, then 10% of the tickets
again (scans of other doors' tickets). Prints throughput, latency, exact outcome counts (ok must be
2,000) and the app's trivial health endpoint on the same server in the same run as the ceiling.

    .venv/bin/python bench/checkin.py [--tickets 2000] [--doors 8]
"""
import argparse
import random
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text  # noqa: E402

from bench.common import (  # noqa: E402
    drive,
    event_station,
    fresh_database,
    gunicorn,
    health_calls,
    insert_event,
    insert_seekers,
    insert_staff,
    insert_tickets,
    insert_tokens,
    migrate,
    print_memory,
    print_run,
    summary,
)


def populate(database_url: str, tickets: int, doors: int) -> tuple[int, list[str], list[str]]:
    """An event whose door is open now, ``tickets`` confirmed registrations and ``doors`` door accounts
    with tokens; (event id, ticket codes, door tokens)."""
    engine = create_engine(database_url)
    with engine.begin() as conn:
        event_id = insert_event(conn, capacity=tickets, starts_in=timedelta(minutes=-30), station_kind="university")
        codes = insert_tickets(conn, event_id, insert_seekers(conn, tickets))
        tokens = insert_tokens(conn, insert_staff(conn, "door", doors, event_station(conn, event_id)))
    engine.dispose()
    return event_id, codes, tokens


def logged_successes(database_url: str, event_id: int) -> int:
    engine = create_engine(database_url)
    with engine.connect() as conn:
        count = conn.execute(text("SELECT count(*) FROM checkins WHERE event_id = :e AND result = 'ok'"),
                             {"e": event_id}).scalar_one()
    engine.dispose()
    return count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=int, default=2000)
    parser.add_argument("--doors", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    rng = random.Random(7)

    with fresh_database() as url:
        migrate(url)
        event_id, codes, tokens = populate(url, args.tickets, args.doors)
        # Each door scans its share; then 10% of all tickets come round again at a random door.
        plan = [(i % args.doors, code) for i, code in enumerate(codes)]
        rng.shuffle(plan)
        plan += [(rng.randrange(args.doors), code) for code in rng.sample(codes, args.tickets // 10)]

        with gunicorn(url, args.workers) as base:
            drive(health_calls(base, 200), args.doors)

            def scan(door, code):
                def call(session):
                    response = session.post(f"{base}/api/v1/checkins", timeout=60,
                                            json={"code": code, "event_id": event_id, "gate": f"门{door}"},
                                            headers={"Authorization": f"Bearer {tokens[door]}"})
                    return response.status_code, response.json().get("result")
                return call

            results, latencies, wall = drive([scan(d, c) for d, c in plan], args.doors)
            scans = summary(latencies, wall)
            _, ceiling_latencies, ceiling_wall = drive(health_calls(base, len(plan)), args.doors)
            ceiling = summary(ceiling_latencies, ceiling_wall)
            print_memory(base)
        logged = logged_successes(url, event_id)

    outcomes = Counter(result for _, result in results)
    statuses = Counter(status for status, _ in results)
    print_run(f"check-in: {args.tickets} tickets, {args.doors} doors, {len(plan)} scans (10% repeats), "
              f"gunicorn -w {args.workers}, PostgreSQL", "POST /api/v1/checkins", scans, ceiling, statuses)
    print(f"outcomes: ok={outcomes['ok']} (must be {args.tickets}), "
          f"already_checked_in={outcomes['already_checked_in']} (must be {args.tickets // 10}), "
          f"other={sum(v for k, v in outcomes.items() if k not in ('ok', 'already_checked_in'))}")
    print(f"successful check-ins in the log: {logged}")
    ok = outcomes["ok"] == args.tickets == logged and outcomes["already_checked_in"] == args.tickets // 10
    print("RESULT:", "correct" if ok else "WRONG")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
