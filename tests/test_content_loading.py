"""`flask load-content`: validation, idempotent loading, versions and retirement."""

from __future__ import annotations

import json
import shutil

import pytest
import sqlalchemy as sa

from tests.content_fixture import write_content
from training.extensions import db
from training.models import AuditEvent, Course, CourseVersion, Module, Question


@pytest.fixture
def content_root(app, tmp_path):
    previous = app.config["CONTENT_DIR"]
    app.config["CONTENT_DIR"] = str(write_content(tmp_path))
    yield tmp_path
    app.config["CONTENT_DIR"] = previous


def _versions(app) -> list[tuple[str, str]]:
    with app.app_context():
        rows = db.session.execute(
            sa.select(Course.slug, CourseVersion.content_hash).join(CourseVersion, CourseVersion.course_id == Course.id)
        ).all()
    return sorted((slug, h) for slug, h in rows)


@pytest.mark.slow  # checks every shipped course and bank
def test_shipped_content_passes_check(runner):
    result = runner.invoke(args=["load-content", "--check"])
    assert result.exit_code == 0, result.output
    assert "content is valid: 5 course(s)" in result.output


def test_shipped_content_loads_and_a_second_load_changes_nothing(app, runner):
    first = runner.invoke(args=["load-content"])
    assert first.exit_code == 0, first.output
    assert "added: cabin-crew, check-in-and-gate, ground-and-security, recognize-and-report, refresher" in first.output
    before = _versions(app)
    second = runner.invoke(args=["load-content"])
    assert "unchanged: cabin-crew" in second.output
    assert "added" not in second.output
    assert _versions(app) == before
    with app.app_context():
        core = db.session.scalar(sa.select(Course).where(Course.slug == "recognize-and-report")).current_version
        assert len(core.modules) >= 6
        bank = db.session.scalar(sa.select(sa.func.count()).where(Question.course_version_id == core.id))
        assert bank >= 40
        assert (core.questions_per_attempt, core.pass_mark) == (15, 80)
        # Markdown is stored sanitized.
        bodies = db.session.scalars(sa.select(Module.body_html)).all()
        assert all("<script" not in b for b in bodies)


def test_check_reports_every_problem_and_loads_nothing(app, runner, content_root):
    (content_root / "modules" / "test-course" / "m-one.md").write_text("no front matter here")
    quiz = content_root / "quizzes" / "test-course.yaml"
    quiz.write_text(quiz.read_text().replace("pass_mark: 75", "pass_mark: eighty"))
    result = runner.invoke(args=["load-content"])
    assert result.exit_code == 1
    assert "modules/test-course/m-one.md" in result.output
    assert "quizzes/test-course.yaml:4: pass_mark" in result.output
    assert "nothing was loaded" in result.output
    assert _versions(app) == []


def test_changed_course_becomes_a_new_version_and_old_one_is_kept(app, runner, content_root):
    runner.invoke(args=["load-content"])
    [(_slug, first_hash)] = _versions(app)
    module = content_root / "modules" / "test-course" / "m-one.md"
    module.write_text(module.read_text().replace("The first module's text.", "A clearer first module."))
    result = runner.invoke(args=["load-content"])
    assert "new version: test-course" in result.output
    versions = _versions(app)
    assert len(versions) == 2
    with app.app_context():
        course = db.session.scalar(sa.select(Course).where(Course.slug == "test-course"))
        assert course.current_version.content_hash != first_hash
        assert "A clearer first module." in course.current_version.modules[0].body_html


def test_files_back_to_an_older_version_switch_back_to_that_version(app, runner, content_root):
    course_file = content_root / "modules" / "test-course" / "course.yaml"
    first = course_file.read_text()
    runner.invoke(args=["load-content"])
    course_file.write_text(first.replace('version: "1"', 'version: "2"').replace("Test course", "Test course, revised"))
    assert "new version: test-course" in runner.invoke(args=["load-content"]).output
    course_file.write_text(first)  # back to version 1's files

    result = runner.invoke(args=["load-content"])

    assert result.exit_code == 0, result.output
    assert "switched back to version 1: test-course" in result.output
    assert "new version" not in result.output
    assert len(_versions(app)) == 2  # version 1 is reused, not made again
    with app.app_context():
        course = db.session.scalar(sa.select(Course).where(Course.slug == "test-course"))
        assert course.current_version.version_label == "1"
        entry = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "content.loaded").order_by(AuditEvent.id.desc())
        ).first()
        details = json.loads(entry.details)
        assert details["switched_back"] == ["test-course (1)"]
        assert details["new_versions"] == []
    assert "new version" not in runner.invoke(args=["load-content"]).output  # and then it is unchanged


def _add_second_course(root) -> None:
    src = root / "modules" / "test-course"
    dst = root / "modules" / "second-course"
    shutil.copytree(src, dst)
    (dst / "course.yaml").write_text(
        (src / "course.yaml")
        .read_text()
        .replace("slug: test-course", "slug: second-course")
        .replace("quiz: test-course", "quiz: second-course")
    )
    quiz = (root / "quizzes" / "test-course.yaml").read_text()
    (root / "quizzes" / "second-course.yaml").write_text(
        quiz.replace("slug: test-course", "slug: second-course").replace("id: t-", "id: s-")
    )


def test_removed_course_is_retired_not_deleted_and_can_return(app, runner, content_root):
    _add_second_course(content_root)
    assert runner.invoke(args=["load-content"]).exit_code == 0
    backup = content_root.parent / "backup"
    shutil.move(content_root / "modules" / "test-course", backup / "test-course")
    shutil.move(content_root / "quizzes" / "test-course.yaml", backup / "test-course.yaml")
    result = runner.invoke(args=["load-content"])
    assert "retired: test-course" in result.output
    with app.app_context():
        course = db.session.scalar(sa.select(Course).where(Course.slug == "test-course"))
        assert course.retired_at is not None
        assert course.current_version is not None
    shutil.move(backup / "test-course", content_root / "modules" / "test-course")
    shutil.move(backup / "test-course.yaml", content_root / "quizzes" / "test-course.yaml")
    result = runner.invoke(args=["load-content"])
    assert "restored: test-course" in result.output
    assert len(_versions(app)) == 2  # one version per course: nothing was duplicated
