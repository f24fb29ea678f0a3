"""Changing the address someone signs in with: confirmed from the new address, announced to the old one.

Until the confirmation link is used, the old address stays the sign-in address (and the one reset
links go to), so whoever changes a record cannot send the account's access to an address of their
choosing. The link is signed and expires; it carries the person, the old and the new address and a
fingerprint of the password, so it stops working once the address or the password has changed: used
once, it has done its work. Nothing is stored until it is used.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from itsdangerous import BadSignature, URLSafeTimedSerializer

from training.extensions import db
from training.models import OutboxMessage, User
from training.services import accounts, audit, i18n, mailer
from training.services.errors import ServiceError
from training.services.i18n import gettext as _

VALID_FOR = timedelta(days=3)
KIND_CONFIRM = "email_change"
KIND_NOTICE = "email_change_notice"
_SALT = "email-change"


@dataclass(frozen=True)
class PendingChange:
    person: User
    new_email: str


def _serializer(signing_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(signing_key, salt=_SALT)


def _password_fingerprint(person: User) -> str:
    """Changes whenever the password does (and is the same for everyone without one)."""
    return hashlib.sha256((person.password_hash or "").encode()).hexdigest()[:16]


def make_token(person: User, new_email: str, *, signing_key: str) -> str:
    payload = {"user": person.id, "old": person.email, "new": new_email, "pw": _password_fingerprint(person)}
    return _serializer(signing_key).dumps(payload)


def find_pending(token: str, *, signing_key: str) -> PendingChange | None:
    """The change a link asks for, or None if it is forged, expired, or no longer matches the account."""
    try:
        data = _serializer(signing_key).loads(token, max_age=int(VALID_FOR.total_seconds()))
    except BadSignature:  # also an expired link
        return None
    if not isinstance(data, dict) or not isinstance(data.get("user"), int):
        return None
    person = db.session.get(User, data["user"])
    if person is None or not person.active:
        return None
    if person.email != data.get("old") or _password_fingerprint(person) != data.get("pw"):
        return None  # the address or the password changed since the link was made
    new_email = data.get("new")
    return PendingChange(person, new_email) if isinstance(new_email, str) else None


def record_request(
    person: User,
    new_email: str,
    make_link: Callable[[User, str], str],
    valid_days: int = VALID_FOR.days,
    *,
    mail: mailer.MailSettings,
    actor: audit.Actor,
) -> list[OutboxMessage]:
    """Email a confirmation link to the new address and a notice to the old one; the caller commits,
    then delivers the returned messages. The person's address does not change here."""
    link = make_link(person, new_email)
    words = i18n.in_language(i18n.language_of(person))  # both messages are for the account's holder

    def to_holder(to: str, kind: str, subject: str, *paragraphs: str) -> mailer.Mail:
        """A message for the account's holder, greeted by name, at ``to``."""
        greeting = words.gettext("Hello %(name)s,", name=person.full_name)
        body = "".join([greeting, "\n\n", *paragraphs])
        return mailer.Mail(to, subject, body, kind, recipient_user_id=person.id, organization_id=person.organization_id)

    confirm = to_holder(
        new_email,
        KIND_CONFIRM,
        words.gettext("Confirm your new Recognize & Report sign-in address"),
        words.gettext(
            "Your Recognize & Report account (until now %(old_email)s) is to use this address from now on.",
            old_email=person.email,
        ),
        "\n",
        words.gettext("To confirm, open this link within %(days)s days and press the button:", days=valid_days),
        f"\n\n{link}\n\n",
        words.gettext(
            "Until you do, you keep signing in with %(old_email)s. If you did not expect this, ignore this "
            "email: nothing changes.",
            old_email=person.email,
        ),
        "\n",
    )
    notice = to_holder(
        person.email,
        KIND_NOTICE,
        words.gettext("Your Recognize & Report sign-in address is being changed"),
        words.gettext(
            "Someone asked to change the address of your Recognize & Report account to %(new_email)s.",
            new_email=new_email,
        ),
        "\n",
        words.gettext("Nothing changes until that address confirms it: until then you keep signing in with this one."),
        "\n\n",
        words.gettext("If you did not expect this, tell your manager or the administrator now."),
        "\n",
    )
    audit.record_about(
        "person.email_change_requested", person, actor=actor, details={"email": person.email, "new_email": new_email}
    )
    return [mailer.record(confirm, mail), mailer.record(notice, mail)]


def confirm(token: str, *, signing_key: str, address: str | None) -> User:
    """Use a confirmation link: the new address becomes the sign-in address. Raises ServiceError if the
    link does not work (any more), or the address has been taken meanwhile."""
    pending = find_pending(token, signing_key=signing_key)
    if pending is None:
        raise ServiceError(_("This link does not work any more."))
    person, old_email = pending.person, pending.person.email
    if db.session.scalar(sa.select(User.id).where(User.email == pending.new_email, User.id != person.id)):
        raise ServiceError(
            _("Another account now uses this address, so it cannot be yours too. Ask the administrator.")
        )
    person.email = pending.new_email
    accounts.expire_links([person.id])  # links sent to the old address
    audit.record_about(
        "person.email_changed",
        person,
        details={"changed": {"email": [old_email, person.email]}, "confirmed_from_new_address": True},
        actor=audit.Actor(person, address),  # whoever holds the new address speaks for the account here
    )
    try:
        db.session.commit()
    except sa.exc.IntegrityError as clash:
        db.session.rollback()
        raise ServiceError(_("Another account now uses this address, so it cannot be yours too.")) from clash
    return person
