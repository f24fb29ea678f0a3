"""Every setting is checked before the app starts: a wrong one stops it with one line naming the setting
(create_app, `flask routes`, gunicorn), and `flask check-config` shows the effective settings with their
secrets hidden and lists every problem."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from flask import Flask

from training import create_app
from training.config import ConfigurationError, describe_settings, read_config
from training.services import signing

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "a-key-password-for-this-test"


@pytest.fixture
def environment(monkeypatch, tmp_path) -> pytest.MonkeyPatch:
    """A clean environment: only what a test sets, and a database in the test's own folder."""
    for name in list(os.environ):
        if name.startswith(("MAIL_", "SIGNING_", "LOGIN_FAILURES_", "RATELIMIT_")) or name in {
            "APP_ENV",
            "BASE_URL",
            "PORT",
            "SESSION_COOKIE_SECURE",
            "SESSION_HOURS",
            "MAX_UPLOAD_MB",
            "INVITATION_DAYS",
            "PASSWORD_RESET_MINUTES",
            "PASSWORD_RESET_RATE_LIMIT",
            "PROXY_COUNT",
            "CONTENT_DIR",
            "CERTIFICATE_TEMPLATES",
            "RENEWAL_WINDOW_DAYS",
            "VERIFY_RATE_LIMIT",
        }:
            monkeypatch.delenv(name)
    monkeypatch.setenv("SECRET_KEY", "test-secret-key-not-for-production")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'check.db'}")
    return monkeypatch


def _certificate(key, *, days: int = 365, common_name: str = "Test signer") -> bytes:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=400))
        .not_valid_after(now + timedelta(days=days))
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM)


@pytest.fixture
def keys(tmp_path) -> dict[str, Path]:
    """A good key and certificate, and the ways they go wrong."""
    folder = tmp_path / "keys"
    key_file, cert_file = signing.ensure_local_key(folder, "Test signer")
    key = serialization.load_pem_private_key(key_file.read_bytes(), password=None)
    other = ec.generate_private_key(ec.SECP256R1())
    files = {
        "key": key_file,
        "cert": cert_file,
        "locked key": folder / "locked-key.pem",
        "other cert": folder / "other-cert.pem",
        "expired cert": folder / "expired-cert.pem",
        "not a key": folder / "not-a-key.pem",
    }
    files["locked key"].write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(PASSWORD.encode()),
        )
    )
    files["other cert"].write_bytes(_certificate(other))
    files["expired cert"].write_bytes(_certificate(key, days=-1))
    files["not a key"].write_text("-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n")
    return files


def _templates_without_wallet_card(tmp_path: Path) -> str:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "certificate.html").write_text("<p>{{ holder_name }}</p>")
    return str(folder)


# (the environment, given as a function of the test's folder and keys, and what the one line must say)
CASES: dict[str, tuple] = {
    "production without SECRET_KEY": (
        lambda t, k: {"APP_ENV": "production", "SECRET_KEY": ""},
        "SECRET_KEY is not set. Production refuses to start without one",
    ),
    "production with a weak SECRET_KEY": (
        lambda t, k: {"APP_ENV": "production", "SECRET_KEY": "secret"},
        "SECRET_KEY is too weak",
    ),
    "APP_ENV misspelt": (lambda t, k: {"APP_ENV": "prod"}, "APP_ENV must be 'development' or 'production', got 'prod'"),
    "signing key missing": (
        lambda t, k: {"SIGNING_KEY_FILE": str(t / "nowhere.pem"), "SIGNING_CERT_FILE": str(k["cert"])},
        "SIGNING_KEY_FILE names {t}/nowhere.pem, which does not exist",
    ),
    "signing key is a folder": (
        lambda t, k: {"SIGNING_KEY_FILE": str(t), "SIGNING_CERT_FILE": str(k["cert"])},
        "SIGNING_KEY_FILE names {t}, which is a folder, not a file",
    ),
    "signing certificate missing": (
        lambda t, k: {"SIGNING_KEY_FILE": str(k["key"]), "SIGNING_CERT_FILE": str(t / "nowhere.pem")},
        "SIGNING_CERT_FILE names {t}/nowhere.pem, which does not exist",
    ),
    "only the key": (
        lambda t, k: {"SIGNING_KEY_FILE": str(k["key"])},
        "SIGNING_CERT_FILE is not set but SIGNING_KEY_FILE is",
    ),
    "only the certificate": (
        lambda t, k: {"SIGNING_CERT_FILE": str(k["cert"])},
        "SIGNING_KEY_FILE is not set but SIGNING_CERT_FILE is",
    ),
    "a password but no key": (
        lambda t, k: {"SIGNING_KEY_PASSWORD": PASSWORD},
        "SIGNING_KEY_PASSWORD is set but SIGNING_KEY_FILE is not",
    ),
    "not a key": (
        lambda t, k: {"SIGNING_KEY_FILE": str(k["not a key"]), "SIGNING_CERT_FILE": str(k["cert"])},
        "SIGNING_KEY_FILE names {t}/keys/not-a-key.pem, which is not a private key",
    ),
    "a certificate that is not one": (
        lambda t, k: {"SIGNING_KEY_FILE": str(k["key"]), "SIGNING_CERT_FILE": str(k["key"])},
        "SIGNING_CERT_FILE names {t}/keys/signing-key.pem, which is not an X.509 certificate",
    ),
    "a locked key without its password": (
        lambda t, k: {"SIGNING_KEY_FILE": str(k["locked key"]), "SIGNING_CERT_FILE": str(k["cert"])},
        "the key in {t}/keys/locked-key.pem (SIGNING_KEY_FILE) has a password: set SIGNING_KEY_PASSWORD",
    ),
    "a locked key with the wrong password": (
        lambda t, k: {
            "SIGNING_KEY_FILE": str(k["locked key"]),
            "SIGNING_CERT_FILE": str(k["cert"]),
            "SIGNING_KEY_PASSWORD": "wrong",
        },
        "SIGNING_KEY_PASSWORD does not open the key in {t}/keys/locked-key.pem",
    ),
    "a password for a key that has none": (
        lambda t, k: {
            "SIGNING_KEY_FILE": str(k["key"]),
            "SIGNING_CERT_FILE": str(k["cert"]),
            "SIGNING_KEY_PASSWORD": "x",
        },
        "SIGNING_KEY_PASSWORD is set but the key in {t}/keys/signing-key.pem has no password",
    ),
    "another key's certificate": (
        lambda t, k: {"SIGNING_KEY_FILE": str(k["key"]), "SIGNING_CERT_FILE": str(k["other cert"])},
        "SIGNING_CERT_FILE ({t}/keys/other-cert.pem) is not the certificate of the key in SIGNING_KEY_FILE",
    ),
    "an expired certificate": (
        lambda t, k: {"SIGNING_KEY_FILE": str(k["key"]), "SIGNING_CERT_FILE": str(k["expired cert"])},
        "SIGNING_CERT_FILE ({t}/keys/expired-cert.pem) expired on",
    ),
    "templates missing": (
        lambda t, k: {"CERTIFICATE_TEMPLATES": str(t / "no-such-templates")},
        "CERTIFICATE_TEMPLATES names {t}/no-such-templates, which does not exist",
    ),
    "templates incomplete": (
        lambda t, k: {"CERTIFICATE_TEMPLATES": _templates_without_wallet_card(t)},
        "CERTIFICATE_TEMPLATES names {t}/templates, which has no wallet-card.html",
    ),
    "content missing": (
        lambda t, k: {"CONTENT_DIR": str(t / "no-content")},
        "CONTENT_DIR names {t}/no-content, which does not exist",
    ),
    "content without courses": (lambda t, k: {"CONTENT_DIR": str(t)}, "CONTENT_DIR names {t}, which has no modules"),
    "database URL malformed": (
        lambda t, k: {"DATABASE_URL": "training database"},
        "DATABASE_URL is not a database URL such as postgresql://",
    ),
    "database of another kind": (
        lambda t, k: {"DATABASE_URL": "mysql://training:s3cret-db-pass@db/training"},
        "DATABASE_URL names a mysql database (mysql://training:***@db/training): the app runs on PostgreSQL or SQLite",
    ),
    "database folder missing": (
        lambda t, k: {"DATABASE_URL": f"sqlite:///{t}/missing/training.db"},
        "DATABASE_URL names a SQLite file in {t}/missing, a folder that does not exist",
    ),
    "PostgreSQL without a database name": (
        lambda t, k: {"DATABASE_URL": "postgresql://training@db.internal"},
        "DATABASE_URL names no database",
    ),
    "BASE_URL without a scheme": (
        lambda t, k: {"BASE_URL": "training.example.org"},
        "BASE_URL must be an absolute address such as https://training.example.org (http:// or https:// and a host)",
    ),
    "BASE_URL with a bad port": (lambda t, k: {"BASE_URL": "https://training.example.org:99999"}, "BASE_URL must be"),
    "PORT not a number": (lambda t, k: {"PORT": "eighty"}, "PORT must be a whole number, got 'eighty'"),
    "MAIL_PORT too large": (lambda t, k: {"MAIL_PORT": "70000"}, "MAIL_PORT must be at most 65535, got 70000"),
    "SESSION_HOURS zero": (lambda t, k: {"SESSION_HOURS": "0"}, "SESSION_HOURS must be at least 1, got 0"),
    "PROXY_COUNT negative": (lambda t, k: {"PROXY_COUNT": "-1"}, "PROXY_COUNT must be at least 0, got -1"),
    "MAX_UPLOAD_MB not a number": (lambda t, k: {"MAX_UPLOAD_MB": "10MB"}, "MAX_UPLOAD_MB must be a whole number"),
    "a yes-or-no that is neither": (
        lambda t, k: {"MAIL_USE_TLS": "maybe"},
        "MAIL_USE_TLS must be true or false (also 1/0, yes/no, on/off), got 'maybe'",
    ),
    "cookie flag misspelt": (
        lambda t, k: {"SESSION_COOKIE_SECURE": "ture"},
        "SESSION_COOKIE_SECURE must be true or false",
    ),
    "a rate that is not one": (
        lambda t, k: {"VERIFY_RATE_LIMIT": "lots"},
        "VERIFY_RATE_LIMIT must be a rate like '5/15 minutes', got 'lots'",
    ),
    "reset rate that is not one": (
        lambda t, k: {"PASSWORD_RESET_RATE_LIMIT": "ten an hour"},
        "PASSWORD_RESET_RATE_LIMIT must be a rate",
    ),
    "throttling storage unknown": (
        lambda t, k: {"RATELIMIT_STORAGE_URI": "redis//127.0.0.1:6379/0"},
        "RATELIMIT_STORAGE_URI must be memory:// or a storage address such as redis://127.0.0.1:6379/0",
    ),
    "mail server with its port": (
        lambda t, k: {"MAIL_SERVER": "smtp.example.org:587"},
        "MAIL_SERVER must be a host name such as smtp.example.org (the port goes in MAIL_PORT)",
    ),
    "mail sender without an address": (lambda t, k: {"MAIL_FROM": "Training team"}, "MAIL_FROM must be an address"),
}


def _shown(output: str) -> dict[str, str]:
    """check-config's table: each setting's name and the value shown for it."""
    return dict(line.split(None, 1) for line in output.strip().splitlines() if line != "settings OK")


def _set(monkeypatch: pytest.MonkeyPatch, values: dict[str, str]) -> None:
    for name, value in values.items():
        if value:
            monkeypatch.setenv(name, value)
        else:
            monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_a_wrong_setting_stops_the_app_and_check_config_names_it(environment, tmp_path, keys, case):
    values, expected = CASES[case]
    _set(environment, values(tmp_path, keys))
    expected = expected.replace("{t}", str(tmp_path))

    with pytest.raises(ConfigurationError) as stopped:
        create_app({"TESTING": True})
    message = str(stopped.value)
    assert "\n" not in message
    assert expected in message
    assert len(stopped.value.problems) == 1

    app = create_app({"TESTING": True}, keep_bad_settings=True)
    result = app.test_cli_runner().invoke(args=["check-config"])
    assert result.exit_code == 1, result.output
    assert f"error: {expected}" in result.stderr
    assert result.stderr.strip().splitlines()[-1] == "1 problem: the app will not start until fixed"
    assert "Traceback" not in result.output


def test_an_unreadable_key_is_named(environment, keys, monkeypatch):
    locked_out = keys["key"]
    locked_out.chmod(0)
    if os.access(locked_out, os.R_OK):  # root reads anything: make the read fail as it would for anyone else
        real_read = Path.read_bytes

        def refuse(path: Path) -> bytes:
            if path == locked_out:
                raise PermissionError(13, "Permission denied", str(path))
            return real_read(path)

        monkeypatch.setattr(Path, "read_bytes", refuse)
    _set(environment, {"SIGNING_KEY_FILE": str(locked_out), "SIGNING_CERT_FILE": str(keys["cert"])})
    with pytest.raises(ConfigurationError, match=f"^SIGNING_KEY_FILE names {locked_out}, which this user cannot read$"):
        create_app({"TESTING": True})


def test_every_problem_is_listed_and_the_start_up_line_counts_the_others(environment):
    _set(environment, {"APP_ENV": "production", "SECRET_KEY": "", "PORT": "eighty", "MAIL_FROM": "nobody"})
    with pytest.raises(ConfigurationError) as stopped:
        create_app({"TESTING": True})
    assert str(stopped.value).startswith("SECRET_KEY is not set.")
    assert str(stopped.value).endswith("(and 2 more problems: `flask --app app check-config` lists them all)")

    result = create_app({"TESTING": True}, keep_bad_settings=True).test_cli_runner().invoke(args=["check-config"])
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert [e.split()[1] for e in errors] == ["SECRET_KEY", "PORT", "MAIL_FROM"]
    assert "3 problems: the app will not start until fixed" in result.stderr


def test_good_settings_pass(environment, keys):
    _set(environment, {"SIGNING_KEY_FILE": str(keys["locked key"]), "SIGNING_CERT_FILE": str(keys["cert"])})
    environment.setenv("SIGNING_KEY_PASSWORD", PASSWORD)
    environment.setenv("DATABASE_URL", "postgres://training:pw@db.internal:5432/training")  # not connected to
    result = create_app({"TESTING": True}).test_cli_runner().invoke(args=["check-config"])
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == "settings OK"
    assert _shown(result.output)["DATABASE_URL"] == "postgresql+psycopg://training:***@db.internal:5432/training"


def test_check_config_hides_every_secret(environment, tmp_path, keys):
    secrets_given = {
        "SECRET_KEY": "Zq8v-the-secret-key-of-this-test-3kP0w",
        "MAIL_PASSWORD": "mail-pass-7Hq",
        "SIGNING_KEY_PASSWORD": PASSWORD,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'check.db'}",
        "RATELIMIT_STORAGE_URI": "redis://:redis-pass-9Xw@127.0.0.1:6379/0",
    }
    _set(environment, secrets_given | {"APP_ENV": "production", "MAIL_SERVER": "smtp.example.org"})
    environment.setenv("MAIL_USERNAME", "training")
    _set(environment, {"SIGNING_KEY_FILE": str(keys["locked key"]), "SIGNING_CERT_FILE": str(keys["cert"])})
    app = create_app({"TESTING": True})
    result = app.test_cli_runner().invoke(args=["check-config"])
    assert result.exit_code == 0, result.output
    for secret in ("Zq8v-the-secret-key-of-this-test-3kP0w", "mail-pass-7Hq", PASSWORD, "redis-pass-9Xw"):
        assert secret not in result.output
    shown = _shown(result.output)
    assert shown["SECRET_KEY"] == "set, hidden (38 characters)"
    assert shown["MAIL_PASSWORD"] == "set, hidden (13 characters)"
    assert shown["RATELIMIT_STORAGE_URI"] == "redis://:***@127.0.0.1:6379/0"
    assert shown["MAIL_SERVER"] == "smtp.example.org"
    assert shown["MAIL_PORT"] == "25 (default)"

    # a database password, in the check's output and in its problems
    settings, _ = read_config(tmp_path, {"DATABASE_URL": "postgresql://training:db-pass-4Rt@db/training"})
    assert dict(describe_settings(settings, {}))["DATABASE_URL"].startswith("postgresql+psycopg://training:***@db/")


def test_check_config_lists_every_setting_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Settings", 1)[1].split("\n## ", 1)[0]
    documented = {
        name
        for line in table.splitlines()
        if line.startswith("| `")
        for name in re.findall(r"`([A-Z][A-Z_]+)`", line.split("|")[1])
    }
    documented.discard("TEST_DATABASE_URL")  # the test suite's, not the app's
    settings, _ = read_config(ROOT / "instance", {"SECRET_KEY": "x"})
    assert documented == {name for name, _value in describe_settings(settings, {})}


# --- as an administrator meets it: the flask command, gunicorn ----------------------------------------


def _run(args: list[str], env: dict[str, str], timeout: int = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 — our own commands, no shell
        args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


@pytest.fixture
def process_env(environment) -> dict[str, str]:
    return dict(os.environ)


def _flask(*args: str) -> list[str]:
    return [str(Path(sys.executable).with_name("flask")), "--app", "app", *args]


def test_flask_routes_stops_with_one_line(process_env):
    process_env["APP_ENV"] = "production"
    process_env.pop("SECRET_KEY")
    done = _run(_flask("routes"), process_env)
    assert done.returncode == 4, done
    assert done.stderr.splitlines() == [
        "configuration error: SECRET_KEY is not set. Production refuses to start without one: generate one "
        "with `python -c 'import secrets; print(secrets.token_urlsafe(48))'`."
    ]
    assert done.stdout == ""


def test_flask_check_config_runs_despite_the_problems_it_reports(process_env, tmp_path):
    process_env |= {"SIGNING_KEY_FILE": str(tmp_path / "key.pem"), "SIGNING_CERT_FILE": str(tmp_path / "cert.pem")}
    done = _run(_flask("check-config"), process_env)
    assert done.returncode == 1, done
    assert done.stderr.splitlines() == [
        f"error: SIGNING_KEY_FILE names {tmp_path}/key.pem, which does not exist",
        f"error: SIGNING_CERT_FILE names {tmp_path}/cert.pem, which does not exist",
        "2 problems: the app will not start until fixed",
    ]
    assert _shown(done.stdout)["SIGNING_KEY_FILE"] == f"{tmp_path}/key.pem"


def test_gunicorn_stops_instead_of_restarting_the_worker(process_env):
    process_env["CERTIFICATE_TEMPLATES"] = "/nonexistent/templates"
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    done = _run([gunicorn, "--workers", "1", "--no-control-socket", "--bind", "127.0.0.1:0", "app:app"], process_env)
    assert done.returncode == 4, done
    line = "configuration error: CERTIFICATE_TEMPLATES names /nonexistent/templates, which does not exist"
    assert done.stderr.count(line) == 1
    assert "App failed to load" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_app_is_built_with_stand_ins_for_what_it_could_not_use(environment):
    environment.setenv("DATABASE_URL", "not a url")
    environment.setenv("RATELIMIT_STORAGE_URI", "carrier-pigeon://loft")
    app: Flask = create_app({"TESTING": True}, keep_bad_settings=True)
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite://"
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"
    result = app.test_cli_runner().invoke(args=["check-config"])
    assert _shown(result.output)["DATABASE_URL"] == "not a url"
    assert "2 problems" in result.stderr
