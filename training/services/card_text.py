"""What in a reporting contact may wrap, and what must stay on one line: numbers and addresses.

The wallet card prints phone numbers, email and web addresses each on one line, sized down to fit
when they are long, and lets only the words around them wrap. The contact form refuses a number or
address too long for one line of the card (`MAX_UNBROKEN` characters).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# At the card's smallest type for them, this many monospace characters fill one line of a contact.
MAX_UNBROKEN = 60
# A telephone number has at most 15 digits (ITU-T E.164); longer runs are several numbers.
_MAX_DIGITS = 15

_ADDRESS = r"(?:https?://|www\.)[^\s<>]+|[^\s@<>()\[\]]+@[^\s@<>()\[\]]+"
_NUMBER = r"[+(]?\d(?:[\d()./\-]|[ \u00a0](?=[+(]?\d))*\d\)?"
_UNBROKEN = re.compile(f"{_ADDRESS}|{_NUMBER}")
_TRAILING = ".,;:!?'\")]"


@dataclass(frozen=True)
class Part:
    text: str
    keep: bool  # a number or address: printed on one line
    columns: int  # its width in monospace columns (a wide East Asian character counts two)


def columns(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _numbers(run: str) -> list[str]:
    """A run of digit groups split into numbers: at a "+", or where it would pass 15 digits."""
    numbers: list[list[str]] = []
    digits = 0
    for group in re.split(r"[ \u00a0]", run):
        count = sum(c.isdigit() for c in group)
        if not numbers or group.startswith("+") or digits + count > _MAX_DIGITS:
            numbers.append([])
            digits = 0
        numbers[-1].append(group)
        digits += count
    return [" ".join(groups) for groups in numbers]


def _unbroken(match: str) -> tuple[list[str], str]:
    """The numbers or the address in a match, and the punctuation after it that belongs to the sentence."""
    body = match.rstrip(_TRAILING) if "@" in match or "/" in match or "www." in match else match
    if not body or not any(c.isalnum() for c in body):
        return [], match
    trailing = match[len(body) :]
    if "@" in body or body.startswith(("http", "www.")):
        return [body], trailing
    return _numbers(body), trailing


def split(text: str) -> list[Part]:
    """The text as parts in order: numbers and addresses to keep on one line, and the words around them."""
    parts: list[Part] = []

    def plain(piece: str) -> None:
        if piece:
            parts.append(Part(piece, False, columns(piece)))

    position = 0
    for found in _UNBROKEN.finditer(text):
        plain(text[position : found.start()])
        kept, trailing = _unbroken(found.group())
        for n, unbroken in enumerate(kept):
            if n:
                plain(" ")
            parts.append(Part(unbroken, True, columns(unbroken)))
        if not kept:
            plain(found.group())
        else:
            plain(trailing)
        position = found.end()
    plain(text[position:])
    return parts


def too_long_to_print(text: str) -> str | None:
    """The first number or address in the text that cannot fit on one line of the wallet card, if any."""
    return next((p.text for p in split(text) if p.keep and p.columns > MAX_UNBROKEN), None)
