"""In-process CPU per request of the pages bench/pages.py serves, next to the trivial health endpoint.

Unlike the load benchmarks this does not depend on what else the machine runs: it fills a fresh
PostgreSQL database as bench/pages.py does (300 events), builds the app in this process as gunicorn's
workers do, and measures ``time.process_time`` (this process's CPU: the app, SQLAlchemy, psycopg's
client side; not PostgreSQL's) over N requests through Flask's test client. It prints CPU ms per request,
SQL statements per request and, with ``--profile``, a cProfile of one page.

    .venv/bin/python bench/page_cpu.py [--requests 300] [--events 300] [--profile home|home-miss|event|door|health]
"""
import argparse
import cProfile
import itertools
import os
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy import event as sa_event  # noqa: E402

from bench.common import fresh_database, migrate, server_env  # noqa: E402
from bench.pages import populate, session_cookie  # noqa: E402


def build_app(database_url: str):
    """The app as a gunicorn worker builds it (the bench server's environment)."""
    saved = dict(os.environ)
    os.environ.update(server_env(database_url))
    try:
        from leye_events import create_app

        return create_app()
    finally:
        os.environ.clear()
        os.environ.update(saved)


def paths_of(path: str):
    """``path`` again and again; one ending in ``=`` gets a new number each time (never in the page cache)."""
    return (f"{path}{i}" for i in itertools.count()) if path.endswith("=") else itertools.repeat(path)


def measure(client, path: str, count: int, engine) -> tuple[float, float, float, int]:
    """(CPU ms per request, of which rendering templates, wall ms per request, SQL statements per request)
    over ``count`` GETs of ``paths_of(path)``."""
    from flask import before_render_template, template_rendered

    statements, rendering, render_started = 0, 0.0, []

    def count_statement(*_args):
        nonlocal statements
        statements += 1

    def render_starts(*_args, **_kwargs):
        render_started.append(time.process_time())

    def render_ends(*_args, **_kwargs):
        nonlocal rendering
        rendering += time.process_time() - render_started.pop()

    sa_event.listen(engine, "before_cursor_execute", count_statement)
    before_render_template.connect(render_starts)
    template_rendered.connect(render_ends)
    paths = paths_of(path)
    try:
        response = client.get(next(paths))
        assert response.status_code == 200, (path, response.status_code)
        statements, rendering = 0, 0.0
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in range(count):
            client.get(next(paths))
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    finally:
        sa_event.remove(engine, "before_cursor_execute", count_statement)
        before_render_template.disconnect(render_starts)
        template_rendered.disconnect(render_ends)
    return cpu * 1000 / count, rendering * 1000 / count, wall * 1000 / count, statements // count


def timed_statements(client, path: str, engine) -> list[tuple[float, str]]:
    """Each statement of one GET of ``path`` with its wall time (client and server)."""
    timed, started = [], []

    def before(conn, cursor, statement, *_args):
        started.append(time.perf_counter())

    def after(conn, cursor, statement, *_args):
        timed.append((time.perf_counter() - started.pop(), statement))

    sa_event.listen(engine, "before_cursor_execute", before)
    sa_event.listen(engine, "after_cursor_execute", after)
    try:
        client.get(path)
    finally:
        sa_event.remove(engine, "before_cursor_execute", before)
        sa_event.remove(engine, "after_cursor_execute", after)
    return timed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--events", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3, help="best of this many rounds per page")
    parser.add_argument("--profile", choices=("home", "home-miss", "event", "door", "health"))
    parser.add_argument("--lang", default="", help="?lang=en to measure the English pages")
    parser.add_argument("--dump", help="with --profile: also write the raw profile to this file (pstats)")
    parser.add_argument("--sql", action="store_true", help="print each page's statements with their wall times")
    args = parser.parse_args()

    with fresh_database() as url:
        migrate(url)
        event_id, _, login_id = populate(url, args.events)
        analyze = create_engine(url, isolation_level="AUTOCOMMIT")  # planner statistics, as bench.common.gunicorn
        with analyze.connect() as conn:
            conn.execute(text("ANALYZE"))
        analyze.dispose()
        cookie = session_cookie(url, login_id)
        app = build_app(url)
        suffix = f"?lang={args.lang}" if args.lang else ""
        # "home" as served, from the page cache after the first request (PAGE_CACHE_SECONDS); "home-miss"
        # built each time, as for the first visitor after the cache expired.
        pages = {"health": ("/api/v1/health", False), "home": ("/" + suffix, False),
                 "home-miss": ("/" + (suffix + "&" if suffix else "?") + "visit=", False),
                 "event": (f"/events/{event_id}{suffix}", False), "door": (f"/door/{event_id}{suffix}", True)}
        anonymous, door = app.test_client(), app.test_client()
        door.set_cookie("session", cookie)
        with app.app_context():
            from leye_events.extensions import db

            engine = db.engine
        print(f"in-process, {args.events} events, {args.requests} requests per page, best of {args.rounds}")
        for name, (path, logged_in) in pages.items():
            client = door if logged_in else anonymous
            rounds = [measure(client, path, args.requests, engine) for _ in range(args.rounds)]
            cpu, rendering, wall, statements = min(rounds)
            print(f"{name:>9} {path:<28} CPU {cpu:6.2f} ms/request (templates {rendering:5.2f})  "
                  f"wall {wall:6.2f} ms  SQL {statements}")
        if args.sql:
            for name, (path, logged_in) in pages.items():
                print(f"--- {name}")
                for duration, statement in timed_statements(door if logged_in else anonymous, path, engine):
                    print(f"{duration * 1000:7.2f} ms  {' '.join(statement.split())[:160]}")
        if args.profile:
            path, logged_in = pages[args.profile]
            client = door if logged_in else anonymous
            profiler = cProfile.Profile(time.process_time)  # CPU, not the wait for PostgreSQL
            paths = paths_of(path)
            profiler.enable()
            for _ in range(args.requests):
                client.get(next(paths))
            profiler.disable()
            if args.dump:
                profiler.dump_stats(args.dump)
            stats = pstats.Stats(profiler).sort_stats("tottime")
            stats.print_stats(25)
            stats.sort_stats("cumulative").print_stats(40)
    return 0


if __name__ == "__main__":
    sys.exit(main())
