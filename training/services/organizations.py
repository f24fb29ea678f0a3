"""Creating and editing organizations and the oversight links of authorities."""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa

from training.extensions import db
from training.models import Organization, OrgKind, oversight
from training.services import audit, text
from training.services.errors import ServiceError
from training.services.i18n import gettext as _

_COUNTRY = re.compile(r"^[A-Z]{2}$")
_IATA = re.compile(r"^[A-Z0-9]{2,3}$")
_ICAO = re.compile(r"^[A-Z0-9]{3,4}$")


@dataclass
class OrgFields:
    name: str
    kind: str
    country: str
    iata_code: str = ""
    icao_code: str = ""


def _clean(fields: OrgFields, existing: Organization | None) -> dict[str, object]:
    errors: dict[str, str] = {}
    name = text.one_line(fields.name)
    if not name:
        errors["name"] = _("Enter the organization's name.")
    elif len(name) > 160:
        errors["name"] = _("Use at most %(max)s characters.", max=160)
    elif problem := text.hidden_character_problem(name):
        errors["name"] = problem
    else:
        clash = db.session.scalar(sa.select(Organization.id).where(sa.func.lower(Organization.name) == name.lower()))
        if clash is not None and (existing is None or clash != existing.id):
            errors["name"] = _("Another organization already has this name.")
    if fields.kind not in {k.value for k in OrgKind}:
        errors["kind"] = _("Choose a kind: %(kinds)s.", kinds=", ".join(k.value for k in OrgKind))
    country = fields.country.strip().upper()
    if not _COUNTRY.match(country):
        errors["country"] = _("Use the two-letter ISO country code, e.g. KE.")
    iata = fields.iata_code.strip().upper()
    if iata and not _IATA.match(iata):
        errors["iata_code"] = _("An IATA code has 2 (airline) or 3 (airport) letters or digits.")
    icao = fields.icao_code.strip().upper()
    if icao and not _ICAO.match(icao):
        errors["icao_code"] = _("An ICAO code has 3 (airline) or 4 (airport) letters or digits.")
    changes_kind = existing is not None and existing.kind == OrgKind.AUTHORITY and fields.kind != OrgKind.AUTHORITY
    if changes_kind and existing is not None and existing.overseen:
        errors["kind"] = _("Remove this authority's oversight links before changing its kind.")
    if errors:
        raise ServiceError(errors)
    return {"name": name, "kind": fields.kind, "country": country, "iata_code": iata or None, "icao_code": icao or None}


def create_organization(fields: OrgFields, *, actor: audit.Actor) -> Organization:
    values = _clean(fields, None)
    org = Organization(**values)
    db.session.add(org)
    db.session.flush()
    details = {key: str(value) if value is not None else None for key, value in values.items()}
    audit.record_about("organization.created", org, actor=actor, details=details)
    db.session.commit()
    return org


def update_organization(org: Organization, fields: OrgFields, *, actor: audit.Actor) -> Organization:
    changed = {}
    for key, value in _clean(fields, org).items():
        before = getattr(org, key)
        if before != value:
            changed[key] = [None if before is None else str(before), None if value is None else str(value)]
        setattr(org, key, value)
    if changed:
        audit.record_about("organization.updated", org, actor=actor, details={"changed": changed})
    db.session.commit()
    return org


def set_oversight(authority: Organization, overseen_ids: list[int], *, actor: audit.Actor) -> None:
    """Replace the set of organizations an authority oversees."""
    if authority.kind != OrgKind.AUTHORITY:
        raise ServiceError({"overseen": _("Only a civil aviation authority can oversee organizations.")})
    ids = set(overseen_ids)
    if authority.id in ids:
        raise ServiceError({"overseen": _("An authority cannot oversee itself.")})
    found = list(db.session.scalars(sa.select(Organization).where(Organization.id.in_(ids)))) if ids else []
    if len(found) != len(ids):
        raise ServiceError({"overseen": _("One of the chosen organizations does not exist.")})
    if any(o.kind == OrgKind.AUTHORITY for o in found):
        raise ServiceError({"overseen": _("An authority cannot oversee another authority.")})
    before = sorted(o.id for o in authority.overseen)
    authority.overseen = sorted(found, key=lambda o: o.name)
    after = sorted(ids)
    if before != after:
        details = {"added": sorted(set(after) - set(before)), "removed": sorted(set(before) - set(after))}
        audit.record_about("organization.oversight_changed", authority, actor=actor, details=details)
    db.session.commit()


def find_by_name(name: str) -> Organization | None:
    return db.session.scalar(sa.select(Organization).where(sa.func.lower(Organization.name) == name.strip().lower()))


def overseen_ids(authority: Organization) -> list[int]:
    return list(db.session.scalars(sa.select(oversight.c.overseen_id).where(oversight.c.authority_id == authority.id)))
