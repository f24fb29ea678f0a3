"""A learner's standing on each course: progress through modules, passes, due and expiry dates.

Everything for one person is fetched in a fixed number of queries, whatever the number of courses.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

import sqlalchemy as sa

from training.extensions import db
from training.models import (
    Attempt,
    Certificate,
    Course,
    CourseVersion,
    ModuleCompletion,
    Requirement,
    User,
    utcnow,
)
from training.services.catalogue import published_courses
from training.services.i18n import N_
from training.services.i18n import gettext as _

EXPIRY_WARNING_DAYS = 60


class Status(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    PASSED = "passed"
    EXPIRING_SOON = "expiring_soon"
    EXPIRED = "expired"
    OVERDUE = "overdue"

    @property
    def label(self) -> str:
        """The status in the reader's language."""
        return _(STATUS_LABELS[self])


STATUS_LABELS = {
    Status.NOT_STARTED: N_("Not started"),
    Status.IN_PROGRESS: N_("In progress"),
    Status.PASSED: N_("Passed"),
    Status.EXPIRING_SOON: N_("Expiring soon"),
    Status.EXPIRED: N_("Expired"),
    Status.OVERDUE: N_("Overdue"),
}


@dataclass(frozen=True)
class CourseStanding:
    version: CourseVersion
    required: bool
    completed_modules: frozenset[str]
    passed_at: datetime | None
    expires_at: datetime | None
    due_at: datetime | None
    status: Status
    quiz_failed: bool = False  # the newest graded attempt failed and no certificate has come since

    @property
    def module_count(self) -> int:
        return len(self.version.modules)

    @property
    def done_count(self) -> int:
        return sum(1 for m in self.version.modules if m.slug in self.completed_modules)

    @property
    def all_modules_done(self) -> bool:
        return self.done_count == self.module_count

    @property
    def days_to_expiry(self) -> int | None:
        if self.expires_at is None:
            return None
        return (self.expires_at - utcnow()).days

    def next_module_slug(self) -> str | None:
        return next((m.slug for m in self.version.modules if m.slug not in self.completed_modules), None)


def completed_modules(user_id: int, course_id: int) -> frozenset[str]:
    return frozenset(
        db.session.scalars(
            sa.select(ModuleCompletion.module_slug).where(
                ModuleCompletion.user_id == user_id, ModuleCompletion.course_id == course_id
            )
        )
    )


def standings(user: User, versions: list[CourseVersion] | None = None) -> list[CourseStanding]:
    """The person's standing on each published course (required ones first).

    A pass is a certificate: a refresher's pass shows as a new certificate for the course it renews.
    """
    versions = published_courses() if versions is None else versions
    course_ids = [v.course_id for v in versions]
    done: dict[int, set[str]] = {}
    for course_id, slug in db.session.execute(
        sa.select(ModuleCompletion.course_id, ModuleCompletion.module_slug).where(
            ModuleCompletion.user_id == user.id, ModuleCompletion.course_id.in_(course_ids)
        )
    ):
        done.setdefault(course_id, set()).add(slug)
    held = {
        course_id: (issued, expires)
        for course_id, issued, expires in db.session.execute(
            sa.select(Certificate.course_id, sa.func.max(Certificate.issued_at), sa.func.max(Certificate.expires_at))
            .where(
                Certificate.user_id == user.id, Certificate.revoked_at.is_(None), Certificate.course_id.in_(course_ids)
            )
            .group_by(Certificate.course_id)
        )
    }
    attempted: set[int] = set()
    newest_graded: dict[int, tuple[datetime, bool]] = {}
    for course_id, submitted_at, passed in db.session.execute(
        sa.select(Attempt.course_id, Attempt.submitted_at, Attempt.passed).where(
            Attempt.user_id == user.id, Attempt.course_id.in_(course_ids)
        )
    ):
        attempted.add(course_id)
        if submitted_at is not None and (course_id not in newest_graded or submitted_at > newest_graded[course_id][0]):
            newest_graded[course_id] = (submitted_at, bool(passed))
    due = dict(
        db.session.execute(
            sa.select(Requirement.course_id, Requirement.due_at).where(
                Requirement.user_id == user.id, Requirement.course_id.in_(course_ids)
            )
        )
        .tuples()
        .all()
    )
    now = utcnow()
    result = []
    for version in versions:
        passed_at, expires_at = held.get(version.course_id, (None, None))
        started = version.course_id in done or version.course_id in attempted
        completed = frozenset(done.get(version.course_id, set()))
        standing = _standing(version, completed, passed_at, expires_at, started, due.get(version.course_id), now)
        graded = newest_graded.get(version.course_id)
        if graded and not graded[1] and standing.status not in (Status.PASSED, Status.EXPIRING_SOON):
            standing = replace(standing, quiz_failed=True)
        result.append(standing)
    # Required first; among them the course most jobs need (the core course) first; refreshers last.
    result.sort(
        key=lambda s: (not s.required, s.version.renews_slug is not None, -len(s.version.required_for), s.version.title)
    )
    return result


def _standing(
    version: CourseVersion,
    done: frozenset[str],
    passed_at: datetime | None,
    expires_at: datetime | None,
    started: bool,
    due_at: datetime | None,
    now: datetime,
) -> CourseStanding:
    """Standing from the newest unrevoked certificate: an expired one makes the course required again.

    Required means a requirement row exists (its job function, or a manager's assignment).
    """
    required = due_at is not None
    if expires_at is not None and expires_at > now:
        soon = expires_at - now <= timedelta(days=EXPIRY_WARNING_DAYS)
        status = Status.EXPIRING_SOON if soon else Status.PASSED
    elif expires_at is not None and required:
        status = Status.EXPIRED
    elif required and due_at is not None and now > due_at:
        status = Status.OVERDUE
    elif started:
        status = Status.IN_PROGRESS
    else:
        status = Status.NOT_STARTED
    return CourseStanding(version, required, done, passed_at, expires_at, due_at, status)


def standing_for(user: User, course: Course) -> CourseStanding:
    return standings(user, [course.current_version])[0]  # type: ignore[list-item]


def mark_complete(user: User, course: Course, module_slug: str) -> bool:
    """Record a module as complete; False if it already was. Safe against double clicks."""
    exists = db.session.scalar(
        sa.select(ModuleCompletion.id).where(
            ModuleCompletion.user_id == user.id,
            ModuleCompletion.course_id == course.id,
            ModuleCompletion.module_slug == module_slug,
        )
    )
    if exists is not None:
        return False
    db.session.add(
        ModuleCompletion(
            user_id=user.id, course_id=course.id, module_slug=module_slug, course_version_id=course.current_version_id
        )
    )
    try:
        db.session.commit()
    except sa.exc.IntegrityError:  # the same click arrived twice at once
        db.session.rollback()
        return False
    return True
