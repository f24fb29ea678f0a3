"""The tamper-evident audit trail: append events to a hash chain, and check the chain.

Every event is a row of ``audit_event`` with a gapless ``seq``. Its ``hash`` is
``sha256(prev_hash + canonical)``, where ``prev_hash`` is the previous row's hash (64 zeros for
row 1) and ``canonical`` is the canonical JSON of the row's content. Editing a row breaks its
hash; deleting one leaves a gap in ``seq`` (or, at the end, disagrees with ``audit_head``).

The one-row ``audit_head`` table holds the last seq and hash. ``record`` starts by updating it,
which locks it (the write lock on SQLite, a row lock on PostgreSQL) until the caller's
transaction ends, so concurrent appends queue up and the chain never forks.

The database itself refuses UPDATE and DELETE on ``audit_event``: the migration creates the
triggers whose SQL is below (``append_only_sql``); the tests use the same text.

This module knows nothing of Flask requests: callers pass an ``Actor`` (who acts, from which address);
the web side builds it from the request, the commands use ``SYSTEM``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from training.extensions import db
from training.models import GENESIS_HASH, AuditEvent, AuditHead, Certificate, Organization, User, utcnow

SYSTEM_ACTOR = "system"
ANONYMOUS_ACTOR = "anonymous"
APPEND_ONLY_MESSAGE = "audit_event is append-only"

_event = AuditEvent.__table__
_head = AuditHead.__table__

# --- append-only triggers ----------------------------------------------------------------------
# The migration 0006 carries a copy of this text (migrations import nothing from the app);
# tests/test_audit_trail.py checks that the migrated database has these triggers and that they work.

_SQLITE_APPEND_ONLY = [
    "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event "
    f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END;",
    "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event "
    f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END;",
]
_SQLITE_DROP_APPEND_ONLY = [
    "DROP TRIGGER IF EXISTS audit_event_no_update",
    "DROP TRIGGER IF EXISTS audit_event_no_delete",
]
_POSTGRESQL_APPEND_ONLY = [
    "CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
    f"BEGIN RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}'; END; $$",
    "CREATE TRIGGER audit_event_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_event "
    "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()",
    # TRUNCATE skips row triggers, so it gets its own.
    "CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()",
]
_POSTGRESQL_DROP_APPEND_ONLY = [
    "DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event",
    "DROP TRIGGER IF EXISTS audit_event_no_update_or_delete ON audit_event",
    "DROP FUNCTION IF EXISTS audit_event_append_only()",
]

# The trigger names each dialect's migration creates, for checks.
APPEND_ONLY_TRIGGERS = {
    "sqlite": ("audit_event_no_delete", "audit_event_no_update"),
    "postgresql": ("audit_event_no_truncate", "audit_event_no_update_or_delete"),
}


def append_only_sql(dialect: str) -> list[str]:
    """Statements that make ``audit_event`` refuse UPDATE and DELETE, for 'sqlite' or 'postgresql'."""
    return list(_by_dialect(dialect, _SQLITE_APPEND_ONLY, _POSTGRESQL_APPEND_ONLY))


def drop_append_only_sql(dialect: str) -> list[str]:
    """Statements that undo ``append_only_sql(dialect)``."""
    return list(_by_dialect(dialect, _SQLITE_DROP_APPEND_ONLY, _POSTGRESQL_DROP_APPEND_ONLY))


def _by_dialect(dialect: str, sqlite: list[str], postgresql: list[str]) -> list[str]:
    if dialect == "sqlite":
        return sqlite
    if dialect == "postgresql":
        return postgresql
    raise ValueError(f"no append-only triggers for the {dialect!r} database")


# --- the chain ---------------------------------------------------------------------------------


def canonical_json(value: Any) -> str:
    """One spelling per value: sorted keys, no spaces, UTF-8 kept as is, no NaN or infinity."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def canonical_content(
    *,
    seq: int,
    occurred_at: datetime,
    actor_user_id: int | None,
    actor: str,
    action: str,
    object_type: str | None,
    object_id: str | None,
    organization_id: int | None,
    ip: str | None,
    details: str,
) -> str:
    """The canonical JSON of a row's content; ``details`` enters as the exact text stored."""
    return canonical_json(
        {
            "seq": seq,
            "occurred_at": occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
            "actor_user_id": actor_user_id,
            "actor": actor,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "organization_id": organization_id,
            "ip": ip,
            "details": details,
        }
    )


def chain_hash(prev_hash: str, canonical: str) -> str:
    return hashlib.sha256((prev_hash + canonical).encode("utf-8")).hexdigest()


_CONTENT_FIELDS = (
    "seq",
    "occurred_at",
    "actor_user_id",
    "actor",
    "action",
    "object_type",
    "object_id",
    "organization_id",
    "ip",
    "details",
)


def row_hash(row: Any) -> str:
    """Recompute the hash of a stored row (an ``AuditEvent`` or a result row with its columns)."""
    content = canonical_content(**{name: getattr(row, name) for name in _CONTENT_FIELDS})
    return chain_hash(row.prev_hash, content)


# --- appending ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Actor:
    """Who does an act and from which address, as the trail records it.

    With no ``user`` it is the system (a command, ``SYSTEM``), or a visitor nobody signed in as
    (``visitor=True``, named "anonymous").
    """

    user: User | None = None
    address: str | None = None
    visitor: bool = False

    @property
    def name(self) -> str:
        if self.user is not None:
            return self.user.email
        return ANONYMOUS_ACTOR if self.visitor else SYSTEM_ACTOR


SYSTEM = Actor()


def record(
    action: str,
    *,
    actor: Actor,
    organization_id: int | None = None,
    object_type: str | None = None,
    object_id: str | int | None = None,
    details: Mapping[str, Any] | None = None,
    at: datetime | None = None,
) -> AuditEvent:
    """Append an event inside the caller's transaction; the caller commits (or rolls back).

    ``actor`` says who did it and from where (``SYSTEM`` for a command). ``organization_id`` is the
    organization the event is about. ``details`` must be JSON-serializable (strings as keys). ``at`` defaults to now.

    The audit head stays locked until the caller's transaction ends: keep that transaction short.
    """
    if not action:
        raise ValueError("an audit event needs an action")
    if at is not None and at.tzinfo is None:
        raise ValueError("naive datetime given; use training.models.types.utcnow()")
    details_text = canonical_json(dict(details or {}))  # before the lock: a bad value fails early
    object_text = None if object_id is None else str(object_id)

    seq, prev_hash = _next_seq()  # takes the lock (and flushes, so a new ``actor`` has its id)
    occurred_at = (at or utcnow()).astimezone(UTC)
    fields: dict[str, Any] = {
        "seq": seq,
        "occurred_at": occurred_at,
        "actor_user_id": actor.user.id if actor.user is not None else None,
        "actor": actor.name,
        "action": action,
        "object_type": object_type,
        "object_id": object_text,
        "organization_id": organization_id,
        "ip": actor.address,
        "details": details_text,
    }
    _check_lengths(fields)
    event_hash = chain_hash(prev_hash, canonical_content(**fields))
    event = AuditEvent(**fields, prev_hash=prev_hash, hash=event_hash)
    db.session.add(event)
    db.session.flush()
    db.session.execute(
        sa.update(AuditHead)
        .where(AuditHead.id == 1)
        .values(last_hash=event_hash)
        .execution_options(synchronize_session=False)
    )
    return event


def record_about(
    action: str, subject: User | Organization | Certificate, *, actor: Actor, details: Mapping[str, Any] | None = None
) -> AuditEvent:
    """``record`` for an event about one person's account, organization or certificate: the event's object,
    in the organization it belongs to (an organization's own events: in that organization)."""
    if isinstance(subject, User):
        object_type, object_id, organization_id = "user", str(subject.id), subject.organization_id
    elif isinstance(subject, Organization):
        object_type, object_id, organization_id = "organization", str(subject.id), subject.id
    else:
        object_type, object_id, organization_id = "certificate", subject.serial, subject.organization_id
    return record(
        action,
        actor=actor,
        organization_id=organization_id,
        object_type=object_type,
        object_id=object_id,
        details=details,
    )


@dataclass(frozen=True)
class Entry:
    """One event of a batch for ``record_many``: what happened to which object."""

    action: str
    organization_id: int | None = None
    object_type: str | None = None
    object_id: str | int | None = None
    details: Mapping[str, Any] | None = None


def record_many(
    entries: list[Entry],
    *,
    actor: Actor,
) -> int:
    """Append a batch of events by one actor, chained in order, in three statements whatever their number.

    Same rules as ``record`` (the caller commits; the head stays locked until then). Returns how many.
    """
    if not entries:
        return 0
    if not all(entry.action for entry in entries):
        raise ValueError("an audit event needs an action")
    details = [canonical_json(dict(entry.details or {})) for entry in entries]  # before the lock
    seq, prev_hash = _next_seq(len(entries))
    occurred_at = utcnow().astimezone(UTC)
    actor_user_id = actor.user.id if actor.user is not None else None
    rows = []
    for offset, (entry, details_text) in enumerate(zip(entries, details, strict=True)):
        fields: dict[str, Any] = {
            "seq": seq + offset,
            "occurred_at": occurred_at,
            "actor_user_id": actor_user_id,
            "actor": actor.name,
            "action": entry.action,
            "object_type": entry.object_type,
            "object_id": None if entry.object_id is None else str(entry.object_id),
            "organization_id": entry.organization_id,
            "ip": actor.address,
            "details": details_text,
        }
        _check_lengths(fields)
        event_hash = chain_hash(prev_hash, canonical_content(**fields))
        rows.append({**fields, "prev_hash": prev_hash, "hash": event_hash})
        prev_hash = event_hash
    db.session.execute(sa.insert(AuditEvent), rows)
    db.session.execute(
        sa.update(AuditHead)
        .where(AuditHead.id == 1)
        .values(last_hash=prev_hash)
        .execution_options(synchronize_session=False)
    )
    return len(rows)


def _next_seq(count: int = 1) -> tuple[int, str]:
    """Claim the next ``count`` seqs under the head's lock; return the first with the hash it must follow."""
    # ORM-enabled, so the session autoflushes first (a new actor gets its id).
    bump = (
        sa.update(AuditHead)
        .where(AuditHead.id == 1)
        .values(seq=AuditHead.seq + count)
        .returning(AuditHead.seq, AuditHead.last_hash)
        .execution_options(synchronize_session=False)
    )
    claimed = db.session.execute(bump).one_or_none()
    if claimed is None:
        _create_head()
        claimed = db.session.execute(bump).one()
    return claimed.seq - count + 1, claimed.last_hash


def _create_head() -> None:
    """Insert the missing head row, continuing from the last event if there is one.

    ON CONFLICT DO NOTHING: if another transaction creates it at the same time, PostgreSQL waits
    for that one and then keeps its row; SQLite already serializes writers.
    """
    last = db.session.execute(sa.select(_event.c.seq, _event.c.hash).order_by(_event.c.seq.desc()).limit(1)).first()
    seq, last_hash = (last.seq, last.hash) if last is not None else (0, GENESIS_HASH)
    db.session.execute(
        sa.text("INSERT INTO audit_head (id, seq, last_hash) VALUES (1, :seq, :last_hash) ON CONFLICT (id) DO NOTHING"),
        {"seq": seq, "last_hash": last_hash},
    )


def _check_lengths(fields: Mapping[str, Any]) -> None:
    """PostgreSQL refuses over-long strings and SQLite keeps them; refuse them the same way on both."""
    for name, value in fields.items():
        length = getattr(_event.c[name].type, "length", None)
        if isinstance(value, str) and length is not None and len(value) > length:
            raise ValueError(f"audit {name} is longer than {length} characters: {value[:40]!r}…")


# --- verifying ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int  # rows read, including the broken one
    first_broken_seq: int | None
    reason: str  # "intact", or "row 17: content does not match its hash (edited)"


def verify(batch_size: int = 1000) -> VerifyResult:
    """Walk the trail in seq order, recompute every hash and link, and stop at the first break.

    The head is read first and only rows up to it are checked, so appends committed while the
    walk runs are neither reported nor needed. Runs in the current session and changes nothing.
    """
    head = db.session.execute(sa.select(_head.c.seq, _head.c.last_hash).where(_head.c.id == 1)).first()
    rows = sa.select(_event).order_by(_event.c.seq)
    if head is not None:
        rows = rows.where(_event.c.seq <= head.seq)

    checked = 0
    prev_seq, prev_hash = 0, GENESIS_HASH
    result = db.session.execute(rows.execution_options(yield_per=batch_size))
    try:
        for row in result:
            checked += 1
            broken = _check_row(row, prev_seq, prev_hash)
            if broken:
                return VerifyResult(False, checked, row.seq, f"row {row.seq}: {broken}")
            prev_seq, prev_hash = row.seq, row.hash
    finally:
        result.close()  # stopping early leaves a server-side cursor open on PostgreSQL

    broken_at, broken = _check_head(head, prev_seq, prev_hash)
    if broken:
        return VerifyResult(False, checked, broken_at, f"row {broken_at}: {broken}")
    return VerifyResult(True, checked, None, "intact")


def _check_row(row: Any, prev_seq: int, prev_hash: str) -> str:
    """Why this row breaks the chain that ended at ``prev_seq``, or "" if it does not."""
    expected = prev_seq + 1
    if row.seq != expected:
        missing = f"row {expected}" if row.seq == expected + 1 else f"rows {expected}–{row.seq - 1}"
        where = f"follows row {prev_seq}" if prev_seq else "is the first row"
        return f"{where} ({missing} missing)"
    if row_hash(row) != row.hash:
        return "content does not match its hash (edited)"
    if row.prev_hash != prev_hash:
        if prev_seq == 0:
            return "prev_hash is not the genesis hash (rewritten)"
        return f"prev_hash does not match the hash of row {prev_seq} (one of them was rewritten)"
    return ""


def _check_head(head: Any, last_seq: int, last_hash: str) -> tuple[int, str]:
    """Compare the head with the last row checked; then look for rows appended behind its back."""
    if head is None:
        if last_seq == 0:
            return 0, ""  # nothing recorded yet; ``record`` creates the head
        return last_seq, "audit_head is missing"
    if head.seq > last_seq:
        return last_seq + 1, f"missing (audit_head counts {head.seq} events; the trail ends at row {last_seq})"
    if head.last_hash != last_hash:
        return last_seq, "audit_head's last hash does not match this row's hash"
    # Read the highest seq, then the head again: a committed append never leaves seq above its head,
    # so a row above the head read afterwards was not appended by ``record``.
    highest = db.session.scalar(sa.select(sa.func.max(_event.c.seq))) or 0
    now = db.session.scalar(sa.select(_head.c.seq).where(_head.c.id == 1))
    if now is not None and highest > now:
        return now + 1, f"not counted by audit_head (which ends at row {now}): appended outside the trail"
    return 0, ""
