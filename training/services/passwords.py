"""Password hashing (argon2id) and the password rules."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 12
MAX_LENGTH = 256

_hasher = PasswordHasher()
# Verifying against this keeps the time of a failed login the same whether or not the account exists.
_DUMMY_HASH = _hasher.hash("no such account: constant-time padding")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """Return why a new password is refused, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters."
    if len(password) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters."
    lowered = password.lower()
    if len(set(lowered)) < 4:
        return "Use a password with more variety: it repeats too few different characters."
    local_part = email.split("@", 1)[0].lower()
    if local_part and len(local_part) >= 4 and local_part in lowered:
        return "Do not include your email address in your password."
    if name and name.lower().replace(" ", "") in lowered.replace(" ", ""):
        return "Do not use your name as your password."
    return None
