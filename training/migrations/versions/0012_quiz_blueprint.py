"""course_version: the quiz's blueprint (questions drawn per module) and when answers are shown

Revision ID: 0012
Revises: 0010
Create Date: 2026-12-01 20:00:00

A question bank may say how many questions each attempt draws from each module of the course
(`blueprint`), so every attempt covers every module, and when a learner sees the keyed answers and
explanations of a graded attempt (`show_answers`). Both are copied to the course version at load time,
like the other quiz settings. Versions loaded before keep drawing from the whole bank (no blueprint)
and show answers once the learner has passed (the default).
"""
import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("course_version") as batch:
        batch.add_column(sa.Column("quiz_blueprint", sa.JSON(), nullable=True))
        batch.add_column(
            sa.Column("show_answers", sa.String(length=20), nullable=False, server_default="after_pass")
        )


def downgrade():
    with op.batch_alter_table("course_version") as batch:
        batch.drop_column("show_answers")
        batch.drop_column("quiz_blueprint")
