"""Organizations and people: `create-org`, `create-user`, `invite`."""

from __future__ import annotations

import click

from training.commands.base import bp, fail
from training.models import ORG_KIND_LABELS, JobFunction, Role, User
from training.services import audit, organizations, people
from training.services.accounts import find_by_email
from training.services.errors import ServiceError
from training.web.links import issue_invitation_link


@bp.cli.command("create-org")
@click.option("--name", required=True, help="Organization name (unique).")
@click.option(
    "--kind", required=True, type=click.Choice([k.value for k in ORG_KIND_LABELS]), help="Kind of organization."
)
@click.option("--country", required=True, help="Two-letter ISO country code, e.g. KE.")
@click.option("--iata", default="", help="IATA code (2 letters for an airline, 3 for an airport).")
@click.option("--icao", default="", help="ICAO code (3 letters for an airline, 4 for an airport).")
@click.option("--oversees", multiple=True, help="For an authority: name of an organization it oversees (repeatable).")
def create_org(name: str, kind: str, country: str, iata: str, icao: str, oversees: tuple[str, ...]) -> None:
    """Create an organization (airline, airport, ground handler, authority or other)."""
    overseen = []
    for overseen_name in oversees:
        found = organizations.find_by_name(overseen_name)
        if found is None:
            fail(ServiceError({"oversees": f"no organization named {overseen_name!r}"}))
        overseen.append(found)
    try:
        org = organizations.create_organization(
            organizations.OrgFields(name, kind, country, iata, icao), actor=audit.SYSTEM
        )
        if overseen:
            organizations.set_oversight(org, [o.id for o in overseen], actor=audit.SYSTEM)
    except ServiceError as exc:
        fail(exc)
    click.echo(f"created organization {org.id}: {org.name}")


@bp.cli.command("create-user")
@click.option("--email", required=True, help="Email address, used to sign in.")
@click.option("--name", "full_name", required=True, help="Full name as it appears on certificates.")
@click.option("--org", "org_name", required=True, help="Name of the person's organization.")
@click.option(
    "--role",
    "roles",
    multiple=True,
    type=click.Choice([r.value for r in Role]),
    help="Role (repeatable). Default: learner.",
)
@click.option(
    "--job-function",
    default=JobFunction.OTHER.value,
    type=click.Choice([j.value for j in JobFunction]),
    show_default=True,
    help="Job function, which decides the required courses.",
)
@click.option("--employee-number", default="", help="Employee number, unique within the organization.")
@click.option("--base", default="", help="Station code of the person's base, e.g. NBO.")
@click.option("--invite", is_flag=True, help="Also print an invitation link to set a password.")
def create_user(
    email: str,
    full_name: str,
    org_name: str,
    roles: tuple[str, ...],
    job_function: str,
    employee_number: str,
    base: str,
    invite: bool,
) -> None:
    """Create a person. They set their password through an invitation link (see `invite`)."""
    org = organizations.find_by_name(org_name)
    if org is None:
        fail(ServiceError({"org": f"no organization named {org_name!r}"}))
    fields = people.PersonFields(
        email=email,
        full_name=full_name,
        organization_id=org.id,
        job_function=job_function,
        roles=set(roles or [Role.LEARNER.value]),
        employee_number=employee_number,
        base=base,
    )
    try:
        person = people.create_person(fields, actor=audit.SYSTEM)
    except ServiceError as exc:
        fail(exc)
    click.echo(f"created user {person.id}: {person.email} ({person.role_labels})")
    if invite:
        _print_invitation(person)


@bp.cli.command("invite")
@click.option("--email", required=True, help="Email address of the person to invite.")
def invite(email: str) -> None:
    """Print a single-use invitation link that lets a person set their password.

    Any earlier unused link for the same person stops working.
    """
    person = find_by_email(email)
    if person is None:
        fail(ServiceError({"email": f"no user with email {email!r}"}))
    _print_invitation(person)


def _print_invitation(person: User) -> None:
    try:
        link = issue_invitation_link(person, actor=audit.SYSTEM)
    except ServiceError as exc:
        fail(exc)
    click.echo(f"invitation link for {person.email} (single use):\n{link}")
