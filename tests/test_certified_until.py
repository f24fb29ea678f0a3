"""requirement.certified_until, kept by database triggers, always equals what the certificates say.

The compliance figures read it instead of looking each person's certificates up, so a wrong value would
be a wrong dashboard. Checked through the routes (pass, revoke, assign after passing), against random
direct writes (any order of certificates and requirements, as a restore or a bulk insert would make
them), and across the migration that adds it to a database that already has data.
"""

from __future__ import annotations

import random
import threading
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from tests.content_fixture import ANSWERS_ALL_RIGHT, write_content
from tests.factories import add_certificates, add_staff, pass_course, start_quiz
from tests.helpers import login, submit
from training.extensions import db
from training.models import Certificate, Course, Organization, Requirement, Role, User
from training.models.types import UTCDateTime
from training.services import content_loader, requirements


def _best_expiry_now_computed() -> dict[tuple[int, int], datetime | None]:
    """Every requirement's best unrevoked expiry, computed from the certificates (the slow way)."""
    best = (
        sa.select(sa.func.max(Certificate.expires_at))
        .where(
            Certificate.user_id == Requirement.user_id,
            Certificate.course_id == Requirement.course_id,
            Certificate.revoked_at.is_(None),
        )
        .scalar_subquery()
    )
    rows = db.session.execute(
        sa.select(Requirement.user_id, Requirement.course_id, sa.type_coerce(best, UTCDateTime()))
    )
    return {(u, c): e for u, c, e in rows}


def _stored() -> dict[tuple[int, int], datetime | None]:
    rows = db.session.execute(sa.select(Requirement.user_id, Requirement.course_id, Requirement.certified_until))
    return {(u, c): e for u, c, e in rows}


@pytest.fixture
def content(app, tmp_path):
    write_content(tmp_path)
    with app.app_context():
        assert content_loader.load_content(tmp_path).ok


def test_passing_and_revoking_through_the_routes(app, client, content, make_org, make_user):
    org = make_org("Kept Air")
    person = make_user(org, Role.LEARNER, job_function="cabin_crew")
    manager = make_user(org, Role.MANAGER)
    login(client, person.email)
    with app.app_context():
        assert set(_stored().values()) == {None}

    pass_course(client)
    with app.app_context():
        certificate = db.session.scalar(sa.select(Certificate))
        key = (person.id, certificate.course_id)
        assert _stored()[key] == certificate.expires_at
        serial = certificate.serial

    client.post("/logout")
    staff = app.test_client()
    login(staff, manager.email)
    submit(staff, f"/certificates/{serial}/revoke", {"reason": "Issued to the wrong person."})
    with app.app_context():
        assert _stored()[key] is None
        assert _stored() == _best_expiry_now_computed()


def test_a_requirement_made_after_the_certificate_takes_its_expiry(app, content, make_org, make_user):
    """A person certified while the course was optional, then moved to a job function that requires it."""
    org = make_org("Later Air")
    person = make_user(org, Role.LEARNER, job_function="gate")
    add_certificates(app, org, [person], expires_in_days=300)
    with app.app_context():
        assert _stored() == {}
        user = db.session.get(User, person.id)
        user.job_function = "cabin_crew"
        requirements.sync_person(user)
        db.session.commit()
        stored = _stored()
        expiry = db.session.scalar(sa.select(Certificate.expires_at))
        assert list(stored.values()) == [expiry]


def test_random_direct_writes_in_any_order(app, content, make_org):
    """Certificates inserted, revoked, re-dated and deleted, and requirements dropped and re-made, at random."""
    rng = random.Random(8)
    org = make_org("Random Air")
    ids = add_staff(app, org, 12)
    now = datetime.now(UTC)
    with app.app_context():
        course = db.session.scalar(sa.select(Course).where(Course.slug == "test-course"))
        people = list(db.session.scalars(sa.select(User).where(User.id.in_(ids))))
    add_certificates(app, org, people[:6], expires_in_days=100)
    add_certificates(app, org, people[3:9], expires_in_days=400)
    for step in range(40):
        with app.app_context():
            certificates = list(db.session.scalars(sa.select(Certificate)))
            action = rng.choice(("revoke", "redate", "delete", "drop_requirement", "resync", "unrevoke"))
            chosen = rng.choice(certificates) if certificates else None
            if action == "revoke" and chosen is not None:
                chosen.revoked_at = now
            elif action == "unrevoke" and chosen is not None:
                chosen.revoked_at = None
            elif action == "redate" and chosen is not None:
                chosen.expires_at = now + timedelta(days=rng.randint(-200, 900))
            elif action == "delete" and chosen is not None:
                db.session.delete(chosen)
            elif action == "drop_requirement":
                db.session.execute(sa.delete(Requirement).where(Requirement.user_id == rng.choice(ids)))
            else:
                requirements.sync_org(db.session.get(Organization, org.id))
            db.session.commit()
            assert _stored() == _best_expiry_now_computed(), f"after step {step}: {action}"
    with app.app_context():
        assert course.id in {c for _, c in _stored()}


def test_the_migration_fills_it_in_for_existing_data(app, content, make_org, tmp_path):
    org = make_org("Migrated Air")
    ids = add_staff(app, org, 5)
    with app.app_context():
        people = list(db.session.scalars(sa.select(User).where(User.id.in_(ids))))
    add_certificates(app, org, people[:3], expires_in_days=250)
    with app.app_context():
        before = _stored()
        assert sum(value is not None for value in before.values()) == 3
        db.session.remove()  # no open transaction may hold the table while its schema changes
        try:
            downgrade(revision="0008")
            assert "certified_until" not in {c["name"] for c in sa.inspect(db.engine).get_columns("requirement")}
        finally:
            upgrade()
        assert _stored() == before == _best_expiry_now_computed()


def _certificate_row(app, org, person) -> dict:
    """A certificate's columns for ``person`` (with its attempt already stored), not yet inserted."""
    serial = add_certificates(app, org, [person], expires_in_days=180)[0]
    with app.app_context():
        row = db.session.execute(sa.select(Certificate.__table__).where(Certificate.serial == serial)).one()._asdict()
        db.session.execute(sa.delete(Certificate).where(Certificate.serial == serial))
        db.session.commit()
    return {k: v for k, v in row.items() if k != "id"}


def _insert_requirement(user_id: int, course_id: int, org_id: int) -> sa.Insert:
    """A requirement row as an assignment would add it, written directly."""
    return sa.insert(Requirement.__table__).values(
        user_id=user_id,
        course_id=course_id,
        organization_id=org_id,
        due_at=datetime.now(UTC) + timedelta(days=30),
        source="assignment",
    )


@pytest.mark.parametrize("first", ["requirement", "certificate"])
def test_a_requirement_and_a_certificate_written_at_the_same_moment(app, content, make_org, make_user, first):
    """Two transactions, one adding the requirement and one the certificate: whichever commits second sees
    the other (on PostgreSQL the triggers lock the person's row; SQLite has one writer at a time)."""
    org = make_org("Racing Air")
    person = make_user(org, Role.LEARNER, job_function="gate")
    certificate = _certificate_row(app, org, person)
    with app.app_context():
        course_id = certificate["course_id"]
        writes = {
            "requirement": _insert_requirement(person.id, course_id, org.id),
            "certificate": sa.insert(Certificate.__table__).values(**certificate),
        }
        second = "certificate" if first == "requirement" else "requirement"
        engine = db.engine
        with engine.connect() as one:
            one.begin()
            one.execute(writes[first])
            outcome: list[object] = []

            def write_second() -> None:
                try:
                    with engine.begin() as two:
                        two.execute(writes[second])
                    outcome.append("committed")
                except Exception as exc:  # reported below
                    outcome.append(exc)

            racer = threading.Thread(target=write_second)
            racer.start()
            racer.join(timeout=1.0)
            assert racer.is_alive(), "the second write should wait for the first transaction"
            one.commit()
        racer.join(timeout=60)
        assert outcome == ["committed"]
        db.session.remove()
        assert _stored() == {(person.id, course_id): certificate["expires_at"]} == _best_expiry_now_computed()


def test_passing_while_an_import_holds_the_same_person(app, content, make_org, make_user):
    """A transaction that has added the person's requirement row and then takes the audit head (as an
    import or an assignment does: requirement rows first, the audit event last) must not deadlock with
    the quiz submission that issues that person's certificate: the submission takes the person's row
    before the audit head, the same order."""
    org = make_org("Locking Air")
    person = make_user(org, Role.LEARNER, job_function="gate")
    learner = app.test_client()
    login(learner, person.email)
    attempt_url = start_quiz(learner)
    answers = {f"q-{k}": v for k, v in ANSWERS_ALL_RIGHT.items()}
    with app.app_context():
        course_id = db.session.scalar(sa.select(Course.id).where(Course.slug == "test-course"))
        engine = db.engine
    outcome: list[object] = []

    def pass_quiz() -> None:
        try:
            outcome.append(submit(learner, attempt_url, answers).status_code)
        except Exception as exc:  # reported below
            outcome.append(exc)

    with engine.connect() as other:
        other.begin()
        other.execute(_insert_requirement(person.id, course_id, org.id))  # holds the person's row
        racer = threading.Thread(target=pass_quiz)
        racer.start()
        racer.join(timeout=1.5)  # the submission gets as far as it can
        other.execute(sa.text("UPDATE audit_head SET seq = seq WHERE id = 1"))  # then the audit head
        other.commit()
    racer.join(timeout=60)
    assert outcome == [302]
    with app.app_context():
        expiry = db.session.scalar(sa.select(Certificate.expires_at).where(Certificate.user_id == person.id))
        assert expiry is not None
        assert _stored() == {(person.id, course_id): expiry}
