"""Forgotten passwords: an emailed single-use, expiring link, and no way to learn who has an account."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.helpers import PASSWORD, login, submit, text, text_without_tokens
from training.extensions import db
from training.models import AccessToken, AuditEvent, OutboxMessage, Role, TokenPurpose, User, utcnow
from training.services import accounts, audit, password_reset, passwords

FORGOT = "/password/forgot"
NEW_PASSWORD = "lantern river mango 1987"
LINK = re.compile(r"http://training\.test(/password/reset/\S+)")


def _ask(client, email: str):
    """Ask for a link, and close the answer as a server does once it is sent (the work happens then)."""
    response = submit(client, FORGOT, {"email": email})
    response.close()
    return response


def _mails(app) -> list[OutboxMessage]:
    with app.app_context():
        query = sa.select(OutboxMessage).where(OutboxMessage.kind == password_reset.KIND).order_by(OutboxMessage.id)
        rows = list(db.session.scalars(query))
        db.session.expunge_all()
        return rows


def _link_in(message: OutboxMessage) -> str:
    match = LINK.search(message.body)
    assert match, message.body
    return match.group(1)


@pytest.fixture
def person(make_org, make_user):
    return make_user(make_org("Reset Air"), Role.LEARNER, full_name="Reset Person")


def test_the_answer_is_the_same_whether_or_not_the_account_exists(app, client, person, make_user):
    known = _ask(client, person.email)
    unknown = _ask(client, "nobody-here@example.test")
    gone = make_user(person.organization, Role.LEARNER, active=False)
    deactivated = _ask(client, gone.email)
    assert known.status_code == unknown.status_code == deactivated.status_code == 200
    assert text_without_tokens(known) == text_without_tokens(unknown) == text_without_tokens(deactivated)
    assert "If that address belongs to an account" in text(known)
    mails = _mails(app)
    assert [m.recipient_email for m in mails] == [person.email]


def test_the_link_sets_a_new_password_once_and_signs_out_other_sessions(app, client, person):
    elsewhere = app.test_client()
    login(elsewhere, person.email)
    assert elsewhere.get("/").status_code == 200
    assert "Reset Person" in text(elsewhere.get("/"))

    _ask(client, person.email)
    path = _link_in(_mails(app)[0])
    assert "Choose a new password" in text(client.get(path))
    weak = submit(client, path, {"password": "password1234", "confirm": "password1234"})
    assert "one of the most common passwords" in text(weak)
    done = submit(client, path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302
    assert done.headers["Location"].endswith("/login")

    assert client.get(path).status_code == 404, "a used link works no more"
    assert login(client, person.email, PASSWORD).status_code == 401
    assert login(client, person.email, NEW_PASSWORD).status_code == 302
    assert elsewhere.get("/").status_code == 302, "the other session was signed out"
    with app.app_context():
        actions = list(db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.seq)))
    assert "account.password_reset_link_issued" in actions
    assert "account.password_reset_link_used" in actions


def test_an_expired_link_is_refused(app, client, person):
    _ask(client, person.email)
    path = _link_in(_mails(app)[0])
    with app.app_context():
        db.session.execute(sa.update(AccessToken).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    refused = client.get(path)
    assert refused.status_code == 404
    assert "Ask for a new link" in text(refused)


def test_a_new_link_replaces_the_previous_one_and_invitations_do_not_reset(app, client, person):
    _ask(client, person.email)
    _ask(client, person.email)
    first, second = _mails(app)
    assert client.get(_link_in(first)).status_code == 404
    assert client.get(_link_in(second)).status_code == 200
    # A reset token is not an invitation, nor the other way round.
    token = _link_in(second).rsplit("/", 1)[1]
    assert client.get(f"/welcome/{token}").status_code == 404
    with app.app_context():
        assert db.session.scalar(sa.select(AccessToken.purpose).where(AccessToken.used_at.is_(None))) == (
            TokenPurpose.PASSWORD_RESET.value
        )


def test_at_most_three_links_an_hour_per_account(app, client, person):
    for _ in range(5):
        assert _ask(client, person.email).status_code == 200
    assert len(_mails(app)) == password_reset.MAX_PER_HOUR
    with app.app_context():
        refused = db.session.scalar(
            sa.select(sa.func.count()).where(AuditEvent.action == "account.password_reset_refused")
        )
    assert refused == 2


def test_requests_are_throttled_per_address(app, person):
    app.config["PASSWORD_RESET_RATE_LIMIT"] = "2 per hour"
    try:
        anonymous = app.test_client()
        codes = [_ask(anonymous, f"someone{n}@example.test").status_code for n in range(3)]
    finally:
        app.config["PASSWORD_RESET_RATE_LIMIT"] = "10 per hour"
    assert codes == [200, 200, 429]


def test_a_malformed_address_gets_the_same_answer_and_nothing_is_sent(app, client, person):
    response = _ask(client, "not an address@@")
    assert response.status_code in (200, 400)
    assert _mails(app) == []


@pytest.mark.parametrize(
    ("candidate", "reason"),
    [
        ("password1234", "most common passwords"),
        ("Password2026!", "most common passwords"),
        ("qwertyuiop12", "most common passwords"),
        ("!!iloveyou!!", "most common passwords"),
        ("abcdefghijkl", "easy to guess"),
        ("aaaabbbbcccc", "more variety"),
    ],
)
def test_common_and_guessable_passwords_are_refused(candidate, reason):
    problem = passwords.password_problem(candidate, email="someone@example.test", name="Some One")
    assert problem is not None
    assert reason in problem


@pytest.mark.parametrize("candidate", ["lantern river mango 1987", "blue-heart-demo-2026", "Kq7#vT2!mZ9w"])
def test_strong_passwords_pass(candidate):
    assert passwords.password_problem(candidate, email="someone@example.test", name="Some One") is None


def test_deactivated_people_get_no_link_even_with_an_old_one(app, client, person):
    _ask(client, person.email)
    path = _link_in(_mails(app)[0])
    with app.app_context():
        db.session.get(User, person.id).active = False
        db.session.commit()
    assert client.get(path).status_code == 404


# --- a password set by any path ends every link sent earlier ---------------------------------------


def _invitation_path(app, person) -> str:
    from training.web.links import issue_invitation_link

    with app.test_request_context(), app.app_context():
        link = issue_invitation_link(db.session.get(User, person.id), actor=audit.SYSTEM)
    return link.removeprefix("http://training.test")


def test_a_password_changed_normally_ends_an_earlier_reset_link(app, client, person):
    _ask(client, person.email)
    path = _link_in(_mails(app)[0])
    login(client, person.email)
    changed = submit(
        client,
        "/account/password",
        {"current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert changed.status_code == 302
    assert client.get(path).status_code == 404, "the reset link asked for earlier still works"
    with app.app_context():
        assert (
            accounts.find_valid_token(
                path.rsplit("/", 1)[1], TokenPurpose.PASSWORD_RESET, signing_key=app.config["SECRET_KEY"]
            )
            is None
        )


def test_a_reset_ends_an_earlier_invitation_link(app, client, person):
    invitation = _invitation_path(app, person)
    _ask(client, person.email)
    reset = _link_in(_mails(app)[0])
    assert client.get(invitation).status_code == 200
    assert submit(client, reset, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 302
    assert client.get(invitation).status_code == 404, "the invitation link still sets a password"


def test_accepting_an_invitation_ends_an_earlier_reset_link(app, client, person):
    _ask(client, person.email)
    reset = _link_in(_mails(app)[0])
    invitation = _invitation_path(app, person)
    assert submit(client, invitation, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 302
    assert app.test_client().get(reset).status_code == 404, "the reset link still sets a password"
    with app.app_context():
        live = db.session.scalar(
            sa.select(sa.func.count()).select_from(AccessToken).where(AccessToken.expires_at > utcnow())
        )
    assert live == 0
