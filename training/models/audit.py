"""The audit trail: an append-only, hash-chained record of who did what, and its head.

Rows are written only by ``training.services.audit.record`` and never changed: the database
refuses UPDATE and DELETE on ``audit_event`` (triggers created by the migration).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from training.extensions import Model
from training.models.types import UTCDateTime

GENESIS_HASH = "0" * 64  # the prev_hash of row 1, and audit_head.last_hash while the trail is empty


class AuditEvent(Model):
    __tablename__ = "audit_event"
    __table_args__ = (
        # What an auditor sees: the events about the organizations they oversee, newest first.
        sa.Index("ix_audit_event_organization_id_occurred_at", "organization_id", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(unique=True)  # 1, 2, 3, … without gaps; the chain's order
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Users are never deleted, so a plain foreign key; ``actor`` keeps the name as it was.
    actor_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    actor: Mapped[str] = mapped_column(sa.String(254))  # the actor's email then, or "system"
    action: Mapped[str] = mapped_column(sa.String(64), index=True)  # e.g. "auth.sign_in"
    object_type: Mapped[str | None] = mapped_column(sa.String(40))
    object_id: Mapped[str | None] = mapped_column(sa.String(64))
    # The organization the event is about (not necessarily the actor's): scopes what auditors see.
    organization_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organization.id"))
    ip: Mapped[str | None] = mapped_column(sa.String(45))
    details: Mapped[str] = mapped_column(sa.Text)  # canonical JSON of an object; "{}" when none
    prev_hash: Mapped[str] = mapped_column(sa.String(64))  # the previous row's hash, or GENESIS_HASH
    hash: Mapped[str] = mapped_column(sa.String(64))  # sha256(prev_hash + canonical content), hex


class AuditHead(Model):
    """One row (id 1): the last seq handed out and the last hash. Appends lock it to serialize."""

    __tablename__ = "audit_head"
    __table_args__ = (sa.CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(default=0)
    last_hash: Mapped[str] = mapped_column(sa.String(64), default=GENESIS_HASH)
