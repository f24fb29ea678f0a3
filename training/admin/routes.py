from __future__ import annotations

import re

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal, format_percent, get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from training.admin.forms import OrganizationForm, OversightForm, PersonForm
from training.extensions import db
from training.models import Organization, OrgKind, Role, User
from training.policy import (
    Ability,
    can_issue_sign_in_link,
    found_or_404,
    get_org_or_404,
    get_staff_or_404,
    permission,
)
from training.services import directory, item_stats, mailer, organizations, people
from training.web import person_actions
from training.web.forms import ConfirmForm, choices
from training.web.ids import parse_id
from training.web.links import email_change_link
from training.web.request_actor import actor_from_request
from training.web.settings import mail_settings
from training.web.views import DEFAULT_PAGE_SIZE, page_number, refusals_shown, table_download

bp = Blueprint("admin", __name__, template_folder="templates")


def _org_fields(form: OrganizationForm) -> organizations.OrgFields:
    return organizations.OrgFields(
        name=form.name.data or "",
        kind=form.kind.data or "",
        country=form.country.data or "",
        iata_code=form.iata_code.data or "",
        icao_code=form.icao_code.data or "",
    )


# --- organizations -----------------------------------------------------------------------


@bp.route("/")
@permission(Ability.ADMINISTER)
def index():
    return redirect(url_for("admin.organizations_list"))


@bp.route("/organizations")
@permission(Ability.ADMINISTER)
def organizations_list():
    staff = sa.select(sa.func.count(User.id)).where(User.organization_id == Organization.id).scalar_subquery()
    rows = db.session.execute(sa.select(Organization, staff).order_by(Organization.name)).all()
    return render_template("admin/organizations.html", rows=rows)


@bp.route("/organizations/new", methods=["GET", "POST"])
@permission(Ability.ADMINISTER)
def organization_new():
    form = OrganizationForm()
    if form.validate_on_submit():
        with refusals_shown(form):
            org = organizations.create_organization(_org_fields(form), actor=actor_from_request())
            flash(_("%(name)s is created.", name=org.name), "success")
            return redirect(url_for("admin.organization_edit", org_id=org.id))
    return render_template("admin/organization_form.html", form=form, org=None)


@bp.route("/organizations/<int:org_id>", methods=["GET", "POST"])
@permission(Ability.ADMINISTER)
def organization_edit(org_id: int):
    org = get_org_or_404(current_user, org_id)
    form = OrganizationForm(obj=org)
    oversight_form = _oversight_form(org)
    if form.validate_on_submit():
        with refusals_shown(form):
            organizations.update_organization(org, _org_fields(form), actor=actor_from_request())
            flash(_("%(name)s is saved.", name=org.name), "success")
            return redirect(url_for("admin.organization_edit", org_id=org.id))
    return render_template("admin/organization_form.html", form=form, org=org, oversight_form=oversight_form)


def _oversight_form(org: Organization, formdata: object = None) -> OversightForm | None:
    if org.kind != OrgKind.AUTHORITY:
        return None
    form = OversightForm(formdata=formdata) if formdata is not None else OversightForm()
    candidates = db.session.scalars(
        sa.select(Organization).where(Organization.kind != OrgKind.AUTHORITY).order_by(Organization.name)
    )
    form.overseen.choices = choices((o.id, f"{o.name} ({o.kind_label})") for o in candidates)
    if formdata is None:
        form.overseen.data = organizations.overseen_ids(org)
    return form


@bp.route("/organizations/<int:org_id>/oversight", methods=["POST"])
@permission(Ability.ADMINISTER)
def organization_oversight(org_id: int):
    org = get_org_or_404(current_user, org_id)
    form = _oversight_form(org, formdata=request.form)
    if form is None:
        abort(404)
    if form.validate_on_submit():
        with refusals_shown(form):
            organizations.set_oversight(org, form.overseen.data or [], actor=actor_from_request())
            flash(
                ngettext(
                    "%(name)s now oversees %(num)d organization(s).",
                    "%(name)s now oversees %(num)d organization(s).",
                    len(form.overseen.data or []),
                    name=org.name,
                ),
                "success",
            )
            return redirect(url_for("admin.organization_edit", org_id=org.id))
    return render_template(
        "admin/organization_form.html", form=OrganizationForm(obj=org), org=org, oversight_form=form
    ), 400


# --- people -----------------------------------------------------------------------------


def _person_form(person: User | None = None) -> PersonForm:
    form = PersonForm(obj=person)
    form.organization_id.choices = choices(
        (o.id, o.name) for o in db.session.scalars(sa.select(Organization).order_by(Organization.name))
    )
    if person is not None and request.method == "GET":
        form.roles.data = sorted(r.value for r in person.roles)
    elif request.method == "GET":
        form.roles.data = [Role.LEARNER.value]
    return form


def _person_fields(form: PersonForm) -> people.PersonFields:
    return people.PersonFields(
        email=form.email.data or "",
        full_name=form.full_name.data or "",
        organization_id=form.organization_id.data or 0,
        job_function=form.job_function.data or "",
        roles=set(form.roles.data or []),
        employee_number=form.employee_number.data or "",
        base=form.base.data or "",
    )


@bp.route("/people")
@permission(Ability.ADMINISTER)
def people_list():
    search = request.args.get("q", "").strip()
    query = directory.matching(sa.select(User), search=search)
    org_id = request.args.get("org", "")
    if parse_id(org_id):
        query = query.where(User.organization_id == parse_id(org_id))
    page = db.paginate(
        query.order_by(User.full_name, User.id), page=page_number(), per_page=DEFAULT_PAGE_SIZE, error_out=False
    )
    orgs = db.session.scalars(sa.select(Organization).order_by(Organization.name)).all()
    return render_template("admin/people.html", page=page, search=search, org_id=org_id, orgs=orgs)


@bp.route("/people/new", methods=["GET", "POST"])
@permission(Ability.ADMINISTER)
def person_new():
    form = _person_form()
    if request.method == "GET" and parse_id(request.args.get("org", "")):
        form.organization_id.data = parse_id(request.args["org"])
    if form.validate_on_submit():
        with refusals_shown(form):
            person = people.create_person(_person_fields(form), actor=actor_from_request())
            flash(
                _("%(name)s is added. Send them an invitation link to set their password.", name=person.full_name),
                "success",
            )
            return redirect(url_for("admin.person_edit", user_id=person.id))
    return render_template("admin/person_form.html", form=form, person=None)


@bp.route("/people/<int:user_id>", methods=["GET", "POST"])
@permission(Ability.ADMINISTER)
def person_edit(user_id: int):
    person = get_staff_or_404(current_user, user_id)
    form = _person_form(person)
    if form.validate_on_submit():
        with refusals_shown(form):
            to_confirm = people.update_person(
                person,
                _person_fields(form),
                actor=actor_from_request(),
                email_link=email_change_link,
                mail=mail_settings(),
            )
            flash(_("%(name)s is saved.", name=person.full_name), "success")
            if to_confirm:
                flash(
                    _(
                        "The new address %(new)s takes effect once it is confirmed from there: a link went to it, "
                        "and a notice to %(old)s. Until then %(name)s signs in with %(old)s.",
                        new=to_confirm,
                        old=person.email,
                        name=person.full_name,
                    ),
                    "info",
                )
            return redirect(url_for("admin.person_edit", user_id=person.id))
    return render_template(
        "admin/person_form.html",
        form=form,
        person=person,
        confirm=ConfirmForm(),
        may_invite=can_issue_sign_in_link(current_user, person),
    )


person_actions.add_routes(
    bp,
    rule="/people/<int:user_id>",
    endpoint_prefix="person_",
    ability=Ability.ADMINISTER,
    lookup=get_staff_or_404,
    back="admin.person_edit",
)


# --- the outbox: what became of the email -------------------------------------------------


@bp.route("/outbox")
@permission(Ability.ADMINISTER)
def outbox():
    state = request.args.get("state", "")
    if state not in mailer.UNDELIVERED_STATES:
        state = ""
    page = db.paginate(mailer.undelivered(state), page=page_number(), per_page=DEFAULT_PAGE_SIZE, error_out=False)
    return render_template(
        "admin/outbox.html", counts=mailer.outbox_counts(), page=page, state=state, max_attempts=mailer.MAX_ATTEMPTS
    )


# --- item statistics (for the people who write the question banks) --------------------------


@bp.route("/item-statistics")
@permission(Ability.ADMINISTER)
def item_statistics():
    return render_template("admin/item_statistics.html", banks=item_stats.quiz_slugs(), minimum=item_stats.MIN_ATTEMPTS)


@bp.route("/item-statistics/<quiz_slug>")
@permission(Ability.ADMINISTER)
def item_statistics_bank(quiz_slug: str):
    return render_template(
        "admin/item_statistics_bank.html",
        stats=found_or_404(item_stats.bank_stats(quiz_slug)),
        minimum=item_stats.MIN_ATTEMPTS,
        limits=item_stats,
        one_decimal=_one_decimal,
        percent=_percent,
        whole_percent=_whole_percent,
    )


# The page's figures in the reader's locale (decimal comma, the percent sign's place); the CSV keeps its own.
def _one_decimal(value: float) -> str:
    return format_decimal(value, format="0.0")


def _percent(value: float) -> str:
    """``value`` per cent with one decimal, as the locale writes a percentage (e.g. 40.0% or 40,0 %)."""
    pattern = re.sub(r"0(?=\s*%)", "0.0", get_locale().percent_formats[None].pattern)
    return format_percent(value / 100, format=pattern)


def _whole_percent(value: float) -> str:
    return format_percent(value / 100)


@bp.route("/item-statistics/<quiz_slug>.csv")
@permission(Ability.ADMINISTER)
def item_statistics_csv(quiz_slug: str):
    stats = found_or_404(item_stats.bank_stats(quiz_slug))
    return table_download(
        "csv",
        f"item-statistics-{stats.quiz_slug}",
        "Item statistics",
        item_stats.CSV_HEADER,
        list(item_stats.csv_rows(stats)),  # read now: recording the export commits, which expires the questions
        organization_id=None,
    )
