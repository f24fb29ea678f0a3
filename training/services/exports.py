"""CSV and XLSX exports, produced row by row so a large organization does not exhaust memory.

The rows are written into CSV or Excel by ``csv_safe``, which keeps spreadsheet formulas out of them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from training.extensions import db
from training.models import Certificate, Course, CourseVersion, JobFunction, User, utcnow
from training.services import compliance, csv_safe, staff_list

BATCH = 1000

# The writers live in csv_safe; these names stay for the views that stream a table.
csv_stream = csv_safe.csv_stream
xlsx_stream = csv_safe.xlsx_stream


COMPLIANCE_SCOPE = "Every required course of active staff"


def heading(what: str, organization: str | None, filters: Sequence[str], at: datetime) -> str:
    """The title row of an Excel export: what, whose, narrowed how, and when (in UTC)."""
    parts = [f"{what} of {organization}" if organization else what, *filters]
    return " · ".join([*parts, f"exported {at:%Y-%m-%d %H:%M} UTC"])


def _date(value: datetime | None) -> date | None:
    """The calendar day (UTC) of a moment: an ISO date in a CSV, a date cell in Excel."""
    return value.date() if value else None


STAFF_HEADER = ["Name", "Email", "Employee number", "Job function", "Base", "Account", "Signed in"]
_JOB_LABELS = {j.value: j.english_label for j in JobFunction}
TRAINING_HEADER = ["Course", "Training status", "Due date", "Valid until"]
_STAFF_COLUMNS = (
    User.full_name,
    User.email,
    User.employee_number,
    User.job_function,
    User.base,
    User.active,
    User.password_hash.is_not(None),
)


def staff_export(org_id: int, spec: staff_list.StaffFilter) -> tuple[list[str], Iterator[list[object]]]:
    """The staff list as filtered: its header and rows, fetched in batches.

    One row per person; for a drill-down list (a compliance filter) one row per person and training
    that puts them in the list, with the columns the list shows: course, status, due date, and the
    date until which a compliant training is valid.
    """
    select = staff_list.export_query(org_id, spec, _STAFF_COLUMNS).execution_options(yield_per=BATCH)
    if not spec.describes_compliance:
        return STAFF_HEADER, _staff_rows(select, with_training=False)
    return [*STAFF_HEADER, *TRAINING_HEADER], _staff_rows(select, with_training=True)


def _staff_rows(select: sa.Select, *, with_training: bool) -> Iterator[list[object]]:
    """The rows, read only when the download is written (after the export is on record)."""
    for row in db.session.execute(select):
        yield _person(row[: len(_STAFF_COLUMNS)]) + (_training(row[len(_STAFF_COLUMNS) :]) if with_training else [])


def _person(row: Sequence[Any]) -> list[object]:
    name, email, number, job, base, active, has_password = row
    return [
        name,
        email,
        number or "",
        _JOB_LABELS.get(job, job),
        base or "",
        "active" if active else "deactivated",
        "yes" if has_password else "not yet",
    ]


def _training(line: Sequence[Any]) -> list[object]:
    title, status, due, expiry = line
    valid_until = _date(expiry) if status == "compliant" else None
    return [title, compliance.STATUS_LABELS.get(status, status), _date(due), valid_until]


COMPLIANCE_HEADER = [
    "Name",
    "Email",
    "Employee number",
    "Job function",
    "Base",
    "Course",
    "Status",
    "Due",
    "Certificate serial",
    "Certificate expires",
]


def compliance_rows(org_id: int, now: datetime | None = None) -> Iterator[list[object]]:
    """One row per person and required course, with the status the dashboard counts."""
    now = now or utcnow()
    rows = compliance.status_rows([org_id], now)
    latest_serial = (
        sa.select(Certificate.serial)
        .where(
            Certificate.user_id == rows.c.user_id,
            Certificate.course_id == rows.c.course_id,
            Certificate.revoked_at.is_(None),
        )
        .order_by(Certificate.expires_at.desc())
        .limit(1)
        .scalar_subquery()
    )
    select = (
        sa.select(
            User.full_name,
            User.email,
            User.employee_number,
            User.job_function,
            User.base,
            CourseVersion.title,
            rows.c.status,
            rows.c.effective_due,
            latest_serial,
            rows.c.best_expiry,
        )
        .join(User, User.id == rows.c.user_id)
        .join(Course, Course.id == rows.c.course_id)
        .join(CourseVersion, CourseVersion.id == Course.current_version_id)
        .order_by(User.full_name, User.id, CourseVersion.title)
    )
    for name, email, number, job, base, title, status, due, serial, expiry in db.session.execute(
        select.execution_options(yield_per=BATCH)
    ):
        yield [
            name,
            email,
            number or "",
            _JOB_LABELS.get(job, job),
            base or "",
            title,
            compliance.STATUS_LABELS.get(status, status),
            _date(due),
            serial or "",
            _date(expiry),
        ]
