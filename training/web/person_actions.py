"""Views shared by the admin and manager pages for acting on one person.

``add_routes`` puts them on a blueprint, with the blueprint's own scoped lookup of the person; each
view here also checks, with the policy, that the signed-in person may act on that account (403 if not).
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from training.models import User
from training.policy import Ability, can_act_on_account, can_issue_sign_in_link, permission, require
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


def add_routes(
    bp: Blueprint,
    *,
    rule: str,
    endpoint_prefix: str,
    ability: Ability,
    lookup: Callable[[User, int], User],
    back: str,
) -> None:
    """Add the invitation, deactivate and reactivate routes to ``bp``, under ``rule`` (a person's URL,
    with ``<int:user_id>``), named ``endpoint_prefix`` + invite, deactivate and reactivate. ``lookup``
    finds the person among those the signed-in person may see (404 otherwise); ``back`` is the endpoint
    of the person's page, where each act returns."""

    def person_and_back(user_id: int) -> tuple[User, str]:
        person = lookup(current_user, user_id)
        return person, url_for(back, user_id=person.id)

    @bp.route(f"{rule}/invitation", methods=["POST"], endpoint=f"{endpoint_prefix}invite")
    @permission(ability)
    def invite_view(user_id: int):
        return invite(*person_and_back(user_id))

    @bp.route(f"{rule}/deactivate", methods=["GET", "POST"], endpoint=f"{endpoint_prefix}deactivate")
    @permission(ability)
    def deactivate_view(user_id: int):
        return deactivate(*person_and_back(user_id))

    @bp.route(f"{rule}/reactivate", methods=["POST"], endpoint=f"{endpoint_prefix}reactivate")
    @permission(ability)
    def reactivate_view(user_id: int):
        return reactivate(*person_and_back(user_id))
