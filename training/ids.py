"""Ids as the database stores them: positive 32-bit integers; and certificate serials in URLs.

PostgreSQL refuses to compare an integer column with a number beyond its range (a server error),
so an id that cannot exist is treated as no id at all: a route answers 404 and a filter is ignored.
"""

from __future__ import annotations

from werkzeug.routing import BaseConverter, IntegerConverter, ValidationError

from training.services import serials

MAX_ID = 2**31 - 1


def parse_id(text: str) -> int | None:
    """The id written in ``text`` (ASCII digits only), or None if it is not one the database can hold."""
    if not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None


class DatabaseIdConverter(IntegerConverter):
    """``<int:…>`` in routes: only ids the database can hold match; anything larger answers 404."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = MAX_ID, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class SerialConverter(BaseConverter):
    """``<serial:…>`` in routes: the certificate serial in its canonical form, however it was typed;
    text that is no serial does not match (404)."""

    def to_python(self, value: str) -> str:
        try:
            return serials.parse_serial(value)
        except serials.SerialError:
            raise ValidationError() from None
