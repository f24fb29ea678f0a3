"""Choosing the interface language: the browser's, the organization's default, the person's own;
the switcher works without JavaScript, on every page, signed in or not; Arabic reads right to left."""

from __future__ import annotations

import re

from tests.helpers import csrf_token, login
from training.extensions import db
from training.models import User


def _lang_and_dir(html: str) -> tuple[str, str]:
    found = re.search(r'<html lang="([^"]+)" dir="([^"]+)">', html)
    assert found, "no <html lang dir>"
    return found.group(1), found.group(2)


def _choose(client, code: str, next_url: str = "/login", form_page: str = "/login"):
    token = csrf_token(client, form_page)
    return client.post("/language", data={"csrf_token": token, "language": code, "next": next_url})


def test_the_browser_language_decides_for_a_visitor(client) -> None:
    page = client.get("/login", headers={"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"}).get_data(as_text=True)
    assert _lang_and_dir(page) == ("fr", "ltr")
    assert "Aller au contenu principal" in page
    page = client.get("/login", headers={"Accept-Language": "de-DE"}).get_data(as_text=True)
    assert _lang_and_dir(page) == ("en", "ltr")


def test_arabic_pages_read_right_to_left(client) -> None:
    page = client.get("/login", headers={"Accept-Language": "ar"}).get_data(as_text=True)
    assert _lang_and_dir(page) == ("ar", "rtl")
    assert "الانتقال إلى المحتوى الرئيسي" in page


def test_the_switcher_is_on_the_sign_in_and_verification_pages(client) -> None:
    for url in ("/login", "/verify"):
        page = client.get(url).get_data(as_text=True)
        assert 'action="/language"' in page, url
        assert all(f'value="{code}"' in page for code in ("en", "sw", "fr", "es", "ar", "pt")), url


def test_a_visitor_s_choice_holds_through_sign_in_and_is_saved(client, make_org, make_user, app) -> None:
    person = make_user(make_org())
    response = _choose(client, "sw", "/verify")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/verify")
    assert _lang_and_dir(client.get("/login").get_data(as_text=True))[0] == "sw"
    login(client, person.email)
    assert _lang_and_dir(client.get("/").get_data(as_text=True))[0] == "sw"
    _choose(client, "ar", "/", form_page="/")
    with app.app_context():
        assert db.session.get(User, person.id).preferred_language == "ar"


def test_a_choice_on_the_sign_in_page_becomes_the_person_s_own_unless_they_have_one(
    client, make_org, make_user, app
) -> None:
    org = make_org(default_language="fr")
    newcomer = make_user(org)
    settled = make_user(org, preferred_language="es")
    _choose(client, "sw")
    login(client, newcomer.email)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    _choose(client, "ar")
    login(client, settled.email)
    assert _lang_and_dir(client.get("/").get_data(as_text=True))[0] == "es"
    with app.app_context():
        assert db.session.get(User, newcomer.id).preferred_language == "sw"
        assert db.session.get(User, settled.id).preferred_language == "es"


def test_a_person_s_own_choice_beats_the_organization_s_default(client, make_org, make_user) -> None:
    org = make_org(default_language="fr")
    follows_org = make_user(org)
    chose = make_user(org, preferred_language="es")
    login(client, follows_org.email)
    assert _lang_and_dir(client.get("/", headers={"Accept-Language": "pt"}).get_data(as_text=True))[0] == "fr"
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login(client, chose.email)
    assert _lang_and_dir(client.get("/").get_data(as_text=True))[0] == "es"


def test_unknown_languages_and_outside_addresses_are_refused(client) -> None:
    token = csrf_token(client, "/login")
    assert client.post("/language", data={"csrf_token": token, "language": "xx", "next": "/"}).status_code == 400
    response = client.post("/language", data={"csrf_token": token, "language": "fr", "next": "https://evil.test/"})
    assert response.status_code == 302
    assert "evil" not in response.headers["Location"]


def test_the_switcher_needs_the_form_token(client) -> None:
    assert client.post("/language", data={"language": "fr", "next": "/"}).status_code == 400


def test_services_speak_the_request_s_language_and_a_named_person_s(app) -> None:
    from training.services import i18n as service_i18n

    assert service_i18n.gettext("Home") == "Home"  # outside a request: the source language
    with app.test_request_context("/", headers={"Accept-Language": "fr"}):
        assert service_i18n.gettext("Home") == "Accueil"
        assert service_i18n.in_language("sw").gettext("Home") == "Mwanzo"
        assert service_i18n.in_language("xx").gettext("Home") == "Home"
