"""The manager's dashboard: their organization's compliance at a glance."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from training.manage import bp
from training.models import JobFunction
from training.policy import Ability, permission
from training.services import compliance


def _pivot(rows: list[compliance.GroupRow]) -> list[tuple[str, dict[int, compliance.Counts]]]:
    """Group rows as (group, {course id: counts}), one table row per group."""
    table: dict[str, dict[int, compliance.Counts]] = {}
    for row in rows:
        table.setdefault(row.group, {})[row.course_id] = row.counts
    return sorted(table.items())


@bp.route("/")
@permission(Ability.MANAGE_ORG)
def dashboard():
    org_id = current_user.organization_id
    picture = compliance.organization(org_id)
    return render_template(
        "manage/dashboard.html",
        by_job_function=_pivot(picture.by_job_function),
        by_base=_pivot(picture.by_base),
        picture=picture,
        trend=compliance.trend(org_id),
        statuses=compliance.STATUSES,
        labels=compliance.STATUS_LABELS,
        windows=compliance.EXPIRY_WINDOWS,
        job_labels={j.value: j.label for j in JobFunction},
        course_names={c.course_id: c.title for c in picture.courses},
    )
