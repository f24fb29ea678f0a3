"""outbox: a message that could not be sent is tried again, with growing waits, before it fails

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 09:00:00

Until now a message whose sending failed (the mail server down, or refusing it) was given up at once,
and the once-a-day rule still counted it: a reminder lost to an outage was never sent. Now it stays
queued: `attempts` counts the tries, `next_attempt_at` says when `flask send-outbox` tries again, and
`failed_at` marks a message given up after the last try (`error` keeps the reason of the last one).
The waiting queue and the once-a-day rule leave out only the messages given up. Messages that failed
before this revision stay failed: they were given up then.
"""
import sqlalchemy as sa
from alembic import op

from training.models.types import UTCDateTime

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

OLD_WAITING = "sent_at IS NULL AND error IS NULL"
NEW_WAITING = "sent_at IS NULL AND failed_at IS NULL"
OLD_ONCE_A_DAY = "kind IN ('reminder', 'manager_digest')"
NEW_ONCE_A_DAY = "kind IN ('reminder', 'manager_digest') AND failed_at IS NULL"


def _indexes(waiting: str, once_a_day: str) -> None:
    op.create_index(
        "ix_outbox_waiting",
        "outbox_message",
        ["id"],
        sqlite_where=sa.text(waiting),
        postgresql_where=sa.text(waiting),
    )
    op.create_index(
        "uq_outbox_once_a_day",
        "outbox_message",
        ["recipient_user_id", "kind", "day"],
        unique=True,
        sqlite_where=sa.text(once_a_day),
        postgresql_where=sa.text(once_a_day),
    )


def upgrade():
    op.drop_index("ix_outbox_waiting", table_name="outbox_message")
    op.drop_index("uq_outbox_once_a_day", table_name="outbox_message")
    with op.batch_alter_table("outbox_message") as batch:
        batch.add_column(sa.Column("attempts", sa.Integer(), server_default="0", nullable=False))
        batch.add_column(sa.Column("next_attempt_at", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("failed_at", UTCDateTime(), nullable=True))
    op.execute(
        "UPDATE outbox_message SET failed_at = created_at, attempts = 1 WHERE sent_at IS NULL AND error IS NOT NULL"
    )
    _indexes(NEW_WAITING, NEW_ONCE_A_DAY)


def downgrade():
    op.drop_index("ix_outbox_waiting", table_name="outbox_message")
    op.drop_index("uq_outbox_once_a_day", table_name="outbox_message")
    # Before, a message with an error had failed; a message given up on that has a newer one the same
    # day goes, so that the older rule (one per person, kind and day, whatever became of it) holds.
    op.execute(
        "DELETE FROM outbox_message WHERE failed_at IS NOT NULL AND kind IN ('reminder', 'manager_digest') "
        "AND EXISTS (SELECT 1 FROM outbox_message AS newer WHERE newer.recipient_user_id = "
        "outbox_message.recipient_user_id AND newer.kind = outbox_message.kind AND newer.day = outbox_message.day "
        "AND newer.id > outbox_message.id)"
    )
    op.execute("UPDATE outbox_message SET error = NULL WHERE sent_at IS NULL AND failed_at IS NULL")  # waiting
    with op.batch_alter_table("outbox_message") as batch:
        batch.drop_column("failed_at")
        batch.drop_column("next_attempt_at")
        batch.drop_column("attempts")
    _indexes(OLD_WAITING, OLD_ONCE_A_DAY)
