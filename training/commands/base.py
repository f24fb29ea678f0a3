"""The blueprint that holds every `flask` command, and what the commands share."""

from __future__ import annotations

from typing import NoReturn

import click
from flask import Blueprint

from training.extensions import db
from training.services.errors import ServiceError

# No routes, only commands; cli_group=None puts them at the top level (`flask create-org`, not
# `flask commands create-org`). The modules of this package add theirs with @bp.cli.command(...),
# which also runs each one inside an application context.
bp = Blueprint("commands", __name__, cli_group=None)


def fail(error: ServiceError | str) -> NoReturn:
    """Undo the session's changes, print each error as ``error: [field: ]message`` and exit with status 1."""
    db.session.rollback()
    errors = ServiceError(error).errors if isinstance(error, str) else error.errors
    for field, message in errors.items():
        click.echo(f"error: {field + ': ' if field else ''}{message}", err=True)
    raise SystemExit(1)
