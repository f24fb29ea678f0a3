"""A changed email address takes effect only once the new address confirms it, and the old one is told.

The takeover this prevents: change someone's address to one you hold (by an import row matched by
employee number, or by an edit), then ask for a password reset at it.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from itsdangerous import URLSafeTimedSerializer

from tests.helpers import PASSWORD, login, submit, text
from tests.test_staff_import import IMPORT, _csv, _rows, _upload
from training.extensions import db
from training.models import AccessToken, AuditEvent, OrgKind, OutboxMessage, Role, StaffImport, User, utcnow
from training.services import audit, password_reset

NEW = "attacker@elsewhere.test"
CONFIRMATION, NOTICE = "email_change", "email_change_notice"  # the outbox kinds of the two emails
LINK = re.compile(r"http://training\.test(/account/email/\S+)")


def _email_of(app, person) -> str:
    with app.app_context():
        return db.session.get(User, person.id).email


def _mails(app, kind: str) -> list[OutboxMessage]:
    with app.app_context():
        rows = list(db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind == kind)))
        db.session.expunge_all()
        return rows


# --- imports ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("roles", "password", "reason"),
    [
        ((Role.LEARNER,), PASSWORD, "has already signed in, so an import cannot change their address"),
        ((Role.ADMIN,), None, "holds the roles Admin: an import changes learners only"),
        ((Role.AUDITOR,), PASSWORD, "holds the roles Auditor: an import changes learners only"),
        ((Role.MANAGER, Role.LEARNER), PASSWORD, "holds the roles Learner, Manager: an import changes learners only"),
    ],
)
def test_an_import_never_changes_the_address_of_someone_signed_in_or_above_learner(
    app, client, org, manager, make_user, roles, password, reason
):
    target = make_user(org, *roles, password=password, email="ops.admin@sky.test", employee_number="E-1")
    page = text(_upload(client, _csv([NEW, target.full_name, "E-1", "gate", ""])))
    row = _rows(page)[2]
    assert "Rejected" in row
    assert reason in row
    assert "Confirm import" not in page
    assert _email_of(app, target) == "ops.admin@sky.test"
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(StaffImport)) == 0
    assert submit(client, "/password/forgot", {"email": NEW}, form_url="/password/forgot").status_code == 200
    assert _mails(app, password_reset.KIND) == []


def test_an_import_corrects_a_pending_invitees_address_and_ends_their_invitation(app, client, org, manager, make_user):
    newcomer = make_user(org, Role.LEARNER, password=None, email="typo@sky.tset", employee_number="E-2")
    sent = submit(client, f"/manage/staff/{newcomer.id}/invitation", form_url=f"/manage/staff/{newcomer.id}")
    invitation = re.search(r'value="http://training\.test(/welcome/[^"]+)"', text(sent)).group(1)
    preview = _upload(client, _csv(["right@sky.test", newcomer.full_name, "E-2", "gate", ""]))
    assert "email: typo@sky.tset → right@sky.test" in _rows(text(preview))[2]
    fingerprint = re.search(r'name="fingerprint"[^>]*value="([0-9a-f]{64})"', text(preview)).group(1)
    confirm = re.search(r'action="(/manage/staff/import/\d+/confirm)"', text(preview)).group(1)
    assert submit(client, confirm, {"fingerprint": fingerprint}, form_url=IMPORT).status_code == 200
    assert _email_of(app, newcomer) == "right@sky.test"
    assert app.test_client().get(invitation).status_code == 404, "the link sent to the mistaken address still works"


# --- the admin's edit, and the confirmation ----------------------------------------------------------


@pytest.fixture
def admin(make_org, make_user):
    return make_user(make_org("Platform", kind=OrgKind.OTHER), Role.ADMIN)


def _admin_changes_address(client, admin, person, new_email: str = NEW):
    login(client, admin.email)
    form = {
        "full_name": person.full_name,
        "email": new_email,
        "organization_id": person.organization_id,
        "job_function": person.job_function,
        "roles": sorted(r.value for r in person.roles),
        "employee_number": person.employee_number or "",
        "base": person.base or "",
    }
    response = submit(client, f"/admin/people/{person.id}", form, follow_redirects=True)
    submit(client, "/logout", form_url="/")
    return response


def test_an_edited_address_waits_for_confirmation_and_the_old_one_is_told(app, client, org, admin, make_user):
    crew = make_user(org, Role.LEARNER, email="amina@sky.test", full_name="Amina Crew")
    page = text(_admin_changes_address(client, admin, crew))
    assert f"The new address {NEW} takes effect once it is confirmed" in page
    assert _email_of(app, crew) == "amina@sky.test", "the address changed before the new one confirmed it"

    (confirmation,) = _mails(app, CONFIRMATION)
    (notice,) = _mails(app, NOTICE)
    assert confirmation.recipient_email == NEW
    assert notice.recipient_email == "amina@sky.test"
    assert NEW in notice.body
    assert "/account/email/" not in notice.body

    # Until confirmed, neither sign-in nor a reset uses the new address.
    assert login(app.test_client(), NEW).status_code == 401
    submit(client, "/password/forgot", {"email": NEW})
    assert _mails(app, password_reset.KIND) == []
    assert login(app.test_client(), "amina@sky.test").status_code == 302

    path = LINK.search(confirmation.body).group(1)
    shown = client.get(path)
    assert shown.status_code == 200
    assert f"Use {NEW}" in text(shown)
    assert _email_of(app, crew) == "amina@sky.test", "opening the link alone changed the address"
    done = submit(client, path, {})
    assert done.status_code == 302
    assert _email_of(app, crew) == NEW
    assert login(app.test_client(), NEW).status_code == 302
    assert client.get(path).status_code == 404, "a used link works once"
    with app.app_context():
        actions = list(db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.seq)))
    assert "person.email_change_requested" in actions
    assert "person.email_changed" in actions


def test_the_link_dies_when_the_password_changes(app, client, org, admin, make_user):
    crew = make_user(org, Role.LEARNER, email="amina@sky.test")
    _admin_changes_address(client, admin, crew)
    path = LINK.search(_mails(app, CONFIRMATION)[0].body).group(1)
    login(client, crew.email)
    new_password = "lantern river mango 1987"
    submit(
        client, "/account/password", {"current_password": PASSWORD, "password": new_password, "confirm": new_password}
    )
    assert client.get(path).status_code == 404
    assert _email_of(app, crew) == "amina@sky.test"


def test_an_expired_or_forged_link_is_refused(app, client, org, admin, make_user, monkeypatch):
    crew = make_user(org, Role.LEARNER, email="amina@sky.test")
    _admin_changes_address(client, admin, crew)
    path = LINK.search(_mails(app, CONFIRMATION)[0].body).group(1)
    assert client.get(path[:-3] + ("AAA" if not path.endswith("AAA") else "BBB")).status_code == 404
    forged = URLSafeTimedSerializer("another key", salt="email-change").dumps(
        {"user": crew.id, "old": crew.email, "new": NEW, "pw": ""}
    )
    assert client.get(f"/account/email/{forged}").status_code == 404
    from training.services import email_change

    monkeypatch.setattr(email_change, "VALID_FOR", timedelta(seconds=-1))
    assert client.get(path).status_code == 404


def test_a_pending_learners_address_is_corrected_at_once(app, client, org, admin, make_user):
    newcomer = make_user(org, Role.LEARNER, password=None, email="typo@sky.tset")
    with app.test_request_context(), app.app_context():
        from training.web.links import issue_invitation_link

        issue_invitation_link(db.session.get(User, newcomer.id), actor=audit.SYSTEM)
    _admin_changes_address(client, admin, newcomer, "right@sky.test")
    assert _email_of(app, newcomer) == "right@sky.test"
    assert _mails(app, CONFIRMATION) == []
    with app.app_context():
        live = db.session.scalar(
            sa.select(sa.func.count()).select_from(AccessToken).where(AccessToken.expires_at > utcnow())
        )
    assert live == 0, "the invitation sent to the mistaken address still works"
