"""Benchmark: cancel an event with many registrants, then deliver the messages to a local SMS webhook.

On a fresh PostgreSQL database: an event with N confirmed phone-only registrants (default 5,000), an
organizer cancels it through the API (``POST /api/v1/events/{id}/cancel``) — the request's time is
measured for a small event and for the big one, to show it does not grow with the count — then
``--workers`` processes of ``flask notify run --once`` deliver to a local HTTP webhook until every SMS
is out; prints the delivery rate and checks each phone got exactly one SMS.

    .venv/bin/python bench/notifications.py [--registrants 5000] [--workers 2]
"""
import argparse
import secrets
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text  # noqa: E402

from bench.common import (  # noqa: E402
    PYTHON_BIN,
    ROOT,
    event_station,
    fresh_database,
    insert_event,
    insert_seekers,
    insert_staff,
    insert_tokens,
    machine,
    migrate,
    naive_utcnow,
    server_env,
)


class Webhook:
    """A local SMS gateway that counts what it receives."""

    def __init__(self):
        self.phones = Counter()
        lock = threading.Lock()
        phones = self.phones

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def do_POST(self):
                import json

                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with lock:
                    phones[body["phone"]] += 1
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/sms"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def populate(conn, seekers: list[int]) -> int:
    """An event with these seekers confirmed; its id."""
    event_id = insert_event(conn, capacity=len(seekers) + 10, starts_in=timedelta(days=7))
    now = naive_utcnow()
    conn.execute(text(
        "INSERT INTO registrations (event_id, seeker_id, status, ticket_code, walk_in, created_at, updated_at, "
        "confirmed_at) VALUES (:e, :s, 'confirmed', :code, false, :now, :now, :now)"),
        [{"e": event_id, "s": seeker, "code": secrets.token_urlsafe(16), "now": now} for seeker in seekers])
    return event_id


def timed_cancel(client, token: str, event_id: int) -> float:
    started = time.perf_counter()
    response = client.post(f"/api/v1/events/{event_id}/cancel", json={"reason": "场地检修"},
                           headers={"Authorization": f"Bearer {token}"})
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, response.get_data(as_text=True)
    return elapsed


def deliver(database_url: str, webhook_url: str, workers: int) -> float:
    """``workers`` processes of ``flask notify run --once`` at the same time; the wall time."""
    env = {**server_env(database_url), "FLASK_SMS_BACKEND": "webhook", "FLASK_SMS_WEBHOOK_URL": webhook_url,
           "FLASK_NOTIFY_QUEUE_URL": "memory://"}
    started = time.perf_counter()
    processes = [subprocess.Popen([str(PYTHON_BIN / "flask"), "--app", "app", "notify", "run", "--once"],
                                  cwd=ROOT, env=env, stdout=subprocess.DEVNULL) for _ in range(workers)]
    for process in processes:
        process.wait()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registrants", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    webhook = Webhook()
    with fresh_database() as url:
        migrate(url)
        engine = create_engine(url)
        with engine.begin() as conn:
            seekers = insert_seekers(conn, 10 + args.registrants)  # phone only, no e-mail
            small = populate(conn, seekers[:10])
            conn.execute(text("UPDATE stations SET slug = 'bench-small'"))
            big = populate(conn, seekers[10:])
            organizer = insert_staff(conn, "admin", 1, event_station(conn, big))[0]
            [token] = insert_tokens(conn, [organizer])
        engine.dispose()
        from leye_events import create_app

        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False,
                          "NOTIFY_QUEUE_URL": "memory://", "SMS_BACKEND": "webhook", "SMS_WEBHOOK_URL": webhook.url})
        client = app.test_client()
        client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})  # warm up code paths and connections
        small_time = timed_cancel(client, token, small)
        big_time = timed_cancel(client, token, big)
        wall = deliver(url, webhook.url, args.workers)
    total = sum(webhook.phones.values())
    print(f"machine: {machine()}")
    print(f"cancel request, 10 registrants:    {small_time * 1000:7.1f} ms")
    print(f"cancel request, {args.registrants} registrants: {big_time * 1000:7.1f} ms")
    print(f"workers: {total} SMS to the local webhook in {wall:.1f} s with {args.workers} `flask notify run --once` "
          f"processes = {total / wall:.0f} messages/s (fan-out and inbox rows written in the same pass, "
          f"process start-up included)")
    duplicates = sum(1 for count in webhook.phones.values() if count > 1)
    print(f"phones with more than one SMS: {duplicates}; phones told: {len(webhook.phones)}")
    if duplicates or len(webhook.phones) != args.registrants + 10:
        sys.exit("FAILED: every registrant must get exactly one SMS")


if __name__ == "__main__":
    main()
