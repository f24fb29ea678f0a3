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
from training.services.audit import SYSTEM_ACTOR

ANONYMOUS_ACTOR = "anonymous"
FORMATS = {"csv": "CSV", "xlsx": "Excel"}
FIELD_LABELS = {
    "full_name": "name",
    "employee_number": "employee number",
    "job_function": "job function",
    "base": "base",
    "email": "email",
    "roles": "roles",
    "active": "active",
    "organization_id": "organization",
    "iata_code": "IATA code",
    "icao_code": "ICAO code",
    "days_to_complete": "days to complete",
    "q": "search",
    "org": "organization",
    "issued_from": "issued from",
    "issued_to": "issued to",
    "when_to_use": "when to use",
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


@dataclass(frozen=True)
class Said:
    """One event, ready to be put in words."""

    event: Event
    names: Names
    details: Mapping[str, Any]

    def name_of(self, user_id: object, otherwise: str) -> str:
        """The name of the person with id ``user_id`` (as the event gives it), or ``otherwise``."""
        return self.names.people.get(user_id, otherwise) if isinstance(user_id, int) else otherwise

    @property
    def actor(self) -> str:
        recorded = {SYSTEM_ACTOR: "The system", ANONYMOUS_ACTOR: "Someone not signed in"}.get(
            self.event.actor, self.event.actor
        )
        return self.name_of(self.event.actor_user_id, recorded)

    @property
    def person(self) -> str:
        """The person the event is about (its object)."""
        user_id = parse_id(self.event.object_id or "") if self.event.object_type == "user" else None
        if user_id and user_id in self.names.people:
            return self.names.people[user_id]
        return str(self.details.get("email") or (f"person #{user_id}" if user_id else "someone"))

    @property
    def organization(self) -> str:
        org_id = self.event.organization_id
        return self.names.organizations.get(org_id, f"organization #{org_id}") if org_id else "no organization"

    @property
    def serial(self) -> str:
        return self.event.object_id or "?"

    def get(self, key: str, default: str = "") -> str:
        value = self.details.get(key)
        return default if value in (None, "", [], {}) else value_text(value)

    def course(self, slug: str) -> str:
        return self.names.courses.get(slug, slug)

    def filters(self, filters: object) -> str:
        """ " with filters: course Recognize and report, status overdue", or nothing."""
        if not isinstance(filters, Mapping) or not filters:
            return ""
        parts = []
        for key, value in filters.items():
            if key in ("page", "sort_dir"):
                continue
            if key == "course":
                value = self.course(str(value))
            elif key == "job_function":
                value = _job(str(value))
            elif key == "org":
                value = self.names.organizations.get(parse_id(str(value)) or 0, value)
            parts.append(f"{label(key)} {value_text(value)}")
        return f" with filters: {', '.join(parts)}" if parts else ""


def _job(value: str) -> str:
    return next((text for job, text in JOB_FUNCTION_LABELS.items() if job.value == value), value)


def label(key: str) -> str:
    return FIELD_LABELS.get(key, key.replace("_", " "))


def value_text(value: object) -> str:
    """A detail's value in words: lists joined, nothing shown as Python or JSON syntax."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(value_text(v) for v in value) or "none"
    if isinstance(value, Mapping):
        return "; ".join(f"{label(str(k))} {value_text(v)}" for k, v in value.items())
    return str(value)


def changes(changed: object) -> str:
    """{"full_name": [a, b], "base": [c, d]} -> "name from a to b, base from c to d" """
    if not isinstance(changed, Mapping) or not changed:
        return "nothing"
    parts = []
    for key, pair in changed.items():
        if isinstance(pair, list | tuple) and len(pair) == 2:
            parts.append(f"{label(key)} from {value_text(pair[0])} to {value_text(pair[1])}")
        else:
            parts.append(f"{label(key)} {value_text(pair)}")
    return ", ".join(parts)


def _valid_for(said: Said) -> str:
    days = said.details.get("valid_days")
    return f", valid for {days} day{'s' if days != 1 else ''}" if isinstance(days, int) and days > 0 else ""


def _report(said: Said) -> str:
    name = said.event.object_id or ""
    if name.startswith("compliance"):
        what = "the compliance report"
    elif name.startswith("staff"):
        what = "the staff list"
    elif name == "audit-trail":
        what = "the audit trail"
    elif name.startswith("item-statistics-"):
        what = f"the item statistics of {name.removeprefix('item-statistics-')}"
    else:
        what = f"the report {name}" if name else "a report"
    kind = FORMATS.get(str(said.details.get("format", "")), "")
    return f"{said.actor} exported {what}{f' ({kind})' if kind else ''}{said.filters(said.details.get('filters'))}"


def _bulk_export(said: Said) -> str:
    count = said.details.get("certificates", 0)
    return (
        f"{said.actor} downloaded {count} certificate{'s' if count != 1 else ''} as a ZIP"
        f"{said.filters(said.details.get('filters'))} (manifest SHA-256 {said.get('manifest_sha256', 'unknown')})"
    )


def _attempt(said: Said) -> str:
    outcome = "passed" if said.details.get("passed") else "did not pass"
    timed_out = " (time ran out)" if said.details.get("timed_out") else ""
    return f"{said.actor} submitted a quiz and {outcome} with {said.get('score_percent', '?')} %{timed_out}"


def _assignment(verb: str) -> Callable[[Said], str]:
    def sentence(said: Said) -> str:
        kind, value = said.get("target_kind"), said.get("target_value")
        target = {"everyone": "everyone", "job_function": f"job function {_job(value)}", "base": f"base {value}"}.get(
            kind, f"{label(kind)} {value}".strip() or "staff"
        )
        return f"{said.actor} {verb} {said.course(said.get('course'))} for {target}, due {said.get('due_on', '?')}"

    return sentence


def _oversight(said: Said) -> str:
    def orgs(key: str) -> str:
        ids = said.details.get(key) or []
        return ", ".join(said.names.organizations.get(i, f"organization #{i}") for i in ids)

    parts = [f"added {orgs('added')}" if said.details.get("added") else "", ""]
    parts[1] = f"removed {orgs('removed')}" if said.details.get("removed") else ""
    done = " and ".join(p for p in parts if p) or "changed nothing"
    return f"{said.actor} changed what {said.organization} oversees: {done}"


def _content(said: Said) -> str:
    parts = [
        f"{word} {said.get(key)}"
        for key, word in (
            ("added", "added"),
            ("new_versions", "new versions of"),
            ("retired", "retired"),
            ("restored", "restored"),
            ("translations", "translations"),
        )
        if said.details.get(key)
    ]
    return f"{said.actor} loaded course content: {'; '.join(parts) or 'no change'}"


def _import(said: Said) -> str:
    return (
        f"{said.actor} imported a staff file into {said.organization}: {said.get('created', '0')} new, "
        f"{said.get('updated', '0')} updated, {said.get('unchanged', '0')} unchanged"
    )


def _contact(verb: str) -> Callable[[Said], str]:
    def sentence(said: Said) -> str:
        reach = f" ({said.get('value')})" if said.details.get("value") else ""
        return f"{said.actor} {verb} the reporting contact {said.get('name', '?')}{reach} of {said.organization}"

    return sentence


SENTENCES: dict[str, Callable[[Said], str]] = {
    "auth.sign_in": lambda s: f"{s.actor} signed in",
    "auth.sign_in_failed": lambda s: f"A sign-in as {s.get('email', '?')} was refused ({s.get('reason', 'no reason')})",
    "account.password_changed": lambda s: f"{s.actor} changed their password",
    "account.password_reset_refused": lambda s: (
        f"A password reset for {s.get('email', '?')} was refused ({s.get('reason', 'no reason')})"
    ),
    "account.invitation_link_issued": lambda s: f"{s.actor} issued an invitation link for {s.person}{_valid_for(s)}",
    "account.password_reset_link_issued": lambda s: f"A password-reset link was sent to {s.person}{_valid_for(s)}",
    "account.invitation_link_used": lambda s: f"{s.person} accepted the invitation and set a password",
    "account.password_reset_link_used": lambda s: f"{s.person} set a new password with a reset link",
    "person.created": lambda s: f"{s.actor} created {s.person}'s account (roles: {s.get('roles', 'none')})",
    "person.updated": lambda s: f"{s.actor} changed {s.person}'s details: {changes(s.details.get('changed'))}",
    "person.roles_changed": lambda s: (
        f"{s.actor} changed {s.person}'s roles and details: {changes(s.details.get('changed'))}"
    ),
    "person.deactivated": lambda s: f"{s.actor} deactivated {s.person}'s account",
    "person.reactivated": lambda s: f"{s.actor} reactivated {s.person}'s account",
    "person.email_change_requested": lambda s: (
        f"{s.actor} asked to change {s.person}'s email to {s.get('new_email', '?')} (awaiting confirmation)"
    ),
    "person.email_changed": lambda s: f"{s.person} confirmed a new email address: {changes(s.details.get('changed'))}",
    "organization.created": lambda s: f"{s.actor} created the organization {s.get('name', s.organization)}",
    "organization.updated": lambda s: (
        f"{s.actor} changed {s.organization}'s details: {changes(s.details.get('changed'))}"
    ),
    "organization.oversight_changed": _oversight,
    "organization.settings_changed": lambda s: f"{s.actor} changed {s.organization}'s settings: {changes(s.details)}",
    "organization.logo_changed": lambda s: f"{s.actor} changed {s.organization}'s logo",
    "organization.logo_removed": lambda s: f"{s.actor} removed {s.organization}'s logo",
    "contact.added": _contact("added"),
    "contact.updated": _contact("changed"),
    "contact.removed": _contact("removed"),
    "contact.moved": lambda s: (
        f"{s.actor} moved the reporting contact {s.get('name', '?')} of {s.organization} "
        f"from place {s.get('from', '?')} to place {s.get('to', '?')}"
    ),
    "staff.imported": _import,
    "assignment.created": _assignment("assigned"),
    "assignment.removed": _assignment("removed the assignment of"),
    "content.loaded": _content,
    "attempt.submitted": _attempt,
    "certificate.issued": lambda s: (
        f"Certificate {s.serial} was issued to {s.name_of(s.details.get('holder_user_id'), 'its holder')} "
        f"for {s.get('course', '?')} (version {s.get('version', '?')})"
    ),
    "certificate.downloaded": lambda s: f"{s.actor} downloaded certificate {s.serial}",
    "certificate.revoked": lambda s: f"{s.actor} revoked certificate {s.serial}: {s.get('reason', 'no reason given')}",
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
    extra = "; ".join(f"{label(k)}: {value_text(v)}" for k, v in said.details.items())
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


def sentence(event: Event, names: Names) -> str:
    """The event in one sentence (no final full stop, as in a table cell)."""
    said = Said(event, names, details_of(event))
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
