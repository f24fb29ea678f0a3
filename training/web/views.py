"""Small helpers shared by the blueprints' views."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from types import TracebackType
from urllib.parse import urlsplit

from flask import Response, abort, flash, request, stream_with_context, url_for
from flask_wtf import FlaskForm

from training.extensions import db
from training.models import JobFunction, Organization, utcnow
from training.services import audit, compliance, csv_safe, exports
from training.services.errors import ServiceError
from training.web.ids import parse_id
from training.web.request_actor import actor_from_request

DEFAULT_PAGE_SIZE = 25


def apply_errors(form: FlaskForm, error: ServiceError) -> None:
    """Show a service's refusal next to the fields it names (or as a message when it names none)."""
    for name, message in error.errors.items():
        field = form._fields.get(name) if name else None
        if field is not None:
            field.errors = [*field.errors, message] if isinstance(field.errors, list) else [message]
        else:
            flash(str(message), "error")


def safe_next(target: str | None) -> str:
    """Only follow a ``next`` address to a path on this site."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("home.index")


class _RefusalsShown:
    def __init__(self, form: FlaskForm | None, rename: Mapping[str, str]) -> None:
        self.form, self.rename = form, rename

    def __enter__(self) -> None:
        return None

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> bool:
        if not isinstance(error, ServiceError):
            return False
        db.session.rollback()
        if self.form is None:
            flash(str(error), "error")
        else:
            apply_errors(self.form, ServiceError({self.rename.get(k, k): v for k, v in error.errors.items()}))
        return True


def refusals_shown(form: FlaskForm | None = None, *, rename: Mapping[str, str] | None = None) -> _RefusalsShown:
    """Run a form's service call; if the service refuses, show why and carry on after the block.

    A ``ServiceError`` raised in the ``with`` block rolls the session back, is shown next to the
    fields of ``form`` it names (``apply_errors``; ``rename`` maps a service's field name to the
    form's), or, without a form, flashed as one message, and goes no further: the view continues
    after the block, usually to show the page again. Put the success path (message, redirect) in the
    block after the call::

        if form.validate_on_submit():
            with refusals_shown(form):
                org = organizations.create_organization(...)
                flash(f"{org.name} is created.", "success")
                return redirect(url_for("admin.organization_edit", org_id=org.id))
        return render_template("admin/organization_form.html", form=form)

    Any other exception passes through untouched.
    """
    return _RefusalsShown(form, rename or {})


def page_number() -> int:
    """The ?page= number, 1 when absent or not a positive number."""
    return parse_id(request.args.get("page", "1")) or 1


# Full Content-Type values, passed as such: Werkzeug adds a charset to a text/* *mimetype* itself.
TABLE_MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def table_download(
    fmt: str,
    filename: str,
    title: str,
    header: list[str],
    rows: Iterable,
    *,
    organization_id: int | None,
    filters: Sequence[str] = (),
) -> Response:
    """Stream a table as CSV or XLSX (404 for any other format); the export goes on record first.

    ``filename`` has no extension; the date and the format's extension are added. ``title`` names the
    sheet; ``filters`` describe in words what the table was narrowed to, for the Excel title row.
    """
    if fmt not in TABLE_MIMETYPES:
        abort(404)
    audit.record(
        "report.exported",
        actor=actor_from_request(),
        organization_id=organization_id,
        object_type="report",
        object_id=filename,
        details={"format": fmt, "filters": {k: v for k, v in request.args.items() if v}},
    )
    db.session.commit()
    now = utcnow()
    if fmt == "csv":
        stream = csv_safe.csv_stream(header, rows)
    else:
        organization = db.session.get(Organization, organization_id) if organization_id is not None else None
        heading = exports.heading(title, organization.name if organization else None, filters, now)
        stream = csv_safe.xlsx_stream(title, header, rows, heading=heading)
    return Response(
        stream_with_context(stream),
        content_type=TABLE_MIMETYPES[fmt],
        headers={
            "Content-Disposition": f'attachment; filename="{filename}-{now:%Y-%m-%d}.{fmt}"',
            "Cache-Control": "private, no-store",
        },
    )


def _pivot(rows: list[compliance.GroupRow]) -> list[tuple[str, dict[int, compliance.Counts]]]:
    """Group rows as (group, {course id: counts}), one table row per group."""
    table: dict[str, dict[int, compliance.Counts]] = {}
    for row in rows:
        table.setdefault(row.group, {})[row.course_id] = row.counts
    return sorted(table.items())


def compliance_context(org_id: int) -> dict[str, object]:
    """Everything templates/_compliance.html needs, for managers and auditors alike, labels in the reader's language."""
    picture = compliance.organization(org_id)
    return dict(
        picture=picture,
        trend=compliance.trend(org_id),
        by_job_function=_pivot(picture.by_job_function),
        by_base=_pivot(picture.by_base),
        statuses=compliance.STATUSES,
        labels=compliance.status_labels(),
        filter_labels=compliance.filter_labels(),
        windows=compliance.EXPIRY_WINDOWS,
        job_labels={j.value: str(j.label) for j in JobFunction},
        course_names={c.course_id: c.title for c in picture.courses},
    )
