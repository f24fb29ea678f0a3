"""Sending email through SMTP (the MAIL_* settings, given as ``MailSettings``), recording every message
in the outbox.

With no MAIL_SERVER configured, messages are written to the log instead of sent, and still recorded.
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


def _smtp_send(messages: list[EmailMessage], settings: MailSettings) -> list[str | None]:
    """Send over one connection; a refused recipient fails only its own message. Returns an error per message."""
    errors: list[str | None] = []
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
    return errors


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
    """Not sent, not failed, and claimed by no sender (or by one that must have died)."""
    return sa.and_(
        OutboxMessage.sent_at.is_(None),
        OutboxMessage.error.is_(None),
        sa.or_(OutboxMessage.claimed_at.is_(None), OutboxMessage.claimed_at < stale_before),
    )


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
    sent, is left alone.
    """
    return _deliver(entries, settings)[0]


def _deliver(entries: list[OutboxMessage], settings: MailSettings) -> tuple[int, int]:
    """``deliver``, returning how many of the messages it claimed went out and how many failed."""
    claimed = _claim(batches.ids_of(entries))
    batches.reload(entries)
    pending = [e for e in entries if e.id in claimed]
    if not pending:
        return 0, 0
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
        return len(pending), 0
    messages = []
    for entry in pending:
        message = EmailMessage()
        message["From"] = settings.sender
        message["To"] = entry.recipient_email
        message["Subject"] = entry.subject
        message["Message-ID"] = make_msgid(domain="recognize-and-report")
        message.set_content(entry.body)
        messages.append(message)
    try:
        errors = _smtp_send(messages, settings)
    except (OSError, smtplib.SMTPException) as exc:
        for entry in pending:
            entry.error = str(exc)[:500]
        db.session.commit()
        log.warning("could not send %d message(s): %s", len(pending), exc)
        return 0, len(pending)
    went = [entry for entry, error in zip(pending, errors, strict=True) if error is None]
    for entry, error in zip(pending, errors, strict=True):
        if error is not None:
            entry.error = error
    _mark_sent(went)
    db.session.commit()
    return len(went), len(pending) - len(went)


@dataclass(frozen=True)
class QueueReport:
    sent: int
    failed: int


def send_waiting(settings: MailSettings, batch: int = 200) -> QueueReport:
    """Send every message still waiting in the outbox, oldest first, a batch at a time (``flask send-outbox``).

    Messages failed earlier are not retried; messages another sender has claimed are left to it.
    """
    sent = failed = 0
    while True:
        query = sa.select(OutboxMessage).where(_waiting(utcnow() - CLAIM_TIMEOUT)).order_by(OutboxMessage.id)
        waiting = list(db.session.scalars(query.limit(batch)))
        if not waiting:
            return QueueReport(sent, failed)
        went, failed_now = _deliver(waiting, settings)
        if went + failed_now == 0:  # every one of them claimed by another sender meanwhile
            return QueueReport(sent, failed)
        sent, failed = sent + went, failed + failed_now
