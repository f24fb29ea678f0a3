"""`check-config`: the settings the app runs with, secrets hidden, and everything wrong with them."""

from __future__ import annotations

import click
from flask import current_app

from training.commands.base import bp
from training.config import CHECK_COMMAND_NAME, SettingsCheck, describe_settings


@bp.cli.command(CHECK_COMMAND_NAME)
def check_config_command() -> None:
    """Print every setting's effective value (secrets and passwords hidden) and check them all.

    Checks what the app checks before it starts: values that are not numbers, rates or URLs, files and
    folders that are missing or unreadable, a signing key that does not load or does not match its
    certificate, a missing SECRET_KEY in production. Exits 1 and prints one line per problem if any.
    """
    check: SettingsCheck = current_app.extensions["settings_check"]
    rows = describe_settings(check.settings)
    width = max(len(name) for name, _value in rows)
    for name, value in rows:
        click.echo(f"{name.ljust(width)}  {value}")
    if not check.problems:
        click.echo("settings OK")
        return
    for problem in check.problems:
        click.echo(f"error: {problem.message}", err=True)
    count = len(check.problems)
    click.echo(f"{count} problem{'s' if count > 1 else ''}: the app will not start until fixed", err=True)
    raise SystemExit(1)
