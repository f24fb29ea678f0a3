"""Names and free text shown to others refuse invisible characters that hide or reorder text.

U+202E (right-to-left override) turned "…exe.png" around on a certificate and the public
verification page. Every path that stores such text refuses it with a message naming the
character: the admin's forms, the manager's contacts and revocations, the staff import (the row
is rejected with the reason), and the create-user command.
"""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests.content_fixture import load_test_content
from tests.factories import add_certificates
from tests.helpers import csrf_token, login, submit, text
from training.extensions import db
from training.models import Certificate, Organization, OrgKind, ReportingContact, Role, User
from training.services import text as text_rules

OVERRIDE = "Ann \u202egnp.exe"
HIDDEN = [OVERRIDE, "Ad\u200bmin", "Jo\u2066hn", "\ufeffMary", "Ma\u00adria", "Bell\x07", "Esc\x1b[31m"]


@pytest.mark.parametrize("value", HIDDEN)
def test_invisible_and_control_characters_are_named(value):
    problem = text_rules.hidden_character_problem(value)
    assert problem is not None
    assert "U+" in problem


VISIBLE = ["Jane Example", "Zoë Ōkubo", "José Nuñez", "Ngũgĩ wa Thiong'o", "محمد علي", "می\u200cخواهم", "O'Brien-Smith"]


@pytest.mark.parametrize("value", VISIBLE)
def test_names_in_every_script_are_accepted(value):
    assert text_rules.hidden_character_problem(value) is None


@pytest.fixture
def admin(app, make_org, make_user):
    client = app.test_client()
    login(client, make_user(make_org("Platform", kind=OrgKind.OTHER), Role.ADMIN).email)
    return client


def _count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def test_the_admin_cannot_create_a_person_with_a_hidden_character(app, admin, make_org):
    org = make_org("Names Air")
    response = submit(
        admin,
        "/admin/people/new",
        {"full_name": OVERRIDE, "email": "ann@example.test", "organization_id": org.id, "job_function": "gate"},
    )
    assert "Remove the invisible character U+202E (RIGHT-TO-LEFT OVERRIDE)" in text(response)
    assert _count(app, User, User.email == "ann@example.test") == 0


def test_the_admin_cannot_rename_a_person_with_one(app, admin, make_org, make_user):
    person = make_user(make_org("Names Air"), full_name="Ann Plain")
    url = f"/admin/people/{person.id}"
    fields = {"full_name": "Ann\u200b Plain", "email": person.email, "organization_id": person.organization_id}
    response = submit(admin, url, {**fields, "job_function": "other", "roles": "learner"})
    assert "U+200B (ZERO WIDTH SPACE)" in text(response)
    with app.app_context():
        assert db.session.get(User, person.id).full_name == "Ann Plain"


def test_an_organization_name_with_one_is_refused(app, admin):
    response = submit(admin, "/admin/organizations/new", {"name": "Sky\u202e Air", "kind": "airline", "country": "KE"})
    assert "U+202E" in text(response)
    assert _count(app, Organization, Organization.name.like("Sky%")) == 0


@pytest.fixture
def manager(app, make_org, make_user):
    org = make_org("Names Air")
    client = app.test_client()
    login(client, make_user(org, Role.MANAGER).email)
    return client, org


@pytest.mark.parametrize("field", ["name", "value", "when_to_use"])
def test_a_reporting_contact_with_one_is_refused(app, manager, field):
    client, org = manager
    fields = {"name": "Duty manager", "channel": "phone", "value": "+254 700 000000", "when_to_use": "Any time."}
    fields[field] = fields[field] + "\u202e"
    response = submit(client, "/manage/contacts", fields)
    assert "U+202E" in text(response)
    assert _count(app, ReportingContact, ReportingContact.organization_id == org.id) == 0


def test_an_imported_name_with_one_is_rejected_with_the_reason(manager):
    client, _org = manager
    data = f"email,full_name,employee_number,job_function,base\r\nann@example.test,{OVERRIDE},,gate,\r\n".encode()
    fields = {
        "csrf_token": csrf_token(client, "/manage/staff/import"),
        "file": FileStorage(io.BytesIO(data), "staff.csv"),
    }
    boundary, body = encode_multipart(fields)
    page = text(
        client.post("/manage/staff/import", data=body, content_type=f"multipart/form-data; boundary={boundary}")
    )
    assert "full_name: Remove the invisible character U+202E (RIGHT-TO-LEFT OVERRIDE)" in page
    assert "Confirm import" not in page


def test_a_revocation_reason_with_one_is_refused(app, tmp_path, manager, make_user):
    client, org = manager
    load_test_content(app, tmp_path)
    serial = add_certificates(app, org, [make_user(org, job_function="cabin_crew")])[0]
    url = f"/certificates/{serial}/revoke"
    response = submit(client, url, {"reason": "Fraud \u202egnp.exe"})
    assert "U+202E" in text(response)
    with app.app_context():
        assert db.session.scalar(sa.select(Certificate.revoked_at).where(Certificate.serial == serial)) is None


def test_create_user_refuses_a_name_with_one(app, runner, make_org):
    make_org("Names Air")
    result = runner.invoke(
        args=["create-user", "--email", "ann@example.test", "--name", OVERRIDE, "--org", "Names Air"]
    )
    assert result.exit_code != 0
    assert "U+202E" in result.output
    assert _count(app, User, User.email == "ann@example.test") == 0
