"""No English left on any page in another language.

Every page of every demo role and of a visitor (tests/pages.py) is crawled with a pseudo-translation
in place of a real catalog: each message comes out wrapped in ⟦…⟧. Whatever English is left outside
the marks was never marked for translation. What may stay as it is: people's and organizations'
names and other data, course content (shown in its own `lang`), and proper nouns.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
import sqlalchemy as sa
from babel import Locale
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po, write_po
from flask import Flask

from tests.helpers import TRANSLATIONS
from tests.pages import every_page, seed_demo_with_statistics
from training.extensions import db
from training.models import (
    AuditEvent,
    Certificate,
    Course,
    CourseTranslation,
    CourseVersion,
    Organization,
    ReportingContact,
    User,
)
from training.services.staff_import import TEMPLATE_COLUMNS

pytestmark = pytest.mark.slow

PSEUDO = "sw"  # a real locale (its dates and plural rules), with the pseudo-catalog in place of its own
OPEN, CLOSE = "⟦", "⟧"
# Words that are the same in every language: the product, organizations, formats and codes.
PROPER = {
    "Recognize", "Report", "IATA", "ICAO", "UN", "UNODC", "Blue", "Heart", "Campaign", "UTC", "CSV", "PDF",
    "XLSX", "QR", "BASE_URL", "PAdES", "KCAA", "Samawati", "Initiative", "PNG", "JPEG", "HTTPS", "URL",
}  # fmt: skip
# Names in the staff file the crawl uploads (tests/pages.py): data that is in no table yet.
UPLOADED = ("New Person",)
SKIPPED_TAGS = {"script", "style", "code", "pre", "svg"}
SHOWN_ATTRIBUTES = ("title", "aria-label", "alt", "placeholder", "data-label")


def _pseudo_catalogs(tmp_path: Path) -> Path:
    """Compile a catalog that wraps every message of messages.pot, under the pseudo locale's code."""
    with (TRANSLATIONS / "messages.pot").open("rb") as f:
        catalog = read_po(f, locale=PSEUDO)
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            message.string = tuple(f"{OPEN}{message.id[min(i, 1)]}{CLOSE}" for i in range(catalog.num_plurals))
        else:
            message.string = f"{OPEN}{message.id}{CLOSE}"
    catalog.fuzzy = False  # the template's header is marked fuzzy, and fuzzy catalogs are not compiled
    folder = tmp_path / PSEUDO / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with (folder / "messages.po").open("wb") as f:
        write_po(f, catalog)
    CommandLineInterface().run(["pybabel", "-q", "compile", "-d", str(tmp_path)])
    return tmp_path


class _VisibleText(HTMLParser):
    """The text a reader sees or hears, outside elements that carry their own language."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.parts: list[str] = []

    def _hidden(self) -> bool:
        return any(skip for _, skip in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        own_language = tag != "html" and "lang" in found
        if tag not in ("br", "img", "input", "meta", "link", "hr", "source", "wbr"):
            self.stack.append((tag, tag in SKIPPED_TAGS or own_language or found.get("translate") == "no"))
        if not self._hidden() and not own_language:
            self.parts.extend(found[a] or "" for a in SHOWN_ATTRIBUTES if found.get(a))
            if tag == "input" and found.get("type") in ("submit", "button") and found.get("value"):
                self.parts.append(found["value"] or "")

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data: str) -> None:
        if not self._hidden():
            self.parts.append(data)


def _outside_marks(text: str) -> str:
    """The text with every wrapped message (nested ones too) taken out."""
    previous = None
    while previous != text:
        previous = text
        text = re.sub(f"{OPEN}[^{OPEN}{CLOSE}]*{CLOSE}", " ", text)
    return text


def _data(app: Flask) -> list[str]:
    """Names and other data the pages show as they are stored, longest first."""
    with app.app_context():
        values: set[str] = set()
        for column in (User.full_name, User.email, User.employee_number, User.base, Organization.name,
                       Organization.iata_code, Organization.icao_code, Certificate.serial, Course.slug,
                       CourseVersion.title, CourseVersion.quiz_title, CourseVersion.version_label,
                       ReportingContact.name, ReportingContact.value, ReportingContact.when_to_use,
                       AuditEvent.actor):  # fmt: skip
            values.update(v for v in db.session.scalars(sa.select(column).distinct()) if v)
        # Course and module titles in the language of the page, where a <title> or a breadcrumb cannot carry a lang.
        for texts in db.session.scalars(sa.select(CourseTranslation.texts)):
            values.update(t for t in (texts["course"].get("title"), texts.get("quiz", {}).get("title")) if t)
            values.update(m["title"] for m in texts.get("modules", {}).values() if m.get("title"))
        db.session.remove()
    values.update(UPLOADED)
    values.update(TEMPLATE_COLUMNS)  # the staff file's column names, which an import's refusals quote
    return sorted(values, key=len, reverse=True)


def _month_names() -> set[str]:
    """The pseudo locale's own month names (its dates are real): they may look like English words."""
    months = Locale.parse(PSEUDO).months
    return {name for context in ("format", "stand-alone") for width in ("abbreviated", "wide")
            for name in months[context][width].values()}  # fmt: skip


def _english_left(html: str, data: list[str]) -> list[str]:
    parser = _VisibleText()
    parser.feed(html)
    text = _outside_marks(" ".join(parser.parts))
    for value in data:
        text = text.replace(value, " ")
    text = re.sub(r"[\w.+-]+@[\w-]+(\.[\w-]+)+", " ", text)  # addresses not stored yet (a pending change)
    words = re.findall(r"[A-Za-z][A-Za-z'’-]{2,}", text)
    # Codes and acronyms (serials, station codes, PDF) have no lower-case letter.
    return [w for w in words if w not in PROPER and w not in MONTHS and any(c.islower() for c in w)]


@pytest.fixture
def pseudo_app(app_with, tmp_path: Path) -> Iterator[Flask]:
    """An app whose Kiswahili catalog is the pseudo-translation (the loaded catalogs are forgotten on
    both sides, so no other test sees it)."""
    made = app_with(BABEL_TRANSLATION_DIRECTORIES=str(_pseudo_catalogs(tmp_path)))
    with made.app_context():
        forget = made.extensions["babel"].instance.domain_instance.cache.clear  # one cache, keyed by language only
    forget()
    yield made
    forget()


MONTHS = _month_names()


def test_no_page_shows_english_that_was_not_marked_for_translation(pseudo_app: Flask) -> None:
    seed_demo_with_statistics(pseudo_app)
    data = _data(pseudo_app)
    found: dict[str, list[str]] = {}
    pages = 0
    for who, url, html in every_page(pseudo_app, {"Accept-Language": PSEUDO}):
        pages += 1
        assert f'<html lang="{PSEUDO}"' in html, f"{who} {url} is not served in the chosen language"
        left = _english_left(html, data)
        if left:
            found[f"{who} {url}"] = left
    assert pages > 40, f"the crawl reached only {pages} pages"
    report = [f"{page}: {' '.join(dict.fromkeys(words))[:300]}" for page, words in found.items()]
    assert not report, f"{len(report)} pages show unmarked English:\n" + "\n".join(report)
