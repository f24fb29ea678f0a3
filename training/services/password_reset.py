"""Forgotten passwords: a single-use, expiring link by email, without telling anyone who has an account.

Whatever address is asked for, the page says the same thing. A link goes out only to an active
account, at most ``MAX_PER_HOUR`` times an hour per account, so the form cannot be used to flood a
mailbox. The link itself works like an invitation: signed, stored only as a hash, single use.

The route runs ``request_reset`` after its answer is sent (``training.web.after_response``), so how long
the answer takes cannot tell an existing account from an unknown address; the mail goes out then too.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import sqlalchemy as sa

from training.extensions import db
from training.models import OutboxMessage, User, utcnow
from training.services import accounts, audit, i18n, mailer
from training.services.errors import ServiceError

KIND = "password_reset"
MAX_PER_HOUR = 3


def request_reset(
    email: str,
    make_link: Callable[[User, audit.Actor], str],
    valid_minutes: int,
    *,
    mail: mailer.MailSettings,
    actor: audit.Actor,
) -> None:
    """Email a reset link if ``email`` belongs to an active account; otherwise do nothing, silently."""
    try:
        address = accounts.normalize_email(email)
    except ServiceError:  # not an address, so not an account
        return
    person = accounts.find_by_email(address)
    if person is None or not person.active:
        audit.record(
            "account.password_reset_refused", actor=actor, details={"email": address[:254], "reason": "no such account"}
        )
        db.session.commit()
        return
    if _sent_last_hour(person) >= MAX_PER_HOUR:
        audit.record_about(
            "account.password_reset_refused",
            person,
            actor=actor,
            details={"email": address, "reason": "too many requests"},
        )
        db.session.commit()
        return
    link = make_link(person, actor)  # issues the token (and records it in the audit trail), commits
    words = i18n.in_language(i18n.language_of(person))
    entry = mailer.record(
        mailer.Mail(
            to=person.email,
            subject=words.gettext("Reset your Recognize & Report password"),
            body=_body(person, link, valid_minutes, words),
            kind=KIND,
            recipient_user_id=person.id,
            organization_id=person.organization_id,
        ),
        mail,
    )
    db.session.commit()
    mailer.deliver([entry], mail)


def _sent_last_hour(person: User) -> int:
    since = utcnow() - timedelta(hours=1)
    count = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(OutboxMessage)
        .where(
            OutboxMessage.recipient_user_id == person.id,
            OutboxMessage.kind == KIND,
            OutboxMessage.created_at >= since,
        )
    )
    return count or 0  # a count is never None, but its type allows it


def _body(person: User, link: str, valid_minutes: int, words: i18n.Words) -> str:
    return "\n\n".join(
        [
            words.gettext("Hello %(name)s,", name=person.full_name),
            words.gettext("Someone (we hope you) asked to reset the password of your Recognize & Report account.")
            + "\n"
            + words.gettext(
                "To choose a new password, open this link within %(minutes)s minutes. It works once:",
                minutes=valid_minutes,
            ),
            link,
            words.gettext("If you did not ask for this, ignore this email: your password stays as it is.") + "\n",
        ]
    )
