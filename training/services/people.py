"""Creating, editing, deactivating and reactivating people. Nobody is ever deleted."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import cast

import sqlalchemy as sa

from training.extensions import db
from training.models import JobFunction, Organization, Role, User
from training.policy import can_act_on_account, can_change_email_directly
from training.services import accounts, audit, email_change, mailer, requirements, text
from training.services.accounts import normalize_email
from training.services.errors import ServiceError
from training.services.i18n import gettext as _

_BASE = re.compile(r"^[A-Z0-9]{3,5}$")
_EMPLOYEE_NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,39}$")


@dataclass
class PersonFields:
    email: str
    full_name: str
    organization_id: int
    job_function: str = JobFunction.OTHER.value
    roles: set[str] = field(default_factory=lambda: {Role.LEARNER.value})
    employee_number: str = ""
    base: str = ""


class Holders:
    """Who already holds an email address or an employee number: one query per question."""

    def of_email(self, email: str) -> int | None:
        return db.session.scalar(sa.select(User.id).where(User.email == email))

    def of_employee_number(self, org_id: int, number: str) -> int | None:
        return db.session.scalar(
            sa.select(User.id).where(User.organization_id == org_id, User.employee_number == number)
        )


@dataclass
class KnownHolders(Holders):
    """The same answers from lookups made beforehand, for checking a whole file without a query per row.

    ``emails`` must hold every address that will be asked about that has a holder; ``numbers`` the
    organization's employee numbers.
    """

    emails: dict[str, int]
    numbers: dict[tuple[int, str], int]

    def of_email(self, email: str) -> int | None:
        return self.emails.get(email)

    def of_employee_number(self, org_id: int, number: str) -> int | None:
        return self.numbers.get((org_id, number))


def check(
    fields: PersonFields, existing: User | None, holders: Holders | None = None
) -> tuple[dict[str, object], dict[str, str]]:
    """The values as they would be stored, and every problem with them (field name -> message).

    Reads the database (for clashes, through ``holders``) but writes nothing. ``existing`` is the
    person being edited.
    """
    holders = holders or Holders()
    errors: dict[str, str] = {}
    email = ""
    try:
        email = normalize_email(fields.email)
    except ServiceError as exc:
        errors.update(exc.errors)
    else:
        clash = holders.of_email(email)
        if clash is not None and (existing is None or clash != existing.id):
            errors["email"] = _("Another person already uses this email address.")
    name = text.one_line(fields.full_name)
    if not name:
        errors["full_name"] = _("Enter the person's full name.")
    elif len(name) > 160:
        errors["full_name"] = _("Use at most %(max)s characters.", max=160)
    elif problem := text.hidden_character_problem(name):
        errors["full_name"] = problem
    org = db.session.get(Organization, fields.organization_id) if fields.organization_id else None
    if org is None:
        errors["organization_id"] = _("Choose an existing organization.")
    if fields.job_function not in {j.value for j in JobFunction}:
        errors["job_function"] = _("Choose a job function: %(names)s.", names=", ".join(j.value for j in JobFunction))
    roles = set(fields.roles)
    unknown = roles - {r.value for r in Role}
    if unknown:
        errors["roles"] = _("Unknown role: %(roles)s.", roles=", ".join(sorted(unknown)))
    elif not roles:
        errors["roles"] = _("Give the person at least one role.")
    employee_number = fields.employee_number.strip()
    if employee_number:
        if not _EMPLOYEE_NUMBER.match(employee_number):
            errors["employee_number"] = _("Use up to 40 letters, digits, dots, slashes or hyphens.")
        elif org is not None:
            clash = holders.of_employee_number(org.id, employee_number)
            if clash is not None and (existing is None or clash != existing.id):
                errors["employee_number"] = _("Another person in this organization has this employee number.")
    base = fields.base.strip().upper()
    if base and not _BASE.match(base):
        errors["base"] = _("Use the station code, e.g. NBO (3 to 5 letters or digits).")
    return {
        "email": email,
        "full_name": name,
        "organization_id": org.id if org else None,
        "job_function": fields.job_function,
        "employee_number": employee_number or None,
        "base": base or None,
        "roles": {Role(r) for r in roles - unknown},
    }, errors


def validate(fields: PersonFields, existing: User | None) -> dict[str, str]:
    """Every problem with ``fields`` (field name -> message); empty when they may be saved. Writes nothing."""
    return check(fields, existing)[1]


def _clean(fields: PersonFields, existing: User | None) -> dict[str, object]:
    values, errors = check(fields, existing)
    if errors:
        raise ServiceError(errors)
    return values


def create_person(fields: PersonFields, *, actor: audit.Actor) -> User:
    values = _clean(fields, None)
    roles = cast(set[Role], values.pop("roles"))
    person = User(**values)
    person.set_roles(roles)
    db.session.add(person)
    db.session.flush()
    requirements.sync_person(person)
    audit.record_about(
        "person.created", person, actor=actor, details={"email": person.email, "roles": sorted(r.value for r in roles)}
    )
    db.session.commit()
    return person


def _check_may_act(actor: audit.Actor, person: User) -> None:
    """The policy's rule for acts on accounts, kept here too for callers other than the pages."""
    if actor.user is not None and not can_act_on_account(actor.user, person):
        raise ServiceError(_("You cannot change this account: it holds a role you do not hold."))


def update_person(
    person: User,
    fields: PersonFields,
    *,
    actor: audit.Actor,
    email_link: Callable[[User, str], str] | None = None,
    mail: mailer.MailSettings | None = None,
) -> str | None:
    """Save the fields. A new address for anyone but a pending invitee is not saved: it is sent a link
    made by ``email_link`` to confirm it (and the old address a notice), through ``mail``, and returned;
    None otherwise. Without ``email_link`` and ``mail``, such a change is refused."""
    _check_may_act(actor, person)
    values = _clean(fields, person)
    roles = cast(set[Role], values.pop("roles"))
    if actor.user is not None and actor.user.id == person.id and Role.ADMIN in person.roles and Role.ADMIN not in roles:
        raise ServiceError({"roles": _("You cannot remove your own admin role.")})
    new_email = str(values["email"])
    to_confirm = None
    if new_email != person.email:
        if can_change_email_directly(person):
            accounts.expire_links([person.id])  # an invitation sent to the mistaken address
        elif email_link is None or mail is None:
            raise ServiceError({"email": _("This address can change only once the new address confirms it.")})
        else:
            values["email"], to_confirm = person.email, new_email
    previous_org_id = person.organization_id
    before = _snapshot(person)
    for key, value in values.items():
        setattr(person, key, value)
    person.set_roles(roles)
    requirements.sync_person(person, previous_org_id)
    after = _snapshot(person)
    changed = {key: [before[key], after[key]] for key in before if before[key] != after[key]}
    if changed:
        action = "person.roles_changed" if "roles" in changed else "person.updated"
        audit.record_about(
            action, person, actor=actor, details={"changed": changed, "previous_organization_id": previous_org_id}
        )
    messages = []
    if to_confirm and email_link and mail:
        messages = email_change.record_request(person, to_confirm, email_link, mail=mail, actor=actor)
    db.session.commit()
    if messages and mail:
        mailer.deliver(messages, mail)
    return to_confirm


def _snapshot(person: User) -> dict[str, object]:
    """What an audit record of a change compares: fields as plain values, roles as a sorted list."""
    return {
        "email": person.email,
        "full_name": person.full_name,
        "organization_id": person.organization_id,
        "job_function": str(person.job_function) if person.job_function else None,
        "employee_number": person.employee_number,
        "base": person.base,
        "roles": sorted(r.value for r in person.roles),
    }


def deactivate(person: User, *, actor: audit.Actor) -> None:
    """Stop someone signing in. Their records and certificates stay."""
    if actor.user is not None and actor.user.id == person.id:
        raise ServiceError(_("You cannot deactivate your own account."))
    _set_active(person, False, actor)


def reactivate(person: User, *, actor: audit.Actor) -> None:
    _set_active(person, True, actor)


def _set_active(person: User, active: bool, actor: audit.Actor) -> None:
    """Let the person sign in again, or stop them (every session of theirs ends); on record, committed."""
    _check_may_act(actor, person)
    person.active = active
    if not active:
        person.end_every_session()
    requirements.sync_person(person)
    audit.record_about("person.reactivated" if active else "person.deactivated", person, actor=actor)
    db.session.commit()
