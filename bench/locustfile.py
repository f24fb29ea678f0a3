"""Load test: learners, managers, auditors and anonymous visitors using the site as people do.

    make loadtest      # throwaway database and server, this file run headless, a summary in bench/results/

bench/loadtest.py runs it; to run it by hand against a server of your own, seed that server's database
with bench/loadtest_seed.py and point LOADTEST_ACCOUNTS at the JSON it writes (from the project folder):

    PYTHONPATH=. LOADTEST_ACCOUNTS=accounts.json .venv/bin/locust -f bench/locustfile.py --host http://127.0.0.1:8000

Everyone signs in once per session (argon2 is slow on purpose), takes every form's CSRF token from
the page that shows the form, and answers the quiz at random, so most attempts fail and the cooldown
and attempt-limit pages are ordinary outcomes. Requests are named by route pattern (/courses/[slug]),
one statistics row per page; any status a page should not answer (5xx, an unexpected 4xx) is a failure.
"""

from __future__ import annotations

import html
import itertools
import json
import os
import random
import re
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import gevent
from locust import FastHttpUser, between, events, task
from locust.contrib.fasthttp import FastResponse
from locust.env import Environment
from locust.stats import RequestStats, StatsEntry, calculate_response_time_percentile

from training.services.serials import new_serial

_rng = random.Random()  # noqa: S311 — simulated behaviour, not secrets
DOUBLE_CLICK = 0.1  # share of "complete", "start" and "submit" buttons pressed twice in a row, as people do
FORM_CONTENT = {"Content-Type": "application/x-www-form-urlencoded"}

# Concrete paths to the route patterns they are reported under, first match wins.
ROUTES = [
    (re.compile(r"^/courses/[^/]+/modules/[^/]+/(check|complete)$"), r"/courses/[slug]/modules/[module]/\1"),
    (re.compile(r"^/courses/[^/]+/modules/[^/]+$"), "/courses/[slug]/modules/[module]"),
    (re.compile(r"^/courses/[^/]+/quiz/start$"), "/courses/[slug]/quiz/start"),
    (re.compile(r"^/courses/[^/]+/quiz$"), "/courses/[slug]/quiz"),
    (re.compile(r"^/courses/[^/]+$"), "/courses/[slug]"),
    (re.compile(r"^/attempts/\d+$"), "/attempts/[id]"),
    (re.compile(r"^/certificates/[^/]+/wallet-card\.pdf$"), "/certificates/[serial]/wallet-card.pdf"),
    (re.compile(r"^/certificates/[^/]+\.pdf$"), "/certificates/[serial].pdf"),
    (re.compile(r"^/verify/[^/]+$"), "/verify/[serial]"),
    (re.compile(r"^/manage/staff/\d+$"), "/manage/staff/[id]"),
    (re.compile(r"^/audit/organizations/\d+/staff$"), "/audit/organizations/[id]/staff"),
    (re.compile(r"^/audit/organizations/\d+$"), "/audit/organizations/[id]"),
]

INPUT_TAG = re.compile(r"<input\b[^>]*>")
ATTRIBUTE = re.compile(r'([a-z_-]+)="([^"]*)"')
SELECT = re.compile(r'<select[^>]*\bname="([^"]+)"[^>]*>(.*?)</select>', re.S)
OPTION_VALUE = re.compile(r'<option value="([^"]+)"')


def route_name(path: str) -> str:
    """The route pattern a concrete path belongs to, without its query string."""
    path = urlsplit(path).path or "/"
    for pattern, name in ROUTES:
        if pattern.match(path):
            return pattern.sub(name, path)
    return path


def inputs(page: str) -> list[dict[str, str]]:
    """The attributes of every <input> on a page (values unescaped)."""
    return [{k: html.unescape(v) for k, v in ATTRIBUTE.findall(tag)} for tag in INPUT_TAG.findall(page)]


def csrf_token(page: str) -> str:
    """The CSRF token of the page's forms (one per session, so any form's hidden input will do)."""
    for attrs in inputs(page):
        if attrs.get("name") == "csrf_token":
            return attrs.get("value", "")
    return ""


def select_options(page: str) -> dict[str, list[str]]:
    """Each <select>'s non-empty option values, by field name."""
    return {name: [html.unescape(v) for v in OPTION_VALUE.findall(body)] for name, body in SELECT.findall(page)}


def links(page: str, pattern: str) -> list[str]:
    """Distinct matches of a regular expression's first group, in page order."""
    return list(dict.fromkeys(html.unescape(m) for m in re.findall(pattern, page)))


class _Accounts:
    """The seeded accounts, handed out in turn (one locust process, so no locking is needed)."""

    def __init__(self) -> None:
        self._data: dict | None = None
        self._turns: dict[str, Iterator[str]] = {}

    @property
    def data(self) -> dict:
        if self._data is None:
            source = os.environ.get("LOADTEST_ACCOUNTS", "")
            if not source:
                raise RuntimeError("LOADTEST_ACCOUNTS must name the JSON written by bench/loadtest_seed.py")
            self._data = json.loads(Path(source).read_text())
        return self._data

    def next(self, kind: str) -> str:
        if kind not in self._turns:
            self._turns[kind] = itertools.cycle(self.data[kind])
        return next(self._turns[kind])

    @property
    def password(self) -> str:
        return self.data["password"]

    @property
    def serials(self) -> list[str]:
        return self.data["serials"]


ACCOUNTS = _Accounts()


_run: dict[str, Any] = {}


@events.init.add_listener
def _remember_environment(environment: Environment, **_kwargs: object) -> None:
    _run["environment"] = environment


def _entries(stats: RequestStats) -> list[StatsEntry]:
    return [*sorted(stats.entries.values(), key=lambda e: (e.name, e.method)), stats.total]


def _user_ready() -> None:
    """One more user has signed in (or needs no account); once all have, the steady part of the run begins.

    The counts so far are kept, so that the rest of the run is also reported on its own.
    """
    _run["ready"] = _run.get("ready", 0) + 1
    runner = _run["environment"].runner
    if "steady_since" in _run or _run["ready"] < runner.target_user_count:
        return
    _run["steady_since"] = time.time()
    _run["before_steady"] = {
        (e.name, e.method): (Counter(e.response_times), e.num_requests, e.num_failures) for e in _entries(runner.stats)
    }


def _row(method: str, name: str, times: Counter, requests: int, failures: int, seconds: float) -> dict[str, Any]:
    def percentile(share: float) -> int:
        return calculate_response_time_percentile(dict(times), requests, share) if requests else 0

    return {
        "method": method or "",
        "name": name,
        "requests": requests,
        "failures": failures,
        "median": percentile(0.5),
        "p95": percentile(0.95),
        "p99": percentile(0.99),
        "max": max(times) if times else 0,
        "rps": requests / seconds if seconds > 0 else 0.0,
    }


@events.quit.add_listener
def _write_statistics(exit_code: int, **_kwargs: object) -> None:
    """Write the final statistics as JSON to LOADTEST_STATS_JSON, once every user has stopped.

    Two tables: the whole run, and the part after every user had signed in.
    Locust's CSV files are written every second and may miss the last requests; this is the whole run.
    """
    target, environment = os.environ.get("LOADTEST_STATS_JSON"), _run.get("environment")
    if not target or environment is None or environment.runner is None:
        return
    stats = environment.runner.stats
    end = max(stats.total.last_request_timestamp or time.time(), stats.start_time + 1)
    whole = [
        _row(e.method, e.name, Counter(e.response_times), e.num_requests, e.num_failures, end - stats.start_time)
        for e in _entries(stats)
    ]
    steady, since = [], _run.get("steady_since")
    before = _run.get("before_steady", {})
    for e in _entries(stats) if since else []:
        times, requests, failures = before.get((e.name, e.method), (Counter(), 0, 0))
        if e.num_requests - requests or e.num_failures - failures:
            steady.append(
                _row(
                    e.method,
                    e.name,
                    Counter(e.response_times) - times,
                    e.num_requests - requests,
                    e.num_failures - failures,
                    end - since,
                )
            )
    report = {
        "exit_code": exit_code,
        "user_weights": {user.__name__: user.weight for user in environment.user_classes},
        "requests": whole,
        "steady_after_seconds": round(since - stats.start_time) if since else None,
        "steady": steady,
        "failures": [
            {"method": e.method, "name": e.name, "error": str(e.error), "occurrences": e.occurrences}
            for e in stats.errors.values()
        ],
        "exceptions": [
            {"count": e["count"], "message": e["msg"], "traceback": e["traceback"]}
            for e in environment.runner.exceptions.values()
        ],
    }
    Path(target).write_text(json.dumps(report, indent=1))


class Visitor(FastHttpUser):
    """Shared helpers: named requests with expected statuses, forms with their CSRF token, sign-in."""

    abstract = True
    wait_time = between(1, 5)
    max_redirects = 0  # redirects are followed by hand, each reported under its own page

    def page(
        self,
        path: str,
        *,
        method: str = "GET",
        expect: Iterable[int] = (200,),
        name: str | None = None,
        fields: list[tuple[str, str]] | None = None,
        content: bytes | None = None,
    ) -> FastResponse | None:
        """One request, reported under its route pattern; a status not in ``expect`` is a failure.

        Returns the response when its status was expected, else None. ``content`` checks the body's start.
        """
        expected = tuple(expect)
        body = urlencode(fields) if fields is not None else None
        with self.client.request(
            method,
            path,
            name=name or route_name(path),
            data=body,
            headers=FORM_CONTENT if body is not None else None,
            catch_response=True,
        ) as response:
            if response.status_code not in expected:
                problem = getattr(response, "error", None) if not response.status_code else None
                response.failure(
                    f"status {response.status_code}, expected {'/'.join(map(str, expected))}"
                    + (f" ({type(problem).__name__}: {problem})" if problem else "")
                )
                return None
            if content is not None and not (response.content or b"").startswith(content):
                response.failure(f"body does not start with {content!r}")
                return None
            response.success()
            return response

    def submit(
        self, path: str, form_page: str, fields: list[tuple[str, str]], *, expect: Iterable[int] = (302,)
    ) -> FastResponse | None:
        """POST a form with the CSRF token of the page it was shown on."""
        return self.page(path, method="POST", fields=[("csrf_token", csrf_token(form_page)), *fields], expect=expect)

    def submit_maybe_twice(self, path: str, form_page: str, fields: list[tuple[str, str]]) -> list[FastResponse | None]:
        """Send a form, now and then twice at once (a double click); every copy must get a proper answer."""
        if _rng.random() >= DOUBLE_CLICK:
            return [self.submit(path, form_page, fields)]
        clicks = [gevent.spawn(self.submit, path, form_page, fields) for _ in range(2)]
        gevent.joinall(clicks)
        return [click.value for click in clicks]

    def problem(self, name: str, message: str) -> None:
        """Report something wrong that no single status shows (it counts as a failed request)."""
        self.environment.events.request.fire(
            request_type="CHECK", name=name, response_time=0, response_length=0, exception=AssertionError(message)
        )

    def follow(self, response: FastResponse | None, *, name: str | None = None) -> str:
        """GET where a redirect points; returns the page, or "" when there was nothing to follow."""
        location = (response.headers.get("Location") or response.headers.get("location")) if response else None
        if not location:
            return ""
        parts = urlsplit(location)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        followed = self.page(target, name=name)
        return followed.text or "" if followed else ""

    def sign_in(self, kind: str) -> None:
        """Sign in once for the session; now and then the password is mistyped first, as people do."""
        email = ACCOUNTS.next(kind)
        form = self.page("/login")
        if form is not None:
            if _rng.random() < 0.05:
                self.submit("/login", form.text or "", [("email", email), ("password", "wrong-pass")], expect=(401,))
            self.follow(self.submit("/login", form.text or "", [("email", email), ("password", ACCOUNTS.password)]))
        _user_ready()


class Learner(Visitor):
    """Staff on a phone between duties: home, a course, its modules, the final quiz, a certificate."""

    weight = 12

    def on_start(self) -> None:
        self.courses: list[str] = []
        self.closed: set[str] = set()  # courses whose quiz is paused (cooldown, attempt limit) this session
        self.course: str | None = None
        self.sign_in("learners")
        self.home()

    @task(2)
    def home(self) -> None:
        response = self.page("/")
        if response is not None:
            page = response.text or ""
            self.courses = links(page, r'<h3><a href="/courses/([a-z0-9-]+)">')
            for serial in links(page, r'href="/certificates/([0-9A-Z-]+)\.pdf"')[:1]:
                self.page(f"/certificates/{serial}.pdf", content=b"%PDF")

    @task(1)
    def catalogue(self) -> None:
        self.page("/courses")

    @task(10)
    def learn(self) -> None:
        """One step on the current course: the next module, the quiz, or another course when it is paused."""
        if self.course is None or self.course in self.closed:
            open_courses = [c for c in self.courses if c not in self.closed]
            self.course = _rng.choice(open_courses or self.courses or ["recognize-and-report"])
        slug = self.course
        response = self.page(f"/courses/{slug}")
        if response is None:
            return
        page = response.text or ""
        attempt = links(page, r'href="/attempts/(\d+)">Continue your attempt')
        following = links(page, r'class="button" href="(/courses/[^"]+/modules/[^"]+)"')
        if attempt:
            self.answer(f"/attempts/{attempt[0]}", self.page(f"/attempts/{attempt[0]}", name="/attempts/[id] quiz"))
        elif following:
            self.study(following[0])
        elif f'href="/courses/{slug}/quiz"' in page:
            self.take_quiz(slug)
        else:  # quiz paused after a failed attempt, or no attempts left today: review a module instead
            self.closed.add(slug)
            modules = links(page, r'href="(/courses/[^"]+/modules/[^"]+)"')
            if modules:
                self.page(_rng.choice(modules))

    def study(self, module_path: str) -> None:
        """Read a module, maybe try its check question, then mark it complete and go where it leads."""
        response = self.page(module_path)
        if response is None:
            return
        page = response.text or ""
        self.wait()
        options = [a["value"] for a in inputs(page) if a.get("name") == "answer"]
        if options and _rng.random() < 0.5:
            checked = self.submit(f"{module_path}/check", page, [("answer", _rng.choice(options))], expect=(200,))
            page = checked.text or page if checked else page
        self.follow(self.submit_maybe_twice(f"{module_path}/complete", page, [])[-1])

    def take_quiz(self, slug: str) -> None:
        """Open the quiz page and start an attempt; a paused quiz sends the learner back to its page."""
        response = self.page(f"/courses/{slug}/quiz")
        if response is None:
            return
        page = response.text or ""
        if f'action="/courses/{slug}/quiz/start"' not in page:
            self.closed.add(slug)
            return
        clicks = self.submit_maybe_twice(f"/courses/{slug}/quiz/start", page, [])
        targets = [urlsplit(click.headers.get("Location", "")).path for click in clicks if click is not None]
        if len(set(targets)) > 1:
            self.problem("/courses/[slug]/quiz/start double click", f"one double click opened {' and '.join(targets)}")
        started, target = clicks[-1], targets[-1] if targets else ""
        if re.match(r"^/attempts/\d+$", target):
            self.answer(target, self.page(target, name="/attempts/[id] quiz"))
        else:
            self.closed.add(slug)
            self.follow(started)

    def answer(self, attempt_path: str, response: FastResponse | None) -> None:
        """Answer at random (a wrong answer is a normal outcome), submit once, read the result."""
        if response is None:
            return
        page = response.text or ""
        questions: dict[str, tuple[str, list[str]]] = {}
        for attrs in inputs(page):
            if attrs.get("name", "").startswith("q-"):
                questions.setdefault(attrs["name"], (attrs.get("type", "radio"), []))[1].append(attrs.get("value", ""))
        if not questions:  # the attempt's time ran out: this was already its result page
            return
        fields: list[tuple[str, str]] = []
        for name, (kind, values) in questions.items():
            if _rng.random() < 0.05:  # a question left unanswered
                continue
            chosen = _rng.sample(values, _rng.randint(1, len(values))) if kind == "checkbox" else [_rng.choice(values)]
            fields.extend((name, value) for value in chosen)
        self.wait()
        submitted = self.submit_maybe_twice(attempt_path, page, fields)[-1]
        result = self.follow(submitted, name="/attempts/[id] result")
        self.closed.add(self.course or "")
        serials = links(result, r'href="/certificates/([0-9A-Z-]+)\.pdf"')
        if serials:
            self.page(f"/certificates/{serials[0]}.pdf", content=b"%PDF")
            self.page(f"/certificates/{serials[0]}/wallet-card.pdf", content=b"%PDF")


class Manager(Visitor):
    """A training lead: the dashboard, the staff list with filters and pages, a person, the report."""

    weight = 2

    def on_start(self) -> None:
        self.people: list[str] = []
        self.filters: dict[str, list[str]] = {}
        self.sign_in("managers")

    @task(3)
    def dashboard(self) -> None:
        self.page("/manage/")

    @task(5)
    def staff(self) -> None:
        query: dict[str, str] = {}
        for field in _rng.sample(sorted(self.filters), min(len(self.filters), _rng.randint(0, 2))):
            query[field] = _rng.choice(self.filters[field])
        if _rng.random() < 0.2:
            query["q"] = _rng.choice(["load", "learner 00", "demo", "a", "DA-2"])
        if _rng.random() < 0.3:
            query["page"] = str(_rng.randint(2, 6))
        response = self.page("/manage/staff" + (f"?{urlencode(query)}" if query else ""))
        if response is not None:
            page = response.text or ""
            self.filters = self.filters or {k: v for k, v in select_options(page).items() if v}
            self.people = links(page, r'href="(/manage/staff/\d+)"') or self.people

    @task(3)
    def person(self) -> None:
        if not self.people:
            self.staff()
        if self.people:
            self.page(_rng.choice(self.people))

    @task(1)
    def compliance_report(self) -> None:
        self.page("/manage/export/compliance.csv")


class Auditor(Visitor):
    """An inspector of the authority: the overview, the register with searches, PDFs, now and then a ZIP."""

    weight = 2

    def on_start(self) -> None:
        self.organizations: list[str] = []
        self.serials: list[str] = []
        self.holders: list[str] = []
        self.sign_in("auditors")
        self.overview()

    @task(2)
    def overview(self) -> None:
        response = self.page("/audit/")
        if response is not None:
            self.organizations = links(response.text or "", r'href="/audit/organizations/(\d+)"')

    @task(1)
    def organization(self) -> None:
        if self.organizations:
            self.page(f"/audit/organizations/{_rng.choice(self.organizations)}")

    @task(5)
    def register(self) -> None:
        choice = _rng.random()
        if choice < 0.3 and self.serials:
            query = {"q": _rng.choice(self.serials)}
        elif choice < 0.55 and self.holders:
            query = {"q": _rng.choice(self.holders).split()[-1]}
        elif choice < 0.8 and self.organizations:
            query = {"org": _rng.choice(self.organizations), "status": _rng.choice(["", "valid", "expired"])}
        else:
            query = {}
        query = {k: v for k, v in query.items() if v}
        response = self.page("/audit/certificates" + (f"?{urlencode(query)}" if query else ""))
        if response is not None:
            page = response.text or ""
            self.serials = links(page, r'href="/certificates/([0-9A-Z-]+)\.pdf"') or self.serials
            self.holders = links(page, r'<td data-label="Holder">([^<]+)') or self.holders

    @task(3)
    def download(self) -> None:
        if not self.serials:
            self.register()
        if self.serials:
            self.page(f"/certificates/{_rng.choice(self.serials)}.pdf", content=b"%PDF")

    @task(1)
    def zip_of_one_organization(self) -> None:
        if self.organizations and _rng.random() < 0.5:
            query = {"org": _rng.choice(self.organizations), "status": "valid"}
            self.page(f"/audit/certificates.zip?{urlencode(query)}", content=b"PK")


class Verifier(Visitor):
    """Anyone holding a certificate (or checking one): the verification page, by link, by typing, by mistake."""

    weight = 4

    def on_start(self) -> None:
        _user_ready()

    @task(8)
    def verify(self) -> None:
        if ACCOUNTS.serials:
            self.page(f"/verify/{_rng.choice(ACCOUNTS.serials)}")

    @task(2)
    def typed(self) -> None:
        """Typed by hand: lower case and without dashes is forgiven with a redirect to the canonical form."""
        if not ACCOUNTS.serials:
            return
        form = self.page("/verify")
        serial = _rng.choice(ACCOUNTS.serials)
        if form is not None:
            typed = serial.replace("-", "").lower()
            self.follow(self.page(f"/verify?{urlencode({'serial': typed})}", expect=(302,)), name="/verify/[serial]")

    @task(1)
    def unknown(self) -> None:
        """A well-formed serial that was never issued: an honest 404 page."""
        self.page(f"/verify/{new_serial()}", expect=(404,), name="/verify/[serial] unknown")
