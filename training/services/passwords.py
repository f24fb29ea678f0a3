"""Password hashing (argon2id) and the password rules."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from training.services import i18n
from training.services.i18n import gettext as _

MIN_LENGTH = 12
MAX_LENGTH = 256

MIN_STRENGTH = 3  # zxcvbn's score, 0 (guessed at once) to 4; 3 resists an offline attack reasonably
_STRENGTH_CHECKED_CHARS = 100  # the estimate grows slow on long input, and long passwords are strong anyway
# The 30,000 most common passwords from breaches, as zxcvbn ships them (lower case).
COMMON_PASSWORDS = frozenset(FREQUENCY_LISTS["passwords"])
_DECORATION = "0123456789!@#$%^&*()-_=+.,?~ "

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
        return _("Use at least %(min)s characters.", min=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _("Use at most %(max)s characters.", max=MAX_LENGTH)
    lowered = password.lower()
    if len(set(lowered)) < 4:
        return _("Use a password with more variety: it repeats too few different characters.")
    local_part = email.split("@", 1)[0].lower()
    if local_part and len(local_part) >= 4 and local_part in lowered:
        return _("Do not include your email address in your password.")
    if name and name.lower().replace(" ", "") in lowered.replace(" ", ""):
        return _("Do not use your name as your password.")
    if is_common(password):
        return _("This is one of the most common passwords, which attackers try first. Choose another.")
    estimate = zxcvbn(password[:_STRENGTH_CHECKED_CHARS], user_inputs=[email, name])
    if estimate["score"] < MIN_STRENGTH:
        advice = _("Try a few unrelated words, e.g. a short sentence.")
        # The strength checker's own warning is in English: said only to English readers.
        warning = estimate["feedback"]["warning"] if i18n.current_language() == i18n.SOURCE_LANGUAGE else ""
        return f"{warning} {advice}" if warning else advice
    return None


def is_common(password: str) -> bool:
    """True for a password on the common list, also with digits or symbols added at either end."""
    lowered = password.lower()
    return lowered in COMMON_PASSWORDS or lowered.strip(_DECORATION) in COMMON_PASSWORDS
