"""A learner's standing on each course: progress through modules, passes, due and expiry dates.

Everything for one person is fetched in a fixed number of queries, whatever the number of courses.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

import sqlalchemy as sa

from training.extensions import db
from training.models import Attempt, Course, CourseVersion, ModuleCompletion, User, utcnow
from training.services.catalogue import published_courses
from training.services.dates import add_months

DEFAULT_DAYS_TO_COMPLETE = 30
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
        return self.value.replace("_", " ").capitalize()


@dataclass(frozen=True)
class CourseStanding:
    version: CourseVersion
    required: bool
    completed_modules: frozenset[str]
    passed_at: datetime | None
    expires_at: datetime | None
    due_at: datetime | None
    status: Status

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


def is_required(user: User, version: CourseVersion) -> bool:
    return user.job_function in (version.required_for or [])


def completed_modules(user_id: int, course_id: int) -> frozenset[str]:
    return frozenset(
        db.session.scalars(
            sa.select(ModuleCompletion.module_slug).where(
                ModuleCompletion.user_id == user_id, ModuleCompletion.course_id == course_id
            )
        )
    )


def standings(user: User, versions: list[CourseVersion] | None = None) -> list[CourseStanding]:
    """The person's standing on each published course (required ones first)."""
    versions = published_courses() if versions is None else versions
    course_ids = [v.course_id for v in versions]
    done: dict[int, set[str]] = {}
    for course_id, slug in db.session.execute(
        sa.select(ModuleCompletion.course_id, ModuleCompletion.module_slug).where(
            ModuleCompletion.user_id == user.id, ModuleCompletion.course_id.in_(course_ids)
        )
    ):
        done.setdefault(course_id, set()).add(slug)
    last_pass = dict(
        db.session.execute(
            sa.select(Attempt.course_id, sa.func.max(Attempt.submitted_at))
            .where(Attempt.user_id == user.id, Attempt.passed.is_(True), Attempt.course_id.in_(course_ids))
            .group_by(Attempt.course_id)
        ).all()
    )
    attempted = set(
        db.session.scalars(
            sa.select(Attempt.course_id).where(Attempt.user_id == user.id, Attempt.course_id.in_(course_ids)).distinct()
        )
    )
    renewals = _renewal_passes(user, versions)
    now = utcnow()
    result = []
    for version in versions:
        passed_at = max(filter(None, [last_pass.get(version.course_id), renewals.get(version.slug)]), default=None)
        started = version.course_id in done or version.course_id in attempted
        result.append(_standing(user, version, frozenset(done.get(version.course_id, set())), passed_at, started, now))
    # Required first; among them the course most jobs need (the core course) first; refreshers last.
    result.sort(
        key=lambda s: (not s.required, s.version.renews_slug is not None, -len(s.version.required_for), s.version.title)
    )
    return result


def _renewal_passes(user: User, versions: list[CourseVersion]) -> dict[str, datetime]:
    """Latest pass of each course that renews another course, keyed by the renewed course's slug."""
    renewers = {v.course_id: v.renews_slug for v in versions if v.renews_slug}
    if not renewers:
        return {}
    rows = db.session.execute(
        sa.select(Attempt.course_id, sa.func.max(Attempt.submitted_at))
        .where(Attempt.user_id == user.id, Attempt.passed.is_(True), Attempt.course_id.in_(renewers))
        .group_by(Attempt.course_id)
    ).all()
    return {renewers[course_id]: when for course_id, when in rows if when is not None}


def _standing(
    user: User, version: CourseVersion, done: frozenset[str], passed_at: datetime | None, started: bool, now: datetime
) -> CourseStanding:
    required = is_required(user, version)
    expires_at = add_months(passed_at, version.valid_months) if passed_at else None
    due_at = user.created_at + timedelta(days=DEFAULT_DAYS_TO_COMPLETE) if required else None
    if expires_at is not None and expires_at > now:
        soon = expires_at - now <= timedelta(days=EXPIRY_WARNING_DAYS)
        status = Status.EXPIRING_SOON if soon else Status.PASSED
    elif expires_at is not None:
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
