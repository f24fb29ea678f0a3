"""requirement.certified_until: the expiry of the holder's best certificate, kept by the database

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23 15:00:00

Every compliance figure needs, for each requirement, the latest expiry among the person's unrevoked
certificates for the course. Looking it up per row was most of the auditor overview's time at 20,000
staff. The requirement row now carries it, and triggers keep it right whoever writes: the app, a bulk
insert, a restore or a hand-made fix.

- A certificate inserted, deleted, revoked or re-dated refreshes the requirement rows of its holder and
  course (the old ones too, if its holder or course changed).
- A requirement inserted (or moved to another person or course) takes the value from the certificates.

On PostgreSQL both triggers first lock the person's row, so a requirement created while the same person's
certificate is being issued cannot miss it: whichever comes second waits, then sees the other. The lock
is FOR NO KEY UPDATE, which leaves foreign-key checks alone (other rows about the person can still be
written meanwhile); like every transaction of the app, take it before the audit trail's head.
"""

import sqlalchemy as sa
from alembic import op

from training.models.types import UTCDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def _best(user: str, course: str) -> str:
    return (
        "(SELECT max(c.expires_at) FROM certificate AS c "
        f"WHERE c.user_id = {user} AND c.course_id = {course} AND c.revoked_at IS NULL)"
    )


def _refresh(user: str, course: str) -> str:
    return (
        f"UPDATE requirement SET certified_until = {_best(user, course)} "
        f"WHERE user_id = {user} AND course_id = {course};"
    )


SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER certificate_inserted_refreshes_requirement AFTER INSERT ON certificate
    BEGIN {_refresh("NEW.user_id", "NEW.course_id")} END""",
    f"""CREATE TRIGGER certificate_updated_refreshes_requirement
    AFTER UPDATE OF user_id, course_id, expires_at, revoked_at ON certificate
    BEGIN {_refresh("OLD.user_id", "OLD.course_id")} {_refresh("NEW.user_id", "NEW.course_id")} END""",
    f"""CREATE TRIGGER certificate_deleted_refreshes_requirement AFTER DELETE ON certificate
    BEGIN {_refresh("OLD.user_id", "OLD.course_id")} END""",
    f"""CREATE TRIGGER requirement_inserted_takes_certified_until AFTER INSERT ON requirement
    BEGIN {_refresh("NEW.user_id", "NEW.course_id")} END""",
    f"""CREATE TRIGGER requirement_moved_takes_certified_until AFTER UPDATE OF user_id, course_id ON requirement
    BEGIN {_refresh("NEW.user_id", "NEW.course_id")} END""",
]
SQLITE_DROPS = [
    "DROP TRIGGER IF EXISTS certificate_inserted_refreshes_requirement",
    "DROP TRIGGER IF EXISTS certificate_updated_refreshes_requirement",
    "DROP TRIGGER IF EXISTS certificate_deleted_refreshes_requirement",
    "DROP TRIGGER IF EXISTS requirement_inserted_takes_certified_until",
    "DROP TRIGGER IF EXISTS requirement_moved_takes_certified_until",
]

POSTGRESQL_TRIGGERS = [
    f"""CREATE FUNCTION certificate_refreshes_requirement() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            PERFORM 1 FROM "user" WHERE id = OLD.user_id FOR NO KEY UPDATE;
            {_refresh("OLD.user_id", "OLD.course_id")}
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            PERFORM 1 FROM "user" WHERE id = NEW.user_id FOR NO KEY UPDATE;
            {_refresh("NEW.user_id", "NEW.course_id")}
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER certificate_refreshes_requirement
    AFTER INSERT OR DELETE OR UPDATE OF user_id, course_id, expires_at, revoked_at ON certificate
    FOR EACH ROW EXECUTE FUNCTION certificate_refreshes_requirement()""",
    f"""CREATE FUNCTION requirement_takes_certified_until() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM 1 FROM "user" WHERE id = NEW.user_id FOR NO KEY UPDATE;
        NEW.certified_until := {_best("NEW.user_id", "NEW.course_id")};
        RETURN NEW;
    END $$""",
    """CREATE TRIGGER requirement_takes_certified_until
    BEFORE INSERT OR UPDATE OF user_id, course_id ON requirement
    FOR EACH ROW EXECUTE FUNCTION requirement_takes_certified_until()""",
]
POSTGRESQL_DROPS = [
    "DROP TRIGGER IF EXISTS certificate_refreshes_requirement ON certificate",
    "DROP FUNCTION IF EXISTS certificate_refreshes_requirement()",
    "DROP TRIGGER IF EXISTS requirement_takes_certified_until ON requirement",
    "DROP FUNCTION IF EXISTS requirement_takes_certified_until()",
]


def _statements(sqlite: list[str], postgresql: list[str]) -> list[str]:
    name = op.get_bind().dialect.name
    if name == "sqlite":
        return sqlite
    if name == "postgresql":
        return postgresql
    raise NotImplementedError(f"no triggers written for {name}")


def upgrade():
    with op.batch_alter_table("requirement") as batch:
        batch.add_column(sa.Column("certified_until", UTCDateTime(), nullable=True))
    op.execute("UPDATE requirement SET certified_until = " + _best("requirement.user_id", "requirement.course_id"))
    for statement in _statements(SQLITE_TRIGGERS, POSTGRESQL_TRIGGERS):
        op.execute(statement)


def downgrade():
    for statement in _statements(SQLITE_DROPS, POSTGRESQL_DROPS):
        op.execute(statement)
    with op.batch_alter_table("requirement") as batch:
        batch.drop_column("certified_until")
