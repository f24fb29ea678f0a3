"""user: every account gets a fresh session identifier, ending the sessions begun before sign-out did

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 20:00:00

The session cookie names the account by `user.session_token`, and a sign-in lasts as long as the cookie
names a current token. Signing out now replaces the token (as a password change and deactivation
already did), so a saved copy of the cookie stops working. Cookies saved before this release, after a
sign-out that did not yet replace the token, would still work for up to SESSION_HOURS: this migration
gives every existing account a new random token, so every earlier session ends once (people sign in
again). Downgrading keeps the new tokens: the old ones are what must never come back.
"""
import secrets

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

BATCH = 1000

user = sa.table("user", sa.column("id", sa.Integer), sa.column("session_token", sa.String))


def upgrade():
    connection = op.get_bind()
    ids = list(connection.scalars(sa.select(user.c.id).order_by(user.c.id)))
    update = sa.update(user).where(user.c.id == sa.bindparam("user_id")).values(session_token=sa.bindparam("token"))
    for start in range(0, len(ids), BATCH):
        rows = [{"user_id": i, "token": secrets.token_urlsafe(24)} for i in ids[start : start + BATCH]]
        connection.execute(update, rows)


def downgrade():
    pass
