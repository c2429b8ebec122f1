"""Count the SQL statements a block of code sends to the database."""
from contextlib import contextmanager

from sqlalchemy import event

from leye_events.extensions import db


class Statements(list):
    """The statements sent, in order (their SQL text); ``len`` is the count."""

    def __str__(self) -> str:
        return "\n".join(f"{i + 1}. {sql[:300]}" for i, sql in enumerate(self))


@contextmanager
def counting_statements():
    """``with counting_statements() as sql:`` collects every statement the engine executes.
    Transaction control (``BEGIN``, the driver's commit) does not count.
    The test's database session is emptied first, as a real request starts with none."""
    sql = Statements()
    db.session.remove()  # start like a server's request: nothing cached in the session

    def before(conn, cursor, statement, parameters, context, executemany):
        if statement.strip().upper().startswith("BEGIN"):
            return  # SQLite's explicit BEGIN; PostgreSQL's driver sends its own unseen: count neither
        sql.append(" ".join(statement.split()))

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield sql
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
