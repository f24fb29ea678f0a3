from __future__ import annotations

import sqlalchemy as sa
from flask import render_template, request, url_for
from flask_login import current_user

from training import person_actions
from training.extensions import db
from training.forms import ConfirmForm
from training.manage import bp
from training.models import JobFunction, User
from training.policy import Ability, get_managed_person_or_404, permission
from training.services import directory
from training.views import DEFAULT_PAGE_SIZE, page_number


@bp.route("/staff")
@permission(Ability.MANAGE_ORG)
def staff():
    search = request.args.get("q", "").strip()
    job_function = request.args.get("job_function", "")
    status = request.args.get("status", "active")
    query = directory.matching(
        sa.select(User).where(User.organization_id == current_user.organization_id),
        search=search,
        job_function=job_function,
        status=status,
    )
    page = db.paginate(
        query.order_by(User.full_name, User.id), page=page_number(), per_page=DEFAULT_PAGE_SIZE, error_out=False
    )
    return render_template(
        "manage/staff.html",
        page=page,
        search=search,
        job_function=job_function,
        status=status,
        job_functions=list(JobFunction),
    )


@bp.route("/staff/<int:user_id>")
@permission(Ability.MANAGE_ORG)
def person(user_id: int):
    member = get_managed_person_or_404(current_user, user_id)
    return render_template("manage/person.html", person=member, form=ConfirmForm())


@bp.route("/staff/<int:user_id>/invitation", methods=["POST"])
@permission(Ability.MANAGE_ORG)
def invite(user_id: int):
    member = get_managed_person_or_404(current_user, user_id)
    return person_actions.invite(member, url_for("manage.person", user_id=member.id))


@bp.route("/staff/<int:user_id>/deactivate", methods=["GET", "POST"])
@permission(Ability.MANAGE_ORG)
def deactivate(user_id: int):
    member = get_managed_person_or_404(current_user, user_id)
    return person_actions.deactivate(member, url_for("manage.person", user_id=member.id))


@bp.route("/staff/<int:user_id>/reactivate", methods=["POST"])
@permission(Ability.MANAGE_ORG)
def reactivate(user_id: int):
    member = get_managed_person_or_404(current_user, user_id)
    return person_actions.reactivate(member, url_for("manage.person", user_id=member.id))
