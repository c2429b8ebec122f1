"""Shared fixtures: an app on a fresh database (SQLite, or PostgreSQL via TEST_DATABASE_URL),
clients, logged-in clients, and a live HTTP server for browser and concurrency tests."""
import os
import threading

import pytest
from flask import g
from sqlalchemy import text
from werkzeug.serving import make_server

from leye_events import create_app
from leye_events.core.db import delete_all_rows
from leye_events.extensions import db

from .factories import login_id_for, make_token

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "").strip()


def database_url(tmp_path_factory) -> str:
    if TEST_DATABASE_URL:
        return TEST_DATABASE_URL
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite3")


def is_postgres() -> bool:
    return TEST_DATABASE_URL.startswith("postgresql")


def _forget_previous_request() -> None:
    """Start every request with an empty ``g``, as a real server does.

    Tests keep one app context open, and a request reuses it, so without this ``g`` would carry
    Flask-Login's cached user, Flask-Babel's locale and Flask-WTF's CSRF state from one request
    (or one client) to the next.
    """
    g.__dict__.clear()


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    """One app per test run; the schema is built once, every test starts from empty tables."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": database_url(tmp_path_factory),
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "NOTIFY_QUEUE_URL": "memory://",
            "SERVER_NAME": None,
            "PAGE_CACHE_SECONDS": 0,  # tests/web/test_page_cache.py turns it on
        }
    )
    app.before_request_funcs.setdefault(None, []).insert(0, _forget_previous_request)
    with app.app_context():
        db.drop_all()
        if is_postgres():
            db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
            db.session.commit()
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _app_context(app):
    """Every test runs inside an app context on empty tables."""
    with app.app_context():
        delete_all_rows()
        yield
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def login(app):
    """``login(user)`` returns a test client logged in as ``user`` (through Flask-Login's session)."""

    def _login(user):
        client = app.test_client()
        login_id = login_id_for(user)
        with client.session_transaction() as session:
            session["_user_id"] = login_id
            session["_fresh"] = True
        return client

    return _login


@pytest.fixture
def token_for():
    """``token_for(user)`` returns a new bearer token for ``user``."""
    return make_token


class LiveServer:
    def __init__(self, app):
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.port = self._server.server_port
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._server.shutdown()
        self._thread.join(timeout=5)


@pytest.fixture
def live_server(app):
    """A threaded HTTP server running the test app on a free port (same database as the test)."""
    server = LiveServer(app).start()
    yield server
    server.stop()
