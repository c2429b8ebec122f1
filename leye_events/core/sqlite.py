"""SQLite settings for development and tests.

SQLite lets one writer at a time. A transaction that reads first and writes later can fail to
upgrade its lock when another writer got in between (``database is locked`` at once, without
waiting). Ordinary transactions start with a plain ``BEGIN``; work that must see and change the
latest state atomically (capacity, check-in) opens its transaction through
``core.db.begin_locking_transaction()``, which starts it with ``BEGIN IMMEDIATE``: the write lock is
taken at once and other writers queue on the busy timeout. PostgreSQL, the production database,
uses row locks (``SELECT … FOR UPDATE``) instead.
"""
from sqlalchemy import event
from sqlalchemy.engine import Engine

BUSY_TIMEOUT_MS = 30_000
IMMEDIATE_OPTION = "sqlite_begin_immediate"


@event.listens_for(Engine, "connect")
def _configure_sqlite_connection(dbapi_connection, connection_record):
    if type(dbapi_connection).__module__ != "sqlite3":  # not importing sqlite3 spares a PostgreSQL worker 0.9 MiB
        return
    dbapi_connection.isolation_level = None  # we emit BEGIN ourselves, below
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


@event.listens_for(Engine, "begin")
def _begin(connection):
    if connection.dialect.name == "sqlite":
        immediate = connection.get_execution_options().get(IMMEDIATE_OPTION)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
