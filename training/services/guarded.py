"""Guarded updates: a row is claimed by an UPDATE whose WHERE refuses it once it is claimed, so that of
two requests at the same moment exactly one wins (a link used, an attempt graded, an import applied)."""

from __future__ import annotations

from typing import Any, cast

import sqlalchemy as sa

from training.extensions import db


def claim(update: sa.Update) -> bool:
    """Run ``update`` in the session; True when it changed exactly one row, i.e. this request won."""
    result = cast("sa.CursorResult[Any]", db.session.execute(update))  # an UPDATE's result has a row count
    return result.rowcount == 1
