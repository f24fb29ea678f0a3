"""An organization's reporting contacts: who to call, how, and when."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import sqlalchemy as sa

from training.extensions import db
from training.models import ReportingContact
from training.services import audit, card_text, text
from training.services.errors import ServiceError
from training.services.i18n import N_
from training.services.i18n import gettext as _

# In English; shown with gettext (``channel_label``).
CHANNELS = {
    "phone": N_("Phone"),
    "radio": N_("Radio"),
    "email": N_("Email"),
    "in_person": N_("In person"),
    "other": N_("Other"),
}


def channel_label(channel: str) -> str:
    """How a contact is reached, in the reader's language."""
    return _(CHANNELS[channel]) if channel in CHANNELS else channel


MAX_CONTACTS = 20


@dataclass
class ContactFields:
    name: str
    channel: str
    value: str
    when_to_use: str


def dial_string(number: str) -> str:
    """What a `tel:` link dials: the digits of a number, with its leading + (spaces, dashes and notes dropped).

    Only the part before any letter counts, so "+254 000 111 (example)" dials +254000111.
    """
    head = re.split(r"[A-Za-z(]", number, maxsplit=1)[0]
    digits = re.sub(r"[^0-9]", "", head)
    return f"+{digits}" if head.strip().startswith("+") else digits


def contacts_of(org_id: int, *, for_update: bool = False) -> list[ReportingContact]:
    """An organization's contacts in the order its staff see them (``for_update`` locks them to reorder)."""
    select = (
        sa.select(ReportingContact)
        .where(ReportingContact.organization_id == org_id)
        .order_by(ReportingContact.position, ReportingContact.id)
    )
    return list(db.session.scalars(select.with_for_update() if for_update else select))


def _clean(fields: ContactFields) -> dict[str, str]:
    errors = {}
    values = {
        "name": text.one_line(fields.name),
        "channel": fields.channel,
        "value": fields.value.strip(),
        "when_to_use": text.one_line(fields.when_to_use),
    }
    if not values["name"]:
        errors["name"] = _("Say who this is, e.g. Duty security manager.")
    elif len(values["name"]) > 160:
        errors["name"] = _("Use at most %(max)s characters.", max=160)
    if values["channel"] not in CHANNELS:
        errors["channel"] = _("Choose how to reach them.")
    if not values["value"]:
        errors["value"] = _("Give the number, radio channel or address.")
    elif len(values["value"]) > 200:
        errors["value"] = _("Use at most %(max)s characters.", max=200)
    if not values["when_to_use"]:
        errors["when_to_use"] = _("Say when staff should use this contact.")
    elif len(values["when_to_use"]) > 300:
        errors["when_to_use"] = _("Use at most %(max)s characters.", max=300)
    for key in ("name", "value", "when_to_use"):
        if key not in errors and (problem := text.hidden_character_problem(values[key])):
            errors[key] = problem
        elif key not in errors and (unbroken := card_text.too_long_to_print(values[key])):
            errors[key] = _too_long_for_the_card(unbroken)
    if errors:
        raise ServiceError(errors)
    return values


def _too_long_for_the_card(unbroken: str) -> str:
    shown = unbroken if len(unbroken) <= 40 else unbroken[:40] + "…"
    return _(
        "“%(shown)s” has %(length)s characters: a number or address can have at most %(most)s, so that the "
        "wallet card prints it on one line.",
        shown=shown,
        length=len(unbroken),
        most=card_text.MAX_UNBROKEN,
    )


def add_contact(org_id: int, fields: ContactFields, *, actor: audit.Actor) -> ReportingContact:
    values = _clean(fields)
    existing = contacts_of(org_id)
    if len(existing) >= MAX_CONTACTS:
        raise ServiceError(_("An organization can list at most %(max)s contacts.", max=MAX_CONTACTS))
    last = max((c.position for c in existing), default=0)
    contact = ReportingContact(organization_id=org_id, position=last + 1, **values)
    db.session.add(contact)
    db.session.flush()
    _note("contact.added", contact, values, actor)
    db.session.commit()
    return contact


def update_contact(contact: ReportingContact, fields: ContactFields, *, actor: audit.Actor) -> None:
    values = _clean(fields)
    for key, value in values.items():
        setattr(contact, key, value)
    _note("contact.updated", contact, values, actor)
    db.session.commit()


MOVES = {"up": -1, "down": 1}


def move_contact(contact: ReportingContact, direction: str, *, actor: audit.Actor) -> int:
    """Swap a contact with the one above (``up``) or below (``down``) it; return its new place, from 1.

    The organization's contacts are numbered 1, 2, 3… again, so gaps and ties left by earlier changes go.
    """
    if direction not in MOVES:
        raise ServiceError(_("Choose whether to move the contact up or down."))
    ordered = contacts_of(contact.organization_id, for_update=True)
    place = ordered.index(contact)
    target = place + MOVES[direction]
    if not 0 <= target < len(ordered):
        raise ServiceError(
            _("%(name)s is already first in the list.", name=contact.name)
            if target < 0
            else _("%(name)s is already last in the list.", name=contact.name)
        )
    ordered[place], ordered[target] = ordered[target], ordered[place]
    for position, each in enumerate(ordered, start=1):
        each.position = position
    _note("contact.moved", contact, {"name": contact.name, "from": place + 1, "to": target + 1}, actor)
    db.session.commit()
    return target + 1


def delete_contact(contact: ReportingContact, *, actor: audit.Actor) -> None:
    _note("contact.removed", contact, {"name": contact.name, "value": contact.value}, actor)
    db.session.delete(contact)
    db.session.commit()


def _note(action: str, contact: ReportingContact, details: Mapping[str, str | int], actor: audit.Actor) -> None:
    """Reporting contacts are what staff call when they suspect trafficking: every change is on record."""
    audit.record(
        action,
        actor=actor,
        organization_id=contact.organization_id,
        object_type="contact",
        object_id=contact.id,
        details=details,
    )
