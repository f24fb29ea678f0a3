"""Benchmark data at airline scale: organizations, tens of thousands of staff and their training history.

For benchmarks only, in a throwaway database: refuses a database that already holds organizations or
people, so it never mixes with real data. Reproducible: the same ``seed`` gives the same names, emails
and serials (dates are relative to now).

Built for speed, with SQLAlchemy Core bulk inserts: one argon2 hash is computed once and shared by the
few accounts that have a password (most staff have none, as new staff would); a handful of certificate
PDFs are really rendered and signed (one per course, for that course's first holder), and every other
benchmark certificate stores a copy of those bytes, with ``pdf_sha256`` computed from the stored bytes.
So the holder printed in a benchmark certificate does not match its row: fine for timing, never for
real data.
"""

from __future__ import annotations

import hashlib
import random
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, cast

import sqlalchemy as sa
from alembic.script import ScriptDirectory

from training.extensions import MIGRATIONS_DIR, db
from training.models import (
    Attempt,
    Certificate,
    Course,
    CourseVersion,
    JobFunction,
    ModuleCompletion,
    Organization,
    OrgKind,
    Requirement,
    Role,
    User,
    UserRole,
    oversight,
    utcnow,
)
from training.services import audit, content_loader, issuing, passwords, requirements, serials
from training.services.dates import add_months

BENCH_PASSWORD = "bench-only-password-2026"  # noqa: S105 — benchmark accounts in throwaway databases only
MANAGER_EMAIL = "manager@bench.test"
AUDITOR_EMAIL = "auditor@bench.test"
CORE_SLUG = "recognize-and-report"
BATCH = 2000

J = JobFunction
_JOBS: dict[str, list[tuple[JobFunction, int]]] = {
    OrgKind.AIRLINE: [
        (J.CABIN_CREW, 35),
        (J.FLIGHT_CREW, 10),
        (J.CHECK_IN, 15),
        (J.GATE, 12),
        (J.CUSTOMER_SERVICE, 10),
        (J.GROUND_HANDLING, 10),
        (J.OTHER, 8),
    ],
    OrgKind.AIRPORT: [(J.SECURITY, 40), (J.GROUND_HANDLING, 20), (J.CUSTOMER_SERVICE, 15), (J.GATE, 10), (J.OTHER, 15)],
    OrgKind.GROUND_HANDLER: [(J.GROUND_HANDLING, 60), (J.CHECK_IN, 15), (J.GATE, 10), (J.OTHER, 15)],
}
_KINDS = [OrgKind.AIRLINE, OrgKind.AIRLINE, OrgKind.AIRPORT, OrgKind.GROUND_HANDLER]
_STATIONS = ["NBO", "MBA", "KIS", "EDL", "WIL", "ADD", "EBB", "DAR", "JRO", "KGL", "LOS", "ACC", "JNB", "CAI", "DXB"]
_FIRST = [
    "Amina", "Brian", "Grace", "Samuel", "Fatuma", "Joseph", "Wanjiku", "Kevin", "Mercy", "Hassan", "Priya",
    "José", "Esther", "Collins", "Nasra", "Dennis", "Faith", "Ibrahim", "Lucy", "Tom", "Sharon", "Ahmed",
    "Ruth", "Moses", "Paul", "Halima", "George", "Catherine", "Yusuf", "Beatrice", "Jane", "Victor", "Naomi",
    "Elijah", "Agnes", "Daniel", "Aisha", "Peter", "Li", "Zoë",
]  # fmt: skip
_LAST = [
    "Wanjiru", "Otieno", "Njeri", "Kiprop", "Hassan", "Mwangi", "Kamau", "Ouma", "Chebet", "Abdi", "Raman",
    "Álvarez", "Wambui", "Kiptoo", "Ali", "Omondi", "Akinyi", "Said", "Nyambura", "Barasa", "Jepkosgei",
    "Yusuf", "Mumbi", "Kibet", "Njoroge", "Abdullahi", "Onyango", "Wairimu", "Mohamed", "Atieno", "Muthoni",
    "Ochieng", "Chepkoech", "Rotich", "Nduta", "Mutua", "Noor", "Kariuki", "Müller", "Okafor",
]  # fmt: skip
_ASCII = str.maketrans("éÁáëüöÖ", "eAaeuoO")


class BenchSeedError(RuntimeError):
    """The database is not fit for benchmark data (it is not empty, or no content is loaded)."""


@dataclass(frozen=True)
class BenchReport:
    organizations: int
    people: int
    requirements: int
    attempts: int
    certificates: int
    module_completions: int
    seconds: float
    password: str = BENCH_PASSWORD
    manager_email: str = MANAGER_EMAIL
    auditor_email: str = AUDITOR_EMAIL


def seeded_serial(rng: random.Random) -> str:
    """A serial like ``serials.new_serial()`` (same alphabet and check character), drawn from ``rng``."""
    return serials.serial_from_body("".join(rng.choice(serials.ALPHABET) for _ in range(serials.RANDOM_CHARS)))


def _insert(table: sa.FromClause, rows: list[dict[str, Any]]) -> None:
    """Insert rows into a model's table (``Model.__table__``, which is a Table), a batch at a time."""
    insert = sa.insert(cast(sa.Table, table))
    for start in range(0, len(rows), BATCH):
        db.session.execute(insert, rows[start : start + BATCH])


UPGRADE = "run `flask --app app db upgrade` first"


def _schema_problem() -> str | None:
    """Why the database cannot take benchmark data yet: no schema, or an older one. None when it can."""
    if not sa.inspect(db.session.connection()).has_table("alembic_version"):
        return f"This database has no tables yet: {UPGRADE}."
    revision = db.session.scalar(sa.text("SELECT version_num FROM alembic_version"))
    head = ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()
    if revision != head:
        return f"This database's schema is at revision {revision or 'none'}, this code's at {head}: {UPGRADE}."
    return None


def _is_empty() -> bool:
    return all(db.session.scalar(sa.select(sa.func.count()).select_from(t)) == 0 for t in (Organization, User))


def _spread(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if n < total % parts else 0) for n in range(parts)]


def seed(
    certificates: issuing.CertificateSettings,
    content_dir: Path,
    organizations: int = 12,
    staff: int = 20_000,
    seed: int = 1,
    now: datetime | None = None,
) -> BenchReport:
    """Fill an empty database with benchmark organizations, staff and history, and commit.

    Certificates are made with ``certificates``; the course content is loaded from ``content_dir``
    when no course is loaded yet."""
    started = time.perf_counter()
    if organizations < 1 or staff < organizations:
        raise BenchSeedError("Give at least one organization and at least one staff member per organization.")
    if problem := _schema_problem():
        raise BenchSeedError(problem)
    if not _is_empty():
        raise BenchSeedError(
            "This database already holds organizations or people; benchmark data goes into an empty database only."
        )
    if db.session.scalar(sa.select(sa.func.count()).select_from(Course)) == 0:
        content_loader.load_content(content_dir, actor=audit.SYSTEM)
    rng = random.Random(seed)  # noqa: S311 — reproducible benchmark data, not a secret
    now = now or utcnow()
    courses = {
        c.slug: c for c in db.session.scalars(sa.select(Course).where(Course.retired_at.is_(None))) if c.current_version
    }
    if CORE_SLUG not in courses:
        raise BenchSeedError(f"The course {CORE_SLUG!r} is not loaded.")
    required_for = requirements.published_required_for()
    shared_hash = passwords.hash_password(BENCH_PASSWORD)

    org_ids = _seed_orgs(organizations, rng)
    people = _seed_people(org_ids, _spread(staff, organizations), shared_hash, rng, now)
    history = _History(courses, required_for, rng, now, certificates)
    for person in people:
        history.add(person)
    history.backdate_joining(people)
    _insert(User.__table__, people)
    ids = dict(db.session.execute(sa.select(User.email, User.id)).tuples().all())
    _insert(UserRole.__table__, [{"user_id": ids[p["email"]], "role": r} for p in people for r in p.pop("_roles")])
    requirements.sync_all()  # the real rules; about 3 s for 20,000 people on an empty table
    requirement_count = db.session.scalar(sa.select(sa.func.count()).select_from(Requirement))
    counts = history.write(ids, dict(db.session.execute(sa.select(Organization.id, Organization.name)).tuples().all()))
    db.session.commit()
    return BenchReport(
        organizations=organizations + 1,
        people=len(people),
        requirements=requirement_count or 0,
        attempts=counts[0],
        certificates=counts[1],
        module_completions=counts[2],
        seconds=time.perf_counter() - started,
    )


def _seed_orgs(count: int, rng: random.Random) -> list[tuple[int, str]]:
    """One authority overseeing ``count`` operators; returns (id, kind) of the operators."""
    rows = [{"name": "Bench Civil Aviation Authority", "kind": OrgKind.AUTHORITY.value, "country": "KE"}]
    for n in range(1, count + 1):
        kind = _KINDS[(n - 1) % len(_KINDS)]
        label = {OrgKind.AIRLINE: "Air", OrgKind.AIRPORT: "Airport", OrgKind.GROUND_HANDLER: "Ground Services"}[kind]
        code = "".join(rng.choice("ABCDEFGHJKMNPRSTUVWXYZ") for _ in range(3))
        rows.append({"name": f"Bench {label} {n:02d}", "kind": kind.value, "country": "KE", "iata_code": code})
    _insert(Organization.__table__, rows)
    found = db.session.execute(sa.select(Organization.id, Organization.kind).order_by(Organization.id)).all()
    authority_id = next(i for i, k in found if k == OrgKind.AUTHORITY)
    operators = [(i, k) for i, k in found if k != OrgKind.AUTHORITY]
    _insert(oversight, [{"authority_id": authority_id, "overseen_id": i} for i, _ in operators])
    return [(authority_id, OrgKind.AUTHORITY.value), *operators]


def _seed_people(
    orgs: list[tuple[int, str]], sizes: list[int], shared_hash: str, rng: random.Random, now: datetime
) -> list[dict[str, Any]]:
    (authority_id, _), operators = orgs[0], orgs[1:]
    people: list[dict[str, Any]] = []
    for index, ((org_id, kind), size) in enumerate(zip(operators, sizes, strict=True), start=1):
        jobs, weights = zip(*_JOBS[kind], strict=True)
        stations = rng.sample(_STATIONS, 3)
        for n in range(size):
            first, last = rng.choice(_FIRST), rng.choice(_LAST)
            people.append(
                {
                    "organization_id": org_id,
                    "email": f"{first}.{last}.{n}@org{index:02d}.bench.test".lower().translate(_ASCII),
                    "full_name": f"{first} {last}",
                    "employee_number": f"B{index:02d}-{n:06d}",
                    "job_function": rng.choices(jobs, weights)[0].value,
                    "base": rng.choice(stations),
                    # most staff have no password yet (as new staff, awaiting an invitation); a few sign in
                    "password_hash": shared_hash if rng.random() < 0.05 else None,
                    "active": True,
                    "session_token": secrets.token_urlsafe(24),
                    "created_at": now - timedelta(days=rng.randint(1, 420)),
                    "_roles": [Role.LEARNER.value],
                }
            )
    manager = people[0]  # the first operator's first person leads its training
    manager.update(email=MANAGER_EMAIL, password_hash=shared_hash, _roles=[Role.LEARNER.value, Role.MANAGER.value])
    people.append(
        {
            "organization_id": authority_id,
            "email": AUDITOR_EMAIL,
            "full_name": "Bench Inspector",
            "employee_number": "CAA-0001",
            "job_function": J.OTHER.value,
            "base": None,
            "password_hash": shared_hash,
            "active": True,
            "session_token": secrets.token_urlsafe(24),
            "created_at": now - timedelta(days=400),
            "_roles": [Role.AUDITOR.value],
        }
    )
    return people


class _History:
    """Attempts, certificates and module completions, planned per person before anyone is inserted."""

    def __init__(
        self,
        courses: dict[str, Course],
        required_for: dict[str, set[int]],
        rng: random.Random,
        now: datetime,
        certificate_settings: issuing.CertificateSettings,
    ) -> None:
        self.courses = courses
        self.by_id = {c.id: c for c in courses.values()}
        self.core = courses[CORE_SLUG]
        self.required_for = required_for
        self.rng = rng
        self.now = now
        self.certificate_settings = certificate_settings
        # (email, course id, issued at or None for a failed attempt, serial)
        self.attempts: list[tuple[str, int, datetime, str | None]] = []
        self.completions: list[tuple[str, int, str, datetime]] = []
        self.first_issue: dict[str, datetime] = {}

    def _version(self, course_id: int) -> CourseVersion:
        version = self.by_id[course_id].current_version
        assert version is not None
        return version

    def _pass(self, email: str, course_id: int, issued: datetime) -> None:
        rng = self.rng
        if rng.random() < 0.15:  # failed once a few days before passing
            self.attempts.append((email, course_id, issued - timedelta(days=rng.randint(1, 5)), None))
        self.attempts.append((email, course_id, issued, seeded_serial(rng)))
        self._complete(email, course_id, len(self._version(course_id).modules), issued - timedelta(hours=1))
        self.first_issue[email] = min(issued, self.first_issue.get(email, issued))

    def _complete(self, email: str, course_id: int, count: int, at: datetime) -> None:
        for module in self._version(course_id).modules[:count]:
            self.completions.append((email, course_id, module.slug, at))

    def add(self, person: dict[str, Any]) -> None:
        """Plan one person's history: ~75 % hold a valid core certificate, some expired, some part-way."""
        rng, now, email = self.rng, self.now, person["email"]
        required = self.required_for.get(person["job_function"], set())
        if self.core.id not in required or person["email"] == AUDITOR_EMAIL:
            return
        roles = sorted(required - {self.core.id})
        roll = rng.random()
        if roll < 0.75:  # valid: issued within the year, so some expire within 30, 60 or 90 days
            issued = now - timedelta(days=rng.randint(2, 362), minutes=rng.randint(0, 600))
            self._pass(email, self.core.id, issued)
            for course_id in roles:
                if rng.random() < 0.7:
                    self._pass(email, course_id, min(issued + timedelta(days=rng.randint(1, 20)), now))
        elif roll < 0.83:  # expired: issued 12 to 14 months ago and not renewed
            self._pass(email, self.core.id, now - timedelta(days=rng.randint(367, 425)))
        elif roll < 0.92:  # part-way through the core course
            modules = rng.randint(1, len(self._version(self.core.id).modules) - 1)
            self._complete(email, self.core.id, modules, now - timedelta(days=rng.randint(1, 60)))
            if rng.random() < 0.3:
                self.attempts.append((email, self.core.id, now - timedelta(days=rng.randint(2, 40)), None))
        # else: not started

    def backdate_joining(self, people: list[dict[str, Any]]) -> None:
        """Certificate holders joined a few days to weeks before their first certificate."""
        for person in people:
            first = self.first_issue.get(person["email"])
            if first is not None:
                person["created_at"] = first - timedelta(days=self.rng.randint(3, 40))

    def write(self, ids: dict[str, int], org_names: dict[int, str]) -> tuple[int, int, int]:
        """Insert everything planned; returns (attempts, certificates, module completions)."""
        people = {
            row.id: row
            for row in db.session.execute(
                sa.select(User.id, User.full_name, User.employee_number, User.job_function, User.organization_id)
            )
        }
        attempt_rows = []
        for email, course_id, at, serial in self.attempts:
            version = self._version(course_id)
            count = version.questions_per_attempt
            correct = count if serial else max(0, count * version.pass_mark // 100 - 2)
            attempt_rows.append(
                {
                    "user_id": ids[email],
                    "course_id": course_id,
                    "course_version_id": version.id,
                    "started_at": at - timedelta(minutes=20),
                    "deadline_at": at + timedelta(minutes=10),
                    "drawn": [],
                    "submitted_at": at,
                    "answers": {},
                    "question_count": count,
                    "correct_count": correct,
                    "score_percent": 100 * correct // count,
                    "passed": serial is not None,
                    "timed_out": False,
                }
            )
        _insert(Attempt.__table__, attempt_rows)
        passed = {
            (user_id, course_id): attempt_id
            for attempt_id, user_id, course_id in db.session.execute(
                sa.select(Attempt.id, Attempt.user_id, Attempt.course_id).where(Attempt.passed.is_(True))
            )
        }
        certificates = []
        for email, course_id, issued, serial in self.attempts:
            if serial is None:
                continue
            person = people[ids[email]]
            version = self._version(course_id)
            certificates.append(
                {
                    "serial": serial,
                    "user_id": person.id,
                    "organization_id": person.organization_id,
                    "course_id": course_id,
                    "course_version_id": version.id,
                    "content_hash": version.content_hash,
                    "attempt_id": passed[(person.id, course_id)],
                    "renews_id": None,
                    "issued_at": issued,
                    "expires_at": add_months(issued, version.valid_months),
                    "holder_name": person.full_name,
                    "employee_number": person.employee_number,
                    "job_function": person.job_function,
                    "organization_name": org_names[person.organization_id],
                    "course_title": version.title,
                    "version_label": version.version_label,
                }
            )
        self._attach_pdfs(certificates)
        _insert(Certificate.__table__, certificates)
        completions = [
            {
                "user_id": ids[email],
                "course_id": course_id,
                "module_slug": slug,
                "course_version_id": self._version(course_id).id,
                "completed_at": at,
            }
            for email, course_id, slug, at in self.completions
        ]
        _insert(ModuleCompletion.__table__, completions)
        return len(attempt_rows), len(certificates), len(completions)

    def _attach_pdfs(self, rows: Iterable[dict[str, Any]]) -> None:
        """Render and sign one real certificate per course (for its first holder); the rest copy its bytes."""
        rendered: dict[int, tuple[bytes, str]] = {}
        for row in rows:
            if row["course_id"] not in rendered:
                org = db.session.get(Organization, row["organization_id"])
                assert org is not None  # written just before
                fields = {k: v for k, v in row.items() if k not in ("pdf", "pdf_sha256")}
                pdf = issuing.render_signed_certificate(Certificate(**fields), org, self.certificate_settings)
                rendered[row["course_id"]] = (pdf, hashlib.sha256(pdf).hexdigest())
            row["pdf"], row["pdf_sha256"] = rendered[row["course_id"]]
