"""Fast builders for tests that need many rows: bulk inserts, not one request per row."""

from __future__ import annotations

import hashlib
import io
import os
import re
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests.content_fixture import ANSWERS_ALL_RIGHT
from tests.helpers import csrf_token, submit, text
from training.extensions import db
from training.models import Attempt, Certificate, Course, Organization, Role, User, UserRole
from training.services import requirements, serials

NOW = datetime.now(UTC)


def add_staff(
    app, org: Organization, count: int, *, prefix: str = "staff", job_function: str = "cabin_crew"
) -> list[int]:
    """Insert ``count`` learners without passwords in one statement, with their requirement rows."""
    with app.app_context():
        rows = [
            {
                "organization_id": org.id,
                "email": f"{prefix}{n}@{org.id}.example.test",
                "full_name": f"{prefix.title()} {n:05d}",
                "employee_number": f"{prefix[:2].upper()}-{n:05d}",
                "job_function": job_function,
                "base": ("NBO", "MBA", "KIS")[n % 3],
            }
            for n in range(count)
        ]
        db.session.execute(sa.insert(User), rows)  # column defaults (session token, created_at) apply per row
        ids = list(db.session.scalars(sa.select(User.id).where(User.email.like(f"{prefix}%@{org.id}.example.test"))))
        db.session.execute(sa.insert(UserRole), [{"user_id": i, "role": Role.LEARNER.value} for i in ids])
        requirements.sync_org(db.session.get(Organization, org.id))
        db.session.commit()
        return ids


def add_certificates(
    app, org, people: list[User], *, pdf_size: int = 2000, issued: datetime | None = None, expires_in_days: int = 200
) -> list[str]:
    """Insert certificates directly (fast), each with distinct PDF bytes."""
    made = []
    with app.app_context():
        course = db.session.scalar(sa.select(Course).where(Course.slug == "test-course"))
        when = issued or NOW - timedelta(days=10)
        attempts = [
            {
                "user_id": p.id,
                "course_id": course.id,
                "course_version_id": course.current_version_id,
                "started_at": when,
                "deadline_at": when,
                "drawn": [],
                "question_count": 4,
                "submitted_at": when,
                "correct_count": 4,
                "score_percent": 100,
                "passed": True,
                "timed_out": False,
            }
            for p in people
        ]
        attempt_ids = [
            db.session.execute(sa.insert(Attempt).values(**a).returning(Attempt.id)).scalar_one() for a in attempts
        ]
        rows = []
        for person, attempt_id in zip(people, attempt_ids, strict=True):
            serial = serials.new_serial()
            pdf = b"%PDF-1.7\n" + serial.encode() + os.urandom(pdf_size)
            rows.append(
                {
                    "serial": serial,
                    "user_id": person.id,
                    "organization_id": org.id,
                    "course_id": course.id,
                    "course_version_id": course.current_version_id,
                    "content_hash": "0" * 64,
                    "attempt_id": attempt_id,
                    "issued_at": when,
                    "expires_at": when + timedelta(days=expires_in_days),
                    "holder_name": person.full_name,
                    "employee_number": person.employee_number,
                    "job_function": person.job_function,
                    "organization_name": org.name,
                    "course_title": "Test course",
                    "version_label": "1",
                    "pdf": pdf,
                    "pdf_sha256": hashlib.sha256(pdf).hexdigest(),
                }
            )
            made.append(serial)
        db.session.execute(sa.insert(Certificate), rows)
        db.session.commit()
    return made


def start_quiz(client, course: str = "/courses/test-course") -> str:
    """Complete the test course's modules and start its quiz through the routes; return the attempt's URL."""
    for slug in ("m-one", "m-two"):
        submit(client, f"{course}/modules/{slug}/complete", form_url=f"{course}/modules/{slug}")
    return submit(client, f"{course}/quiz/start", form_url=f"{course}/quiz").headers["Location"]


# What "Submit anyway" sends when questions are left unanswered (the quiz asks before grading blanks).
CONFIRM_UNANSWERED = {"unanswered": "submit"}


def pass_course(client, course: str = "/courses/test-course", answers: dict[str, list[str]] = ANSWERS_ALL_RIGHT) -> int:
    """Complete a course's modules and pass its quiz through the routes; return the attempt id."""
    attempt_id = int(start_quiz(client, course).rsplit("/", 1)[1])
    submit(client, f"/attempts/{attempt_id}", {f"q-{k}": v for k, v in answers.items()} | CONFIRM_UNANSWERED)
    return attempt_id


IMPORT = "/manage/staff/import"


def preview_import(client, data: bytes) -> tuple[str, str]:
    """Upload a staff file through the import page; return the confirm URL and the fingerprint from the preview."""
    fields = {"csrf_token": csrf_token(client, IMPORT), "file": FileStorage(io.BytesIO(data), "staff.csv")}
    boundary, body = encode_multipart(fields)
    page = text(client.post(IMPORT, data=body, content_type=f"multipart/form-data; boundary={boundary}"))
    url = re.search(r'action="(/manage/staff/import/\d+/confirm)"', page)
    fingerprint = re.search(r'name="fingerprint"[^>]*value="([0-9a-f]{64})"', page)
    assert url, page[:2000]
    assert fingerprint
    return url.group(1), fingerprint.group(1)
