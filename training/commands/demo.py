"""The demo: `seed-demo`."""

from __future__ import annotations

import click

from training.commands.base import bp
from training.services import demo
from training.web.settings import certificate_settings


@bp.cli.command("seed-demo")
def seed_demo() -> None:
    """Create the demo organizations and accounts. Safe to run again: it only adds what is missing."""
    report = demo.seed_demo(certificate_settings())
    click.echo(
        f"demo data ready: {report.organizations_added} organization(s) and {report.people_added} person(s) added"
    )
    click.echo("demo accounts (password for all: " + report.password + "):")
    for account in demo.DEMO_ACCOUNTS:
        click.echo(f"  {account.email:<28} {', '.join(r.value for r in account.roles)}  ({account.org})")
