"""Failed sign-ins are throttled per account from one address, so a stranger who knows someone's email
address cannot lock them out, while guessing (from one address or many) stays throttled."""

from __future__ import annotations

import pytest

from tests.helpers import PASSWORD, login, make_app, text
from training.config import ConfigurationError
from training.models import Role

WRONG = "not the password at all"


def _sign_in(app, email: str, password: str, address: str) -> int:
    """A sign-in from a browser at ``address``; returns the status code."""
    return login(app.test_client(), email, password, address=address).status_code


def test_failures_from_one_address_do_not_lock_the_owner_out_elsewhere(app, make_org, make_user):
    person = make_user(make_org(), Role.LEARNER)
    for _ in range(5):
        assert _sign_in(app, person.email, WRONG, "203.0.113.7") == 401
    assert _sign_in(app, person.email, PASSWORD, "198.51.100.20") == 302, "the owner, from their own address"


def test_failures_from_one_address_stop_that_address(app, make_org, make_user):
    person = make_user(make_org(), Role.LEARNER)
    for _ in range(5):
        assert _sign_in(app, person.email, WRONG, "203.0.113.7") == 401
    assert _sign_in(app, person.email, PASSWORD, "203.0.113.7") == 429
    assert _sign_in(app, person.email, WRONG, "203.0.113.7") == 429


@pytest.mark.slow  # many sign-ins, each hashing a password
def test_the_per_account_ceiling_stops_everyone(app, make_org, make_user):
    person = make_user(make_org(), Role.LEARNER)
    ceiling = 20  # LOGIN_FAILURES_PER_ACCOUNT in the test configuration: 20/hour
    addresses = [f"203.0.113.{n}" for n in range(1, 6)]
    for n in range(ceiling):
        assert _sign_in(app, person.email, WRONG, addresses[n % len(addresses)]) == 401
    blocked = login(app.test_client(), person.email, address="198.51.100.20")
    assert blocked.status_code == 429
    assert "Too many failed sign-in attempts" in text(blocked)


def test_a_successful_sign_in_forgives_only_its_own_address(app, make_org, make_user):
    person = make_user(make_org(), Role.LEARNER)
    for _ in range(4):
        _sign_in(app, person.email, WRONG, "198.51.100.20")
    assert _sign_in(app, person.email, PASSWORD, "198.51.100.20") == 302
    for _ in range(5):  # the owner's earlier typos no longer count against their address
        assert _sign_in(app, person.email, WRONG, "198.51.100.20") == 401
    assert _sign_in(app, person.email, PASSWORD, "198.51.100.20") == 429


@pytest.mark.parametrize(
    "name", ["LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS", "LOGIN_FAILURES_PER_ACCOUNT", "LOGIN_FAILURES_PER_IP"]
)
def test_a_limit_that_is_not_a_rate_stops_the_app_with_a_clear_message(database_url, monkeypatch, name):
    monkeypatch.setenv(name, "five")
    with pytest.raises(ConfigurationError, match=f"{name} must be a rate like '5/15 minutes', got 'five'"):
        make_app(database_url)
