"""Blueprint draws: every attempt takes the blueprint's count of questions from each module of the course."""

from __future__ import annotations

from collections import Counter

import pytest
import sqlalchemy as sa

from tests.content_fixture import write_content
from tests.quiz_fixture import bank
from training.extensions import db
from training.models import Attempt, Course, Question, Role, utcnow
from training.services import content_loader, quiz

BLUEPRINT = {"m-one": 2, "m-two": 3}


@pytest.fixture
def learner(app, tmp_path, make_org, make_user):
    content = write_content(tmp_path, quiz=bank({"m-one": 5, "m-two": 6}, per_attempt=5, blueprint=BLUEPRINT))
    with app.app_context():
        report = content_loader.load_content(content)
        assert report.ok, report.problems
    return make_user(make_org(), Role.LEARNER, job_function="cabin_crew")


def _draw_many(app, person_id: int, times: int) -> list[list[str]]:
    """Start and close ``times`` attempts through the quiz service; the question ids of each, in order."""
    drawn = []
    with app.app_context():
        from training.models import User

        person = db.session.get(User, person_id)
        course = db.session.scalar(sa.select(Course).where(Course.slug == "test-course"))
        for _ in range(times):
            attempt = quiz.start_attempt(person, course)
            drawn.append([entry["qid"] for entry in attempt.drawn])
            attempt.submitted_at = utcnow()
            db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count(Attempt.id))) == times
    return drawn


def test_blueprint_is_stored_on_the_course_version(app, learner):
    with app.app_context():
        course = db.session.scalar(sa.select(Course).where(Course.slug == "test-course"))
        assert course.current_version.quiz_blueprint == [["m-one", 2], ["m-two", 3]]
        assert course.current_version.show_answers == "after_pass"


def test_every_attempt_covers_every_module_with_the_blueprint_counts(app, learner):
    attempts = _draw_many(app, learner.id, 200)
    with app.app_context():
        module_of = dict(db.session.execute(sa.select(Question.qid, Question.module_slug)).all())
    seen: Counter[str] = Counter()
    for qids in attempts:
        assert len(qids) == len(set(qids)) == 5
        assert Counter(module_of[qid] for qid in qids) == Counter(BLUEPRINT), qids
        seen.update(qids)
    # Draws are random within each module: every question of the bank comes up, none always.
    assert set(seen) == set(module_of)
    assert all(count < 200 for count in seen.values())
    assert len({tuple(sorted(qids)) for qids in attempts}) > 20


def test_a_bank_without_a_blueprint_draws_from_the_whole_bank(app, tmp_path, make_org, make_user):
    content = write_content(tmp_path, quiz=bank({"m-one": 6, "m-two": 1}, per_attempt=3))
    with app.app_context():
        assert content_loader.load_content(content).ok
    person = make_user(make_org(), Role.LEARNER, job_function="cabin_crew")
    attempts = _draw_many(app, person.id, 60)
    assert all(len(qids) == 3 for qids in attempts)
    # Without a blueprint some attempts miss m-two altogether (its one question is drawn 3 times in 7).
    assert any("m-two-1" not in qids for qids in attempts)
