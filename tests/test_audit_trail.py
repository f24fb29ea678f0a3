"""The audit trail: a hash chain that shows edits and deletions, kept append-only by the database."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import threading
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from tests.helpers import new_database_app
from training.extensions import MIGRATIONS_DIR, db
from training.models import GENESIS_HASH, AuditEvent, AuditHead, Role
from training.services import audit


def _record_many(app, n: int, **fields) -> None:
    with app.app_context():
        for i in range(1, n + 1):
            audit.record("test.event", actor=audit.SYSTEM, object_type="thing", object_id=i, details={"i": i}, **fields)
        db.session.commit()


def _verify(app) -> audit.VerifyResult:
    with app.app_context():
        return audit.verify()


def _events(app) -> list[AuditEvent]:
    with app.app_context():
        events = list(db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.seq)))
        db.session.expunge_all()
        return events


@contextmanager
def _triggers_dropped(app):
    """What someone with write access to the database can do: drop the triggers, tamper, restore them."""
    with app.app_context(), db.engine.begin() as conn:
        dialect = conn.dialect.name
        for statement in audit.drop_append_only_sql(dialect):
            conn.exec_driver_sql(statement)
        yield conn
        for statement in audit.append_only_sql(dialect):
            conn.exec_driver_sql(statement)


def _trigger_names(conn) -> set[str]:
    if conn.dialect.name == "postgresql":
        query = "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_event'::regclass AND NOT tgisinternal"
    else:
        query = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_event'"
    return set(conn.exec_driver_sql(query).scalars())


# --- appending ------------------------------------------------------------------------------


def test_record_then_verify(app, make_org, make_user):
    org = make_org("Air Audit")
    manager = make_user(org, Role.MANAGER, email="manager@example.test")
    with app.app_context():
        first = audit.record("auth.sign_in", actor=audit.Actor(manager, "203.0.113.7"), organization_id=org.id)
        audit.record(
            "certificate.issued",
            actor=audit.SYSTEM,
            organization_id=org.id,
            object_type="certificate",
            object_id=42,
            details={"course": "recognize", "score": 0.9},
        )
        audit.record("staff.imported", actor=audit.Actor(manager), organization_id=org.id, details={"added": 3})
        assert first.seq == 1
        assert first.id is not None  # flushed, not committed
        db.session.commit()

    events = _events(app)
    assert [e.seq for e in events] == [1, 2, 3]
    assert [e.action for e in events] == ["auth.sign_in", "certificate.issued", "staff.imported"]
    assert (events[0].actor, events[0].actor_user_id, events[0].ip) == (
        "manager@example.test",
        manager.id,
        "203.0.113.7",
    )
    assert (events[1].actor, events[1].actor_user_id) == ("system", None)
    assert (events[1].object_type, events[1].object_id) == ("certificate", "42")
    assert json.loads(events[1].details) == {"course": "recognize", "score": 0.9}
    assert events[0].details == "{}"
    assert all(e.organization_id == org.id for e in events)
    assert all(e.occurred_at.tzinfo is not None for e in events)

    assert _verify(app) == audit.VerifyResult(True, 3, None, "intact")


def test_an_empty_trail_verifies(app):
    assert _verify(app) == audit.VerifyResult(True, 0, None, "intact")


def test_genesis_and_links(app):
    at = datetime(2026, 3, 1, 12, 30, tzinfo=UTC)
    with app.app_context():
        for i in range(3):
            audit.record("test.event", actor=audit.SYSTEM, object_id=i, at=at + timedelta(minutes=i))
        db.session.commit()

    events = _events(app)
    assert events[0].prev_hash == GENESIS_HASH == "0" * 64
    assert [e.prev_hash for e in events[1:]] == [e.hash for e in events[:-1]]
    # The hash, recomputed here from the documented recipe.
    canonical = (
        '{"action":"test.event","actor":"system","actor_user_id":null,"details":"{}","ip":null,'
        '"object_id":"0","object_type":null,"occurred_at":"2026-03-01T12:30:00.000000+00:00",'
        '"organization_id":null,"seq":1}'
    )
    assert events[0].hash == hashlib.sha256((GENESIS_HASH + canonical).encode()).hexdigest()
    assert all(len(e.hash) == 64 and int(e.hash, 16) >= 0 for e in events)
    assert len({e.hash for e in events}) == 3
    with app.app_context():
        head = db.session.get(AuditHead, 1)
        assert (head.seq, head.last_hash) == (3, events[-1].hash)


def test_canonical_json_is_stable_and_keeps_non_ascii(app):
    assert audit.canonical_json({"b": 1, "a": "Zoë"}) == '{"a":"Zoë","b":1}'
    assert audit.canonical_json({"a": "Zoë", "b": 1}) == audit.canonical_json({"b": 1, "a": "Zoë"})
    assert audit.canonical_json({"x": {"z": [1, 2], "y": None}}) == '{"x":{"y":null,"z":[1,2]}}'
    with pytest.raises(ValueError, match="JSON compliant"):
        audit.canonical_json({"score": float("nan")})

    with app.app_context():
        event = audit.record("person.renamed", actor=audit.SYSTEM, details={"to": "Zoë Ångström", "from": "Zoe"})
        stored_hash = event.hash
        db.session.commit()
    [event] = _events(app)
    assert event.details == '{"from":"Zoe","to":"Zoë Ångström"}'
    assert audit.row_hash(event) == stored_hash == event.hash  # the same after a round trip through the database
    assert _verify(app).ok


def test_times_are_hashed_in_utc(app):
    nairobi = timezone(timedelta(hours=3))
    with app.app_context():
        audit.record("test.event", actor=audit.SYSTEM, at=datetime(2026, 1, 1, 15, 0, 0, 123456, tzinfo=nairobi))
        db.session.commit()
    [event] = _events(app)
    assert event.occurred_at == datetime(2026, 1, 1, 12, 0, 0, 123456, tzinfo=UTC)
    assert _verify(app).ok


def test_record_joins_the_callers_transaction(app):
    with app.app_context():
        audit.record("test.discarded", actor=audit.SYSTEM)
        db.session.rollback()
        audit.record("test.kept", actor=audit.SYSTEM)
        db.session.commit()
    assert [(e.seq, e.action) for e in _events(app)] == [(1, "test.kept")]
    assert _verify(app).ok


def test_record_refuses_bad_input(app):
    with app.app_context():
        with pytest.raises(ValueError, match="naive"):
            audit.record("test.event", actor=audit.SYSTEM, at=datetime(2026, 1, 1))
        with pytest.raises(ValueError, match="longer than 64"):
            audit.record("x" * 65, actor=audit.SYSTEM)
        with pytest.raises(TypeError):
            audit.record("test.event", actor=audit.SYSTEM, details={"when": datetime.now(UTC)})
        db.session.rollback()
    assert _events(app) == []


def test_the_head_is_created_when_missing(app):
    _record_many(app, 2)
    with app.app_context():
        db.session.execute(sa.delete(AuditHead))  # audit_head itself is not append-only
        db.session.commit()
        audit.record("test.event", actor=audit.SYSTEM)  # continues from the last row
        db.session.commit()
    assert [e.seq for e in _events(app)] == [1, 2, 3]
    assert _verify(app) == audit.VerifyResult(True, 3, None, "intact")


def test_concurrent_appends_never_fork_the_chain(app):
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def append(worker: int) -> None:
        try:
            start.wait()
            for i in range(25):
                with app.app_context():
                    audit.record("test.concurrent", actor=audit.SYSTEM, details={"worker": worker, "i": i})
                    db.session.commit()
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=append, args=(worker,)) for worker in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    events = _events(app)
    assert [e.seq for e in events] == list(range(1, 51))
    assert sorted(json.loads(e.details)["worker"] for e in events) == [0] * 25 + [1] * 25
    assert _verify(app) == audit.VerifyResult(True, 50, None, "intact")


# --- tampering ------------------------------------------------------------------------------


def test_an_edited_row_is_named(app, runner):
    _record_many(app, 5)
    with _triggers_dropped(app) as conn:
        conn.execute(sa.update(AuditEvent).where(AuditEvent.seq == 3).values(details='{"i":33}'))

    result = _verify(app)
    assert result == audit.VerifyResult(False, 3, 3, "row 3: content does not match its hash (edited)")
    cli = runner.invoke(args=["audit-verify"])
    assert cli.exit_code == 1
    assert "audit trail BROKEN at row 3: content does not match its hash (edited)" in cli.output


def test_a_rewritten_row_with_a_new_hash_breaks_the_next_link(app):
    _record_many(app, 4)
    row = _events(app)[1]
    row.actor = "someone.else@example.test"
    new_hash = audit.row_hash(row)
    with _triggers_dropped(app) as conn:
        conn.execute(sa.update(AuditEvent).where(AuditEvent.seq == 2).values(actor=row.actor, hash=new_hash))

    result = _verify(app)
    assert (result.ok, result.first_broken_seq) == (False, 3)
    assert result.reason == "row 3: prev_hash does not match the hash of row 2 (one of them was rewritten)"


def test_a_deleted_row_is_named(app, runner):
    _record_many(app, 5)
    with _triggers_dropped(app) as conn:
        conn.execute(sa.delete(AuditEvent).where(AuditEvent.seq == 3))

    assert _verify(app) == audit.VerifyResult(False, 3, 4, "row 4: follows row 2 (row 3 missing)")
    cli = runner.invoke(args=["audit-verify"])
    assert cli.exit_code == 1
    assert "audit trail BROKEN at row 4: follows row 2 (row 3 missing)" in cli.output


def test_deleted_first_rows_are_named(app):
    _record_many(app, 5)
    with _triggers_dropped(app) as conn:
        conn.execute(sa.delete(AuditEvent).where(AuditEvent.seq.in_([1, 2])))
    assert _verify(app) == audit.VerifyResult(False, 1, 3, "row 3: is the first row (rows 1–2 missing)")


def test_a_deleted_last_row_is_named(app):
    _record_many(app, 5)
    with _triggers_dropped(app) as conn:
        conn.execute(sa.delete(AuditEvent).where(AuditEvent.seq == 5))
    assert _verify(app) == audit.VerifyResult(
        False, 4, 5, "row 5: missing (audit_head counts 5 events; the trail ends at row 4)"
    )


def test_a_row_appended_behind_the_heads_back_is_named(app):
    _record_many(app, 2)
    [*_, last] = _events(app)
    with app.app_context():
        db.session.add(
            AuditEvent(
                seq=3,
                occurred_at=last.occurred_at,
                actor="forger",
                action="test.forged",
                details="{}",
                prev_hash=last.hash,
                hash=last.hash,
            )
        )
        db.session.commit()
    result = _verify(app)
    assert (result.ok, result.first_broken_seq) == (False, 3)
    assert result.reason.startswith("row 3: not counted by audit_head")


def test_the_database_refuses_update_and_delete(app):
    _record_many(app, 2)
    with app.app_context():
        for statement in (
            sa.update(AuditEvent).where(AuditEvent.seq == 1).values(details='{"i":9}'),
            sa.delete(AuditEvent).where(AuditEvent.seq == 2),
            sa.delete(AuditEvent),
        ):
            with pytest.raises(sa.exc.DBAPIError, match="audit_event is append-only"), db.engine.begin() as conn:
                conn.execute(statement)
        if db.engine.dialect.name == "postgresql":
            with pytest.raises(sa.exc.DBAPIError, match="audit_event is append-only"), db.engine.begin() as conn:
                conn.exec_driver_sql("TRUNCATE audit_event")

        event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.seq == 1))
        event.action = "test.changed"
        with pytest.raises(sa.exc.DBAPIError, match="audit_event is append-only"):
            db.session.commit()
        db.session.rollback()

    assert [(e.seq, e.action, e.details) for e in _events(app)] == [
        (1, "test.event", '{"i":1}'),
        (2, "test.event", '{"i":2}'),
    ]
    assert _verify(app).ok


# --- command line ---------------------------------------------------------------------------


def test_cli_reports_an_intact_trail(app, runner):
    result = runner.invoke(args=["audit-verify"])
    assert (result.exit_code, result.output) == (0, "audit trail intact: 0 events\n")
    _record_many(app, 3)
    result = runner.invoke(args=["audit-verify"])
    assert (result.exit_code, result.output) == (0, "audit trail intact: 3 events\n")


# --- the migration --------------------------------------------------------------------------


def test_the_migration_carries_the_services_trigger_sql():
    path = next(MIGRATIONS_DIR.joinpath("versions").glob("0006_*.py"))
    spec = importlib.util.spec_from_file_location("migration_0006", path)
    assert spec is not None
    assert spec.loader is not None
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    for dialect in ("sqlite", "postgresql"):
        assert migration.APPEND_ONLY[dialect] == audit.append_only_sql(dialect)
        assert migration.DROP_APPEND_ONLY[dialect] == audit.drop_append_only_sql(dialect)
    assert migration.GENESIS_HASH == GENESIS_HASH


def test_the_test_database_has_the_triggers(app):
    with app.app_context(), db.engine.connect() as conn:
        assert _trigger_names(conn) == set(audit.APPEND_ONLY_TRIGGERS[conn.dialect.name])


def test_the_migration_makes_the_trail_append_only_and_downgrades_cleanly(tmp_path, database_url):
    """On a fresh database: the triggers the migration itself creates exist and refuse changes."""
    with new_database_app(tmp_path, database_url) as fresh, fresh.app_context():
        upgrade()
        with db.engine.connect() as conn:
            assert _trigger_names(conn) == set(audit.APPEND_ONLY_TRIGGERS[conn.dialect.name])
            assert conn.execute(sa.select(AuditHead.id, AuditHead.seq, AuditHead.last_hash)).all() == [
                (1, 0, GENESIS_HASH)
            ]
        audit.record("test.event", actor=audit.SYSTEM)
        db.session.commit()
        with pytest.raises(sa.exc.DBAPIError, match="audit_event is append-only"), db.engine.begin() as conn:
            conn.execute(sa.delete(AuditEvent))
        assert audit.verify() == audit.VerifyResult(True, 1, None, "intact")
        db.session.remove()

        downgrade(revision="0005")
        with db.engine.connect() as conn:
            tables = set(sa.inspect(conn).get_table_names())
            assert not {"audit_event", "audit_head"} & tables
            if conn.dialect.name == "postgresql":
                functions = conn.exec_driver_sql(
                    "SELECT count(*) FROM pg_proc WHERE proname = 'audit_event_append_only'"
                ).scalar()
                assert functions == 0
        db.engine.dispose()
