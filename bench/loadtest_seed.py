"""Accounts for the load test, on top of the demo seed: enough learners, managers and auditors to sign in.

    .venv/bin/python -m bench.loadtest_seed --out accounts.json [--learners 200 --managers 20 --auditors 20]

Reads the same environment as the app (DATABASE_URL, SIGNING_KEY_FILE…), so point it at a throwaway
database: `make loadtest` does. The content must be loaded first. Every account gets the demo password,
hashed once. A share of the learners have already read every module of the core course, so the quiz is
reached within a short run. Writes the accounts and the serials of the issued certificates as JSON,
for bench/locustfile.py.
"""

from __future__ import annotations

import argparse
import json
import random
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

# Learners by organization: (job function, base) picked in turn.
AIRLINE_JOBS = [
    ("cabin_crew", "NBO"),
    ("cabin_crew", "MBA"),
    ("flight_crew", "NBO"),
    ("check_in", "NBO"),
    ("check_in", "KIS"),
    ("gate", "NBO"),
    ("customer_service", "MBA"),
    ("ground_handling", "NBO"),
]
AIRPORT_JOBS = [("security", "XDM"), ("security", "XDM"), ("ground_handling", "XDM"), ("customer_service", "XDM")]
CORE_COURSE = "recognize-and-report"


@dataclass(frozen=True)
class SeedCounts:
    learners: int
    managers: int
    auditors: int
    studied_share: float


def seed(counts: SeedCounts) -> dict[str, object]:
    """Add the demo and the load-test accounts (idempotent); return what the locustfile needs."""
    from training.extensions import db
    from training.models import Certificate, Course, ModuleCompletion, Organization, Role, User, utcnow
    from training.services import demo, passwords, requirements
    from training.web.settings import certificate_settings

    demo.seed_demo(certificate_settings())
    orgs = {o.name: o for o in db.session.scalars(sa.select(Organization))}
    airline, airport, authority = orgs[demo.AIRLINE], orgs[demo.AIRPORT], orgs[demo.AUTHORITY]
    password_hash = passwords.hash_password(demo.DEMO_PASSWORD)  # argon2 once, shared by every account
    existing = set(db.session.scalars(sa.select(User.email)))
    rng = random.Random(2026)  # noqa: S311 — reproducible test data, not a secret

    def add(email: str, name: str, org: Organization, roles: list[Role], job: str, base: str | None, number: str):
        if email in existing:
            return None
        person = User(
            email=email,
            full_name=name,
            organization_id=org.id,
            job_function=job,
            base=base,
            employee_number=number,
            password_hash=password_hash,
        )
        person.set_roles(roles)
        db.session.add(person)
        return person

    learners: list[str] = []
    fresh_learners: list[User] = []
    for n in range(1, counts.learners + 1):
        in_airline = n % 10 < 7
        org, prefix = (airline, "LA") if in_airline else (airport, "LP")
        job, base = rng.choice(AIRLINE_JOBS if in_airline else AIRPORT_JOBS)
        email = f"load.learner.{n:04d}@{'demo-air' if in_airline else 'demo-airport'}.test"
        person = add(email, f"Load Learner {n:04d}", org, [Role.LEARNER], job, base, f"{prefix}-{n:05d}")
        if person is not None:
            fresh_learners.append(person)
        learners.append(email)
    managers: list[str] = []
    for n in range(1, counts.managers + 1):
        org, prefix, domain = (airline, "MA", "demo-air") if n % 2 else (airport, "MP", "demo-airport")
        email = f"load.manager.{n:03d}@{domain}.test"
        add(email, f"Load Manager {n:03d}", org, [Role.MANAGER, Role.LEARNER], "other", None, f"{prefix}-{n:04d}")
        managers.append(email)
    auditors: list[str] = []
    for n in range(1, counts.auditors + 1):
        email = f"load.auditor.{n:03d}@demo-caa.test"
        add(email, f"Load Auditor {n:03d}", authority, [Role.AUDITOR], "other", None, f"AU-{n:04d}")
        auditors.append(email)
    db.session.flush()

    core = db.session.scalar(sa.select(Course).where(Course.slug == CORE_COURSE))
    if core is not None and core.current_version is not None:
        version = core.current_version
        yesterday = utcnow() - timedelta(days=1)
        for person in fresh_learners:
            if rng.random() < counts.studied_share:
                for module in version.modules:
                    db.session.add(
                        ModuleCompletion(
                            user_id=person.id,
                            course_id=core.id,
                            module_slug=module.slug,
                            course_version_id=version.id,
                            completed_at=yesterday,
                        )
                    )
    requirements.sync_all()
    db.session.commit()
    serials = list(db.session.scalars(sa.select(Certificate.serial).order_by(Certificate.id)))
    return {
        "password": demo.DEMO_PASSWORD,
        "learners": learners,
        "managers": managers,
        "auditors": auditors,
        "serials": serials,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="where to write the accounts and serials (JSON)")
    parser.add_argument("--learners", type=int, default=200)
    parser.add_argument("--managers", type=int, default=20)
    parser.add_argument("--auditors", type=int, default=20)
    parser.add_argument(
        "--studied-share", type=float, default=0.4, help="learners who already read every core module (0 to 1)"
    )
    args = parser.parse_args()

    from training import create_app

    app = create_app()
    with app.app_context():
        data = seed(SeedCounts(args.learners, args.managers, args.auditors, args.studied_share))
    args.out.write_text(json.dumps(data, indent=1))
    print(
        f"load-test accounts: {len(data['learners'])} learners, {len(data['managers'])} managers, "
        f"{len(data['auditors'])} auditors; {len(data['serials'])} certificates to verify"
    )


if __name__ == "__main__":
    main()
