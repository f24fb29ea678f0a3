"""Small helpers shared by the blueprints' views."""

from __future__ import annotations

from flask import flash, request
from flask_wtf import FlaskForm

from training.models import JobFunction
from training.services import compliance
from training.services.errors import ServiceError

DEFAULT_PAGE_SIZE = 25


def apply_errors(form: FlaskForm, error: ServiceError) -> None:
    """Show a service's refusal next to the fields it names (or as a message when it names none)."""
    for name, message in error.errors.items():
        field = form._fields.get(name) if name else None
        if field is not None:
            field.errors = [*field.errors, message] if isinstance(field.errors, list) else [message]
        else:
            flash(message, "error")


def page_number() -> int:
    """The ?page= number, 1 when absent or not a positive number."""
    value = request.args.get("page", "1")
    return int(value) if value.isdigit() and int(value) > 0 else 1


def _pivot(rows: list[compliance.GroupRow]) -> list[tuple[str, dict[int, compliance.Counts]]]:
    """Group rows as (group, {course id: counts}), one table row per group."""
    table: dict[str, dict[int, compliance.Counts]] = {}
    for row in rows:
        table.setdefault(row.group, {})[row.course_id] = row.counts
    return sorted(table.items())


def compliance_context(org_id: int) -> dict[str, object]:
    """Everything templates/_compliance.html needs, for managers and auditors alike."""
    picture = compliance.organization(org_id)
    return dict(
        picture=picture,
        trend=compliance.trend(org_id),
        by_job_function=_pivot(picture.by_job_function),
        by_base=_pivot(picture.by_base),
        statuses=compliance.STATUSES,
        labels=compliance.STATUS_LABELS,
        windows=compliance.EXPIRY_WINDOWS,
        job_labels={j.value: j.label for j in JobFunction},
        course_names={c.course_id: c.title for c in picture.courses},
    )
