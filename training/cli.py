"""Command-line commands: `flask --app app <command> --help` explains each."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext

from training.extensions import db
from training.models import ORG_KIND_LABELS, JobFunction, Role
from training.services import demo, organizations, people
from training.services.accounts import find_by_email
from training.services.errors import ServiceError


def _fail(error: ServiceError) -> None:
    db.session.rollback()
    for field, message in error.errors.items():
        click.echo(f"error: {field + ': ' if field else ''}{message}", err=True)
    raise SystemExit(1)


@click.command("create-org")
@click.option("--name", required=True, help="Organization name (unique).")
@click.option(
    "--kind", required=True, type=click.Choice([k.value for k in ORG_KIND_LABELS]), help="Kind of organization."
)
@click.option("--country", required=True, help="Two-letter ISO country code, e.g. KE.")
@click.option("--iata", default="", help="IATA code (2 letters for an airline, 3 for an airport).")
@click.option("--icao", default="", help="ICAO code (3 letters for an airline, 4 for an airport).")
@click.option("--oversees", multiple=True, help="For an authority: name of an organization it oversees (repeatable).")
@with_appcontext
def create_org(name: str, kind: str, country: str, iata: str, icao: str, oversees: tuple[str, ...]) -> None:
    """Create an organization (airline, airport, ground handler, authority or other)."""
    overseen = []
    for overseen_name in oversees:
        found = organizations.find_by_name(overseen_name)
        if found is None:
            _fail(ServiceError({"oversees": f"no organization named {overseen_name!r}"}))
        overseen.append(found)
    try:
        org = organizations.create_organization(organizations.OrgFields(name, kind, country, iata, icao))
        if overseen:
            organizations.set_oversight(org, [o.id for o in overseen])
    except ServiceError as exc:
        _fail(exc)
    click.echo(f"created organization {org.id}: {org.name}")


@click.command("create-user")
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
@with_appcontext
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
        _fail(ServiceError({"org": f"no organization named {org_name!r}"}))
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
        person = people.create_person(fields)
    except ServiceError as exc:
        _fail(exc)
    click.echo(f"created user {person.id}: {person.email} ({person.role_labels})")
    if invite:
        _print_invitation(person)


@click.command("invite")
@click.option("--email", required=True, help="Email address of the person to invite.")
@with_appcontext
def invite(email: str) -> None:
    """Print a single-use invitation link that lets a person set their password.

    Any earlier unused link for the same person stops working.
    """
    person = find_by_email(email)
    if person is None:
        _fail(ServiceError({"email": f"no user with email {email!r}"}))
    _print_invitation(person)


def _print_invitation(person) -> None:
    from training.auth.links import issue_invitation_link

    try:
        link = issue_invitation_link(person)
    except ServiceError as exc:
        _fail(exc)
    click.echo(f"invitation link for {person.email} (single use):\n{link}")


@click.command("seed-demo")
@with_appcontext
def seed_demo() -> None:
    """Create the demo organizations and accounts. Safe to run again: it only adds what is missing."""
    report = demo.seed_demo()
    click.echo(
        f"demo data ready: {report.organizations_added} organization(s) and {report.people_added} person(s) added"
    )
    click.echo("demo accounts (password for all: " + report.password + "):")
    for account in demo.DEMO_ACCOUNTS:
        click.echo(f"  {account.email:<28} {', '.join(r.value for r in account.roles)}  ({account.org})")


@click.command("load-content")
@click.option("--check", is_flag=True, help="Only validate the files; change nothing.")
@with_appcontext
def load_content(check: bool) -> None:
    """Validate and load the courses in modules/ and the question banks in quizzes/.

    Every problem is listed with its file, line and field; any problem means nothing is loaded.
    --check also runs the item-writing lint over the banks and prints its figures per bank.
    Loading the same files again changes nothing; a changed course becomes a new version.
    """
    from flask import current_app

    from training.services import content_loader

    root = Path(current_app.config["CONTENT_DIR"])
    report = content_loader.check_content(root) if check else content_loader.load_content(root)
    if report.figures:
        click.echo("item-writing figures per bank:")
        for figures in report.figures:
            click.echo(f"  {figures.line()}")
    if report.problems:
        for problem in report.problems:
            click.echo(f"error: {problem}", err=True)
        click.echo(f"{len(report.problems)} problem(s) found; nothing was loaded.", err=True)
        raise SystemExit(1)
    if check:
        click.echo(f"content is valid: {len(report.unchanged)} course(s)")
        return
    for label, slugs in (
        ("added", report.added),
        ("new version", report.new_versions),
        ("restored", report.restored),
        ("retired", report.retired),
        ("unchanged", report.unchanged),
    ):
        if slugs:
            click.echo(f"{label}: {', '.join(slugs)}")


@click.command("send-reminders")
@click.option(
    "--org", "org_names", multiple=True, help="Only this organization (repeatable). Default: every organization."
)
@with_appcontext
def send_reminders(org_names: tuple[str, ...]) -> None:
    """Email staff whose training is overdue or expires within 30 days, and a digest to their managers.

    Meant for cron, once a day. Each person gets at most one reminder and each manager one digest a
    day: running it again the same day sends nothing new. With no MAIL_SERVER set, messages are
    written to the log instead. Exits with status 1 if any message could not be sent.
    """
    from training.services import reminders

    org_ids = None
    if org_names:
        org_ids = []
        for org_name in org_names:
            found = organizations.find_by_name(org_name)
            if found is None:
                _fail(ServiceError({"org": f"no organization named {org_name!r}"}))
            org_ids.append(found.id)
    report = reminders.send_reminders(org_ids=org_ids)
    click.echo(
        f"reminders sent: {report.reminders_sent}, digests sent: {report.digests_sent}, "
        f"skipped (already sent today): {report.skipped_already_sent}, failed: {report.failed}"
    )
    if report.failed:
        click.echo(f"error: {report.failed} message(s) could not be sent; see the log", err=True)
        raise SystemExit(1)


@click.command("send-outbox")
@with_appcontext
def send_outbox() -> None:
    """Send the email still waiting in the outbox: the invitations of a large import, beyond the first
    MAIL_SEND_WHILE_WAITING sent while the manager waited.

    Meant for cron, every minute. Safe to run twice at once: each message is claimed by one run. Messages
    that failed are not retried. Exits with status 1 if any message could not be sent.
    """
    from training.services import mailer

    report = mailer.send_waiting()
    click.echo(f"sent: {report.sent}, failed: {report.failed}")
    if report.failed:
        click.echo(f"error: {report.failed} message(s) could not be sent; see the log", err=True)
        raise SystemExit(1)


def register(app: Flask) -> None:
    for command in (create_org, create_user, invite, seed_demo, load_content, send_reminders, send_outbox):
        app.cli.add_command(command)
