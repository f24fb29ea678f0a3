"""Emails go out in the recipient's language: their own choice, else their organization's default, else
English, whoever (and in whatever language) triggered them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from tests.content_fixture import write_content
from tests.helpers import mail_body, submit
from training.extensions import db
from training.models import Course, Organization, Requirement, Role, User
from training.services import content_loader, i18n, mailer, reminders, staff_import
from training.web.settings import mail_settings

NOW = datetime(2026, 3, 10, 8, 0, tzinfo=UTC)


@pytest.fixture
def mail_app(app_with, smtp):
    return app_with(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port)


def test_the_language_of_a_person_is_theirs_then_their_organizations_then_english():
    assert i18n.language_for("sw", "fr") == "sw"
    assert i18n.language_for(None, "fr") == "fr"
    assert i18n.language_for("", None) == "en"
    assert i18n.language_for("xx", "zz") == "en"  # codes the app does not speak
    assert i18n.language_for("xx", "ar") == "ar"


def test_a_password_reset_reaches_each_person_in_their_language(mail_app, smtp, make_org, make_user):
    org = make_org("Lugha Air")
    swahili = make_user(org, Role.LEARNER, full_name="Amani Juma", preferred_language="sw")
    english = make_user(org, Role.LEARNER, full_name="Grace Hill")
    client = mail_app.test_client()
    for person in (swahili, english):  # asked from a browser in English both times
        submit(client, "/password/forgot", {"email": person.email}).close()

    [to_swahili] = smtp.to(swahili.email)
    assert to_swahili["Subject"] == "Weka upya nenosiri lako la Recognize & Report"
    body = mail_body(to_swahili)
    assert body.startswith("Habari Amani Juma,\n\n")
    assert "fungua kiungo hiki ndani ya dakika" in body
    assert "/password/reset/" in body
    [to_english] = smtp.to(english.email)
    assert to_english["Subject"] == "Reset your Recognize & Report password"
    assert mail_body(to_english).startswith("Hello Grace Hill,\n\nSomeone (we hope you) asked to reset the password")


def test_an_invitation_follows_the_person_then_the_organization(mail_app, smtp, make_org, make_user):
    org = make_org("Shirika Air", default_language="sw")
    newcomer = make_user(org, Role.LEARNER, password=None, full_name="Baraka Otieno")
    chooser = make_user(org, Role.LEARNER, password=None, full_name="Claire Martin", preferred_language="fr")
    with mail_app.app_context():
        org = db.session.get(Organization, org.id)
        people = [db.session.get(User, newcomer.id), db.session.get(User, chooser.id)]
        settings = mail_settings()
        entries = [
            mailer.record(staff_import.invitation_mail(p, org, f"https://training.test/welcome/{p.id}", 7), settings)
            for p in people
        ]
        db.session.commit()
        assert mailer.deliver(entries, settings) == 2

    [swahili] = smtp.to(newcomer.email)
    assert swahili["Subject"] == "Akaunti yako ya Recognize & Report katika Shirika Air"
    assert "Shirika Air imekuongeza kwenye Recognize & Report" in mail_body(swahili)
    assert "baada ya siku 7:" in mail_body(swahili)
    [french] = smtp.to(chooser.email)
    assert french["Subject"] == "Votre compte Recognize & Report chez Shirika Air"
    assert "Il fonctionne une seule fois et expire dans 7 jours :" in mail_body(french)


def test_reminders_and_digests_are_written_in_each_readers_language(app, mail_app, smtp, make_org, make_user, tmp_path):
    write_content(tmp_path)
    with app.app_context():
        assert content_loader.load_content(tmp_path).ok
        course_id = db.session.scalar(sa.select(Course.id).where(Course.slug == "test-course"))
    org = make_org("Safari Air", default_language="fr")
    swahili = make_user(org, Role.LEARNER, full_name="Amina Njoroge", preferred_language="sw")
    french = make_user(org, Role.LEARNER, full_name="Luc Moreau")  # no choice: the organization's default
    english = make_user(org, Role.LEARNER, full_name="Tom Reed", preferred_language="en")
    manager = make_user(org, Role.MANAGER, full_name="Zawadi Mwangi", preferred_language="sw")
    with app.app_context():
        for person in (swahili, french, english):
            db.session.add(
                Requirement(
                    user_id=person.id,
                    course_id=course_id,
                    organization_id=org.id,
                    due_at=NOW - timedelta(days=5),
                    source="assignment",
                )
            )
        db.session.commit()
    with mail_app.app_context():
        reminders.send_reminders("http://training.test", mail_settings(), now=NOW, org_ids=[org.id])

    [to_swahili] = smtp.to(swahili.email)
    assert to_swahili["Subject"] == "Kikumbusho cha mafunzo: kozi 1 imechelewa"
    assert "Test course: imechelewa tangu 5 Machi 2026" in mail_body(to_swahili)
    [to_french] = smtp.to(french.email)
    assert to_french["Subject"] == "Rappel de formation : 1 cours en retard"
    assert "- Test course: en retard depuis le 5 mars 2026" in mail_body(to_french)
    [to_english] = smtp.to(english.email)
    assert to_english["Subject"] == "Training reminder: 1 course overdue"
    assert "Test course: overdue since 5 March 2026" in mail_body(to_english)
    [digest] = smtp.to(manager.email)
    assert digest["Subject"].strip() == "Mafunzo ya Safari Air: 3 yamechelewa, 0 yanaisha muda ndani ya siku 30"
    assert "Wanaopaswa kuchukua hatua (watu 3):" in mail_body(digest)
