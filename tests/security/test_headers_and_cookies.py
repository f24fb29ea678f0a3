"""Security headers on every kind of response, and the session cookie's flags in production."""

from __future__ import annotations

import pytest

from tests.helpers import CSRF_FIELD, PASSWORD, login, make_app
from tests.security import world as world_module
from training.config import ConfigurationError
from training.extensions import db


@pytest.fixture
def world(app, tmp_path, make_org, make_user):
    return world_module.build(app, tmp_path, make_org, make_user)


def _check_headers(response, what: str) -> None:
    headers = response.headers
    csp = headers.get("Content-Security-Policy", "")
    directives = {part.split()[0]: part.split()[1:] for part in csp.split("; ") if part}
    assert directives.get("script-src") == ["'self'"], f"{what}: script-src {directives.get('script-src')}"
    assert "'unsafe-inline'" not in csp, what
    assert "'unsafe-eval'" not in csp, what
    assert directives.get("frame-ancestors") == ["'none'"], what
    assert directives.get("object-src") == ["'none'"], what
    assert directives.get("default-src") == ["'self'"], what
    assert headers.get("X-Content-Type-Options") == "nosniff", what
    assert headers.get("Referrer-Policy") == "same-origin", what
    assert headers.get("X-Frame-Options") == "DENY", what


def test_every_kind_of_response_carries_the_security_headers(app, world):
    learner = app.test_client()
    login(learner, world.users["learner"].email)
    manager = app.test_client()
    login(manager, world.users["manager"].email)
    anonymous = app.test_client()
    requests = {
        "sign-in page": lambda: anonymous.get("/login"),
        "public verification": lambda: anonymous.get(f"/verify/{world.own.serial}"),
        "redirect to sign in": lambda: anonymous.get("/manage/"),
        "not found": lambda: anonymous.get("/no-such-page"),
        "health check (JSON)": lambda: anonymous.get("/healthz"),
        "stylesheet": lambda: anonymous.get("/static/css/app.css"),
        "learner home": lambda: learner.get("/"),
        "certificate PDF": lambda: learner.get(f"/certificates/{world.own.serial}.pdf"),
        "forbidden": lambda: learner.get("/manage/"),
        "CSV export": lambda: manager.get("/manage/export/staff.csv"),
        "CSRF refusal": lambda: manager.post("/manage/settings", data={}),
    }
    for what, make_request in requests.items():
        response = make_request()
        try:
            assert response.status_code < 500, what
            _check_headers(response, what)
        finally:
            response.close()  # streamed bodies hold the request open until closed


def test_private_downloads_are_not_cached(app, world):
    learner = app.test_client()
    login(learner, world.users["learner"].email)
    pdf = learner.get(f"/certificates/{world.own.serial}.pdf")
    assert "no-store" in pdf.headers["Cache-Control"]
    assert pdf.headers["Content-Disposition"].startswith("attachment;")


def test_production_cookies_are_secure_httponly_samesite(database_url, world, monkeypatch):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "a-production-secret-for-this-test-only-0123456789")
    production = make_app(database_url)
    try:
        client = production.test_client()
        page = client.get("/login", base_url="https://training.test")
        assert "max-age=31536000" in page.headers["Strict-Transport-Security"]
        signed_in = login_over_https(client, world.users["learner"].email)
        cookies = signed_in.headers.getlist("Set-Cookie")
        session = [c for c in cookies if c.startswith("session=")]
        assert session, cookies
        flags = {part.strip().split("=")[0].lower(): part for part in session[0].split(";")}
        assert "secure" in flags
        assert "httponly" in flags
        assert flags["samesite"].strip().lower() == "samesite=lax"
    finally:
        with production.app_context():
            db.engine.dispose()


def login_over_https(client, email: str):
    page = client.get("/login", base_url="https://training.test")
    match = CSRF_FIELD.search(page.get_data(as_text=True))
    assert match
    response = client.post(
        "/login",
        data={"email": email, "password": PASSWORD, "csrf_token": match.group(1) or match.group(2)},
        base_url="https://training.test",
        headers={"Referer": "https://training.test/login"},  # over HTTPS the CSRF check wants it
    )
    assert response.status_code == 302, response.status_code
    return response


def test_production_refuses_to_start_without_a_secret_key(database_url, monkeypatch):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        make_app(database_url)
