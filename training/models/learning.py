"""What a learner did: modules completed and quiz attempts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training.extensions import Model
from training.models.course import Course, CourseVersion
from training.models.types import UTCDateTime, utcnow


class ModuleCompletion(Model):
    """A module marked complete. Keyed by the module's slug, so it carries over to a new course version
    that still has that module."""

    __tablename__ = "module_completion"
    __table_args__ = (sa.UniqueConstraint("user_id", "course_id", "module_slug", name="uq_module_completion"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("course.id"))
    module_slug: Mapped[str] = mapped_column(sa.String(80))
    course_version_id: Mapped[int] = mapped_column(sa.ForeignKey("course_version.id"))
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Attempt(Model):
    """One sitting of a course's final quiz: the questions drawn (and option order), the answers, the score."""

    __table_args__ = (sa.Index("ix_attempt_user_course", "user_id", "course_id", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("course.id"))
    course_version_id: Mapped[int] = mapped_column(sa.ForeignKey("course_version.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deadline_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # [{"qid": "rr-001", "options": ["b", "a", "c"]}, …] in the order shown
    drawn: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answers: Mapped[dict[str, list[str]] | None] = mapped_column(sa.JSON)
    correct_count: Mapped[int | None]
    question_count: Mapped[int]
    score_percent: Mapped[int | None]
    passed: Mapped[bool | None]
    timed_out: Mapped[bool] = mapped_column(default=False)
    # The language its questions were shown in ("en" or a translation's); grading goes by ids whatever it is.
    language: Mapped[str] = mapped_column(sa.String(8), default="en", server_default="en")

    course: Mapped[Course] = relationship()
    course_version: Mapped[CourseVersion] = relationship()

    @property
    def is_open(self) -> bool:
        return self.submitted_at is None
