"""Small helpers shared by the blueprints' views."""

from __future__ import annotations

from flask import flash, request
from flask_wtf import FlaskForm

from training.services.errors import ServiceError

DEFAULT_PAGE_SIZE = 25


def apply_errors(form: FlaskForm, error: ServiceError) -> None:
    """Show a service's refusal next to the fields it names (or as a message when it names none)."""
    for name, message in error.errors.items():
        field = form._fields.get(name) if name else None
        if field is not None:
            field.errors = [*field.errors, message] if isinstance(field.errors, list) else [message]
        else:
            flash(message, "error")


def page_number() -> int:
    """The ?page= number, 1 when absent or not a positive number."""
    value = request.args.get("page", "1")
    return int(value) if value.isdigit() and int(value) > 0 else 1
