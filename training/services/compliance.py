"""Who is trained, in progress, not started, overdue or expiring: one service for managers and auditors.

Every figure comes from the same classification of requirement rows (``status_rows``), computed in
SQL, so a number on a dashboard and the list it links to can never disagree, and the number of
queries does not grow with the number of staff.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from training.extensions import db
from training.models import (
    Attempt,
    Certificate,
    Course,
    CourseVersion,
    ModuleCompletion,
    Organization,
    Requirement,
    User,
    utcnow,
)
from training.models.types import UTCDateTime
from training.services.i18n import N_
from training.services.i18n import gettext as _

STATUSES = ("compliant", "in_progress", "not_started", "overdue")
# In English, as exports write them; ``status_labels`` and ``filter_labels`` give them in the reader's language.
STATUS_LABELS = {
    "compliant": N_("Compliant"),
    "in_progress": N_("In progress"),
    "not_started": N_("Not started"),
    "overdue": N_("Overdue"),
}
EXPIRY_WINDOWS = (30, 60, 90)
FILTERS = (*STATUSES, *(f"expiring_{d}" for d in EXPIRY_WINDOWS), "required")
FILTER_LABELS = {
    "required": N_("Required (any status)"),
    **STATUS_LABELS,
    "expiring_30": N_("Expiring within 30 days"),
    "expiring_60": N_("Expiring within 60 days"),
    "expiring_90": N_("Expiring within 90 days"),
}


def status_labels() -> dict[str, str]:
    """``STATUS_LABELS`` in the reader's language, for pages."""
    return {key: _(text) for key, text in STATUS_LABELS.items()}


def filter_labels() -> dict[str, str]:
    """``FILTER_LABELS`` in the reader's language, for pages."""
    return {key: _(text) for key, text in FILTER_LABELS.items()}


def status_rows(org_ids: Iterable[int], now: datetime) -> sa.Subquery:
    """One row per requirement of the given organizations' active staff, with its status.

    Columns: user_id, course_id, organization_id, due_at, best_expiry, effective_due, status. (Join User
    for more: every column carried costs time at 20,000 staff.)

    ``best_expiry`` is the requirement's ``certified_until``, which the database keeps equal to the expiry
    of the person's best unrevoked certificate for the course. Materialized so the status is classified
    once per row, and the lookups for a started module or attempt run only for rows that are neither
    compliant nor overdue; inlined, SQLite repeated them for every counter that reads the status.
    """
    best_expiry = Requirement.certified_until
    # A lapsed certificate makes the course due again from the day it expired.
    effective_due = sa.case(
        (sa.and_(best_expiry.is_not(None), best_expiry > Requirement.due_at), best_expiry),
        else_=Requirement.due_at,
    )
    # "Any row?" as a one-row subquery rather than EXISTS: PostgreSQL turns an EXISTS into a hash of the
    # whole table (146,000 module completions at 20,000 staff) where a few index probes are all it needs.
    started = sa.or_(
        *(
            sa.select(sa.literal(1))
            .where(table.user_id == Requirement.user_id, table.course_id == Requirement.course_id)
            .limit(1)
            .scalar_subquery()
            .is_not(None)
            for table in (ModuleCompletion, Attempt)
        )
    )
    status = sa.case(
        (sa.and_(best_expiry.is_not(None), best_expiry > now), "compliant"),
        (effective_due < now, "overdue"),
        (started, "in_progress"),
        else_="not_started",
    )
    classified = (
        sa.select(
            Requirement.user_id,
            Requirement.course_id,
            Requirement.organization_id,
            Requirement.due_at,
            best_expiry.label("best_expiry"),
            effective_due.label("effective_due"),
            status.label("status"),
        )
        .join(User, User.id == Requirement.user_id)
        .join(Course, Course.id == Requirement.course_id)
        .where(Requirement.organization_id.in_(list(org_ids)), User.active.is_(True), Course.retired_at.is_(None))
        .cte("requirement_status")
        .prefix_with("MATERIALIZED")
    )
    return sa.select(classified).subquery("status_rows")


def _count(rows: sa.Subquery, condition) -> sa.ColumnElement:
    return sa.func.count().filter(condition)


def _counters(rows: sa.Subquery, now: datetime) -> list[sa.ColumnElement]:
    columns: list[sa.ColumnElement] = [sa.func.count().label("required")]
    columns += [_count(rows, rows.c.status == s).label(s) for s in STATUSES]
    columns += [
        _count(rows, sa.and_(rows.c.status == "compliant", rows.c.best_expiry <= now + timedelta(days=d))).label(
            f"expiring_{d}"
        )
        for d in EXPIRY_WINDOWS
    ]
    return columns


def _people_counters(rows: sa.Subquery, now: datetime) -> list[sa.ColumnElement]:
    """Like `_counters`, but counting people: one person overdue on two courses counts once."""
    person = sa.distinct(rows.c.user_id)
    columns: list[sa.ColumnElement] = [sa.func.count(person).label("required")]
    columns += [sa.func.count(person).filter(rows.c.status == s).label(s) for s in STATUSES]
    columns += [
        sa.func.count(person)
        .filter(sa.and_(rows.c.status == "compliant", rows.c.best_expiry <= now + timedelta(days=d)))
        .label(f"expiring_{d}")
        for d in EXPIRY_WINDOWS
    ]
    return columns


@dataclass(frozen=True)
class Counts:
    required: int = 0
    compliant: int = 0
    in_progress: int = 0
    not_started: int = 0
    overdue: int = 0
    expiring_30: int = 0
    expiring_60: int = 0
    expiring_90: int = 0

    @property
    def percent_compliant(self) -> int:
        return round(100 * self.compliant / self.required) if self.required else 100

    def get(self, name: str) -> int:
        return int(getattr(self, name))


def _counts(row) -> Counts:
    return Counts(**{k: int(v or 0) for k, v in row._mapping.items() if k in Counts.__dataclass_fields__})


@dataclass(frozen=True)
class CourseRow:
    course_id: int
    slug: str
    title: str
    counts: Counts


@dataclass(frozen=True)
class GroupRow:
    group: str
    course_id: int
    counts: Counts


@dataclass
class OrgCompliance:
    """Counts of required trainings (a person with two courses counts twice), and ``people``: the same
    figures counting each person once, as the drill-down lists do."""

    org_id: int
    overall: Counts
    courses: list[CourseRow]
    people: Counts = field(default_factory=Counts)
    by_job_function: list[GroupRow] = field(default_factory=list)
    by_base: list[GroupRow] = field(default_factory=list)


def _course_titles(course_ids: set[int]) -> dict[int, tuple[str, str]]:
    if not course_ids:
        return {}
    rows = db.session.execute(
        sa.select(Course.id, Course.slug, CourseVersion.title)
        .join(CourseVersion, CourseVersion.id == Course.current_version_id)
        .where(Course.id.in_(course_ids))
    )
    return {cid: (slug, title) for cid, slug, title in rows}


def organization(org_id: int, now: datetime | None = None, *, breakdowns: bool = True) -> OrgCompliance:
    """The compliance picture of one organization: per course, and by job function and base.

    One aggregate query at the finest grain (job function, base, course): a few dozen rows, whatever
    the number of staff. The coarser figures are their sums, since every counter is a count.
    """
    now = now or utcnow()
    rows = status_rows([org_id], now)
    cells = [
        (r.job_function or "", r.base or "", r.course_id, _counts(r))
        for r in db.session.execute(
            sa.select(User.job_function, User.base, rows.c.course_id, *_counters(rows, now))
            .join(User, User.id == rows.c.user_id)
            .group_by(User.job_function, User.base, rows.c.course_id)
        )
    ]
    overall = _summed(counts for *_, counts in cells)
    per_course = _grouped(cells, lambda cell: cell[2])
    titles = _course_titles(set(per_course))
    courses = sorted(
        (CourseRow(course_id, *titles[course_id], counts) for course_id, counts in per_course.items()),
        key=lambda c: (-c.counts.required, c.title),
    )
    people = _counts(db.session.execute(sa.select(*_people_counters(rows, now))).one())
    result = OrgCompliance(org_id, overall, courses, people)
    if breakdowns:
        for position, target in ((0, result.by_job_function), (1, result.by_base)):
            grouped = _grouped(cells, lambda cell, at=position: (cell[at], cell[2]))
            target.extend(GroupRow(group, course_id, counts) for (group, course_id), counts in sorted(grouped.items()))
    return result


def _summed(parts: Iterable[Counts]) -> Counts:
    totals = dict.fromkeys(Counts.__dataclass_fields__, 0)
    for part in parts:
        for name in totals:
            totals[name] += getattr(part, name)
    return Counts(**totals)


def _grouped(cells: list[tuple[str, str, int, Counts]], key) -> dict:
    """Sum the cells' counts by ``key(cell)``."""
    parts: dict = {}
    for cell in cells:
        parts.setdefault(key(cell), []).append(cell[3])
    return {k: _summed(v) for k, v in parts.items()}


def organizations(org_ids: Iterable[int], now: datetime | None = None) -> dict[int, Counts]:
    """Overall counts for several organizations in one query (the auditor's overview)."""
    now = now or utcnow()
    ids = list(org_ids)
    if not ids:
        return {}
    rows = status_rows(ids, now)
    result = {
        r.organization_id: _counts(r)
        for r in db.session.execute(
            sa.select(rows.c.organization_id, *_counters(rows, now)).group_by(rows.c.organization_id)
        )
    }
    return {org_id: result.get(org_id, Counts()) for org_id in ids}


def _matching(rows: sa.Subquery, *, course_id: int | None, status: str, now: datetime) -> sa.ColumnElement:
    """The condition on status rows behind one dashboard number (``status`` is one of FILTERS)."""
    condition: sa.ColumnElement = sa.true()
    if status in STATUSES:
        condition = rows.c.status == status
    elif status.startswith("expiring_") and status in FILTERS:
        days = int(status.removeprefix("expiring_"))
        condition = sa.and_(rows.c.status == "compliant", rows.c.best_expiry <= now + timedelta(days=days))
    if course_id is not None:
        condition = sa.and_(condition, rows.c.course_id == course_id)
    return condition


def with_lines(
    query: sa.Select, org_id: int, *, course_id: int | None, status: str, now: datetime | None = None
) -> sa.Select:
    """Extend a query over User to one row per person and training behind one dashboard number.

    Adds the columns course title, status, due (the effective due date) and expiry (of the best valid
    certificate), and orders each person's trainings by due date, then course, after the query's own order.
    """
    now = now or utcnow()
    rows = status_rows([org_id], now)
    return (
        query.add_columns(CourseVersion.title, rows.c.status, rows.c.effective_due, rows.c.best_expiry)
        .join(rows, rows.c.user_id == User.id)
        .join(Course, Course.id == rows.c.course_id)
        .join(CourseVersion, CourseVersion.id == Course.current_version_id)
        .where(_matching(rows, course_id=course_id, status=status, now=now))
        .order_by(rows.c.effective_due, CourseVersion.title)
    )


def filter_people(
    query: sa.Select, org_id: int, *, course_id: int | None, status: str, now: datetime | None = None
) -> sa.Select:
    """Narrow a query over User to the people behind one dashboard number.

    ``status`` is one of FILTERS; ``course_id`` None means any required course.
    """
    now = now or utcnow()
    rows = status_rows([org_id], now)
    matching = sa.select(rows.c.user_id).where(_matching(rows, course_id=course_id, status=status, now=now))
    return query.where(User.id.in_(matching))


@dataclass(frozen=True)
class RequirementLine:
    """One training behind a dashboard number: which course, in what state, due (or expiring) when."""

    user_id: int
    course_title: str
    status: str
    due_at: datetime
    expires_at: datetime | None

    @property
    def status_label(self) -> str:
        """In the reader's language (shown on pages only)."""
        return _(STATUS_LABELS[self.status])


def requirement_lines(
    org_id: int, user_ids: Iterable[int], *, course_id: int | None, status: str, now: datetime | None = None
) -> dict[int, list[RequirementLine]]:
    """For the people on one page of a drill-down list, the trainings that put each of them there."""
    now = now or utcnow()
    ids = list(user_ids)
    if not ids:
        return {}
    rows = status_rows([org_id], now)
    found = db.session.execute(
        sa.select(rows.c.user_id, CourseVersion.title, rows.c.status, rows.c.effective_due, rows.c.best_expiry)
        .join(Course, Course.id == rows.c.course_id)
        .join(CourseVersion, CourseVersion.id == Course.current_version_id)
        .where(rows.c.user_id.in_(ids), _matching(rows, course_id=course_id, status=status, now=now))
        .order_by(rows.c.user_id, rows.c.effective_due, CourseVersion.title)
    )
    lines: dict[int, list[RequirementLine]] = {}
    for user_id, title, state, due, expiry in found:
        lines.setdefault(user_id, []).append(RequirementLine(user_id, title, state, due, expiry))
    return lines


@dataclass(frozen=True)
class TrendPoint:
    month: str  # "2026-11"
    required: int
    compliant: int

    @property
    def percent(self) -> int:
        return round(100 * self.compliant / self.required) if self.required else 100


def _month_ends(now: datetime, months: int) -> list[datetime]:
    """The last instant of each of the previous ``months - 1`` months, then now."""
    points = [now]
    year, month = now.year, now.month
    for _month in range(months - 1):
        points.append(datetime(year, month, 1, tzinfo=UTC) - timedelta(microseconds=1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return list(reversed(points))


def trend(org_id: int, months: int = 12, now: datetime | None = None) -> list[TrendPoint]:
    """Share of today's required staff and courses that held a valid certificate at each month's end.

    One query for all the months: the organization's requirement rows are gathered once, then each is
    counted at each month's end its person had joined by.
    """
    now = now or utcnow()
    moments = _month_ends(now, months)
    month_ends = sa.union_all(
        *(sa.select(sa.literal(moment, UTCDateTime()).label("moment")) for moment in moments)
    ).cte("month_ends")
    required = (
        sa.select(Requirement.user_id, Requirement.course_id, User.created_at)
        .join(User, User.id == Requirement.user_id)
        .where(Requirement.organization_id == org_id, User.active.is_(True))
        .cte("required_now")
        .prefix_with("MATERIALIZED")
    )
    moment = month_ends.c.moment
    valid_then = sa.exists().where(
        Certificate.user_id == required.c.user_id,
        Certificate.course_id == required.c.course_id,
        Certificate.issued_at <= moment,
        Certificate.expires_at > moment,
        sa.or_(Certificate.revoked_at.is_(None), Certificate.revoked_at > moment),
    )
    counted = {
        at: (int(total), int(compliant))
        for at, total, compliant in db.session.execute(
            sa.select(moment, sa.func.count(), sa.func.count().filter(valid_then))
            .select_from(month_ends)
            .join(required, required.c.created_at <= moment)
            .group_by(moment)
        )
    }
    return [TrendPoint(at.strftime("%Y-%m"), *counted.get(at, (0, 0))) for at in moments]


def organization_names(org_ids: Iterable[int]) -> dict[int, str]:
    return dict(
        db.session.execute(sa.select(Organization.id, Organization.name).where(Organization.id.in_(list(org_ids))))
        .tuples()
        .all()
    )
