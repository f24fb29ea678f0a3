"""Links follow BASE_URL: the log and the admin say so when the app is reached at another address."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator

import pytest
from flask import Flask

from tests.helpers import login, make_app, text
from training.extensions import db
from training.models import Role

LOGGER = "training.web.base_url_check"
NOTICE = "links in emails, QR codes and certificates point to"


@pytest.fixture
def fresh_app(database_url: str) -> Iterator[Callable[..., Flask]]:
    """A new app (a new process, as far as its memory goes) on the suite's database."""
    made: list[Flask] = []

    def _make(**overrides: object) -> Flask:
        made.append(make_app(database_url, **overrides))
        return made[-1]

    yield _make
    for other in made:
        with other.app_context():
            db.engine.dispose()


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == LOGGER and r.levelno == logging.WARNING]


def test_a_request_at_another_address_is_logged_once_per_address(fresh_app, caplog):
    app = fresh_app(BASE_URL="http://training.test")
    client = app.test_client()
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        for _ in range(3):
            assert client.get("/login", base_url="http://127.0.0.1:5302").status_code == 200
        client.get("/verify", base_url="http://127.0.0.1:5302")
        client.get("/login", base_url="https://other.example")
    found = _warnings(caplog)
    assert len(found) == 2, found
    assert "'http://127.0.0.1:5302'" in found[0]
    assert "links in emails, QR codes and certificates will point to http://training.test" in found[0]
    assert "'https://other.example'" in found[1]


@pytest.mark.parametrize(
    ("base_url", "reached"),
    [
        ("http://training.test", "http://training.test"),
        ("https://training.example.org", "https://TRAINING.example.org:443"),
        ("http://127.0.0.1:5000", "http://localhost:5000"),  # the same machine, the same port
    ],
)
def test_a_request_at_base_url_logs_nothing(fresh_app, caplog, base_url, reached):
    app = fresh_app(BASE_URL=base_url)
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        assert app.test_client().get("/login", base_url=reached).status_code == 200
    assert _warnings(caplog) == []


def test_another_port_or_scheme_is_another_address(fresh_app, caplog):
    app = fresh_app(BASE_URL="http://127.0.0.1:5000")
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        app.test_client().get("/login", base_url="http://127.0.0.1:5302")
        app.test_client().get("/login", base_url="https://127.0.0.1:5000")
    assert len(_warnings(caplog)) == 2


def test_behind_a_proxy_the_forwarded_address_counts(fresh_app, caplog):
    app = fresh_app(BASE_URL="https://training.example.org", PROXY_COUNT=1)
    client = app.test_client()
    public = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "training.example.org", "X-Forwarded-For": "1.2.3.4"}
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        client.get("/login", base_url="http://10.0.0.5:8000", headers=public)
        assert _warnings(caplog) == []
        client.get("/login", base_url="http://10.0.0.5:8000", headers={**public, "X-Forwarded-Proto": "http"})
    assert _warnings(caplog) == [
        "This app was reached at 'http://training.example.org' but BASE_URL is https://training.example.org: links in "
        "emails, QR codes and certificates will point to https://training.example.org. Set BASE_URL to the address "
        "people use."
    ]


def test_a_health_check_at_the_servers_own_address_is_not_a_mismatch(fresh_app, caplog):
    app = fresh_app(BASE_URL="https://training.example.org")
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        assert app.test_client().get("/healthz", base_url="http://10.0.0.5:8000").status_code == 200
    assert _warnings(caplog) == []


def test_an_admin_sees_the_notice_a_learner_does_not(fresh_app, make_org, make_user):
    app = fresh_app(BASE_URL="http://training.test")  # the test client is at http://localhost
    org = make_org()
    make_user(org, Role.ADMIN, email="admin@example.test")
    make_user(org, Role.LEARNER, Role.MANAGER, email="learner@example.test")

    admin = app.test_client()
    login(admin, "admin@example.test")
    page = text(admin.get("/", follow_redirects=True))
    assert NOTICE in page
    assert "This page was reached at <strong>http://localhost</strong>" in page
    assert "<strong>http://training.test</strong>" in page

    learner = app.test_client()
    login(learner, "learner@example.test")
    learner_page = text(learner.get("/", follow_redirects=True))
    assert "Sign out" in learner_page
    assert NOTICE not in learner_page
    assert NOTICE not in text(app.test_client().get("/login"))


def test_the_admin_sees_no_notice_at_base_url(fresh_app, make_org, make_user):
    app = fresh_app(BASE_URL="http://localhost")
    make_user(make_org(), Role.ADMIN, email="admin@example.test")
    admin = app.test_client()
    assert login(admin, "admin@example.test").status_code == 302
    assert NOTICE not in text(admin.get("/", follow_redirects=True))


def test_production_with_a_loopback_base_url_warns_at_start_up(fresh_app, caplog):
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        fresh_app(TESTING=False, APP_ENV="production", BASE_URL="http://127.0.0.1:5000")
    assert _warnings(caplog) == [
        "BASE_URL is http://127.0.0.1:5000, a loopback address: links in emails, QR codes and certificates will "
        "point to it and work only on this server. Set BASE_URL to the address people use."
    ]


@pytest.mark.parametrize(
    "overrides",
    [
        {"TESTING": False, "APP_ENV": "production", "BASE_URL": "https://training.example.org"},
        {"TESTING": False, "APP_ENV": "development", "BASE_URL": "http://127.0.0.1:5000"},
    ],
)
def test_no_start_up_warning_for_a_public_address_or_on_a_laptop(fresh_app, caplog, overrides):
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        fresh_app(**overrides)
    assert _warnings(caplog) == []
