"""The audit trail in words: one sentence per event, e.g. "Grace Manager deactivated Brian Otieno's account".

Every action the app records has its sentence in ``SENTENCES`` (a test fails when one is missing); an
action without one still reads as words, never as codes or Python text. Names of people, organizations
and courses are looked up once per page of events (``lookup``), never per event.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import sqlalchemy as sa

from training.extensions import db
from training.models import JOB_FUNCTION_LABELS, Course, CourseVersion, Organization, User
from training.models.types import parse_id
from training.services import i18n
from training.services.audit import SYSTEM_ACTOR
from training.services.i18n import N_, Words

ANONYMOUS_ACTOR = "anonymous"
FORMATS = {"csv": "CSV", "xlsx": "Excel"}
FIELD_LABELS = {
    "full_name": N_("name"),
    "employee_number": N_("employee number"),
    "job_function": N_("job function"),
    "base": N_("base"),
    "email": N_("email"),
    "roles": N_("roles"),
    "active": N_("active"),
    "organization_id": N_("organization"),
    "iata_code": N_("IATA code"),
    "icao_code": N_("ICAO code"),
    "days_to_complete": N_("days to complete"),
    "q": N_("search"),
    "org": N_("organization"),
    "issued_from": N_("issued from"),
    "issued_to": N_("issued to"),
    "when_to_use": N_("when to use"),
}


class Event(Protocol):
    actor: str
    actor_user_id: int | None
    action: str
    object_type: str | None
    object_id: str | None
    organization_id: int | None
    details: str


@dataclass(frozen=True)
class Names:
    """Names of the people, organizations and courses a set of events mentions."""

    people: Mapping[int, str] = field(default_factory=dict)
    organizations: Mapping[int, str] = field(default_factory=dict)
    courses: Mapping[str, str] = field(default_factory=dict)  # slug -> title


def _words(words: Words | None) -> Words:
    return words or i18n.in_language(i18n.current_language())


@dataclass(frozen=True)
class Said:
    """One event, ready to be put in words (in the language of ``words``)."""

    event: Event
    names: Names
    details: Mapping[str, Any]
    words: Words = field(default_factory=lambda: _words(None))

    def _(self, message: str, **params: object) -> str:
        return self.words.gettext(message, **params)

    def ngettext(self, singular: str, plural: str, num: int, **params: object) -> str:
        return self.words.ngettext(singular, plural, num, **params)

    def name_of(self, user_id: object, otherwise: str) -> str:
        """The name of the person with id ``user_id`` (as the event gives it), or ``otherwise``."""
        return self.names.people.get(user_id, otherwise) if isinstance(user_id, int) else otherwise

    @property
    def actor(self) -> str:
        recorded = {SYSTEM_ACTOR: self._("The system"), ANONYMOUS_ACTOR: self._("Someone not signed in")}.get(
            self.event.actor, self.event.actor
        )
        return self.name_of(self.event.actor_user_id, recorded)

    @property
    def person(self) -> str:
        """The person the event is about (its object)."""
        user_id = parse_id(self.event.object_id or "") if self.event.object_type == "user" else None
        if user_id and user_id in self.names.people:
            return self.names.people[user_id]
        if self.details.get("email"):
            return str(self.details["email"])
        return self._("person #%(id)s", id=user_id) if user_id else self._("someone")

    def organization_named(self, org_id: int) -> str:
        return self.names.organizations.get(org_id) or self._("organization #%(id)s", id=org_id)

    @property
    def organization(self) -> str:
        org_id = self.event.organization_id
        return self.organization_named(org_id) if org_id else self._("no organization")

    @property
    def reason(self) -> str:
        """Why something was refused, as recorded."""
        return self.get("reason") or self._("no reason")

    @property
    def revocation_reason(self) -> str:
        return self.get("reason") or self._("no reason given")

    @property
    def roles(self) -> str:
        return self.get("roles") or self._("none")

    @property
    def holder(self) -> str:
        """The holder of the certificate the event is about."""
        return self.name_of(self.details.get("holder_user_id"), self._("its holder"))

    @property
    def serial(self) -> str:
        return self.event.object_id or "?"

    def get(self, key: str, default: str = "") -> str:
        value = self.details.get(key)
        return default if value in (None, "", [], {}) else value_text(value, self.words)

    def course(self, slug: str) -> str:
        return self.names.courses.get(slug, slug)

    def changes(self, changed: object) -> str:
        return changes(changed, self.words)

    def with_filters(self, sentence: str, filters: object) -> str:
        """``sentence`` + " with filters: course Recognize and report, status overdue", when there are any."""
        if not isinstance(filters, Mapping) or not filters:
            return sentence
        parts = []
        for key, value in filters.items():
            if key in ("page", "sort_dir"):
                continue
            if key == "course":
                value = self.course(str(value))
            elif key == "job_function":
                value = _job(str(value), self.words)
            elif key == "org":
                value = self.names.organizations.get(parse_id(str(value)) or 0, value)
            parts.append(f"{label(key, self.words)} {value_text(value, self.words)}")
        if not parts:
            return sentence
        return self._("%(sentence)s with filters: %(filters)s", sentence=sentence, filters=", ".join(parts))


def _job(value: str, words: Words | None = None) -> str:
    return next((_words(words).gettext(text) for job, text in JOB_FUNCTION_LABELS.items() if job.value == value), value)


def label(key: str, words: Words | None = None) -> str:
    known = FIELD_LABELS.get(key)
    return _words(words).gettext(known) if known else key.replace("_", " ")


def value_text(value: object, words: Words | None = None) -> str:
    """A detail's value in words: lists joined, nothing shown as Python or JSON syntax."""
    w = _words(words)
    if value is None:
        return w.gettext("none")
    if isinstance(value, bool):
        return w.gettext("yes") if value else w.gettext("no")
    if isinstance(value, list | tuple):
        return ", ".join(value_text(v, w) for v in value) or w.gettext("none")
    if isinstance(value, Mapping):
        return "; ".join(f"{label(str(k), w)} {value_text(v, w)}" for k, v in value.items())
    return str(value)


def changes(changed: object, words: Words | None = None) -> str:
    """{"full_name": [a, b], "base": [c, d]} -> "name from a to b, base from c to d" """
    w = _words(words)
    if not isinstance(changed, Mapping) or not changed:
        return w.gettext("nothing")
    parts = []
    for key, pair in changed.items():
        if isinstance(pair, list | tuple) and len(pair) == 2:
            parts.append(
                w.gettext(
                    "%(field)s from %(old)s to %(new)s",
                    field=label(key, w),
                    old=value_text(pair[0], w),
                    new=value_text(pair[1], w),
                )
            )
        else:
            parts.append(f"{label(key, w)} {value_text(pair, w)}")
    return ", ".join(parts)


def _link_issued(said: Said) -> str:
    days = said.details.get("valid_days")
    if isinstance(days, int) and not isinstance(days, bool) and days > 0:
        return said.ngettext(
            "%(actor)s issued an invitation link for %(person)s, valid for %(num)d day",
            "%(actor)s issued an invitation link for %(person)s, valid for %(num)d days",
            days,
            actor=said.actor,
            person=said.person,
        )
    return said._("%(actor)s issued an invitation link for %(person)s", actor=said.actor, person=said.person)


def _reset_link_issued(said: Said) -> str:
    days = said.details.get("valid_days")
    if isinstance(days, int) and not isinstance(days, bool) and days > 0:
        return said.ngettext(
            "A password-reset link was sent to %(person)s, valid for %(num)d day",
            "A password-reset link was sent to %(person)s, valid for %(num)d days",
            days,
            person=said.person,
        )
    return said._("A password-reset link was sent to %(person)s", person=said.person)


def _report(said: Said) -> str:
    name = said.event.object_id or ""
    actor = said.actor
    if name.startswith("compliance"):
        sentence = said._("%(actor)s exported the compliance report", actor=actor)
    elif name.startswith("staff"):
        sentence = said._("%(actor)s exported the staff list", actor=actor)
    elif name == "audit-trail":
        sentence = said._("%(actor)s exported the audit trail", actor=actor)
    elif name.startswith("item-statistics-"):
        sentence = said._(
            "%(actor)s exported the item statistics of %(name)s",
            actor=actor,
            name=name.removeprefix("item-statistics-"),
        )
    elif name:
        sentence = said._("%(actor)s exported the report %(name)s", actor=actor, name=name)
    else:
        sentence = said._("%(actor)s exported a report", actor=actor)
    kind = FORMATS.get(str(said.details.get("format", "")), "")
    return said.with_filters(f"{sentence} ({kind})" if kind else sentence, said.details.get("filters"))


def _bulk_export(said: Said) -> str:
    count = said.details.get("certificates", 0)
    count = count if isinstance(count, int) else 0
    sentence = said.ngettext(
        "%(actor)s downloaded %(num)d certificate as a ZIP",
        "%(actor)s downloaded %(num)d certificates as a ZIP",
        count,
        actor=said.actor,
    )
    unknown = said._("unknown")
    return said._(
        "%(sentence)s (manifest SHA-256 %(sha)s)",
        sentence=said.with_filters(sentence, said.details.get("filters")),
        sha=said.get("manifest_sha256") or unknown,
    )


def _attempt(said: Said) -> str:
    actor, score = said.actor, said.get("score_percent", "?")
    if said.details.get("passed"):
        if said.details.get("timed_out"):
            return said._(
                "%(actor)s submitted a quiz and passed with %(score)s %% (time ran out)", actor=actor, score=score
            )
        return said._("%(actor)s submitted a quiz and passed with %(score)s %%", actor=actor, score=score)
    if said.details.get("timed_out"):
        return said._(
            "%(actor)s submitted a quiz and did not pass with %(score)s %% (time ran out)", actor=actor, score=score
        )
    return said._("%(actor)s submitted a quiz and did not pass with %(score)s %%", actor=actor, score=score)


def _target(said: Said) -> str:
    kind, value = said.get("target_kind"), said.get("target_value")
    if kind == "everyone":
        return said._("everyone")
    if kind == "job_function":
        return said._("job function %(job)s", job=_job(value, said.words))
    if kind == "base":
        return said._("base %(base)s", base=value)
    return f"{label(kind, said.words)} {value}".strip() if kind or value else said._("staff")


def _about_assignment(message: str) -> Callable[[Said], str]:
    """The sentence of an assignment's event: ``message`` with the actor, the course, the target and the due date."""
    return lambda said: said._(
        message,
        actor=said.actor,
        course=said.course(said.get("course")),
        target=_target(said),
        due=said.get("due_on", "?"),
    )


_assigned = _about_assignment(N_("%(actor)s assigned %(course)s for %(target)s, due %(due)s"))
_unassigned = _about_assignment(N_("%(actor)s removed the assignment of %(course)s for %(target)s, due %(due)s"))


def _oversight(said: Said) -> str:
    def orgs(key: str) -> str:
        ids = said.details.get(key) or []
        return ", ".join(said.organization_named(i) for i in ids)

    actor, organization = said.actor, said.organization
    added = orgs("added") if said.details.get("added") else ""
    removed = orgs("removed") if said.details.get("removed") else ""
    if added and removed:
        return said._(
            "%(actor)s changed what %(organization)s oversees: added %(added)s and removed %(removed)s",
            actor=actor,
            organization=organization,
            added=added,
            removed=removed,
        )
    if added:
        return said._(
            "%(actor)s changed what %(organization)s oversees: added %(added)s",
            actor=actor,
            organization=organization,
            added=added,
        )
    if removed:
        return said._(
            "%(actor)s changed what %(organization)s oversees: removed %(removed)s",
            actor=actor,
            organization=organization,
            removed=removed,
        )
    return said._(
        "%(actor)s changed what %(organization)s oversees: changed nothing", actor=actor, organization=organization
    )


def _content(said: Said) -> str:
    parts = []
    if said.details.get("added"):
        parts.append(said._("added %(courses)s", courses=said.get("added")))
    if said.details.get("new_versions"):
        parts.append(said._("new versions of %(courses)s", courses=said.get("new_versions")))
    if said.details.get("switched_back"):
        parts.append(said._("switched back to an earlier version: %(courses)s", courses=said.get("switched_back")))
    if said.details.get("retired"):
        parts.append(said._("retired %(courses)s", courses=said.get("retired")))
    if said.details.get("restored"):
        parts.append(said._("restored %(courses)s", courses=said.get("restored")))
    no_change = said._("no change")
    return said._(
        "%(actor)s loaded course content: %(changes)s",
        actor=said.actor,
        changes="; ".join(parts) or no_change,
    )


def _import(said: Said) -> str:
    return said._(
        "%(actor)s imported a staff file into %(organization)s: %(created)s new, %(updated)s updated, "
        "%(unchanged)s unchanged",
        actor=said.actor,
        organization=said.organization,
        created=said.get("created", "0"),
        updated=said.get("updated", "0"),
        unchanged=said.get("unchanged", "0"),
    )


def _contact_name(said: Said) -> str:
    """The contact's name, with how to reach them in brackets when recorded."""
    name = said.get("name", "?")
    return f"{name} ({said.get('value')})" if said.details.get("value") else name


def _about_contact(message: str) -> Callable[[Said], str]:
    """The sentence of a reporting contact's event: ``message`` with the actor, the contact and its organization."""
    return lambda said: said._(message, actor=said.actor, contact=_contact_name(said), organization=said.organization)


_contact_added = _about_contact(N_("%(actor)s added the reporting contact %(contact)s of %(organization)s"))
_contact_changed = _about_contact(N_("%(actor)s changed the reporting contact %(contact)s of %(organization)s"))
_contact_removed = _about_contact(N_("%(actor)s removed the reporting contact %(contact)s of %(organization)s"))


SENTENCES: dict[str, Callable[[Said], str]] = {
    "auth.sign_in": lambda s: s._("%(actor)s signed in", actor=s.actor),
    "auth.sign_in_failed": lambda s: s._(
        "A sign-in as %(email)s was refused (%(reason)s)",
        email=s.get("email", "?"),
        reason=s.reason,
    ),
    "account.password_changed": lambda s: s._("%(actor)s changed their password", actor=s.actor),
    "account.password_reset_refused": lambda s: s._(
        "A password reset for %(email)s was refused (%(reason)s)",
        email=s.get("email", "?"),
        reason=s.reason,
    ),
    "account.invitation_link_issued": _link_issued,
    "account.password_reset_link_issued": _reset_link_issued,
    "account.invitation_link_used": lambda s: s._(
        "%(person)s accepted the invitation and set a password", person=s.person
    ),
    "account.password_reset_link_used": lambda s: s._(
        "%(person)s set a new password with a reset link", person=s.person
    ),
    "person.created": lambda s: s._(
        "%(actor)s created %(person)s's account (roles: %(roles)s)",
        actor=s.actor,
        person=s.person,
        roles=s.roles,
    ),
    "person.updated": lambda s: s._(
        "%(actor)s changed %(person)s's details: %(changes)s",
        actor=s.actor,
        person=s.person,
        changes=s.changes(s.details.get("changed")),
    ),
    "person.roles_changed": lambda s: s._(
        "%(actor)s changed %(person)s's roles and details: %(changes)s",
        actor=s.actor,
        person=s.person,
        changes=s.changes(s.details.get("changed")),
    ),
    "person.deactivated": lambda s: s._("%(actor)s deactivated %(person)s's account", actor=s.actor, person=s.person),
    "person.reactivated": lambda s: s._("%(actor)s reactivated %(person)s's account", actor=s.actor, person=s.person),
    "person.email_change_requested": lambda s: s._(
        "%(actor)s asked to change %(person)s's email to %(email)s (awaiting confirmation)",
        actor=s.actor,
        person=s.person,
        email=s.get("new_email", "?"),
    ),
    "person.email_changed": lambda s: s._(
        "%(person)s confirmed a new email address: %(changes)s",
        person=s.person,
        changes=s.changes(s.details.get("changed")),
    ),
    "organization.created": lambda s: s._(
        "%(actor)s created the organization %(organization)s", actor=s.actor, organization=s.get("name", s.organization)
    ),
    "organization.updated": lambda s: s._(
        "%(actor)s changed %(organization)s's details: %(changes)s",
        actor=s.actor,
        organization=s.organization,
        changes=s.changes(s.details.get("changed")),
    ),
    "organization.oversight_changed": _oversight,
    "organization.settings_changed": lambda s: s._(
        "%(actor)s changed %(organization)s's settings: %(changes)s",
        actor=s.actor,
        organization=s.organization,
        changes=s.changes(s.details),
    ),
    "organization.logo_changed": lambda s: s._(
        "%(actor)s changed %(organization)s's logo", actor=s.actor, organization=s.organization
    ),
    "organization.logo_removed": lambda s: s._(
        "%(actor)s removed %(organization)s's logo", actor=s.actor, organization=s.organization
    ),
    "contact.added": _contact_added,
    "contact.updated": _contact_changed,
    "contact.removed": _contact_removed,
    "contact.moved": lambda s: s._(
        "%(actor)s moved the reporting contact %(contact)s of %(organization)s from place %(old_place)s to place "
        "%(new_place)s",
        actor=s.actor,
        contact=s.get("name", "?"),
        organization=s.organization,
        old_place=s.get("from", "?"),
        new_place=s.get("to", "?"),
    ),
    "staff.imported": _import,
    "assignment.created": _assigned,
    "assignment.removed": _unassigned,
    "content.loaded": _content,
    "attempt.submitted": _attempt,
    "certificate.issued": lambda s: s._(
        "Certificate %(serial)s was issued to %(holder)s for %(course)s (version %(version)s)",
        serial=s.serial,
        holder=s.holder,
        course=s.get("course", "?"),
        version=s.get("version", "?"),
    ),
    "certificate.downloaded": lambda s: s._(
        "%(actor)s downloaded certificate %(serial)s", actor=s.actor, serial=s.serial
    ),
    "certificate.revoked": lambda s: s._(
        "%(actor)s revoked certificate %(serial)s: %(reason)s",
        actor=s.actor,
        serial=s.serial,
        reason=s.revocation_reason,
    ),
    "certificates.bulk_export": _bulk_export,
    "report.exported": _report,
}


def _fallback(said: Said) -> str:
    what = said.event.action.replace(".", " ").replace("_", " ")
    on = (
        f" {said.event.object_type.replace('_', ' ')} {said.event.object_id or ''}".rstrip()
        if said.event.object_type
        else ""
    )
    extra = "; ".join(f"{label(k, said.words)}: {value_text(v, said.words)}" for k, v in said.details.items())
    return f"{said.actor}: {what}{on}{f' ({extra})' if extra else ''}"


def details_of(event: Event) -> Mapping[str, Any]:
    return details_of_text(event.details)


def details_of_text(text: str | None) -> Mapping[str, Any]:
    """The recorded details as a mapping (empty when they are not a JSON object)."""
    try:
        details = json.loads(text or "{}")
    except ValueError:
        return {}
    return details if isinstance(details, Mapping) else {}


def sentence(event: Event, names: Names, words: Words | None = None) -> str:
    """The event in one sentence (no final full stop, as in a table cell), in the language of ``words``
    (by default the reader's)."""
    said = Said(event, names, details_of(event), _words(words))
    try:
        return SENTENCES.get(event.action, _fallback)(said)
    except (KeyError, TypeError, ValueError, AttributeError):  # details of an unexpected shape
        return _fallback(said)


def lookup(events: Iterable[Event]) -> Names:
    """The names the events mention, in at most three queries whatever their number."""
    people: set[int] = set()
    orgs: set[int] = set()
    for event in events:
        details = details_of(event)
        if event.actor_user_id:
            people.add(event.actor_user_id)
        if event.object_type == "user" and parse_id(event.object_id or ""):
            people.add(int(event.object_id or 0))
        if isinstance(details.get("holder_user_id"), int):
            people.add(details["holder_user_id"])
        if event.organization_id:
            orgs.add(event.organization_id)
        for key in ("added", "removed"):
            if event.action == "organization.oversight_changed" and isinstance(details.get(key), list):
                orgs.update(i for i in details[key] if isinstance(i, int))
    return Names(
        people=dict(db.session.execute(sa.select(User.id, User.full_name).where(User.id.in_(people))).tuples().all())
        if people
        else {},
        organizations=dict(
            db.session.execute(sa.select(Organization.id, Organization.name).where(Organization.id.in_(orgs)))
            .tuples()
            .all()
        )
        if orgs
        else {},
        courses=dict(
            db.session.execute(
                sa.select(Course.slug, CourseVersion.title).join(
                    CourseVersion, CourseVersion.id == Course.current_version_id
                )
            )
            .tuples()
            .all()
        ),
    )
