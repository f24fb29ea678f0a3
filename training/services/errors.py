"""Errors services raise for input they refuse; views and commands turn them into messages."""

from __future__ import annotations


class ServiceError(Exception):
    """A request the rules refuse. ``errors`` maps a field name (or "" for the whole) to a message."""

    def __init__(self, errors: dict[str, str] | str):
        if isinstance(errors, str):
            errors = {"": errors}
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" if k else v for k, v in errors.items()))
