"""Course content: `load-content`."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app

from training.commands.base import bp
from training.content.translations import PARTIAL, CourseLanguage
from training.services import audit, content_loader


@bp.cli.command("load-content")
@click.option("--check", is_flag=True, help="Only validate the files; change nothing.")
def load_content(check: bool) -> None:
    """Validate and load the courses in modules/ and the question banks in quizzes/.

    Every problem is listed with its file, line and field; any problem means nothing is loaded.
    --check also runs the item-writing lint over the banks and prints its figures per bank.
    Loading the same files again changes nothing; a changed course becomes a new version, and a course
    whose files are back to an earlier version's switches back to that version.
    Both end with a table of each course's translations: complete, stale, partial or missing, and who
    reviewed them. Stale or missing translations are no error; an invalid translation file is.
    """
    root = Path(current_app.config["CONTENT_DIR"])
    report = content_loader.check_content(root) if check else content_loader.load_content(root, actor=audit.SYSTEM)
    if report.figures:
        click.echo("item-writing figures per bank:")
        for figures in report.figures:
            click.echo(f"  {figures.line()}")
    if report.translations:
        _translation_table(report.translations)
    if report.problems:
        for problem in report.problems:
            click.echo(f"error: {problem}", err=True)
        click.echo(f"{len(report.problems)} problem(s) found; nothing was loaded.", err=True)
        raise SystemExit(1)
    if check:
        click.echo(f"content is valid: {len(report.unchanged)} course(s)")
        return
    for label, slugs in (
        ("translations", report.translations_changed),
        ("added", report.added),
        ("new version", report.new_versions),
        ("restored", report.restored),
        ("retired", report.retired),
        ("unchanged", report.unchanged),
    ):
        if slugs:
            click.echo(f"{label}: {', '.join(slugs)}")
        if label == "new version":
            for slug, version in report.switched_back:
                click.echo(f"switched back to version {version}: {slug}")


def _translation_table(rows: list[CourseLanguage]) -> None:
    """Each course in each language: its state and who reviewed it."""
    width = max(len(row.course) for row in rows)
    click.echo("translations (course, language, state, review):")
    for row in rows:
        note = f" ({len(row.files)} of {row.expected} files)" if row.state == PARTIAL else ""
        stale = [f.path for f in row.files if not f.current]
        if stale:
            note += f" (stale: {', '.join(stale)})"
        click.echo(f"  {row.course:<{width}}  {row.language}  {row.state + note:<10}  {row.reviewed}")
