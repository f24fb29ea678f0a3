"""A small, valid content tree for journey tests: one course, two modules, a four-question quiz."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from training.services import content_loader

COURSE = """\
spec: 1
slug: test-course
title: Test course
summary: A course for tests.
version: "1"
required_for: [cabin_crew]
valid_months: 12
estimated_minutes: 10
renews: null
modules: [m-one, m-two]
quiz: test-course
"""

MODULE = """\
---
title: {title}
estimated_minutes: 3
objectives:
  - Know a thing.
sources:
  - key: S1
    title: Source one
check:
  prompt: Which is right?
  options:
    - id: a
      text: The right one.
      feedback: That is the right one.
    - id: b
      text: The wrong one.
      feedback: Look again at the module.
  correct: a
---

## {title} heading

{body}
"""

QUIZ = """\
spec: 1
slug: test-course
title: Test quiz
pass_mark: 75
questions_per_attempt: 4
time_limit_minutes: 10
attempts_per_24h: 2
cooldown_minutes: 30
sources:
  S1: Source one
questions:
  - id: t-single
    type: single
    module: m-one
    prompt: SINGLE-PROMPT pick the safe action.
    options:
      - {id: a, text: Observe and report}
      - {id: b, text: Confront them}
      - {id: c, text: Ignore it}
    correct: [a]
    explanation: SINGLE-EXPLANATION observing and reporting is safe.
    sources: [S1]
  - id: t-multi
    type: multiple
    module: m-one
    prompt: MULTI-PROMPT which are indicators?
    options:
      - {id: a, text: Someone else holds the passport}
      - {id: b, text: Cannot say where they will stay}
      - {id: c, text: Their nationality}
    correct: [a, b]
    explanation: MULTI-EXPLANATION documents and plans, never nationality.
    sources: [S1]
  - id: t-true
    type: true_false
    module: m-two
    prompt: TF-PROMPT trafficking can happen without crossing a border.
    correct: true
    explanation: TF-EXPLANATION it can be domestic.
    sources: [S1]
  - id: t-single-2
    type: single
    module: m-two
    scenario: SCENARIO-TEXT a passenger passes you a note.
    prompt: SINGLE2-PROMPT what do you do?
    options:
      - {id: x, text: Tell the pilot-in-command discreetly}
      - {id: y, text: Read it aloud}
    correct: [x]
    explanation: SINGLE2-EXPLANATION stay calm and report.
    sources: [S1]
"""

ANSWERS_ALL_RIGHT = {"t-single": ["a"], "t-multi": ["a", "b"], "t-true": ["true"], "t-single-2": ["x"]}


def write_content(root: Path, *, module_two_body: str = "[[reporting-contacts]]", quiz: str = QUIZ) -> Path:
    course_dir = root / "modules" / "test-course"
    course_dir.mkdir(parents=True, exist_ok=True)
    (root / "quizzes").mkdir(exist_ok=True)
    (course_dir / "course.yaml").write_text(COURSE)
    (course_dir / "m-one.md").write_text(MODULE.format(title="Module one", body="The first module's text."))
    (course_dir / "m-two.md").write_text(MODULE.format(title="Module two", body=module_two_body))
    (root / "quizzes" / "test-course.yaml").write_text(quiz)
    return root


def write_refresher(root: Path) -> None:
    """Add `test-refresher`, which renews `test-course`'s certificate (same modules and questions)."""
    src = root / "modules" / "test-course"
    dst = root / "modules" / "test-refresher"
    dst.mkdir(parents=True, exist_ok=True)
    (dst / "course.yaml").write_text(
        COURSE.replace("slug: test-course", "slug: test-refresher")
        .replace("title: Test course", "title: Test refresher")
        .replace("required_for: [cabin_crew]", "required_for: []")
        .replace("renews: null", "renews: test-course")
        .replace("quiz: test-course", "quiz: test-refresher")
    )
    for name in ("m-one.md", "m-two.md"):
        (dst / name).write_text((src / name).read_text())
    (root / "quizzes" / "test-refresher.yaml").write_text(
        QUIZ.replace("slug: test-course", "slug: test-refresher").replace("id: t-", "id: r-")
    )


REFRESHER_ANSWERS = {k.replace("t-", "r-", 1): v for k, v in ANSWERS_ALL_RIGHT.items()}


def load_test_content(app: Flask, tmp_path: Path) -> None:
    """Write the test content tree under ``tmp_path`` and load it into the app's database."""
    with app.app_context():
        assert content_loader.load_content(write_content(tmp_path)).ok
