"""Importing staff from a CSV file: upload, preview every row, confirm, then hand out invitation links."""

from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import HiddenField, SubmitField

from training.extensions import db
from training.manage.routes import bp
from training.models import JobFunction, Organization, User
from training.policy import Ability, managed_org_or_404, permission
from training.services import batches, mailer, staff_import
from training.services.errors import ServiceError
from training.web.forms import Form
from training.web.links import add_invitation_links
from training.web.request_actor import actor_from_request
from training.web.settings import mail_settings
from training.web.views import refusals_shown


class ImportForm(Form):
    file = FileField(
        "CSV file",
        description="Saved from Excel as \u201cCSV UTF-8\u201d, comma- or semicolon-separated.",
        validators=[
            FileRequired("Choose the CSV file to import."),
            FileAllowed(["csv", "txt"], "Upload a .csv file: in Excel choose Save As \u203a \u201cCSV UTF-8\u201d."),
        ],
    )
    submit = SubmitField("Preview the import")


class ConfirmImportForm(Form):
    """Carries nothing but the fingerprint of the stored upload it confirms (and the CSRF token)."""

    fingerprint = HiddenField()
    submit = SubmitField("Confirm import")


def _upload_page(form: ImportForm):
    return render_template(
        "manage/import.html",
        form=form,
        job_functions=list(JobFunction),
        max_rows=staff_import.MAX_IMPORT_ROWS,
        max_size=staff_import.size_text(staff_import.MAX_IMPORT_BYTES),
        max_columns=staff_import.MAX_IMPORT_COLUMNS,
        max_line=staff_import.MAX_LINE_CHARACTERS,
    )


def _preview_page(plan: staff_import.ImportPlan, upload=None, *, changed_since: bool = False):
    confirm = ConfirmImportForm(fingerprint=upload.fingerprint) if upload is not None else None
    return render_template(
        "manage/import_preview.html",
        plan=plan,
        counts=plan.counts,
        upload=upload,
        confirm=confirm,
        form=ImportForm(formdata=None),
        changed_since=changed_since,
    )


@bp.route("/staff/import", methods=["GET", "POST"])
@permission(Ability.MANAGE_ORG)
def staff_import_upload():
    org = managed_org_or_404(current_user)
    form = ImportForm()
    if form.validate_on_submit():
        data = form.file.data.read()
        with refusals_shown(form):
            plan = staff_import.parse(data, org)
            upload = None
            if plan.can_apply and plan.has_changes:
                upload = staff_import.store(data, org, current_user)
            return _preview_page(plan, upload)
    return _upload_page(form)


@bp.route("/staff/import/template.csv")
@permission(Ability.MANAGE_ORG)
def staff_import_template():
    return Response(
        staff_import.template_csv(),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="staff-import-template.csv"'},
    )


@bp.route("/staff/import/<int:import_id>/confirm", methods=["POST"])
@permission(Ability.MANAGE_ORG)
def staff_import_confirm(import_id: int):
    org = managed_org_or_404(current_user)
    upload = staff_import.find_upload(org, import_id)
    if upload is None:
        abort(404)
    form = ConfirmImportForm()
    if not form.validate_on_submit() or form.fingerprint.data != upload.fingerprint:
        flash("This confirmation does not match the file you previewed. Upload the file again.", "error")
        return redirect(url_for("manage.staff_import_upload"))
    try:
        plan, result = staff_import.confirm(upload, org, actor_from_request())
    except ServiceError as exc:
        flash(str(exc), "error")
        return redirect(url_for("manage.staff_import_upload"))
    if result is None:
        return _preview_page(plan, changed_since=True)
    invitations, emailed, waiting = _invite(result.created, org)
    return render_template(
        "manage/import_result.html", result=result, invitations=invitations, emailed=emailed, waiting=waiting
    )


def _invite(created: list[User], org: Organization) -> tuple[list[tuple[User, str]], int | None, int]:
    """A single-use link for each new person, and an email with it when mail is set up.

    The links and their emails are recorded in one transaction, whatever the number of people. The
    first MAIL_SEND_WHILE_WAITING emails are sent now; the rest wait in the outbox for
    ``flask send-outbox``. Returns the links, how many emails went now (None without mail), and how
    many wait.
    """
    batches.reload(created)
    invitations = list(zip(created, add_invitation_links(created, actor=actor_from_request()), strict=True))
    entries = []
    mail = mail_settings()
    if invitations and mail.configured:
        days = current_app.config["INVITATION_DAYS"]
        mails = [staff_import.invitation_mail(p, org, link, days) for p, link in invitations]
        entries = mailer.record_many(mails, mail)
    db.session.commit()
    now = entries[: current_app.config["MAIL_SEND_WHILE_WAITING"]]
    emailed = mailer.deliver(now, mail) if entries else None
    batches.reload(created)
    return invitations, emailed, len(entries) - len(now)
