"""`flask --app app bench-seed`: benchmark data, reproducible, and never into a database that holds people."""

from __future__ import annotations

import hashlib

import pytest
import sqlalchemy as sa
from flask import Flask

from tests.helpers import new_database_app
from training.extensions import db
from training.models import (
    Attempt,
    Certificate,
    ModuleCompletion,
    Organization,
    Requirement,
    Role,
    User,
    UserRole,
    oversight,
)
from training.services import bench_seed, passwords, serials


def _snapshot(app: Flask) -> tuple[list[str], list[str]]:
    with app.app_context():
        emails = list(db.session.scalars(sa.select(User.email).order_by(User.id)))
        issued = list(db.session.scalars(sa.select(Certificate.serial).order_by(Certificate.id)))
        return emails, issued


def _empty_people(app: Flask) -> None:
    with app.app_context():
        for table in (Certificate, Attempt, ModuleCompletion, Requirement, UserRole, User):
            db.session.execute(sa.delete(table))
        db.session.execute(sa.delete(oversight))
        db.session.execute(sa.delete(Organization))
        db.session.commit()


@pytest.mark.slow  # seeds benchmark data twice
def test_bench_seed_builds_reproducible_data(app: Flask, runner) -> None:
    result = runner.invoke(args=["bench-seed", "--organizations", "2", "--staff", "60", "--seed", "7"])
    assert result.exit_code == 0, result.output
    assert "3 organizations, 61 people" in result.output
    emails, issued = _snapshot(app)
    with app.app_context():
        count = db.session.scalar
        assert count(sa.select(sa.func.count()).select_from(Organization)) == 3
        authority = db.session.scalar(sa.select(Organization).where(Organization.kind == "authority"))
        assert len(authority.overseen) == 2
        assert count(sa.select(sa.func.count()).select_from(User)) == 61
        assert count(sa.select(sa.func.count()).select_from(Requirement)) > 60  # core plus role courses
        holders = count(sa.select(sa.func.count(sa.distinct(Certificate.user_id))))
        assert 25 <= holders <= 60  # most staff hold a certificate (some of them expired)
        manager = db.session.scalar(sa.select(User).where(User.email == bench_seed.MANAGER_EMAIL))
        auditor = db.session.scalar(sa.select(User).where(User.email == bench_seed.AUDITOR_EMAIL))
        assert manager.has_role(Role.MANAGER)
        assert auditor.has_role(Role.AUDITOR)
        assert auditor.organization_id == authority.id
        assert passwords.verify_password(manager.password_hash, bench_seed.BENCH_PASSWORD)
        assert count(sa.select(sa.func.count()).select_from(User).where(User.password_hash.is_(None))) > 40
        for certificate in db.session.scalars(sa.select(Certificate)):
            assert serials.parse_serial(certificate.serial) == certificate.serial
            assert hashlib.sha256(_stored_pdf(certificate)).hexdigest() == certificate.pdf_sha256

    _empty_people(app)
    again = runner.invoke(args=["bench-seed", "--organizations", "2", "--staff", "60", "--seed", "7"])
    assert again.exit_code == 0, again.output
    assert _snapshot(app) == (emails, issued)


def _stored_pdf(certificate: Certificate) -> bytes:
    return db.session.scalar(sa.select(Certificate.pdf).where(Certificate.id == certificate.id))


def test_bench_seed_refuses_a_database_that_is_not_empty(app: Flask, runner, make_org) -> None:
    make_org("Real Airline")
    result = runner.invoke(args=["bench-seed", "--organizations", "2", "--staff", "10"])
    assert result.exit_code == 1
    assert "already holds organizations or people" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Organization)) == 1


def test_bench_seed_on_a_database_never_migrated_says_to_upgrade(tmp_path, database_url) -> None:
    with new_database_app(tmp_path, database_url) as fresh:
        result = fresh.test_cli_runner().invoke(args=["bench-seed", "--organizations", "1", "--staff", "5"])
        assert result.exit_code == 1, result.output
        assert result.output.strip().splitlines() == [
            "Error: This database has no tables yet: run `flask --app app db upgrade` first."
        ]
        assert "no such table" not in result.output
        assert "Traceback" not in result.output
        with fresh.app_context():
            assert sa.inspect(db.engine).get_table_names() == [], "nothing was created"
