"""Review after an attempt, as in Moodle: a failed attempt says which questions were wrong and which module
to review, never the keyed answers or explanations; those show once the learner passes (or as the bank says)."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from tests.content_fixture import QUIZ, write_content
from tests.factories import pass_course, start_quiz
from tests.helpers import login, submit, text
from training.extensions import db
from training.models import Certificate, Role
from training.services import content_loader

ALL_WRONG = {"t-single": ["b"], "t-multi": ["c"], "t-true": ["false"], "t-single-2": ["y"]}
# The keyed options' texts and the explanations of the fixture bank: none may show before a pass.
KEYED = ("Observe and report", "Someone else holds the passport", "Tell the pilot-in-command discreetly")
EXPLAINED = ("SINGLE-EXPLANATION", "MULTI-EXPLANATION", "TF-EXPLANATION", "SINGLE2-EXPLANATION")


def _load(app, tmp_path, show_answers: str | None = None) -> None:
    quiz = QUIZ.replace("cooldown_minutes: 30", "cooldown_minutes: 0").replace(
        "attempts_per_24h: 2", "attempts_per_24h: 9"
    )
    if show_answers:
        quiz = quiz.replace("questions:\n", f"show_answers: {show_answers}\nquestions:\n", 1)
    with app.app_context():
        report = content_loader.load_content(write_content(tmp_path, quiz=quiz))
        assert report.ok, report.problems


@pytest.fixture
def learner(client, make_org, make_user):
    person = make_user(make_org(), Role.LEARNER, job_function="cabin_crew")
    login(client, person.email)
    return person


def _attempt_with(client, answers: dict[str, list[str]]) -> str:
    url = start_quiz(client)
    submit(client, url, {f"q-{k}": v for k, v in answers.items()})
    return text(client.get(url))


def _assert_no_keys(page: str) -> None:
    for leak in (*KEYED, *EXPLAINED, "Correct answer", "Why:"):
        assert leak not in page, leak


def test_failed_attempt_lists_wrong_questions_and_modules_but_no_keys(app, tmp_path, client, learner):
    _load(app, tmp_path)
    page = _attempt_with(client, ALL_WRONG)
    assert "Not passed this time" in page
    assert page.count("<strong>Wrong</strong>") == 4
    assert "SINGLE-PROMPT" in page
    assert "SCENARIO-TEXT" in page
    # Which module each wrong question comes from, with a link back to it.
    assert 'href="/courses/test-course/modules/m-one">Module one</a></span> — 2 questions wrong' in page
    assert 'href="/courses/test-course/modules/m-two">Module two</a></span> — 2 questions wrong' in page
    assert "shown once you pass" in page
    _assert_no_keys(page)
    # Not the options either: a wrong answer shown would tell the learner what to rule out.
    assert "Confront them" not in page
    # The attempt history does not leak them either.
    _assert_no_keys(text(client.get("/courses/test-course")))
    _assert_no_keys(text(client.get("/")))


def test_partly_right_attempt_marks_each_question(app, tmp_path, client, learner):
    _load(app, tmp_path)
    page = _attempt_with(client, {**ALL_WRONG, "t-single": ["a"]})
    assert page.count("<strong>Right</strong>") == 1
    assert page.count("<strong>Wrong</strong>") == 3
    assert "Module one</a></span> — 1 question wrong" in page
    _assert_no_keys(page)


def test_a_multiple_choice_question_says_choose_all_that_apply_once(app, tmp_path, client, learner):
    """The page says it, not the bank's prompt: never "Select all that apply." then "Choose all that apply."."""
    _load(app, tmp_path)
    url = start_quiz(client)
    attempt = text(client.get(url))
    assert attempt.count("all that apply") == 1
    assert re.search(
        r'MULTI-PROMPT which are indicators\?</span>\s*<span class="small muted">Choose all that apply\.</span>',
        attempt,
    )
    submit(client, url, {f"q-{k}": v for k, v in ALL_WRONG.items()})
    result = text(client.get(url))
    assert result.count("all that apply") == 1
    assert 'MULTI-PROMPT which are indicators? <span class="small muted">Choose all that apply.</span>' in result


def test_passed_attempt_shows_keys_and_explanations(app, tmp_path, client, learner):
    _load(app, tmp_path)
    failed = _attempt_with(client, ALL_WRONG)
    _assert_no_keys(failed)
    attempt_id = pass_course(client)
    page = text(client.get(f"/attempts/{attempt_id}"))
    assert "You passed" in page
    for shown in (*KEYED, *EXPLAINED):
        assert shown in page
    assert page.count("Correct answer") == 5  # t-multi has two keyed options
    # The certificate pages show no question at all.
    with app.app_context():
        serial = db.session.scalar(sa.select(Certificate.serial))
    verify = client.get(f"/verify/{serial}")
    assert verify.status_code == 200
    _assert_no_keys(text(verify))


def test_after_each_attempt_shows_keys_on_a_failed_attempt(app, tmp_path, client, learner):
    _load(app, tmp_path, "after_each_attempt")
    page = _attempt_with(client, ALL_WRONG)
    assert "Not passed this time" in page
    for shown in (*KEYED, *EXPLAINED):
        assert shown in page


def test_never_hides_keys_even_after_a_pass(app, tmp_path, client, learner):
    _load(app, tmp_path, "never")
    page = text(client.get(f"/attempts/{pass_course(client)}"))
    assert "You passed" in page
    assert page.count("<strong>Right</strong>") == 4
    assert "does not show its correct answers" in page
    _assert_no_keys(page)


def test_quiz_page_says_what_the_review_shows(app, tmp_path, client, learner):
    _load(app, tmp_path)
    page = text(client.get("/courses/test-course/quiz"))
    assert "you see which questions you got wrong and which modules to review" in page
    assert "the correct answers show once you pass" in page
