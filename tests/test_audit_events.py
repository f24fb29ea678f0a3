"""The app's acts land in the audit trail: who, what, which object, when, from where; and auditors see theirs."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from tests.content_fixture import write_content
from tests.factories import pass_course
from tests.helpers import login, submit, text
from training.extensions import db
from training.models import AuditEvent, Certificate, OrgKind, Role, User
from training.services import audit, audit_text, content_loader, people

COURSE = "/courses/test-course"


def _events(app, since: int = 0) -> list[AuditEvent]:
    with app.app_context():
        rows = list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.seq > since).order_by(AuditEvent.seq)))
        db.session.expunge_all()
        return rows


def _last_seq(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(AuditEvent.seq), 0)))


def _one(events: list[AuditEvent], action: str) -> AuditEvent:
    found = [e for e in events if e.action == action]
    assert len(found) == 1, f"expected one {action}, got {[e.action for e in events]}"
    return found[0]


@pytest.fixture
def world(app, tmp_path, make_org, make_user):
    airline = make_org("Trail Air")
    outsider = make_org("Other Air")
    authority = make_org("Trail Authority", kind=OrgKind.AUTHORITY, oversees=(airline,))
    return {
        "airline": airline,
        "outsider": outsider,
        "learner": make_user(airline, Role.LEARNER, job_function="cabin_crew"),
        "manager": make_user(airline, Role.MANAGER),
        "other_manager": make_user(outsider, Role.MANAGER),
        "auditor": make_user(authority, Role.AUDITOR),
        "admin": make_user(make_org("Platform", kind=OrgKind.OTHER), Role.ADMIN),
        "content": write_content(tmp_path),
    }


def test_sign_in_success_and_failure_are_recorded_with_the_address(app, client, world):
    start = _last_seq(app)
    login(client, world["learner"].email, "not the password")
    login(client, "nobody@example.test", "whatever-it-is")
    login(client, world["learner"].email)
    events = _events(app, start)
    assert [e.action for e in events] == ["auth.sign_in_failed", "auth.sign_in_failed", "auth.sign_in"]
    wrong, unknown, ok = events
    assert wrong.actor == "anonymous"
    assert wrong.organization_id == world["airline"].id
    assert json.loads(wrong.details) == {"email": world["learner"].email, "reason": "wrong password"}
    assert unknown.organization_id is None
    assert json.loads(unknown.details)["reason"] == "unknown account"
    assert ok.actor == world["learner"].email
    assert ok.actor_user_id == world["learner"].id
    assert {e.ip for e in events} == {"127.0.0.1"}


def test_a_learners_journey_and_its_certificate_are_on_record(app, client, world):
    with app.app_context():
        load = content_loader.load_content(world["content"])
        assert load.ok
    loaded = _events(app)[-1]
    assert loaded.action == "content.loaded"
    assert loaded.actor == audit.SYSTEM_ACTOR
    assert json.loads(loaded.details)["added"] == ["test-course"]

    login(client, world["learner"].email)
    start = _last_seq(app)
    attempt_id = pass_course(client)
    with app.app_context():
        certificate = db.session.scalar(sa.select(Certificate).where(Certificate.attempt_id == attempt_id))
        serial, sha = certificate.serial, certificate.pdf_sha256
    assert client.get(f"/certificates/{serial}.pdf").status_code == 200

    events = _events(app, start)
    submitted = _one(events, "attempt.submitted")
    assert submitted.object_id == str(attempt_id)
    assert json.loads(submitted.details)["passed"] is True
    issued = _one(events, "certificate.issued")
    assert issued.object_id == serial
    assert json.loads(issued.details)["pdf_sha256"] == sha
    assert issued.seq == submitted.seq + 1  # the same transaction as the grade
    downloaded = _one(events, "certificate.downloaded")
    assert downloaded.actor_user_id == world["learner"].id
    assert downloaded.object_id == serial
    assert {e.organization_id for e in events} == {world["airline"].id}

    # The manager revokes it; the reason is on record.
    submit(client, "/logout", form_url="/")
    login(client, world["manager"].email)
    submit(client, f"/certificates/{serial}/revoke", {"reason": "Issued to the wrong person"})
    revoked = _events(app)[-1]
    assert revoked.action == "certificate.revoked"
    assert revoked.actor_user_id == world["manager"].id
    assert json.loads(revoked.details) == {"reason": "Issued to the wrong person"}

    with app.app_context():
        assert audit.verify().ok


def test_manager_acts_are_recorded(app, client, world):
    with app.app_context():
        assert content_loader.load_content(world["content"]).ok
    login(client, world["manager"].email)
    start = _last_seq(app)
    due = date.today() + timedelta(days=20)
    submit(
        client,
        "/manage/assignments",
        {"course": "test-course", "target_kind": "job_function", "job_function": "gate", "due_on": due.isoformat()},
    )
    submit(client, "/manage/settings", {"days_to_complete": "45"})
    submit(client, f"/manage/staff/{world['learner'].id}/deactivate")
    assert client.get("/manage/export/compliance.csv").status_code == 200
    events = _events(app, start)
    assert [e.action for e in events] == [
        "assignment.created",
        "organization.settings_changed",
        "person.deactivated",
        "report.exported",
    ]
    assert all(e.actor_user_id == world["manager"].id for e in events)
    assert all(e.organization_id == world["airline"].id for e in events)
    assert json.loads(events[0].details) == {
        "course": "test-course",
        "target_kind": "job_function",
        "target_value": "gate",
        "due_on": due.isoformat(),
    }
    assert json.loads(events[1].details) == {"days_to_complete": [30, 45]}
    assert events[2].object_id == str(world["learner"].id)
    assert events[3].object_id == "compliance"
    assert json.loads(events[3].details)["format"] == "csv"


def test_downloading_the_audit_trail_is_itself_recorded(app, client, world):
    auditor_id, auditor_name = world["auditor"].id, world["auditor"].full_name
    login(client, world["auditor"].email)
    start = _last_seq(app)
    response = client.get("/audit/trail.csv?action=person.")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith('attachment; filename="audit-trail-')
    events = _events(app, start)
    assert [(e.action, e.object_id, e.actor_user_id) for e in events] == [
        ("report.exported", "audit-trail", auditor_id)
    ]
    assert json.loads(events[0].details) == {"format": "csv", "filters": {"action": "person."}}
    with app.app_context():
        event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.seq == events[0].seq))
        said = audit_text.sentence(event, audit_text.lookup([event]))
    assert said == f"{auditor_name} exported the audit trail (CSV) with filters: action person."


def test_role_and_oversight_changes_are_recorded_with_before_and_after(app, client, world):
    login(client, world["admin"].email)
    learner = world["learner"]
    start = _last_seq(app)
    submit(
        client,
        f"/admin/people/{learner.id}",
        {
            "full_name": learner.full_name,
            "email": learner.email,
            "organization_id": str(world["airline"].id),
            "job_function": "cabin_crew",
            "roles": ["learner", "manager"],
        },
    )
    changed = _one(_events(app, start), "person.roles_changed")
    assert changed.actor_user_id == world["admin"].id
    assert json.loads(changed.details)["changed"] == {"roles": [["learner"], ["learner", "manager"]]}


def test_an_auditor_reads_only_events_about_what_they_oversee(app, client, world):
    login(client, world["other_manager"].email)  # an event about Other Air
    submit(client, "/manage/settings", {"days_to_complete": "50"})
    submit(client, "/logout", form_url="/")
    login(client, world["manager"].email)  # an event about Trail Air
    submit(client, "/manage/settings", {"days_to_complete": "40"})
    submit(client, "/logout", form_url="/")

    login(client, world["auditor"].email)
    page = text(client.get("/audit/trail"))
    assert world["manager"].email in page
    assert world["other_manager"].email not in page
    rows = list(csv.DictReader(io.StringIO(client.get("/audit/trail.csv").data.decode("utf-8-sig"))))
    actors = {row["actor"] for row in rows}
    assert world["manager"].email in actors
    assert world["other_manager"].email not in actors
    # The auditor's own sign-in is theirs to see; the other organization's is not.
    assert world["auditor"].email in actors


def test_a_service_records_the_actor_it_is_given_not_whoever_is_signed_in(app, world):
    """Outside any request (as a command or an API would call it), the actor passed in is the one on record."""
    start = _last_seq(app)
    with app.app_context():
        manager = db.session.get(User, world["manager"].id)
        learner = db.session.get(User, world["learner"].id)
        people.deactivate(learner, actor=audit.Actor(manager, "198.51.100.4"))
    event = _one(_events(app, start), "person.deactivated")
    assert (event.actor, event.actor_user_id, event.ip) == (world["manager"].email, world["manager"].id, "198.51.100.4")
