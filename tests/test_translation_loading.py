"""Translations in the database: loaded with the content, idempotent, attached to a new course version only
when made from its English files; and the service that gives a version's texts in a wanted language."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.content_fixture import sha256_file, write_content, write_translation
from training.extensions import db
from training.models import Course, CourseTranslation, CourseVersion, Question
from training.services import translations

ONE = "modules/test-course/m-one.md"
ONE_FR = "modules/test-course/m-one.fr.md"


@pytest.fixture
def content_root(app, tmp_path):
    previous = app.config["CONTENT_DIR"]
    app.config["CONTENT_DIR"] = str(write_content(tmp_path))
    write_translation(tmp_path)
    yield tmp_path
    app.config["CONTENT_DIR"] = previous


def rows(app) -> list[tuple[int, str, str, str | None]]:
    """(version id, language, state, reviewer) of every stored translation."""
    with app.app_context():
        found = db.session.execute(
            sa.select(
                CourseTranslation.course_version_id,
                CourseTranslation.language,
                CourseTranslation.state,
                CourseTranslation.reviewed_by,
            ).order_by(CourseTranslation.course_version_id, CourseTranslation.language)
        ).all()
    return [tuple(row) for row in found]


def current_version_id(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(Course.current_version_id).where(Course.slug == "test-course"))


def load(runner) -> str:
    result = runner.invoke(args=["load-content"])
    assert result.exit_code == 0, result.output
    return result.output


def test_loaded_with_the_content_and_a_second_load_changes_nothing(app, runner, content_root):
    first = load(runner)
    assert "translations: test-course fr complete" in first
    assert "test-course  fr  complete    not reviewed" in first
    version = current_version_id(app)
    assert rows(app) == [(version, "fr", "complete", None)]
    with app.app_context():
        before = db.session.scalar(sa.select(CourseTranslation))
        texts, loaded_at, row_id = before.texts, before.loaded_at, before.id
    assert (
        texts["modules"]["m-one"]["body_html"]
        == "<h2>Module un titre</h2>\n<p>FR-BODY-ONE le texte du premier module.</p>\n"
    )
    assert "body" not in texts["modules"]["m-one"]
    second = load(runner)
    assert "translations:" not in second.replace("translations (", "")
    assert "unchanged: test-course" in second
    with app.app_context():
        after = db.session.scalar(sa.select(CourseTranslation))
        assert (after.id, after.loaded_at) == (row_id, loaded_at)


def test_a_sign_off_updates_the_row_without_a_new_version(app, runner, content_root):
    load(runner)
    version = current_version_id(app)
    write_translation(content_root, reviewer="Amina Diallo")
    output = load(runner)
    assert "unchanged: test-course" in output
    assert rows(app) == [(version, "fr", "complete", "Amina Diallo")]


def test_a_changed_source_makes_a_new_version_whose_translation_is_stale_until_brought_up_to_date(
    app, runner, content_root
):
    load(runner)
    first = current_version_id(app)
    module = content_root / ONE
    module.write_text(module.read_text().replace("The first module's text.", "A clearer first module."))
    output = load(runner)
    assert "new version: test-course" in output
    second = current_version_id(app)
    assert rows(app) == [(first, "fr", "complete", None), (second, "fr", "stale", None)]
    with app.app_context():
        new, old = db.session.get(CourseVersion, second), db.session.get(CourseVersion, first)
        assert translations.texts_for(new, "fr").language == "en"  # stale: never shown
        assert translations.available(new) == ["en"]
        assert translations.texts_for(old, "fr").language == "fr"  # attempts on the old version keep theirs

    # The translator brings the file up to date: the translation attaches; the course is unchanged.
    path = content_root / ONE_FR
    text = path.read_text(encoding="utf-8")
    old_sha = text.split("source_sha256: ")[1].split("\n")[0]
    path.write_text(text.replace(old_sha, sha256_file(module)), encoding="utf-8")
    output = load(runner)
    assert "unchanged: test-course" in output
    assert "translations: test-course fr complete" in output
    assert rows(app) == [(first, "fr", "complete", None), (second, "fr", "complete", None)]


def test_a_translation_whose_files_are_no_longer_all_there_is_removed(app, runner, content_root):
    load(runner)
    (content_root / ONE_FR).unlink()
    output = load(runner)
    assert "translations: test-course fr removed" in output
    assert "test-course  fr  partial (3 of 4 files)" in output
    assert rows(app) == []


def test_an_invalid_translation_loads_nothing(app, runner, content_root):
    path = content_root / ONE_FR
    path.write_text(path.read_text(encoding="utf-8").replace("title: Module un", "title: Module un\nsources: []"))
    result = runner.invoke(args=["load-content"])
    assert result.exit_code == 1
    assert f"{ONE_FR}:7: sources: 'sources' is structural" in result.output
    assert "nothing was loaded" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Course)) == 0


# --- the service -------------------------------------------------------------------------------------------


def test_texts_in_the_wanted_language_or_english(app, runner, content_root):
    load(runner)
    with app.app_context():
        version = db.session.get(CourseVersion, current_version_id(app))
        french = translations.texts_for(version, "fr")
        assert (french.language, french.translated, french.awaiting_review, french.fell_back) == (
            "fr",
            True,
            True,
            False,
        )
        assert (french.title, french.quiz_title) == ("Cours de test", "Quiz de test")
        one = french.module(version.modules[0])
        assert (one.title, one.objectives, one.slug, one.estimated_minutes) == (
            "Module un",
            ["Savoir une chose."],
            "m-one",
            3,
        )
        assert one.check["correct"] == "a"  # the key is the source's
        assert one.check["options"][1] == {"id": "b", "text": "La mauvaise.", "feedback": "Relisez le module."}
        assert one.sources == [{"key": "S1", "title": "Source one"}]
        question = next(q for q in db.session.scalars(sa.select(Question)) if q.qid == "t-single-2")
        shown = french.question(question)
        assert (shown.qid, shown.type, shown.correct) == ("t-single-2", "single", ["x"])
        assert shown.scenario.startswith("FR-SCENARIO")
        assert shown.prompt.startswith("FR-SINGLE2-PROMPT")
        assert shown.shown([{"id": "y", "text": "Read it aloud"}]) == [{"id": "y", "text": "Le lire à voix haute"}]

        english = translations.texts_for(version, "en")
        assert (english.language, english.translated, english.awaiting_review) == ("en", False, False)
        assert english.module(version.modules[0]).title == "Module one"
        assert english.question(question).prompt == question.prompt

        swahili = translations.texts_for(version, "sw")  # no translation: English, and it says so
        assert (swahili.wanted, swahili.language, swahili.fell_back) == ("sw", "en", True)
        assert translations.texts_for(version, "xx").wanted == "en"
        assert translations.available(version) == ["en", "fr"]


def test_a_reviewed_translation_does_not_await_review(app, runner, content_root):
    write_translation(content_root, reviewer="Amina Diallo")
    load(runner)
    with app.app_context():
        version = db.session.get(CourseVersion, current_version_id(app))
        assert translations.texts_for(version, "fr").awaiting_review is False


def test_texts_are_read_once_per_process_and_afresh_when_their_files_change(app, runner, content_root):
    load(runner)
    with app.app_context():
        version = db.session.get(CourseVersion, current_version_id(app))
        first = translations.texts_for(version, "fr")
    with app.app_context():  # another request: the same parsed texts, not the stored JSON read again
        version = db.session.get(CourseVersion, current_version_id(app))
        statements: list[str] = []

        def record(conn, cursor, statement, *rest) -> None:
            statements.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", record)
        try:
            again = translations.texts_for(version, "fr")
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", record)
        assert again.texts is first.texts
        assert len(statements) == 1, statements  # the row's state and reviewers, still read for every request
        assert "texts" not in statements[0].split("FROM")[0]

    path = content_root / ONE_FR
    path.write_text(path.read_text(encoding="utf-8").replace("title: Module un", "title: Module premier"))
    assert "translations: test-course fr complete" in load(runner)
    with app.app_context():
        version = db.session.get(CourseVersion, current_version_id(app))
        assert translations.texts_for(version, "fr").module(version.modules[0]).title == "Module premier"
