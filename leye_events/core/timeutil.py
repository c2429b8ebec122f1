"""Time handling: store UTC, show Asia/Shanghai.

Every datetime the app handles is timezone-aware. ``UTCDateTime`` stores it as naive UTC
(the same on SQLite and PostgreSQL) and gives it back aware.
"""
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa

SHANGHAI = ZoneInfo("Asia/Shanghai")


def utcnow() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


def today_local() -> date:
    """Today's date in Asia/Shanghai (the day people at the stations live in, whatever the server's zone)."""
    return datetime.now(SHANGHAI).date()


def as_utc(value: datetime) -> datetime:
    """An aware datetime in UTC; a naive one is taken as Asia/Shanghai wall time."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=SHANGHAI)
    return value.astimezone(UTC)


def to_local(value: datetime | None) -> datetime | None:
    """The same instant in Asia/Shanghai, for people."""
    if value is None:
        return None
    return as_utc(value).astimezone(SHANGHAI)


def parse_iso(text: str) -> datetime:
    """Parse an ISO 8601 timestamp that carries an offset; raise ValueError otherwise."""
    if not isinstance(text, str):
        raise ValueError("not a string")
    value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if value.tzinfo is None:
        raise ValueError("missing UTC offset")
    return value.astimezone(UTC)


def isoformat_local(value: datetime | None) -> str | None:
    """ISO 8601 in Asia/Shanghai (``+08:00``), or None."""
    local = to_local(value)
    return local.isoformat() if local else None


class UTCDateTime(sa.types.TypeDecorator):
    """A timezone-aware datetime stored as naive UTC."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC)
