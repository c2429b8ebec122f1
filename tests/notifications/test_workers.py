"""Real workers: two at once never send one message twice (with a control without the claim),
``flask notify run --once`` as a separate process, and the huey queue on Redis."""
import os
import subprocess
import sys
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from leye_events.accounts.models import Role
from leye_events.events import services as events
from leye_events.extensions import db
from leye_events.notifications.delivery import deliver_due
from leye_events.notifications.models import Channel, DeliveryStatus, Notification, NotificationKind
from leye_events.notifications.queue import EXTENSION, embedded_consumer, init_queue, start_listener
from leye_events.notifications.services import Message, notify
from leye_events.notifications.wakeup import APPLICATION_NAME

from ..booking.test_concurrency import configured
from ..conftest import is_postgres
from ..factories import make_event, make_registration, make_user
from .conftest import NOON_SHANGHAI

# Workers in another process or thread run on the real clock: an event this close is told by SMS even in
# quiet hours (21:00–08:00 in Shanghai), so their tests pass at any time of day.
SOON = timedelta(hours=1)
NEXT_WEEK = timedelta(days=7)
ROOT = Path(__file__).resolve().parents[2]


def cancel_event_with_registrants(count: int, starts_in: timedelta = NEXT_WEEK):
    event = make_event(starts_in=starts_in)
    for _ in range(count):
        make_registration(event, make_user(email=None))
    events.cancel_event(event, actor=make_user(Role.ADMIN))
    db.session.commit()
    return event


def two_workers_at_once(app):
    def work():
        with app.app_context():
            deliver_due(NOON_SHANGHAI, batch=50)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)


def eight_messages():
    for n in range(8):
        notify(make_user(email=None), Message(kind=NotificationKind.APPLICATION_RESULT, cause=f"application_result:{n}",
                                              title="投递结果", body="已通过初筛"))
    db.session.commit()


def test_two_workers_never_send_one_message_twice(app, gateway):
    eight_messages()
    gateway.delay = 0.02
    with configured(app, RACE_WINDOW_SECONDS=0.3):
        two_workers_at_once(app)
    sent = Counter(r["json"]["phone"] for r in gateway.requests)
    assert len(sent) == 8 and set(sent.values()) == {1}
    statuses = db.session.execute(db.select(Notification.status).filter_by(channel=Channel.SMS)).scalars().all()
    assert set(statuses) == {DeliveryStatus.SENT}


def test_control_without_the_claim_two_workers_send_messages_twice(app, gateway):
    eight_messages()
    gateway.delay = 0.1  # the first worker is still sending when the second one looks
    with configured(app, RACE_WINDOW_SECONDS=0.3, NOTIFY_CLAIM_ENABLED=False):
        two_workers_at_once(app)
    sent = Counter(r["json"]["phone"] for r in gateway.requests)
    assert max(sent.values()) == 2  # the race the claim prevents is real


def test_flask_notify_run_once_delivers_as_a_separate_process(app, gateway):
    cancel_event_with_registrants(3, starts_in=SOON)
    env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "FLASK_SMS_BACKEND": "webhook",
           "FLASK_SMS_WEBHOOK_URL": gateway.url + "/sms", "FLASK_NOTIFY_QUEUE_URL": "memory://"}
    env.pop("FLASK_DEBUG", None)
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "app", "notify", "run", "--once"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "sent=3" in result.stdout
    assert len(gateway.requests) == 3


@pytest.mark.skipif(not is_postgres(), reason="the worker listens for the outbox's NOTIFY on PostgreSQL only")
def test_flask_notify_run_delivers_a_commit_within_seconds_as_a_separate_process(app, gateway):
    """The worker process is woken by the commit's NOTIFY, not by the web process: nothing is enqueued here."""
    env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "FLASK_SMS_BACKEND": "webhook",
           "FLASK_SMS_WEBHOOK_URL": gateway.url + "/sms", "FLASK_NOTIFY_QUEUE_URL": "memory://"}
    env.pop("FLASK_DEBUG", None)
    worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "notify", "run", "--workers", "1"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = datetime.now(UTC).timestamp() + 30
        while not _worker_listening() and datetime.now(UTC).timestamp() < deadline:
            threading.Event().wait(0.1)
        assert _worker_listening(), "the worker did not start listening"
        cancel_event_with_registrants(2, starts_in=SOON)
        deadline = datetime.now(UTC).timestamp() + 10
        while len(gateway.requests) < 2 and datetime.now(UTC).timestamp() < deadline:
            threading.Event().wait(0.05)
    finally:
        worker.terminate()
        worker.wait(timeout=10)
    assert sorted(r["json"]["kind"] for r in gateway.requests) == ["event_cancelled", "event_cancelled"]


def _worker_listening() -> bool:
    found = db.session.execute(db.text("SELECT count(*) FROM pg_stat_activity WHERE application_name = :name "
                                       "AND query LIKE 'LISTEN%'"), {"name": APPLICATION_NAME}).scalar()
    db.session.rollback()
    return bool(found)


def redis_url():
    import redis

    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    return url


@pytest.fixture
def redis_queue(app):
    """The app's queue on Redis for the test (database 15, emptied), then back to memory."""
    with configured(app, NOTIFY_QUEUE_URL=redis_url()):
        init_queue(app)
        huey = app.extensions[EXTENSION]["huey"]
        huey.flush()
        yield huey
        huey.flush()
    init_queue(app)


def test_a_commit_enqueues_on_redis_and_a_consumer_delivers(app, gateway, redis_queue):
    # On PostgreSQL the worker's listener enqueues on the commit's NOTIFY (test_wakeup.py); on SQLite the
    # commit enqueues itself.
    listener = start_listener(app, poll_seconds=0.1)
    if listener is not None:
        assert listener.listening.wait(10)
        redis_queue.flush()  # the wake-up of its start
    cancel_event_with_registrants(2, starts_in=SOON)
    deadline = datetime.now(UTC).timestamp() + 10
    while not redis_queue.pending_count() and datetime.now(UTC).timestamp() < deadline:
        threading.Event().wait(0.02)
    assert redis_queue.pending_count() == 1  # the commit woke the worker through Redis
    consumer = embedded_consumer(redis_queue, workers=1, worker_type="thread", periodic=False)
    consumer.start()
    try:
        deadline = datetime.now(UTC).timestamp() + 10
        # The expansion of the fan-out row enqueues one more wake-up; wait until the queue is empty too.
        while ((len(gateway.requests) < 2 or redis_queue.pending_count())
               and datetime.now(UTC).timestamp() < deadline):
            threading.Event().wait(0.05)
    finally:
        consumer.stop(graceful=True)
        if listener is not None:
            listener.stop()
    assert sorted(r["json"]["kind"] for r in gateway.requests) == ["event_cancelled", "event_cancelled"]
    assert redis_queue.pending_count() == 0


def test_two_workers_expand_an_event_wide_message_once(app, gateway):
    cancel_event_with_registrants(6)
    with configured(app, RACE_WINDOW_SECONDS=0.2):
        two_workers_at_once(app)
    sent = Counter(r["json"]["phone"] for r in gateway.requests)
    assert len(sent) == 6 and set(sent.values()) == {1}
    inbox = db.session.execute(db.select(Notification).filter_by(channel=Channel.INBOX)).scalars().all()
    assert len(inbox) == 6
