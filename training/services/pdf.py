"""Rendering PDFs from the HTML/CSS templates in certificates/ with WeasyPrint.

Templates get only plain values (autoescaped), and the renderer may read nothing but files inside
the template folder and data: URIs: no network, no other files.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import segno
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from weasyprint import HTML
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

    def render(self, template: str, context: dict[str, Any], *, metadata: dict[str, str]) -> bytes:
        html = self.env.get_template(template).render(**context)
        fetcher = FolderOnlyFetcher(self.folder)
        document = HTML(string=html, base_url=str(self.folder) + "/", url_fetcher=fetcher).render()
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
