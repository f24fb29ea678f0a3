"""Rendering PDFs from the HTML/CSS templates in certificates/ with WeasyPrint.

Templates get only plain values (autoescaped), and the renderer may read nothing but files inside
the template folder and data: URIs: no network, no other files.

A template's stylesheet is the ``.css`` file of the same name beside it. It is parsed once per thread
(again only when the file changes) and handed to WeasyPrint ready-made, with a font configuration kept
for the thread: parsing the certificate's stylesheet on every render took about a third of its time.
"""

from __future__ import annotations

import base64
import threading
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import segno
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher


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


class TemplateFolder:
    def __init__(self, folder: Path):
        self.folder = folder.resolve()
        self.env = Environment(
            loader=FileSystemLoader(str(self.folder)),
            autoescape=select_autoescape(["html"]),
            undefined=StrictUndefined,
        )
        self._per_thread = threading.local()

    def _fonts(self) -> FontConfiguration:
        fonts = getattr(self._per_thread, "fonts", None)
        if fonts is None:
            fonts = self._per_thread.fonts = FontConfiguration()
            self._per_thread.stylesheets = {}
        return fonts

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

    def render(self, template: str, context: dict[str, Any], *, metadata: dict[str, str]) -> bytes:
        html = self.env.get_template(template).render(**context)
        fetcher = FolderOnlyFetcher(self.folder)
        fonts = self._fonts()
        document = HTML(string=html, base_url=str(self.folder) + "/", url_fetcher=fetcher).render(
            stylesheets=self._stylesheets(template, fonts), font_config=fonts
        )
        document.metadata.title = metadata.get("title")
        document.metadata.authors = [metadata["author"]] if metadata.get("author") else []
        document.metadata.description = metadata.get("subject")
        document.metadata.generator = "Recognize & Report"
        return document.write_pdf()


def qr_data_uri(url: str) -> str:
    return segno.make(url, error="m").svg_data_uri(scale=4, border=2)


def image_data_uri(data: bytes | None, mime: str | None) -> str:
    if not data or mime not in {"image/png", "image/jpeg"}:
        return ""
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"
