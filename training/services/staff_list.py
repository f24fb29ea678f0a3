"""The manager's staff list: one filter object, used by the page, its exports and the dashboard links."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import QueryableAttribute

from training.extensions import db
from training.models import Course, CourseVersion, JobFunction, User
from training.services import compliance, directory

SORTS = {
    "name": (User.full_name, User.id),
    "employee_number": (User.employee_number, User.id),
    "job_function": (User.job_function, User.full_name),
    "base": (User.base, User.full_name),
}


@dataclass(frozen=True)
class StaffFilter:
    q: str = ""
    job_function: str = ""
    base: str = ""
    status: str = "active"  # active, inactive, all
    course: str = ""  # course slug
    compliance: str = ""  # one of compliance.FILTERS
    sort: str = "name"

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> StaffFilter:
        """Read the filter from a URL's query; values that make no sense are dropped, not refused."""
        job_function = args.get("job_function", "")
        status = args.get("status", "active")
        wanted = args.get("compliance", "")
        sort = args.get("sort", "name")
        return cls(
            q=args.get("q", "").strip()[:100],
            job_function=job_function if job_function in {j.value for j in JobFunction} else "",
            base=args.get("base", "").strip().upper()[:5],
            status=status if status in directory.STATUSES else "active",
            course=args.get("course", "").strip()[:80],
            compliance=wanted if wanted in compliance.FILTERS else "",
            sort=sort if sort in SORTS else "name",
        )

    def args(self, **changes: str) -> dict[str, str]:
        """As URL query arguments (empty ones left out)."""
        values = {**asdict(self), **changes}
        return {k: v for k, v in values.items() if v}

    @property
    def describes_compliance(self) -> bool:
        return bool(self.compliance or self.course)


ACCOUNT_LABELS = {"active": "Active accounts", "inactive": "Deactivated accounts", "all": "Every account"}


def describe(spec: StaffFilter) -> list[str]:
    """The filter in words, as an export's title row says what the list was narrowed to."""
    labels = {j.value: j.english_label for j in JobFunction}
    parts = [f"Search: “{spec.q}”"] if spec.q else []
    if spec.job_function:
        parts.append(f"Job function: {labels[spec.job_function]}")
    if spec.base:
        parts.append(f"Base: {spec.base}")
    if spec.describes_compliance:
        parts.append(f"Training status: {compliance.FILTER_LABELS[spec.compliance or 'required']}")
    if spec.course:
        parts.append(f"Course: {_course_title(spec.course) or spec.course}")
    parts.append(ACCOUNT_LABELS[spec.status])
    return parts


def _course_title(slug: str) -> str | None:
    return db.session.scalar(
        sa.select(CourseVersion.title)
        .join(Course, Course.current_version_id == CourseVersion.id)
        .where(Course.slug == slug)
    )


def _course_id(spec: StaffFilter) -> int | None:
    return db.session.scalar(sa.select(Course.id).where(Course.slug == spec.course)) if spec.course else None


def training_lines(
    org_id: int, spec: StaffFilter, people: Iterable[User]
) -> dict[int, list[compliance.RequirementLine]]:
    """For a drill-down list (a compliance filter), the trainings that put each person on this page in it."""
    if not spec.describes_compliance:
        return {}
    course_id = _course_id(spec)
    if spec.course and course_id is None:
        return {}
    status = spec.compliance or "required"
    return compliance.requirement_lines(org_id, (p.id for p in people), course_id=course_id, status=status)


def _people(org_id: int, spec: StaffFilter) -> sa.Select:
    """The people of one organization matching the filter's search, job function, base and account."""
    select = directory.matching(
        sa.select(User).where(User.organization_id == org_id),
        search=spec.q,
        job_function=spec.job_function,
        status=spec.status,
    )
    return select.where(User.base == spec.base) if spec.base else select


def query(org_id: int, spec: StaffFilter) -> sa.Select:
    """The people of one organization matching the filter, in the chosen order."""
    select = _people(org_id, spec)
    if spec.describes_compliance:
        course_id = _course_id(spec)
        if spec.course and course_id is None:
            return select.where(sa.false())
        select = compliance.filter_people(select, org_id, course_id=course_id, status=spec.compliance or "required")
    return select.order_by(*SORTS[spec.sort])


def export_query(
    org_id: int, spec: StaffFilter, columns: Sequence[QueryableAttribute[Any] | sa.ColumnElement[Any]]
) -> sa.Select:
    """The list's rows with the given columns, in its order: one row per person; for a drill-down list
    (a compliance filter), one row per person and training that puts them in it, with the columns of
    ``compliance.with_lines`` after the given ones. The same people either way.
    """
    if not spec.describes_compliance:
        return query(org_id, spec).with_only_columns(*columns)
    people = _people(org_id, spec).with_only_columns(*columns).order_by(*SORTS[spec.sort])
    course_id = _course_id(spec)
    if spec.course and course_id is None:
        people = people.where(sa.false())
    return compliance.with_lines(people, org_id, course_id=course_id, status=spec.compliance or "required")


def bases(org_id: int) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(User.base)
            .where(User.organization_id == org_id, User.base.is_not(None))
            .distinct()
            .order_by(User.base)
        )
    )
