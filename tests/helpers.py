"""What tests share besides fixtures: building apps, driving forms like a browser, reading mail.

Import these from test modules; fixtures live in ``conftest.py``.
"""

from __future__ import annotations

import re
import secrets
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from pathlib import Path

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from training import create_app
from training.extensions import db

PASSWORD = "correct horse battery staple"


TRANSLATIONS = Path(__file__).resolve().parent.parent / "training" / "translations"


def compile_catalogs() -> None:
    """Build the .mo files from the .po catalogs (what `make catalogs` does)."""
    from babel.messages.frontend import CommandLineInterface

    CommandLineInterface().run(["pybabel", "-q", "compile", "-d", str(TRANSLATIONS)])


def postgres_database(server_url: str) -> Iterator[str]:
    """Create a throwaway database on the server named by TEST_DATABASE_URL; drop it afterwards."""
    url = sa.engine.make_url(server_url).set(drivername="postgresql+psycopg")
    name = f"rr_test_{secrets.token_hex(4)}"
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def make_app(database_url: str, **overrides: object) -> Flask:
    """An app on ``database_url`` with the test settings; ``overrides`` replace any of them."""
    config: dict[str, object] = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "BASE_URL": "http://training.test",
        "RATELIMIT_STORAGE_URI": "memory://",
        "LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS": "5/15 minutes",
        "LOGIN_FAILURES_PER_ACCOUNT": "20/hour",
        "LOGIN_FAILURES_PER_IP": "12/15 minutes",
    }
    if database_url.startswith("postgresql"):
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_pre_ping": True}
    else:
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"timeout": 30}}
    config.update(overrides)
    return create_app(config)


@contextmanager
def new_database_app(tmp_path: Path, database_url: str) -> Iterator[Flask]:
    """An app on a second, brand-new database with no tables at all."""
    if database_url.startswith("postgresql"):
        server = sa.engine.make_url(database_url).set(database="postgres").render_as_string(hide_password=False)
        databases = postgres_database(server)
        url = next(databases)
    else:
        databases = None
        url = f"sqlite:///{tmp_path / f'fresh-{secrets.token_hex(3)}.db'}"
    try:
        other = make_app(url)
        try:
            yield other
        finally:
            with other.app_context():
                db.session.remove()
                db.engine.dispose()
    finally:
        if databases is not None:
            next(databases, None)


# --- driving forms like a browser ------------------------------------------------------------

CSRF_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def csrf_token(client: FlaskClient, url: str) -> str:
    """Fetch a page and return the CSRF token of its (first) form."""
    page = client.get(url)
    assert page.status_code == 200, f"GET {url} gave {page.status_code}"
    match = CSRF_FIELD.search(page.get_data(as_text=True))
    assert match, f"no CSRF token on {url}"
    return match.group(1) or match.group(2)


def submit(
    client: FlaskClient,
    url: str,
    data: dict[str, object] | None = None,
    *,
    form_url: str | None = None,
    follow_redirects: bool = False,
):
    """POST a form the way a browser does: with the token from the page that shows it."""
    payload = dict(data or {})
    payload["csrf_token"] = csrf_token(client, form_url or url)
    return client.post(url, data=payload, follow_redirects=follow_redirects)


def login(client: FlaskClient, email: str, password: str = PASSWORD):
    return submit(client, "/login", {"email": email, "password": password})


def text(response) -> str:
    return response.get_data(as_text=True)


def mail_body(message: EmailMessage) -> str:
    return message.get_content().replace("\r\n", "\n")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
