"""Who must complete which course by when.

Assignment rules are what managers set (a course for a job function, a base or a named person,
with a due date). Requirement rows are derived from the rules and from each course's own
``required_for``: one row per person and course, with its due date, kept in step by
``services.requirements`` so that dashboards are plain aggregate queries.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training.extensions import Model
from training.models.course import Course
from training.models.types import UTCDateTime, utcnow


class Assignment(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organization.id"), index=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("course.id"))
    target_kind: Mapped[str] = mapped_column(sa.String(20))  # job_function, base or person
    target_value: Mapped[str] = mapped_column(sa.String(40))  # the code, station or user id
    due_on: Mapped[date] = mapped_column(sa.Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    course: Mapped[Course] = relationship()


class Requirement(Model):
    """A person must hold a valid certificate for a course; due by ``due_at``."""

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("course.id"), primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organization.id"), index=True)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    source: Mapped[str] = mapped_column(sa.String(20))  # job_function (course.yaml) or assignment
    # The latest expiry among the person's unrevoked certificates for the course, or None. Written only by
    # database triggers (migration 0009) whenever a certificate or a requirement row changes; never set it.
    certified_until: Mapped[datetime | None] = mapped_column(
        UTCDateTime, server_default=sa.FetchedValue(), server_onupdate=sa.FetchedValue()
    )


class CourseRequirement(Model):
    """A course version's ``required_for`` job functions, as rows (so SQL can join on them)."""

    __tablename__ = "course_requirement"

    course_version_id: Mapped[int] = mapped_column(sa.ForeignKey("course_version.id"), primary_key=True)
    job_function: Mapped[str] = mapped_column(sa.String(30), primary_key=True)
