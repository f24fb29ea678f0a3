"""The content reader and validator: small content trees broken one way at a time, and the shipped content."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.content_fixture import edit
from training.content import JOB_FUNCTIONS, Option, Problem, read_content

COURSE = "modules/basics/course.yaml"
FIRST = "modules/basics/first.md"
QUIZ = "quizzes/basics.yaml"

COURSE_YAML = """\
spec: 1
slug: basics
title: Basics
summary: A short course.
version: "1"
required_for:
  - cabin_crew
valid_months: 12
estimated_minutes: 10
renews: null
modules:
  - first
  - second
quiz: basics
"""

MODULE_MD = """\
---
title: First module
estimated_minutes: 5
objectives:
  - Know the first thing.
sources:
  - key: S1
    title: Source one
check:
  prompt: Which is right?
  options:
    - id: a
      text: This one.
      feedback: This one is the first thing.
    - id: b
      text: That one.
      feedback: That one is the second thing.
  correct: a
---

## Heading

Some text.
"""

QUIZ_YAML = """\
spec: 1
slug: basics
title: Basics quiz
pass_mark: 80
questions_per_attempt: 2
time_limit_minutes: 10
attempts_per_24h: 3
cooldown_minutes: 30
sources:
  S1: Source one
questions:
  - id: b-001
    type: single
    module: first
    prompt: Pick one.
    options:
      - id: a
        text: Agree
      - id: b
        text: Disagree
    correct: [a]
    explanation: Because.
    sources: [S1]
  - id: b-002
    type: multiple
    module: second
    scenario: A passenger looks worried.
    prompt: Pick some.
    options:
      - id: a
        text: One
      - id: b
        text: Two
      - id: c
        text: Three
    correct: [a, b]
    explanation: Because.
    sources: [S1]
  - id: b-003
    type: true_false
    module: second
    prompt: True or false?
    correct: true
    explanation: Because.
    sources: [S1]
"""


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def write_course(root: Path, slug: str = "basics", renews: str = "null") -> None:
    """A minimal valid course with two modules and its quiz, named ``slug``."""
    course = COURSE_YAML.replace("basics", slug).replace("renews: null", f"renews: {renews}")
    write(root, f"modules/{slug}/course.yaml", course)
    write(root, f"modules/{slug}/first.md", MODULE_MD)
    write(root, f"modules/{slug}/second.md", MODULE_MD.replace("First module", "Second module"))
    write(root, f"quizzes/{slug}.yaml", QUIZ_YAML.replace("basics", slug).replace("b-00", f"{slug[0]}-00"))


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A valid content root, with the files the reader must ignore."""
    write_course(tmp_path)
    write(tmp_path, "modules/README.md", "# Course content\n")
    write(tmp_path, "quizzes/README.md", "# Question banks\n")
    write(tmp_path, "modules/basics/notes.txt", "not content\n")
    return tmp_path


def problems_of(root: Path) -> list[Problem]:
    bundle, problems = read_content(root)
    assert bundle is None
    assert problems
    return problems


def only_problem(root: Path) -> Problem:
    problems = problems_of(root)
    assert len(problems) == 1, "\n".join(map(str, problems))
    return problems[0]


# --- the valid tree ------------------------------------------------------------------------------


def test_minimal_tree_is_valid_and_normalised(content):
    bundle, problems = read_content(content)
    assert problems == []
    assert bundle is not None
    (course,) = bundle.courses
    assert (course.slug, course.version, course.required_for, course.renews) == ("basics", "1", ("cabin_crew",), None)
    assert [m.slug for m in course.modules] == ["first", "second"]
    first = course.modules[0]
    assert first.path == FIRST
    assert first.body == "## Heading\n\nSome text.\n"
    assert first.check.correct == "a"
    assert first.check.options[1] == Option("b", "That one.", "That one is the second thing.")
    quiz = course.quiz
    assert (quiz.slug, quiz.pass_mark, quiz.questions_per_attempt, quiz.cooldown_minutes) == ("basics", 80, 2, 30)
    assert quiz.source_titles() == {"S1": "Source one"}
    single, multiple, true_false = quiz.questions
    assert single.correct == ("a",)
    assert single.options == (Option("a", "Agree"), Option("b", "Disagree"))
    assert single.scenario == ""
    assert multiple.correct == ("a", "b")
    assert multiple.scenario == "A passenger looks worried."
    assert true_false.options == (Option("true", "True"), Option("false", "False"))
    assert true_false.correct == ("true",)
    assert len(course.content_hash) == 64


def test_renews_and_a_second_course(content):
    write_course(content, "yearly", renews="basics")
    bundle, problems = read_content(content)
    assert problems == []
    assert [c.slug for c in bundle.courses] == ["basics", "yearly"]
    assert bundle.course("yearly").renews == "basics"


def test_problem_str():
    assert str(Problem(QUIZ, "questions[3].correct", "wrong.", 12)) == f"{QUIZ}:12: questions[3].correct: wrong."
    assert str(Problem(QUIZ, "", "no course uses this quiz.", None)) == f"{QUIZ}: no course uses this quiz."


def test_job_functions():
    assert JOB_FUNCTIONS == (
        "cabin_crew", "flight_crew", "check_in", "gate", "ground_handling", "security", "customer_service", "other",
    )  # fmt: skip


# --- one kind of error at a time ----------------------------------------------------------------

SEVEN_OPTIONS = "".join(f"      - id: o{n}\n        text: Option {n}\n" for n in range(4))

CASES = [
    # (name, file, old, new, field, message fragment, line)
    ("bad-yaml", COURSE, "summary: A short course.", "summary: A short: course.", "", "not valid YAML", 4),
    # YAML errors are reported where their cause is, not where the parser noticed them (lines later).
    (
        "yaml-quote-left-open",
        COURSE,
        "title: Basics",
        'title: "Basics',
        "",
        "the quoted text that starts on this line runs on to line 5: is its closing quote missing?",
        3,
    ),
    ("yaml-line-without-colon", COURSE, "title: Basics", "title Basics", "", "could not find expected ':'", 3),
    (
        "yaml-bracket-left-open",
        COURSE,
        "required_for:\n  - cabin_crew\n",
        "required_for: [cabin_crew\n",
        "",
        "while parsing a flow sequence",
        6,
    ),
    (
        "yaml-quote-left-open-to-the-end",
        QUIZ,
        "title: Basics quiz",
        "title: 'Basics quiz",
        "",
        "while scanning a quoted",
        3,
    ),
    (
        "bad-yaml-in-front-matter",
        FIRST,
        "prompt: Which is right?",
        "prompt: Which: is right?",
        "",
        "not valid YAML",
        10,
    ),
    (
        "unknown-key",
        COURSE,
        "valid_months: 12\n",
        "valid_months: 12\nvalid_month: 6\n",
        "valid_month",
        "unknown key 'valid_month'. Did you mean 'valid_months'?",
        9,
    ),
    (
        "unknown-key-without-match",
        FIRST,
        "title: First module\n",
        "title: First module\ncolour: red\n",
        "colour",
        "Known keys here: title, estimated_minutes",
        3,
    ),
    ("duplicate-yaml-key", COURSE, "title: Basics\n", "title: Basics\ntitle: Again\n", "title", "written twice", 4),
    ("missing-field", COURSE, "summary: A short course.\n", "", "summary", "missing required field 'summary'", 1),
    ("empty-field", QUIZ, "title: Basics quiz", "title:", "title", "'title' is empty", 3),
    (
        "pass-mark-text",
        QUIZ,
        "pass_mark: 80",
        "pass_mark: eighty",
        "pass_mark",
        "must be a whole number from 1 to 100, found the text 'eighty'",
        4,
    ),
    ("pass-mark-over-100", QUIZ, "pass_mark: 80", "pass_mark: 101", "pass_mark", "from 1 to 100, found 101", 4),
    (
        "negative-number",
        QUIZ,
        "time_limit_minutes: 10",
        "time_limit_minutes: -5",
        "time_limit_minutes",
        "at least 1, found -5",
        6,
    ),
    ("zero", COURSE, "valid_months: 12", "valid_months: 0", "valid_months", "at least 1, found 0", 8),
    ("negative-cooldown", QUIZ, "cooldown_minutes: 30", "cooldown_minutes: -1", "cooldown_minutes", "0 or more", 8),
    ("boolean-number", FIRST, "estimated_minutes: 5", "estimated_minutes: true", "estimated_minutes", "found true", 3),
    ("version-not-text", COURSE, 'version: "1"', "version: 2026.1", "version", "must be text", 5),
    (
        "wrong-list-type",
        FIRST,
        "objectives:\n  - Know the first thing.",
        "objectives: Know it.",
        "objectives",
        "must be a list",
        4,
    ),
    ("spec-not-1", COURSE, "spec: 1", "spec: 2", "spec", "must be 1", 1),
    (
        "course-slug-not-folder",
        COURSE,
        "slug: basics",
        "slug: basic",
        "slug",
        "must equal the course folder name 'basics'",
        2,
    ),
    ("quiz-slug-not-file", QUIZ, "slug: basics", "slug: other", "slug", "must equal the quiz file name 'basics'", 2),
    ("slug-format", COURSE, "slug: basics", "slug: Basics_1", "slug", "not a valid slug", 2),
    (
        "job-function",
        COURSE,
        "  - cabin_crew",
        "  - cabin_crw",
        "required_for[0]",
        "unknown job function 'cabin_crw'. Did you mean 'cabin_crew'?",
        7,
    ),
    (
        "job-function-twice",
        COURSE,
        "  - cabin_crew",
        "  - cabin_crew\n  - cabin_crew",
        "required_for[1]",
        "listed twice",
        8,
    ),
    (
        "module-listed-twice",
        COURSE,
        "  - second\n",
        "  - second\n  - first\n",
        "modules[2]",
        "module 'first' is listed twice",
        14,
    ),
    (
        "module-file-missing",
        COURSE,
        "  - second\n",
        "  - second\n  - third\n",
        "modules[2]",
        "there is no file modules/basics/third.md",
        14,
    ),
    (
        "renews-missing-course",
        COURSE,
        "renews: null",
        "renews: basic-refresher",
        "renews",
        "there is no course 'basic-refresher'",
        10,
    ),
    ("renews-itself", COURSE, "renews: null", "renews: basics", "renews", "cannot renew itself", 10),
    (
        "question-id-twice",
        QUIZ,
        "  - id: b-002",
        "  - id: b-001",
        "questions[1].id",
        "'b-001' is used twice in this quiz (first on line 12)",
        24,
    ),
    (
        "option-id-twice",
        QUIZ,
        "      - id: b\n        text: Disagree",
        "      - id: a\n        text: Disagree",
        "questions[0].options[1].id",
        "option id 'a' is used twice",
        19,
    ),
    (
        "single-two-correct",
        QUIZ,
        "    correct: [a]",
        "    correct: [a, b]",
        "questions[0].correct",
        "single-choice question needs exactly one correct option, found 2",
        21,
    ),
    (
        "single-bare-id-is-fine-but-wrong",
        QUIZ,
        "    correct: [a]",
        "    correct: z",
        "questions[0].correct",
        "'z' is not the id of one of this question's options. The option ids are: a, b",
        21,
    ),
    (
        "multiple-no-correct",
        QUIZ,
        "    correct: [a, b]",
        "    correct: []",
        "questions[1].correct",
        "needs at least one correct option",
        36,
    ),
    (
        "correct-not-an-option",
        QUIZ,
        "    correct: [a]",
        "    correct: [z]",
        "questions[0].correct[0]",
        "'z' is not the id of one of this question's options",
        21,
    ),
    (
        "true-false-with-options",
        QUIZ,
        "    correct: true\n",
        "    correct: true\n    options: [a, b]\n",
        "questions[2].options",
        "take no options",
        44,
    ),
    (
        "true-false-not-boolean",
        QUIZ,
        "    correct: true",
        '    correct: "true"',
        "questions[2].correct",
        "true or false (without quotes)",
        43,
    ),
    (
        "too-few-options",
        QUIZ,
        "      - id: b\n        text: Disagree\n",
        "",
        "questions[0].options",
        "needs 2 to 6 options, found 1",
        16,
    ),
    (
        "too-many-options",
        QUIZ,
        "        text: Three\n",
        "        text: Three\n" + SEVEN_OPTIONS,
        "questions[1].options",
        "needs 2 to 6 options, found 7",
        29,
    ),
    (
        "unknown-question-type",
        QUIZ,
        "    type: single",
        "    type: singel",
        "questions[0].type",
        "Did you mean 'single'?",
        13,
    ),
    (
        "draws-more-than-bank",
        QUIZ,
        "questions_per_attempt: 2",
        "questions_per_attempt: 4",
        "questions_per_attempt",
        "draws 4 questions per attempt but the bank has only 3",
        5,
    ),
    (
        "question-module-not-in-course",
        QUIZ,
        "    module: first",
        "    module: frist",
        "questions[0].module",
        "'frist' is not a module of course 'basics', which uses this quiz. Did you mean 'first'?",
        14,
    ),
    (
        "source-not-in-quiz",
        QUIZ,
        "    sources: [S1]\n  - id: b-002",
        "    sources: [S2]\n  - id: b-002",
        "questions[0].sources[0]",
        "source 'S2' is not in this quiz's sources",
        23,
    ),
    (
        "quiz-option-feedback",
        QUIZ,
        "        text: Agree\n",
        "        text: Agree\n        feedback: Well done.\n",
        "questions[0].options[0].feedback",
        "'feedback' is refused",
        19,
    ),
    (
        "quiz-question-hint",
        QUIZ,
        "    prompt: Pick one.\n",
        "    prompt: Pick one.\n    hint: It is a.\n",
        "questions[0].hint",
        "quiz questions have no 'hint'",
        16,
    ),
    (
        "check-two-correct",
        FIRST,
        "  correct: a",
        "  correct: [a, b]",
        "check.correct",
        "a check question needs exactly one correct option, found 2",
        18,
    ),
    (
        "check-correct-not-option",
        FIRST,
        "  correct: a",
        "  correct: c",
        "check.correct",
        "'c' is not the id of one of this question's options",
        18,
    ),
    (
        "check-option-without-feedback",
        FIRST,
        "      feedback: That one is the second thing.\n",
        "",
        "check.options[1].feedback",
        "missing required field 'feedback'",
        15,
    ),
    (
        "check-one-option",
        FIRST,
        "    - id: b\n      text: That one.\n      feedback: That one is the second thing.\n",
        "",
        "check.options",
        "needs 2 to 6 options, found 1",
        11,
    ),
    (
        "module-source-twice",
        FIRST,
        "    title: Source one\n",
        "    title: Source one\n  - key: S1\n    title: Again\n",
        "sources[1].key",
        "listed twice",
        9,
    ),
    ("empty-body", FIRST, "\n## Heading\n\nSome text.\n", "\n\n", "body", "no text after its front matter", 19),
    ("top-level-heading", FIRST, "## Heading", "# Heading", "body", "start at '##'", 21),
]


@pytest.mark.parametrize(
    ("rel", "old", "new", "field", "fragment", "line"), [case[1:] for case in CASES], ids=[case[0] for case in CASES]
)
def test_one_problem(content, rel, old, new, field, fragment, line):
    edit(content, rel, old, new)
    problem = only_problem(content)
    assert (problem.path, problem.field, problem.line) == (rel, field, line), str(problem)
    assert fragment in problem.message


@pytest.mark.parametrize(
    ("feedback", "verdict"),
    [
        ("Right. This one is the first thing.", "Right."),
        ("Correct! This one is the first thing.", "Correct!"),
        ("Yes, this one is the first thing.", "Yes,"),
        ("no: this one is the first thing.", "no:"),
        ("Not quite. This one is the first thing.", "Not quite."),
        ("Not so \u2014 this one is the first thing.", "Not so \u2014"),
        ("Wrong. This one is the first thing.", "Wrong."),
        ("Incorrect; this one is the first thing.", "Incorrect;"),
        ("Right.", "Right."),
    ],
)
def test_check_feedback_never_opens_with_a_verdict(content, feedback, verdict):
    """The page says "Right." or "Not quite." itself: "Right. Right." is what a learner would read."""
    edit(content, FIRST, "      feedback: This one is the first thing.", f'      feedback: "{feedback}"')
    problem = only_problem(content)
    assert (problem.path, problem.field, problem.line) == (FIRST, "check.options[0].feedback", 14), str(problem)
    assert f"begins with the verdict '{verdict}'" in problem.message
    assert str(problem).startswith(f"{FIRST}:14: ")


@pytest.mark.parametrize(
    "feedback",
    [
        "Not on this alone. One sign is not a cluster.",
        "No means needs to be shown for a child.",
        "Nothing else points the same way.",
        "No-one may question her.",
        "Rightly, you report it.",
        "Yesterday's rule still applies.",
    ],
)
def test_check_feedback_may_start_with_words_that_are_not_a_verdict(content, feedback):
    edit(content, FIRST, "      feedback: This one is the first thing.", f'      feedback: "{feedback}"')
    bundle, problems = read_content(content)
    assert problems == []
    assert bundle.courses[0].modules[0].check.options[0].feedback == feedback


def test_file_that_is_not_a_mapping(content):
    write(content, QUIZ, "- just\n- a list\n")
    problem = only_problem(content)  # a quiz that cannot be read is not also called an orphan
    assert (problem.path, problem.field, problem.line) == (QUIZ, "", 1)
    assert "must be a mapping" in problem.message


def test_empty_file(content):
    write(content, QUIZ, "")
    problem = only_problem(content)
    assert (problem.path, problem.field, problem.line) == (QUIZ, "", 1)
    assert "is empty" in problem.message


def test_module_without_front_matter(content):
    write(content, FIRST, "## Heading\n\nSome text.\n")
    problem = only_problem(content)
    assert (problem.path, problem.field, problem.line) == (FIRST, "", 1)
    assert "must start with YAML front matter" in problem.message


def test_front_matter_never_closed(content):
    write(content, FIRST, MODULE_MD.replace("---\n\n## Heading", "\n## Heading"))
    problem = only_problem(content)
    assert (problem.path, problem.line) == (FIRST, 1)
    assert "never closed" in problem.message


def test_file_that_is_not_utf8(content):
    (content / FIRST).write_bytes(MODULE_MD.encode() + b"\n\xff\n")
    problem = only_problem(content)
    assert (problem.path, problem.field, problem.line) == (FIRST, "", 25)
    assert "not UTF-8" in problem.message


def test_module_name_that_is_not_a_slug(content):
    edit(content, COURSE, "  - second\n", "  - second\n  - Third_Bit\n")
    write(content, "modules/basics/Third_Bit.md", MODULE_MD)
    problem = only_problem(content)
    assert (problem.path, problem.field, problem.line) == (COURSE, "modules[2]", 14)
    assert "module name 'Third_Bit' is not a valid slug" in problem.message


def test_missing_quiz_and_orphan_quiz(content):
    edit(content, COURSE, "quiz: basics", "quiz: basix")
    missing, orphan = problems_of(content)
    assert (missing.path, missing.field, missing.line) == (COURSE, "quiz", 14)
    assert "there is no quiz file quizzes/basix.yaml. Did you mean 'basics'?" in missing.message
    assert (orphan.path, orphan.field, orphan.line) == (QUIZ, "", None)
    assert "no course uses this quiz" in orphan.message


def test_orphan_quiz(content):
    write(content, "quizzes/spare.yaml", QUIZ_YAML.replace("basics", "spare").replace("b-00", "s-00"))
    problem = only_problem(content)
    assert (problem.path, problem.field, problem.line) == ("quizzes/spare.yaml", "", None)
    assert "no course uses this quiz" in problem.message


def test_orphan_module(content):
    write(content, "modules/basics/third.md", MODULE_MD)
    problem = only_problem(content)
    assert (problem.path, problem.field, problem.line) == ("modules/basics/third.md", "", None)
    assert "not listed in the course's course.yaml" in problem.message


def test_course_folder_without_course_yaml(content):
    (content / "modules/empty").mkdir()
    problem = only_problem(content)
    assert (problem.path, problem.field, problem.line) == ("modules/empty", "", None)
    assert "no course.yaml" in problem.message


def test_yml_quiz_file(content):
    write(content, "quizzes/spare.yml", "spec: 1\n")
    problem = only_problem(content)
    assert problem.path == "quizzes/spare.yml"
    assert "rename it to spare.yaml" in problem.message


def test_duplicate_question_ids_across_quizzes(content):
    write_course(content, "yearly")
    edit(content, "quizzes/yearly.yaml", "  - id: y-002", "  - id: b-002")
    problem = only_problem(content)
    assert (problem.path, problem.field, problem.line) == ("quizzes/yearly.yaml", "questions[1].id", 24)
    assert "'b-002' is already used in quizzes/basics.yaml (line 24)" in problem.message


def test_shared_quiz_questions_must_fit_every_course(content):
    write_course(content, "yearly")
    (content / "quizzes/yearly.yaml").unlink()
    edit(content, "modules/yearly/course.yaml", "quiz: yearly", "quiz: basics")
    edit(content, "modules/yearly/course.yaml", "  - second\n", "")
    (content / "modules/yearly/second.md").unlink()
    problems = problems_of(content)
    assert [(p.path, p.field, p.line) for p in problems] == [
        (QUIZ, "questions[1].module", 26),
        (QUIZ, "questions[2].module", 41),
    ]
    assert all("not a module of course 'yearly'" in p.message for p in problems)


def test_missing_content_folders(tmp_path):
    problems = problems_of(tmp_path)
    assert [(p.path, p.field) for p in problems] == [("modules", ""), ("quizzes", "")]


def test_every_problem_in_every_file_is_reported_at_once(content):
    edit(content, COURSE, "valid_months: 12", "valid_months: twelve")
    edit(content, COURSE, "  - cabin_crew", "  - pilots")
    edit(content, FIRST, "  correct: a", "  correct: z")
    edit(content, "modules/basics/second.md", "estimated_minutes: 5", "estimated_minutes: -1")
    edit(content, QUIZ, "pass_mark: 80", "pass_mark: 0")
    edit(content, QUIZ, "    correct: [a, b]", "    correct: []")
    write(content, "quizzes/broken.yaml", "spec: 1\ntitle: [unclosed\n")
    problems = problems_of(content)
    found = {(p.path, p.field, p.line) for p in problems}
    assert found == {
        (COURSE, "required_for[0]", 7),
        (COURSE, "valid_months", 8),
        (FIRST, "check.correct", 18),
        ("modules/basics/second.md", "estimated_minutes", 3),
        (QUIZ, "pass_mark", 4),
        (QUIZ, "questions[1].correct", 36),
        ("quizzes/broken.yaml", "", 2),  # where the bracket left open is
    }, "\n".join(map(str, problems))
    assert problems == sorted(problems, key=lambda p: (p.path, p.line or 0))


# --- the content hash ------------------------------------------------------------------------------


def hashes(root: Path) -> dict[str, str]:
    bundle, problems = read_content(root)
    assert problems == []
    return {course.slug: course.content_hash for course in bundle.courses}


def test_content_hash_is_stable_and_follows_every_byte(content):
    write_course(content, "yearly")
    before = hashes(content)
    assert hashes(content) == before
    os.utime(content / FIRST, (1_000_000_000, 1_000_000_000))  # mtimes do not count
    write(content, "modules/basics/notes.txt", "changed, but not content\n")
    assert hashes(content) == before

    edit(content, FIRST, "Some text.", "Some test.")  # one byte of one module
    after = hashes(content)
    assert after["basics"] != before["basics"]
    assert after["yearly"] == before["yearly"]

    edit(content, "quizzes/yearly.yaml", "pass_mark: 80", "pass_mark: 81")
    assert hashes(content)["yearly"] != before["yearly"]
    edit(content, "modules/yearly/course.yaml", "title: Basics", "title: Basicz")
    assert hashes(content)["yearly"] not in (before["yearly"], after["yearly"])


# --- the shipped content -----------------------------------------------------------------------------


def test_shipped_content_is_valid():
    bundle, problems = read_content(Path(__file__).parent.parent)
    assert problems == [], "\n".join(map(str, problems))
    courses = {course.slug: course for course in bundle.courses}
    assert set(courses) == {
        "recognize-and-report",
        "cabin-crew",
        "check-in-and-gate",
        "ground-and-security",
        "refresher",
    }
    core = courses["recognize-and-report"].quiz
    assert len(core.questions) >= 40
    assert (core.questions_per_attempt, core.pass_mark) == (15, 80)
    for slug in ("cabin-crew", "check-in-and-gate", "ground-and-security"):
        quiz = courses[slug].quiz
        assert len(quiz.questions) >= 15, slug
        assert quiz.questions_per_attempt == 8, slug
    assert courses["refresher"].renews == "recognize-and-report"
    assert len({course.content_hash for course in bundle.courses}) == len(courses)
