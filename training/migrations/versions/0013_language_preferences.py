"""user.preferred_language and organization.default_language: the interface language

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 23:30:00

A person may choose the language the app speaks to them (and their emails and certificates); an
organization may set the default for staff who have not chosen. Both empty: the browser decides.
"""
import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user") as batch:
        batch.add_column(sa.Column("preferred_language", sa.String(length=8), nullable=True))
    with op.batch_alter_table("organization") as batch:
        batch.add_column(sa.Column("default_language", sa.String(length=8), nullable=True))


def downgrade():
    with op.batch_alter_table("organization") as batch:
        batch.drop_column("default_language")
    with op.batch_alter_table("user") as batch:
        batch.drop_column("preferred_language")
