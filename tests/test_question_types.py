"""Question types: one registry, and the ordering type end to end (validator, grading, the attempt and
result pages, item statistics, the guessers)."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from bench import guessers
from tests.content_fixture import ANSWERS_ALL_RIGHT, QUIZ, write_content
from tests.factories import CONFIRM_UNANSWERED, start_quiz
from tests.helpers import login, submit, text
from tests.quiz_fixture import ORDER_RIGHT, ORDERING, with_ordering
from training.content import read_content
from training.content.question_types import TYPES, QuestionType
from training.extensions import db
from training.models import Course, Role, User
from training.services import audit, content_loader, quiz
from training.web.settings import certificate_settings

BANK = "quizzes/test-course.yaml"
ORDER = TYPES["ordering"]
CORRECT = ("note", "tell", "captain")


def test_the_registry_names_each_type_once_with_its_partials(project_root: Path):
    assert list(TYPES) == ["single", "multiple", "true_false", "ordering"]
    templates = project_root / "training" / "learn" / "templates"
    for name, kind in TYPES.items():
        assert isinstance(kind, QuestionType)
        assert kind.name == name
        assert (templates / kind.partial).is_file(), kind.partial
        assert (templates / kind.review_partial).is_file(), kind.review_partial


# --- the validator ------------------------------------------------------------------------------


def _read(tmp_path: Path, ordering: str = ORDERING):
    write_content(tmp_path, quiz=with_ordering(QUIZ).replace(ORDERING, ordering))
    return read_content(tmp_path)


def _line_of(quiz_text: str, fragment: str) -> int:
    """The line of ``fragment`` within the ordering question."""
    return quiz_text[: quiz_text.index(fragment, quiz_text.index("id: t-order"))].count("\n") + 1


def test_an_ordering_question_is_read_with_its_steps_in_the_right_order(tmp_path):
    bundle, problems = _read(tmp_path)
    assert problems == []
    question = bundle.courses[0].quiz.questions[-1]
    assert (question.type, question.correct) == ("ordering", CORRECT)
    assert [o.id for o in question.options] == ["tell", "note", "captain"]


STEP = "      - {id: captain, text: The pilot-in-command alerts the authorities}\n"
REFUSALS = [
    # (name, old, new, field, message fragment, the text whose line the problem names)
    (
        "two-steps",
        STEP + "    correct: [note, tell, captain]",
        "    correct: [note, tell]",
        "questions[4].steps",
        "an ordering question needs 3 to 6 steps, found 2",
        "    steps:",
    ),
    (
        "seven-steps",
        STEP + "    correct: [note, tell, captain]",
        STEP
        + "".join(f"      - {{id: s{n}, text: Step {n}}}\n" for n in range(4))
        + "    correct: [note, tell, captain, s0, s1, s2, s3]",
        "questions[4].steps",
        "needs 3 to 6 steps, found 7",
        "    steps:",
    ),
    (
        "duplicate-step-id",
        "{id: captain,",
        "{id: note,",
        "questions[4].steps[2].id",
        "step id 'note' is used twice in this question",
        "      - {id: note, text: The pilot",
    ),
    (
        "correct-leaves-a-step-out",
        "correct: [note, tell, captain]",
        "correct: [note, tell]",
        "questions[4].correct",
        "leaves out captain",
        "    correct: [note, tell]",
    ),
    (
        "correct-names-no-step",
        "correct: [note, tell, captain]",
        "correct: [note, tell, pilot]",
        "questions[4].correct[2]",
        "the text 'pilot' is not the id of one of this question's steps",
        "    correct: [note, tell, pilot]",
    ),
    (
        "correct-repeats-a-step",
        "correct: [note, tell, captain]",
        "correct: [note, tell, tell, captain]",
        "questions[4].correct[2]",
        "'tell' is listed twice",
        "    correct: [note, tell, tell, captain]",
    ),
    (
        "correct-not-a-list",
        "correct: [note, tell, captain]",
        "correct: note",
        "questions[4].correct",
        "must list the step ids in the right order",
        "    correct: note",
    ),
    (
        "options-instead-of-steps",
        "    steps:\n",
        "    options:\n",
        "questions[4].options",
        "lists its 'steps', not options",
        "    options:",
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "field", "fragment", "at"), [case[1:] for case in REFUSALS], ids=[case[0] for case in REFUSALS]
)
def test_the_validator_refuses_a_broken_ordering_question(tmp_path, old, new, field, fragment, at):
    ordering = ORDERING.replace(old, new)
    assert ordering != ORDERING
    bundle, problems = _read(tmp_path, ordering)
    assert bundle is None
    wanted = [p for p in problems if p.field == field]
    assert len(wanted) == 1, "\n".join(map(str, problems))
    (problem,) = wanted
    quiz_text = (tmp_path / BANK).read_text()
    assert (problem.path, problem.field, problem.line) == (BANK, field, _line_of(quiz_text, at)), str(problem)
    assert fragment in problem.message, problem.message
    assert str(problem).startswith(f"{BANK}:{problem.line}: ")


# --- grading --------------------------------------------------------------------------------------


def test_ordering_is_graded_all_or_nothing():
    assert ORDER.is_correct(CORRECT, ORDER_RIGHT)
    assert ORDER.is_correct(CORRECT, reversed(ORDER_RIGHT))  # the order the values arrive in does not count
    assert not ORDER.is_correct(CORRECT, ["tell@1", "note@2", "captain@3"])  # two steps swapped
    assert not ORDER.is_correct(CORRECT, ["note@1", "tell@2"])  # a step left without a place
    assert not ORDER.is_correct(CORRECT, ["note@1", "tell@1", "captain@3"])  # two steps in one place
    assert not ORDER.is_correct(CORRECT, [])
    assert not ORDER.answered(["note@1", "tell@2", ""], list(CORRECT))
    assert ORDER.answered(ORDER_RIGHT, list(CORRECT))


# --- the attempt page, through the routes ---------------------------------------------------------


@pytest.fixture
def learner(app, tmp_path, client, make_org, make_user):
    with app.app_context():
        report = content_loader.load_content(write_content(tmp_path, quiz=with_ordering(QUIZ)))
        assert report.ok, report.problems
    person = make_user(make_org(), Role.LEARNER, job_function="cabin_crew")
    login(client, person.email)
    return person


def _answers(order: list[str]) -> dict[str, list[str]]:
    return {f"q-{k}": v for k, v in ANSWERS_ALL_RIGHT.items()} | {"q-t-order": order}


def test_the_attempt_page_shows_each_step_with_a_labelled_place_select(learner, client):
    page = text(client.get(start_quiz(client)))
    fieldset = re.search(
        r'<fieldset class="question panel" id="question-\d">(?:(?!</fieldset>).)*ORDER-PROMPT.*?</fieldset>', page, re.S
    ).group(0)
    selects = re.findall(r'<select id="(q\d-\d)" name="q-t-order"', fieldset)
    assert len(selects) == 3
    for select_id in selects:
        assert f'<label for="{select_id}">' in fieldset
    assert fieldset.count('<option value="note@') == 3  # places 1 to 3
    assert "<script" not in fieldset


def test_a_right_order_passes_and_the_result_shows_the_places(learner, client):
    url = start_quiz(client)
    submit(client, url, _answers(ORDER_RIGHT))
    page = text(client.get(url))
    assert "You passed" in page
    assert "5 of 5 right" in page
    assert "Your place: 1" in page
    assert "Not placed" not in page


def test_a_wrong_order_scores_zero_for_the_question(learner, client):
    url = start_quiz(client)
    submit(client, url, _answers(["tell@1", "note@2", "captain@3"]))
    page = text(client.get(url))
    assert "4 of 5 right" in page
    assert "ORDER-EXPLANATION" in page  # 80 % passes the 75 % mark: the answers are shown
    assert 'class="badge badge-warn">Your place: 1' in page


def test_a_partly_placed_order_is_asked_about_then_graded_wrong(learner, client):
    url = start_quiz(client)
    asked = text(submit(client, url, _answers(["note@1", "", "captain@3"])))
    assert "1 of 5 question is not answered" in asked
    assert 'value="note@1" selected' in asked  # the places given so far are kept
    submit(client, url, _answers(["note@1", "", "captain@3"]) | CONFIRM_UNANSWERED)
    page = text(client.get(url))
    assert "4 of 5 right" in page
    assert "Not placed" in page


# --- item statistics ----------------------------------------------------------------------------------


def test_item_statistics_count_an_ordering_question_by_its_id(app, learner, make_org, make_user):
    org = make_org()
    people = [make_user(org, Role.LEARNER, job_function="cabin_crew") for _ in range(10)]
    wrong = ["tell@1", "note@2", "captain@3"]  # note and tell swapped: only captain in its place
    with app.app_context():
        course = db.session.scalar(sa.select(Course).where(Course.slug == "test-course"))
        for n, person in enumerate(people):
            attempt = quiz.start_attempt(db.session.get(User, person.id), course)
            answers = ANSWERS_ALL_RIGHT | {"t-order": ORDER_RIGHT if n < 7 else wrong}
            assert quiz.submit(attempt, answers, actor=audit.SYSTEM, certificates=certificate_settings())
    admin = app.test_client()
    login(admin, make_user(make_org("Platform"), Role.ADMIN).email)
    page = text(admin.get("/admin/item-statistics/test-course"))
    row = re.search(r'<tr id="q-t-order">(.*?)</tr>', page, re.S).group(1)
    assert re.search(r'class="num facility"[^>]*>70.0</td>', row), row
    # For ordering, "chosen" is how often each step was put in its place.
    choices = re.sub(r"<[^>]+>", "", re.search(r'class="choices"[^>]*>(.*?)</td>', row, re.S).group(1))
    assert choices == "tell ✓: 70.0% · note ✓: 70.0% · captain ✓: 100.0%"


# --- the guessers -------------------------------------------------------------------------------------


def test_a_blind_guess_at_an_ordering_question_is_one_in_n_factorial(tmp_path):
    (bank,) = guessers.banks_of(write_content(tmp_path, quiz=with_ordering(QUIZ)))
    question = next(q for q in bank.questions if q.type == "ordering")
    assert guessers.STRATEGIES["random"](question) == 1 / math.factorial(3)
    # "longest first" orders the steps by length: 44, 27 and 43 characters along the keyed order, which rise.
    assert guessers.STRATEGIES["longest"](question) == 0.0
    assert guessers.STRATEGIES["shortest"](question) == 0.0
    results = {r.strategy: r for r in guessers.run([bank], attempts=600, seed=2)}
    assert abs(results["random"].score - (1 / 3 + 1 / 8 + 1 / 2 + 1 / 2 + 1 / 6) / 5) < 0.03
