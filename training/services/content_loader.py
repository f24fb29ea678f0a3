"""Loading the validated content files into the database.

All or nothing: any problem in any file means nothing is written. Loading the same files twice
changes nothing; a course whose files changed gets a new version; a course gone from disk is
retired (never deleted), and comes back if its folder returns.

Translations are loaded in the same transaction, onto each course's current version: one row per
language whose files are all present, complete when they were made from this version's English files,
stale otherwise. They are no part of the content hash, so a translation never makes a new version.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from training.content.lint import BankFigures, lint
from training.content.spec import ContentBundle, CourseSpec, Problem
from training.content.translations import (
    COMPLETE,
    LANGUAGES,
    STALE,
    CourseLanguage,
    TranslationBundle,
    read_translations,
)
from training.content.validate import read_content
from training.extensions import db
from training.models import Course, CourseRequirement, CourseTranslation, CourseVersion, Module, Question, utcnow
from training.services import audit, item_stats, markdown, requirements


@dataclass
class LoadReport:
    problems: list[Problem] = field(default_factory=list)
    added: list[str] = field(default_factory=list)  # new courses
    new_versions: list[str] = field(default_factory=list)  # changed courses
    # Courses whose files are back to an older version's: that version is current again (slug, its label).
    switched_back: list[tuple[str, str]] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)
    figures: list[BankFigures] = field(default_factory=list)  # the item-writing lint's, per bank (--check)
    translations: list[CourseLanguage] = field(default_factory=list)  # every course in every language
    translations_changed: list[str] = field(default_factory=list)  # "<course> <language>" stored, changed or removed

    @property
    def ok(self) -> bool:
        return not self.problems


def check_content(root: Path) -> LoadReport:
    """Validate only, then run the item-writing lint over the banks (its problems count like any other),
    then check the translations against the English files."""
    bundle, problems = read_content(root)
    report = LoadReport(problems=problems)
    if bundle is not None:
        report.unchanged = [c.slug for c in bundle.courses]
        problems, report.figures = lint(bundle)
        translations, translation_problems = read_translations(root, bundle)
        report.translations = translations.table(bundle)
        report.problems = sorted(
            problems + _reused_ids(bundle) + translation_problems, key=lambda p: (p.path, p.line or 0)
        )
    return report


def _reused_ids(bundle: ContentBundle) -> list[Problem]:
    """Questions whose id was published (loaded) before with other text, options or key. Item statistics
    follow a question by id only while it is unchanged, so a changed question must take a new id."""
    if not sa.inspect(db.engine).has_table(Question.__tablename__):
        return []  # a database not created yet has published nothing
    where = {
        q.id: (course.quiz.path, f"questions[{index}].id", q)
        for course in bundle.courses
        for index, q in enumerate(course.quiz.questions)
    }
    changed = item_stats.changed_published_ids(
        (
            qid,
            item_stats.content_fingerprint(
                q.type, q.scenario, q.prompt, [(o.id, o.text) for o in q.options], q.correct
            ),
        )
        for qid, (_, _, q) in where.items()
    )
    return [
        Problem(
            where[qid][0],
            where[qid][1],
            f"question id '{qid}' was published (in {slug}) with other text, options or key; a changed question "
            "needs a new id that was never used, so that its statistics are not mixed with the old one's.",
            where[qid][2].line,
        )
        for qid, slug in sorted(changed.items())
    ]


def load_content(root: Path, *, actor: audit.Actor = audit.SYSTEM) -> LoadReport:
    """Bring the database in line with the content files; ``actor`` is recorded (a command: the system)."""
    bundle, problems = read_content(root)
    if bundle is None or problems:
        return LoadReport(problems=problems)
    translations, problems = read_translations(root, bundle)
    if problems:
        return LoadReport(problems=problems)
    report = LoadReport(translations=translations.table(bundle))
    try:
        on_disk = set()
        for spec in bundle.courses:
            on_disk.add(spec.slug)
            version = _sync_course(spec, report)
            _sync_translations(version, spec, translations, report)
        now = utcnow()
        for course in db.session.scalars(sa.select(Course).where(Course.retired_at.is_(None))):
            if course.slug not in on_disk:
                course.retired_at = now
                report.retired.append(course.slug)
        db.session.flush()
        requirements.sync_all()
        if (
            report.added
            or report.new_versions
            or report.switched_back
            or report.retired
            or report.restored
            or report.translations_changed
        ):
            audit.record(
                "content.loaded",
                actor=actor,
                object_type="content",
                details={
                    "added": report.added,
                    "new_versions": report.new_versions,
                    "switched_back": [f"{slug} ({label})" for slug, label in report.switched_back],
                    "retired": report.retired,
                    "restored": report.restored,
                    "translations": report.translations_changed,
                },
            )
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return report


def _sync_course(spec: CourseSpec, report: LoadReport) -> CourseVersion:
    """The course's version for these files (made when new), now its current one."""
    course = db.session.scalar(sa.select(Course).where(Course.slug == spec.slug))
    if course is None:
        course = Course(slug=spec.slug)
        db.session.add(course)
        db.session.flush()
        report.added.append(spec.slug)
    elif course.retired_at is not None:
        course.retired_at = None
        report.restored.append(spec.slug)

    current = course.current_version
    if current is not None and current.content_hash == spec.content_hash:
        if spec.slug not in report.restored:
            report.unchanged.append(spec.slug)
        return current
    # An older version with the same files (content reverted) is reused, not duplicated.
    version = db.session.scalar(
        sa.select(CourseVersion).where(
            CourseVersion.course_id == course.id, CourseVersion.content_hash == spec.content_hash
        )
    )
    if version is None:
        version = _new_version(course, spec)
        if spec.slug not in report.added:
            report.new_versions.append(spec.slug)
    else:
        report.switched_back.append((spec.slug, version.version_label))
    course.current_version_id = version.id
    return version


def _sync_translations(
    version: CourseVersion, spec: CourseSpec, translations: TranslationBundle, report: LoadReport
) -> None:
    """One row per language with every file present (complete or stale) on the version; rows whose files
    are gone are removed. Unchanged rows are left alone, so loading twice changes nothing."""
    rows = {
        row.language: row
        for row in db.session.scalars(
            sa.select(CourseTranslation).where(CourseTranslation.course_version_id == version.id)
        )
    }
    for status in (translations.status(spec, language) for language in LANGUAGES):
        row = rows.pop(status.language, None)
        if status.state not in (COMPLETE, STALE):
            if row is not None:
                db.session.delete(row)
                report.translations_changed.append(f"{spec.slug} {status.language} removed")
            continue
        wanted = {
            "state": status.state,
            "reviewed_by": ", ".join(status.reviewers) or None,
            "texts": _stored_texts(status),
            "sources": status.sources,
        }
        if row is None:
            db.session.add(CourseTranslation(course_version_id=version.id, language=status.language, **wanted))
        elif any(getattr(row, key) != value for key, value in wanted.items()):
            for key, value in wanted.items():
                setattr(row, key, value)
            row.loaded_at = utcnow()
        else:
            continue
        report.translations_changed.append(f"{spec.slug} {status.language} {status.state}")
    for row in rows.values():  # a language no longer offered
        db.session.delete(row)
        report.translations_changed.append(f"{spec.slug} {row.language} removed")


def _stored_texts(status: CourseLanguage) -> dict[str, object]:
    """The translated texts as stored: module bodies rendered and sanitized once, like the English ones."""
    texts = status.texts()
    texts["modules"] = {
        slug: {**{k: v for k, v in module.items() if k != "body"}, "body_html": markdown.render(module["body"])}
        for slug, module in texts["modules"].items()
    }
    return texts


def _blueprint_in_course_order(spec: CourseSpec) -> list[list[object]]:
    """The quiz's draw per module, listed in the order of the course's modules."""
    drawn = dict(spec.quiz.blueprint)
    return [[module.slug, drawn[module.slug]] for module in spec.modules if module.slug in drawn]


def _new_version(course: Course, spec: CourseSpec) -> CourseVersion:
    quiz = spec.quiz
    version = CourseVersion(
        course_id=course.id,
        content_hash=spec.content_hash,
        version_label=spec.version,
        title=spec.title,
        summary=spec.summary,
        required_for=list(spec.required_for),
        valid_months=spec.valid_months,
        estimated_minutes=spec.estimated_minutes,
        renews_slug=spec.renews,
        quiz_slug=quiz.slug,
        quiz_title=quiz.title,
        pass_mark=quiz.pass_mark,
        questions_per_attempt=quiz.questions_per_attempt,
        time_limit_minutes=quiz.time_limit_minutes,
        attempts_per_24h=quiz.attempts_per_24h,
        cooldown_minutes=quiz.cooldown_minutes,
        quiz_sources=quiz.source_titles(),
        quiz_blueprint=_blueprint_in_course_order(spec) or None,
        show_answers=quiz.show_answers,
    )
    for position, module in enumerate(spec.modules, start=1):
        version.modules.append(
            Module(
                position=position,
                slug=module.slug,
                title=module.title,
                estimated_minutes=module.estimated_minutes,
                objectives=list(module.objectives),
                sources=[{"key": s.key, "title": s.title} for s in module.sources],
                body_html=markdown.render(module.body),
                check={
                    "prompt": module.check.prompt,
                    "options": [{"id": o.id, "text": o.text, "feedback": o.feedback} for o in module.check.options],
                    "correct": module.check.correct,
                },
            )
        )
    db.session.add(version)
    db.session.flush()
    db.session.add_all(CourseRequirement(course_version_id=version.id, job_function=code) for code in spec.required_for)
    db.session.add_all(
        Question(
            course_version_id=version.id,
            qid=q.id,
            type=q.type,
            module_slug=q.module,
            scenario=q.scenario,
            prompt=q.prompt,
            options=[{"id": o.id, "text": o.text} for o in q.options],
            correct=list(q.correct),
            explanation=q.explanation,
            sources=list(q.sources),
        )
        for q in quiz.questions
    )
    db.session.flush()
    return version
