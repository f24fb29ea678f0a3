from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from training.extensions import db
from training.manage.forms import ContactForm
from training.models import JobFunction
from training.policy import (
    Ability,
    can_act_on_account,
    can_issue_sign_in_link,
    get_contact_or_404,
    get_managed_person_or_404,
    permission,
)
from training.services import catalogue, compliance, contacts, issuing, progress, quiz, staff_list
from training.web import person_actions
from training.web.forms import ConfirmForm
from training.web.request_actor import actor_from_request
from training.web.views import DEFAULT_PAGE_SIZE, page_number, refusals_shown

bp = Blueprint("manage", __name__, template_folder="templates")


@bp.route("/staff")
@permission(Ability.MANAGE_ORG)
def staff():
    spec = staff_list.StaffFilter.from_args(request.args)
    org_id = current_user.organization_id
    page = db.paginate(staff_list.query(org_id, spec), page=page_number(), per_page=DEFAULT_PAGE_SIZE, error_out=False)
    return render_template(
        "manage/staff.html",
        page=page,
        spec=spec,
        job_functions=list(JobFunction),
        bases=staff_list.bases(org_id),
        courses=catalogue.published_courses(),
        compliance_labels=compliance.filter_labels(),
        lines=staff_list.training_lines(org_id, spec, page.items),
    )


@bp.route("/staff/<int:user_id>")
@permission(Ability.MANAGE_ORG)
def person(user_id: int):
    member = get_managed_person_or_404(current_user, user_id)
    return render_template(
        "manage/person.html",
        person=member,
        form=ConfirmForm(),
        certificates=issuing.certificates_of(member.id),
        standings=[s for s in progress.standings(member) if s.required or s.status != "not_started"],
        attempts=quiz.all_attempts_of(member),
        may_act=can_act_on_account(current_user, member),
        may_invite=can_issue_sign_in_link(current_user, member),
    )


person_actions.add_routes(
    bp,
    rule="/staff/<int:user_id>",
    endpoint_prefix="",
    ability=Ability.MANAGE_ORG,
    lookup=get_managed_person_or_404,
    back="manage.person",
)


# --- reporting contacts -----------------------------------------------------------------


def _contact_fields(form: ContactForm) -> contacts.ContactFields:
    return contacts.ContactFields(
        name=form.name.data or "",
        channel=form.channel.data or "",
        value=form.value.data or "",
        when_to_use=form.when_to_use.data or "",
    )


@bp.route("/contacts", methods=["GET", "POST"], endpoint="contacts")
@permission(Ability.MANAGE_ORG)
def contacts_page():
    form = ContactForm()
    if form.validate_on_submit():
        with refusals_shown(form):
            contacts.add_contact(current_user.organization_id, _contact_fields(form), actor=actor_from_request())
            flash(_("Contact added. Your staff see it in the \u201chow to report\u201d module."), "success")
            return redirect(url_for("manage.contacts"))
    return render_template(
        "manage/contacts.html",
        contacts=contacts.contacts_of(current_user.organization_id),
        channels={channel: contacts.channel_label(channel) for channel in contacts.CHANNELS},
        form=form,
    )


@bp.route("/contacts/<int:contact_id>", methods=["GET", "POST"])
@permission(Ability.MANAGE_ORG)
def contact_edit(contact_id: int):
    contact = get_contact_or_404(current_user, contact_id)
    form = ContactForm(obj=contact)
    if form.validate_on_submit():
        with refusals_shown(form):
            contacts.update_contact(contact, _contact_fields(form), actor=actor_from_request())
            flash(_("Contact saved."), "success")
            return redirect(url_for("manage.contacts"))
    return render_template("manage/contact_edit.html", contact=contact, form=form)


@bp.route("/contacts/<int:contact_id>/move", methods=["POST"])
@permission(Ability.MANAGE_ORG)
def contact_move(contact_id: int):
    """Move a contact up or down the list staff see (a button per direction, no script needed)."""
    contact = get_contact_or_404(current_user, contact_id)
    if ConfirmForm().validate_on_submit():
        with refusals_shown():
            place = contacts.move_contact(contact, request.form.get("direction", ""), actor=actor_from_request())
            flash(_("%(name)s is now number %(place)s in the list.", name=contact.name, place=place), "success")
    return redirect(url_for("manage.contacts", _anchor=f"contact-{contact_id}"))


@bp.route("/contacts/<int:contact_id>/delete", methods=["GET", "POST"])
@permission(Ability.MANAGE_ORG)
def contact_delete(contact_id: int):
    contact = get_contact_or_404(current_user, contact_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        contacts.delete_contact(contact, actor=actor_from_request())
        flash(_("Contact removed."), "success")
        return redirect(url_for("manage.contacts"))
    return render_template("manage/contact_delete.html", contact=contact, form=form)
