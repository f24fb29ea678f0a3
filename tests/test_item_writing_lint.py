"""The item-writing lint of `load-content --check`: one small bank breaking one rule at a time, each finding
with its file, field and line, and the figures per bank."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.content_fixture import MODULE, write_content, write_refresher
from tests.quiz_fixture import bank
from training.content import read_content
from training.content.lint import lint
from training.services import content_loader

QUIZ = "quizzes/test-course.yaml"
BLUEPRINT = {"m-one": 1, "m-two": 2}
# 4 + 4 scenario questions, three equally long options each; the first question's id is on line 15.
CLEAN = bank({"m-one": 4, "m-two": 4}, per_attempt=3, blueprint=BLUEPRINT)
FIRST_LINE = 15
LINES_PER_QUESTION = 12


def line_of(n: int) -> int:
    """The line of the n-th question's id (from 0) in CLEAN."""
    return FIRST_LINE + n * LINES_PER_QUESTION


def findings(root: Path) -> list[tuple[str, str, int | None, str]]:
    bundle, problems = read_content(root)
    assert problems == [], problems
    found, _ = lint(bundle)
    return [(p.path, p.field, p.line, p.message) for p in found]


def lint_of(tmp_path: Path, quiz: str) -> list[tuple[str, str, int | None, str]]:
    return findings(write_content(tmp_path, quiz=quiz))


def only(found: list[tuple[str, str, int | None, str]]) -> tuple[str, str, int | None, str]:
    assert len(found) == 1, "\n".join(map(str, found))
    return found[0]


def replace_question(quiz: str, qid: str, new: str) -> str:
    """``quiz`` with question ``qid`` (its whole item) replaced by ``new``."""
    start = quiz.index(f"  - id: {qid}\n")
    end = quiz.find("  - id: ", start + 1)
    return quiz[:start] + new + (quiz[end:] if end != -1 else "")


def test_a_clean_bank_passes_and_its_figures_are_reported(tmp_path):
    assert lint_of(tmp_path, CLEAN) == []
    bundle, _ = read_content(tmp_path)
    (figures,) = lint(bundle)[1]
    assert (figures.questions, figures.single, figures.keyed_longest, figures.keyed_shortest) == (8, 8, 0, 0)
    assert (figures.true_false, figures.keyed_true, figures.scenarios, figures.problems) == (0, None, 100, 0)
    assert figures.worst_similarity < 75
    assert "test-course: 8 questions (8 single-choice); keyed longest 0%" in figures.line()


def test_a_bank_without_a_blueprint(tmp_path):
    found = only(lint_of(tmp_path, bank({"m-one": 4, "m-two": 4}, per_attempt=3)))
    assert found[:3] == (QUIZ, "blueprint", None)
    assert "needs a blueprint" in found[3]


# Rule 1: at least 3 options on single choice, 4 on multiple choice.
def test_single_choice_with_two_options(tmp_path):
    quiz = CLEAN.replace("      - {id: c, text: WRONG-m-one-2 act six}\n", "")
    found = only(lint_of(tmp_path, quiz))
    assert found[:3] == (QUIZ, "questions[1].options", line_of(1))
    assert "at least 3 options (write 4), found 2" in found[3]


def test_multiple_choice_with_three_options(tmp_path):
    quiz = CLEAN.replace(
        "    type: single\n    module: m-one\n    scenario: At the gate",
        "    type: multiple\n    module: m-one\n    scenario: At the gate",
        1,
    )
    found = only(lint_of(tmp_path, quiz))
    assert found[:3] == (QUIZ, "questions[0].options", line_of(0))
    assert "multiple-choice question needs at least 4 options, found 3" in found[3]


# Rule 2: every option within ±35 % of the question's median option length, or within 15 characters.
def test_option_outside_the_length_band(tmp_path):
    long_text = "WRONG-m-one-3 act two and then " + "x" * 18  # 49 characters against a median of 21
    quiz = CLEAN.replace("{id: b, text: WRONG-m-one-3 act two}", f"{{id: b, text: {long_text}}}")
    found = only(lint_of(tmp_path, quiz))
    assert found[:3] == (QUIZ, "questions[2].options[1]", line_of(2) + 7)
    assert "option 'b' is 49 characters long against a median of 21" in found[3]


def test_option_within_fifteen_characters_is_accepted(tmp_path):
    quiz = CLEAN.replace("{id: b, text: WRONG-m-one-3 act two}", "{id: b, text: WRONG-m-one-3 act two and 1234}")
    assert lint_of(tmp_path, quiz) == []  # 30 against 21: more than 35 %, but only 9 characters


# Rule 3: at most 30 % of single-choice questions key the strictly longest (or shortest) option.
@pytest.mark.parametrize(("keyed", "which"), [("KEYED-{q} act one at once", "longest"), ("KEYED-{q} act", "shortest")])
def test_keyed_option_strictly_longest_or_shortest_too_often(tmp_path, keyed, which):
    quiz = CLEAN
    for qid in ("m-one-1", "m-one-2", "m-two-1"):  # 3 of 8 = 38 %
        quiz = quiz.replace(f"{{id: a, text: KEYED-{qid} act one}}", f"{{id: a, text: {keyed.format(q=qid)}}}")
    found = only(lint_of(tmp_path, quiz))
    assert found[:3] == (QUIZ, "questions", line_of(0))
    assert f"3 of 8 single-choice questions (38%) key the strictly {which} option" in found[3]
    assert "m-one-1, m-one-2, m-two-1" in found[3]


def test_keyed_longest_at_the_limit_is_accepted(tmp_path):
    quiz = CLEAN
    for qid in ("m-one-1", "m-two-1"):  # 2 of 8 = 25 %
        quiz = quiz.replace(f"{{id: a, text: KEYED-{qid} act one}}", f"{{id: a, text: KEYED-{qid} act one!}}")
    assert lint_of(tmp_path, quiz) == []


def true_false(qid: str, module: str, statement: str, correct: str) -> str:
    return (
        f"  - id: {qid}\n    type: true_false\n    module: {module}\n"
        f"    scenario: {statement}\n    prompt: Is this right?\n    correct: {correct}\n"
        f"    explanation: Because.\n    sources: [S1]\n"
    )


# Rule 4: no absolute cue words in true/false statements.
def test_true_false_with_a_cue_word(tmp_path):
    quiz = bank({"m-one": 5, "m-two": 4}, per_attempt=3, blueprint=BLUEPRINT) + true_false(
        "tf-1", "m-one", "A cleaner must never report what she finds in the hold.", "false"
    )
    quiz = replace_question(quiz, "m-one-5", "")  # keeps 9 questions; 1 of 9 true/false
    quiz += true_false("tf-2", "m-one", "A worker whose employer keeps his passport may be in forced labour.", "true")
    found = only(lint_of(tmp_path, quiz))
    assert found[0:2] == (QUIZ, "questions[8]")
    assert "cue word(s) must, never" in found[3]


# Rule 5: true/false at most 20 % of a bank, 35-65 % of them keyed true.
def test_too_many_true_false(tmp_path):
    quiz = CLEAN
    statements = (
        ("A ground handler sees a worker locked inside a catering truck.", "true"),
        ("A gate agent may ask her supervisor when a booking looks odd.", "false"),
        ("Crew note seat numbers when a child seems afraid of the adult with him.", "true"),
        ("Screeners hand a suspected victim's passport back to her escort.", "false"),
    )
    for n, (statement, correct) in enumerate(statements):  # 4 of 12 = 33 %
        quiz += true_false(f"tf-{n}", "m-one", statement, correct)
    found = only(lint_of(tmp_path, quiz))
    assert found[:3] == (QUIZ, "questions", line_of(0))
    assert "4 of 12 questions (33%) are true/false; at most 20%" in found[3]


def test_true_false_keyed_one_way(tmp_path):
    quiz = CLEAN
    quiz += true_false("tf-1", "m-one", "A ground handler sees a worker locked inside a catering truck.", "true")
    quiz += true_false("tf-2", "m-two", "A gate agent may ask her supervisor when a booking looks odd.", "true")
    found = only(lint_of(tmp_path, quiz))
    assert found[:3] == (QUIZ, "questions", line_of(0))
    assert "100% of the true/false questions are keyed true; keep it between 35% and 65%" in found[3]


# Rule 6: no "all of the above" or the like.
@pytest.mark.parametrize(
    "text", ["All of the above", "None of the above", "Both of the above", "all the above", "None of these"]
)
def test_all_of_the_above(tmp_path, text):
    quiz = CLEAN.replace("{id: c, text: WRONG-m-two-2 act six}", f"{{id: c, text: {text}}}")
    found = only(lint_of(tmp_path, quiz))
    assert found[:3] == (QUIZ, "questions[5].options[2]", line_of(5) + 8)
    assert "write every option as an answer of its own" in found[3]


# Rule 7: no near-duplicate stems, within a bank and between a refresher's bank and its course's.
def test_options_that_only_mention_all_or_answers_are_accepted(tmp_path):
    quiz = CLEAN.replace("{id: c, text: WRONG-m-two-2 act six}", "{id: c, text: Record all answers given}")
    assert lint_of(tmp_path, quiz) == []


def test_near_duplicate_stems_in_a_bank(tmp_path):
    quiz = CLEAN.replace(
        "scenario: At check-in a recruiter pays for six tickets in cash and keeps every boarding pass.",
        "scenario: At check-in a recruiter pays for five tickets in cash and keeps all the boarding passes.",
    ).replace("PROMPT-m-two-2 what", "PROMPT-m-one-2 what")
    quiz = quiz.replace(
        "scenario: During boarding a girl of about twelve travels with a woman who is not on her booking.",
        "scenario: At check-in a recruiter pays for six tickets in cash and keeps every boarding pass.",
    )
    found = only(lint_of(tmp_path, quiz))
    assert found[:3] == (QUIZ, "questions[5]", line_of(5))
    assert "the stem of 'm-two-2' is" in found[3]
    assert f"like that of 'm-one-2' (line {line_of(1)})" in found[3]


def test_a_refresher_must_not_copy_its_course_bank(tmp_path):
    root = write_content(tmp_path, quiz=CLEAN)
    write_refresher(root)
    refresher = "quizzes/test-refresher.yaml"
    copy = CLEAN.replace("slug: test-course", "slug: test-refresher").replace("id: m-", "id: r-")
    (root / refresher).write_text(copy.replace("- {id: a, text: KEYED-m", "- {id: a, text: KEYED-r"))
    found = findings(root)
    assert [f[:3] for f in found] == [(refresher, f"questions[{n}]", line_of(n)) for n in range(8)]
    assert "the stem of 'r-one-1' is 100% like that of 'm-one-1' (quizzes/test-course.yaml line 15)" in found[0][3]


# Rule 8: a module's check-yourself question is never reused in a graded bank.
def test_module_check_reused_in_the_bank(tmp_path):
    root = write_content(tmp_path, quiz=CLEAN)
    module = MODULE.format(title="Module one", body="Text.").replace(
        "  prompt: Which is right?",
        "  prompt: At the gate you notice a man holding three passports for a group of quiet workers. What now?",
    )
    (root / "modules/test-course/m-one.md").write_text(module)
    found = only(findings(root))
    assert found[:3] == ("modules/test-course/m-one.md", "check", 10)
    assert "like 'm-one-1' in quizzes/test-course.yaml (line 15); a graded bank must not reuse it" in found[3]


# Rule 9: at least 60 % scenarios.
def test_too_few_scenarios(tmp_path):
    quiz = re.sub(r"    scenario: (.*)\n    prompt: .*\n", r"    prompt: \1\n", CLEAN, count=4)  # 4 of 8 left
    found = only(lint_of(tmp_path, quiz))
    assert found[:2] == (QUIZ, "questions")
    assert "only 50% of the questions have a scenario; write at least 60%" in found[3]


# Rule 12: the page says "Choose all that apply." itself; a question never says it too.
def test_a_multiple_choice_prompt_that_says_select_all_that_apply(tmp_path):
    quiz = CLEAN.replace(
        "    type: single\n    module: m-one\n    scenario: At the gate",
        "    type: multiple\n    module: m-one\n    scenario: At the gate",
        1,
    ).replace(
        "      - {id: c, text: WRONG-m-one-1 act six}\n",
        "      - {id: c, text: WRONG-m-one-1 act six}\n      - {id: d, text: WRONG-m-one-1 act ten}\n",
    )
    assert lint_of(tmp_path, quiz) == []
    quiz = quiz.replace(
        "PROMPT-m-one-1 what do you do?", "PROMPT-m-one-1 what do you do? Select all that\n      apply."
    )
    found = only(lint_of(tmp_path, quiz))
    assert found[:3] == (QUIZ, "questions[0].prompt", line_of(0))
    assert "says 'Select all that apply.'; the page adds 'Choose all that apply.'" in found[3]


@pytest.mark.parametrize("phrase", ["Choose all that apply.", "Tick all that apply", "(all that apply)"])
def test_a_single_choice_prompt_that_says_all_that_apply(tmp_path, phrase):
    quiz = CLEAN.replace("PROMPT-m-two-1 what do you do?", f"PROMPT-m-two-1 what do you do? {phrase}")
    found = only(lint_of(tmp_path, quiz))
    assert found[:3] == (QUIZ, "questions[4].prompt", line_of(4))
    assert "only a multiple-choice question has more than one right answer" in found[3]


def test_check_command_prints_the_figures_and_fails_on_a_finding(app, runner, tmp_path):
    previous = app.config["CONTENT_DIR"]
    app.config["CONTENT_DIR"] = str(write_content(tmp_path, quiz=CLEAN))
    try:
        clean = runner.invoke(args=["load-content", "--check"])
        assert clean.exit_code == 0, clean.output
        assert "test-course: 8 questions (8 single-choice); keyed longest 0%, keyed shortest 0%" in clean.output
        assert "content is valid: 1 course(s)" in clean.output
        (tmp_path / QUIZ).write_text(
            CLEAN.replace("{id: c, text: WRONG-m-two-2 act six}", "{id: c, text: All of the above}")
        )
        broken = runner.invoke(args=["load-content", "--check"])
        assert broken.exit_code == 1
        assert (
            f"error: {QUIZ}:{line_of(5) + 8}: questions[5].options[2]: option 'c' says 'All of the above'"
            in broken.output
        )
        assert "1 lint problem(s)" in broken.output
    finally:
        app.config["CONTENT_DIR"] = previous


@pytest.mark.slow  # lints every shipped bank
def test_shipped_banks_pass_the_lint(project_root):
    bundle, problems = read_content(project_root)
    assert problems == []
    found, _ = lint(bundle)
    assert found == [], "\n".join(map(str, found))


# Rule 10: ids are unique across banks (the validator), and a changed question takes a new id.
def test_a_changed_question_may_not_keep_a_published_id(app, runner, tmp_path):
    root = write_content(tmp_path, quiz=CLEAN)
    with app.app_context():
        assert content_loader.load_content(root).ok
        assert content_loader.check_content(root).problems == []  # unchanged: keeps its id
    bank = root / QUIZ
    bank.write_text(CLEAN.replace("PROMPT-m-one-2 what do you do?", "PROMPT-m-one-2 what do you do first?"))
    with app.app_context():
        problems = content_loader.check_content(root).problems
    assert [(p.path, p.field, p.line) for p in problems] == [(QUIZ, "questions[1].id", line_of(1))]
    assert "question id 'm-one-2' was published (in test-course) with other text" in problems[0].message
    # A new id, or a change that is not the question (its explanation), passes.
    bank.write_text(
        CLEAN.replace("id: m-one-2\n", "id: m-one-2b\n").replace("PROMPT-m-one-2 what", "PROMPT-m-one-2b what")
    )
    with app.app_context():
        assert content_loader.check_content(root).problems == []
    bank.write_text(CLEAN.replace("EXPLANATION-m-one-2 observing", "EXPLANATION-m-one-2 noting"))
    with app.app_context():
        assert content_loader.check_content(root).problems == []
