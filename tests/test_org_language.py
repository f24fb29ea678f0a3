"""An organization's default language: a manager chooses it on the Settings page, it goes on record, and
staff of that organization who have not chosen a language of their own then see the pages in it."""

from __future__ import annotations

import json
import re

import pytest
import sqlalchemy as sa

from tests.helpers import login, submit, text
from training.extensions import db
from training.models import AuditEvent, Organization, Role
from training.services import audit, org_settings
from training.services.errors import ServiceError

SETTINGS = "/manage/settings"
LANGUAGE = "/manage/settings/language"


def _language_of(page: str) -> str:
    found = re.search(r'<html lang="([^"]+)"', page)
    assert found, "no <html lang>"
    return found.group(1)


def test_staff_without_a_choice_see_their_organization_s_default_language(app, client, make_org, make_user):
    org = make_org("Lugha Air")
    manager = make_user(org, Role.MANAGER, preferred_language="en")
    learner = make_user(org)
    chose_french = make_user(org, preferred_language="fr")
    elsewhere = make_user(make_org("Other Air"))

    login(client, manager.email)
    response = submit(client, LANGUAGE, {"default_language": "sw"}, form_url=SETTINGS)
    assert response.status_code == 302
    page = text(client.get(SETTINGS))
    assert "Saved. Staff who have not chosen a language now see the pages in this one." in page
    assert re.search(r'<option lang="sw" selected value="sw">Kiswahili</option>', page)
    with app.app_context():
        assert db.session.get(Organization, org.id).default_language == "sw"
        event = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "organization.settings_changed")
        ).one()
        assert json.loads(event.details) == {"default_language": [None, "sw"]}
        assert event.organization_id == org.id
    submit(client, "/logout", form_url="/")

    login(client, learner.email)
    home = text(client.get("/", headers={"Accept-Language": "fr"}))
    assert _language_of(home) == "sw"  # the organization's choice, over the browser's
    assert "Ruka hadi maudhui makuu" in home
    submit(client, "/logout", form_url="/")

    login(client, chose_french.email)
    assert _language_of(text(client.get("/"))) == "fr"  # a person's own choice wins
    submit(client, "/logout", form_url="/")

    login(client, elsewhere.email)
    assert _language_of(text(client.get("/", headers={"Accept-Language": "en"}))) == "en"


def test_each_browser_decides_again_once_the_default_is_cleared(app, client, make_org, make_user):
    org = make_org("Browser Air", default_language="ar")
    manager = make_user(org, Role.MANAGER, preferred_language="en")
    learner = make_user(org)
    login(client, manager.email)
    submit(client, LANGUAGE, {"default_language": ""}, form_url=SETTINGS)
    with app.app_context():
        assert db.session.get(Organization, org.id).default_language is None
    submit(client, "/logout", form_url="/")
    login(client, learner.email)
    assert _language_of(text(client.get("/", headers={"Accept-Language": "pt-BR,pt;q=0.9"}))) == "pt"


def test_the_choices_name_each_language_in_itself(client, make_org, make_user):
    manager = make_user(make_org(), Role.MANAGER, preferred_language="en")
    login(client, manager.email)
    page = text(client.get(SETTINGS))
    assert "Language for staff who have not chosen one" in page
    assert '<option selected value="">Each person\'s browser decides</option>' in page
    for code, name in [("en", "English"), ("sw", "Kiswahili"), ("fr", "Français"), ("es", "Español"),
                       ("ar", "العربية"), ("pt", "Português")]:  # fmt: skip
        assert f'<option lang="{code}" value="{code}">{name}</option>' in page


def test_a_language_not_offered_is_refused(app, client, make_org, make_user):
    org = make_org("Refusing Air")
    manager = make_user(org, Role.MANAGER, preferred_language="en")
    login(client, manager.email)
    response = submit(client, LANGUAGE, {"default_language": "xx"}, form_url=SETTINGS)
    assert response.status_code == 400
    assert "Not a valid choice" in text(response)
    with app.test_request_context("/"):
        row = db.session.get(Organization, org.id)
        assert row.default_language is None
        for code in ("xx", "..", ""):
            with pytest.raises(ServiceError):
                org_settings.set_default_language(row, code, actor=audit.SYSTEM)
