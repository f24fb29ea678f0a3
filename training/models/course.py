"""Courses as loaded from the content files, kept in every version a learner ever saw.

A Course is the stable identity (its slug). Each distinct content hash becomes a CourseVersion with
its modules, quiz settings and questions; attempts and certificates point at the version they were
made on, so later edits never change what someone was examined on.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training.extensions import Model
from training.models.types import UTCDateTime, utcnow


class Course(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    current_version_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("course_version.id", use_alter=True, name="fk_course_current_version_id_course_version")
    )
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    current_version: Mapped[CourseVersion | None] = relationship(foreign_keys=[current_version_id], lazy="joined")

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None


class CourseVersion(Model):
    __tablename__ = "course_version"
    __table_args__ = (sa.UniqueConstraint("course_id", "content_hash", name="uq_course_version_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("course.id"), index=True)
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    version_label: Mapped[str] = mapped_column(sa.String(40))
    title: Mapped[str] = mapped_column(sa.String(200))
    summary: Mapped[str] = mapped_column(sa.Text)
    required_for: Mapped[list[str]] = mapped_column(sa.JSON)
    valid_months: Mapped[int]
    estimated_minutes: Mapped[int]
    renews_slug: Mapped[str | None] = mapped_column(sa.String(80))
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Quiz settings, copied from the quiz file at load time.
    quiz_slug: Mapped[str] = mapped_column(sa.String(80))
    quiz_title: Mapped[str] = mapped_column(sa.String(200))
    pass_mark: Mapped[int]
    questions_per_attempt: Mapped[int]
    time_limit_minutes: Mapped[int]
    attempts_per_24h: Mapped[int]
    cooldown_minutes: Mapped[int]
    quiz_sources: Mapped[dict[str, str]] = mapped_column(sa.JSON)
    # [[module slug, questions drawn from it per attempt], …] in course order; None draws from the whole bank.
    quiz_blueprint: Mapped[list[list[Any]] | None] = mapped_column(sa.JSON)
    # When keyed answers and explanations are shown: after_pass | after_each_attempt | never.
    show_answers: Mapped[str] = mapped_column(sa.String(20), default="after_pass", server_default="after_pass")

    course: Mapped[Course] = relationship(foreign_keys=[course_id])
    modules: Mapped[list[Module]] = relationship(
        back_populates="course_version", order_by="Module.position", lazy="selectin", cascade="all, delete-orphan"
    )
    questions: Mapped[list[Question]] = relationship(
        back_populates="course_version", lazy="raise", cascade="all, delete-orphan"
    )

    @property
    def slug(self) -> str:
        return self.course.slug

    def module(self, slug: str) -> Module | None:
        return next((m for m in self.modules if m.slug == slug), None)


class Module(Model):
    __table_args__ = (sa.UniqueConstraint("course_version_id", "slug", name="uq_module_version_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_version_id: Mapped[int] = mapped_column(sa.ForeignKey("course_version.id"), index=True)
    position: Mapped[int]
    slug: Mapped[str] = mapped_column(sa.String(80))
    title: Mapped[str] = mapped_column(sa.String(200))
    estimated_minutes: Mapped[int]
    objectives: Mapped[list[str]] = mapped_column(sa.JSON)
    sources: Mapped[list[dict[str, str]]] = mapped_column(sa.JSON)
    body_html: Mapped[str] = mapped_column(sa.Text)  # rendered and sanitized once, at load time
    check: Mapped[dict[str, Any]] = mapped_column(sa.JSON)

    course_version: Mapped[CourseVersion] = relationship(back_populates="modules")


class Question(Model):
    __table_args__ = (sa.UniqueConstraint("course_version_id", "qid", name="uq_question_version_qid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_version_id: Mapped[int] = mapped_column(sa.ForeignKey("course_version.id"), index=True)
    qid: Mapped[str] = mapped_column(sa.String(80))  # the stable id from the quiz file
    type: Mapped[str] = mapped_column(sa.String(20))
    module_slug: Mapped[str] = mapped_column(sa.String(80))
    scenario: Mapped[str] = mapped_column(sa.Text, default="")
    prompt: Mapped[str] = mapped_column(sa.Text)
    options: Mapped[list[dict[str, str]]] = mapped_column(sa.JSON)  # [{"id", "text"}]
    correct: Mapped[list[str]] = mapped_column(sa.JSON)
    explanation: Mapped[str] = mapped_column(sa.Text)
    sources: Mapped[list[str]] = mapped_column(sa.JSON)

    course_version: Mapped[CourseVersion] = relationship(back_populates="questions")


class CourseTranslation(Model):
    """A course version's texts in another language, read from its translation files at load time.

    Only a translation with every file present is stored: ``complete`` when each file was made from the
    English files of this version, ``stale`` when one was made from other English text (kept, but never
    shown). ``reviewed_by`` names who signed every file off; None until then.
    """

    __tablename__ = "course_translation"
    __table_args__ = (sa.UniqueConstraint("course_version_id", "language", name="uq_course_translation_language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_version_id: Mapped[int] = mapped_column(sa.ForeignKey("course_version.id"), index=True)
    language: Mapped[str] = mapped_column(sa.String(8))
    state: Mapped[str] = mapped_column(sa.String(10))  # complete | stale
    reviewed_by: Mapped[str | None] = mapped_column(sa.String(300))
    # {"course": {title, summary}, "modules": {slug: {title, objectives, body_html, check}}, "quiz": {title, questions}}
    texts: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    sources: Mapped[dict[str, str]] = mapped_column(sa.JSON)  # English file -> the sha256 it was translated from
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    course_version: Mapped[CourseVersion] = relationship()

    @property
    def is_current(self) -> bool:
        return self.state == "complete"
