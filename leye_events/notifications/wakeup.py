"""How the worker learns that messages wait.

On PostgreSQL, a trigger on the outbox sends ``NOTIFY leye_outbox`` for each pending row written
(:data:`WAKE_FUNCTION`, :data:`WAKE_TRIGGER`). PostgreSQL delivers it at commit, once per transaction, and
never after a rollback. Every worker process listens (:class:`OutboxListener`) and enqueues a delivery on
its own queue. So the web workers never load the queue's client (huey with redis, ~8.5 MiB each), and a
registration makes no round trip to Redis.

On SQLite there is no NOTIFY: the commit enqueues the delivery itself (``queue._wake_worker``).
Either way the worker's minute tick delivers whatever a lost wake-up left behind.
"""
import logging
import threading
from collections.abc import Callable

from sqlalchemy.engine import make_url

CHANNEL = "leye_outbox"
APPLICATION_NAME = "leye-outbox-listener"  # how its connection shows in pg_stat_activity

# Installed by migration 0015 and, for schemas built with create_all (tests), by the model's table.
WAKE_FUNCTION = f"""
CREATE OR REPLACE FUNCTION notifications_wake_worker() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('{CHANNEL}', '');
    RETURN NULL;
END
$$
"""
WAKE_TRIGGER = """
CREATE TRIGGER notifications_wake_worker AFTER INSERT ON notifications
FOR EACH ROW WHEN (NEW.status = 'pending') EXECUTE FUNCTION notifications_wake_worker()
"""

log = logging.getLogger(__name__)


def wakes_by_notify(database_uri: str) -> bool:
    """Whether the database wakes the worker itself (PostgreSQL), so a commit need not enqueue."""
    return make_url(database_uri).get_backend_name() == "postgresql"


def listen_conninfo(database_uri: str) -> str:
    """The SQLAlchemy URL as a libpq URI for psycopg (without the ``+psycopg`` driver name)."""
    return make_url(database_uri).set(drivername="postgresql").render_as_string(hide_password=False)


class OutboxListener(threading.Thread):
    """Listens on :data:`CHANNEL` with a connection of its own and calls ``wake`` once for each batch of
    notifications received, and once each time it (re)connects, for what was written while it was not
    listening. A lost connection is retried every ``retry_seconds``; ``stop()`` ends it within
    ``poll_seconds``."""

    def __init__(self, conninfo: str, wake: Callable[[], None], *, poll_seconds: float = 1.0,
                 retry_seconds: float = 5.0):
        super().__init__(name="outbox-listener", daemon=True)
        self._conninfo = conninfo
        self._wake = wake
        self._poll_seconds = poll_seconds
        self._retry_seconds = retry_seconds
        self._stopping = threading.Event()
        self.listening = threading.Event()  # set while LISTEN is in effect, after the first wake

    def stop(self) -> None:
        self._stopping.set()
        self.join(timeout=self._poll_seconds + 5)

    def run(self) -> None:
        import psycopg

        while not self._stopping.is_set():
            try:
                with psycopg.connect(self._conninfo, autocommit=True, application_name=APPLICATION_NAME) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self._call_wake()
                    self.listening.set()
                    while not self._stopping.is_set():
                        if any(True for _ in conn.notifies(timeout=self._poll_seconds, stop_after=1)):
                            self._call_wake()
            except psycopg.Error:
                log.warning("outbox listener lost its connection; retrying in %ss", self._retry_seconds,
                            exc_info=True)
            finally:
                self.listening.clear()
            self._stopping.wait(self._retry_seconds)

    def _call_wake(self) -> None:
        try:
            self._wake()
        except Exception:  # the queue is down: the minute tick delivers anyway
            log.exception("outbox listener could not enqueue a delivery")
