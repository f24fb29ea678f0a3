"""Certificates and wallet cards print in the holder's language, with the English course title beneath a
translated one; an Arabic certificate is laid out right to left; every language signs and verifies alike."""

from __future__ import annotations

import io
import re

import pypdf
import pytest
import sqlalchemy as sa

from tests.content_fixture import write_content, write_translation
from tests.factories import pass_course
from tests.helpers import login, text
from tests.pdf_tools import assert_archival_tagged_and_signed
from training.extensions import db
from training.models import Certificate, Role
from training.services import content_loader, issuing
from training.web.settings import certificate_settings

ARABIC = re.compile("[\u0600-\u06ff]")


@pytest.fixture
def translated(app, tmp_path):
    """The test course with complete Kiswahili and Arabic translations (its title: "Cours de test")."""
    write_content(tmp_path)
    write_translation(tmp_path, language="sw")
    write_translation(tmp_path, language="ar")
    with app.app_context():
        report = content_loader.load_content(tmp_path)
        assert report.ok, report.problems


def _certificate(app, client, make_org, make_user, *, preferred=None, org_default=None) -> dict:
    org = make_org("Shirika la Ndege", default_language=org_default) if org_default else make_org("Shirika la Ndege")
    holder = make_user(
        org, Role.LEARNER, job_function="cabin_crew", full_name="Amina Wanjiru", preferred_language=preferred
    )
    login(client, holder.email)
    attempt_id = pass_course(client)
    with app.app_context():
        certificate = db.session.scalar(sa.select(Certificate).where(Certificate.attempt_id == attempt_id))
        card = issuing.wallet_card(certificate, certificate_settings())
        return {"serial": certificate.serial, "pdf": certificate.pdf, "card": card}


def _text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def _verifies(data: bytes) -> None:
    assert_archival_tagged_and_signed(data)  # PDF/A-3b, tagged, and its one signature valid over the whole file


def test_a_kiswahili_holders_certificate_and_card(app, client, make_org, make_user, translated):
    issued = _certificate(app, client, make_org, make_user, preferred="sw")
    words = _text(issued["pdf"])
    assert "Cheti cha Kukamilisha" in words
    assert "Cours de test" in words  # the course's title in the Kiswahili translation (the fixture's text)
    assert "Test course" in words  # and the English title beneath it, for an inspector abroad
    assert "Amina Wanjiru" in words
    assert issued["serial"] in words
    assert re.search(
        r"\d{1,2} (Januari|Februari|Machi|Aprili|Mei|Juni|Julai|Agosti|Septemba|Oktoba|Novemba|Desemba) \d{4}", words
    )
    _verifies(issued["pdf"])

    card = _text(issued["card"])
    assert "Halali hadi" in card
    assert "Test course" in card
    _verifies(issued["card"])

    # Anyone's verification page still names the certificate as it was issued.
    page = text(app.test_client().get(f"/verify/{issued['serial']}"))
    assert "Amina Wanjiru" in page
    assert issued["serial"] in page


def test_an_arabic_certificate_is_right_to_left_and_verifies(app, client, make_org, make_user, translated):
    issued = _certificate(app, client, make_org, make_user, org_default="ar")  # the organization's default
    words = _text(issued["pdf"])
    assert ARABIC.search(words)
    assert "Amina Wanjiru" in words
    assert "Test course" in words
    _verifies(issued["pdf"])
    card = _text(issued["card"])
    assert ARABIC.search(card)
    _verifies(issued["card"])


def test_english_when_the_course_has_no_translation_in_the_holders_language(
    app, client, make_org, make_user, translated
):
    issued = _certificate(app, client, make_org, make_user, preferred="pt")  # no Portuguese translation loaded
    words = _text(issued["pdf"])
    assert "Certificado de conclusão" in words
    assert "Test course" in words
    assert "Cours de test" not in words


def test_the_verification_page_speaks_the_viewers_language(app, client, make_org, make_user, translated):
    issued = _certificate(app, client, make_org, make_user, preferred="sw")
    page = text(app.test_client().get(f"/verify/{issued['serial']}", headers={"Accept-Language": "fr"}))
    assert "Titulaire" in page
    assert "Amina Wanjiru" in page
    assert issued["serial"] in page
    french_months = "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
    assert re.search(rf"Valide jusqu’au</dt><dd>\d{{1,2}} ({french_months}) \d{{4}}</dd>", page)
