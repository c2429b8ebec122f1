"""SQLite settings for development and tests.

SQLite lets one writer at a time. A transaction that reads first and writes later can fail
to upgrade its lock under contention (``database is locked`` at once, no waiting), so every
transaction starts with ``BEGIN IMMEDIATE``: writers queue on the busy timeout instead of
failing, which is also what makes the capacity rules hold on SQLite. PostgreSQL is the
production database and uses row locks instead.
"""
import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import Engine

BUSY_TIMEOUT_MS = 30_000


@event.listens_for(Engine, "connect")
def _configure_sqlite_connection(dbapi_connection, connection_record):
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    dbapi_connection.isolation_level = None  # we emit BEGIN ourselves, below
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


@event.listens_for(Engine, "begin")
def _begin_immediate(connection):
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")
