"""The task queue that runs the worker: huey.

Why huey: a small, well-kept queue with periodic tasks, retries and a consumer that runs as threads or
processes, and interchangeable storage — a SQLite file for the embedded default (no service to run in
development, and ``make run`` starts a consumer in-process), Redis in production
(``FLASK_NOTIFY_QUEUE_URL=redis://…``), shared by any number of consumers on any number of machines.
The queue only says *when* to look; the outbox says *what* to send, so a lost or repeated task costs
nothing: every delivery is claimed in the database (``delivery.claim_due``).

Tasks: ``deliver`` (enqueued when a commit wrote messages: by the commit itself on SQLite, by the
worker's :class:`~.wakeup.OutboxListener` on PostgreSQL) and a periodic ``tick`` every minute (retries,
held SMS, reminders).
"""
import os

from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..core.timeutil import utcnow
from .delivery import deliver_due
from .feedback_requests import write_due_feedback_requests
from .reminders import write_due_reminders
from .services import QUEUE_FLAG
from .wakeup import OutboxListener, listen_conninfo, wakes_by_notify

EXTENSION = "leye_notify_queue"
WAKES_BY_NOTIFY = "leye_notify_wakes_by_notify"  # app.extensions: the database wakes the worker


def make_huey(app: Flask):
    """The huey instance for ``NOTIFY_QUEUE_URL``: ``redis://…``, ``memory://`` (tests), or empty for a
    SQLite file ``instance/notify-queue.sqlite3``."""
    from huey import MemoryHuey, RedisHuey, SqliteHuey
    url = app.config.get("NOTIFY_QUEUE_URL") or ""
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey("leye-notify", url=url)
    if url == "memory://":
        return MemoryHuey("leye-notify")
    return SqliteHuey("leye-notify", filename=os.path.join(app.instance_path, "notify-queue.sqlite3"))


def run_once(app: Flask, now=None) -> dict:
    """Write due reminders, then deliver everything due; returns the counts (``flask notify run --once``)."""
    with app.app_context():
        moment = now or utcnow()
        reminders = write_due_reminders(moment)
        feedback_requests = write_due_feedback_requests(moment)
        report = deliver_due(now)
        return {"reminders": reminders, "feedback_requests": feedback_requests, **report.__dict__}


class LazyQueue(dict):
    """``{"huey": …, "deliver": …}`` of an app, made on first use: huey (with redis) costs every web worker
    ~8 MiB that check-ins and pages never need."""

    def __init__(self, app: Flask):
        super().__init__()
        self._app = app

    def __missing__(self, key):
        self.update(_make_queue(self._app))
        return self[key]


def init_queue(app: Flask) -> None:
    """Give ``app`` its queue (made on first use); the worker is woken after each commit that wrote messages,
    by the database on PostgreSQL (see .wakeup), else by the commit enqueueing a delivery."""
    app.extensions[EXTENSION] = LazyQueue(app)
    app.extensions[WAKES_BY_NOTIFY] = wakes_by_notify(app.config["SQLALCHEMY_DATABASE_URI"])


def _make_queue(app: Flask) -> dict:
    """The huey instance and its tasks for ``app``."""
    from huey import crontab

    huey = make_huey(app)

    @huey.task(name="notify.deliver")
    def deliver():
        with app.app_context():
            deliver_due()

    @huey.periodic_task(crontab(minute="*"), name="notify.tick")
    def tick():
        run_once(app)

    return {"huey": huey, "deliver": deliver}


def queue_of(app: Flask):
    return app.extensions[EXTENSION]["huey"]


@event.listens_for(Session, "after_commit")
def _wake_worker(session: Session) -> None:
    if not session.info.pop(QUEUE_FLAG, False) or not has_app_context():
        return
    if current_app.extensions.get(WAKES_BY_NOTIFY):
        return  # the outbox's trigger has sent NOTIFY with this commit

    try:
        current_app.extensions[EXTENSION]["deliver"]()
    except Exception:  # the periodic tick delivers anyway; a queue outage must not fail the request
        current_app.logger.exception("could not enqueue notification delivery")


@event.listens_for(Session, "after_soft_rollback")
def _forget_flag(session: Session, previous_transaction) -> None:
    session.info.pop(QUEUE_FLAG, None)


def embedded_consumer(huey, **options):
    """A huey consumer that runs as threads inside the web process (``make run``): the web server keeps
    its own signal handling."""
    from huey.consumer import Consumer

    class EmbeddedConsumer(Consumer):
        def _set_signal_handlers(self):
            pass

    return EmbeddedConsumer(huey, **options)


def start_embedded_consumer(app: Flask):
    consumer = embedded_consumer(queue_of(app), workers=1, worker_type="thread", periodic=True)
    consumer.start()
    start_listener(app)
    app.logger.info("notification worker started in-process")
    return consumer


def consumer_for(app: Flask, workers: int):
    return queue_of(app).create_consumer(workers=workers, worker_type="thread", periodic=True)


def start_listener(app: Flask, **options) -> OutboxListener | None:
    """On PostgreSQL, start listening for the outbox's NOTIFY in this (worker) process, each one enqueueing
    a delivery; None on other databases, where commits enqueue."""
    if not app.extensions.get(WAKES_BY_NOTIFY):
        return None
    deliver = app.extensions[EXTENSION]["deliver"]
    listener = OutboxListener(listen_conninfo(app.config["SQLALCHEMY_DATABASE_URI"]), deliver, **options)
    listener.start()
    return listener
