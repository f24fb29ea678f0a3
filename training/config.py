"""Settings read from the environment, with safe defaults for a laptop.

Every setting is documented in the README's settings table; keep the two in step.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from limits import parse as parse_rate
from sqlalchemy.engine import url as sa_url

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INSTANCE = PROJECT_ROOT / "instance"


class ConfigurationError(RuntimeError):
    """Raised when the environment asks for something the app refuses to run with."""


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int, minimum: int | None = None) -> int:
    value = os.environ.get(name)
    if not value:
        return default
    try:
        number = int(value)
    except ValueError as exc:
        raise ConfigurationError(f"{name} must be a whole number, got {value!r}") from exc
    if minimum is not None and number < minimum:
        raise ConfigurationError(f"{name} must be at least {minimum}, got {number}")
    return number


def _rate(name: str, default: str) -> str:
    """A rate such as "5/15 minutes" or "50 per hour"."""
    value = os.environ.get(name, "").strip() or default
    try:
        parse_rate(value)
    except ValueError as exc:
        raise ConfigurationError(f"{name} must be a rate like '5/15 minutes', got {value!r}") from exc
    return value


MIN_SECRET_KEY_LENGTH = 32
GENERATE_KEY = "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`"


def secret_key_is_weak(key: str) -> bool:
    """Shorter than 32 characters, or trivially repetitive ("aaaa…", "abcabc…", few distinct characters)."""
    if len(key) < MIN_SECRET_KEY_LENGTH or len(set(key)) < 8:
        return True
    return (key + key).find(key, 1) < len(key)  # the key is a shorter piece repeated


def create_private_file(path: Path) -> None:
    """Create ``path`` empty and readable by its owner only (0600), unless it exists already."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    os.close(fd)


def create_private_sqlite_file(url: str, instance_path: Path) -> None:
    """Create a SQLite database file 0600 before SQLite does (it would follow the umask, often 0644).

    SQLite gives its journal and write-ahead-log files the database file's permissions. A relative
    path is relative to the instance folder, as Flask-SQLAlchemy reads it.
    """
    parsed = sa_url.make_url(url)
    database = parsed.database or ""
    if parsed.get_backend_name() != "sqlite" or database in ("", ":memory:") or parsed.query.get("uri"):
        return
    if os.path.isabs(database):
        path = Path(database)
    else:
        _make_instance_folder(instance_path)
        path = instance_path / database
    if path.parent.is_dir():
        create_private_file(path)


def _local_secret_key(instance_path: Path) -> str:
    """A key generated once and kept under instance/ (0600), for local and demo use only."""
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    _make_instance_folder(instance_path)
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first
        return key_file.read_text().strip()
    key = secrets.token_urlsafe(48)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def _make_instance_folder(instance_path: Path) -> None:
    """instance/ holds the database, keys and secrets: when made here, only its owner may enter it."""
    instance_path.mkdir(mode=0o700, parents=True, exist_ok=True)


def _database_url(instance_path: Path) -> str:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        _make_instance_folder(instance_path)
        return f"sqlite:///{instance_path / 'training.db'}"
    # Hosting platforms often hand out postgres:// URLs; SQLAlchemy wants an explicit driver.
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url[len("postgres://") :]
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def _port() -> int:
    port = _int("PORT", 5000, minimum=1)
    if port > 65535:
        raise ConfigurationError(f"PORT must be at most 65535, got {port}")
    return port


def load_config(instance_path: Path) -> dict[str, Any]:
    """Build the settings dictionary from the environment."""
    env = os.environ.get("APP_ENV", "development").strip().lower()
    if env not in {"development", "production"}:
        raise ConfigurationError("APP_ENV must be 'development' or 'production'")
    production = env == "production"

    secret_key = os.environ.get("SECRET_KEY", "").strip()
    if not secret_key:
        if production:
            raise ConfigurationError(
                f"SECRET_KEY is not set. Production refuses to start without one: generate one with {GENERATE_KEY}."
            )
        secret_key = _local_secret_key(instance_path)
    elif production and secret_key_is_weak(secret_key):
        raise ConfigurationError(
            "SECRET_KEY is too weak: production needs at least 32 random characters, not a word or a "
            f"repeated pattern; generate one with {GENERATE_KEY}."
        )

    database_url = _database_url(instance_path)
    engine_options: dict[str, Any] = {"pool_pre_ping": True}
    if database_url.startswith("sqlite"):
        engine_options = {"connect_args": {"timeout": 30}}

    return {
        "APP_ENV": env,
        "SECRET_KEY": secret_key,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options,
        # Links in emails and certificates; by default the address `make run` serves on (PORT, else 5000).
        "BASE_URL": (os.environ.get("BASE_URL", "").strip() or f"http://127.0.0.1:{_port()}").rstrip("/"),
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        # Sessions and cookies
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", production),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", production),
        "PERMANENT_SESSION_LIFETIME": _int("SESSION_HOURS", 12) * 3600,
        # Forms
        "WTF_CSRF_TIME_LIMIT": 8 * 3600,
        "MAX_CONTENT_LENGTH": _int("MAX_UPLOAD_MB", 10) * 1024 * 1024,
        # Throttling: memory:// is per process; use redis://… with several workers or hosts.
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_STRATEGY": "moving-window",
        "RATELIMIT_HEADERS_ENABLED": True,
        # Failed sign-ins: per account from one address (a stranger elsewhere cannot lock the owner out),
        # a higher ceiling per account from all addresses together, and per address over all accounts.
        "LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS": _rate("LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS", "5/15 minutes"),
        "LOGIN_FAILURES_PER_ACCOUNT": _rate("LOGIN_FAILURES_PER_ACCOUNT", "50/hour"),
        "LOGIN_FAILURES_PER_IP": _rate("LOGIN_FAILURES_PER_IP", "30/15 minutes"),
        # Links
        "INVITATION_DAYS": _int("INVITATION_DAYS", 14),
        "PASSWORD_RESET_MINUTES": _int("PASSWORD_RESET_MINUTES", 60),
        "PASSWORD_RESET_RATE_LIMIT": os.environ.get("PASSWORD_RESET_RATE_LIMIT", "10 per hour"),
        "PROXY_COUNT": _int("PROXY_COUNT", 0),
        # Mail (used by reminders and invitations; unset server means: write mail to the log)
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": _int("MAIL_PORT", 25),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": _bool("MAIL_USE_TLS", False),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "Recognize & Report <no-reply@localhost>"),
        # An import emails this many invitations while the manager waits; the rest go by `flask send-outbox`.
        "MAIL_SEND_WHILE_WAITING": _int("MAIL_SEND_WHILE_WAITING", 50, minimum=0),
        "CONTENT_DIR": os.environ.get("CONTENT_DIR", str(PROJECT_ROOT)),
        # Certificates
        "CERTIFICATE_TEMPLATES": os.environ.get(
            "CERTIFICATE_TEMPLATES", str(PROJECT_ROOT / "certificates" / "default")
        ),
        "SIGNING_KEY_FILE": os.environ.get("SIGNING_KEY_FILE", ""),
        "SIGNING_CERT_FILE": os.environ.get("SIGNING_CERT_FILE", ""),
        "SIGNING_KEY_PASSWORD": os.environ.get("SIGNING_KEY_PASSWORD", ""),
        "RENEWAL_WINDOW_DAYS": _int("RENEWAL_WINDOW_DAYS", 90),
        "VERIFY_RATE_LIMIT": os.environ.get("VERIFY_RATE_LIMIT", "60 per minute"),
    }
