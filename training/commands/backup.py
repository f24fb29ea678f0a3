"""Backups: `backup` writes the whole database to one file, `restore` puts it back."""

from __future__ import annotations

from pathlib import Path

import click
import sqlalchemy as sa

from training.commands.base import bp, fail
from training.extensions import db
from training.services import backup as backups


def _database_error(exc: sa.exc.SQLAlchemyError) -> str:
    """One line for a database error, e.g. a server that does not answer or a database that does not exist."""
    return "database error: " + " ".join(str(getattr(exc, "orig", None) or exc).split())


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _size(n: float) -> str:
    if n < 1024:
        return f"{n:.0f} bytes"
    for unit in ("KB", "MB"):
        n /= 1024
        if n < 1024:
            return f"{n:.1f} {unit}"
    return f"{n / 1024:.1f} GB"


@bp.cli.command("backup")
@click.option("--output", required=True, type=click.Path(path_type=Path), help="The backup file to write.")
def backup_command(output: Path) -> None:
    """Write a consistent snapshot of the whole database (certificate PDFs, logos, audit trail) to one file.

    Safe while the app runs. The file is written beside OUTPUT and renamed when complete.
    """
    db.session.remove()
    try:
        written = backups.create_backup(db.engine, output)
    except backups.BackupError as exc:
        fail(str(exc))
    except sa.exc.SQLAlchemyError as exc:
        fail(_database_error(exc))
    manifest = written.manifest
    summary = manifest.summary
    click.echo(
        f"wrote {written.path} ({_size(written.size)}): {backups.KIND_LABELS[manifest.kind]} database "
        f"at revision {summary.alembic_revision}, {_plural(summary.certificates, 'certificate')}, "
        f"{_plural(summary.audit_events, 'audit event')}"
    )


@bp.cli.command("restore")
@click.option("--input", "source", required=True, type=click.Path(path_type=Path), help="A file written by `backup`.")
@click.option("--yes", is_flag=True, help="Replace the database even if it is not empty.")
def restore_command(source: Path, yes: bool) -> None:
    """Replace the database with a backup, then check every certificate PDF, the counts and the audit trail.

    Stop the app first. Exits 1 if the backup cannot be restored (nothing is changed) or if the
    restored database fails a check.
    """
    engine = db.engine
    target = engine.url.render_as_string(hide_password=True)
    try:
        manifest = backups.read_manifest(source)
        backups.check_kind(manifest, engine.url)
        if not yes and (rows := backups.held_rows(engine)):
            fail(f"{target} is not empty ({rows} rows); restoring replaces everything in it: add --yes to do so")
        db.session.remove()
        backups.restore(engine, source, manifest)
    except backups.BackupError as exc:
        fail(str(exc))
    except sa.exc.SQLAlchemyError as exc:
        fail(_database_error(exc))

    try:
        check = backups.check_restored(manifest)
    except sa.exc.SQLAlchemyError as exc:
        fail(f"restored, but the checks could not run: {_database_error(exc)}")
    finally:
        db.session.rollback()
    summary = manifest.summary
    click.echo(f"restored {source} (made {manifest.created_at}, revision {summary.alembic_revision}) into {target}")
    if not check.ok:
        for problem in check.problems:
            click.echo(f"CHECK FAILED: {problem}", err=True)
        raise SystemExit(1)
    click.echo(
        f"checked: {_plural(check.certificates_checked, 'certificate PDF')} matching their SHA-256, "
        f"row counts as in the backup, audit trail intact ({_plural(check.audit_events_checked, 'event')})"
    )
    head = backups.code_revision()
    if summary.alembic_revision != head:
        click.echo(f"note: this code's schema is at revision {head}: run `flask --app app db upgrade`")
