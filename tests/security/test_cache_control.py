"""No browser or proxy keeps a page shown to a signed-in person, or one opened from a sign-in link."""

from __future__ import annotations

import pytest

from tests.helpers import login, submit
from tests.security import world as world_module
from tests.security.test_authorization_matrix import URLS
from tests.test_password_reset import _link_in, _mails

SIGNED_IN_PEOPLE = ("learner", "manager", "auditor", "admin")


@pytest.fixture
def world(app, tmp_path, make_org, make_user):
    return world_module.build(app, tmp_path, make_org, make_user)


def _no_store(response) -> bool:
    return "no-store" in response.headers.get("Cache-Control", "")


@pytest.mark.slow  # every route for every role
def test_every_route_answers_a_signed_in_person_with_no_store(app, world):
    missing = []
    for name in SIGNED_IN_PEOPLE:
        client = app.test_client()
        assert login(client, world.users[name].email).status_code == 302
        for endpoint, pattern in URLS.items():
            if endpoint == "static":
                continue
            url = pattern.format(**vars(world.own))
            response = client.get(url)
            try:
                assert response.status_code < 500, f"{name} GET {url}"
                if not _no_store(response):
                    missing.append(f"{name} GET {url} ({response.status_code})")
            finally:
                response.close()  # streamed bodies hold the request open until closed
    assert missing == []


def test_sign_in_link_pages_are_not_stored(app, client, world):
    invitation = client.get(URLS["auth.welcome"].format(**vars(world.own)))
    assert invitation.status_code == 200
    assert _no_store(invitation)
    assert _no_store(client.get("/password/reset/not-a-real-token"))


def test_a_reset_link_page_is_not_stored(app, client, world):
    person = world.users["learner"]
    page = submit(client, "/password/forgot", {"email": person.email})
    page.close()  # as a server does once the answer is sent
    path = _link_in(_mails(app)[-1])
    response = client.get(path)
    assert response.status_code == 200
    assert _no_store(response)


def test_public_pages_and_static_files_stay_cacheable(app, client, world):
    assert not _no_store(client.get("/login"))
    assert not _no_store(client.get(f"/verify/{world.own.serial}"))
    signed_in = app.test_client()
    login(signed_in, world.users["learner"].email)
    stylesheet = signed_in.get("/static/css/app.css")
    stylesheet.close()
    assert not _no_store(stylesheet)
