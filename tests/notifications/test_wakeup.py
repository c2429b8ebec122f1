"""On PostgreSQL the outbox wakes the worker: a trigger sends NOTIFY with each commit that wrote a pending
message, the worker's listener enqueues a delivery, and the web process never loads the queue."""
import threading
import uuid

import psycopg
import pytest

from leye_events.extensions import db
from leye_events.notifications.models import Channel, DeliveryStatus, Notification, NotificationKind
from leye_events.notifications.queue import EXTENSION, init_queue
from leye_events.notifications.services import send_sms_now
from leye_events.notifications.wakeup import (
    APPLICATION_NAME,
    CHANNEL,
    OutboxListener,
    listen_conninfo,
    wakes_by_notify,
)

from ..conftest import is_postgres
from ..migration_files import load_migration

postgres_only = pytest.mark.skipif(not is_postgres(), reason="LISTEN/NOTIFY is PostgreSQL's; on SQLite the "
                                                              "commit enqueues (test_workers.py)")


def test_which_databases_wake_the_worker_themselves():
    assert wakes_by_notify("postgresql+psycopg://postgres@127.0.0.1:5432/leye")
    assert not wakes_by_notify("sqlite:////tmp/x.sqlite3")


def test_the_listener_connects_with_the_apps_url_without_the_driver_name():
    assert (listen_conninfo("postgresql+psycopg://me:secret@db.example:5433/leye?sslmode=require")
            == "postgresql://me:secret@db.example:5433/leye?sslmode=require")


def conninfo(app) -> str:
    return listen_conninfo(app.config["SQLALCHEMY_DATABASE_URI"])


@pytest.fixture
def listening(app):
    """A connection listening on the outbox's channel, as a worker's is."""
    with psycopg.connect(conninfo(app), autocommit=True) as conn:
        conn.execute(f"LISTEN {CHANNEL}")
        yield conn


def received(conn, timeout=0.5) -> int:
    return sum(1 for _ in conn.notifies(timeout=timeout))


def write_login_code():
    phone = "166" + str(uuid.uuid4().int)[:8]
    send_sms_now(phone, NotificationKind.LOGIN_CODE, "验证码 123456", cause=f"login:{uuid.uuid4().hex}")


@postgres_only
def test_a_commit_that_wrote_pending_messages_sends_one_notify(listening):
    write_login_code()
    write_login_code()
    db.session.flush()
    assert received(listening, timeout=0.3) == 0  # not before the commit
    db.session.commit()
    assert received(listening) == 1  # once for the transaction, however many rows


@postgres_only
def test_a_rollback_sends_nothing(listening):
    write_login_code()
    db.session.flush()
    db.session.rollback()
    assert received(listening) == 0


@postgres_only
def test_rows_that_are_not_pending_send_nothing(listening):
    db.session.add(Notification(kind=NotificationKind.NOTICE, channel=Channel.INBOX, title="t", body="b",
                                dedupe_key=uuid.uuid4().hex, status=DeliveryStatus.SENT))
    db.session.commit()
    assert received(listening) == 0


@postgres_only
def test_the_web_process_does_not_load_the_queue_to_wake_the_worker(app):
    init_queue(app)  # a queue not made yet, as in a fresh web worker
    write_login_code()
    db.session.commit()
    assert dict(app.extensions[EXTENSION]) == {}  # huey was never asked for


class Wakes:
    """A ``wake`` callable that counts its calls and lets a test wait for the next one."""

    def __init__(self):
        self.count = 0
        self._changed = threading.Condition()

    def __call__(self):
        with self._changed:
            self.count += 1
            self._changed.notify_all()

    def wait_for(self, count, timeout=10.0) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: self.count >= count, timeout)


@pytest.fixture
def listener(app):
    wakes = Wakes()
    listener = OutboxListener(conninfo(app), wakes, poll_seconds=0.1, retry_seconds=0.1)
    listener.wakes = wakes
    listener.start()
    assert listener.listening.wait(10)
    yield listener
    listener.stop()
    assert not listener.is_alive()


@postgres_only
def test_the_listener_wakes_once_on_start_and_once_per_commit(listener):
    assert listener.wakes.count == 1  # for what was written before it listened
    write_login_code()
    db.session.commit()
    assert listener.wakes.wait_for(2)
    write_login_code()
    db.session.commit()
    assert listener.wakes.wait_for(3)


@postgres_only
def test_the_listener_reconnects_after_losing_its_connection(listener):
    db.session.execute(db.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                               "WHERE application_name = :name AND pid <> pg_backend_pid()"),
                       {"name": APPLICATION_NAME})
    db.session.commit()
    assert listener.wakes.wait_for(2)  # the wake on reconnecting
    assert listener.listening.wait(10)
    write_login_code()
    db.session.commit()
    assert listener.wakes.wait_for(3)


def test_the_migration_installs_the_same_trigger_as_the_models():
    """Migration 0015 keeps a frozen copy of the trigger; it must not drift from notifications.wakeup."""
    from leye_events.notifications import wakeup

    migration = load_migration("0015_outbox_wakes_worker.py")
    assert migration.WAKE_FUNCTION == wakeup.WAKE_FUNCTION
    assert migration.WAKE_TRIGGER == wakeup.WAKE_TRIGGER
