"""Downloads of the manager's staff list and compliance report (CSV or Excel), streamed."""

from __future__ import annotations

from flask import request
from flask_login import current_user

from training.manage.routes import bp
from training.policy import Ability, permission
from training.services import exports, staff_list
from training.web.views import table_download


@bp.route("/export/staff.<fmt>")
@permission(Ability.MANAGE_ORG)
def export_staff(fmt: str):
    org_id = current_user.organization_id
    spec = staff_list.StaffFilter.from_args(request.args)
    header, rows = exports.staff_export(org_id, spec)
    filters = staff_list.describe(spec)
    return table_download(fmt, "staff", "Staff", header, rows, organization_id=org_id, filters=filters)


@bp.route("/export/compliance.<fmt>")
@permission(Ability.MANAGE_ORG)
def export_compliance(fmt: str):
    org_id = current_user.organization_id
    rows = exports.compliance_rows(org_id)
    return table_download(
        fmt,
        "compliance",
        "Compliance",
        exports.COMPLIANCE_HEADER,
        rows,
        organization_id=org_id,
        filters=[exports.COMPLIANCE_SCOPE],
    )
