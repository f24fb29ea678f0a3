"""Settings that protect the installation: a strong SECRET_KEY in production, files only their owner
can read, and links that follow the port `make run` serves on."""

from __future__ import annotations

import os
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.helpers import make_app
from training import create_app
from training.config import ConfigurationError, load_config
from training.extensions import db
from training.services import signing
from training.web.links import absolute_url


@pytest.fixture
def everyone_may_read() -> Iterator[None]:
    """The usual umask (files 0644 unless the app says otherwise)."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize(
    "key",
    [
        "x",
        "too-short-for-production-use-0",  # 30 characters
        "a" * 64,
        "ab" * 32,
        "0123456789abcdef" * 4,
        "correct-horse" * 4,
    ],
)
def test_production_refuses_a_weak_secret_key(monkeypatch, tmp_path, key):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", key)
    with pytest.raises(ConfigurationError) as refused:
        load_config(tmp_path)
    message = str(refused.value)
    assert message.startswith("SECRET_KEY is too weak: production needs at least 32 random characters")
    assert "\n" not in message


@pytest.mark.parametrize("key", [secrets.token_urlsafe(48), secrets.token_hex(16)])
def test_production_accepts_a_random_secret_key(monkeypatch, tmp_path, key):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", key)
    assert load_config(tmp_path)["SECRET_KEY"] == key


def test_development_still_accepts_any_secret_key(monkeypatch, tmp_path):
    monkeypatch.setenv("APP_ENV", "development")
    monkeypatch.setenv("SECRET_KEY", "x")
    assert load_config(tmp_path)["SECRET_KEY"] == "x"


def test_the_generated_secret_key_and_its_folder_are_private(monkeypatch, tmp_path, everyone_may_read):
    monkeypatch.setenv("APP_ENV", "development")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    instance = tmp_path / "instance"
    key = load_config(instance)["SECRET_KEY"]
    assert (instance / "secret_key").read_text() == key
    assert _mode(instance / "secret_key") == 0o600
    assert _mode(instance) == 0o700
    assert load_config(instance)["SECRET_KEY"] == key, "made once, then kept"


def test_the_sqlite_database_is_created_readable_by_its_owner_only(monkeypatch, tmp_path, everyone_may_read):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    url = load_config(tmp_path / "instance")["SQLALCHEMY_DATABASE_URI"]
    assert url == f"sqlite:///{tmp_path / 'instance' / 'training.db'}"
    app = make_app(url)
    try:
        with app.app_context():
            with db.engine.begin() as conn:
                conn.execute(sa.text("CREATE TABLE t (x INTEGER)"))
                conn.execute(sa.text("INSERT INTO t VALUES (1)"))
            files = sorted((tmp_path / "instance").glob("training.db*"))
            assert tmp_path / "instance" / "training.db" in files
            assert any(f.name == "training.db-wal" for f in files), "write-ahead log"
            assert {f.name: _mode(f) for f in files} == {f.name: 0o600 for f in files}
            db.engine.dispose()
    finally:
        with app.app_context():
            db.engine.dispose()


def test_the_local_signing_key_is_readable_by_its_owner_only(tmp_path, everyone_may_read):
    key, _cert = signing.ensure_local_key(tmp_path / "signing", "Test signer")
    assert _mode(key) == 0o600


def test_base_url_follows_port_unless_set(monkeypatch, tmp_path):
    monkeypatch.delenv("BASE_URL", raising=False)
    monkeypatch.delenv("PORT", raising=False)
    assert load_config(tmp_path)["BASE_URL"] == "http://127.0.0.1:5000"
    monkeypatch.setenv("PORT", "8000")
    assert load_config(tmp_path)["BASE_URL"] == "http://127.0.0.1:8000"
    monkeypatch.setenv("BASE_URL", "https://training.example.org/")
    assert load_config(tmp_path)["BASE_URL"] == "https://training.example.org"


@pytest.mark.parametrize(("port", "message"), [("eighty", "whole number"), ("0", "at least 1"), ("70000", "65535")])
def test_a_port_that_is_not_a_port_stops_the_app(monkeypatch, tmp_path, port, message):
    monkeypatch.setenv("PORT", port)
    with pytest.raises(ConfigurationError, match=f"PORT must be.*{message}"):
        load_config(tmp_path)


def test_links_point_to_the_port_make_run_serves_on(monkeypatch, database_url):
    monkeypatch.delenv("BASE_URL", raising=False)
    monkeypatch.setenv("PORT", "8000")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url})
    try:
        with app.app_context():
            assert absolute_url("auth.reset_password", token="abc") == "http://127.0.0.1:8000/password/reset/abc"
    finally:
        with app.app_context():
            db.engine.dispose()
