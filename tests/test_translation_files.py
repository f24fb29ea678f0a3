"""Translation files: read beside the English content, checked against it, and their state per course and
language, through the reader and through `flask load-content --check`."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.content_fixture import QUIZ, edit, sha256_file, write_content, write_translation
from tests.quiz_fixture import bank, with_ordering
from training.content import read_content
from training.content.translations import COMPLETE, MISSING, PARTIAL, STALE, read_translations

# A bank the item-writing lint passes, for `load-content --check`.
CLEAN = bank({"m-one": 4, "m-two": 4}, per_attempt=3, blueprint={"m-one": 1, "m-two": 2})
QUIZ_FR = "quizzes/test-course.fr.yaml"
ONE_FR = "modules/test-course/m-one.fr.md"
TWO_FR = "modules/test-course/m-two.fr.md"
COURSE_FR = "modules/test-course/course.fr.yaml"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    write_content(tmp_path)
    write_translation(tmp_path)
    return tmp_path


def translations(root: Path):
    bundle, problems = read_content(root)
    assert problems == [], problems
    return bundle, *read_translations(root, bundle)


def problems_of(root: Path) -> list[str]:
    _, _, problems = translations(root)
    assert problems
    return [str(p) for p in problems]


def only_problem(root: Path) -> str:
    found = problems_of(root)
    assert len(found) == 1, "\n".join(found)
    return found[0]


def line_of(root: Path, rel: str, fragment: str) -> int:
    lines = (root / rel).read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if fragment in line)


# --- a complete translation ---------------------------------------------------------------------------


def test_a_complete_translation_is_read_and_changes_no_content_hash(tmp_path):
    write_content(tmp_path)
    before, problems = read_content(tmp_path)
    assert problems == []
    write_translation(tmp_path)
    (tmp_path / "modules" / "glossary.fr.yaml").write_text(
        "language: fr\nterms:\n  human trafficking: traite des êtres humains\n", encoding="utf-8"
    )
    bundle, read, problems = translations(tmp_path)
    assert problems == []
    # Not taken for modules or quizzes of their own, and no part of the course's content.
    assert [m.slug for m in bundle.courses[0].modules] == ["m-one", "m-two"]
    assert bundle.courses[0].content_hash == before.courses[0].content_hash
    status = read.status(bundle.courses[0], "fr")
    assert (status.state, status.reviewed) == (COMPLETE, "not reviewed")
    texts = status.texts()
    assert texts["course"] == {"title": "Cours de test", "summary": "Un cours pour les tests."}
    assert texts["modules"]["m-one"]["check"]["options"]["b"] == {
        "text": "La mauvaise.",
        "feedback": "Relisez le module.",
    }
    assert texts["modules"]["m-two"]["body"] == "## Module deux titre\n\n[[reporting-contacts]]\n"
    assert texts["quiz"]["questions"]["t-true"] == {
        "prompt": "FR-TF-PROMPT la traite peut avoir lieu sans passer de frontière.",
        "explanation": "FR-TF-EXPLANATION elle peut être interne.",
    }
    assert texts["quiz"]["questions"]["t-single-2"]["scenario"].startswith("FR-SCENARIO")
    assert read.glossaries[0].terms == {"human trafficking": "traite des êtres humains"}
    assert read.status(bundle.courses[0], "sw").state == MISSING


def test_reviewed_when_every_file_is_signed_off(tmp_path):
    write_content(tmp_path)
    write_translation(tmp_path, reviewer="Amina Diallo")
    bundle, read, _ = translations(tmp_path)
    assert read.status(bundle.courses[0], "fr").reviewed == "Amina Diallo"
    edit(tmp_path, QUIZ_FR, "reviewed_by: Amina Diallo", "reviewed_by: null")
    bundle, read, _ = translations(tmp_path)
    assert read.status(bundle.courses[0], "fr").reviewed == "not reviewed (3 of 4 files signed off)"


def test_partial_when_some_files_are_missing(root):
    (root / QUIZ_FR).unlink()
    (root / TWO_FR).unlink()
    bundle, read, problems = translations(root)
    assert problems == []
    status = read.status(bundle.courses[0], "fr")
    assert (status.state, len(status.files), status.expected) == (PARTIAL, 2, 4)


def test_stale_when_the_english_source_changed(root):
    edit(root, "modules/test-course/m-one.md", "The first module's text.", "A clearer first module.")
    bundle, read, problems = translations(root)
    assert problems == []  # stale is not an error
    status = read.status(bundle.courses[0], "fr")
    assert status.state == STALE
    assert [f.path for f in status.files if not f.current] == [ONE_FR]


# --- refused -------------------------------------------------------------------------------------------


def test_a_dropped_question_is_refused(root):
    text = (root / QUIZ_FR).read_text(encoding="utf-8")
    start, end = text.index("  t-true:"), text.index("  t-single-2:")
    (root / QUIZ_FR).write_text(text[:start] + text[end:], encoding="utf-8")
    problem = only_problem(root)
    assert problem.startswith(f"{QUIZ_FR}:{line_of(root, QUIZ_FR, 'questions:')}: questions: ")
    assert "leaves out the source's question(s) t-true" in problem


def test_an_added_answer_key_is_refused(root):
    edit(
        root,
        QUIZ_FR,
        "    explanation: FR-SINGLE-EXPLANATION",
        "    correct: [b]\n    explanation: FR-SINGLE-EXPLANATION",
    )
    problem = only_problem(root)
    assert problem.startswith(f"{QUIZ_FR}:{line_of(root, QUIZ_FR, 'correct: [b]')}: questions.t-single.correct: ")
    assert "structural: the English source alone defines it" in problem


def test_a_renamed_option_is_refused(root):
    edit(root, QUIZ_FR, "      c: L'ignorer", "      d: L'ignorer")
    found = problems_of(root)
    line = line_of(root, QUIZ_FR, "d: L'ignorer")
    assert f"{QUIZ_FR}:{line}: questions.t-single.options.d: the source has no option 'd'." in found[1]
    assert "leaves out the source's option(s) c" in found[0]


def test_a_renamed_check_option_is_refused(root):
    edit(root, ONE_FR, "    b:\n", "    bb:\n")
    found = problems_of(root)
    assert any("check.options.bb: the source has no option 'bb'. Did you mean 'b'?" in p for p in found)


@pytest.mark.parametrize(
    ("rel", "old", "new", "fragment"),
    [
        (ONE_FR, "  - Savoir une chose.\n", "  - Savoir une chose.\n  - Et une autre.\n", "has 2 objective(s)"),
        (ONE_FR, "title: Module un", "title: Module un\nestimated_minutes: 4", "'estimated_minutes' is structural"),
        (ONE_FR, "  prompt: Laquelle", "  correct: a\n  prompt: Laquelle", "'correct' is structural"),
        (COURSE_FR, "title: Cours de test", "title: Cours de test\nvalid_months: 6", "'valid_months' is structural"),
        (QUIZ_FR, "title: Quiz de test", "title: Quiz de test\npass_mark: 50", "'pass_mark' is structural"),
        (QUIZ_FR, "  t-true:\n", "  t-true:\n    type: single\n", "'type' is structural"),
        (QUIZ_FR, "  t-true:\n", "  t-true:\n    options: {true: Vrai, false: Faux}\n", "has no 'options'"),
        (QUIZ_FR, "  t-multi:\n", "  t-multi:\n    scenario: Ajouté.\n", "the source question has no scenario"),
        (
            QUIZ_FR,
            "    scenario: FR-SCENARIO un passager vous passe un mot.\n",
            "",
            "missing required field 'scenario'",
        ),
        (QUIZ_FR, "  t-multi:\n", "  t-extra:\n    prompt: Nouveau\n  t-multi:\n", "the source has no question"),
        (QUIZ_FR, "      b: Ne sait pas dire où il logera", "      b: ''", "'b' is empty"),
        (ONE_FR, "title: Module un", "title: ''", "'title' is empty"),
        (COURSE_FR, "  source_sha256: ", "  # source_sha256: ", "missing required field 'source_sha256'"),
        (COURSE_FR, "  language: fr", "  language: es", "says 'es' but the file name says 'fr'"),
        (TWO_FR, "[[reporting-contacts]]", "Les contacts.", "keep it exactly as it is"),
        (ONE_FR, "FR-BODY-ONE", "[[reporting-contacts]] FR-BODY-ONE", "the source has no [[reporting-contacts]]"),
        (ONE_FR, "## Module un titre", "# Module un titre", "top-level '# ' headings are not allowed"),
    ],
)
def test_one_translation_problem(root, rel, old, new, fragment):
    edit(root, rel, old, new)
    problem = only_problem(root)
    assert problem.startswith(f"{rel}:")
    assert fragment in problem


def test_unknown_language_codes_and_orphans_are_refused(root):
    (root / "modules" / "test-course" / "m-one.de.md").write_text((root / ONE_FR).read_text(encoding="utf-8"))
    (root / "modules" / "test-course" / "m-three.fr.md").write_text((root / ONE_FR).read_text(encoding="utf-8"))
    (root / "quizzes" / "test-course.en.yaml").write_text("title: x\n", encoding="utf-8")
    (root / "modules" / "glossary.xx.yaml").write_text("language: xx\nterms: {}\n", encoding="utf-8")
    found = problems_of(root)
    assert any(p.startswith("modules/glossary.xx.yaml: unknown language code 'xx'") for p in found)
    assert any(p.startswith("modules/test-course/m-one.de.md: unknown language code 'de'") for p in found)
    assert any("m-three.fr.md: there is no module 'm-three' in course 'test-course'" in p for p in found)
    assert any(p.startswith("quizzes/test-course.en.yaml: English is the source language") for p in found)
    assert len(found) == 4


def test_a_glossary_must_parse(root):
    (root / "modules" / "glossary.fr.yaml").write_text("language: fr\nterms:\n  - a list\n", encoding="utf-8")
    assert "modules/glossary.fr.yaml:2: terms: must be a mapping" in only_problem(root)


def test_the_sha256_must_look_like_one(root):
    edit(
        root, COURSE_FR, f"source_sha256: {sha256_file(root / 'modules/test-course/course.yaml')}", "source_sha256: abc"
    )
    assert "must be the 64 hexadecimal digits" in only_problem(root)


# --- load-content --check ---------------------------------------------------------------------------------


@pytest.fixture
def content_dir(app):
    previous = app.config["CONTENT_DIR"]

    def use(path: Path) -> Path:
        app.config["CONTENT_DIR"] = str(path)
        return path

    yield use
    app.config["CONTENT_DIR"] = previous


def table_row(output: str, language: str) -> str:
    return next(line for line in output.splitlines() if line.strip().startswith(f"test-course  {language}  "))


def test_check_ends_with_a_table_per_course_and_language(runner, content_dir, tmp_path):
    root = content_dir(write_content(tmp_path, quiz=CLEAN))  # a bank the item-writing lint passes
    write_translation(root)
    (root / "modules" / "test-course" / "course.es.yaml").write_text(
        (root / COURSE_FR).read_text(encoding="utf-8").replace("language: fr", "language: es"), encoding="utf-8"
    )
    edit(root, "quizzes/test-course.yaml", "pass_mark: ", "pass_mark:  ")  # one byte: the French quiz goes stale
    result = runner.invoke(args=["load-content", "--check"])
    assert result.exit_code == 0, result.output
    assert "content is valid: 1 course(s)" in result.output
    assert table_row(result.output, "fr").split(None, 3)[2:] == ["stale", f"(stale: {QUIZ_FR})  not reviewed"]
    assert "partial (1 of 4 files)" in table_row(result.output, "es")
    assert table_row(result.output, "sw").split() == ["test-course", "sw", "missing", "-"]


def test_check_fails_on_an_invalid_translation(runner, content_dir, tmp_path):
    root = content_dir(write_content(tmp_path, quiz=CLEAN))
    write_translation(root)
    assert runner.invoke(args=["load-content", "--check"]).exit_code == 0
    edit(root, QUIZ_FR, "  m-one-1:\n", "  m-one-1:\n    correct: [a]\n")
    result = runner.invoke(args=["load-content", "--check"])
    assert result.exit_code == 1
    assert f"error: {QUIZ_FR}:{line_of(root, QUIZ_FR, 'correct: [a]')}: questions.m-one-1.correct: " in result.output


def test_ordering_steps_are_translated_by_step_id(tmp_path):
    write_content(tmp_path, quiz=with_ordering(QUIZ))
    write_translation(tmp_path)  # generated from the bank: steps keyed by id
    bundle, read, problems = translations(tmp_path)
    assert problems == []
    texts = read.status(bundle.courses[0], "fr").texts()["quiz"]["questions"]["t-order"]
    assert texts["options"]["note"] == "FR Note what you saw and heard"  # stored like options, as the spec holds steps
    edit(tmp_path, QUIZ_FR, "    steps:\n", "    options:\n")
    found = problems_of(tmp_path)
    assert any("questions.t-order.options: the source question (ordering) has no 'options'" in p for p in found)
    assert any("missing required field 'steps'" in p for p in found)
