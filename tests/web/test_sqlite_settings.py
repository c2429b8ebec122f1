"""SQLite's connection settings (core.sqlite) are applied to every connection the app opens."""
import pytest

from leye_events.core.sqlite import BUSY_TIMEOUT_MS
from leye_events.extensions import db

from ..conftest import is_postgres


@pytest.mark.skipif(is_postgres(), reason="SQLite's settings; PostgreSQL has none of these")
def test_every_sqlite_connection_checks_foreign_keys_waits_for_the_lock_and_uses_wal():
    with db.engine.connect() as connection:
        pragma = connection.exec_driver_sql
        assert pragma("PRAGMA foreign_keys").scalar() == 1
        assert pragma("PRAGMA busy_timeout").scalar() == BUSY_TIMEOUT_MS
        assert pragma("PRAGMA journal_mode").scalar() in ("wal", "memory")  # an in-memory database has no WAL
