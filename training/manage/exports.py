"""Downloads of the manager's staff list and compliance report (CSV or Excel), streamed."""

from __future__ import annotations

from flask import Response, abort, request, stream_with_context
from flask_login import current_user

from training.manage import bp
from training.models import utcnow
from training.policy import Ability, permission
from training.services import exports, staff_list

MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _download(fmt: str, name: str, title: str, header: list[str], rows) -> Response:
    if fmt not in MIMETYPES:
        abort(404)
    stream = exports.csv_stream(header, rows) if fmt == "csv" else exports.xlsx_stream(title, header, rows)
    filename = f"{name}-{utcnow():%Y-%m-%d}.{fmt}"
    return Response(
        stream_with_context(stream),
        mimetype=MIMETYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "private, no-store"},
    )


@bp.route("/export/staff.<fmt>")
@permission(Ability.MANAGE_ORG)
def export_staff(fmt: str):
    spec = staff_list.StaffFilter.from_args(request.args)
    select = staff_list.query(current_user.organization_id, spec)
    return _download(fmt, "staff", "Staff", exports.STAFF_HEADER, exports.staff_rows(select))


@bp.route("/export/compliance.<fmt>")
@permission(Ability.MANAGE_ORG)
def export_compliance(fmt: str):
    org_id = current_user.organization_id
    return _download(fmt, "compliance", "Compliance", exports.COMPLIANCE_HEADER, exports.compliance_rows(org_id))
