"""Every message the application sends (or would send) is recorded here."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from training.extensions import Model
from training.models.types import UTCDateTime, utcnow

# A message given up on (failed_at) does not count: the next run of the day may queue it again.
ONCE_A_DAY_KINDS_SQL = "kind IN ('reminder', 'manager_digest') AND failed_at IS NULL"
WAITING_SQL = "sent_at IS NULL AND failed_at IS NULL"


class OutboxMessage(Model):
    __tablename__ = "outbox_message"
    __table_args__ = (
        # At most one reminder or digest per person per day, sent or still queued: they run from cron,
        # maybe twice at once. Other kinds (invitations, password resets) may go several times a day.
        sa.Index(
            "uq_outbox_once_a_day",
            "recipient_user_id",
            "kind",
            "day",
            unique=True,
            sqlite_where=sa.text(ONCE_A_DAY_KINDS_SQL),
            postgresql_where=sa.text(ONCE_A_DAY_KINDS_SQL),
        ),
        # The messages still waiting to be sent, for the first time or again (the queue `flask
        # send-outbox` works through).
        sa.Index(
            "ix_outbox_waiting",
            "id",
            sqlite_where=sa.text(WAITING_SQL),
            postgresql_where=sa.text(WAITING_SQL),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organization.id"), index=True)
    recipient_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    recipient_email: Mapped[str] = mapped_column(sa.String(254))
    kind: Mapped[str] = mapped_column(sa.String(30))  # reminder, manager_digest, invitation, password_reset
    day: Mapped[date] = mapped_column(sa.Date)
    subject: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    transport: Mapped[str] = mapped_column(sa.String(10), default="smtp")  # smtp or log
    # Why the last try failed. A message that could not be sent stays queued and is tried again after a
    # growing wait (next_attempt_at), up to services.mailer.MAX_ATTEMPTS tries; then it has failed.
    error: Mapped[str | None] = mapped_column(sa.String(500))
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # given up: the last error says why
    # Set by the sender that is sending it; see services.mailer.deliver.
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
