"""The manager's dashboard: their organization's compliance at a glance."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from training.manage.routes import bp
from training.policy import Ability, permission
from training.web.views import compliance_context


@bp.route("/")
@permission(Ability.MANAGE_ORG)
def dashboard():
    return render_template(
        "manage/dashboard.html",
        org_name=current_user.organization.name,
        list_endpoint="manage.staff",
        export_endpoint="manage.export_compliance",
        list_args={},
        **compliance_context(current_user.organization_id),
    )
