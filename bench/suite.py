"""Benchmark suite: the pages and downloads that grow with an airline's size, timed at two sizes.

    .venv/bin/python -m bench.suite          (or: make bench)

For each size in ``BENCH_SIZES`` (default ``1000,20000`` staff) builds a throwaway SQLite database in a
temporary folder with the bench-seed service (``training.services.bench_seed``), then times each
operation through the real routes with Flask's test client, signed in as the right person. Reports the
median and p95, the SQL statements per request, and the ratio of each median to two floors measured in
the same run: a bare endpoint doing one indexed SELECT, and WeasyPrint rendering a one-line page. Checks
the targets and writes everything to ``bench/results/bench-<date>.json``.

Environment: ``BENCH_SIZES`` (staff per database, comma-separated), ``BENCH_RUNS`` (timed runs of the
fast operations, default 15), ``BENCH_ORGANIZATIONS`` (default 12), ``BENCH_DATABASE_URL`` (a PostgreSQL
server, e.g. ``postgresql://postgres@127.0.0.1:5432/postgres``: each size then gets a throwaway database
there, dropped afterwards, instead of SQLite).
"""

from __future__ import annotations

import json
import math
import os
import platform
import random
import secrets
import shutil
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

os.environ.setdefault("SECRET_KEY", "benchmark-only")

RESULTS = Path(__file__).resolve().parent / "results"
CORE = "recognize-and-report"
ZIP_TARGET = 5000
IMPORT_ROWS = 5000  # the largest file an import accepts
LIST_PAGES = ("manager dashboard", "staff list page 2", "compliance CSV export", "auditor overview", "register search")
LANGUAGES = ("en", "sw", "ar")  # English first: the others are compared with it
LANGUAGE_MODULE = "how-to-report"  # a module of the core course with a Kiswahili and an Arabic translation
LANGUAGE_LIMIT = 1.1  # no page in another language slower than this times its English median


@dataclass
class Measure:
    operation: str
    size: int
    runs: int
    median_ms: float
    p95_ms: float
    queries: int
    extra: dict[str, Any] = field(default_factory=dict)


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


class QueryCounter:
    """Counts SQL statements sent through the engine (a ``before_cursor_execute`` listener)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, *args: object) -> None:
        self.count += 1


def _consume(response) -> int:
    """Read a (possibly streamed) response to the end without keeping it; returns its size in bytes."""
    size = sum(len(chunk) for chunk in response.iter_encoded())
    response.close()
    return size


class Bench:
    """One throwaway database of ``size`` staff, its app, and the timings taken on it."""

    def __init__(self, size: int, organizations: int, runs: int) -> None:
        self.size, self.runs = size, runs
        self.workdir = Path(tempfile.mkdtemp(prefix=f"bench-suite-{size}-"))
        self.server = os.environ.get("BENCH_DATABASE_URL", "").strip() or None
        self.database_name = f"rr_bench_{size}_{secrets.token_hex(3)}"
        if self.server:
            _postgres_admin(self.server, f'CREATE DATABASE "{self.database_name}"')
        try:
            self._set_up(organizations)
        except BaseException:
            self._remove_database()  # a failed set-up leaves no database behind
            raise

    def _set_up(self, organizations: int) -> None:
        from flask_migrate import upgrade
        from sqlalchemy import event

        from training import create_app
        from training.extensions import db
        from training.services import bench_seed
        from training.web.settings import certificate_settings

        if self.server:
            # As the README's deployment notes recommend: short queries only, so no JIT compilation.
            _postgres_admin(self.server, f'ALTER DATABASE "{self.database_name}" SET jit = off')
            url = _postgres_url(self.server).set(database=self.database_name).render_as_string(hide_password=False)
            engine_options: dict[str, Any] = {}
        else:
            url = f"sqlite:///{self.workdir / 'bench.db'}"
            engine_options = {"connect_args": {"timeout": 30}}
        self.app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": url,
                "SQLALCHEMY_ENGINE_OPTIONS": engine_options,
                "TESTING": True,
                "RATELIMIT_ENABLED": False,
                "WTF_CSRF_ENABLED": False,
            }
        )
        self.app.instance_path = str(self.workdir)  # the signing key is created here, not in instance/
        self._add_floor_route()
        self.counter = QueryCounter()
        self.measures: list[Measure] = []
        with self.app.app_context():
            upgrade()
            started = time.perf_counter()
            self.report = bench_seed.seed(
                certificate_settings(),
                Path(self.app.config["CONTENT_DIR"]),
                organizations=organizations,
                staff=self.size,
                seed=1,
            )
            self.seed_seconds = time.perf_counter() - started
            if self.server:  # what autovacuum does soon after a bulk load: statistics and visibility map
                db.session.remove()
                with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                    conn.exec_driver_sql("VACUUM ANALYZE")
            event.listen(db.engine, "before_cursor_execute", self.counter)

    def _add_floor_route(self) -> None:
        import sqlalchemy as sa

        from training.extensions import db
        from training.models import User
        from training.policy import PUBLIC, permission

        @self.app.get("/bench/floor")
        @permission(PUBLIC)
        def bench_floor() -> str:
            return str(db.session.execute(sa.select(User.id, User.email).where(User.id == 1)).one().email)

    def close(self) -> None:
        from training.extensions import db

        with self.app.app_context():
            db.engine.dispose()
        self._remove_database()

    def _remove_database(self) -> None:
        if self.server:
            _postgres_admin(self.server, f'DROP DATABASE IF EXISTS "{self.database_name}" WITH (FORCE)')
        shutil.rmtree(self.workdir, ignore_errors=True)

    # --- clients ------------------------------------------------------------------------------
    def client_for(self, email: str | None):
        import sqlalchemy as sa

        from training.extensions import db
        from training.models import User

        client = self.app.test_client()
        if email is not None:
            with self.app.app_context():
                token = db.session.scalar(sa.select(User.session_token).where(User.email == email))
            with client.session_transaction() as session:
                session["_user_id"] = token
                session["_fresh"] = True
        return client

    # --- timing -------------------------------------------------------------------------------
    def time(self, operation: str, request: Callable[[int], Any], runs: int | None = None) -> Measure:
        """Run ``request(n)`` ``runs`` times (after one untimed warm-up); keep the timings and query count."""
        runs = runs or self.runs
        request(-1)
        samples, queries = [], 0
        for n in range(runs):
            self.counter.count = 0
            started = time.perf_counter()
            request(n)
            samples.append(time.perf_counter() - started)
            queries = self.counter.count
        measure = Measure(operation, self.size, runs, statistics.median(samples) * 1000, _p95(samples) * 1000, queries)
        self.measures.append(measure)
        return measure

    def peak_memory(self, request: Callable[[], Any]) -> int:
        """Peak Python memory (tracemalloc) of one request, in bytes."""
        tracemalloc.start()
        tracemalloc.reset_peak()
        try:
            request()
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()


def _postgres_url(server: str):
    import sqlalchemy as sa

    return sa.engine.make_url(server).set(drivername="postgresql+psycopg")


def _postgres_admin(server: str, statement: str) -> None:
    """Run one statement (CREATE or DROP DATABASE) on the server's maintenance database."""
    import sqlalchemy as sa

    admin = sa.create_engine(_postgres_url(server).set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(statement))
    finally:
        admin.dispose()


def _get(client, url: str, status: int = 200) -> Callable[[int], int]:
    def run(_: int) -> int:
        response = client.get(url, buffered=False)
        size = _consume(response)
        assert response.status_code == status, f"GET {url} gave {response.status_code}"
        return size

    return run


def run_size(size: int, organizations: int, runs: int) -> dict[str, Any]:
    import sqlalchemy as sa

    from training.content.question_types import question_type
    from training.extensions import db
    from training.models import Attempt, Certificate, Course, ModuleCompletion, Question, Role, User, UserRole, utcnow
    from training.services import bench_seed, register

    print(f"\n== {size} staff: seeding…", flush=True)
    bench = Bench(size, organizations, runs)
    print(f"   seeded in {bench.seed_seconds:.1f} s: {bench.report}", flush=True)
    rng = random.Random(size)  # noqa: S311 — picking benchmark subjects, not a secret
    app = bench.app
    memory: dict[str, int] = {}
    try:
        with app.app_context():
            manager = db.session.scalar(sa.select(User).where(User.email == bench_seed.MANAGER_EMAIL))
            org_id = manager.organization_id
            core = db.session.scalar(sa.select(Course).where(Course.slug == CORE))
            version = core.current_version
            first_module = version.modules[0].slug
            now = utcnow()
            valid = list(
                db.session.execute(
                    sa.select(Certificate.serial, User.email)
                    .join(User, User.id == Certificate.user_id)
                    .where(
                        Certificate.organization_id == org_id,
                        Certificate.course_id == core.id,
                        Certificate.expires_at > now,
                        User.email != bench_seed.MANAGER_EMAIL,
                    )
                    .order_by(Certificate.id)
                ).tuples()
            )
            serials_to_read = [serial for serial, _ in rng.sample(valid, min(len(valid), runs))]
            learner_email = valid[0][1]
            # Fresh learners for the quiz: no attempt and no certificate yet; their core modules marked done.
            fresh = list(
                db.session.scalars(
                    sa.select(User.id)
                    .join(UserRole, UserRole.user_id == User.id)
                    .where(
                        UserRole.role == Role.LEARNER.value,
                        User.email != bench_seed.MANAGER_EMAIL,
                        ~sa.exists().where(Attempt.user_id == User.id),
                        ~sa.exists().where(Certificate.user_id == User.id),
                    )
                    .order_by(User.id)
                )
            )
            issue_runs = min(8, runs)
            takers = rng.sample(fresh, issue_runs + 1)
            db.session.execute(sa.delete(ModuleCompletion).where(ModuleCompletion.user_id.in_(takers)))
            db.session.execute(
                sa.insert(ModuleCompletion),
                [
                    {"user_id": u, "course_id": core.id, "module_slug": m.slug, "course_version_id": version.id}
                    for u in takers
                    for m in version.modules
                ],
            )
            taker_emails = [db.session.get(User, u).email for u in takers]
            correct = {  # the response each question's type grades right
                q.qid: question_type(q.type).right_response(q.correct)
                for q in db.session.scalars(sa.select(Question).where(Question.course_version_id == version.id))
            }
            # ~5,000 certificates for the ZIP: the newest core certificates, by issue date.
            cutoff = db.session.scalar(
                sa.select(Certificate.issued_at)
                .where(Certificate.course_id == core.id)
                .order_by(Certificate.issued_at.desc())
                .offset(ZIP_TARGET - 1)
                .limit(1)
            )
            zip_args = f"course={CORE}" + (f"&issued_from={cutoff:%Y-%m-%d}" if cutoff else "")
            auditor = db.session.scalar(sa.select(User).where(User.email == bench_seed.AUDITOR_EMAIL))
            spec = register.RegisterFilter.from_args(dict(p.split("=") for p in zip_args.split("&")))
            zip_count = db.session.scalar(
                sa.select(sa.func.count()).select_from(register.query(auditor, spec).subquery())
            )
            surname = "Otieno"
            search_hits = db.session.scalar(
                sa.select(sa.func.count()).select_from(
                    register.query(auditor, register.RegisterFilter(q=surname)).subquery()
                )
            )
            db.session.commit()

        anonymous = bench.client_for(None)
        learner = bench.client_for(learner_email)
        manager_client = bench.client_for(bench_seed.MANAGER_EMAIL)
        auditor_client = bench.client_for(bench_seed.AUDITOR_EMAIL)

        floor = bench.time("floor: one indexed SELECT", _get(anonymous, "/bench/floor"), runs=max(50, runs))
        bench.time("learner home", _get(learner, "/"))
        bench.time("module page", _get(learner, f"/courses/{CORE}/modules/{first_module}"))
        _time_languages(bench, learner, anonymous, serials_to_read)

        def take_quiz(n: int) -> None:
            client = bench.client_for(taker_emails[n + 1])
            started = client.post(f"/courses/{CORE}/quiz/start", data={})
            assert started.status_code == 302, started.status_code
            attempt_url = started.headers["Location"]
            attempt_id = int(attempt_url.rstrip("/").rsplit("/", 1)[-1])
            with app.app_context():
                drawn = db.session.scalar(sa.select(Attempt.drawn).where(Attempt.id == attempt_id))
            answers = {f"q-{entry['qid']}": correct[entry["qid"]] for entry in drawn}
            bench.counter.count = 0
            timer_start = time.perf_counter()
            response = client.post(f"/attempts/{attempt_id}", data=answers)
            issue_times.append(time.perf_counter() - timer_start)
            issue_queries.append(bench.counter.count)
            assert response.status_code == 302, response.status_code
            with app.app_context():
                assert db.session.scalar(sa.select(Certificate.id).where(Certificate.attempt_id == attempt_id))

        issue_times: list[float] = []
        issue_queries: list[int] = []
        take_quiz(-1)  # warm-up
        issue_times.clear()
        for n in range(issue_runs):
            take_quiz(n)
        bench.measures.append(
            Measure(
                "quiz submit + certificate issue",
                size,
                issue_runs,
                statistics.median(issue_times) * 1000,
                _p95(issue_times) * 1000,
                issue_queries[-1],
                {"note": "the timed POST grades and issues; the start and the lookups around it are not timed"},
            )
        )

        bench.time(
            "certificate download",
            lambda n: _get(manager_client, f"/certificates/{serials_to_read[max(n, 0) % len(serials_to_read)]}.pdf")(n),
        )
        bench.time(
            "verification page",
            lambda n: _get(anonymous, f"/verify/{serials_to_read[max(n, 0) % len(serials_to_read)]}")(n),
        )
        bench.time("manager dashboard", _get(manager_client, "/manage/"))
        bench.time("staff list page 2", _get(manager_client, "/manage/staff?page=2"))
        slow = max(3, runs // 3)
        bench.time("compliance CSV export", _get(manager_client, "/manage/export/compliance.csv"), runs=slow)
        bench.time("auditor overview", _get(auditor_client, "/audit/"))
        searched = bench.time("register search", _get(auditor_client, f"/audit/certificates?q={surname}"))
        searched.extra = {"query": surname, "matches": search_hits}
        zipped = bench.time("bulk ZIP", _get(auditor_client, f"/audit/certificates.zip?{zip_args}"), runs=3)
        zipped.extra = {
            "filter": zip_args,
            "certificates": zip_count,
            "certificates_per_second": zip_count / (zipped.median_ms / 1000),
        }
        memory["bulk ZIP"] = bench.peak_memory(lambda: _get(auditor_client, f"/audit/certificates.zip?{zip_args}")(0))
        memory["compliance CSV export"] = bench.peak_memory(
            lambda: _get(manager_client, "/manage/export/compliance.csv")(0)
        )
        _time_hostile_imports(bench, manager_client)
        _time_import(bench, manager_client, IMPORT_ROWS)  # last: it adds people
        return {
            "size": size,
            "seed_seconds": bench.seed_seconds,
            "seed_report": asdict(bench.report),
            "floor_select_ms": floor.median_ms,
            "measures": [asdict(m) for m in bench.measures],
            "peak_memory_bytes": memory,
        }
    finally:
        bench.close()


def _time_languages(bench: Bench, learner, anonymous, serials_to_read: list[str]) -> None:
    """The learner's home, a module page of the core course and a certificate's public verification page, each
    in English, Kiswahili and Arabic (asked for with Accept-Language; the bench's people and organizations set
    no language of their own). The languages take turns, request by request, so that a busy machine slows
    them alike; each page is checked to come out in the language asked for, its course texts translated."""
    pages: dict[str, tuple[Any, Callable[[int], str]]] = {
        "learner home": (learner, lambda n: "/"),
        "module page": (learner, lambda n: f"/courses/{CORE}/modules/{LANGUAGE_MODULE}"),
        "verification page": (anonymous, lambda n: f"/verify/{serials_to_read[max(n, 0) % len(serials_to_read)]}"),
    }
    runs = max(2 * bench.runs, 30)
    for page, (client, url) in pages.items():
        samples: dict[str, list[float]] = {code: [] for code in LANGUAGES}
        queries: dict[str, int] = {}
        for n in range(-1, runs):  # -1: one untimed warm-up in each language (a catalog's first load)
            for code in LANGUAGES[n % len(LANGUAGES) :] + LANGUAGES[: n % len(LANGUAGES)]:  # each goes first in turn
                bench.counter.count = 0
                started = time.perf_counter()
                response = client.get(url(n), headers={"Accept-Language": code})
                elapsed = time.perf_counter() - started
                assert response.status_code == 200, f"GET {url(n)} in {code} gave {response.status_code}"
                if n < 0:
                    _assert_language(response.get_data(as_text=True), code, course_texts=page == "module page")
                    continue
                samples[code].append(elapsed)
                queries[code] = bench.counter.count
        english = statistics.median(samples[LANGUAGES[0]])
        for code in LANGUAGES:
            median = statistics.median(samples[code])
            extra = {"page": page, "language": code, "ratio_to_english": median / english}
            p95 = _p95(samples[code]) * 1000
            measure = Measure(f"{page} ({code})", bench.size, runs, median * 1000, p95, queries[code], extra)
            bench.measures.append(measure)


def _assert_language(page: str, code: str, course_texts: bool) -> None:
    """The page is served in ``code`` and, for a module page, shows the course's texts in it (not English)."""
    assert f'<html lang="{code}"' in page, f"a page asked for in {code} came out in another language"
    if course_texts and code != LANGUAGES[0]:
        assert f'<strong lang="{code}" aria-current="true">' in page, f"the course texts are not shown in {code}"


def hostile_import_files() -> dict[str, bytes]:
    """The worst staff files the import's limits let through to the parser, and the file that once held a
    worker for 71 s (40,000 header columns), which the line limit now refuses before parsing."""
    from training.services import staff_import

    header = ",".join(staff_import.TEMPLATE_COLUMNS)
    budget = staff_import.MAX_IMPORT_BYTES - len(header) - 2
    widest_line = "x" + "," * (staff_import.MAX_LINE_CHARACTERS - 2)  # 9,999 cells, each row rejected
    widest_header = header + "," * (staff_import.MAX_IMPORT_COLUMNS - len(staff_import.TEMPLATE_COLUMNS))
    return {
        "import: 40,000 columns (refused)": ",".join(f"c{n}" for n in range(40_000)).encode() + b"\r\n",
        "import: 1 MiB of 10,000-cell lines": (
            header + "\r\n" + "\r\n".join([widest_line] * (budget // (len(widest_line) + 2)))
        ).encode(),
        "import: 50 columns, 5,000 rows": (
            widest_header + "\r\n" + "\r\n".join(f"p{n}@example.test,P {n},,gate,NBO" + "," * 45 for n in range(5_000))
        ).encode(),
    }


def _time_hostile_imports(bench: Bench, client) -> None:
    """Previews of the worst files the import's limits allow: each must be refused or rejected quickly."""
    import io

    for name, data in hostile_import_files().items():

        def preview(_: int, data: bytes = data) -> None:
            upload = {"file": (io.BytesIO(data), "staff.csv")}
            response = client.post("/manage/staff/import", data=upload, content_type="multipart/form-data")
            assert response.status_code < 500, response.status_code

        bench.time(name, preview, runs=3).extra = {"bytes": len(data)}


def _time_import(bench: Bench, client, rows: int) -> None:
    """A staff import of ``rows`` new people through the routes, timed once: the preview, then the confirmation
    (which creates them, their requirement rows and their invitation links)."""
    import csv
    import io
    import re

    from training.services import staff_import

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(staff_import.TEMPLATE_COLUMNS)
    writer.writerows([f"import{n}@bench.test", f"Imported Person {n}", f"IMP-{n}", "gate", "NBO"] for n in range(rows))
    data = out.getvalue().encode()
    steps: dict[str, Any] = {}

    def preview(_: int) -> None:
        response = client.post(
            "/manage/staff/import", data={"file": (io.BytesIO(data), "staff.csv")}, content_type="multipart/form-data"
        )
        page = response.get_data(as_text=True)
        assert response.status_code == 200, response.status_code
        steps["url"] = re.search(r'action="(/manage/staff/import/\d+/confirm)"', page).group(1)
        steps["fingerprint"] = re.search(r'name="fingerprint"[^>]*value="([0-9a-f]{64})"', page).group(1)

    def confirm(_: int) -> None:
        response = client.post(steps["url"], data={"fingerprint": steps["fingerprint"]})
        assert response.status_code == 200, response.status_code
        assert f"<strong>{rows}</strong> new people" in response.get_data(as_text=True)

    for name, step in (
        (f"staff import of {rows:,}: preview", preview),
        (f"staff import of {rows:,}: confirm", confirm),
    ):
        bench.counter.count = 0
        started = time.perf_counter()
        step(0)
        elapsed = (time.perf_counter() - started) * 1000
        bench.measures.append(Measure(name, bench.size, 1, elapsed, elapsed, bench.counter.count, {"rows": rows}))


def weasyprint_floor(runs: int) -> list[float]:
    import weasyprint

    weasyprint.HTML(string="<p>One line.</p>").write_pdf()  # warm-up: fonts and caches
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        weasyprint.HTML(string="<p>One line.</p>").write_pdf()
        samples.append(time.perf_counter() - started)
    return samples


def _check_targets(results: list[dict[str, Any]], weasy_ms: float) -> list[dict[str, Any]]:
    largest = max(results, key=lambda r: r["size"])
    by_op = {m["operation"]: m for m in largest["measures"]}
    floor = largest["floor_select_ms"]
    checks = []

    def check(name: str, value: float, limit: float, unit: str = "ms", at_least: bool = False) -> None:
        met = value >= limit if at_least else value <= limit
        checks.append({"target": name, "value": round(value, 1), "limit": round(limit, 1), "unit": unit, "met": met})

    size = largest["size"]
    for op in ("manager dashboard", "auditor overview"):
        check(f"{op} at {size} ≤ 3 × SELECT floor + 100 ms", by_op[op]["median_ms"], 3 * floor + 100)
    for op in ("certificate download", "verification page"):
        check(f"{op} at {size} ≤ 2 × SELECT floor", by_op[op]["median_ms"], 2 * floor)
    check(
        f"certificate issue at {size} ≤ 1.5 × WeasyPrint floor",
        by_op["quiz submit + certificate issue"]["median_ms"],
        1.5 * weasy_ms,
    )
    zipped = by_op.get("bulk ZIP")
    if zipped:
        check(
            f"bulk ZIP at {size} ≥ 2,000 certificates/s",
            zipped["extra"]["certificates_per_second"],
            2000,
            unit="cert/s",
            at_least=True,
        )
    if len(results) > 1:
        for op in LIST_PAGES:
            counts = [next(m["queries"] for m in r["measures"] if m["operation"] == op) for r in results]
            checks.append(
                {
                    "target": f"{op}: query count independent of size",
                    "value": counts,
                    "limit": "equal",
                    "unit": "queries",
                    "met": len(set(counts)) == 1,
                }
            )
    for result in results:
        for m in _language_measures(result):
            if m["extra"]["language"] != LANGUAGES[0]:
                checks.append(
                    {
                        "target": f"{m['operation']} at {result['size']} ≤ {LANGUAGE_LIMIT} × English",
                        "value": round(m["extra"]["ratio_to_english"], 2),
                        "limit": LANGUAGE_LIMIT,
                        "unit": "× English",
                        "met": m["extra"]["ratio_to_english"] <= LANGUAGE_LIMIT,
                    }
                )
    return checks


def _language_measures(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [m for m in result["measures"] if "language" in m["extra"]]


def main() -> None:
    started = time.perf_counter()
    sizes = [int(s) for s in os.environ.get("BENCH_SIZES", "1000,20000").split(",") if s.strip()]
    runs = int(os.environ.get("BENCH_RUNS", "15"))
    organizations = int(os.environ.get("BENCH_ORGANIZATIONS", "12"))
    weasy = weasyprint_floor(runs)
    weasy_ms = statistics.median(weasy) * 1000
    results = [run_size(size, organizations, runs) for size in sizes]
    checks = _check_targets(results, weasy_ms)
    total = time.perf_counter() - started

    database = "PostgreSQL" if os.environ.get("BENCH_DATABASE_URL", "").strip() else "SQLite"
    print(f"\nDatabase: {database}")
    floors = ", ".join(f"{r['floor_select_ms']:.2f} ms at {r['size']}" for r in results)
    print(f"\nFloors: one indexed SELECT through Flask {floors}; WeasyPrint one-line page {weasy_ms:.1f} ms")
    header = (
        f"{'operation':<34} {'staff':>6} {'runs':>4} {'median ms':>10} {'p95 ms':>9} {'SQL':>5} {'×SELECT':>8} "
        f"{'×Weasy':>7}"
    )
    print(header)
    print("-" * len(header))
    for result in results:
        for m in result["measures"]:
            ratio_select, ratio_weasy = m["median_ms"] / result["floor_select_ms"], m["median_ms"] / weasy_ms
            print(
                f"{m['operation']:<34} {m['size']:>6} {m['runs']:>4} {m['median_ms']:>10.1f} {m['p95_ms']:>9.1f} "
                f"{m['queries']:>5} {ratio_select:>8.1f} {ratio_weasy:>7.2f}"
            )
    if len(results) > 1:
        print("\nSQL statements per request on the list pages, by size:")
        print(f"{'page':<24} " + " ".join(f"{r['size']:>7}" for r in results))
        for op in LIST_PAGES:
            counts = [next(m["queries"] for m in r["measures"] if m["operation"] == op) for r in results]
            flag = "" if len(set(counts)) == 1 else "  <- differs"
            print(f"{op:<24} " + " ".join(f"{c:>7}" for c in counts) + flag)
    print("\nPages by language (Accept-Language; the languages take turns): median ms, and × the English median")
    print(f"{'page':<20} {'staff':>6} " + " ".join(f"{code:>14}" for code in LANGUAGES))
    for result in results:
        by_page: dict[str, dict[str, dict[str, Any]]] = {}
        for m in _language_measures(result):
            by_page.setdefault(m["extra"]["page"], {})[m["extra"]["language"]] = m
        for page, measures in by_page.items():
            cells = [
                f"{measures[code]['median_ms']:>6.1f} ({measures[code]['extra']['ratio_to_english']:.2f}×)"
                for code in LANGUAGES
            ]
            print(f"{page:<20} {result['size']:>6} " + " ".join(f"{cell:>14}" for cell in cells))
    print("\nBulk ZIP and peak memory (tracemalloc, one request):")
    for result in results:
        zipped = next(m for m in result["measures"] if m["operation"] == "bulk ZIP")
        mem = result["peak_memory_bytes"]
        print(
            f"  {result['size']:>6} staff: ZIP of {zipped['extra']['certificates']} certificates, "
            f"{zipped['extra']['certificates_per_second']:.0f}/s; peak memory ZIP {mem['bulk ZIP'] / 2**20:.1f} MiB, "
            f"CSV export {mem['compliance CSV export'] / 2**20:.1f} MiB"
        )
    print("\nTargets:")
    for c in checks:
        print(f"  {'met   ' if c['met'] else 'MISSED'}  {c['target']}: {c['value']} {c['unit']} (limit {c['limit']})")
    seeds = ", ".join(f"{r['size']} staff in {r['seed_seconds']:.1f} s" for r in results)
    print(f"\nbench-seed: {seeds}")
    print(f"Total time: {total:.0f} s")

    RESULTS.mkdir(parents=True, exist_ok=True)
    suffix = "-postgresql" if database == "PostgreSQL" else ""
    out = RESULTS / f"bench-{datetime.now(UTC):%Y-%m-%d}{suffix}.json"
    out.write_text(
        json.dumps(
            {
                "when": datetime.now(UTC).isoformat(timespec="seconds"),
                "machine": {
                    "python": platform.python_version(),
                    "cpus": os.cpu_count(),
                    "platform": platform.platform(),
                },
                "database": database,
                "weasyprint_floor_ms": weasy_ms,
                "results": results,
                "targets": checks,
                "total_seconds": total,
            },
            indent=2,
            default=str,
        )
    )
    print(f"Written to {out.relative_to(Path.cwd()) if out.is_relative_to(Path.cwd()) else out}")


if __name__ == "__main__":
    main()
