"""Text that people type and others see: names, contacts, reasons. One rule for every such field.

Whitespace runs (tabs, line breaks) become single spaces. Characters that are invisible or steer
how the text is displayed are refused, not silently removed, so the person who typed (or pasted,
or imported) the text sees which one and where: Unicode format characters (category Cf, e.g. the
right-to-left override U+202E that turned "…exe.png" around on a certificate, or the zero-width
space U+200B) and control characters. Zero-width (non-)joiners are kept between two letters of the
scripts that need them (Persian, the Indic scripts: "می‌خواهم"), and refused anywhere else.
"""

from __future__ import annotations

import unicodedata

from training.services.i18n import gettext as _

_REFUSED_CATEGORIES = {"Cc", "Cf", "Cs"}
_JOINERS = {"\u200c", "\u200d"}  # ZERO WIDTH NON-JOINER, ZERO WIDTH JOINER


def one_line(value: str) -> str:
    """The text with every run of whitespace, line breaks included, made one space, and no ends."""
    return " ".join(value.split())


def _is_script_letter(char: str) -> bool:
    return not char.isascii() and unicodedata.category(char)[0] in "LM"


def _between_script_letters(text: str, index: int) -> bool:
    return 0 < index < len(text) - 1 and _is_script_letter(text[index - 1]) and _is_script_letter(text[index + 1])


def _refused_at(text: str) -> int | None:
    """The index of the first character the rule refuses, or None."""
    for index, char in enumerate(text):
        if unicodedata.category(char) not in _REFUSED_CATEGORIES:
            continue
        if not (char in _JOINERS and _between_script_letters(text, index)):
            return index
    return None


def hidden_character_problem(text: str) -> str | None:
    """Why the text is refused (naming the character and its position), or None when it may be shown."""
    index = _refused_at(text)
    if index is None:
        return None
    char = text[index]
    code, name = f"U+{ord(char):04X}", unicodedata.name(char, "") or _("a control character")
    before = text[:index][-20:]
    if before.strip():
        return _(
            "Remove the invisible character %(code)s (%(name)s) after “%(before)s”: it can hide or reorder what "
            "others see.",
            code=code,
            name=name,
            before=before,
        )
    return _(
        "Remove the invisible character %(code)s (%(name)s) after the start: it can hide or reorder what others see.",
        code=code,
        name=name,
    )
