"""A small, valid content tree for journey tests: one course, two modules, a four-question quiz."""

from __future__ import annotations

import hashlib
from pathlib import Path

import yaml
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


# --- translations of the fixture course (French, made from the files write_content writes) ---------------

COURSE_FR = """\
translation:
  language: fr
  source_sha256: {sha}
  reviewed_by: {reviewer}
title: Cours de test
summary: Un cours pour les tests.
"""

MODULE_FR = """\
---
translation:
  language: fr
  source_sha256: {sha}
  reviewed_by: {reviewer}
title: {title}
objectives:
  - Savoir une chose.
check:
  prompt: Laquelle est juste ?
  options:
    a:
      text: La bonne.
      feedback: C'est la bonne réponse.
    b:
      text: La mauvaise.
      feedback: Relisez le module.
---

## {title} titre

{body}
"""

QUIZ_FR = """\
translation:
  language: fr
  source_sha256: {sha}
  reviewed_by: {reviewer}
title: Quiz de test
questions:
  t-single:
    prompt: FR-SINGLE-PROMPT choisissez l'action sûre.
    options:
      a: Observer et signaler
      b: Les confronter
      c: L'ignorer
    explanation: FR-SINGLE-EXPLANATION observer et signaler est sûr.
  t-multi:
    prompt: FR-MULTI-PROMPT lesquels sont des indicateurs ?
    options:
      a: Quelqu'un d'autre garde le passeport
      b: Ne sait pas dire où il logera
      c: Sa nationalité
    explanation: FR-MULTI-EXPLANATION documents et projets, jamais la nationalité.
  t-true:
    prompt: FR-TF-PROMPT la traite peut avoir lieu sans passer de frontière.
    explanation: FR-TF-EXPLANATION elle peut être interne.
  t-single-2:
    scenario: FR-SCENARIO un passager vous passe un mot.
    prompt: FR-SINGLE2-PROMPT que faites-vous ?
    options:
      x: Prévenir discrètement le commandant de bord
      y: Le lire à voix haute
    explanation: FR-SINGLE2-EXPLANATION restez calme et signalez.
"""


def edit(root: Path, rel: str, old: str, new: str) -> None:
    """Replace ``old``, which must occur exactly once, with ``new`` in the file ``rel`` below ``root``."""
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} must occur exactly once in {rel}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def quiz_translation(source: str) -> str:
    """A French translation of any bank: each text of the source, marked "FR"."""
    bank = yaml.safe_load(source)
    questions = {}
    for q in bank["questions"]:
        texts = {key: f"FR {q[key]}" for key in ("scenario", "prompt") if key in q}
        for key in ("options", "steps"):
            if key in q:
                texts[key] = {o["id"]: f"FR {o['text']}" for o in q[key]}
        texts["explanation"] = f"FR {q['explanation']}"
        questions[q["id"]] = texts
    header = "translation:\n  language: fr\n  source_sha256: {sha}\n  reviewed_by: {reviewer}\n"
    body = {"title": f"FR {bank['title']}", "questions": questions}
    return header + yaml.safe_dump(body, allow_unicode=True, sort_keys=False)


def write_translation(root: Path, language: str = "fr", reviewer: str = "null") -> dict[str, Path]:
    """A complete translation of the fixture course, made from the English files now on disk."""
    course_dir = root / "modules" / "test-course"
    files = {
        "course": course_dir / f"course.{language}.yaml",
        "m-one": course_dir / f"m-one.{language}.md",
        "m-two": course_dir / f"m-two.{language}.md",
        "quiz": root / "quizzes" / f"test-course.{language}.yaml",
    }
    sources = {
        "course": course_dir / "course.yaml",
        "m-one": course_dir / "m-one.md",
        "m-two": course_dir / "m-two.md",
        "quiz": root / "quizzes" / "test-course.yaml",
    }
    texts = {
        "course": COURSE_FR,
        "m-one": MODULE_FR.replace("{title}", "Module un").replace("{body}", "FR-BODY-ONE le texte du premier module."),
        "m-two": MODULE_FR.replace("{title}", "Module deux").replace("{body}", "[[reporting-contacts]]"),
        "quiz": QUIZ_FR if sources["quiz"].read_text() == QUIZ else quiz_translation(sources["quiz"].read_text()),
    }
    for key, path in files.items():
        text = texts[key].replace("{sha}", sha256_file(sources[key])).replace("{reviewer}", reviewer)
        path.write_text(text.replace("language: fr", f"language: {language}"), encoding="utf-8")
    return files


def load_test_content(app: Flask, tmp_path: Path) -> None:
    """Write the test content tree under ``tmp_path`` and load it into the app's database."""
    with app.app_context():
        assert content_loader.load_content(write_content(tmp_path)).ok
