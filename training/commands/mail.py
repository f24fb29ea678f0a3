"""Email sent from cron: `send-reminders`, `send-outbox`."""

from __future__ import annotations

import click
from flask import current_app

from training.commands.base import bp, fail
from training.services import mailer, organizations, reminders
from training.services.errors import ServiceError
from training.web.settings import mail_settings


@bp.cli.command("send-reminders")
@click.option(
    "--org", "org_names", multiple=True, help="Only this organization (repeatable). Default: every organization."
)
def send_reminders(org_names: tuple[str, ...]) -> None:
    """Email staff whose training is overdue or expires within 30 days, and a digest to their managers.

    Meant for cron, once a day. Each person gets at most one reminder and each manager one digest a
    day: running it again the same day sends nothing new. With no MAIL_SERVER set, messages are
    written to the log instead. Exits with status 1 if any message could not be sent.
    """
    org_ids = None
    if org_names:
        org_ids = []
        for org_name in org_names:
            found = organizations.find_by_name(org_name)
            if found is None:
                fail(ServiceError({"org": f"no organization named {org_name!r}"}))
            org_ids.append(found.id)
    report = reminders.send_reminders(current_app.config["BASE_URL"], mail_settings(), org_ids=org_ids)
    click.echo(
        f"reminders sent: {report.reminders_sent}, digests sent: {report.digests_sent}, "
        f"skipped (already sent today): {report.skipped_already_sent}, failed: {report.failed}"
    )
    if report.failed:
        click.echo(f"error: {report.failed} message(s) could not be sent; see the log", err=True)
        raise SystemExit(1)


@bp.cli.command("send-outbox")
def send_outbox() -> None:
    """Send the email still waiting in the outbox: the invitations of a large import, beyond the first
    MAIL_SEND_WHILE_WAITING sent while the manager waited.

    Meant for cron, every minute. Safe to run twice at once: each message is claimed by one run. Messages
    that failed are not retried. Exits with status 1 if any message could not be sent.
    """
    report = mailer.send_waiting(mail_settings())
    click.echo(f"sent: {report.sent}, failed: {report.failed}")
    if report.failed:
        click.echo(f"error: {report.failed} message(s) could not be sent; see the log", err=True)
        raise SystemExit(1)
