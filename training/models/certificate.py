"""Certificates: what was issued to whom, and the signed PDF bytes exactly as issued."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from training.extensions import Model
from training.models.course import Course, CourseVersion
from training.models.org import Organization
from training.models.types import UTCDateTime, utcnow
from training.models.user import User


class Certificate(Model):
    # Covers the compliance lookups (a person's valid certificate for a course) without reading the
    # rows, which carry the PDF bytes.
    __table_args__ = (
        sa.Index("ix_certificate_holder_validity", "user_id", "course_id", "revoked_at", "expires_at", "issued_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    serial: Mapped[str] = mapped_column(sa.String(20), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organization.id"), index=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("course.id"))
    course_version_id: Mapped[int] = mapped_column(sa.ForeignKey("course_version.id"))
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    # The attempt whose pass issued it; unique, so one attempt can never yield two certificates.
    attempt_id: Mapped[int] = mapped_column(sa.ForeignKey("attempt.id"), unique=True)
    renews_id: Mapped[int | None] = mapped_column(sa.ForeignKey("certificate.id"))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # What the certificate says, as it was said on the day (names and titles can change later).
    holder_name: Mapped[str] = mapped_column(sa.String(160))
    employee_number: Mapped[str | None] = mapped_column(sa.String(40))
    job_function: Mapped[str] = mapped_column(sa.String(30))
    organization_name: Mapped[str] = mapped_column(sa.String(160))
    course_title: Mapped[str] = mapped_column(sa.String(200))
    version_label: Mapped[str] = mapped_column(sa.String(40))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    revoke_reason: Mapped[str | None] = mapped_column(sa.String(500))
    pdf_sha256: Mapped[str] = mapped_column(sa.String(64))
    pdf: Mapped[bytes] = deferred(mapped_column(sa.LargeBinary))

    holder: Mapped[User] = relationship(foreign_keys=[user_id])
    organization: Mapped[Organization] = relationship()
    course: Mapped[Course] = relationship()
    course_version: Mapped[CourseVersion] = relationship()

    def status(self, now: datetime | None = None) -> str:
        return self.status_at(self.revoked_at, self.expires_at, now or utcnow())

    @staticmethod
    def status_at(revoked_at: datetime | None, expires_at: datetime, now: datetime) -> str:
        """valid, expired or revoked: for rows read as plain columns, without a Certificate object."""
        if revoked_at is not None:
            return "revoked"
        return "valid" if expires_at > now else "expired"
