"""Organization settings for managers: days to complete, certificate logo, and assignments."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from training.extensions import db
from training.manage.forms_settings import AssignmentForm, DaysForm, LogoForm
from training.manage.routes import bp
from training.models import Organization, utcnow
from training.policy import Ability, permission
from training.services import assignments, catalogue, org_settings
from training.web.forms import ConfirmForm, choices
from training.web.request_actor import actor_from_request
from training.web.views import refusals_shown


def _org() -> Organization:
    org = db.session.get(Organization, current_user.organization_id)
    assert org is not None
    return org


@bp.route("/settings", methods=["GET", "POST"])
@permission(Ability.MANAGE_ORG)
def settings():
    org = _org()
    days_form = DaysForm(obj=org)
    if days_form.validate_on_submit():
        with refusals_shown(days_form):
            org_settings.set_days_to_complete(org, days_form.days_to_complete.data, actor=actor_from_request())
            flash("Saved. Due dates of required courses now follow the new number of days.", "success")
            return redirect(url_for("manage.settings"))
    has_logo = org.logo_mime is not None
    return render_template(
        "manage/settings.html",
        org=org,
        days_form=days_form,
        logo_form=LogoForm(),
        remove_form=ConfirmForm(),
        has_logo=has_logo,
    )


@bp.route("/settings/logo", methods=["POST"])
@permission(Ability.MANAGE_ORG)
def settings_logo():
    org = _org()
    form = LogoForm()
    if form.validate_on_submit():
        with refusals_shown(form):
            org_settings.set_logo(org, form.logo.data.read(), actor=actor_from_request())
            flash("Logo saved. It appears on certificates issued from now on.", "success")
            return redirect(url_for("manage.settings"))
    return render_template(
        "manage/settings.html",
        org=org,
        days_form=DaysForm(obj=org),
        logo_form=form,
        remove_form=ConfirmForm(),
        has_logo=org.logo_mime is not None,
    ), 400


@bp.route("/settings/logo.png")
@permission(Ability.MANAGE_ORG)
def settings_logo_image():
    org = _org()
    data = db.session.scalar(db.select(Organization.logo).where(Organization.id == org.id))
    if not data:
        abort(404)
    return Response(data, mimetype="image/png", headers={"Cache-Control": "private, no-store"})


@bp.route("/settings/logo/remove", methods=["POST"])
@permission(Ability.MANAGE_ORG)
def settings_logo_remove():
    if ConfirmForm().validate_on_submit():
        org_settings.remove_logo(_org(), actor=actor_from_request())
        flash("Logo removed.", "success")
    return redirect(url_for("manage.settings"))


# --- assignments ------------------------------------------------------------------------


def _assignment_form() -> AssignmentForm:
    form = AssignmentForm()
    form.course.choices = choices(
        [("", "Choose a course…"), *((v.slug, v.title) for v in catalogue.published_courses())]
    )
    return form


@bp.route("/assignments", methods=["GET", "POST"], endpoint="assignments")
@permission(Ability.MANAGE_ORG)
def assignments_page():
    org = _org()
    form = _assignment_form()
    if form.validate_on_submit():
        kind = form.target_kind.data or ""
        value = {"job_function": form.job_function.data, "base": form.base.data, "person": form.email.data}.get(kind)
        fields = assignments.AssignmentFields(form.course.data or "", kind, value or "", form.due_on.data)
        target_field = {"job_function": "job_function", "base": "base", "person": "email"}.get(kind, "")
        with refusals_shown(form, rename={"target_value": target_field}):
            assignments.add(org, fields, utcnow().date(), actor=actor_from_request())
            flash("Assigned. The people it covers see the course on their home page with its due date.", "success")
            return redirect(url_for("manage.assignments"))
    rows = [(a, assignments.describe_target(a)) for a in assignments.of_org(org.id)]
    titles = {v.course_id: v.title for v in catalogue.published_courses()}
    return render_template("manage/assignments.html", form=form, rows=rows, titles=titles, remove_form=ConfirmForm())


@bp.route("/assignments/<int:assignment_id>/remove", methods=["GET", "POST"])
@permission(Ability.MANAGE_ORG)
def assignment_remove(assignment_id: int):
    org = _org()
    assignment = assignments.get_or_none(org.id, assignment_id)
    if assignment is None:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        assignments.remove(org, assignment, actor=actor_from_request())
        flash("Assignment removed. Courses that people's job functions require stay required.", "success")
        return redirect(url_for("manage.assignments"))
    return render_template(
        "manage/assignment_remove.html",
        assignment=assignment,
        target=assignments.describe_target(assignment),
        form=form,
    )
