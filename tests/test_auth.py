"""Signing in and out, throttling, CSRF, and changing a password — through the real routes."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.helpers import PASSWORD, csrf_token, login, submit, text
from training.extensions import db
from training.models import Role, User


def test_login_success_lands_on_home(client, make_org, make_user):
    person = make_user(make_org(), Role.LEARNER, full_name="Amina Test")
    response = login(client, person.email)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert "Hello, Amina Test" in text(home)


def test_login_is_case_insensitive_on_email(client, make_org, make_user):
    make_user(make_org(), email="mixed@example.test")
    assert login(client, "  MIXED@Example.test ").status_code == 302


def test_wrong_password_and_unknown_email_get_the_same_message(client, make_org, make_user):
    person = make_user(make_org())
    wrong = login(client, person.email, "not the password at all")
    unknown = login(client, "nobody@example.test", "not the password at all")
    assert wrong.status_code == unknown.status_code == 401
    message = "That email and password do not match an active account."
    assert message in text(wrong)
    assert message in text(unknown)
    assert client.get("/").status_code == 302  # still signed out


def test_deactivated_account_cannot_sign_in(client, make_org, make_user):
    person = make_user(make_org(), active=False)
    response = login(client, person.email)
    assert response.status_code == 401
    assert "do not match an active account" in text(response)


def test_failed_logins_are_throttled_per_account(client, make_org, make_user):
    person = make_user(make_org())
    for _ in range(5):
        assert login(client, person.email, "wrong password here").status_code == 401
    # Even the right password is refused while the account is paused.
    blocked = login(client, person.email, PASSWORD)
    assert blocked.status_code == 429
    assert "Too many failed sign-in attempts" in text(blocked)
    assert "try again in about 15 minutes" in text(blocked)
    # Another account from the same address is not affected yet.
    other = make_user(make_org())
    assert login(client, other.email).status_code == 302


def test_throttle_message_is_the_same_for_unknown_accounts(client):
    for _ in range(5):
        login(client, "ghost@example.test", "wrong password here")
    blocked = login(client, "ghost@example.test", "wrong password here")
    assert blocked.status_code == 429
    assert "Too many failed sign-in attempts" in text(blocked)


@pytest.mark.slow  # many sign-ins, each hashing a password
def test_failed_logins_are_throttled_per_address(client, make_org, make_user):
    person = make_user(make_org())
    for n in range(12):  # LOGIN_FAILURES_PER_IP is 12 in the test configuration
        login(client, f"guess{n}@example.test", "wrong password here")
    assert login(client, person.email).status_code == 429
    # A different network address is not blocked.
    response = login(client.application.test_client(), person.email, address="10.9.8.7")
    assert response.status_code == 302


def test_login_without_csrf_token_is_refused(client, make_org, make_user):
    person = make_user(make_org())
    response = client.post("/login", data={"email": person.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "The form expired" in text(response)
    assert client.get("/").status_code == 302


def test_logout_needs_post_and_csrf(client, make_org, make_user):
    person = make_user(make_org())
    login(client, person.email)
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400  # no token
    assert client.get("/").status_code == 200
    response = submit(client, "/logout", form_url="/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_next_parameter_only_redirects_within_the_site(client, make_org, make_user):
    person = make_user(make_org())
    token = csrf_token(client, "/login")
    response = client.post(
        "/login?next=https://evil.example/", data={"email": person.email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.headers["Location"] == "/"
    submit(client, "/logout", form_url="/")
    token = csrf_token(client, "/login")
    response = client.post(
        "/login?next=/account/password", data={"email": person.email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.headers["Location"] == "/account/password"


def test_change_password(app, client, make_org, make_user):
    person = make_user(make_org())
    login(client, person.email)
    other_device = app.test_client()
    login(other_device, person.email)

    wrong = submit(
        client,
        "/account/password",
        {"current_password": "wrong", "password": "a new long passphrase", "confirm": "a new long passphrase"},
    )
    assert "That is not your current password." in text(wrong)
    short = submit(client, "/account/password", {"current_password": PASSWORD, "password": "short", "confirm": "short"})
    assert "Use 12 to 256 characters." in text(short)
    mismatch = submit(
        client,
        "/account/password",
        {"current_password": PASSWORD, "password": "a new long passphrase", "confirm": "another one"},
    )
    assert "The two passwords differ." in text(mismatch)

    done = submit(
        client,
        "/account/password",
        {"current_password": PASSWORD, "password": "a new long passphrase", "confirm": "a new long passphrase"},
    )
    assert done.status_code == 302
    assert client.get("/").status_code == 200  # this session stays signed in
    assert other_device.get("/").status_code == 302  # other sessions are signed out
    submit(client, "/logout", form_url="/")
    assert login(client, person.email, PASSWORD).status_code == 401
    assert login(client, person.email, "a new long passphrase").status_code == 302
    with app.app_context():
        stored = db.session.scalar(sa.select(User.password_hash).where(User.id == person.id))
    assert stored.startswith("$argon2id$")


def test_security_headers_present(client):
    response = client.get("/login")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_home_address_leads_to_sign_in_without_a_scolding_and_home_greets_once(client, make_org, make_user):
    person = make_user(make_org(), Role.LEARNER, full_name="Amina Test")
    home = client.get("/", follow_redirects=True)
    assert "Sign in" in text(home)
    assert "Please sign in to see this page." not in text(home)
    deep = client.get("/courses", follow_redirects=True)
    assert "Please sign in to see this page." in text(deep)
    signed_in = login(client, person.email)
    page = text(client.get(signed_in.headers["Location"]))
    assert page.count("Amina Test") >= 1
    assert "Welcome, Amina Test." not in page
    assert "Hello, Amina Test" in page
