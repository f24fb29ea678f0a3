"""Settings read from the environment, with safe defaults for a laptop, and checked before the app starts.

Every setting is documented in the README's settings table; keep the two in step. ``read_config`` reads
them all and collects what is wrong instead of stopping at the first problem; ``check_settings`` then
looks at what the settings point to (files, folders, the signing key, URLs). ``create_app`` refuses to
start on any problem with a ``ConfigurationError`` whose text is one line naming the setting, and
`flask --app app check-config` prints the effective settings (secrets hidden) and every problem.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parseaddr
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from limits import parse as parse_rate
from limits.storage import SCHEMES as RATE_LIMIT_STORAGE_SCHEMES
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import url as sa_url

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INSTANCE = PROJECT_ROOT / "instance"
CHECK_COMMAND_NAME = "check-config"
CHECK_COMMAND = f"flask --app app {CHECK_COMMAND_NAME}"
# The templates every certificate template folder must hold (their stylesheets are optional).
CERTIFICATE_TEMPLATE_FILES = ("certificate.html", "wallet-card.html")


@dataclass(frozen=True)
class Problem:
    """One setting that is wrong: ``message`` is one sentence that begins with the setting's name."""

    setting: str  # the environment variable, e.g. "SIGNING_KEY_FILE"
    message: str

    def __str__(self) -> str:
        return self.message


class ConfigurationError(RuntimeError):
    """The settings the app refuses to run with. Its text is one line: the first problem, and how many
    more there are (`flask --app app check-config` lists them all)."""

    def __init__(self, problems: str | Problem | Sequence[Problem]):
        if isinstance(problems, str):
            problems = [Problem("", problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems = list(problems)
        text = _one_line(self.problems[0].message)
        if more := len(self.problems) - 1:
            text += f" (and {more} more problem{'s' if more > 1 else ''}: `{CHECK_COMMAND}` lists them all)"
        super().__init__(text)


def _one_line(text: str) -> str:
    return " ".join(text.split())


@dataclass(frozen=True)
class SettingsCheck:
    """What ``create_app`` found: the effective settings (before any stand-in) and their problems."""

    settings: Mapping[str, Any]
    problems: tuple[Problem, ...]


# --- reading the environment ----------------------------------------------------------------------

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})


class _Environment:
    """Reads variables, and for each value it cannot use records a problem and returns the default."""

    def __init__(self, environ: Mapping[str, str]):
        self.environ = environ
        self.problems: list[Problem] = []

    def refuse(self, setting: str, message: str) -> None:
        self.problems.append(Problem(setting, _one_line(message)))

    def given(self, name: str) -> bool:
        return bool(self.environ.get(name, "").strip())

    def text(self, name: str, default: str = "") -> str:
        return self.environ.get(name, "").strip() or default

    def boolean(self, name: str, default: bool) -> bool:
        value = self.text(name).lower()
        if not value:
            return default
        if value in TRUE_WORDS:
            return True
        if value in FALSE_WORDS:
            return False
        self.refuse(name, f"{name} must be true or false (also 1/0, yes/no, on/off), got {value!r}")
        return default

    def integer(self, name: str, default: int, minimum: int | None = None, maximum: int | None = None) -> int:
        value = self.text(name)
        if not value:
            return default
        try:
            number = int(value)
        except ValueError:
            self.refuse(name, f"{name} must be a whole number, got {value!r}")
            return default
        if minimum is not None and number < minimum:
            self.refuse(name, f"{name} must be at least {minimum}, got {number}")
            return default
        if maximum is not None and number > maximum:
            self.refuse(name, f"{name} must be at most {maximum}, got {number}")
            return default
        return number

    def rate(self, name: str, default: str) -> str:
        """A rate such as "5/15 minutes" or "50 per hour"."""
        value = self.text(name, default)
        try:
            parse_rate(value)
        except ValueError:
            self.refuse(name, f"{name} must be a rate like '5/15 minutes', got {value!r}")
            return default
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


def _database_url(env: _Environment, instance_path: Path) -> str:
    url = env.text("DATABASE_URL")
    if not url:
        _make_instance_folder(instance_path)
        return f"sqlite:///{instance_path / 'training.db'}"
    # Hosting platforms often hand out postgres:// URLs; SQLAlchemy wants an explicit driver.
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url[len("postgres://") :]
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def _secret_key(env: _Environment, instance_path: Path, production: bool) -> str:
    secret_key = env.text("SECRET_KEY")
    if not secret_key:
        if production:
            env.refuse(
                "SECRET_KEY",
                f"SECRET_KEY is not set. Production refuses to start without one: generate one with {GENERATE_KEY}.",
            )
            return secrets.token_urlsafe(48)  # only so that `check-config` can go on; the app does not start
        return _local_secret_key(instance_path)
    if production and secret_key_is_weak(secret_key):
        env.refuse(
            "SECRET_KEY",
            "SECRET_KEY is too weak: production needs at least 32 random characters, not a word or a "
            f"repeated pattern; generate one with {GENERATE_KEY}.",
        )
    return secret_key


def read_config(instance_path: Path, environ: Mapping[str, str] | None = None) -> tuple[dict[str, Any], list[Problem]]:
    """The settings dictionary from the environment, and every value that could not be used.

    A value that cannot be used is replaced by its default in the dictionary and named in the problems.
    """
    env = _Environment(os.environ if environ is None else environ)
    app_env = env.text("APP_ENV", "development").lower()
    if app_env not in {"development", "production"}:
        env.refuse("APP_ENV", f"APP_ENV must be 'development' or 'production', got {app_env!r}")
        app_env = "development"
    production = app_env == "production"

    secret_key = _secret_key(env, instance_path, production)
    database_url = _database_url(env, instance_path)
    engine_options: dict[str, Any] = {"pool_pre_ping": True}
    if database_url.startswith("sqlite"):
        engine_options = {"connect_args": {"timeout": 30}}
    port = env.integer("PORT", 5000, minimum=1, maximum=65535)

    settings = {
        "APP_ENV": app_env,
        "SECRET_KEY": secret_key,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options,
        "PORT": port,
        # Links in emails and certificates; by default the address `make run` serves on (PORT, else 5000).
        "BASE_URL": env.text("BASE_URL", f"http://127.0.0.1:{port}").rstrip("/"),
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        # Sessions and cookies
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env.boolean("SESSION_COOKIE_SECURE", production),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "PERMANENT_SESSION_LIFETIME": env.integer("SESSION_HOURS", 12, minimum=1) * 3600,
        # Forms
        "WTF_CSRF_TIME_LIMIT": 8 * 3600,
        "MAX_CONTENT_LENGTH": env.integer("MAX_UPLOAD_MB", 10, minimum=1) * 1024 * 1024,
        # Throttling: memory:// is per process; use redis://… with several workers or hosts.
        "RATELIMIT_STORAGE_URI": env.text("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_STRATEGY": "moving-window",
        "RATELIMIT_HEADERS_ENABLED": True,
        # Failed sign-ins: per account from one address (a stranger elsewhere cannot lock the owner out),
        # a higher ceiling per account from all addresses together, and per address over all accounts.
        "LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS": env.rate("LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS", "5/15 minutes"),
        "LOGIN_FAILURES_PER_ACCOUNT": env.rate("LOGIN_FAILURES_PER_ACCOUNT", "50/hour"),
        "LOGIN_FAILURES_PER_IP": env.rate("LOGIN_FAILURES_PER_IP", "30/15 minutes"),
        # Links
        "INVITATION_DAYS": env.integer("INVITATION_DAYS", 14, minimum=1),
        "PASSWORD_RESET_MINUTES": env.integer("PASSWORD_RESET_MINUTES", 60, minimum=1),
        "PASSWORD_RESET_RATE_LIMIT": env.rate("PASSWORD_RESET_RATE_LIMIT", "10 per hour"),
        "PROXY_COUNT": env.integer("PROXY_COUNT", 0, minimum=0),
        # Mail (used by reminders and invitations; unset server means: write mail to the log)
        "MAIL_SERVER": env.text("MAIL_SERVER"),
        "MAIL_PORT": env.integer("MAIL_PORT", 25, minimum=1, maximum=65535),
        "MAIL_USERNAME": env.text("MAIL_USERNAME"),
        "MAIL_PASSWORD": env.environ.get("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": env.boolean("MAIL_USE_TLS", False),
        "MAIL_FROM": env.text("MAIL_FROM", "Recognize & Report <no-reply@localhost>"),
        # An import emails this many invitations while the manager waits; the rest go by `flask send-outbox`.
        "MAIL_SEND_WHILE_WAITING": env.integer("MAIL_SEND_WHILE_WAITING", 50, minimum=0),
        "CONTENT_DIR": env.text("CONTENT_DIR", str(PROJECT_ROOT)),
        # Certificates
        "CERTIFICATE_TEMPLATES": env.text("CERTIFICATE_TEMPLATES", str(PROJECT_ROOT / "certificates" / "default")),
        "SIGNING_KEY_FILE": env.text("SIGNING_KEY_FILE"),
        "SIGNING_CERT_FILE": env.text("SIGNING_CERT_FILE"),
        "SIGNING_KEY_PASSWORD": env.environ.get("SIGNING_KEY_PASSWORD", ""),
        "RENEWAL_WINDOW_DAYS": env.integer("RENEWAL_WINDOW_DAYS", 90, minimum=0),
        "VERIFY_RATE_LIMIT": env.rate("VERIFY_RATE_LIMIT", "60 per minute"),
    }
    settings["REMEMBER_COOKIE_SECURE"] = settings["SESSION_COOKIE_SECURE"]
    return settings, env.problems


def load_config(instance_path: Path) -> dict[str, Any]:
    """The settings dictionary from the environment; ConfigurationError if any value cannot be used."""
    settings, problems = read_config(instance_path)
    if problems:
        raise ConfigurationError(problems)
    return settings


# --- checking what the settings point to ----------------------------------------------------------


def hide_password(url: str) -> str:
    """``url`` with the password in it, if any, replaced by ***; anything unreadable is returned as is."""
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:
        return url
    if not password:
        return url
    netloc = parts.netloc.rsplit("@", 1)
    user = netloc[0].split(":", 1)[0]
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc[1]}"))


def check_settings(settings: Mapping[str, Any]) -> list[Problem]:
    """What is wrong with the effective settings: URLs that cannot work, files and folders that are
    missing or unreadable, a signing key that does not load or does not match its certificate."""
    problems: list[Problem] = []
    for check in (
        _check_database_url,
        _check_base_url,
        _check_rate_limit_storage,
        _check_mail,
        _check_content_dir,
        _check_certificate_templates,
        _check_signing_key,
    ):
        problems.extend(Problem(setting, _one_line(message)) for setting, message in check(settings))
    return problems


_Found = list[tuple[str, str]]


def _check_database_url(settings: Mapping[str, Any]) -> _Found:
    url = settings["SQLALCHEMY_DATABASE_URI"]
    example = "postgresql://user:password@host/database or sqlite:////absolute/path/training.db"
    try:
        parsed = sa_url.make_url(url)
    except (sa_exc.ArgumentError, ValueError):
        return [("DATABASE_URL", f"DATABASE_URL is not a database URL such as {example}, got {hide_password(url)!r}")]
    backend = parsed.get_backend_name()
    shown = parsed.render_as_string(hide_password=True)
    if backend not in ("sqlite", "postgresql"):
        return [
            ("DATABASE_URL", f"DATABASE_URL names a {backend} database ({shown}): the app runs on PostgreSQL or SQLite")
        ]
    try:
        parsed.get_dialect().import_dbapi()
    except ImportError:
        return [
            ("DATABASE_URL", f"DATABASE_URL asks for the {parsed.get_driver_name()} driver, which is not installed")
        ]
    except sa_exc.NoSuchModuleError:
        return [("DATABASE_URL", f"DATABASE_URL names a database driver SQLAlchemy does not know ({shown})")]
    if backend == "postgresql":
        if not parsed.database:
            return [("DATABASE_URL", f"DATABASE_URL names no database ({shown}): end it with /the-database-name")]
        return []
    database = parsed.database or ""
    if database in ("", ":memory:") or parsed.query.get("mode") == "memory" or not os.path.isabs(database):
        return []  # in memory, or under the instance folder (made when needed)
    path = Path(database)
    if not path.parent.is_dir():
        return [("DATABASE_URL", f"DATABASE_URL names a SQLite file in {path.parent}, a folder that does not exist")]
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        return [("DATABASE_URL", f"DATABASE_URL names the SQLite file {path}, which this user cannot read and write")]
    if not path.exists() and not os.access(path.parent, os.W_OK | os.X_OK):
        return [("DATABASE_URL", f"DATABASE_URL names a SQLite file in {path.parent}, where this user cannot write")]
    return []


def _check_base_url(settings: Mapping[str, Any]) -> _Found:
    url = settings["BASE_URL"]
    wanted = "an absolute address such as https://training.example.org"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (reading it checks it)
    except ValueError:
        return [("BASE_URL", f"BASE_URL must be {wanted}, with a port from 1 to 65535 if any, got {url!r}")]
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return [("BASE_URL", f"BASE_URL must be {wanted} (http:// or https:// and a host), got {url!r}")]
    if parts.query or parts.fragment:
        return [("BASE_URL", f"BASE_URL must be {wanted}, without ?… or #…, got {url!r}")]
    return []


def _check_rate_limit_storage(settings: Mapping[str, Any]) -> _Found:
    uri = settings["RATELIMIT_STORAGE_URI"]
    scheme = uri.split("://", 1)[0] if "://" in uri else ""
    if scheme in RATE_LIMIT_STORAGE_SCHEMES and not scheme.startswith("async+"):
        return []
    return [
        (
            "RATELIMIT_STORAGE_URI",
            "RATELIMIT_STORAGE_URI must be memory:// or a storage address such as redis://127.0.0.1:6379/0, "
            f"got {hide_password(uri)!r}",
        )
    ]


def _check_mail(settings: Mapping[str, Any]) -> _Found:
    found: _Found = []
    server = settings["MAIL_SERVER"]
    host_and_port = server.count(":") == 1 and server.rsplit(":", 1)[1].isdigit()
    if server and ("/" in server or host_and_port or len(server.split()) != 1):
        found.append(
            (
                "MAIL_SERVER",
                "MAIL_SERVER must be a host name such as smtp.example.org (the port goes in MAIL_PORT), "
                f"got {server!r}",
            )
        )
    sender = settings["MAIL_FROM"]
    address = parseaddr(sender)[1]
    if "@" not in address or " " in address:
        found.append(
            (
                "MAIL_FROM",
                f"MAIL_FROM must be an address such as 'Recognize & Report <training@example.org>', got {sender!r}",
            )
        )
    return found


def _folder_problem(setting: str, folder: str) -> str | None:
    path = Path(folder)
    if not path.exists():
        return f"{setting} names {folder}, which does not exist"
    if not path.is_dir():
        return f"{setting} names {folder}, which is not a folder"
    if not os.access(path, os.R_OK | os.X_OK):
        return f"{setting} names {folder}, which this user cannot read"
    return None


def _check_content_dir(settings: Mapping[str, Any]) -> _Found:
    folder = settings["CONTENT_DIR"]
    if problem := _folder_problem("CONTENT_DIR", folder):
        return [("CONTENT_DIR", problem)]
    missing = [name for name in ("modules", "quizzes") if not (Path(folder) / name).is_dir()]
    if missing:
        return [("CONTENT_DIR", f"CONTENT_DIR names {folder}, which has no {' or '.join(missing)} folder")]
    return []


def _check_certificate_templates(settings: Mapping[str, Any]) -> _Found:
    folder = settings["CERTIFICATE_TEMPLATES"]
    if problem := _folder_problem("CERTIFICATE_TEMPLATES", folder):
        return [("CERTIFICATE_TEMPLATES", problem)]
    for name in CERTIFICATE_TEMPLATE_FILES:
        path = Path(folder) / name
        if not path.is_file():
            return [("CERTIFICATE_TEMPLATES", f"CERTIFICATE_TEMPLATES names {folder}, which has no {name}")]
        if not os.access(path, os.R_OK):
            return [("CERTIFICATE_TEMPLATES", f"CERTIFICATE_TEMPLATES: this user cannot read {path}")]
    return []


def _read_file(setting: str, name: str) -> tuple[bytes | None, str | None]:
    try:
        return Path(name).read_bytes(), None
    except FileNotFoundError:
        return None, f"{setting} names {name}, which does not exist"
    except IsADirectoryError:
        return None, f"{setting} names {name}, which is a folder, not a file"
    except PermissionError:
        return None, f"{setting} names {name}, which this user cannot read"
    except OSError as exc:
        return None, f"{setting} names {name}, which cannot be read: {exc.strerror or exc}"


def _has_a_password(load_key: Any, key_bytes: bytes) -> bool:
    try:
        load_key(key_bytes, password=None)
    except TypeError:  # "Password was not given but private key is encrypted"
        return True
    except ValueError:
        return False
    return False


def _check_signing_key(settings: Mapping[str, Any]) -> _Found:
    """The key and certificate that sign every certificate PDF: both or neither, readable, matching, valid."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    key_file, cert_file = settings["SIGNING_KEY_FILE"], settings["SIGNING_CERT_FILE"]
    password = settings["SIGNING_KEY_PASSWORD"]
    both = "set both SIGNING_KEY_FILE and SIGNING_CERT_FILE, or neither to sign with a local key"
    if not key_file and not cert_file:
        if password:
            return [("SIGNING_KEY_PASSWORD", f"SIGNING_KEY_PASSWORD is set but SIGNING_KEY_FILE is not: {both}")]
        return []
    if not key_file:
        return [("SIGNING_KEY_FILE", f"SIGNING_KEY_FILE is not set but SIGNING_CERT_FILE is: {both}")]
    if not cert_file:
        return [("SIGNING_CERT_FILE", f"SIGNING_CERT_FILE is not set but SIGNING_KEY_FILE is: {both}")]

    found: _Found = []
    key_bytes, problem = _read_file("SIGNING_KEY_FILE", key_file)
    if problem:
        found.append(("SIGNING_KEY_FILE", problem))
    cert_bytes, problem = _read_file("SIGNING_CERT_FILE", cert_file)
    if problem:
        found.append(("SIGNING_CERT_FILE", problem))
    if key_bytes is None or cert_bytes is None:
        return found

    pem = b"-----BEGIN" in key_bytes
    try:
        load_key = serialization.load_pem_private_key if pem else serialization.load_der_private_key
        key = load_key(key_bytes, password=password.encode() or None)
    except TypeError:  # a password where none is needed, or none where one is
        if password:
            return [("SIGNING_KEY_PASSWORD", f"SIGNING_KEY_PASSWORD is set but the key in {key_file} has no password")]
        return [
            (
                "SIGNING_KEY_PASSWORD",
                f"the key in {key_file} (SIGNING_KEY_FILE) has a password: set SIGNING_KEY_PASSWORD",
            )
        ]
    except ValueError:
        if password and _has_a_password(load_key, key_bytes):
            return [("SIGNING_KEY_PASSWORD", f"SIGNING_KEY_PASSWORD does not open the key in {key_file}")]
        return [("SIGNING_KEY_FILE", f"SIGNING_KEY_FILE names {key_file}, which is not a private key (PEM or DER)")]
    except Exception as exc:  # an unsupported key type, for one
        return [("SIGNING_KEY_FILE", f"SIGNING_KEY_FILE: the key in {key_file} cannot be used: {exc}")]

    try:
        if b"-----BEGIN" in cert_bytes:
            certificate = x509.load_pem_x509_certificate(cert_bytes)
        else:
            certificate = x509.load_der_x509_certificate(cert_bytes)
    except ValueError:
        return [
            (
                "SIGNING_CERT_FILE",
                f"SIGNING_CERT_FILE names {cert_file}, which is not an X.509 certificate (PEM or DER)",
            )
        ]

    spki = serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    if key.public_key().public_bytes(*spki) != certificate.public_key().public_bytes(*spki):
        return [
            (
                "SIGNING_CERT_FILE",
                f"SIGNING_CERT_FILE ({cert_file}) is not the certificate of the key in SIGNING_KEY_FILE ({key_file})",
            )
        ]
    expires = certificate.not_valid_after_utc
    if expires < datetime.now(UTC):
        return [
            (
                "SIGNING_CERT_FILE",
                f"SIGNING_CERT_FILE ({cert_file}) expired on {expires:%Y-%m-%d}: "
                "certificates signed with it would not verify",
            )
        ]
    return []


# --- showing the settings -------------------------------------------------------------------------


def _hidden(value: str) -> str:
    return f"set, hidden ({len(value)} characters)" if value else "unset"


def _on(value: bool) -> str:
    return "on" if value else "off"


def _seconds(value: Any) -> int:
    return int(value.total_seconds()) if hasattr(value, "total_seconds") else int(value)


def describe_settings(settings: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> list[tuple[str, str]]:
    """Each setting by its environment variable, with its effective value; secrets and passwords hidden.

    A value the environment does not set is marked "(default)".
    """
    environ = os.environ if environ is None else environ
    signing_unset = "unset: a key and self-signed certificate made in instance/signing/"
    rows = [
        ("APP_ENV", settings["APP_ENV"]),
        (
            "SECRET_KEY",
            _hidden(settings["SECRET_KEY"]) + ("" if environ.get("SECRET_KEY") else ", instance/secret_key"),
        ),
        ("DATABASE_URL", hide_password(settings["SQLALCHEMY_DATABASE_URI"])),
        ("BASE_URL", settings["BASE_URL"]),
        ("PORT", str(settings.get("PORT", 5000))),
        ("SESSION_COOKIE_SECURE", _on(settings["SESSION_COOKIE_SECURE"])),
        ("SESSION_HOURS", str(_seconds(settings["PERMANENT_SESSION_LIFETIME"]) // 3600)),
        ("MAX_UPLOAD_MB", str(settings["MAX_CONTENT_LENGTH"] // (1024 * 1024))),
        ("RATELIMIT_STORAGE_URI", hide_password(settings["RATELIMIT_STORAGE_URI"])),
        ("LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS", settings["LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS"]),
        ("LOGIN_FAILURES_PER_ACCOUNT", settings["LOGIN_FAILURES_PER_ACCOUNT"]),
        ("LOGIN_FAILURES_PER_IP", settings["LOGIN_FAILURES_PER_IP"]),
        ("INVITATION_DAYS", str(settings["INVITATION_DAYS"])),
        ("PASSWORD_RESET_MINUTES", str(settings["PASSWORD_RESET_MINUTES"])),
        ("PASSWORD_RESET_RATE_LIMIT", settings["PASSWORD_RESET_RATE_LIMIT"]),
        ("PROXY_COUNT", str(settings["PROXY_COUNT"])),
        ("MAIL_SERVER", settings["MAIL_SERVER"] or "unset: messages are written to the log"),
        ("MAIL_PORT", str(settings["MAIL_PORT"])),
        ("MAIL_USERNAME", settings["MAIL_USERNAME"] or "unset"),
        ("MAIL_PASSWORD", _hidden(settings["MAIL_PASSWORD"])),
        ("MAIL_USE_TLS", _on(settings["MAIL_USE_TLS"])),
        ("MAIL_FROM", settings["MAIL_FROM"]),
        ("MAIL_SEND_WHILE_WAITING", str(settings["MAIL_SEND_WHILE_WAITING"])),
        ("CONTENT_DIR", settings["CONTENT_DIR"]),
        ("CERTIFICATE_TEMPLATES", settings["CERTIFICATE_TEMPLATES"]),
        ("SIGNING_KEY_FILE", settings["SIGNING_KEY_FILE"] or signing_unset),
        ("SIGNING_CERT_FILE", settings["SIGNING_CERT_FILE"] or signing_unset),
        ("SIGNING_KEY_PASSWORD", _hidden(settings["SIGNING_KEY_PASSWORD"])),
        ("RENEWAL_WINDOW_DAYS", str(settings["RENEWAL_WINDOW_DAYS"])),
        ("VERIFY_RATE_LIMIT", settings["VERIFY_RATE_LIMIT"]),
    ]
    return [(name, value if environ.get(name, "").strip() else f"{value} (default)") for name, value in rows]
