"""Managers' assignments: a course for a job function, a base or a named person, due on a date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from training.extensions import db
from training.models import Assignment, Course, JobFunction, Organization, User
from training.services import audit, requirements
from training.services.errors import ServiceError
from training.services.i18n import gettext as _


@dataclass
class AssignmentFields:
    course_slug: str
    target_kind: str
    target_value: str
    due_on: date | None


def add(org: Organization, fields: AssignmentFields, today: date, *, actor: audit.Actor) -> Assignment:
    errors: dict[str, str] = {}
    course = db.session.scalar(sa.select(Course).where(Course.slug == fields.course_slug, Course.retired_at.is_(None)))
    if course is None:
        errors["course"] = _("Choose a published course.")
    value = fields.target_value.strip()
    if fields.target_kind == "job_function":
        if value not in {j.value for j in JobFunction}:
            errors["target_value"] = _("Choose a job function.")
    elif fields.target_kind == "base":
        value = value.upper()
        if not value or len(value) > 5:
            errors["target_value"] = _("Give a station code, e.g. NBO.")
    elif fields.target_kind == "person":
        person = db.session.scalar(
            sa.select(User).where(User.organization_id == org.id, sa.func.lower(User.email) == value.lower())
        )
        if person is None:
            errors["target_value"] = _("Nobody in your organization has this email address.")
        else:
            value = str(person.id)
    else:
        errors["target_kind"] = _("Choose who the course is for.")
    if fields.due_on is None:
        errors["due_on"] = _("Give a due date.")
    elif fields.due_on < today:
        errors["due_on"] = _("The due date is in the past.")
    if errors or course is None:  # no course is an error too
        raise ServiceError(errors)
    assignment = Assignment(
        organization_id=org.id,
        course_id=course.id,
        target_kind=fields.target_kind,
        target_value=value,
        due_on=fields.due_on,
        created_by_id=actor.user.id if actor.user is not None else None,
    )
    db.session.add(assignment)
    db.session.flush()
    _follow(org, "assignment.created", assignment.id, _described(assignment, course.slug), actor)
    return assignment


def remove(org: Organization, assignment: Assignment, *, actor: audit.Actor) -> None:
    details = _described(assignment, assignment.course.slug)
    assignment_id = assignment.id
    db.session.delete(assignment)
    _follow(org, "assignment.removed", assignment_id, details, actor)


def _follow(org: Organization, action: str, assignment_id: int, details: dict[str, str], actor: audit.Actor) -> None:
    """After an assignment is added or removed: the organization's requirements follow, the change goes
    on record, and all is committed."""
    db.session.flush()
    requirements.sync_org(org)
    audit.record(
        action,
        actor=actor,
        organization_id=org.id,
        object_type="assignment",
        object_id=assignment_id,
        details=details,
    )
    db.session.commit()


def _described(assignment: Assignment, course_slug: str) -> dict[str, str]:
    return {
        "course": course_slug,
        "target_kind": assignment.target_kind,
        "target_value": assignment.target_value,
        "due_on": assignment.due_on.isoformat(),
    }


def of_org(org_id: int) -> list[Assignment]:
    return list(
        db.session.scalars(
            sa.select(Assignment).where(Assignment.organization_id == org_id).order_by(Assignment.due_on, Assignment.id)
        )
    )


def get_or_none(org_id: int, assignment_id: int) -> Assignment | None:
    return db.session.scalar(
        sa.select(Assignment).where(Assignment.id == assignment_id, Assignment.organization_id == org_id)
    )


def describe_target(assignment: Assignment) -> str:
    if assignment.target_kind == "job_function":
        return _("Everyone in %(job_function)s", job_function=JobFunction(assignment.target_value).label)
    if assignment.target_kind == "base":
        return _("Everyone based at %(base)s", base=assignment.target_value)
    person = db.session.get(User, int(assignment.target_value))
    return person.full_name if person else _("(someone who left)")
