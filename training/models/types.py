"""Column types shared by the models, and the range of their ids."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Timestamps stored as UTC and always returned timezone-aware.

    SQLite keeps no time zone, so values are normalised to naive UTC on the way in and
    marked UTC on the way out; PostgreSQL gets the same behaviour.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use training.models.types.utcnow()")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


# Ids as the database stores them: positive 32-bit integers. PostgreSQL refuses to compare an integer
# column with a number beyond its range (a server error), so an id that cannot exist is no id at all.
MAX_ID = 2**31 - 1


def parse_id(text: str) -> int | None:
    """The id written in ``text`` (ASCII digits only), or None if it is not one the database can hold."""
    if not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None
