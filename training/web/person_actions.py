"""Views shared by the admin and manager pages for acting on one person.

The caller has already fetched ``person`` through its own scoped lookup; each view here checks, with
the policy, that the signed-in person may act on that account (403 if not).
"""

from __future__ import annotations

from flask import flash, redirect, render_template
from flask_login import current_user

from training.models import User
from training.policy import can_act_on_account, can_issue_sign_in_link, require
from training.services import people
from training.web.forms import ConfirmForm
from training.web.links import issue_invitation_link
from training.web.request_actor import actor_from_request
from training.web.views import refusals_shown


def invite(person: User, back: str):
    """POST: show a fresh single-use invitation link, once."""
    require(can_issue_sign_in_link(current_user, person))
    if not ConfirmForm().validate_on_submit():
        return redirect(back)
    with refusals_shown():
        link = issue_invitation_link(person, actor=actor_from_request())
        return render_template("shared/invitation_link.html", person=person, link=link, back=back)
    return redirect(back)


def deactivate(person: User, back: str):
    """GET: ask for confirmation; POST: deactivate (records and certificates are kept)."""
    require(can_act_on_account(current_user, person))
    form = ConfirmForm()
    if form.validate_on_submit():
        with refusals_shown():
            people.deactivate(person, actor=actor_from_request())
            flash(f"{person.full_name} is deactivated. Their records and certificates are kept.", "success")
        return redirect(back)
    return render_template("shared/confirm_deactivate.html", person=person, form=form, back=back)


def reactivate(person: User, back: str):
    require(can_act_on_account(current_user, person))
    if ConfirmForm().validate_on_submit():
        people.reactivate(person, actor=actor_from_request())
        flash(f"{person.full_name} is active again.", "success")
    return redirect(back)
