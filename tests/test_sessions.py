"""A session ends for good: signing out, a password change and deactivation refuse every saved copy of
its cookie, and signing in starts a fresh session (no session fixation)."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from flask.testing import FlaskClient
from flask_migrate import upgrade

from tests.helpers import PASSWORD, csrf_token, login, new_database_app, submit
from training.extensions import db
from training.models import Role


def _session_cookie(client: FlaskClient) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None, "no session cookie"
    return cookie.value


def _replay(app, cookie: str) -> FlaskClient:
    """A second browser holding a copy of the saved session cookie."""
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    return thief


def _signed_in(client: FlaskClient) -> bool:
    home = client.get("/")
    assert home.status_code in (200, 302)
    return home.status_code == 200


def test_a_saved_cookie_is_signed_out_after_logout(app, client, make_org, make_user):
    person = make_user(make_org())
    login(client, person.email)
    saved = _session_cookie(client)
    assert _signed_in(_replay(app, saved))

    assert submit(client, "/logout", form_url="/").status_code == 302

    assert not _signed_in(client)
    assert not _signed_in(_replay(app, saved)), "the copied cookie outlived the sign-out"
    assert login(client, person.email).status_code == 302, "signing in again works"
    assert not _signed_in(_replay(app, saved))


def test_a_saved_cookie_is_signed_out_after_a_password_change(app, client, make_org, make_user):
    person = make_user(make_org())
    login(client, person.email)
    saved = _session_cookie(client)
    new = "a new long passphrase"
    done = submit(client, "/account/password", {"current_password": PASSWORD, "password": new, "confirm": new})
    assert done.status_code == 302
    assert _signed_in(client), "the session that changed the password goes on"
    assert not _signed_in(_replay(app, saved))


def test_a_saved_cookie_is_signed_out_after_deactivation(app, client, make_org, make_user):
    org = make_org()
    person = make_user(org)
    admin = make_user(org, Role.ADMIN)
    login(client, person.email)
    saved = _session_cookie(client)

    admin_client = app.test_client()
    login(admin_client, admin.email)
    assert submit(admin_client, f"/admin/people/{person.id}/deactivate").status_code == 302

    assert not _signed_in(_replay(app, saved))
    assert not _signed_in(client)


def test_signing_in_starts_a_fresh_session_and_form_token(client, make_org, make_user):
    person = make_user(make_org())
    before_token = csrf_token(client, "/login")
    before_cookie = _session_cookie(client)
    response = client.post("/login", data={"email": person.email, "password": PASSWORD, "csrf_token": before_token})
    assert response.status_code == 302
    assert _session_cookie(client) != before_cookie
    # A form token from before sign-in (one an attacker could have planted) is no good afterwards.
    assert client.post("/logout", data={"csrf_token": before_token}).status_code == 400
    assert _signed_in(client)
    assert csrf_token(client, "/") != before_token


def test_the_migration_gives_every_account_a_new_session_identifier(tmp_path, database_url):
    with new_database_app(tmp_path, database_url) as fresh, fresh.app_context():
        upgrade(revision="0010")
        now = datetime.now(UTC).replace(tzinfo=None)
        with db.engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO organization (id, name, kind, country, created_at) "
                    "VALUES (1, 'Old Air', 'airline', 'KE', :now)"
                ),
                {"now": now},
            )
            for n in (1, 2):
                conn.execute(
                    sa.text(
                        'INSERT INTO "user" (id, organization_id, email, full_name, job_function, active, '
                        "session_token, created_at) VALUES (:n, 1, :email, 'Old Person', 'other', true, :token, :now)"
                    ),
                    {"n": n, "email": f"old{n}@example.test", "token": f"old-token-{n}", "now": now},
                )
        upgrade(revision="0011")
        with db.engine.connect() as conn:
            tokens = list(conn.scalars(sa.text('SELECT session_token FROM "user" ORDER BY id')))
        assert len(tokens) == 2
        assert len(set(tokens)) == 2
        assert all(not token.startswith("old-token") and len(token) >= 32 for token in tokens)
        db.engine.dispose()
