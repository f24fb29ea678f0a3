"""Fixtures: one database per test run (SQLite by default, PostgreSQL with TEST_DATABASE_URL),
built by the real migrations, emptied after every test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from hypothesis import settings as hypothesis_settings

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")
os.environ.setdefault("APP_ENV", "development")

from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade

from tests.helpers import PASSWORD, Collector, compile_catalogs, free_port, login, make_app, postgres_database
from training.extensions import db, limiter
from training.models import GENESIS_HASH, AuditHead, Organization, OrgKind, Role, User
from training.services import audit, passwords, requirements

# Property-based tests draw the same examples on every run, so CI passes or fails for the code, not
# the dice; HYPOTHESIS_PROFILE=explore draws new ones to hunt for bugs.
hypothesis_settings.register_profile("repeatable", derandomize=True, database=None)
hypothesis_settings.register_profile("explore", max_examples=500, database=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

_PASSWORD_HASH = passwords.hash_password(PASSWORD)
compile_catalogs()  # as `make test` does, so a bare `pytest` serves the current translations too


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    server_url = os.environ.get("TEST_DATABASE_URL")
    if server_url:
        yield from postgres_database(server_url)
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def app(database_url: str) -> Iterator[Flask]:
    application = make_app(database_url)
    with application.app_context():
        upgrade()  # the real migrations, never create_all
    yield application
    with application.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean(app: Flask) -> Iterator[None]:
    """Empty every table after each test.

    Tests hold no app context while requests run (a shared one would share ``g`` and the
    signed-in user between requests); open ``with app.app_context():`` to look at the database.
    """
    yield
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            conn.execute(sa.text("UPDATE course SET current_version_id = NULL"))  # the one cyclic link
            for table in reversed(db.metadata.sorted_tables):
                if table.name != "audit_event":
                    conn.execute(table.delete())
                elif conn.dialect.name == "postgresql":  # append-only: lift its triggers for the delete
                    conn.execute(sa.text("SET LOCAL session_replication_role = replica"))
                    conn.execute(table.delete())
                    conn.execute(sa.text("SET LOCAL session_replication_role = DEFAULT"))
                else:
                    for statement in audit.drop_append_only_sql("sqlite"):
                        conn.exec_driver_sql(statement)
                    conn.execute(table.delete())
                    for statement in audit.append_only_sql("sqlite"):
                        conn.exec_driver_sql(statement)
            conn.execute(sa.insert(AuditHead).values(id=1, seq=0, last_hash=GENESIS_HASH))  # as the migration left it
        limiter.reset()


def _detached(obj):
    """Load an object's columns and return it detached, usable after its app context ends."""
    db.session.refresh(obj)
    db.session.expunge(obj)
    return obj


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


# --- factories ----------------------------------------------------------------------------


@pytest.fixture
def make_org(app: Flask):
    counter = iter(range(1, 10_000))

    def _make(
        name: str | None = None,
        kind: OrgKind = OrgKind.AIRLINE,
        oversees: tuple[Organization, ...] = (),
        **fields: object,
    ) -> Organization:
        with app.app_context():
            org = Organization(
                name=name or f"Org {next(counter)}", kind=kind.value, country=fields.pop("country", "KE"), **fields
            )
            org.overseen = [db.session.get(Organization, o.id) for o in oversees]
            db.session.add(org)
            db.session.commit()
            return _detached(org)

    return _make


@pytest.fixture
def make_user(app: Flask):
    counter = iter(range(1, 10_000))

    def _make(org: Organization, *roles: Role, password: str | None = PASSWORD, **fields: object) -> User:
        with app.app_context():
            return _detached(_new_user(org, roles, password, next(counter), fields))

    return _make


def _new_user(
    org: Organization, roles: tuple[Role, ...], password: str | None, n: int, fields: dict[str, object]
) -> User:
    if password == PASSWORD:
        password_hash: str | None = _PASSWORD_HASH
    else:
        password_hash = passwords.hash_password(password) if password else None
    person = User(
        organization_id=org.id,
        email=fields.pop("email", f"person{n}@example.test"),
        full_name=fields.pop("full_name", f"Person {n}"),
        password_hash=password_hash,
        **fields,
    )
    person.set_roles(roles or (Role.LEARNER,))
    db.session.add(person)
    db.session.flush()
    requirements.sync_person(person)  # as every real way of adding a person does
    db.session.commit()
    return person


# --- an organization and its signed-in manager, for tests of the manager's pages ---------------


@pytest.fixture
def org(make_org) -> Organization:
    return make_org("Sky Kenya")


@pytest.fixture
def manager(client: FlaskClient, org: Organization, make_user) -> User:
    """Grace, manager (and learner) of ``org``, signed in on ``client``."""
    person = make_user(org, Role.MANAGER, Role.LEARNER, email="grace@sky.test", full_name="Grace Manager")
    login(client, person.email)
    return person


@pytest.fixture(scope="session")
def project_root() -> Path:
    return Path(__file__).resolve().parent.parent


# --- a real SMTP server ---------------------------------------------------------------------


@pytest.fixture
def smtp():
    collector = Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=free_port())
    controller.start()
    collector.port = controller.port  # type: ignore[attr-defined]
    yield collector
    controller.stop()


@pytest.fixture
def app_with(app, database_url):
    """Build apps on the test database with other mail settings (the session `app` keeps its own)."""
    made = []

    def _make(**overrides):
        application = make_app(database_url, **overrides)
        made.append(application)
        return application

    yield _make
    for application in made:
        with application.app_context():
            db.session.remove()
            db.engine.dispose()
