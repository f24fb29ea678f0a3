"""Keeping the requirement rows (who must complete which course, due when) in step.

The rules: a published course is required for the job functions its ``course.yaml`` names, due
``days_to_complete`` days after the person joined; a manager's assignment (to a job function, a
base or a person) is due on its date, or ``days_to_complete`` days after joining for people who
join after the assignment was made. The earliest due date wins. Deactivated people have none.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

import sqlalchemy as sa

from training.extensions import db
from training.models import Assignment, Course, CourseRequirement, Organization, Requirement, User

TARGET_KINDS = ("job_function", "base", "person")


@dataclass(frozen=True)
class SyncReport:
    added: int
    removed: int
    changed: int


def _end_of_day(day) -> datetime:
    return datetime.combine(day, time(23, 59, 59), tzinfo=UTC)


def published_required_for() -> dict[str, set[int]]:
    """job function -> ids of the published courses that require it.

    Read it once and pass it to ``desired`` when working out the requirements of many people.
    """
    rows = db.session.execute(
        sa.select(CourseRequirement.job_function, Course.id)
        .join(Course, Course.current_version_id == CourseRequirement.course_version_id)
        .where(Course.retired_at.is_(None))
    )
    result: dict[str, set[int]] = defaultdict(set)
    for job_function, course_id in rows:
        result[job_function].add(course_id)
    return result


def desired(
    org: Organization, required_for: dict[str, set[int]] | None = None, user_id: int | None = None
) -> dict[tuple[int, int], tuple]:
    """(user id, course id) -> (due at, source) for every active person of the organization (or one)."""
    required_for = published_required_for() if required_for is None else required_for
    grace = timedelta(days=org.days_to_complete)
    assignments = list(
        db.session.scalars(
            sa.select(Assignment)
            .join(Course, Course.id == Assignment.course_id)
            .where(Assignment.organization_id == org.id, Course.retired_at.is_(None))
        )
    )
    query = sa.select(User.id, User.job_function, User.base, User.created_at).where(
        User.organization_id == org.id, User.active.is_(True)
    )
    if user_id is not None:
        query = query.where(User.id == user_id)
    people = db.session.execute(query).all()
    wanted: dict[tuple[int, int], tuple] = {}

    def offer(key: tuple[int, int], due: datetime, source: str) -> None:
        if key not in wanted or due < wanted[key][0]:
            wanted[key] = (due, source)

    for user_id, job_function, base, joined in people:
        for course_id in required_for.get(job_function, ()):
            offer((user_id, course_id), joined + grace, "job_function")
        for rule in assignments:
            value = {"job_function": job_function, "base": base or "", "person": str(user_id)}[rule.target_kind]
            if value != rule.target_value:
                continue
            due = _end_of_day(rule.due_on) if joined <= rule.created_at else joined + grace
            offer((user_id, rule.course_id), due, "assignment")
    return wanted


def sync_org(
    org: Organization, required_for: dict[str, set[int]] | None = None, user_id: int | None = None
) -> SyncReport:
    """Bring the organization's requirement rows (or one person's) in line with the rules. The caller commits."""
    wanted = desired(org, required_for, user_id)
    query = sa.select(Requirement).where(Requirement.organization_id == org.id)
    if user_id is not None:
        query = query.where(Requirement.user_id == user_id)
    existing = {(r.user_id, r.course_id): r for r in db.session.scalars(query)}
    removed = [key for key in existing if key not in wanted]
    for key in removed:
        db.session.delete(existing[key])
    changed = 0
    # In (person, course) order, so that concurrent syncs lock people's rows (the certified_until trigger
    # does) in the same order and cannot deadlock each other.
    for key, (due, source) in sorted(wanted.items()):
        row = existing.get(key)
        if row is None:
            db.session.add(
                Requirement(user_id=key[0], course_id=key[1], organization_id=org.id, due_at=due, source=source)
            )
        elif row.due_at != due or row.source != source:
            row.due_at, row.source = due, source
            changed += 1
    db.session.flush()
    return SyncReport(len(set(wanted) - set(existing)), len(removed), changed)


def sync_org_id(org_id: int) -> SyncReport:
    org = db.session.get(Organization, org_id)
    assert org is not None
    return sync_org(org)


def sync_person(person: User, previous_org_id: int | None = None) -> None:
    """After one person changed (job, base, organization, active): their rows only. The caller commits."""
    db.session.flush()
    if previous_org_id is not None and previous_org_id != person.organization_id:
        db.session.execute(
            sa.delete(Requirement).where(
                Requirement.user_id == person.id, Requirement.organization_id == previous_org_id
            )
        )
    org = db.session.get(Organization, person.organization_id)
    assert org is not None  # the person's organization (a foreign key)
    sync_org(org, user_id=person.id)


def sync_all() -> None:
    required_for = published_required_for()
    for org in db.session.scalars(sa.select(Organization)):
        sync_org(org, required_for)
