"""Benchmark: issuing, downloading and verifying certificates, against WeasyPrint's own floor.

    .venv/bin/python -m bench.certificates [-n 40]

Builds a throwaway SQLite database in a temporary folder (removed at the end), issues N certificates
through the same service the quiz uses (render, sign, store), then times downloads and verification
pages through the real routes. Prints medians and their ratio to the time WeasyPrint needs to render a
one-line page on this machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "benchmark-only")


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=40, help="certificates to issue (default 40)")
    args = parser.parse_args(argv)
    # The database and the signing key live in a folder removed at the end, however the run ends.
    with tempfile.TemporaryDirectory(prefix="bench-certificates-") as folder:
        _run(Path(folder), args.n)


def _run(workdir: Path, count: int) -> None:
    import weasyprint
    from flask_migrate import upgrade

    from training import create_app
    from training.extensions import db
    from training.models import Attempt, Course, Organization, OrgKind, Role, User, utcnow
    from training.services import content_loader, issuing, signing
    from training.web.settings import certificate_settings

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'bench.db'}",
            "TESTING": True,
            "RATELIMIT_ENABLED": False,
            "WTF_CSRF_ENABLED": False,
        }
    )
    app.instance_path = str(workdir)  # the signing key is created here, not in the project's instance/

    # Floor: WeasyPrint rendering a one-line page.
    floor = []
    for _ in range(max(10, count // 2)):
        start = time.perf_counter()
        weasyprint.HTML(string="<p>One line.</p>").write_pdf()
        floor.append(time.perf_counter() - start)

    with app.app_context():
        upgrade()
        content_loader.load_content(Path(app.config["CONTENT_DIR"]))
        org = Organization(name="Bench Air", kind=OrgKind.AIRLINE.value, country="KE")
        db.session.add(org)
        db.session.flush()
        course = db.session.query(Course).filter_by(slug="recognize-and-report").one()
        issuing.signer(certificate_settings())  # create the local signing key before timing
        serials: list[str] = []
        issue = []
        for n in range(count):
            person = User(
                organization_id=org.id,
                email=f"bench{n}@example.test",
                full_name=f"Bench Person {n}",
                job_function="cabin_crew",
            )
            person.set_roles([Role.LEARNER])
            db.session.add(person)
            db.session.flush()
            now = utcnow()
            attempt = Attempt(
                user_id=person.id,
                course_id=course.id,
                course_version_id=course.current_version_id,
                started_at=now,
                deadline_at=now + timedelta(minutes=30),
                drawn=[],
                question_count=15,
                submitted_at=now,
                correct_count=15,
                score_percent=100,
                passed=True,
            )
            db.session.add(attempt)
            db.session.flush()
            start = time.perf_counter()
            outcome = issuing.issue_for_attempt(attempt, certificate_settings())
            db.session.commit()
            issue.append(time.perf_counter() - start)
            serials.append(outcome.certificate.serial)
        admin = User(organization_id=org.id, email="bench-admin@example.test", full_name="Admin", active=True)
        admin.set_roles([Role.ADMIN])
        db.session.add(admin)
        db.session.commit()
        admin_token = admin.session_token

    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = admin_token
        session["_fresh"] = True
    download, verify = [], []
    for serial in serials:
        start = time.perf_counter()
        assert client.get(f"/certificates/{serial}.pdf").status_code == 200
        download.append(time.perf_counter() - start)
        start = time.perf_counter()
        assert client.get(f"/verify/{serial}").status_code == 200
        verify.append(time.perf_counter() - start)

    with app.app_context():
        db.session.remove()
        db.engine.dispose()  # close the database file before its folder is removed

    floor_ms = _median_ms(floor)
    rows = [
        ("WeasyPrint one-line page (floor)", floor_ms),
        ("issue certificate (render + sign + store)", _median_ms(issue)),
        ("download certificate PDF", _median_ms(download)),
        ("verification page", _median_ms(verify)),
    ]
    print(f"{'operation':<45} {'median ms':>10} {'x floor':>8}")
    for label, ms in rows:
        print(f"{label:<45} {ms:>10.1f} {ms / floor_ms:>8.2f}")
    print(f"(n={count} certificates; signing: {signing.__name__.rsplit('.', 1)[-1]} with a local EC P-256 key)")


if __name__ == "__main__":
    main()
