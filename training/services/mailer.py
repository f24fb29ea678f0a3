"""Sending email through SMTP (the MAIL_* settings, given as ``MailSettings``), recording every message
in the outbox.

With no MAIL_SERVER configured, messages are written to the log instead of sent, and still recorded.

A message that could not be sent (the mail server unreachable, or refusing it) stays in the outbox and
is tried again by ``send_waiting`` (``flask send-outbox``) after a growing wait: ``MAX_ATTEMPTS`` tries
over about a day, then it has failed, its last error saying why.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid

import sqlalchemy as sa

from training.extensions import db
from training.models import OutboxMessage, utcnow
from training.services import batches

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str
    kind: str
    recipient_user_id: int | None = None
    organization_id: int | None = None


@dataclass(frozen=True)
class MailSettings:
    """How mail leaves (the MAIL_* settings); the web and command-line side builds it from the app's config."""

    server: str
    port: int
    username: str
    password: str
    use_tls: bool
    sender: str

    @property
    def configured(self) -> bool:
        """A server is set: messages are sent. Otherwise they are written to the log."""
        return bool(self.server)


def _smtp_send(messages: list[EmailMessage], settings: MailSettings) -> tuple[list[str | None], bool]:
    """Send over one connection; a refused recipient fails only its own message. Returns an error per
    message, and whether the connection failed (the server unreachable, or lost on the way): then the
    messages not yet handed over share its error, and the ones handed over before stay sent."""
    errors: list[str | None] = []
    try:
        with smtplib.SMTP(settings.server, settings.port, timeout=30) as smtp:
            if settings.use_tls:
                smtp.starttls()
            if settings.username:
                smtp.login(settings.username, settings.password)
            for message in messages:
                try:
                    smtp.send_message(message)
                except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as exc:
                    errors.append(str(exc)[:500])
                else:
                    errors.append(None)
    except (OSError, smtplib.SMTPException) as exc:
        if len(errors) == len(messages):  # all handed over; only the goodbye failed
            return errors, False
        log.warning("could not send %d message(s): %s", len(messages) - len(errors), exc)
        reason = (str(exc) or type(exc).__name__)[:500]
        return errors + [reason] * (len(messages) - len(errors)), True
    return errors, False


def _columns(mail: Mail, settings: MailSettings, day: date | None) -> dict[str, object]:
    return {
        "organization_id": mail.organization_id,
        "recipient_user_id": mail.recipient_user_id,
        "recipient_email": mail.to,
        "kind": mail.kind,
        "day": day or utcnow().date(),
        "subject": mail.subject,
        "body": mail.body,
        "transport": "smtp" if settings.configured else "log",
    }


def record(mail: Mail, settings: MailSettings, day: date | None = None) -> OutboxMessage:
    """Add the message to the outbox (not yet sent). The caller commits, then calls ``deliver``."""
    entry = OutboxMessage(**_columns(mail, settings, day))
    db.session.add(entry)
    return entry


def record_many(mails: list[Mail], settings: MailSettings, day: date | None = None) -> list[OutboxMessage]:
    """``record`` for many messages (an import's invitations) in one INSERT; in the order given."""
    if not mails:
        return []
    insert = sa.insert(OutboxMessage).returning(OutboxMessage, sort_by_parameter_order=True)
    return list(db.session.scalars(insert, [_columns(mail, settings, day) for mail in mails]))


CLAIM_TIMEOUT = timedelta(minutes=10)  # a sender that has held a claim this long must have died

# The wait after each failed try before the next one: six tries in all, the last about a day after the first.
RETRY_WAITS = (
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
    timedelta(hours=16),
)
MAX_ATTEMPTS = len(RETRY_WAITS) + 1


def retry_wait(attempts: int) -> timedelta | None:
    """How long a message tried ``attempts`` times, in vain, waits for its next try; None: it has failed."""
    return RETRY_WAITS[attempts - 1] if 1 <= attempts <= len(RETRY_WAITS) else None


def _mark_sent(entries: list[OutboxMessage]) -> None:
    now = utcnow()
    ids = [entry.id for entry in entries]
    for part in batches.chunks(ids):
        db.session.execute(
            sa.update(OutboxMessage)
            .where(OutboxMessage.id.in_(part))
            .values(sent_at=now)
            .execution_options(synchronize_session=False)
        )


def _waiting(stale_before: datetime) -> sa.ColumnElement[bool]:
    """Not sent, not given up, and claimed by no sender (or by one that must have died)."""
    return sa.and_(
        OutboxMessage.sent_at.is_(None),
        OutboxMessage.failed_at.is_(None),
        sa.or_(OutboxMessage.claimed_at.is_(None), OutboxMessage.claimed_at < stale_before),
    )


def _due(now: datetime) -> sa.ColumnElement[bool]:
    """Never tried, or its wait after a failed try is over."""
    return sa.or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now)


def _note_failure(entries: list[OutboxMessage], errors: list[str]) -> None:
    """Each message's try failed: it waits for its next one, or has failed after the last. Releases the claims."""
    now = utcnow()
    for entry, error in zip(entries, errors, strict=True):
        entry.attempts = (entry.attempts or 0) + 1
        entry.error = error[:500]
        entry.claimed_at = None
        wait = retry_wait(entry.attempts)
        entry.next_attempt_at = None if wait is None else now + wait
        entry.failed_at = now if wait is None else None


def _claim(ids: list[int]) -> set[int]:
    """Claim the messages no other sender has, and commit: only this sender will send them."""
    now = utcnow()
    claimed: set[int] = set()
    for part in batches.chunks(ids):
        claimed.update(
            db.session.scalars(
                sa.update(OutboxMessage)
                .where(OutboxMessage.id.in_(part), _waiting(now - CLAIM_TIMEOUT))
                .values(claimed_at=now)
                .returning(OutboxMessage.id)
                .execution_options(synchronize_session=False)
            )
        )
    db.session.commit()
    return claimed


def deliver(entries: list[OutboxMessage], settings: MailSettings) -> int:
    """Send recorded messages (or log them); mark each sent or note its error. Returns how many went out.

    Claims them first, so a message another sender (the queue, another request) is sending, or has
    sent, is left alone. A message that could not be sent waits in the outbox for its next try.
    """
    return _deliver(entries, settings).sent


@dataclass(frozen=True)
class _Outcome:
    sent: int = 0
    retrying: int = 0  # could not be sent; will be tried again
    failed: int = 0  # could not be sent, for the last time
    unreachable: bool = False  # no message could be handed to the mail server

    @property
    def tried(self) -> int:
        return self.sent + self.retrying + self.failed


def _deliver(entries: list[OutboxMessage], settings: MailSettings) -> _Outcome:
    """``deliver``, saying what became of the messages it claimed."""
    claimed = _claim(batches.ids_of(entries))
    batches.reload(entries)
    pending = [e for e in entries if e.id in claimed]
    if not pending:
        return _Outcome()
    if not settings.configured:
        for entry in pending:
            log.info(
                "mail (not sent: MAIL_SERVER unset) to=%s subject=%s\n%s",
                entry.recipient_email,
                entry.subject,
                entry.body,
            )
        _mark_sent(pending)
        db.session.commit()
        return _Outcome(sent=len(pending))
    messages = []
    for entry in pending:
        message = EmailMessage()
        message["From"] = settings.sender
        message["To"] = entry.recipient_email
        message["Subject"] = entry.subject
        message["Message-ID"] = make_msgid(domain="recognize-and-report")
        message.set_content(entry.body)
        messages.append(message)
    errors, unreachable = _smtp_send(messages, settings)
    went = [entry for entry, error in zip(pending, errors, strict=True) if error is None]
    refused = [(entry, error) for entry, error in zip(pending, errors, strict=True) if error is not None]
    _note_failure([entry for entry, _e in refused], [error for _e, error in refused])
    failed = sum(entry.failed_at is not None for entry, _e in refused)
    _mark_sent(went)
    db.session.commit()
    return _Outcome(len(went), len(refused) - failed, failed, unreachable)


@dataclass(frozen=True)
class QueueReport:
    sent: int
    failed: int  # could not be sent, for the last time
    retrying: int = 0  # could not be sent; will be tried again


def send_waiting(settings: MailSettings, batch: int = 200, *, retry_now: bool = False) -> QueueReport:
    """Send every message waiting in the outbox, oldest first, a batch at a time (``flask send-outbox``).

    Messages that could not be sent before are tried again once their wait is over (at once with
    ``retry_now``). Messages another sender has claimed are left to it. If the mail server cannot be
    reached, the run stops: the rest wait for the next one.
    """
    sent = failed = retrying = 0
    after = 0  # with retry_now, each message once: not again the ones that failed in this run
    while True:
        query = sa.select(OutboxMessage).where(_waiting(utcnow() - CLAIM_TIMEOUT)).order_by(OutboxMessage.id)
        query = query.where(OutboxMessage.id > after) if retry_now else query.where(_due(utcnow()))
        waiting = list(db.session.scalars(query.limit(batch)))
        if not waiting:
            return QueueReport(sent, failed, retrying)
        after = waiting[-1].id
        outcome = _deliver(waiting, settings)
        sent, failed, retrying = sent + outcome.sent, failed + outcome.failed, retrying + outcome.retrying
        if outcome.tried == 0 or outcome.unreachable:  # all claimed by another sender meanwhile, or the server is down
            return QueueReport(sent, failed, retrying)


# --- the outbox's state, for the administrator -----------------------------------------------


@dataclass(frozen=True)
class OutboxCounts:
    waiting: int  # not tried yet
    retrying: int  # tried in vain, to be tried again
    sent: int
    failed: int  # given up


def outbox_counts() -> OutboxCounts:
    unsent = sa.and_(OutboxMessage.sent_at.is_(None), OutboxMessage.failed_at.is_(None))
    row = db.session.execute(
        sa.select(
            sa.func.count().filter(unsent, OutboxMessage.attempts == 0),
            sa.func.count().filter(unsent, OutboxMessage.attempts > 0),
            sa.func.count().filter(OutboxMessage.sent_at.is_not(None)),
            sa.func.count().filter(OutboxMessage.failed_at.is_not(None)),
        ).select_from(OutboxMessage)
    ).one()
    return OutboxCounts(*row)


UNDELIVERED_STATES = ("retrying", "failed")


def undelivered(state: str = "") -> sa.Select[tuple[OutboxMessage]]:
    """The messages that could not be sent, still to be tried again or given up, newest first (or one state)."""
    retrying = sa.and_(OutboxMessage.sent_at.is_(None), OutboxMessage.failed_at.is_(None), OutboxMessage.attempts > 0)
    failed = OutboxMessage.failed_at.is_not(None)
    which = {"retrying": retrying, "failed": failed}.get(state, sa.or_(retrying, failed))
    return sa.select(OutboxMessage).where(which).order_by(OutboxMessage.id.desc())
