"""What tests share besides fixtures: building apps, driving forms like a browser, reading mail.

Import these from test modules; fixtures live in ``conftest.py``.
"""

from __future__ import annotations

import email
import email.policy
import re
import secrets
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import sqlalchemy as sa
from aiosmtpd.controller import Controller
from flask import Flask
from flask.testing import FlaskClient

from training import create_app
from training.extensions import db
from training.models import Attempt, Certificate, Course, User

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
    address: str | None = None,
):
    """POST a form the way a browser does: with the token from the page that shows it. ``address`` is
    the network address the POST comes from (the test client's own when not given)."""
    payload = dict(data or {})
    payload["csrf_token"] = csrf_token(client, form_url or url)
    environ = {"REMOTE_ADDR": address} if address else None
    return client.post(url, data=payload, follow_redirects=follow_redirects, environ_overrides=environ)


def login(client: FlaskClient, email: str, password: str = PASSWORD, *, address: str | None = None):
    return submit(client, "/login", {"email": email, "password": password}, address=address)


def text(response) -> str:
    return response.get_data(as_text=True)


def text_without_tokens(response) -> str:
    """The page with its form tokens blanked (each page's language menu carries one, signed with the time)."""
    return re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token" value=""', text(response))


def mail_body(message: EmailMessage) -> str:
    return message.get_content().replace("\r\n", "\n")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def sql_statements(app: Flask) -> Iterator[list[str]]:
    """Every SQL statement the app sends to its database while the block runs, in order."""
    seen: list[str] = []

    def note(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", note)


def add_certificate(person: User, course_id: int, expires_at: datetime, *, serial: str | None = None) -> Certificate:
    """A passed attempt at the course's current version and the certificate it earned, issued a year
    before ``expires_at``, added to the session (the caller commits). The PDF is a stand-in."""
    course = db.session.get(Course, course_id)
    assert course is not None
    version = course.current_version
    assert version is not None
    issued_at = expires_at - timedelta(days=365)
    attempt = Attempt(
        user_id=person.id,
        course_id=course_id,
        course_version_id=version.id,
        started_at=issued_at,
        deadline_at=issued_at + timedelta(minutes=10),
        drawn=[],
        submitted_at=issued_at,
        answers={},
        correct_count=4,
        question_count=4,
        score_percent=100,
        passed=True,
    )
    db.session.add(attempt)
    db.session.flush()
    certificate = Certificate(
        serial=serial or f"TEST-{attempt.id:04d}",
        user_id=person.id,
        organization_id=person.organization_id,
        course_id=course_id,
        course_version_id=version.id,
        content_hash=version.content_hash,
        attempt_id=attempt.id,
        issued_at=issued_at,
        expires_at=expires_at,
        holder_name=person.full_name,
        job_function=person.job_function,
        organization_name="test",
        course_title=version.title,
        version_label=version.version_label,
        pdf_sha256="0" * 64,
        pdf=b"%PDF-test",
    )
    db.session.add(certificate)
    return certificate


# --- a real SMTP server ---------------------------------------------------------------------


class Collector:
    """aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._lock:
            self.messages.append(message)  # type: ignore[arg-type]
        return "250 Message accepted"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


class Refuser:
    """aiosmtpd handler that refuses every recipient, as a server does for a mailbox it does not know."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        return "550 5.1.1 mailbox unavailable"


@contextmanager
def smtp_server(port: int, handler: object) -> Iterator[object]:
    """A local SMTP server on the given port while the block runs (before it, nothing listens there)."""
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler
    finally:
        controller.stop()
