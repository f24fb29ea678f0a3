"""Rendering PDFs from the HTML/CSS templates in certificates/ with WeasyPrint.

Templates get only plain values (autoescaped), and the renderer may read nothing but files inside
the template folder and data: URIs: no network, no other files.

A template's stylesheet is the ``.css`` file of the same name beside it. It is parsed once per thread
(again only when the file changes) and handed to WeasyPrint ready-made, with a font configuration kept
for the thread: parsing the certificate's stylesheet on every render took about a third of its time.

A template is rendered in one language (the holder's): its ``{% trans %}`` blocks and ``_()`` calls
speak that language, and it is given ``language`` and ``direction`` ("ltr", or "rtl" for Arabic) for
its ``<html lang dir>``.

Every PDF is written as PDF/A-3b (archival: fonts embedded, sRGB output intent, XMP metadata) and
tagged (a structure tree from the HTML, so screen readers read it in order). The signature pyHanko
adds afterwards is an incremental update that keeps both.
"""

from __future__ import annotations

import base64
import io
import threading
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any, cast
from urllib.parse import unquote, urlsplit

import pypdf
import segno
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from training.services import i18n

PDF_VARIANT = "pdf/a-3b"
# PDF/A's output intent: WeasyPrint's own sRGB profile, read once per thread through a stylesheet rule
# (asking for "srgb" would make WeasyPrint read the file again for every PDF, and leave it open).
OUTPUT_INTENT = "--srgb"
_OUTPUT_INTENT_RULE = "@color-profile --srgb { src: url(%s); components: r, g, b }"
PDF_OPTIONS = {"pdf_variant": PDF_VARIANT, "pdf_tags": True, "output_intent": OUTPUT_INTENT}


class FolderOnlyFetcher(URLFetcher):
    """Fetches data: URIs and files inside one folder; refuses the network and every other file."""

    def __init__(self, folder: Path):
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)
        self.folder = folder

    def fetch(self, url: str, headers: dict[str, str] | None = None):
        if url.lower().startswith("file:"):
            path = Path(unquote(urlsplit(url).path)).resolve()
            if not path.is_relative_to(self.folder) or not path.is_file():
                raise ValueError(f"certificate templates may not read {url!r}")
        return super().fetch(url, headers)


RIGHT_TO_LEFT = frozenset({"ar"})


def css_string(value: object) -> Markup:
    """``value`` as a quoted CSS string, safe inside a ``<style>`` element (for a margin box's ``content``)."""
    escaped = "".join(c if c.isalnum() or c in " .,;:!?()-'" or ord(c) > 127 else f"\\{ord(c):x} " for c in str(value))
    return Markup(f'"{escaped}"')  # noqa: S704 — every character but letters, digits and plain punctuation is escaped


class TemplateFolder:
    def __init__(self, folder: Path):
        self.folder = folder.resolve()
        self._environments: dict[str, Environment] = {}
        self._per_thread = threading.local()

    def environment(self, language: str = i18n.SOURCE_LANGUAGE) -> Environment:
        """The templates with their messages in ``language`` (one environment per language, made once)."""
        env = self._environments.get(language)
        if env is None:
            env = Environment(
                loader=FileSystemLoader(str(self.folder)),
                autoescape=select_autoescape(["html"]),
                undefined=StrictUndefined,
                extensions=["jinja2.ext.i18n"],
            )
            env.policies["ext.i18n.trimmed"] = True
            env.install_gettext_translations(i18n.catalog(language), newstyle=True)  # type: ignore[attr-defined]
            env.filters["css_string"] = css_string
            env = self._environments.setdefault(language, env)
        return env

    def _fonts(self) -> FontConfiguration:
        fonts = getattr(self._per_thread, "fonts", None)
        if fonts is None:
            fonts = self._per_thread.fonts = FontConfiguration()
            self._per_thread.stylesheets = {}
        return fonts

    def _color_profiles(self, fonts: FontConfiguration) -> dict[str, Any]:
        profiles = getattr(self._per_thread, "color_profiles", None)
        if profiles is None:
            profiles = self._per_thread.color_profiles = {}
            icc = Path(str(files("weasyprint.pdf") / "sRGB2014.icc"))
            CSS(string=_OUTPUT_INTENT_RULE % icc.as_uri(), font_config=fonts, color_profiles=profiles)
        return profiles

    def _stylesheets(self, template: str, fonts: FontConfiguration) -> list[CSS]:
        """The template's own stylesheet (``certificate.html`` → ``certificate.css``), if it has one."""
        path = (self.folder / template).with_suffix(".css")
        if not path.is_file():
            return []
        key = (path.name, path.stat().st_mtime_ns)
        cache: dict[tuple[str, int], CSS] = self._per_thread.stylesheets
        if key not in cache:
            for stale in [k for k in cache if k[0] == path.name]:
                del cache[stale]
            cache[key] = CSS(filename=str(path), url_fetcher=FolderOnlyFetcher(self.folder), font_config=fonts)
        return [cache[key]]

    def render(
        self, template: str, context: dict[str, Any], *, metadata: dict[str, str], language: str = i18n.SOURCE_LANGUAGE
    ) -> bytes:
        language = language if i18n.known(language) else i18n.SOURCE_LANGUAGE
        direction = "rtl" if language in RIGHT_TO_LEFT else "ltr"
        html = (
            self.environment(language)
            .get_template(template)
            .render(**{"language": language, "direction": direction, **context})
        )
        fetcher = FolderOnlyFetcher(self.folder)
        fonts = self._fonts()
        document = HTML(string=html, base_url=str(self.folder) + "/", url_fetcher=fetcher).render(
            stylesheets=self._stylesheets(template, fonts),
            font_config=fonts,
            color_profiles=dict(self._color_profiles(fonts)),
            **PDF_OPTIONS,
        )
        document.metadata.title = metadata.get("title")
        document.metadata.authors = [metadata["author"]] if metadata.get("author") else []
        document.metadata.description = metadata.get("subject")
        document.metadata.generator = "Recognize & Report"
        return document.write_pdf(**PDF_OPTIONS)


def qr_data_uri(url: str) -> str:
    return segno.make(url, error="m").svg_data_uri(scale=4, border=2)


def image_data_uri(data: bytes | None, mime: str | None) -> str:
    if not data or mime not in {"image/png", "image/jpeg"}:
        return ""
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


@dataclass(frozen=True)
class Standard:
    """What a PDF file is: its PDF/A part and conformance ("3b") if any, tagged or not, and how it is signed."""

    pdf_a: str = ""
    tagged: bool = False
    signed: str = ""  # "", "signed" or "pades"

    def __str__(self) -> str:
        """In words, in the current language: "PDF/A-3b (archival), tagged for screen readers, digitally
        signed (PAdES)" for what is rendered and signed here now; certificates issued earlier say less."""
        said = [i18n.gettext("PDF/A-%(level)s (archival)", level=self.pdf_a) if self.pdf_a else "PDF"]
        if self.tagged:
            said.append(i18n.gettext("tagged for screen readers"))
        if self.signed == "pades":
            said.append(i18n.gettext("digitally signed (PAdES)"))
        elif self.signed:
            said.append(i18n.gettext("digitally signed"))
        return i18n.gettext(", ").join(said)


def describe(data: bytes) -> Standard:
    """Which standards a PDF meets, read from the file (shown in words with ``str()``)."""
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        root = cast(pypdf.generic.DictionaryObject, reader.trailer["/Root"])  # the catalog is a dictionary
        xmp = reader.xmp_metadata
        part = xmp.pdfaid_part if xmp is not None else None
        conformance = xmp.pdfaid_conformance if xmp is not None else None
        tagged = bool((root.get("/MarkInfo") or {}).get("/Marked")) and "/StructTreeRoot" in root
        signatures = [f for f in (reader.get_fields() or {}).values() if f.get("/FT") == "/Sig" and f.get("/V")]
    except (pypdf.errors.PyPdfError, KeyError, ValueError):
        return Standard()
    signed = ""
    if signatures:
        pades = any(s["/V"].get("/SubFilter") == "/ETSI.CAdES.detached" for s in signatures)
        signed = "pades" if pades else "signed"
    return Standard(f"{part}{(conformance or '').lower()}" if part else "", tagged, signed)
