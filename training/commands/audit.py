"""The audit trail: `audit-verify`, e.g. nightly from cron."""

from __future__ import annotations

import click

from training.commands.base import bp
from training.extensions import db
from training.services import audit


@bp.cli.command("audit-verify")
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
