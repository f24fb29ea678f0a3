"""`flask backup` and `flask restore`: one file holds everything, and restoring it loses nothing."""

from __future__ import annotations

import hashlib
import io
import json
import os
import secrets
import stat
import tarfile
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from tests.content_fixture import write_content
from tests.factories import add_certificates, pass_course
from tests.helpers import login, new_database_app
from training.extensions import db
from training.models import AuditEvent, Certificate, Organization, OrgKind, User
from training.services import audit, content_loader
from training.services import backup as backups

LOGO = b"\x89PNG\r\n\x1a\n" + secrets.token_bytes(300)


@pytest.fixture
def world(app, tmp_path, make_org, make_user):
    """Organizations (one with a logo), people, certificates with distinct PDFs, and audit events."""
    with app.app_context():
        assert content_loader.load_content(write_content(tmp_path / "content")).ok
    airline = make_org("Backup Air", logo=LOGO, logo_mime="image/png")
    airport = make_org("Backup Port", kind=OrgKind.AIRPORT)
    make_org("Backup Authority", kind=OrgKind.AUTHORITY, oversees=(airline, airport))
    crew = [make_user(airline, full_name=f"Crew {n}", job_function="cabin_crew") for n in range(3)]
    holder = make_user(airline, full_name="Zoë Müller-Wanjiru", job_function="cabin_crew", employee_number="BA-1")
    serials = add_certificates(app, airline, crew) + add_certificates(app, airport, [make_user(airport)])
    with app.app_context():
        for n in range(3):
            audit.record("test.event", actor=audit.SYSTEM, organization_id=airline.id, details={"n": n})
        db.session.commit()
    return {"airline": airline, "holder": holder, "serials": serials}


# --- helpers ---------------------------------------------------------------------------------


def _rows(application: Flask) -> dict[str, list[tuple]]:
    """Every row of every table, in primary-key order, PDFs and logos included."""
    with application.app_context(), db.engine.connect() as conn:
        rows = {"alembic_version": conn.execute(sa.text("SELECT version_num FROM alembic_version")).all()}
        for table in db.metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            rows[table.name] = [tuple(row) for row in conn.execute(sa.select(table).order_by(*order))]
    return rows


def _backup(runner, path: Path) -> Path:
    result = runner.invoke(args=["backup", "--output", str(path)])
    assert result.exit_code == 0, result.output
    return path


def _restore(runner, path: Path, *extra: str):
    return runner.invoke(args=["restore", "--input", str(path), *extra])


def _refused(result, message: str) -> None:
    """Exit 1 with one line naming the problem, and no traceback."""
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.output


def _members(path: Path) -> dict[str, bytes]:
    with tarfile.open(path) as tar:
        return {member.name: tar.extractfile(member).read() for member in tar.getmembers()}


def _repack(
    source: Path,
    target: Path,
    *,
    manifest: Callable[[dict], None] = lambda m: None,
    database: Callable[[bytes], bytes] = lambda b: b,
) -> Path:
    """Rewrite a backup the way someone tampering with it would: change its manifest or its database."""
    members = _members(source)
    data = json.loads(members.pop("manifest.json"))
    (name, body), *_ = members.items()
    manifest(data)
    with tarfile.open(target, "w") as tar:
        for member_name, content in (("manifest.json", json.dumps(data).encode()), (name, database(body))):
            info = tarfile.TarInfo(member_name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    return target


def _trigger_names(application: Flask) -> set[str]:
    with application.app_context(), db.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            query = "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_event'::regclass AND NOT tgisinternal"
        else:
            query = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_event'"
        return set(conn.exec_driver_sql(query).scalars())


def _kind(application: Flask) -> str:
    with application.app_context():
        return db.engine.dialect.name


# --- backup ----------------------------------------------------------------------------------


def test_backup_writes_one_file_with_a_manifest(app, runner, world, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    result = runner.invoke(args=["backup", "--output", str(folder / "nightly.tar")])
    assert result.exit_code == 0, result.output
    assert "wrote" in result.output
    with app.app_context():
        events = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    assert f"4 certificates, {events} audit events" in result.output

    assert [p.name for p in folder.iterdir()] == ["nightly.tar"]  # nothing left beside it
    assert (folder / "nightly.tar").stat().st_mode & 0o777 == 0o600  # personal data: owner only
    members = _members(folder / "nightly.tar")
    kind = _kind(app)
    assert list(members) == ["manifest.json", backups.DATABASE_NAMES[kind]]
    manifest = json.loads(members["manifest.json"])
    with app.app_context():
        pairs = sorted(db.session.execute(sa.select(Certificate.serial, Certificate.pdf_sha256)).all())
    assert manifest["kind"] == kind
    assert manifest["alembic_revision"] == backups.code_revision()
    assert manifest["certificates"] == 4 == len(pairs)
    assert manifest["certificates_sha256"] == hashlib.sha256("".join(f"{s}\n" for _, s in pairs).encode()).hexdigest()
    assert manifest["audit_events"] == events
    assert manifest["tables"]["organization"] == 3
    body = members[backups.DATABASE_NAMES[kind]]
    assert manifest["database_sha256"] == hashlib.sha256(body).hexdigest()
    assert manifest["database_size"] == len(body)


@pytest.mark.parametrize("where", ["missing folder", "a folder"])
def test_backup_to_a_bad_path_fails_cleanly(runner, world, tmp_path, where):
    output = tmp_path / "nowhere" / "b.tar" if where == "missing folder" else tmp_path
    before = set(tmp_path.rglob("*"))
    result = runner.invoke(args=["backup", "--output", str(output)])
    _refused(result, "cannot write")
    assert set(tmp_path.rglob("*")) == before


def test_a_failed_backup_leaves_the_previous_file_untouched(runner, world, tmp_path, monkeypatch):
    folder = tmp_path / "backups"
    folder.mkdir()
    output = folder / "nightly.tar"
    output.write_bytes(b"yesterday's backup")

    def disk_full(archive: Path, manifest, database: Path) -> None:
        archive.write_bytes(b"half a backup")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backups, "write_archive", disk_full)
    _refused(runner.invoke(args=["backup", "--output", str(output)]), "No space left on device")
    assert output.read_bytes() == b"yesterday's backup"
    assert [p.name for p in folder.iterdir()] == ["nightly.tar"]


def test_backup_refuses_to_overwrite_the_database_itself(app, runner, world):
    if _kind(app) != "sqlite":
        pytest.skip("only a SQLite database is a file")
    with app.app_context():
        database = Path(db.engine.url.database)
    before = database.read_bytes()[:100]
    _refused(runner.invoke(args=["backup", "--output", str(database)]), "it is the database itself")
    assert database.read_bytes()[:100] == before


def test_the_postgresql_password_never_reaches_the_command_line(monkeypatch, tmp_path):
    seen = {}

    def fake_run(command, *, env, **kwargs):
        seen.update(command=command, env=env)
        return type("Done", (), {"returncode": 0, "stderr": ""})()

    monkeypatch.setattr(backups.subprocess, "run", fake_run)
    monkeypatch.setattr(backups.shutil, "which", lambda tool: f"/usr/bin/{tool}")
    url = sa.engine.make_url("postgresql+psycopg://trainer:s3cr'et@db.internal:6543/train ing?sslmode=require")
    backups._run_pg_tool("pg_dump", ["--format=custom"], url)
    assert not any("s3cr" in part for part in seen["command"])
    assert seen["env"]["PGPASSWORD"] == "s3cr'et"
    assert f"--dbname={backups.libpq_conninfo(url)}" in seen["command"]
    assert backups.libpq_conninfo(url) == (
        "dbname='train ing' host='db.internal' port='6543' user='trainer' sslmode='require'"
    )


# --- restore ---------------------------------------------------------------------------------


def test_round_trip_loses_nothing(app, runner, client, world, tmp_path):
    login(client, world["holder"].email)
    pass_course(client)  # a real signed certificate, and its audit events
    client.get("/logout")
    saved = _rows(app)
    archive = _backup(runner, tmp_path / "b.tar")

    with app.app_context():  # then a bad day: rows changed, added, removed
        db.session.execute(sa.update(User).values(full_name="Changed"))
        db.session.execute(sa.update(Organization).values(logo=b"another logo"))
        db.session.execute(sa.delete(Certificate).where(Certificate.serial == world["serials"][0]))
        db.session.add(Organization(name="Added after the backup", kind="airline", country="KE"))
        audit.record("test.after_backup", actor=audit.SYSTEM)
        db.session.commit()
    assert _rows(app) != saved

    result = _restore(runner, archive, "--yes")
    assert result.exit_code == 0, result.output
    assert "5 certificate PDFs matching their SHA-256" in result.output
    assert "audit trail intact" in result.output
    assert _rows(app) == saved
    with app.app_context():
        for serial, pdf, sha in db.session.execute(
            sa.select(Certificate.serial, Certificate.pdf, Certificate.pdf_sha256)
        ):
            assert hashlib.sha256(pdf).hexdigest() == sha, serial
        assert audit.verify().ok
        assert db.session.scalar(sa.select(Organization.logo).where(Organization.name == "Backup Air")) == LOGO

    # The restored database works as before: the trail grows and is still append-only.
    assert _trigger_names(app) == set(audit.APPEND_ONLY_TRIGGERS[_kind(app)])
    with app.app_context():
        audit.record("test.after_restore", actor=audit.SYSTEM)
        db.session.commit()
        assert audit.verify().checked == len(saved["audit_event"]) + 1
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), db.engine.begin() as conn:
            conn.execute(sa.update(AuditEvent).values(actor="someone else"))


def test_restore_into_a_new_empty_database(app, runner, world, tmp_path, database_url):
    saved = _rows(app)
    archive = _backup(runner, tmp_path / "b.tar")
    with new_database_app(tmp_path, database_url) as fresh:
        result = _restore(fresh.test_cli_runner(), archive)  # empty: no --yes needed
        assert result.exit_code == 0, result.output
        assert _rows(fresh) == saved
        assert _trigger_names(fresh) == set(audit.APPEND_ONLY_TRIGGERS[_kind(fresh)])


@pytest.mark.parametrize("file_was", ["missing", "made by the umask"])
def test_a_restored_sqlite_database_is_readable_by_its_owner_only(app, runner, world, tmp_path, database_url, file_was):
    """The backup file is 0600 and so is the database it becomes, whatever the umask."""
    if not database_url.startswith("sqlite"):
        pytest.skip("a SQLite file")
    archive = _backup(runner, tmp_path / "b.tar")
    previous_umask = os.umask(0o022)
    try:
        with new_database_app(tmp_path, database_url) as fresh:
            with fresh.app_context():
                path = Path(db.engine.url.database or "")
                db.engine.dispose()
            path.unlink()  # e.g. a damaged database file moved away before restoring
            if file_was == "missing":
                with fresh.app_context():
                    backups.restore(db.engine, archive, backups.read_manifest(archive))
            else:  # the restore command's own check that the database is empty creates it first
                result = _restore(fresh.test_cli_runner(), archive)
                assert result.exit_code == 0, result.output
            with fresh.app_context():
                assert db.session.scalar(sa.select(sa.func.count()).select_from(Certificate)) == len(world["serials"])
                db.session.remove()
                db.engine.dispose()
            modes = {f.name: stat.S_IMODE(f.stat().st_mode) for f in path.parent.glob(f"{path.name}*")}
            assert path.name in modes
            assert modes == dict.fromkeys(modes, 0o600)
    finally:
        os.umask(previous_umask)


def test_restore_refuses_a_database_that_is_not_empty_without_yes(app, runner, make_org, world, tmp_path):
    archive = _backup(runner, tmp_path / "b.tar")
    make_org("Added after the backup")
    before = _rows(app)
    _refused(_restore(runner, archive), "is not empty")
    assert "--yes" in _restore(runner, archive).stderr
    assert _rows(app) == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file"),
        (b"", "not a tar archive"),
        (b"%PDF-1.7 garbage " * 100, "not a tar archive"),
        ("no manifest", "no manifest"),
        ("bad manifest", "its manifest cannot be read"),
    ],
)
def test_a_file_that_is_not_a_backup_is_refused_and_changes_nothing(app, runner, world, tmp_path, content, message):
    path = tmp_path / "not-a-backup.tar"
    if content in ("no manifest", "bad manifest"):
        with tarfile.open(path, "w") as tar:
            body = b"{not json" if content == "bad manifest" else b"hello"
            info = tarfile.TarInfo("manifest.json" if content == "bad manifest" else "notes.txt")
            info.size = len(body)
            tar.addfile(info, io.BytesIO(body))
    elif content is not None:
        path.write_bytes(content)
    before = _rows(app)
    _refused(_restore(runner, path, "--yes"), message)
    assert _rows(app) == before


def test_a_backup_of_the_other_kind_of_database_is_refused(app, runner, world, tmp_path):
    kind = _kind(app)
    other = "postgresql" if kind == "sqlite" else "sqlite"

    def claim_other_kind(manifest: dict) -> None:
        manifest.update(kind=other, database_file=backups.DATABASE_NAMES[other])

    archive = _repack(_backup(runner, tmp_path / "b.tar"), tmp_path / "other.tar", manifest=claim_other_kind)
    before = _rows(app)
    message = (
        f"backup of a {backups.KIND_LABELS[other]} database; it cannot be restored into {backups.KIND_LABELS[kind]}"
    )
    _refused(_restore(runner, archive, "--yes"), message)
    assert _rows(app) == before


def test_an_altered_database_file_is_refused_before_anything_changes(app, runner, world, tmp_path):
    def flip_a_byte(body: bytes) -> bytes:
        middle = len(body) // 2
        return body[:middle] + bytes([body[middle] ^ 0xFF]) + body[middle + 1 :]

    archive = _repack(_backup(runner, tmp_path / "b.tar"), tmp_path / "altered.tar", database=flip_a_byte)
    with app.app_context():
        db.session.execute(sa.delete(Certificate).where(Certificate.serial == world["serials"][0]))
        db.session.commit()
    before = _rows(app)
    _refused(_restore(runner, archive, "--yes"), "does not match its manifest's SHA-256")
    assert _rows(app) == before


def test_a_backup_with_a_changed_pdf_is_caught_after_restore(app, runner, world, tmp_path, database_url):
    """Someone restores a backup elsewhere, changes a certificate's PDF, and backs it up again."""
    serial = world["serials"][1]
    genuine = _backup(runner, tmp_path / "genuine.tar")
    with new_database_app(tmp_path, database_url) as elsewhere:
        assert _restore(elsewhere.test_cli_runner(), genuine).exit_code == 0
        with elsewhere.app_context():
            db.session.execute(
                sa.update(Certificate).where(Certificate.serial == serial).values(pdf=b"%PDF-1.7 forged")
            )
            db.session.commit()
        tampered = _backup(elsewhere.test_cli_runner(), tmp_path / "tampered.tar")

    result = _restore(runner, tampered, "--yes")
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)
    assert f"CHECK FAILED: 1 certificate PDF(s) do not match their SHA-256: {serial}" in result.stderr


def test_a_manifest_that_disagrees_with_the_database_is_reported(app, runner, world, tmp_path):
    def claim_more(manifest: dict) -> None:
        manifest["certificates"] += 1
        manifest["certificates_sha256"] = "0" * 64
        manifest["tables"]["user"] += 2

    archive = _repack(_backup(runner, tmp_path / "b.tar"), tmp_path / "claims.tar", manifest=claim_more)
    result = _restore(runner, archive, "--yes")
    assert result.exit_code == 1, result.output
    assert "4 certificates, but the backup's manifest lists 5" in result.stderr
    assert "certificates' SHA-256 values differ" in result.stderr
    assert "table user:" in result.stderr
    assert "audit trail" not in result.stderr  # the trail itself is fine


def test_restore_reports_a_broken_audit_trail(app, runner, world, tmp_path, database_url):
    genuine = _backup(runner, tmp_path / "genuine.tar")
    with new_database_app(tmp_path, database_url) as elsewhere:
        assert _restore(elsewhere.test_cli_runner(), genuine).exit_code == 0
        with elsewhere.app_context(), db.engine.begin() as conn:
            kind = conn.dialect.name
            for statement in audit.drop_append_only_sql(kind):
                conn.exec_driver_sql(statement)
            conn.execute(sa.update(AuditEvent).where(AuditEvent.seq == 2).values(actor="someone else"))
            for statement in audit.append_only_sql(kind):
                conn.exec_driver_sql(statement)
        tampered = _backup(elsewhere.test_cli_runner(), tmp_path / "tampered.tar")

    result = _restore(runner, tampered, "--yes")
    assert result.exit_code == 1, result.output
    assert "CHECK FAILED: audit trail BROKEN at row 2: content does not match its hash (edited)" in result.stderr
