"""Shared pieces of the benchmarks: a fresh PostgreSQL database, a gunicorn server, a load driver."""
import os
import platform
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


def migrate(database_url: str) -> None:
    subprocess.run([str(PYTHON_BIN / "flask"), "--app", "app", "db", "upgrade"], cwd=ROOT,
                   env=server_env(database_url), check=True, capture_output=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn(database_url: str, workers: int = 4):
    """Serve the app with gunicorn on a free port; yield its base URL."""
    port = free_port()
    process = subprocess.Popen(
        [str(PYTHON_BIN / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}", "--log-level", "warning",
         "app:app"],
        cwd=ROOT, env=server_env(database_url),
    )
    base = f"http://127.0.0.1:{port}"
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
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


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
