"""Memory of a web worker: after importing the app, after check-ins, registrations and the pages.

Two measurements on one fresh PostgreSQL database (migrated, with a door-open event and its tickets, an event
to register for, and 30 events for the pages):

1. In a fresh interpreter that imports ``app`` as a gunicorn worker does and then serves the hot paths by
   calling the WSGI app directly (no test client, whose imports a worker never makes): RSS, high-water
   (VmHWM), PSS and USS after each phase, the modules loaded at start by package, and the modules each phase
   loaded on first use.
2. The same requests over HTTP against ``gunicorn -w 2`` (as bench/common.gunicorn serves): each worker's
   RSS, high-water, PSS and USS after each phase. RSS counts the pages a worker shares with the master and
   its siblings; PSS divides them among the sharers; USS is what the worker alone holds.

No timings: memory does not depend on the machine's load. Figures in MiB.

    .venv/bin/python bench/memory.py [--requests 200] [--skip-gunicorn]
"""
import argparse
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ROOT = Path(__file__).resolve().parent.parent
PHASES = ("check-ins", "registrations", "pages")


def process_memory(pid: int | str = "self") -> dict:
    """RSS, high-water RSS, PSS and USS of a process, in MiB (Linux /proc)."""
    status = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            status[key] = int(value.split()[0])
    rollup = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        key, _, value = line.partition(":")
        rollup[key] = int(value.split()[0])
    return {"rss": status["VmRSS"] / 1024, "hwm": status["VmHWM"] / 1024, "pss": rollup["Pss"] / 1024,
            "uss": (rollup["Private_Clean"] + rollup["Private_Dirty"]) / 1024}


def format_memory(figures: dict) -> str:
    return (f"RSS {figures['rss']:5.1f}  high-water {figures['hwm']:5.1f}  PSS {figures['pss']:5.1f}  "
            f"USS {figures['uss']:5.1f}")


def packages(modules) -> str:
    """``modules`` counted by top-level package, largest first; single-module ones summed at the end."""
    counts = Counter(name.split(".")[0] for name in modules)
    listed = [f"{name} {count}" for name, count in counts.most_common() if count > 1]
    singles = [name for name, count in counts.items() if count == 1]
    return ", ".join(listed + ([f"{len(singles)} single modules ({', '.join(sorted(singles)[:12])}…)"]
                               if len(singles) > 12 else sorted(singles)))


# --- the measured process -----------------------------------------------------------------------------

def call_wsgi(app, method: str, path: str, *, body: bytes = b"", headers: dict | None = None) -> int:
    """Answer one request through the WSGI callable, as gunicorn's sync worker does; the status code."""
    from io import BytesIO

    environ = {
        "REQUEST_METHOD": method, "SCRIPT_NAME": "", "PATH_INFO": path, "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1:8000", "wsgi.version": (1, 0), "wsgi.url_scheme": "http",
        "wsgi.input": BytesIO(body), "wsgi.errors": sys.stderr, "wsgi.multithread": False,
        "wsgi.multiprocess": True, "wsgi.run_once": False, "CONTENT_LENGTH": str(len(body)),
    }
    if body:
        environ["CONTENT_TYPE"] = "application/json"
    for name, value in (headers or {}).items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    answered = []
    result = app(environ, lambda status, response_headers, exc_info=None: answered.append(status))
    try:
        for _ in result:
            pass
    finally:
        if hasattr(result, "close"):
            result.close()
    return int(answered[0].split()[0])


def requests_of(plan: dict):
    """The requests of each phase: (method, path, JSON body or None, headers)."""
    doors = plan["door_tokens"]
    yield "check-ins", [
        ("POST", "/api/v1/checkins", {"code": code, "event_id": plan["checkin_event"], "gate": "门1"},
         {"Authorization": f"Bearer {doors[i % len(doors)]}"}) for i, code in enumerate(plan["codes"])]
    yield "registrations", [
        ("POST", f"/api/v1/events/{plan['rush_event']}/registrations", None, {"Authorization": f"Bearer {token}"})
        for token in plan["seeker_tokens"]]
    pages = []
    for _ in range(plan["page_requests"]):
        pages += [("GET", "/", None, {}), ("GET", f"/events/{plan['page_event']}", None, {}),
                  ("GET", f"/door/{plan['page_event']}", None, {"Cookie": f"session={plan['cookie']}"})]
    yield "pages", pages


def measured_child() -> None:
    """Import the app, serve each phase in-process, print the figures (the plan comes on stdin)."""
    plan = json.loads(sys.stdin.read())
    print(f"  interpreter only:          {format_memory(process_memory())}")
    started = set(sys.modules)
    from app import app

    loaded = set(sys.modules)
    print(f"  after importing the app:   {format_memory(process_memory())}  modules {len(loaded)}")
    print(f"    loaded by the app: {packages(loaded - started)}")
    for phase, calls in requests_of(plan):
        statuses = Counter()
        for method, path, payload, headers in calls:
            body = json.dumps(payload).encode() if payload is not None else b""
            statuses[call_wsgi(app, method, path, body=body, headers=headers)] += 1
        now = set(sys.modules)
        print(f"  after {phase + ':':<20} {format_memory(process_memory())}  statuses {dict(statuses)}")
        if now - loaded:
            print(f"    loaded on first use: {packages(now - loaded)}")
        loaded = now


# --- the driver -----------------------------------------------------------------------------------------

def populate(url: str, count: int) -> dict:
    """The three benchmarks' data side by side in one database; the plan of the measured requests."""
    from datetime import timedelta

    from sqlalchemy import create_engine, text

    from bench import pages
    from bench.common import event_station, insert_event, insert_seekers, insert_staff, insert_tickets, insert_tokens

    def rename_station(conn, slug):  # insert_event names every station "bench"
        conn.execute(text("UPDATE stations SET slug = :slug WHERE slug = 'bench'"), {"slug": slug})

    page_event, page_door, login_id = pages.populate(url, 30)
    engine = create_engine(url)
    with engine.begin() as conn:
        rename_station(conn, "bench-pages")
        conn.execute(text("UPDATE users SET email = 'pages-' || email WHERE id = :u"), {"u": page_door})
        rush_event = insert_event(conn, capacity=max(count // 5, 1), starts_in=timedelta(days=7))
        rename_station(conn, "bench-rush")
        seekers = insert_seekers(conn, count)
        seeker_tokens = insert_tokens(conn, seekers)
        checkin_event = insert_event(conn, capacity=count, starts_in=timedelta(minutes=-30), station_kind="university")
        codes = insert_tickets(conn, checkin_event, seekers)
        doors = [d for d in insert_staff(conn, "door", 2, event_station(conn, checkin_event)) if d != page_door]
        door_tokens = insert_tokens(conn, doors)
    engine.dispose()
    return {"checkin_event": checkin_event, "codes": codes, "door_tokens": door_tokens,
            "rush_event": rush_event, "seeker_tokens": seeker_tokens, "page_event": page_event,
            "cookie": pages.session_cookie(url, login_id), "page_requests": max(count // 6, 1)}


def measure_in_process(url: str, plan: dict) -> None:
    from bench.common import compile_app, server_env

    compile_app()
    print("one interpreter importing the app, then serving each phase through the WSGI callable:")
    subprocess.run([sys.executable, __file__, "--child"], input=json.dumps(plan), text=True, cwd=ROOT,
                   env={**server_env(url), "PYTHONPATH": str(ROOT)}, check=True)


def measure_gunicorn(url: str, plan: dict, workers: int) -> None:
    import requests

    from bench.common import _servers, drive, gunicorn

    print(f"gunicorn -w {workers} (no --preload), each worker:")
    with gunicorn(url, workers) as base:
        master = _servers[base].pid

        def report(label):
            children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
            for pid in children:
                print(f"  {label + ':':<26} {format_memory(process_memory(pid))}  (pid {pid})")
            print(f"  {'':<26} master: {format_memory(process_memory(master))}")

        report("after start")
        for phase, calls in requests_of(plan):
            def call(method, path, payload, headers):
                def run(session: requests.Session):
                    response = session.request(method, base + path, json=payload, headers=headers, timeout=60)
                    return response.status_code, None
                return run

            results, _, _ = drive([call(*c) for c in calls], workers)
            report(f"after {phase}")
            print(f"  {'':<26} statuses {dict(Counter(status for status, _ in results))}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=200, help="check-ins and registrations of each run")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--skip-gunicorn", action="store_true")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        measured_child()
        return 0

    from bench.common import fresh_database, machine, migrate

    print(f"memory of a web worker, MiB; machine: {machine()}")
    with fresh_database() as url:
        migrate(url)
        measure_in_process(url, populate(url, args.requests))
    if not args.skip_gunicorn:
        with fresh_database() as url:  # the first run wrote its check-ins and registrations
            migrate(url)
            measure_gunicorn(url, populate(url, args.requests), args.workers)
    return 0


if __name__ == "__main__":
    sys.exit(main())
