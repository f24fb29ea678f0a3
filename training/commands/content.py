"""Course content: `load-content`."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app

from training.commands.base import bp
from training.services import audit, content_loader


@bp.cli.command("load-content")
@click.option("--check", is_flag=True, help="Only validate the files; change nothing.")
def load_content(check: bool) -> None:
    """Validate and load the courses in modules/ and the question banks in quizzes/.

    Every problem is listed with its file, line and field; any problem means nothing is loaded.
    --check also runs the item-writing lint over the banks and prints its figures per bank.
    Loading the same files again changes nothing; a changed course becomes a new version.
    """
    root = Path(current_app.config["CONTENT_DIR"])
    report = content_loader.check_content(root) if check else content_loader.load_content(root, actor=audit.SYSTEM)
    if report.figures:
        click.echo("item-writing figures per bank:")
        for figures in report.figures:
            click.echo(f"  {figures.line()}")
    if report.problems:
        for problem in report.problems:
            click.echo(f"error: {problem}", err=True)
        click.echo(f"{len(report.problems)} problem(s) found; nothing was loaded.", err=True)
        raise SystemExit(1)
    if check:
        click.echo(f"content is valid: {len(report.unchanged)} course(s)")
        return
    for label, slugs in (
        ("added", report.added),
        ("new version", report.new_versions),
        ("restored", report.restored),
        ("retired", report.retired),
        ("unchanged", report.unchanged),
    ):
        if slugs:
            click.echo(f"{label}: {', '.join(slugs)}")
