"""Settings read from the environment, with safe defaults for a laptop.

Every setting is documented in the README's settings table; keep the two in step.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from limits import parse as parse_rate

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


def _local_secret_key(instance_path: Path) -> str:
    """A key generated once and kept under instance/, for local and demo use only."""
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def _database_url(instance_path: Path) -> str:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        instance_path.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{instance_path / 'training.db'}"
    # Hosting platforms often hand out postgres:// URLs; SQLAlchemy wants an explicit driver.
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url[len("postgres://") :]
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


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
                "SECRET_KEY is not set. Production refuses to start without one: "
                "generate one with `python -c 'import secrets; print(secrets.token_urlsafe(48))'`."
            )
        secret_key = _local_secret_key(instance_path)

    database_url = _database_url(instance_path)
    engine_options: dict[str, Any] = {"pool_pre_ping": True}
    if database_url.startswith("sqlite"):
        engine_options = {"connect_args": {"timeout": 30}}

    return {
        "APP_ENV": env,
        "SECRET_KEY": secret_key,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options,
        "BASE_URL": os.environ.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
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
