"""The demo: an authority, an airline and an airport with staff, so every page has something to show.

Safe to run twice: what exists is left as it is, what is missing is added.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa

from training.extensions import db
from training.models import (
    Attempt,
    Course,
    JobFunction,
    ModuleCompletion,
    Organization,
    OrgKind,
    ReportingContact,
    Role,
    User,
    utcnow,
)
from training.services import issuing, passwords, requirements

DEMO_PASSWORD = "blue-heart-demo-2026"  # noqa: S105 — printed by the seed and shown in the README; demo only

AUTHORITY = "Demo Civil Aviation Authority"
AIRLINE = "Demo Air"
AIRPORT = "Demo International Airport"
PLATFORM = "Recognize & Report Platform"

_ORGS = [
    (AUTHORITY, OrgKind.AUTHORITY, "KE", None, None),
    (AIRLINE, OrgKind.AIRLINE, "KE", "ZZ", "DMA"),
    (AIRPORT, OrgKind.AIRPORT, "KE", "XDM", "XDMA"),
    (PLATFORM, OrgKind.OTHER, "KE", None, None),
]

J = JobFunction


@dataclass(frozen=True)
class DemoAccount:
    email: str
    name: str
    org: str
    roles: tuple[Role, ...]
    job_function: JobFunction
    employee_number: str | None
    base: str | None


DEMO_ACCOUNTS = [
    DemoAccount("crew@demo.test", "Amina Wanjiru", AIRLINE, (Role.LEARNER,), J.CABIN_CREW, "DA-1001", "NBO"),
    DemoAccount("agent@demo.test", "Brian Otieno", AIRLINE, (Role.LEARNER,), J.CHECK_IN, "DA-1002", "NBO"),
    DemoAccount("manager@demo.test", "Grace Njeri", AIRLINE, (Role.MANAGER, Role.LEARNER), J.OTHER, "DA-0001", "NBO"),
    DemoAccount("auditor@demo.test", "Samuel Kiprop", AUTHORITY, (Role.AUDITOR,), J.OTHER, "CAA-017", None),
    DemoAccount("admin@demo.test", "Platform Administrator", PLATFORM, (Role.ADMIN,), J.OTHER, None, None),
    DemoAccount(
        "airport.manager@demo.test",
        "Fatuma Hassan",
        AIRPORT,
        (Role.MANAGER, Role.LEARNER),
        J.SECURITY,
        "DIA-0001",
        "XDM",
    ),
]

# (name, job function, base) — staff who have not signed in yet (they await an invitation link).
_AIRLINE_STAFF = [
    ("Achieng Odhiambo", J.CABIN_CREW, "NBO"),
    ("Joseph Mwangi", J.CABIN_CREW, "NBO"),
    ("Zoë Müller", J.CABIN_CREW, "NBO"),
    ("Hassan Abdi", J.CABIN_CREW, "MBA"),
    ("Wanjiku Kamau", J.CABIN_CREW, "MBA"),
    ("Priya Raman", J.CABIN_CREW, "NBO"),
    ("José Álvarez", J.CABIN_CREW, "NBO"),
    ("Mercy Chebet", J.CABIN_CREW, "KIS"),
    ("Li Na (李娜)", J.CABIN_CREW, "NBO"),
    ("Kevin Ouma", J.CABIN_CREW, "MBA"),
    ("Captain Daniel Mutua", J.FLIGHT_CREW, "NBO"),
    ("First Officer Aisha Noor", J.FLIGHT_CREW, "NBO"),
    ("Peter Kariuki", J.FLIGHT_CREW, "MBA"),
    ("Esther Wambui", J.CHECK_IN, "NBO"),
    ("Collins Kiptoo", J.CHECK_IN, "MBA"),
    ("Nasra Ali", J.CHECK_IN, "KIS"),
    ("Dennis Omondi", J.CHECK_IN, "NBO"),
    ("Faith Akinyi", J.GATE, "NBO"),
    ("Ibrahim Said", J.GATE, "MBA"),
    ("Lucy Nyambura", J.GATE, "NBO"),
    ("Tom Barasa", J.GATE, "KIS"),
    ("Sharon Jepkosgei", J.CUSTOMER_SERVICE, "NBO"),
    ("Ahmed Yusuf", J.CUSTOMER_SERVICE, "MBA"),
    ("Ruth Mumbi", J.CUSTOMER_SERVICE, "NBO"),
    ("Moses Kibet", J.GROUND_HANDLING, "NBO"),
    ("Paul Njoroge", J.GROUND_HANDLING, "MBA"),
    ("Stephen Wafula", J.GROUND_HANDLING, "KIS"),
]
_AIRPORT_STAFF = [
    ("Halima Abdullahi", J.SECURITY, "XDM"),
    ("George Onyango", J.SECURITY, "XDM"),
    ("Catherine Wairimu", J.SECURITY, "XDM"),
    ("Yusuf Mohamed", J.SECURITY, "XDM"),
    ("Beatrice Atieno", J.SECURITY, "XDM"),
    ("Francis Kimani", J.SECURITY, "XDM"),
    ("Jane Muthoni", J.GROUND_HANDLING, "XDM"),
    ("Victor Ochieng", J.GROUND_HANDLING, "XDM"),
    ("Naomi Chepkoech", J.CUSTOMER_SERVICE, "XDM"),
    ("Elijah Rotich", J.CUSTOMER_SERVICE, "XDM"),
    ("Agnes Nduta", J.OTHER, "XDM"),
]


@dataclass(frozen=True)
class SeedReport:
    organizations_added: int
    people_added: int
    password: str


def _slug(name: str) -> str:
    """ "José Álvarez" -> "jose.alvarez"; a part in brackets (a name in another script) is left out."""
    decomposed = unicodedata.normalize("NFKD", name.split("(")[0])
    ascii_name = decomposed.encode("ascii", "ignore").decode()
    return ".".join(part.lower() for part in ascii_name.replace("-", " ").split())


def seed_demo(certificates: issuing.CertificateSettings) -> SeedReport:
    """Add the demo organizations, accounts and history that are missing; certificates are made with
    ``certificates``."""
    orgs: dict[str, Organization] = {}
    orgs_added = 0
    for name, kind, country, iata, icao in _ORGS:
        org = db.session.scalar(sa.select(Organization).where(Organization.name == name))
        if org is None:
            org = Organization(name=name, kind=kind.value, country=country, iata_code=iata, icao_code=icao)
            db.session.add(org)
            orgs_added += 1
        orgs[name] = org
    db.session.flush()
    authority = orgs[AUTHORITY]
    for overseen_name in (AIRLINE, AIRPORT):
        if orgs[overseen_name] not in authority.overseen:
            authority.overseen.append(orgs[overseen_name])

    existing = set(db.session.scalars(sa.select(User.email)))
    people_added = 0
    demo_hash = passwords.hash_password(DEMO_PASSWORD)
    for account in DEMO_ACCOUNTS:
        if account.email in existing:
            continue
        person = User(
            email=account.email,
            full_name=account.name,
            organization_id=orgs[account.org].id,
            job_function=account.job_function.value,
            employee_number=account.employee_number,
            base=account.base,
            password_hash=demo_hash,
        )
        person.set_roles(account.roles)
        db.session.add(person)
        people_added += 1

    for org_name, prefix, domain, staff in (
        (AIRLINE, "DA", "demo-air.test", _AIRLINE_STAFF),
        (AIRPORT, "DIA", "demo-airport.test", _AIRPORT_STAFF),
    ):
        for number, (name, job_function, base) in enumerate(staff, start=2001):
            email = f"{_slug(name)}@{domain}"
            if email in existing:
                continue
            person = User(
                email=email,
                full_name=name,
                organization_id=orgs[org_name].id,
                job_function=job_function.value,
                employee_number=f"{prefix}-{number}",
                base=base,
            )
            person.set_roles([Role.LEARNER])
            db.session.add(person)
            people_added += 1
    db.session.flush()
    _seed_contacts(orgs[AIRLINE])
    if people_added:
        _seed_history([orgs[AIRLINE], orgs[AIRPORT]], certificates)
    requirements.sync_all()
    db.session.commit()
    return SeedReport(orgs_added, people_added, DEMO_PASSWORD)


def _seed_history(orgs: list[Organization], certificates: issuing.CertificateSettings) -> None:
    """A year of training history, so dashboards and trends have something true to show.

    Deterministic: staff joined over the past 14 months; most passed the core course at some point
    (some now expiring or expired), some are part-way through, some have not started. The demo
    learners crew@ and agent@ keep a clean slate so they can take the course themselves.
    """
    core = db.session.scalar(sa.select(Course).where(Course.slug == "recognize-and-report"))
    if core is None or core.current_version is None:
        return  # content not loaded yet: the history comes with the next seed after load-content
    rng = random.Random(2026)  # noqa: S311 — reproducible demo data, not a secret
    now = utcnow()
    fresh = {a.email for a in DEMO_ACCOUNTS if Role.MANAGER not in a.roles}
    staff = db.session.scalars(
        sa.select(User).where(User.organization_id.in_([o.id for o in orgs])).order_by(User.id)
    ).all()
    version = core.current_version
    for person in staff:
        if person.email in fresh:
            continue
        person.created_at = now - timedelta(days=rng.randint(30, 420))
        roll = rng.random()
        if roll < 0.62:
            issued = person.created_at + timedelta(days=rng.randint(3, 25))
            issued = min(issued, now - timedelta(days=2))
            attempt = Attempt(
                user_id=person.id,
                course_id=core.id,
                course_version_id=version.id,
                started_at=issued - timedelta(minutes=20),
                deadline_at=issued + timedelta(minutes=10),
                drawn=[],
                question_count=version.questions_per_attempt,
                submitted_at=issued,
                correct_count=version.questions_per_attempt,
                score_percent=100,
                passed=True,
            )
            db.session.add(attempt)
            db.session.flush()
            issuing.issue_for_attempt(attempt, certificates, issued_at=issued)
        elif roll < 0.8:
            for module in version.modules[: rng.randint(1, len(version.modules) - 1)]:
                db.session.add(
                    ModuleCompletion(
                        user_id=person.id, course_id=core.id, module_slug=module.slug, course_version_id=version.id
                    )
                )
    db.session.flush()


# Plainly fictional, labelled examples: real numbers are entered by each organization's manager.
_AIRLINE_CONTACTS = [
    (
        "Demo Air Security Operations Centre (example)",
        "phone",
        "+254 000 000 000 (example number)",
        "Suspected trafficking at check-in, the gate or on arrival, at any hour.",
    ),
    (
        "Flight crew in flight",
        "in_person",
        "Senior cabin crew member, then the pilot-in-command",
        "On board: the flight deck reports ahead by the operator's procedure.",
    ),
    (
        "Demo Air safeguarding desk (example)",
        "email",
        "safeguarding@demo-air.test",
        "Written follow-up after you have reported, within 24 hours.",
    ),
]


def _seed_contacts(airline: Organization) -> None:
    has_any = db.session.scalar(
        sa.select(ReportingContact.id).where(ReportingContact.organization_id == airline.id).limit(1)
    )
    if has_any is not None:
        return
    for position, (name, channel, value, when) in enumerate(_AIRLINE_CONTACTS, start=1):
        db.session.add(
            ReportingContact(
                organization_id=airline.id, position=position, name=name, channel=channel, value=value, when_to_use=when
            )
        )
