"""What a URL may hold in place of an id or a serial: anything else answers 404 before a view runs.

Ids are those the database can hold (``training.models.types.parse_id``): PostgreSQL refuses to compare an
integer column with a number beyond its range, so such an id is no id at all.
"""

from __future__ import annotations

from werkzeug.routing import BaseConverter, IntegerConverter, ValidationError

from training.models.types import MAX_ID, parse_id
from training.services import serials

__all__ = ["MAX_ID", "DatabaseIdConverter", "SerialConverter", "parse_id"]


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
