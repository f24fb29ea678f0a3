"""Renewal: the refresher renews the core certificate in the renewal window or after expiry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from tests.content_fixture import ANSWERS_ALL_RIGHT, REFRESHER_ANSWERS, write_content, write_refresher
from tests.factories import pass_course
from tests.helpers import login, text
from training.extensions import db
from training.models import Certificate, Course, Role
from training.services import content_loader


@pytest.fixture
def learner(app, client, tmp_path, make_org, make_user):
    write_content(tmp_path)
    write_refresher(tmp_path)
    with app.app_context():
        assert content_loader.load_content(tmp_path).ok
    person = make_user(make_org("Renew Air"), Role.LEARNER, job_function="cabin_crew")
    login(client, person.email)
    return person


def _certificates(app) -> list[tuple[str, str, datetime, datetime, int | None]]:
    with app.app_context():
        rows = db.session.execute(
            sa.select(
                Course.slug, Certificate.serial, Certificate.issued_at, Certificate.expires_at, Certificate.renews_id
            )
            .join(Course, Course.id == Certificate.course_id)
            .order_by(Certificate.id)
        ).all()
    return [tuple(r) for r in rows]


def _set_expiry(app, *, days_from_now: int) -> None:
    with app.app_context():
        certificate = db.session.scalar(sa.select(Certificate).order_by(Certificate.id).limit(1))
        certificate.expires_at = datetime.now(UTC) + timedelta(days=days_from_now)
        certificate.issued_at = certificate.expires_at - timedelta(days=365)
        db.session.commit()


def test_refresher_without_a_certificate_issues_nothing(app, client, learner):
    attempt_id = pass_course(client, "/courses/test-refresher", REFRESHER_ANSWERS)
    assert _certificates(app) == []
    assert "Take the full course to earn your first one" in text(client.get(f"/attempts/{attempt_id}"))


def test_refresher_too_early_issues_nothing(app, client, learner):
    pass_course(client, "/courses/test-course", ANSWERS_ALL_RIGHT)
    _set_expiry(app, days_from_now=200)
    attempt_id = pass_course(client, "/courses/test-refresher", REFRESHER_ANSWERS)
    assert len(_certificates(app)) == 1
    assert "not due for renewal yet" in text(client.get(f"/attempts/{attempt_id}"))


@pytest.mark.parametrize("days_from_now", [60, -30])
def test_refresher_in_window_or_after_expiry_renews_the_core_certificate(app, client, learner, days_from_now):
    pass_course(client, "/courses/test-course", ANSWERS_ALL_RIGHT)
    _set_expiry(app, days_from_now=days_from_now)
    pass_course(client, "/courses/test-refresher", REFRESHER_ANSWERS)
    certificates = _certificates(app)
    assert len(certificates) == 2
    (old_course, old_serial, _, old_expiry, _), (new_course, new_serial, issued, expiry, renews) = certificates
    assert old_course == new_course == "test-course"
    assert renews is not None
    assert expiry.date() == issued.replace(year=issued.year + 1).date()
    # The old certificate stays verifiable with its own dates; the home page shows the new one.
    old_page = text(app.test_client().get(f"/verify/{old_serial}"))
    assert old_expiry.strftime("%-d %B %Y") in old_page
    assert "Valid" in text(app.test_client().get(f"/verify/{new_serial}"))
    home = text(client.get("/"))
    assert new_serial in home
    assert "Passed" in home
