from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, Response, abort, render_template, request, stream_with_context
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from training.extensions import db
from training.models import Certificate, Organization, User, utcnow
from training.policy import Ability, audited_org_ids, get_audited_org_or_404, permission
from training.services import bulk_export, catalogue, compliance, exports, filenames, register, staff_list
from training.services.audit import Actor, record
from training.web.views import DEFAULT_PAGE_SIZE, compliance_context, page_number, table_download

bp = Blueprint("audit", __name__, template_folder="templates")


@bp.before_request
def _read_only():
    """Every auditor page only reads: anything but GET or HEAD is refused."""
    if request.method not in ("GET", "HEAD"):
        abort(405)


@bp.route("/")
@permission(Ability.AUDIT)
def overview():
    ids = audited_org_ids(current_user)
    orgs = list(db.session.scalars(sa.select(Organization).where(Organization.id.in_(ids)).order_by(Organization.name)))
    counts = compliance.organizations([o.id for o in orgs])
    return render_template("audit/overview.html", rows=[(o, counts[o.id]) for o in orgs])


@bp.route("/organizations/<int:org_id>")
@permission(Ability.AUDIT)
def organization(org_id: int):
    org = get_audited_org_or_404(current_user, org_id)
    return render_template(
        "audit/organization.html",
        org=org,
        org_name=org.name,
        list_endpoint="audit.staff",
        export_endpoint="audit.export_compliance",
        list_args={"org_id": org.id},
        **compliance_context(org.id),
    )


@bp.route("/organizations/<int:org_id>/staff")
@permission(Ability.AUDIT)
def staff(org_id: int):
    org = get_audited_org_or_404(current_user, org_id)
    spec = staff_list.StaffFilter.from_args(request.args)
    page = db.paginate(staff_list.query(org.id, spec), page=page_number(), per_page=DEFAULT_PAGE_SIZE, error_out=False)
    return render_template(
        "audit/staff.html",
        org=org,
        page=page,
        spec=spec,
        labels={"required": _("Required (any status)"), **compliance.status_labels()},
        lines=staff_list.training_lines(org.id, spec, page.items),
    )


@bp.route("/organizations/<int:org_id>/compliance.<fmt>")
@permission(Ability.AUDIT)
def export_compliance(org_id: int, fmt: str):
    org = get_audited_org_or_404(current_user, org_id)
    rows = exports.compliance_rows(org.id)
    return table_download(
        fmt,
        f"compliance-{org.id}",
        "Compliance",
        exports.COMPLIANCE_HEADER,
        rows,
        organization_id=org.id,
        filters=[exports.COMPLIANCE_SCOPE],
    )


def _register_orgs() -> list[Organization]:
    ids = register.readable_org_ids(current_user)
    query = sa.select(Organization).order_by(Organization.name)
    if ids is not None:
        query = query.where(Organization.id.in_(ids or {-1}))
    return list(db.session.scalars(query))


@bp.route("/certificates")
@permission(Ability.AUDIT)
def certificates():
    spec = register.RegisterFilter.from_args(request.args)
    # The holders' current names and numbers are shown beside the printed ones: one query per page.
    select = register.query(current_user, spec).options(selectinload(Certificate.holder))
    page = db.paginate(select, page=page_number(), per_page=DEFAULT_PAGE_SIZE, error_out=False)
    return render_template(
        "audit/certificates.html",
        page=page,
        spec=spec,
        serial_mistake=register.serial_mistake(spec.q),
        orgs=_register_orgs(),
        courses=catalogue.published_courses(),
        statuses=register.STATUSES,
        status_words={"valid": _("Valid"), "expired": _("Expired"), "revoked": _("Revoked")},
        now=utcnow(),
    )


@bp.route("/certificates.zip")
@permission(Ability.AUDIT)
def certificates_zip():
    spec = register.RegisterFilter.from_args(request.args)
    select = register.query(current_user, spec)
    summary = bulk_export.ExportSummary()
    stream = bulk_export.zip_stream(select, summary, on_finish=_record_export(spec))
    return Response(
        stream_with_context(stream),
        mimetype="application/zip",
        headers={
            "Content-Disposition": filenames.attachment(*register.zip_filenames(current_user, spec, utcnow().date())),
            "Cache-Control": "private, no-store",
        },
    )


def _record_export(spec: register.RegisterFilter):
    """After the ZIP is complete: the export goes into the audit trail with its manifest's hash."""
    actor_id, address = current_user.id, request.remote_addr

    def finish(summary: bulk_export.ExportSummary) -> None:
        # Streaming runs inside the request context (stream_with_context), so the address is known;
        # the user is loaded again because the request's own session may have been closed.
        record(
            "certificates.bulk_export",
            actor=Actor(db.session.get(User, actor_id), address),
            organization_id=int(spec.org) if spec.org else None,
            object_type="zip",
            details={"filters": spec.args(), "certificates": summary.count, "manifest_sha256": summary.manifest_sha256},
        )
        db.session.commit()

    return finish
