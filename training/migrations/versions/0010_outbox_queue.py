"""outbox: messages can wait in a queue, claimed by one sender at a time

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-23 16:00:00

An import of thousands of people emails only the first few invitations while the manager waits; the
rest wait in the outbox for `flask send-outbox` (cron). A sender claims messages (claimed_at) before
sending them, so two senders at once never send one twice; a claim older than a few minutes is from a
sender that died, and may be taken over. The partial index finds the waiting messages.
"""
import sqlalchemy as sa
from alembic import op

from training.models.types import UTCDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

WAITING = "sent_at IS NULL AND error IS NULL"


def upgrade():
    with op.batch_alter_table("outbox_message") as batch:
        batch.add_column(sa.Column("claimed_at", UTCDateTime(), nullable=True))
    op.create_index(
        "ix_outbox_waiting",
        "outbox_message",
        ["id"],
        sqlite_where=sa.text(WAITING),
        postgresql_where=sa.text(WAITING),
    )


def downgrade():
    op.drop_index("ix_outbox_waiting", table_name="outbox_message")
    with op.batch_alter_table("outbox_message") as batch:
        batch.drop_column("claimed_at")
