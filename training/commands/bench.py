"""Benchmark data: `bench-seed` fills an empty, throwaway database at airline scale."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app

from training.commands.base import bp
from training.extensions import db
from training.services import bench_seed
from training.web.settings import certificate_settings


@bp.cli.command("bench-seed")
@click.option("--organizations", default=12, show_default=True, help="Operators overseen by one authority.")
@click.option("--staff", default=20_000, show_default=True, help="Staff in total, spread over the operators.")
@click.option("--seed", default=1, show_default=True, help="Random seed: the same seed gives the same data.")
def bench_seed_command(organizations: int, staff: int, seed: int) -> None:
    """Add benchmark organizations, staff, attempts and certificates. Empty databases only: never real data."""
    try:
        report = bench_seed.seed(
            certificate_settings(),
            Path(current_app.config["CONTENT_DIR"]),
            organizations=organizations,
            staff=staff,
            seed=seed,
        )
    except bench_seed.BenchSeedError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    click.echo(
        f"bench data: {report.organizations} organizations, {report.people} people, "
        f"{report.requirements} requirements, {report.attempts} attempts, {report.certificates} certificates, "
        f"{report.module_completions} module completions in {report.seconds:.1f} s"
    )
    click.echo(f"manager {report.manager_email}, auditor {report.auditor_email}, password {report.password}")
