"""One world with two organizations' worth of everything, for the route-wide security tests.

Trail Air is the organization under test; Outside Air is "someone else's". Each has a learner who
passed the test course through the real routes (so an attempt and a real certificate), a contact,
an assignment and an uploaded (unconfirmed) staff import. Trail Air also has one target for each role
a manager might try to act on (admin, auditor, manager, learner), each once signed in (a password set)
and once still pending (an invitation not yet used).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.content_fixture import load_test_content
from tests.factories import pass_course
from tests.helpers import PASSWORD, login
from training.extensions import db
from training.models import Assignment, Attempt, Certificate, Course, Organization, OrgKind, Role, User
from training.services import audit, contacts, staff_import

COURSE = "test-course"
MODULE = "m-one"
USERS = ("anonymous", "learner", "colleague", "manager", "other_manager", "auditor", "other_auditor", "admin")
TARGET_ROLES = {
    "admin": (Role.ADMIN,),
    "auditor": (Role.AUDITOR,),
    "manager": (Role.MANAGER, Role.LEARNER),
    "learner": (Role.LEARNER,),
}
TARGET_STATES = ("signed_in", "pending")  # a password set, or never


@dataclass
class OrgObjects:
    """Ids of one organization's objects, as routes name them."""

    org_id: int
    person_id: int
    attempt_id: int
    serial: str
    contact_id: int
    assignment_id: int
    import_id: int
    invitation_token: str


@dataclass
class World:
    users: dict[str, User | None]
    own: OrgObjects
    foreign: OrgObjects
    targets: dict[tuple[str, str], User]  # (role, state) -> a person of Trail Air


def _objects(app: Flask, org: Organization, learner: User, manager: User, newcomer: User) -> OrgObjects:
    client = app.test_client()
    login(client, learner.email)
    attempt_id = pass_course(client)
    with app.app_context():
        from training.web.links import issue_invitation_link

        org_row = db.session.get(Organization, org.id)
        attempt = db.session.get(Attempt, attempt_id)
        certificate = db.session.scalar(sa.select(Certificate).where(Certificate.attempt_id == attempt.id))
        contact = contacts.add_contact(
            org.id,
            contacts.ContactFields(
                name="Duty manager", channel="phone", value="+254 700 000000", when_to_use="Any suspicion."
            ),
            actor=audit.SYSTEM,
        )
        assignment = Assignment(
            organization_id=org.id,
            course_id=db.session.scalar(sa.select(Course.id).where(Course.slug == COURSE)),
            target_kind="base",
            target_value="NBO",
            due_on=date.today() + timedelta(days=30),
            created_by_id=manager.id,
        )
        db.session.add(assignment)
        db.session.commit()
        upload = staff_import.store(
            b"email,full_name,employee_number,job_function,base\r\nnew@example.test,New Person,,gate,\r\n",
            org_row,
            db.session.get(User, manager.id),
        )
        link = issue_invitation_link(db.session.get(User, newcomer.id), actor=audit.SYSTEM)
        return OrgObjects(
            org_id=org.id,
            person_id=learner.id,
            attempt_id=attempt_id,
            serial=certificate.serial,
            contact_id=contact.id,
            assignment_id=assignment.id,
            import_id=upload.id,
            invitation_token=link.rsplit("/", 1)[1],
        )


def build(app: Flask, tmp_path: Path, make_org, make_user) -> World:
    load_test_content(app, tmp_path)
    air = make_org("Trail Air")
    outside = make_org("Outside Air")
    authority = make_org("Trail Authority", kind=OrgKind.AUTHORITY, oversees=(air,))
    other_authority = make_org("Outside Authority", kind=OrgKind.AUTHORITY, oversees=(outside,))
    users: dict[str, User | None] = {
        "anonymous": None,
        "learner": make_user(air, Role.LEARNER, job_function="cabin_crew"),
        "colleague": make_user(air, Role.LEARNER, job_function="cabin_crew"),
        "manager": make_user(air, Role.MANAGER),
        "other_manager": make_user(outside, Role.MANAGER),
        "auditor": make_user(authority, Role.AUDITOR),
        "other_auditor": make_user(other_authority, Role.AUDITOR),
        "admin": make_user(make_org("Platform", kind=OrgKind.OTHER), Role.ADMIN),
    }
    outsider = make_user(outside, Role.LEARNER, job_function="cabin_crew")
    own = _objects(app, air, users["learner"], users["manager"], make_user(air, password=None))
    foreign = _objects(app, outside, outsider, users["other_manager"], make_user(outside, password=None))
    targets = {
        (role, state): make_user(
            air,
            *roles,
            password=PASSWORD if state == "signed_in" else None,
            full_name=f"Target {role} {state}",
            employee_number=f"T-{role}-{state}",
            job_function="gate",
        )
        for role, roles in TARGET_ROLES.items()
        for state in TARGET_STATES
    }
    return World(users=users, own=own, foreign=foreign, targets=targets)


def signed_in_clients(app: Flask, world: World, names: Iterable[str] = USERS) -> dict[str, FlaskClient]:
    """A client per user named, signed in as them ("anonymous": not signed in)."""
    clients = {}
    for name in names:
        client = app.test_client()
        person = world.users[name]
        if person is not None:
            assert login(client, person.email).status_code == 302, name
        clients[name] = client
    return clients
