"""Download file names that say what the file holds, in characters every system accepts."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote


def slug(text: str, limit: int = 40) -> str:
    """ "Société Aérienne" -> "societe-aerienne": ASCII letters, digits and single hyphens, at most ``limit``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:limit].strip("-")


def unicode_slug(text: str, limit: int = 40) -> str:
    """Like slug(), but letters and digits of any script are kept (for ``filename*``)."""
    return re.sub(r"[\W_]+", "-", unicodedata.normalize("NFC", text).lower()).strip("-")[:limit].strip("-")


def attachment(filename: str, unicode_filename: str | None = None) -> str:
    """A Content-Disposition value; ``filename`` must be ASCII, the other goes in ``filename*`` (RFC 5987)."""
    value = f'attachment; filename="{filename}"'
    if unicode_filename and unicode_filename != filename:
        value += f"; filename*=UTF-8''{quote(unicode_filename, safe='')}"
    return value
