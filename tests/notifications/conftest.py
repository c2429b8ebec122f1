"""Real parts for notification tests: an SMTP server (aiosmtpd), a local HTTP server standing in for an
SMS gateway (the webhook) or Alibaba Cloud's SMS endpoint, and a worker pass."""
import email
import json
import socket
import threading
import time
from datetime import UTC, datetime, timedelta
from email.policy import default as default_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest
from aiosmtpd.controller import Controller

from leye_events.core.timeutil import SHANGHAI
from leye_events.notifications.delivery import deliver_due

from ..booking.test_concurrency import configured


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MailBox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=default_policy))
        return "250 OK"


@pytest.fixture
def mailbox(app):
    """An SMTP server on a free port; the app sends its mail there."""
    handler = MailBox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    with configured(app, MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port):
        yield handler
    controller.stop()


class FakeGateway:
    """A local HTTP server that records every request: JSON bodies (webhook) or query/form
    parameters (Alibaba Cloud's RPC style). ``status`` and ``reply`` set its answer."""

    def __init__(self):
        self.requests = []
        self.status = 200
        self.reply = {"ok": True}
        self.delay = 0.0
        self.lock = threading.Lock()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                parsed = urlparse(self.path)
                params = {k: v[0] for k, v in parse_qs(parsed.query).items()}
                if self.headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"):
                    params.update({k: v[0] for k, v in parse_qs(raw.decode()).items()})
                body = None
                if self.headers.get("Content-Type", "").startswith("application/json"):
                    body = json.loads(raw.decode("utf-8"))
                if gateway.delay:
                    time.sleep(gateway.delay)
                with gateway.lock:
                    gateway.requests.append({"path": parsed.path, "params": params, "json": body,
                                             "method": self.command, "headers": dict(self.headers)})
                payload = json.dumps(gateway.reply).encode()
                self.send_response(gateway.status)
                self.send_header("Content-Type", "application/json;charset=utf-8")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_POST = do_GET = _answer

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def texts(self):
        return [r["json"]["text"] for r in self.requests if r["json"]]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway(app):
    """An SMS webhook gateway on a free port; the app's SMS backend points at it."""
    server = FakeGateway()
    with configured(app, SMS_BACKEND="webhook", SMS_WEBHOOK_URL=server.url + "/sms"):
        yield server
    server.close()


def next_shanghai(hour: int, minute: int = 0) -> datetime:
    """The next ``hour:minute`` in Shanghai from the real clock, in UTC: a worker's "now" that is never
    before the messages a test has just written, whatever day and time the suite runs."""
    local = datetime.now(SHANGHAI)
    moment = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    return (moment if moment >= local else moment + timedelta(days=1)).astimezone(UTC)


NOON_SHANGHAI = next_shanghai(12)  # outside SMS quiet hours (21:00–08:00 in Shanghai)
NIGHT_SHANGHAI = next_shanghai(22, 30)  # inside them
MORNING_AFTER_NIGHT = NIGHT_SHANGHAI + timedelta(hours=9, minutes=30)  # 08:00, when they end


def run_worker(now=None):
    """One delivery pass, as ``flask notify run --once`` does (without reminders)."""
    return deliver_due(now)
