"""A staff CSV a manager uploaded, kept between the preview and the confirmation."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from training.extensions import Model
from training.models.types import UTCDateTime, utcnow


class StaffImport(Model):
    __tablename__ = "staff_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organization.id"), index=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    fingerprint: Mapped[str] = mapped_column(sa.String(64))  # SHA-256 of ``data``
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)  # the file exactly as uploaded
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set once, by a guarded UPDATE in the same transaction as the import itself.
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
