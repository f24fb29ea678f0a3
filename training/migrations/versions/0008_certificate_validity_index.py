"""certificate: an index that covers the compliance lookups

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 13:30:00

The compliance figures look up, for each requirement, the holder's certificates for the course by
revocation and dates. Covering those columns spares reading certificate rows, which hold the PDFs.
It replaces the (user_id, course_id) index, which is its prefix.
"""
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_certificate_holder_validity",
        "certificate",
        ["user_id", "course_id", "revoked_at", "expires_at", "issued_at"],
    )
    op.drop_index("ix_certificate_user_course", table_name="certificate")


def downgrade():
    op.create_index("ix_certificate_user_course", "certificate", ["user_id", "course_id"])
    op.drop_index("ix_certificate_holder_validity", table_name="certificate")
