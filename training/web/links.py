"""Absolute links people receive by hand or email (invitations, password resets, email changes,
certificate checks), built on BASE_URL so the command line, imports and issuing make the same ones."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app

from training.extensions import db
from training.models import TokenPurpose, User
from training.policy import can_issue_sign_in_link
from training.services import accounts, audit, email_change
from training.services.errors import ServiceError


def absolute_url(endpoint: str, **values: object) -> str:
    """An absolute URL on BASE_URL, valid inside or outside a request (CLI, emails, PDFs)."""
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return current_app.config["BASE_URL"] + path


def verify_url(serial: str) -> str:
    """The public address where anyone can check the certificate ``serial`` (printed and in its QR code)."""
    return absolute_url("certify.verify", serial=serial)


def issue_invitation_link(person: User, *, actor: audit.Actor) -> str:
    """A new single-use link for ``person`` to set a password; ``actor`` (the system for the command
    line) must be allowed to issue it."""
    if actor.user is not None and not can_issue_sign_in_link(actor.user, person):
        raise ServiceError("You cannot create a sign-in link for this person.")
    link = add_invitation_links([person], actor=actor)[0]
    db.session.commit()
    return link


def add_invitation_links(people: list[User], *, actor: audit.Actor) -> list[str]:
    """Invitation links for many people at once (an import), in a few statements; the caller commits."""
    tokens = accounts.add_tokens(
        people,
        TokenPurpose.INVITATION,
        signing_key=current_app.config["SECRET_KEY"],
        valid_for=timedelta(days=current_app.config["INVITATION_DAYS"]),
        actor=actor,
    )
    return [absolute_url("auth.welcome", token=token) for token in tokens]


def issue_password_reset_link(person: User, actor: audit.Actor) -> str:
    token = accounts.issue_token(
        person,
        TokenPurpose.PASSWORD_RESET,
        signing_key=current_app.config["SECRET_KEY"],
        valid_for=timedelta(minutes=current_app.config["PASSWORD_RESET_MINUTES"]),
        actor=actor,
    )
    return absolute_url("auth.reset_password", token=token)


def email_change_link(person: User, new_email: str) -> str:
    """The link that confirms ``new_email`` as ``person``'s sign-in address (sent to that address)."""
    token = email_change.make_token(person, new_email, signing_key=current_app.config["SECRET_KEY"])
    return absolute_url("auth.confirm_email", token=token)
