"""Every page of every role, for the tests that check them all (valid HTML, nothing left untranslated).

The demo is seeded as `make run` seeds it, plus enough graded attempts on the core quiz for its item
statistics to show every figure; each demo account (and a visitor who is not signed in) crawls every page
it can reach by following links from its home, plus the pages that only a form or an emailed link
reaches (a quiz attempt, its confirmation of unanswered questions, a passed and a failed result, every
bank's item statistics, an import preview, the links to set a password or confirm a new address).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import csrf_token
from training.extensions import db
from training.models import Attempt, Course, Role, User, UserRole
from training.services import audit, content_loader, demo, item_stats, quiz
from training.web.links import email_change_link, issue_password_reset_link
from training.web.settings import certificate_settings

ROOT = Path(__file__).resolve().parents[1]
DEMO_PASSWORD = "blue-heart-demo-2026"
ROLES = ["crew@demo.test", "manager@demo.test", "auditor@demo.test", "admin@demo.test"]
# Pages of one endpoint differ only in their data: a few of each are enough, and keep the run short.
SAMPLES_PER_ENDPOINT = 3
MAX_PAGES_PER_ROLE = 250
# Links that end the session or are not pages.
SKIP = re.compile(r"(/logout$|\.(pdf|csv|xlsx|zip|png|svg|css|js|ico)$|/static/)")
CORE = "recognize-and-report"
GRADED_ATTEMPTS = item_stats.MIN_ATTEMPTS + 2


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


def _graded_attempts(app: Flask) -> None:
    """Graded attempts on the core quiz by demo staff (not the demo accounts), some right and some wrong,
    enough for its item statistics to show every figure."""
    with app.app_context():
        course = db.session.scalar(sa.select(Course).where(Course.slug == CORE))
        people = db.session.scalars(
            sa.select(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == Role.LEARNER.value, User.email.not_in(ROLES), User.active.is_(True))
            .order_by(User.id)
            .limit(GRADED_ATTEMPTS)
        ).all()
        assert len(people) == GRADED_ATTEMPTS, "the demo has too few staff for the item statistics"
        for n, person in enumerate(people):
            attempt = quiz.start_attempt(person, course)
            answers = {
                question.qid: _answer(question.correct, options, right=(n + index) % 3 != 0)
                for index, (question, options) in enumerate(quiz.questions_of(attempt))
            }
            assert quiz.submit(attempt, answers, actor=audit.SYSTEM, certificates=certificate_settings())
        db.session.remove()


def _answer(correct: list[str], options: list[dict[str, str]], *, right: bool) -> list[str]:
    if right:
        return list(correct)
    ids = [o["id"] for o in options] or ["true", "false"]
    return [next(i for i in ids if i not in correct)]


def _right_answers(app: Flask, attempt_url: str) -> dict[str, list[str]]:
    """The keyed answers of an open attempt, as the form posts them."""
    with app.app_context():
        attempt = db.session.get(Attempt, int(attempt_url.rsplit("/", 1)[1]))
        answers = {f"q-{question.qid}": list(question.correct) for question, _ in quiz.questions_of(attempt)}
        db.session.remove()
    return answers


def _complete_modules(client: FlaskClient, course: str) -> None:
    slugs = dict.fromkeys(
        re.findall(rf'href="{course}/modules/([a-z0-9-]+)"', client.get(course).get_data(as_text=True))
    )
    assert slugs, f"no modules linked from {course}"
    for slug in slugs:
        page = f"{course}/modules/{slug}"
        done = client.post(f"{page}/complete", data={"csrf_token": csrf_token(client, page)})
        assert done.status_code == 302, f"could not complete {page}"


def _start_quiz(client: FlaskClient, course: str) -> str:
    landing = f"{course}/quiz"
    response = client.post(f"{landing}/start", data={"csrf_token": csrf_token(client, landing)})
    attempt_url = response.headers.get("Location", "")
    assert re.search(r"/attempts/\d+$", attempt_url), f"the demo learner could not start the quiz of {course}"
    return attempt_url


def _quiz_pages(app: Flask, client: FlaskClient) -> Iterator[tuple[str, str]]:
    """The core quiz opened, answered but for one question (the confirmation), then passed; another course's
    quiz submitted blank, which fails."""
    course = f"/courses/{CORE}"
    _complete_modules(client, course)
    yield f"{course}/quiz (open)", client.get(f"{course}/quiz").get_data(as_text=True)
    attempt_url = _start_quiz(client, course)
    yield attempt_url, client.get(attempt_url).get_data(as_text=True)
    answers = _right_answers(app, attempt_url)
    token = csrf_token(client, attempt_url)
    one_left = client.post(attempt_url, data={"csrf_token": token, **dict(list(answers.items())[1:])})
    html = one_left.get_data(as_text=True)
    assert one_left.status_code == 200, f"answering all but one question gave {one_left.status_code}"
    assert "not answered" in html, "no confirmation for an unanswered question"
    yield f"{attempt_url} (one unanswered)", html
    passed = client.post(attempt_url, data={"csrf_token": token, **answers}, follow_redirects=True)
    html = passed.get_data(as_text=True)
    assert "You passed" in html, "the keyed answers did not pass the core quiz"
    yield f"{attempt_url} (passed)", html

    other = "/courses/cabin-crew"
    _complete_modules(client, other)
    attempt_url = _start_quiz(client, other)
    blank = {"csrf_token": csrf_token(client, attempt_url), "unanswered": "submit"}
    failed = client.post(attempt_url, data=blank, follow_redirects=True)
    html = failed.get_data(as_text=True)
    assert "Not passed this time" in html, "a blank attempt did not fail"
    yield f"{attempt_url} (failed)", html


def _item_statistics_pages(client: FlaskClient) -> Iterator[tuple[str, str]]:
    """Every bank's item statistics, the core bank's with all its figures."""
    overview = client.get("/admin/item-statistics").get_data(as_text=True)
    slugs = dict.fromkeys(re.findall(r'href="/admin/item-statistics/([a-z0-9-]+)"', overview))
    assert CORE in slugs, "the item statistics do not list the core bank"
    for slug in slugs:
        url = f"/admin/item-statistics/{slug}"
        html = client.get(url).get_data(as_text=True)
        if slug == CORE:
            assert 'id="distribution"' in html, "the core bank's item statistics show no figures"
        yield url, html


def _client(app: Flask, headers: dict[str, str] | None) -> FlaskClient:
    """A browser that sends ``headers`` (an Accept-Language, say) with every request."""
    client = app.test_client()
    for name, value in (headers or {}).items():
        client.environ_base[f"HTTP_{name.upper().replace('-', '_')}"] = value
    return client


def _emailed_link_pages(app: Flask, headers: dict[str, str] | None = None) -> Iterator[tuple[str, str]]:
    """Pages opened from a link in an email, by someone not signed in."""
    with app.app_context():
        person = db.session.scalar(sa.select(User).where(User.email == "agent@demo.test"))
        links = {
            "password reset": issue_password_reset_link(person, audit.SYSTEM),
            "email confirmation": email_change_link(person, "brian.otieno@demo.test"),
        }
        db.session.remove()
    for what, link in links.items():
        response = _client(app, headers).get(urlsplit(link).path)
        assert response.status_code == 200, f"the {what} link gave {response.status_code}"
        yield f"{urlsplit(link).path} ({what})", response.get_data(as_text=True)


def _form_only_pages(app: Flask, client: FlaskClient, email: str) -> Iterator[tuple[str, str]]:
    """Pages a crawler cannot reach by links: a module check answered, the quiz pages, the item statistics
    of every bank, an import preview, a new invitation link."""
    if email == "crew@demo.test":
        module = f"/courses/{CORE}/modules/how-to-report"
        yield module, client.get(module).get_data(as_text=True)
        for answer in ("a", "b"):
            answered = client.post(f"{module}/check", data={"csrf_token": csrf_token(client, module), "answer": answer})
            yield f"{module}/check ({answer})", answered.get_data(as_text=True)
        yield from _quiz_pages(app, client)
    if email == "admin@demo.test":
        yield from _item_statistics_pages(client)
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
        visitor = app.test_client()  # not signed in, with the same headers
        visitor.environ_base.update({k: v for k, v in client.environ_base.items() if k.startswith("HTTP_")})
        yield welcome, visitor.get(welcome).get_data(as_text=True)


def seed_demo_with_statistics(app: Flask) -> None:
    """The demo as `make run` seeds it, plus graded attempts enough for the item statistics."""
    with app.app_context():
        report = content_loader.load_content(ROOT)
        assert report.ok, report.problems
        demo.seed_demo(certificate_settings())
        db.session.remove()
    _graded_attempts(app)


def every_page(app: Flask, headers: dict[str, str] | None = None) -> Iterator[tuple[str, str, str]]:
    """(who, url, html) for every page a visitor and each demo account reach, sent with ``headers``."""
    anonymous = _client(app, headers)
    for url, html in crawl(app, anonymous, ["/login", "/verify", "/password/forgot"]):
        yield "anonymous", url, html
    for url, html in _emailed_link_pages(app, headers):
        yield "anonymous", url, html
    for email in ROLES:
        client = _client(app, headers)
        response = client.post(
            "/login", data={"csrf_token": csrf_token(client, "/login"), "email": email, "password": DEMO_PASSWORD}
        )
        assert response.status_code == 302, f"{email} could not sign in"
        for url, html in crawl(app, client, ["/"]):
            yield email, url, html
        for url, html in _form_only_pages(app, client, email):
            yield email, url, html
