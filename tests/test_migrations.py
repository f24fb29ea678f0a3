"""The schema comes from the migrations: one head, upgrade from empty, and no drift from the models."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade

from tests.helpers import new_database_app
from training.extensions import MIGRATIONS_DIR, db


def _scripts() -> ScriptDirectory:
    return ScriptDirectory(str(MIGRATIONS_DIR))


def test_single_head():
    assert len(_scripts().get_heads()) == 1


def test_models_match_the_migrations(app):
    """The test database was built by `upgrade()`; the models must describe exactly that schema."""
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_upgrade_from_empty_then_downgrade_and_upgrade_again(tmp_path, database_url):
    with new_database_app(tmp_path, database_url) as fresh, fresh.app_context():
        upgrade()
        tables = set(sa.inspect(db.engine).get_table_names())
        assert {"organization", "user", "user_role", "oversight", "access_token"} <= tables
        downgrade(revision="base")
        assert set(sa.inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        head = _scripts().get_current_head()
        with db.engine.connect() as conn:
            assert MigrationContext.configure(conn).get_current_revision() == head
        db.engine.dispose()
