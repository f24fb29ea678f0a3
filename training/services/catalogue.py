"""Finding published courses and their current versions."""

from __future__ import annotations

import sqlalchemy as sa

from training.extensions import db
from training.models import Course, CourseVersion


def published_courses() -> list[CourseVersion]:
    """The current version of every course that is not retired, by title."""
    return list(
        db.session.scalars(
            sa.select(CourseVersion)
            .join(Course, Course.current_version_id == CourseVersion.id)
            .where(Course.retired_at.is_(None))
            .order_by(CourseVersion.title)
        )
    )


def published_course(slug: str) -> Course | None:
    course = db.session.scalar(sa.select(Course).where(Course.slug == slug, Course.retired_at.is_(None)))
    if course is None or course.current_version is None:
        return None
    return course
