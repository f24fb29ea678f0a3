"""`flask --app app audit-verify`: check the audit trail's hash chain, e.g. nightly from cron."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext

from training.extensions import db
from training.services import audit


@click.command("audit-verify")
@with_appcontext
def audit_verify() -> None:
    """Recompute every audit event's hash and link; exit 1 and name the first broken row if any."""
    try:
        result = audit.verify()
    finally:
        db.session.rollback()  # only read; end the transaction either way
    if not result.ok:
        click.echo(f"audit trail BROKEN at {result.reason}", err=True)
        raise SystemExit(1)
    click.echo(f"audit trail intact: {result.checked} events")


def register(app: Flask) -> None:
    app.cli.add_command(audit_verify)
