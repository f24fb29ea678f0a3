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
    day: running it again the same day sends nothing new. A message that could not be sent stays
    queued, and `send-outbox` tries it again. With no MAIL_SERVER set, messages are written to the
    log instead. Exits with status 1 if any message could not be sent.
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
        f"skipped (already sent today): {report.skipped_already_sent}, "
        f"skipped (already queued today): {report.already_queued}, "
        f"queued to retry: {report.retrying}, failed: {report.failed}"
    )
    _exit_if_not_sent(report.retrying, report.failed)


def _exit_if_not_sent(retrying: int, failed: int) -> None:
    if retrying:
        click.echo(
            f"error: {retrying} message(s) could not be sent now; `send-outbox` will try again (see the log)",
            err=True,
        )
    if failed:
        click.echo(f"error: {failed} message(s) could not be sent and were given up; see the log", err=True)
    if retrying or failed:
        raise SystemExit(1)


@bp.cli.command("send-outbox")
@click.option(
    "--now", "retry_now", is_flag=True, help="Try the messages waiting to be tried again now, without waiting."
)
def send_outbox(retry_now: bool) -> None:
    """Send the email waiting in the outbox: the invitations of a large import, beyond the first
    MAIL_SEND_WHILE_WAITING sent while the manager waited, and the messages that could not be sent.

    Meant for cron, every minute. Safe to run twice at once: each message is claimed by one run. A
    message that could not be sent (the mail server down, or refusing it) is tried again after a
    growing wait, six times over about a day, then given up. Exits with status 1 if any message could
    not be sent.
    """
    report = mailer.send_waiting(mail_settings(), retry_now=retry_now)
    click.echo(f"sent: {report.sent}, queued to retry: {report.retrying}, failed: {report.failed}")
    _exit_if_not_sent(report.retrying, report.failed)
