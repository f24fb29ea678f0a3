"""course_translation: a course version's texts in another language; the language of each attempt

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 09:00:00

Translations are read from files beside the English content (`<module>.<lang>.md` and so on) and
stored per course version and language, with their state (complete, or stale when made from other
English text) and who reviewed them. An attempt records the language its questions were shown in;
attempts made before were all in English.
"""
import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "course_translation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_version_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("reviewed_by", sa.String(length=300), nullable=True),
        sa.Column("texts", sa.JSON(), nullable=False),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.Column("loaded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_version_id"],
            ["course_version.id"],
            name=op.f("fk_course_translation_course_version_id_course_version"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course_translation")),
        sa.UniqueConstraint("course_version_id", "language", name="uq_course_translation_language"),
    )
    with op.batch_alter_table("course_translation") as batch:
        batch.create_index(batch.f("ix_course_translation_course_version_id"), ["course_version_id"], unique=False)
    with op.batch_alter_table("attempt") as batch:
        batch.add_column(sa.Column("language", sa.String(length=8), nullable=False, server_default="en"))


def downgrade():
    with op.batch_alter_table("attempt") as batch:
        batch.drop_column("language")
    with op.batch_alter_table("course_translation") as batch:
        batch.drop_index(batch.f("ix_course_translation_course_version_id"))
    op.drop_table("course_translation")
