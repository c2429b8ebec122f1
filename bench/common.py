"""Shared pieces of the benchmarks: a fresh PostgreSQL database, a gunicorn server, a load driver."""
import hashlib
import os
import platform
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
PYTHON_BIN = Path(sys.executable).parent
DEFAULT_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


@contextmanager
def fresh_database(admin_url: str = DEFAULT_ADMIN_URL, keep: bool = False):
    """Create an empty PostgreSQL database, yield its URL, drop it afterwards."""
    name = "leye_bench_" + uuid.uuid4().hex[:8]
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    url = admin_url.rsplit("/", 1)[0] + "/" + name
    try:
        yield url
    finally:
        if not keep:
            with admin.connect() as conn:
                conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


def server_env(database_url: str) -> dict:
    env = dict(os.environ)
    env.update(DATABASE_URL=database_url, SECRET_KEY="bench-secret", FLASK_RATELIMIT_ENABLED="false")
    return env


def compile_app() -> None:
    """Byte-compile the app's modules, as a deployment has them: a worker then loads each module instead of
    compiling its source at start (a machine with PYTHONDONTWRITEBYTECODE set never keeps them; compiling costs
    each worker ~1 MiB more, left over from the compiler's work)."""
    import compileall

    compileall.compile_dir(str(ROOT / "leye_events"), quiet=1)
    compileall.compile_file(str(ROOT / "app.py"), quiet=1)


def migrate(database_url: str) -> None:
    subprocess.run([str(PYTHON_BIN / "flask"), "--app", "app", "db", "upgrade"], cwd=ROOT,
                   env=server_env(database_url), check=True, capture_output=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn(database_url: str, workers: int = 4):
    """Serve the app with gunicorn on a free port; yield its base URL.

    The data the bench wrote is ANALYZEd first: a database in service has planner statistics (autovacuum
    keeps them), a freshly filled one does not, and without them PostgreSQL picks nested loops over
    hundreds of rows (the home page's query took 18 ms instead of 1.6 ms)."""
    engine = create_engine(database_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("ANALYZE"))
    engine.dispose()
    compile_app()
    port = free_port()
    process = subprocess.Popen(
        [str(PYTHON_BIN / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}", "--log-level", "warning",
         "app:app"],
        cwd=ROOT, env=server_env(database_url),
    )
    base = f"http://127.0.0.1:{port}"
    _servers[base] = process
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(base + "/api/v1/health", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not start")
        yield base
    finally:
        _servers.pop(base, None)
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


_servers: dict[str, subprocess.Popen] = {}


def _status_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def worker_memory(base: str) -> list[tuple[int, float, float]]:
    """(pid, RSS MiB, high-water RSS MiB) of each gunicorn worker serving ``base`` (Linux /proc)."""
    master = _servers[base].pid
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [(int(pid), _status_kib(int(pid), "VmRSS") / 1024, _status_kib(int(pid), "VmHWM") / 1024)
            for pid in children]


def print_memory(base: str) -> None:
    """Each worker's resident memory now and at its highest, after the runs."""
    workers = worker_memory(base)
    if not workers:
        return
    rss = [r for _, r, _ in workers]
    hwm = [h for _, _, h in workers]
    print(f"memory per worker after the runs: RSS {min(rss):.1f}–{max(rss):.1f} MiB (mean {sum(rss) / len(rss):.1f}), "
          f"high-water {min(hwm):.1f}–{max(hwm):.1f} MiB")


def drive(calls, concurrency: int):
    """Run the calls (functions taking a requests.Session, returning (status, body)) with
    ``concurrency`` threads; return (results in order, latencies in seconds, wall time)."""
    local = threading.local()
    latencies = [0.0] * len(calls)

    def run(indexed):
        index, call = indexed
        session = getattr(local, "session", None)
        if session is None:
            session = local.session = requests.Session()
        started = time.perf_counter()
        result = call(session)
        latencies[index] = time.perf_counter() - started
        return result

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        results = list(pool.map(run, enumerate(calls)))
    return results, latencies, time.perf_counter() - started


def summary(latencies, wall: float) -> dict:
    ordered = sorted(latencies)
    q = statistics.quantiles(ordered, n=100, method="inclusive")
    return {
        "requests": len(ordered),
        "per_second": len(ordered) / wall,
        "p50_ms": q[49] * 1000,
        "p95_ms": q[94] * 1000,
        "p99_ms": q[98] * 1000,
    }


def format_row(label: str, figures: dict) -> str:
    return (f"{label:<28} {figures['requests']:>6} req  {figures['per_second']:>8.1f}/s  "
            f"p50 {figures['p50_ms']:>7.1f} ms  p95 {figures['p95_ms']:>7.1f} ms  p99 {figures['p99_ms']:>7.1f} ms")


def machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"


def health_calls(base: str, count: int):
    def call(session):
        response = session.get(base + "/api/v1/health", timeout=60)
        return response.status_code, None

    return [call] * count


# --- building benchmark data with plain SQL (fast: no ORM, no password hashing per row) ----------

def insert_event(conn, *, capacity: int, starts_in: timedelta, hours: int = 4, station_kind: str = "sub-district") -> int:
    """A station and a published job fair with one session starting ``starts_in`` from now; its id."""
    now = naive_utcnow()
    station_id = conn.execute(text(
        "INSERT INTO stations (slug, name, kind, address, created_at) "
        "VALUES ('bench', '压测乐业空间', :kind, '', :now) RETURNING id"), {"kind": station_kind, "now": now}).scalar_one()
    event_id = conn.execute(text(
        "INSERT INTO events (station_id, kind, title, description, venue, capacity, status, revision, "
        "waitlist_enabled, created_at, updated_at, published_at) VALUES (:station, 'job_fair', '压测招聘会', '', "
        "'体育馆', :capacity, 'published', 0, true, :now, :now, :now) RETURNING id"),
        {"station": station_id, "capacity": capacity, "now": now}).scalar_one()
    conn.execute(text("INSERT INTO sessions (event_id, title, starts_at, ends_at) VALUES (:e, '', :s, :t)"),
                 {"e": event_id, "s": now + starts_in, "t": now + starts_in + timedelta(hours=hours)})
    return event_id


def event_station(conn, event_id: int) -> int:
    return conn.execute(text("SELECT station_id FROM events WHERE id = :e"), {"e": event_id}).scalar_one()


def insert_seekers(conn, count: int, password_hash: str = "x") -> list[int]:
    """``count`` seekers (phones 136…), all with one password hash; their ids in order."""
    now = naive_utcnow()
    conn.execute(text(
        "INSERT INTO users (role, name, phone, password_hash, category, active, created_at, consent_at, consent_version) "
        "VALUES ('seeker', :name, :phone, :hash, 'student', true, :now, :now, 'bench')"),
        [{"name": f"求职者{i}", "phone": f"136{i:08d}", "hash": password_hash, "now": now} for i in range(count)])
    return conn.execute(text("SELECT id FROM users WHERE role = 'seeker' ORDER BY id")).scalars().all()


def insert_tickets(conn, event_id: int, seeker_ids: list[int]) -> list[str]:
    """A confirmed registration of each seeker for the event (seats counted); their ticket codes, in order."""
    now = naive_utcnow()
    codes = [secrets.token_urlsafe(20) for _ in seeker_ids]
    conn.execute(text(
        "INSERT INTO registrations (event_id, seeker_id, status, ticket_code, walk_in, created_at, updated_at, "
        "confirmed_at) VALUES (:e, :u, 'confirmed', :c, false, :now, :now, :now)"),
        [{"e": event_id, "u": uid, "c": code, "now": now} for uid, code in zip(seeker_ids, codes, strict=True)])
    conn.execute(text("UPDATE events SET seats_taken = seats_taken + :n WHERE id = :e"),
                 {"n": len(seeker_ids), "e": event_id})
    return codes


def insert_staff(conn, role: str, count: int, station_id: int) -> list[int]:
    now = naive_utcnow()
    conn.execute(text(
        "INSERT INTO users (role, name, email, password_hash, station_id, active, created_at) "
        "VALUES (:role, :name, :email, 'x', :s, true, :now)"),
        [{"role": role, "name": f"{role}{i}", "email": f"{role}{i}@bench.leye", "s": station_id, "now": now}
         for i in range(count)])
    return conn.execute(text("SELECT id FROM users WHERE role = :role ORDER BY id"), {"role": role}).scalars().all()


def insert_tokens(conn, user_ids: list[int]) -> list[str]:
    """A new API token for each user, in the same order (stored hashed, as the app does)."""
    tokens = [secrets.token_urlsafe(32) for _ in user_ids]
    conn.execute(text("INSERT INTO api_tokens (user_id, token_hash, label, created_at, expires_at) "
                      "VALUES (:u, :h, 'bench', :now, :expires)"),
                 [{"u": uid, "h": hashlib.sha256(token.encode()).hexdigest(), "now": naive_utcnow(),
                   "expires": naive_utcnow() + timedelta(days=1)}
                  for uid, token in zip(user_ids, tokens, strict=True)])
    return tokens


def naive_utcnow() -> datetime:
    """Now in UTC without tzinfo: how the app stores times (see core/timeutil.UTCDateTime)."""
    return datetime.now(UTC).replace(tzinfo=None)


def print_run(title: str, label: str, figures: dict, ceiling: dict, statuses) -> None:
    """The common part of a benchmark's report: what ran, where, and the figures against the ceiling."""
    print(title)
    print(f"machine: {machine()}")
    print(format_row(label, figures))
    print(format_row("GET /api/v1/health (ceiling)", ceiling))
    print(f"ratio to ceiling: {figures['per_second'] / ceiling['per_second']:.2f}")
    print(f"HTTP statuses: {dict(sorted(statuses.items()))}")
