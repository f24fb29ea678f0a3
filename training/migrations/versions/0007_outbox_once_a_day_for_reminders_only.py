"""outbox: the once-a-day rule applies to reminders and digests only

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 12:30:00

Password-reset and invitation emails may go to one person more than once a day; reminders and
manager digests may not (cron may run twice at once). The unique constraint becomes a partial
unique index.
"""
from alembic import op
import sqlalchemy as sa

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

ONCE_A_DAY_KINDS = "kind IN ('reminder', 'manager_digest')"


def upgrade():
    with op.batch_alter_table("outbox_message") as batch_op:
        batch_op.drop_constraint("uq_outbox_once_a_day", type_="unique")
    op.create_index(
        "uq_outbox_once_a_day",
        "outbox_message",
        ["recipient_user_id", "kind", "day"],
        unique=True,
        sqlite_where=sa.text(ONCE_A_DAY_KINDS),
        postgresql_where=sa.text(ONCE_A_DAY_KINDS),
    )


def downgrade():
    op.drop_index("uq_outbox_once_a_day", table_name="outbox_message")
    # Keep one message per person, kind and day, so that the old constraint can come back.
    op.execute(
        "DELETE FROM outbox_message WHERE recipient_user_id IS NOT NULL AND id NOT IN ("
        "SELECT MIN(id) FROM outbox_message GROUP BY recipient_user_id, kind, day)"
    )
    with op.batch_alter_table("outbox_message") as batch_op:
        batch_op.create_unique_constraint("uq_outbox_once_a_day", ["recipient_user_id", "kind", "day"])
