"""Every state-changing route, enumerated from the URL map: no change without a valid CSRF token,
and no change by anyone who may not make it.

A request that is refused must leave the database exactly as it was: the tests compare a digest
of every table before and after.
"""

from __future__ import annotations

import hashlib
import re

import pytest
import sqlalchemy as sa

from tests.security import world as world_module
from tests.security.test_authorization_matrix import URLS
from tests.security.world import USERS
from training.extensions import db

# Routes anyone may POST to (their own checks are tested with each feature).
OPEN_TO_ALL = {
    "auth.login",
    "auth.welcome",
    "auth.forgot_password",
    "auth.reset_password",
    "auth.confirm_email",
    "certify.verify",
    "home.choose_language",
}
SIGNED_IN = {"auth.logout", "auth.change_password"}
LEARNERS = {"learner", "colleague"}
MANAGERS = {"manager", "other_manager"}

# Who may POST to each other route: (with Trail Air's objects, with Outside Air's objects).
# A route without an object in its URL has one set.
ALLOWED: dict[str, set[str] | tuple[set[str], set[str]]] = {
    "learn.check": LEARNERS,
    "learn.complete": LEARNERS,
    "learn.quiz_start": LEARNERS,
    "learn.attempt": ({"learner"}, set()),
    "certify.revoke": ({"manager", "admin"}, {"other_manager", "admin"}),
    "manage.assignments": MANAGERS,
    "manage.assignment_remove": ({"manager"}, {"other_manager"}),
    "manage.contacts": MANAGERS,
    "manage.contact_edit": ({"manager"}, {"other_manager"}),
    "manage.contact_delete": ({"manager"}, {"other_manager"}),
    "manage.contact_move": ({"manager"}, {"other_manager"}),
    "manage.settings": MANAGERS,
    "manage.settings_language": MANAGERS,
    "manage.settings_logo": MANAGERS,
    "manage.settings_logo_remove": MANAGERS,
    "manage.deactivate": ({"manager"}, {"other_manager"}),
    "manage.reactivate": ({"manager"}, {"other_manager"}),
    "manage.invite": ({"manager"}, {"other_manager"}),
    "manage.staff_import_upload": MANAGERS,
    "manage.staff_import_confirm": ({"manager"}, {"other_manager"}),
    "admin.organization_new": {"admin"},
    "admin.organization_edit": ({"admin"}, {"admin"}),
    "admin.organization_oversight": ({"admin"}, {"admin"}),
    "admin.person_new": {"admin"},
    "admin.person_edit": ({"admin"}, {"admin"}),
    "admin.person_deactivate": ({"admin"}, {"admin"}),
    "admin.person_invite": ({"admin"}, {"admin"}),
    "admin.person_reactivate": ({"admin"}, {"admin"}),
}

_TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def _state_changing(app) -> set[str]:
    return {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.methods and rule.methods & {"POST", "PUT", "PATCH", "DELETE"}
    }


def _allowed(endpoint: str, variant: str) -> set[str]:
    if endpoint in OPEN_TO_ALL:
        return set(USERS)
    if endpoint in SIGNED_IN:
        return set(USERS) - {"anonymous"}
    rule = ALLOWED[endpoint]
    if isinstance(rule, tuple):
        return rule[0] if variant == "own" else rule[1]
    return rule


def _variants(endpoint: str) -> tuple[str, ...]:
    return ("own", "foreign") if "{" in URLS[endpoint] else ("own",)


def _digest(app) -> str:
    """A digest of every row of every table."""
    digest = hashlib.sha256()
    with app.app_context():
        for table in db.metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            for row in db.session.execute(sa.select(table).order_by(*order)):
                digest.update(repr(tuple(row)).encode())
        db.session.remove()
    return digest.hexdigest()


def _token_for(client) -> str:
    """A valid CSRF token of this client's session, from a page with a form."""
    for url in ("/account/password", "/login"):
        page = client.get(url)
        match = _TOKEN.search(page.get_data(as_text=True))
        if page.status_code == 200 and match:
            return match.group(1)
    raise AssertionError("no page with a form")


@pytest.fixture
def world(app, tmp_path, make_org, make_user):
    return world_module.build(app, tmp_path, make_org, make_user)


@pytest.fixture
def clients(app, world):
    return world_module.signed_in_clients(app, world)


def test_every_state_changing_route_is_listed(app):
    listed = OPEN_TO_ALL | SIGNED_IN | ALLOWED.keys()
    assert _state_changing(app) - listed == set(), "state-changing routes missing from the tables"
    assert listed - _state_changing(app) == set(), "rows for routes that no longer change state"


def test_no_state_change_without_a_valid_csrf_token(app, world, clients):
    """Each route, POSTed by someone allowed to use it, with no token and with a forged one: 400, no change."""
    before = _digest(app)
    for endpoint in sorted(_state_changing(app)):
        for variant in _variants(endpoint):
            allowed = sorted(_allowed(endpoint, variant))
            if not allowed:
                continue
            client = clients[allowed[-1]]
            url = URLS[endpoint].format(**vars(world.own if variant == "own" else world.foreign))
            for token in (None, "forged-" + "0" * 40):
                data = {"reason": "test", "password": "lantern river mango 1987", "email": "x@example.test"}
                if token:
                    data["csrf_token"] = token
                response = client.post(url, data=data)
                assert response.status_code == 400, f"{endpoint} {url} without a valid token: {response.status_code}"
                assert "The form expired" in response.get_data(as_text=True)
    assert _digest(app) == before, "a request without a valid CSRF token changed the database"


def test_no_state_change_by_anyone_not_allowed(app, world, clients):
    """Each route, POSTed with a valid token by every user who may not use it: refused, no change."""
    tokens = {name: _token_for(client) for name, client in clients.items()}
    before = _digest(app)
    tried = 0
    for endpoint in sorted(_state_changing(app)):
        for variant in _variants(endpoint):
            url = URLS[endpoint].format(**vars(world.own if variant == "own" else world.foreign))
            for name in sorted(set(USERS) - _allowed(endpoint, variant)):
                response = clients[name].post(url, data={"csrf_token": tokens[name], "reason": "not yours"})
                expected = {302} if name == "anonymous" else {403, 404}
                assert response.status_code in expected, f"{name} POST {url}: {response.status_code}"
                if name == "anonymous":
                    assert "/login" in response.headers["Location"]
                tried += 1
    assert tried > 150
    assert _digest(app) == before, "a refused request changed the database"
