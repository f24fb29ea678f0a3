"""Who may do what: the one place that decides permissions and what each person may see.

Every view declares its permission with ``@permission(...)``; create_app() refuses to start if a
route has none. Every object a view fetches goes through the scoped lookups at the end of this module, so
another organization's object is simply not found (404), which does not leak that it exists.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from functools import wraps
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import abort
from flask_login import current_user

from training.extensions import db, login_manager
from training.models import Attempt, Certificate, Organization, OrgKind, ReportingContact, Role, User, oversight

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")


class Ability(StrEnum):
    LEARN = "learn"  # take courses, see one's own records
    MANAGE_ORG = "manage_org"  # see and manage one's own organization's staff
    AUDIT = "audit"  # read-only view of overseen organizations
    ADMINISTER = "administer"  # the platform: organizations, users, content
    READ_AUDIT_TRAIL = "read_audit_trail"  # the audit trail (auditors: their scope; admins: all)


PUBLIC = "public"  # anyone, signed in or not
SIGNED_IN = "signed_in"  # any signed-in person, whatever their roles

ROLE_ABILITIES: dict[Role, frozenset[Ability]] = {
    Role.LEARNER: frozenset({Ability.LEARN}),
    Role.MANAGER: frozenset({Ability.MANAGE_ORG}),
    Role.AUDITOR: frozenset({Ability.AUDIT, Ability.READ_AUDIT_TRAIL}),
    Role.ADMIN: frozenset({Ability.ADMINISTER, Ability.READ_AUDIT_TRAIL}),
}


def abilities_of(user: User) -> frozenset[Ability]:
    if not user.is_authenticated:
        return frozenset()
    found: set[Ability] = set()
    for role in user.roles:
        found |= ROLE_ABILITIES[role]
    return frozenset(found)


def can(user: User, ability: Ability) -> bool:
    return ability in abilities_of(user)


def sees_deployment_warnings(user: User) -> bool:
    """Notices about how the server is set up (such as BASE_URL) are for the platform's operator."""
    return can(user, Ability.ADMINISTER)


def permission(requirement: Ability | str) -> Callable[[F], F]:
    """Declare and enforce a view's permission: PUBLIC, SIGNED_IN or an Ability."""
    if requirement not in (PUBLIC, SIGNED_IN) and not isinstance(requirement, Ability):
        raise ValueError(f"unknown permission {requirement!r}")

    def decorate(view: F) -> F:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if requirement != PUBLIC:
                if not current_user.is_authenticated:
                    return login_manager.unauthorized()
                if isinstance(requirement, Ability) and not can(current_user, requirement):
                    abort(403)
            return view(*args, **kwargs)

        guarded.permission = requirement  # type: ignore[attr-defined]
        return guarded  # type: ignore[return-value]

    return decorate


# --- scoping ----------------------------------------------------------------------------


def audited_org_ids(user: User) -> set[int]:
    """Organizations an auditor may read: those their authority oversees, or their own."""
    if not user.has_role(Role.AUDITOR):
        return set()
    org = user.organization
    if org.kind == OrgKind.AUTHORITY:
        rows = db.session.scalars(sa.select(oversight.c.overseen_id).where(oversight.c.authority_id == org.id))
        return set(rows)
    return {org.id}


def staff_org_ids(user: User) -> set[int] | None:
    """Organizations whose staff the user may see; None means every organization (admins)."""
    if user.has_role(Role.ADMIN):
        return None
    ids: set[int] = set()
    if user.has_role(Role.MANAGER):
        ids.add(user.organization_id)
    ids |= audited_org_ids(user)
    return ids


def scope_staff(query: sa.Select, user: User) -> sa.Select:
    """Limit a query over User to the people ``user`` may see."""
    org_ids = staff_org_ids(user)
    if org_ids is None:
        return query
    if not org_ids:
        return query.where(User.id == user.id)
    return query.where(User.organization_id.in_(org_ids))


def can_manage_person(viewer: User, person: User) -> bool:
    """Managers act on their own organization's staff; admins on anyone."""
    if viewer.has_role(Role.ADMIN):
        return True
    return viewer.has_role(Role.MANAGER) and person.organization_id == viewer.organization_id


# --- acting on people's accounts ----------------------------------------------------------
#
# Nobody issues sign-in links for, edits, deactivates or reactivates an account holding a role they do
# not hold themselves. Learner is everyone's base role and gives no power over anyone, so a manager
# acts on their organization's learners only: never on admins, auditors, other managers or
# themselves. The admin acts on anyone.


def within_managers_reach(person: User) -> bool:
    """Whether a manager (or a manager's tool, the staff import) may change this account: a learner only."""
    return person.roles <= {Role.LEARNER}


def can_act_on_account(actor: User, person: User) -> bool:
    """Issue sign-in links for, edit, deactivate or reactivate ``person``'s account."""
    if actor.has_role(Role.ADMIN):
        return True
    return (
        actor.has_role(Role.MANAGER)
        and person.organization_id == actor.organization_id
        and person.id != actor.id
        and within_managers_reach(person)
    )


def can_issue_sign_in_link(actor: User, person: User) -> bool:
    """A manager only for a pending invitation (the person never set a password): whoever has one resets
    it themselves by email. The admin may send anyone a new link."""
    if not can_act_on_account(actor, person):
        return False
    return actor.has_role(Role.ADMIN) or not person.has_password


def can_change_email_directly(person: User) -> bool:
    """Whether ``person``'s address may be corrected at once: a pending invitee (never set a password,
    a learner only). Any other account's new address must first confirm the change, and the old one
    is told; until then the old address stays the sign-in address."""
    return not person.has_password and within_managers_reach(person)


def require(allowed: bool) -> None:
    """Refuse (403) an act on an object the viewer may see but not change."""
    if not allowed:
        abort(403)


def can_read_certificate(viewer: User, certificate: Certificate) -> bool:
    """The holder, their organization's managers, auditors overseeing it, and admins."""
    if not viewer.is_authenticated:
        return False
    if viewer.id == certificate.user_id or viewer.has_role(Role.ADMIN):
        return True
    if viewer.has_role(Role.MANAGER) and viewer.organization_id == certificate.organization_id:
        return True
    return certificate.organization_id in audited_org_ids(viewer)


def can_revoke_certificate(viewer: User, certificate: Certificate) -> bool:
    """Managers of the holder's organization, and admins. Auditors only read."""
    if viewer.has_role(Role.ADMIN):
        return True
    return viewer.has_role(Role.MANAGER) and viewer.organization_id == certificate.organization_id


# --- scoped lookups -----------------------------------------------------------------------
#
# Every object a view fetches by id or slug comes through one of these: fetched AND scoped to what the
# viewer may see, else 404, as if it did not exist (which does not leak that it does).


def found_or_404(found: T | None) -> T:
    """What a lookup found, or 404 when it found nothing."""
    if found is None:
        abort(404)
    return found


def get_staff_or_404(viewer: User, user_id: int) -> User:
    """Fetch a person the viewer may see, or answer 404 as if they did not exist."""
    return found_or_404(db.session.scalar(scope_staff(sa.select(User).where(User.id == user_id), viewer)))


def get_managed_person_or_404(viewer: User, user_id: int) -> User:
    """A person in the manager's own organization (or anyone, for an admin), else 404."""
    person = db.session.get(User, user_id)
    if person is None or not can_manage_person(viewer, person):
        abort(404)
    return person


def get_org_or_404(viewer: User, org_id: int) -> Organization:
    """An organization whose staff the viewer may see (any, for an admin), else 404."""
    org_ids = staff_org_ids(viewer)
    if org_ids is not None and org_id not in org_ids:
        abort(404)
    return found_or_404(db.session.get(Organization, org_id))


def get_audited_org_or_404(viewer: User, org_id: int) -> Organization:
    """An organization the auditor oversees; any other answers 404."""
    if org_id not in audited_org_ids(viewer):
        abort(404)
    return found_or_404(db.session.get(Organization, org_id))


def managed_org_or_404(viewer: User) -> Organization:
    """The organization a manager manages (their own)."""
    if not viewer.has_role(Role.MANAGER):
        abort(404)
    return viewer.organization


def get_contact_or_404(viewer: User, contact_id: int) -> ReportingContact:
    """One of the reporting contacts of the viewer's own organization, else 404."""
    query = sa.select(ReportingContact).where(
        ReportingContact.id == contact_id, ReportingContact.organization_id == viewer.organization_id
    )
    return found_or_404(db.session.scalar(query))


def get_own_attempt_or_404(viewer: User, attempt_id: int) -> Attempt:
    """Attempts are private: someone else's attempt is not found."""
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None or attempt.user_id != viewer.id:
        abort(404)
    return attempt


def get_certificate_or_404(viewer: User, serial: str, allowed: Callable[[User, Certificate], bool]) -> Certificate:
    """The certificate with this (canonical) serial, if ``allowed(viewer, certificate)``; else 404."""
    certificate = db.session.scalar(sa.select(Certificate).where(Certificate.serial == serial))
    if certificate is None or not allowed(viewer, certificate):
        abort(404)
    return certificate
