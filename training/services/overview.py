"""Counts for the home pages, computed with aggregate SQL (one query per panel, not per person)."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from training.extensions import db
from training.models import JobFunction, Organization, User
from training.policy import audited_org_ids


@dataclass(frozen=True)
class StaffSummary:
    active: int
    inactive: int
    awaiting_first_sign_in: int
    by_job_function: list[tuple[str, int]]


def staff_summary(org_id: int) -> StaffSummary:
    active_count = sa.func.count().filter(User.active.is_(True))
    inactive_count = sa.func.count().filter(User.active.is_(False))
    waiting = sa.func.count().filter(User.active.is_(True), User.password_hash.is_(None))
    active, inactive, awaiting = db.session.execute(
        sa.select(active_count, inactive_count, waiting).where(User.organization_id == org_id)
    ).one()
    rows = (
        db.session.execute(
            sa.select(User.job_function, sa.func.count())
            .where(User.organization_id == org_id, User.active.is_(True))
            .group_by(User.job_function)
        )
        .tuples()
        .all()
    )
    counts = dict(rows)
    by_function = [(jf.label, counts.get(jf.value, 0)) for jf in JobFunction if counts.get(jf.value)]
    return StaffSummary(active or 0, inactive or 0, awaiting or 0, by_function)


@dataclass(frozen=True)
class OrgRow:
    id: int
    name: str
    kind_label: str
    country: str
    active_staff: int


def overseen_summary(auditor: User) -> list[OrgRow]:
    ids = audited_org_ids(auditor)
    if not ids:
        return []
    staff = (
        sa.select(sa.func.count(User.id))
        .where(User.organization_id == Organization.id, User.active.is_(True))
        .scalar_subquery()
    )
    rows = db.session.execute(
        sa.select(Organization, staff).where(Organization.id.in_(ids)).order_by(Organization.name)
    ).all()
    return [OrgRow(o.id, o.name, o.kind_label, o.country, n) for o, n in rows]


@dataclass(frozen=True)
class PlatformSummary:
    organizations: int
    people: int
    active_people: int


def platform_summary() -> PlatformSummary:
    orgs = db.session.scalar(sa.select(sa.func.count(Organization.id))) or 0
    people, active = db.session.execute(
        sa.select(sa.func.count(User.id), sa.func.count(User.id).filter(User.active.is_(True)))
    ).one()
    return PlatformSummary(orgs, people or 0, active or 0)
