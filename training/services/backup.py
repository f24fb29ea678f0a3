"""Backups of the whole database, and restoring them, with checks that nothing was lost.

A backup is one tar file holding ``manifest.json`` and the database: a SQLite file copied with the
online backup API, or a ``pg_dump --format=custom`` dump. The manifest says what kind of database it
is, when it was made, its Alembic revision, the rows in every table, the number of certificates and
a SHA-256 over their ``pdf_sha256`` values in serial order, and the SHA-256 of the database file.

The manifest describes the same snapshot as the database file: SQLite's is read from the copy;
PostgreSQL's in the transaction whose snapshot ``pg_dump --snapshot`` dumps.

Restoring replaces the database wholesale (SQLite: the backup API, in one step; PostgreSQL:
``pg_restore --clean --if-exists --single-transaction``), so it either happens entirely or not at
all. ``check_restored`` then proves the result: every certificate PDF hashes to its ``pdf_sha256``,
the database matches the manifest, and the audit chain verifies.

This module knows nothing of Flask requests; the commands are in ``training/commands/backup.py``.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import stat
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, cast

import sqlalchemy as sa
from alembic.script import ScriptDirectory

from training.config import create_private_file
from training.extensions import MIGRATIONS_DIR, db
from training.models import Certificate
from training.services import audit

FORMAT = "recognize-and-report backup"
VERSION = 1
MANIFEST_NAME = "manifest.json"
DATABASE_NAMES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
KIND_LABELS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
_MAX_MANIFEST_BYTES = 1024 * 1024
_CHUNK = 1024 * 1024
_certificate = cast(sa.Table, Certificate.__table__)  # a mapped class's table is a Table


class BackupError(Exception):
    """Something a person can fix: a bad file or path, the wrong kind of database, a failed tool."""


# --- what a database holds ---------------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    """What a database holds, as recorded in a backup's manifest and checked after a restore."""

    alembic_revision: str | None
    tables: dict[str, int]  # rows in every table
    certificates: int
    certificates_sha256: str  # SHA-256 over every certificate's pdf_sha256 + "\n", in serial order
    audit_events: int


@dataclass(frozen=True)
class Manifest:
    kind: str  # "sqlite" or "postgresql"
    created_at: str  # ISO 8601, UTC
    database_file: str  # the name of the database inside the archive
    database_size: int
    database_sha256: str
    summary: Summary
    format: str = FORMAT
    version: int = VERSION

    def to_json(self) -> bytes:
        data = {key: value for key, value in asdict(self).items() if key != "summary"}
        data.update(asdict(self.summary))
        return json.dumps(data, indent=2, sort_keys=True).encode("utf-8")

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        """Parse and check a manifest; BackupError if it is not one this version can restore."""
        try:
            data = json.loads(raw)
            if data.get("format") != FORMAT:
                raise BackupError("not a backup file (its manifest has another format)")
            if not isinstance(data["version"], int) or data["version"] > VERSION:
                raise BackupError(f"this backup has format version {data['version']}; this code reads up to {VERSION}")
            summary = Summary(**{name: data[name] for name in Summary.__dataclass_fields__})
            manifest = cls(
                **{name: data[name] for name in cls.__dataclass_fields__ if name != "summary"}, summary=summary
            )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise BackupError("not a backup file (its manifest cannot be read)") from exc
        if not (isinstance(manifest.summary.tables, dict) and isinstance(manifest.summary.certificates, int)):
            raise BackupError("not a backup file (its manifest is incomplete)")
        if DATABASE_NAMES.get(manifest.kind) != manifest.database_file:
            raise BackupError(f"not a backup file (unknown database kind {manifest.kind!r})")
        return manifest


def summarize(conn: sa.Connection) -> Summary:
    """Count the rows of every table and hash the certificates' recorded PDF hashes."""
    names = sorted(sa.inspect(conn).get_table_names())
    tables = {name: conn.execute(sa.select(sa.func.count()).select_from(sa.table(name))).scalar_one() for name in names}
    revision = None
    if "alembic_version" in names:
        revision = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    hashes = []
    if _certificate.name in names:
        pairs = conn.execute(sa.select(_certificate.c.serial, _certificate.c.pdf_sha256)).all()
        hashes = [sha for _serial, sha in sorted(pairs)]  # sorted here: database collations differ
    digest = hashlib.sha256("".join(f"{sha}\n" for sha in hashes).encode("ascii"))
    return Summary(revision, tables, len(hashes), digest.hexdigest(), tables.get("audit_event", 0))


def database_kind(url: sa.URL) -> str:
    """'sqlite' or 'postgresql'; BackupError for any other database."""
    kind = url.get_backend_name()
    if kind not in DATABASE_NAMES:
        raise BackupError(f"backups support SQLite and PostgreSQL, not {kind}")
    return kind


def held_rows(engine: sa.Engine) -> int:
    """Rows in the app's tables (leaving out the audit head the migration creates): 0 means empty."""
    total = 0
    with engine.connect() as conn:
        present = set(sa.inspect(conn).get_table_names())
        for table in db.metadata.sorted_tables:
            if table.name in present and table.name != "audit_head":
                total += conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
    return total


def code_revision() -> str | None:
    """The Alembic revision this code's migrations end at."""
    return ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()


# --- making a backup ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Written:
    path: Path
    size: int
    manifest: Manifest


def create_backup(engine: sa.Engine, output: Path) -> Written:
    """Snapshot the database into ``output``, written beside it first and renamed when complete."""
    kind = database_kind(engine.url)
    _check_output(output, engine.url)
    try:
        with tempfile.TemporaryDirectory(dir=output.parent, prefix=f".{output.name}.") as work:
            snapshot = Path(work) / DATABASE_NAMES[kind]
            snap = _snapshot_sqlite if kind == "sqlite" else _snapshot_postgresql
            summary = snap(engine, snapshot)
            size, sha = file_sha256(snapshot)
            created = datetime.now(UTC).isoformat(timespec="seconds")
            manifest = Manifest(kind, created, snapshot.name, size, sha, summary)
            archive = Path(work) / "backup.tar"
            write_archive(archive, manifest, snapshot)
            os.replace(archive, output)
    except OSError as exc:
        raise BackupError(f"cannot write {output}: {exc.strerror or exc}") from exc
    return Written(output, output.stat().st_size, manifest)


def _check_output(output: Path, url: sa.URL) -> None:
    """Refuse a target that cannot be a backup file: a directory, a missing folder, the database itself."""
    if output.is_dir():
        raise BackupError(f"cannot write {output}: it is a directory")
    if not output.parent.is_dir():
        raise BackupError(f"cannot write {output}: the folder {output.parent} does not exist")
    if url.get_backend_name() == "sqlite" and url.database:
        database = Path(url.database).resolve()
        if output.resolve() in {database, Path(f"{database}-wal"), Path(f"{database}-shm")}:
            raise BackupError(f"cannot write {output}: it is the database itself")


def _sqlite_path(url: sa.URL) -> Path:
    if not url.database or url.database == ":memory:" or url.query.get("mode") == "memory":
        raise BackupError("an in-memory SQLite database cannot be backed up or restored")
    return Path(url.database)


def _snapshot_sqlite(engine: sa.Engine, snapshot: Path) -> Summary:
    """Copy the live database with the online backup API (safe while the app runs) and summarize the copy."""
    source = _sqlite_path(engine.url)
    if not source.is_file():
        raise BackupError(f"the database file {source} does not exist")
    try:
        # mode=rw: read only, but never create a missing file, and reach a write-ahead log's pages.
        with (
            closing(sqlite3.connect(f"{source.resolve().as_uri()}?mode=rw", uri=True, timeout=30)) as src,
            closing(sqlite3.connect(snapshot)) as dst,
        ):
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, whatever the source used
    except sqlite3.Error as exc:
        raise BackupError(f"cannot copy the SQLite database {source}: {exc}") from exc
    return _summarize_sqlite_file(snapshot)


def _summarize_sqlite_file(path: Path) -> Summary:
    engine = sa.create_engine(f"sqlite:///{path}", poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            return summarize(conn)
    finally:
        engine.dispose()


def _snapshot_postgresql(engine: sa.Engine, snapshot: Path) -> Summary:
    """Dump with pg_dump and summarize in one exported snapshot, so manifest and dump agree."""
    with engine.connect() as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            snapshot_id = conn.execute(sa.text("SELECT pg_export_snapshot()")).scalar_one()
            _run_pg_tool(
                "pg_dump",
                ["--format=custom", f"--snapshot={snapshot_id}", f"--file={snapshot}"],
                engine.url,
            )
            return summarize(conn)


def file_sha256(path: Path) -> tuple[int, str]:
    """Size and SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def write_archive(archive: Path, manifest: Manifest, database: Path) -> None:
    """Write the tar (manifest first, then the database), readable by its owner only, and sync it."""
    fd = os.open(archive, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as raw:
        with tarfile.open(fileobj=raw, mode="w") as tar:
            body = manifest.to_json()
            tar.addfile(_member(MANIFEST_NAME, len(body)), io.BytesIO(body))
            with database.open("rb") as f:
                tar.addfile(_member(manifest.database_file, manifest.database_size), f)
        raw.flush()
        os.fsync(raw.fileno())


def _member(name: str, size: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mode = 0o600
    info.mtime = int(datetime.now(UTC).timestamp())
    return info


# --- PostgreSQL client tools -------------------------------------------------------------------


def _run_pg_tool(tool: str, args: list[str], url: sa.URL) -> None:
    """Run pg_dump or pg_restore against ``url``; the password goes in PGPASSWORD, never the command line."""
    program = shutil.which(tool)
    if program is None:
        raise BackupError(f"{tool} is not installed: install the PostgreSQL client tools")
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    command = [program, "--no-password", f"--dbname={libpq_conninfo(url)}", *args]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603 (no shell)
    if done.returncode != 0:
        lines = [line.strip() for line in done.stderr.splitlines() if line.strip()]
        errors = [line for line in lines if "error" in line.lower()] or lines[-1:]
        raise BackupError(f"{tool} failed: {errors[0] if errors else f'exit status {done.returncode}'}")


def libpq_conninfo(url: sa.URL) -> str:
    """A libpq keyword/value connection string for ``url``, without its password."""
    params: dict[str, Any] = {"dbname": url.database, "host": url.host, "port": url.port, "user": url.username}
    for key, value in url.query.items():
        params[key] = value[-1] if isinstance(value, tuple) else value
    return " ".join(f"{key}={_conninfo_quote(str(value))}" for key, value in params.items() if value not in (None, ""))


def _conninfo_quote(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


# --- restoring ---------------------------------------------------------------------------------


def read_manifest(path: Path) -> Manifest:
    """The manifest of the backup at ``path``; BackupError if the file is missing or not a backup."""
    with _open_archive(path) as tar:
        first = tar.next()
        if first is None or first.name != MANIFEST_NAME or not first.isfile() or first.size > _MAX_MANIFEST_BYTES:
            raise BackupError(f"{path} is not a backup file (no manifest)")
        return Manifest.from_json(_read_member(tar, first).read())


def check_kind(manifest: Manifest, url: sa.URL) -> None:
    """A SQLite backup restores only into SQLite, and a PostgreSQL one only into PostgreSQL."""
    target = database_kind(url)
    if manifest.kind != target:
        made, into = KIND_LABELS[manifest.kind], KIND_LABELS[target]
        raise BackupError(
            f"this is a backup of a {made} database; it cannot be restored into {into} "
            f"(restore it into a {made} database)"
        )


def restore(engine: sa.Engine, path: Path, manifest: Manifest) -> None:
    """Replace the database behind ``engine`` with the backup, entirely or not at all.

    The database file is checked against the manifest's SHA-256 before anything is changed.
    The caller must have closed its sessions; pooled connections are closed here.
    """
    kind = database_kind(engine.url)
    with tempfile.TemporaryDirectory(prefix="restore-") as work:
        database = Path(work) / manifest.database_file
        _extract_database(path, manifest, database)
        engine.dispose()
        if kind == "sqlite":
            _restore_sqlite(database, _sqlite_path(engine.url))
        else:
            _restore_postgresql(database, engine.url)
        engine.dispose()


@contextmanager
def _open_archive(path: Path) -> Iterator[tarfile.TarFile]:
    if not path.exists():
        raise BackupError(f"no such file: {path}")
    if not path.is_file():
        raise BackupError(f"{path} is not a file")
    try:
        with tarfile.open(path, mode="r:") as tar:
            yield tar
    except tarfile.TarError as exc:
        raise BackupError(f"{path} is not a backup file (not a tar archive)") from exc
    except OSError as exc:
        raise BackupError(f"cannot read {path}: {exc.strerror or exc}") from exc


def _read_member(tar: tarfile.TarFile, member: tarfile.TarInfo) -> IO[bytes]:
    f = tar.extractfile(member)
    if f is None:
        raise BackupError(f"the backup's {member.name} is not a file")
    return f


def _extract_database(path: Path, manifest: Manifest, target: Path) -> None:
    """Copy the database out of the archive, refusing it unless its size and SHA-256 match the manifest."""
    with _open_archive(path) as tar:
        try:
            member = tar.getmember(manifest.database_file)
        except KeyError:
            raise BackupError(f"the backup {path} has no {manifest.database_file}") from None
        digest = hashlib.sha256()
        with _read_member(tar, member) as src, target.open("wb") as dst:
            while chunk := src.read(_CHUNK):
                digest.update(chunk)
                dst.write(chunk)
    if member.size != manifest.database_size or digest.hexdigest() != manifest.database_sha256:
        raise BackupError(
            f"the database in {path} does not match its manifest's SHA-256 (damaged or altered); nothing was restored"
        )


def _restore_sqlite(source: Path, target: Path) -> None:
    """Copy every page of ``source`` over ``target`` with the backup API, in one step."""
    if not target.parent.is_dir():
        raise BackupError(f"cannot restore into {target}: the folder {target.parent} does not exist")
    try:
        _make_private(target)
        with (
            closing(sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)) as src,
            closing(sqlite3.connect(target, timeout=30)) as dst,
        ):
            src.backup(dst)
    except (sqlite3.Error, OSError) as exc:
        raise BackupError(f"cannot restore into {target}: {exc}") from exc


def _make_private(target: Path) -> None:
    """The restored database is readable by its owner only, as the backup file is and as the app creates it.

    A missing file is created 0600 (SQLite would follow the umask, often 0644); one made by an earlier
    connection, e.g. the check that the database is empty, loses any group and other permissions, as do
    its write-ahead log and shared-memory files (SQLite gives new ones the database file's permissions).
    """
    create_private_file(target)
    for path in (target, Path(f"{target}-wal"), Path(f"{target}-shm"), Path(f"{target}-journal")):
        if path.exists() and (mode := stat.S_IMODE(path.stat().st_mode)) & 0o077:
            path.chmod(mode & 0o700)


def _restore_postgresql(dump: Path, url: sa.URL) -> None:
    """pg_restore in one transaction: the dumped tables are dropped and recreated, or nothing changes.

    DROP TABLE is allowed on ``audit_event`` (its triggers refuse only UPDATE, DELETE and TRUNCATE),
    and the dump recreates the triggers with the table.
    """
    _run_pg_tool("pg_restore", ["--clean", "--if-exists", "--no-owner", "--single-transaction", str(dump)], url)


# --- checking a restored database --------------------------------------------------------------


@dataclass(frozen=True)
class RestoreCheck:
    certificates_checked: int
    audit_events_checked: int
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_restored(manifest: Manifest) -> RestoreCheck:
    """Compare the database with the manifest, hash every certificate PDF, and verify the audit chain."""
    summary = summarize(db.session.connection())
    problems = compare_summaries(manifest.summary, summary)
    checked, mismatched = _check_pdfs()
    if mismatched:
        shown = ", ".join(mismatched[:10]) + (" …" if len(mismatched) > 10 else "")
        problems.append(f"{len(mismatched)} certificate PDF(s) do not match their SHA-256: {shown}")
    trail = audit.verify()
    if not trail.ok:
        problems.append(f"audit trail BROKEN at {trail.reason}")
    return RestoreCheck(checked, trail.checked, problems)


def compare_summaries(expected: Summary, found: Summary) -> list[str]:
    """What differs between the backup's manifest and the restored database, one line each."""
    problems = []
    if found.alembic_revision != expected.alembic_revision:
        problems.append(f"revision {found.alembic_revision}, but the backup was at {expected.alembic_revision}")
    for name, rows in sorted(expected.tables.items()):
        now = found.tables.get(name)
        if now != rows:
            problems.append(f"table {name}: {rows} rows in the backup, {'missing' if now is None else now} now")
    if found.certificates != expected.certificates:
        problems.append(f"{found.certificates} certificates, but the backup's manifest lists {expected.certificates}")
    if found.certificates_sha256 != expected.certificates_sha256:
        problems.append("the certificates' SHA-256 values differ from those in the backup's manifest")
    return problems


def _check_pdfs() -> tuple[int, list[str]]:
    """Hash every stored certificate PDF; return how many were checked and the serials that do not match."""
    query = sa.select(_certificate.c.serial, _certificate.c.pdf, _certificate.c.pdf_sha256).order_by(
        _certificate.c.serial
    )
    checked, mismatched = 0, []
    result = db.session.execute(query.execution_options(yield_per=100))
    try:
        for serial, pdf, sha in result:
            checked += 1
            if pdf is None or hashlib.sha256(pdf).hexdigest() != sha:
                mismatched.append(serial)
    finally:
        result.close()
    return checked, mismatched
