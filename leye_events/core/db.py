"""Rows by id, a request's unit of work, and transactions that lock: the one way services serialize
changes to shared state."""
import functools
import time
from contextlib import contextmanager

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import bindparam, event, inspect, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, make_transient_to_detached

from ..extensions import db
from .errors import ServiceError
from .sqlite import IMMEDIATE_OPTION
from .urls import MAX_ID

LOCK_TIMEOUT = "10s"


def is_row_id(value) -> bool:
    """An integer some row could have as its id: not a bool, 1 to ``MAX_ID`` (a 64-bit number would
    overflow PostgreSQL's integer before finding nothing). The one id check of the services; URLs are
    bounded by ``core.urls.BoundedIntConverter``."""
    return not isinstance(value, bool) and isinstance(value, int) and 1 <= value <= MAX_ID


def get_row(model, row_id, options=()):
    """The row with id ``row_id``, or None — also for ids that are not ``is_row_id``. ``options`` are
    loader options (what to load with it in the same statement)."""
    if not is_row_id(row_id):
        return None
    return db.session.get(model, row_id, options=options)


@contextmanager
def unit_of_work():
    """A request's changes as one transaction: committed when the block ends normally, rolled back
    (and the exception raised on) when it raises — a ServiceError, an abort, or a failing commit.

    Services never commit; views wrap their service calls in this instead of committing by hand."""
    try:
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise


def is_sqlite() -> bool:
    return db.session.get_bind().dialect.name == "sqlite"


def begin_locking_transaction(*, keep_loaded: bool = False) -> None:
    """Prepare the session for a check-then-write that must not race.

    On SQLite, commit what the session holds and start a transaction that owns the write lock
    (``BEGIN IMMEDIATE``). On PostgreSQL, keep the transaction and bound how long a row lock
    may be waited for (``lock_timeout``); callers then lock rows with ``lock_row``.
    Inside a transaction that is already locking this does nothing, so a service that calls others
    (walk-in: account, registration, check-in) stays one transaction.
    ``keep_loaded``: SQLite's commit leaves the objects read so far as they are instead of expiring
    them (hot paths that have only read the caller's account, and re-read everything else).
    """
    if db.session.info.get(_LOCKING):
        return
    if is_sqlite():
        session = db.session()
        expire, session.expire_on_commit = session.expire_on_commit, not keep_loaded and session.expire_on_commit
        try:
            session.commit()
        finally:
            session.expire_on_commit = expire
        db.session.connection(execution_options={IMMEDIATE_OPTION: True})
    else:
        db.session.execute(db.text(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'"))
    db.session.info[_LOCKING] = True


_LOCKING = "leye_locking_transaction"


@event.listens_for(Session, "after_transaction_end")
def _locking_transaction_ended(session: Session, transaction) -> None:
    if transaction.parent is None:  # the outermost transaction: committed, rolled back or closed
        session.info.pop(_LOCKING, None)


def lock_row(model, row_id):
    """Load ``model`` row ``row_id`` fresh from the database with a row lock (``FOR UPDATE``).

    ``LOCKING_ENABLED = False`` in the config turns the lock off; it exists only so that
    tests can show the race the lock prevents. Raises ServiceError ``busy`` (503) when the
    lock cannot be had in time.
    """
    query = db.select(model).where(model.id == row_id).execution_options(populate_existing=True)
    return execute_locking(query).scalar_one_or_none()


def execute_locking(query):
    """Execute ``query`` with ``FOR UPDATE`` (unless ``LOCKING_ENABLED`` is off) and return its result;
    ServiceError ``busy`` (503) when the lock cannot be had in time."""
    if current_app.config["LOCKING_ENABLED"]:
        query = query.with_for_update()
    try:
        return db.session.execute(query)
    except OperationalError as error:
        db.session.rollback()
        if "lock" in str(error).lower():
            raise ServiceError("busy", _("系统繁忙，请稍后重试。"), status=503) from None
        raise


def insert_unless_conflict(table, row: dict, **options):
    """``insert_skipping_conflicts`` of one row: its ``returning`` column, or None when refused."""
    written = insert_skipping_conflicts(table, [row], **options)
    return written[0] if written else None


def insert_skipping_conflicts(table, rows: list[dict], *, returning: str = "id",
                              conflict_columns: tuple[str, ...] = ()) -> list:
    """Insert ``rows`` into ``table`` in one statement, skipping those a unique index refuses (``ON
    CONFLICT DO NOTHING``, on ``conflict_columns`` if given); the ``returning`` column of the rows written.

    Every row has the same keys, every column written: column defaults are not applied. SQLAlchemy
    gives its dialects' ``ON CONFLICT`` inserts no cache key, so they would be compiled again on every
    call (0.2–2 ms, more than the statement's round trip); each shape is compiled once per database
    into a typed text statement instead, which SQLAlchemy caches as usual."""
    columns = tuple(rows[0])
    statement = _conflict_skipping_insert(table, columns, len(rows), returning, tuple(conflict_columns),
                                          db.session.get_bind().dialect.name)
    parameters = {f"{name}_{index}": row[name] for index, row in enumerate(rows) for name in columns}
    return db.session.execute(statement, parameters).scalars().all()


@functools.lru_cache(maxsize=128)
def _conflict_skipping_insert(table, columns: tuple[str, ...], row_count: int, returning: str,
                              conflict_columns: tuple[str, ...], dialect_name: str):
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    parameters = [[bindparam(f"{name}_{index}", type_=table.c[name].type) for name in columns]
                  for index in range(row_count)]
    statement = (dialect.insert(table).values([dict(zip(columns, row, strict=True)) for row in parameters])
                 .on_conflict_do_nothing(index_elements=list(conflict_columns) or None)
                 .returning(table.c[returning]))
    return compiled_text(statement, dialect_name, [p for row in parameters for p in row], [table.c[returning]])


def compiled_text(statement, dialect_name: str, parameters: list, columns: list):
    """``statement`` compiled for the dialect into a text statement with its typed ``parameters`` and
    result ``columns``: for statements SQLAlchemy cannot cache (``ON CONFLICT`` inserts, also inside a
    CTE), built and compiled once by the caller instead of on every execution."""
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    sql = str(statement.compile(dialect=dialect.dialect(paramstyle="named")))
    # PostgreSQL's casts (``:details::JSON``) are escaped, or ``text`` would not see the parameter.
    return text(sql.replace("::", r"\:\:")).bindparams(*parameters).columns(*columns)


def attach_as_loaded(row):
    """``row`` (a new object carrying its primary key and the columns the caller knows) as a persistent
    object of the database session, as if just loaded: no SQL, and a column not given loads on first use.
    An instance already in the session keeps its identity and takes these values (``merge``); otherwise
    ``row`` itself joins (``merge`` would build a second object and copy every attribute into it)."""
    make_transient_to_detached(row)
    if inspect(row).key in db.session.identity_map:
        return db.session.merge(row, load=False)
    db.session.add(row)
    return row


def race_window() -> None:
    """Tests widen the gap between checking and writing (``RACE_WINDOW_SECONDS``) to prove that
    the locks and constraints, not luck, keep concurrent requests apart. Zero in production."""
    delay = current_app.config.get("RACE_WINDOW_SECONDS")
    if delay:
        time.sleep(delay)


def delete_all_rows() -> None:
    """Delete every row of every table and commit; the schema and migration history stay.
    (``seed-demo --force`` and the tests' clean slate.)"""
    tables = list(reversed(db.metadata.sorted_tables))
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(table.name for table in tables)
        db.session.execute(db.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(table.delete())
    db.session.commit()
