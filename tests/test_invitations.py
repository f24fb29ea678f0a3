"""First-time access by a signed, expiring, single-use invitation link."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

from tests.helpers import login, submit, text
from training.extensions import db
from training.models import AccessToken, AuditEvent, OrgKind, Role, TokenPurpose, User
from training.services.accounts import _serializer

LINK = re.compile(r'value="(http://training\.test/welcome/[^"]+)"')


def _admin_creates_link(client, admin, person) -> str:
    login(client, admin.email)
    response = submit(client, f"/admin/people/{person.id}/invitation", form_url=f"/admin/people/{person.id}")
    assert response.status_code == 200
    link = LINK.search(text(response))
    assert link, "the invitation page shows the absolute link"
    submit(client, "/logout", form_url="/")
    return link.group(1).removeprefix("http://training.test")


def test_invitation_lets_a_new_person_set_a_password(app, client, make_org, make_user):
    platform = make_org(kind=OrgKind.OTHER)
    admin = make_user(platform, Role.ADMIN)
    newcomer = make_user(make_org(), Role.LEARNER, password=None, full_name="Wanjiru New")
    path = _admin_creates_link(client, admin, newcomer)

    page = client.get(path)
    assert page.status_code == 200
    assert "Welcome, Wanjiru New" in text(page)
    short = submit(client, path, {"password": "too short", "confirm": "too short"})
    assert "Use 12 to 256 characters." in text(short)
    done = submit(client, path, {"password": "my own long passphrase", "confirm": "my own long passphrase"})
    assert done.status_code == 302
    assert "Hello, Wanjiru New" in text(client.get("/"))
    with app.app_context():
        trail = list(
            db.session.scalars(
                sa.select(AuditEvent).where(AuditEvent.object_id == str(newcomer.id)).order_by(AuditEvent.seq)
            )
        )
        assert [(e.action, e.actor_user_id) for e in trail] == [
            ("account.invitation_link_issued", admin.id),
            ("account.invitation_link_used", newcomer.id),
        ]

    # The link is single use.
    submit(client, "/logout", form_url="/")
    again = client.get(path)
    assert again.status_code == 404
    assert "This link does not work any more" in text(again)
    assert login(client, newcomer.email, "my own long passphrase").status_code == 302


def test_expired_link_is_refused(app, client, make_org, make_user):
    admin = make_user(make_org(kind=OrgKind.OTHER), Role.ADMIN)
    newcomer = make_user(make_org(), password=None)
    path = _admin_creates_link(client, admin, newcomer)
    with app.app_context():
        token = db.session.scalar(sa.select(AccessToken).where(AccessToken.user_id == newcomer.id))
        token.expires_at = token.created_at - timedelta(seconds=1)
        db.session.commit()
    assert client.get(path).status_code == 404
    posted = submit(
        client, path, {"password": "my own long passphrase", "confirm": "my own long passphrase"}, form_url="/login"
    )
    assert posted.status_code == 404
    with app.app_context():
        assert db.session.get(User, newcomer.id).password_hash is None


def test_reused_link_cannot_set_a_second_password(app, client, make_org, make_user):
    admin = make_user(make_org(kind=OrgKind.OTHER), Role.ADMIN)
    newcomer = make_user(make_org(), password=None)
    path = _admin_creates_link(client, admin, newcomer)
    first_form = client.get(path)
    assert first_form.status_code == 200
    submit(client, path, {"password": "my own long passphrase", "confirm": "my own long passphrase"})
    attacker = app.test_client()
    assert attacker.get(path).status_code == 404
    assert login(attacker, newcomer.email, "my own long passphrase").status_code == 302


def test_a_new_link_replaces_the_previous_one(client, make_org, make_user):
    admin = make_user(make_org(kind=OrgKind.OTHER), Role.ADMIN)
    newcomer = make_user(make_org(), password=None)
    first = _admin_creates_link(client, admin, newcomer)
    second = _admin_creates_link(client, admin, newcomer)
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200


def test_tampered_or_foreign_links_are_refused(app, client, make_org, make_user):
    admin = make_user(make_org(kind=OrgKind.OTHER), Role.ADMIN)
    newcomer = make_user(make_org(), password=None)
    path = _admin_creates_link(client, admin, newcomer)
    token = path.rsplit("/", 1)[1]
    assert client.get("/welcome/" + token[:-2] + ("AA" if not token.endswith("AA") else "BB")).status_code == 404
    assert client.get("/welcome/not-a-token").status_code == 404
    forged = _serializer("some other key", TokenPurpose.INVITATION).dumps("guess")
    assert client.get("/welcome/" + forged).status_code == 404


def test_no_link_for_a_deactivated_person(client, make_org, make_user):
    admin = make_user(make_org(kind=OrgKind.OTHER), Role.ADMIN)
    gone = make_user(make_org(), password=None, active=False)
    login(client, admin.email)
    response = submit(
        client, f"/admin/people/{gone.id}/invitation", form_url=f"/admin/people/{gone.id}", follow_redirects=True
    )
    assert "This account is deactivated" in text(response)
    assert "/welcome/" not in text(response)


def test_manager_creates_links_for_own_staff_only(client, make_org, make_user):
    airline = make_org()
    manager = make_user(airline, Role.MANAGER)
    own = make_user(airline, password=None)
    stranger = make_user(make_org(), password=None)
    login(client, manager.email)
    ok = submit(client, f"/manage/staff/{own.id}/invitation", form_url=f"/manage/staff/{own.id}")
    assert ok.status_code == 200
    assert LINK.search(text(ok))
    refused = submit(client, f"/manage/staff/{stranger.id}/invitation", form_url=f"/manage/staff/{own.id}")
    assert refused.status_code == 404


def test_a_manager_cannot_take_over_someone_who_has_signed_in(app, client, make_org, make_user):
    airline = make_org()
    manager = make_user(airline, Role.MANAGER, Role.LEARNER)
    crew = make_user(airline, Role.LEARNER, full_name="Signed In Crew")
    login(client, manager.email)
    page = text(client.get(f"/manage/staff/{crew.id}"))
    assert f"/manage/staff/{crew.id}/invitation" not in page
    assert "they reset it themselves by email" in page
    assert "Forgot your password?" in page
    refused = submit(client, f"/manage/staff/{crew.id}/invitation", form_url="/account/password")
    assert refused.status_code == 403
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AccessToken)) == 0
