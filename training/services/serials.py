"""Certificate serials: 65 random bits in Crockford base32, plus one check character.

Written as four groups, e.g. ``7K3M-QX9A-2HTD-VE``: short enough to read over the phone, and the
check character catches any single mistyped character. Crockford's alphabet has no I, L, O or U;
people who type them get the digit they meant (I and L -> 1, O -> 0).
"""

from __future__ import annotations

import secrets

from training.services.i18n import gettext as _

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RANDOM_CHARS = 13  # 13 x 5 = 65 random bits
LENGTH = RANDOM_CHARS + 1
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
_TYPOS = {"I": "1", "L": "1", "O": "0"}


class SerialError(ValueError):
    """A serial that cannot be right; the message says why, for the person who typed it."""


class CheckCharacterError(SerialError):
    """A full-length serial whose check character does not match: almost certainly a typing mistake."""


def _check_char(body: str) -> str:
    # Odd weights are invertible modulo 32, so changing any one character always changes the sum.
    total = sum(_VALUE[c] * (2 * i + 1) for i, c in enumerate(body))
    return ALPHABET[total % 32]


def new_serial() -> str:
    return serial_from_body("".join(secrets.choice(ALPHABET) for _ in range(RANDOM_CHARS)))


def serial_from_body(body: str) -> str:
    """The serial whose random part is ``body`` (RANDOM_CHARS characters of ALPHABET): its check
    character appended, written in groups of four."""
    return format_serial(body + _check_char(body))


def compact_form(text: str) -> str:
    """Upper case, without dashes or spaces, with the typos Crockford forgives corrected."""
    compact = "".join(ch for ch in text.upper() if ch not in "- \t")
    return "".join(_TYPOS.get(ch, ch) for ch in compact)


def is_serial_text(compact: str) -> bool:
    """Whether every character can appear in a serial (so the text may be part of one)."""
    return all(ch in _VALUE for ch in compact)


def format_serial(compact: str) -> str:
    return "-".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def parse_serial(text: str) -> str:
    """Return the canonical form of a typed serial, or raise SerialError with a helpful message."""
    compact = compact_form(text)
    if not compact:
        raise SerialError(_("Enter the serial printed on the certificate, e.g. 7K3M-QX9A-2HTD-VE."))
    bad = sorted({ch for ch in compact if ch not in _VALUE})
    if bad:
        raise SerialError(
            _(
                "A serial uses only digits and the letters A–Z except I, L, O and U; “%(found)s” cannot appear.",
                found="".join(bad),
            )
        )
    if len(compact) != LENGTH:
        raise SerialError(
            _(
                "A serial has %(length)s characters (shown in groups of four); this one has %(found)s.",
                length=LENGTH,
                found=len(compact),
            )
        )
    if _check_char(compact[:-1]) != compact[-1]:
        raise CheckCharacterError(
            _(
                "This serial has a typing mistake: its last character does not match the others. "
                "Check each character against the certificate."
            )
        )
    return format_serial(compact)
