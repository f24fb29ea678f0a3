"""Working through many rows a few hundred at a time: IN (...) lists and reloading what a commit expired."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar

import sqlalchemy as sa

from training.extensions import db

SIZE = 500  # values per IN (...) list: well under every database's limit on bound parameters

T = TypeVar("T")


def chunks(items: Sequence[T], size: int = SIZE) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def ids_of(objects: Sequence[object]) -> list[int]:
    """The primary keys of loaded objects, read without loading what a commit expired."""
    # A loaded (persistent) object always has its identity; only a new, unsaved one has none.
    return [sa.inspect(obj).identity[0] for obj in objects]  # type: ignore[union-attr]


def reload(objects: Sequence[object]) -> None:
    """Load rows a commit expired, a query per ``SIZE`` of them, instead of one query each on first use."""
    if not objects:
        return
    key = sa.inspect(type(objects[0])).primary_key[0]  # type: ignore[union-attr]  # a mapped class has a mapper
    for part in chunks(ids_of(objects)):
        db.session.scalars(sa.select(type(objects[0])).where(key.in_(part))).all()
