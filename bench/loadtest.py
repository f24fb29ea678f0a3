"""Load test from scratch: a throwaway database and server, locust headless, a summary, a verdict.

    make loadtest                                 # 200 users, 20 started a second, for 90 seconds, on SQLite
    make loadtest USERS=50 DURATION=30s           # smaller
    LOADTEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/loadtest make loadtest   # an empty database

Creates a temporary folder with a SQLite database (or uses LOADTEST_DATABASE_URL, which it leaves as it
is afterwards), a signing key and the accounts; runs the migrations, loads the content, seeds the demo and
the load-test accounts (bench/loadtest_seed.py), starts gunicorn on a free port of 127.0.0.1, runs
bench/locustfile.py, stops gunicorn and writes bench/results/loadtest-<date>-<database>.md (locust's CSV
files and output, gunicorn's error and access logs beside it, in a folder of the same name). Exits 1 if
a request got a status its page should not answer, a consistency check failed or the server logged an
error. The project's instance/ folder is never used.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
BIN = Path(sys.executable).parent
DEFAULT_REDIS = "redis://127.0.0.1:6379/13"  # database 13: the load test's own (the tests use 15)

# Throttles that a load test from one address would trip: raised for the run unless set in the environment.
RUN_SETTINGS = {
    "LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS": "100/15 minutes",
    "LOGIN_FAILURES_PER_ACCOUNT": "100/15 minutes",
    "LOGIN_FAILURES_PER_IP": "100000/15 minutes",
    "VERIFY_RATE_LIMIT": "100000 per minute",
}
# Longer than any pause between a simulated user's requests: with gunicorn's default of 2 s, a POST sent on
# an idle connection just as gunicorn closes it fails with "connection closed" (browsers retry; locust does not).
KEEP_ALIVE_SECONDS = 10
SERVER_ERROR_MARKS = ("Traceback (most recent call last)", " ERROR ", "[CRITICAL]", "WORKER TIMEOUT")


@dataclass(frozen=True)
class Options:
    users: int
    spawn_rate: float
    duration: str
    workers: int
    threads: int
    database_url: str
    storage_uri: str
    keep: bool


def _options() -> Options:
    env = os.environ.get
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=int(env("USERS") or 200))
    parser.add_argument("--spawn-rate", type=float, default=float(env("SPAWN_RATE") or 20))
    parser.add_argument("--duration", default=env("DURATION") or "90s", help="locust's run time, e.g. 90s or 5m")
    parser.add_argument("--workers", type=int, default=int(env("LOADTEST_WORKERS") or 3), help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=int(env("LOADTEST_THREADS") or 2), help="threads per worker")
    parser.add_argument("--database-url", default=env("LOADTEST_DATABASE_URL") or "", help="default: SQLite, temporary")
    parser.add_argument(
        "--storage-uri", default=env("LOADTEST_RATELIMIT_STORAGE_URI") or "", help=f"default: {DEFAULT_REDIS}"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (database, accounts)")
    args = parser.parse_args()
    return Options(
        args.users,
        args.spawn_rate,
        args.duration,
        args.workers,
        args.threads,
        args.database_url,
        args.storage_uri or _default_storage(),
        args.keep,
    )


def _default_storage() -> str:
    """Redis when it answers on 127.0.0.1:6379, so every worker shares the counts; otherwise per process."""
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        print("loadtest: no Redis on 127.0.0.1:6379, throttling counts are kept per worker (memory://)")
        return "memory://"
    return DEFAULT_REDIS


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run(command: list[str], env: dict[str, str]) -> None:
    print("loadtest: $", " ".join(Path(command[0]).name if i == 0 else c for i, c in enumerate(command)), flush=True)
    subprocess.run(command, cwd=ROOT, env=env, check=True)  # noqa: S603 — our own tools, no shell


def _wait_until_up(url: str, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn exited while starting; see its log")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:  # noqa: S310 — our own server
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"gunicorn did not answer {url}/healthz within {seconds:.0f} seconds")


def _stop(server: subprocess.Popen) -> None:
    """Graceful stop of the gunicorn master we started (it stops its workers), forced after 30 seconds."""
    if server.poll() is not None:
        return
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def _children_cpu() -> float:
    """CPU seconds used so far by finished child processes (gunicorn's workers count once it has stopped)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _database_kind(url: str) -> str:
    return "postgresql" if url.startswith("postgres") else "sqlite"


def _mix(report: dict) -> str:
    weights = report.get("user_weights") or {}
    total = sum(weights.values()) or 1
    return ", ".join(f"{name.lower()}s {100 * weight / total:.0f} %" for name, weight in weights.items())


ACCESS_LINE = re.compile(r'"(?P<method>[A-Z]+) (?P<path>\S+)[^"]*" (?P<status>\d{3}) \S+ (?P<seconds>[\d.]+)s$')


def _server_times(access_log: Path) -> str:
    """Time spent inside gunicorn per request (queueing for a worker thread excluded), from its access log."""
    every, sign_ins = [], []
    for line in access_log.read_text(errors="replace").splitlines() if access_log.exists() else []:
        match = ACCESS_LINE.search(line)
        if match:
            ms = float(match["seconds"]) * 1000
            every.append(ms)
            if match["method"] == "POST" and match["path"].startswith("/login"):
                sign_ins.append(ms)
    if not every:
        return "no access log"

    def spread(samples: list[float]) -> str:
        ordered = sorted(samples)
        return f"median {statistics.median(ordered):.0f} ms, p95 {ordered[int(0.95 * (len(ordered) - 1))]:.0f} ms"

    text = f"time inside the server (access log, without waiting for a worker thread): {spread(every)}"
    if sign_ins:
        text += f"; sign-ins alone {spread(sign_ins)}, {sum(sign_ins) / 1000:.0f} thread-seconds in all"
    return text


def _table(rows: list[dict]) -> list[str]:
    """Markdown rows: one per request name, the last one (locust's aggregate) in bold."""
    lines = [
        "| request | page | requests | failures | median | p95 | p99 | max | req/s |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for row in rows:
        name = "**all**" if row is rows[-1] else f"`{row['name']}`"
        lines.append(
            f"| {row['method']} | {name} | {row['requests']} | {row['failures']} | {row['median'] or 0:.0f}"
            f" | {row['p95'] or 0:.0f} | {row['p99'] or 0:.0f} | {row['max'] or 0:.0f} | {row['rps']:.2f} |"
        )
    return lines


def _summary(options: Options, outdir: Path, locust_code: int, started: datetime, machine: str) -> tuple[str, bool]:
    """The Markdown summary and whether the run passed."""
    stats_json, server_log, access_log = outdir / "statistics.json", outdir / "server.log", outdir / "access.log"
    report = json.loads(stats_json.read_text()) if stats_json.exists() else {}
    rows, failures, exceptions = report.get("requests", []), report.get("failures", []), report.get("exceptions", [])
    log_lines = server_log.read_text(errors="replace").splitlines() if server_log.exists() else []
    server_errors = [line for line in log_lines if any(mark in line for mark in SERVER_ERROR_MARKS)]
    locked = sum("database is locked" in line for line in log_lines)
    total = rows[-1] if rows else {"requests": 0, "failures": 0, "rps": 0.0}
    passed = bool(rows) and total["failures"] == 0 and not exceptions and not server_errors and locust_code == 0

    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607 — git from PATH, fixed arguments
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    lines = [
        f"# Load test, {started:%Y-%m-%d %H:%M} UTC: {'passed' if passed else 'FAILED'}",
        "",
        f"- {options.users} users, {options.spawn_rate:g} started a second, for {options.duration}: {_mix(report)}",
        f"- {_database_kind(options.database_url)}; gunicorn {options.workers} workers × {options.threads} threads"
        f" on 127.0.0.1; throttling counts in {options.storage_uri.split('://')[0]}",
        f"- machine: {os.cpu_count()} CPUs, Python {platform.python_version()}; {machine}",
        f"- commit {commit or 'unknown'} (plus any uncommitted changes)",
        f"- {total['requests']} requests, {total['failures']} failed, {total['rps']:.1f} requests/s;"
        f" server log: {len(server_errors)} error lines, {locked} 'database is locked'",
        f"- {_server_times(access_log)}",
        "",
        "Times in milliseconds. A request answered with a status its page should not answer is a failure;"
        " CHECK rows are consistency checks (e.g. a double click must not open two quiz attempts).",
        "",
        "## The whole run",
        "",
        *_table(rows),
    ]
    if report.get("steady"):
        lines += [
            "",
            f"## After every user had signed in ({report['steady_after_seconds']} s in, to the end)",
            "",
            *_table(report["steady"]),
        ]
    if failures:
        lines += ["", "## Failures", "", "| request | page | error | occurrences |", "|---|---|---|--:|"]
        lines += [f"| {f['method']} | `{f['name']}` | {f['error']} | {f['occurrences']} |" for f in failures]
    if exceptions:
        lines += ["", "## Exceptions in the locustfile", ""]
        lines += [f"- {e['count']} × {e['message']}" for e in exceptions]
    if server_errors:
        lines += ["", "## Server log errors (first 20)", "", "```", *server_errors[:20], "```"]
    if not rows:
        lines += ["", "locust wrote no statistics; see its output beside this file."]
    elif locust_code and not total["failures"]:
        lines += ["", f"locust exited with code {locust_code}; see its output beside this file."]
    return "\n".join(lines) + "\n", passed


def main() -> int:
    options = _options()
    started = datetime.now(UTC)
    workdir = Path(tempfile.mkdtemp(prefix="loadtest-"))
    database_url = options.database_url or f"sqlite:///{workdir / 'loadtest.db'}"
    options = Options(**{**options.__dict__, "database_url": database_url})
    stamp = f"loadtest-{started:%Y-%m-%d-%H%M}-{_database_kind(database_url)}"
    outdir = RESULTS / stamp
    outdir.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"

    sys.path.insert(0, str(ROOT))
    from training.services import signing

    key_file, cert_file = signing.ensure_local_key(workdir / "signing", "Recognize & Report load test")
    env = {
        **os.environ,
        "APP_ENV": "development",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "DATABASE_URL": database_url,
        "BASE_URL": url,
        "SIGNING_KEY_FILE": str(key_file),
        "SIGNING_CERT_FILE": str(cert_file),
        "SIGNING_KEY_PASSWORD": "",
        "RATELIMIT_STORAGE_URI": options.storage_uri,
        "MAIL_SERVER": "",
        "PROXY_COUNT": "0",
        "PYTHONPATH": str(ROOT),
        "LOADTEST_ACCOUNTS": str(workdir / "accounts.json"),
        "LOADTEST_STATS_JSON": str(outdir / "statistics.json"),
    }
    for name, value in RUN_SETTINGS.items():
        env[name] = os.environ.get(name) or value
    print(f"loadtest: working in {workdir}; {_database_kind(database_url)} database; results in {outdir}", flush=True)

    flask = [str(BIN / "flask"), "--app", "app"]
    _run([*flask, "db", "upgrade"], env)
    _run([*flask, "load-content"], env)
    support = max(5, options.users // 10)
    _run(
        [
            sys.executable,
            "-m",
            "bench.loadtest_seed",
            "--out",
            env["LOADTEST_ACCOUNTS"],
            "--learners",
            str(max(options.users, 10)),
            "--managers",
            str(support),
            "--auditors",
            str(support),
        ],
        env,
    )

    server_log = outdir / "server.log"
    with server_log.open("w") as log:
        server = subprocess.Popen(  # noqa: S603 — our own gunicorn
            [
                str(BIN / "gunicorn"),
                "--workers",
                str(options.workers),
                "--threads",
                str(options.threads),
                "--bind",
                f"127.0.0.1:{port}",
                "--no-control-socket",
                "--graceful-timeout",
                "20",
                "--keep-alive",
                str(KEEP_ALIVE_SECONDS),
                "--access-logfile",
                str(outdir / "access.log"),
                "--access-logformat",
                '%(t)s "%(r)s" %(s)s %(b)s %(L)ss',
                "app:app",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    locust_code, locust_cpu, wall = 1, 0.0, 0.0
    load_before = os.getloadavg()[0]
    cpu_before = _children_cpu()
    try:
        _wait_until_up(url, server)
        print(f"loadtest: gunicorn (pid {server.pid}) answers on {url}; starting locust", flush=True)
        wall = time.monotonic()
        with (outdir / "locust-output.txt").open("w") as output:
            locust = subprocess.run(  # noqa: S603 — our own locust
                [
                    str(BIN / "locust"),
                    "-f",
                    str(ROOT / "bench" / "locustfile.py"),
                    "--headless",
                    "--users",
                    str(options.users),
                    "--spawn-rate",
                    f"{options.spawn_rate:g}",
                    "--run-time",
                    options.duration,
                    "--stop-timeout",
                    "15",
                    "--host",
                    url,
                    "--csv",
                    str(outdir / "locust"),
                    "--only-summary",
                    "--loglevel",
                    "WARNING",
                ],
                cwd=ROOT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                check=False,
            )
        locust_code = locust.returncode
        wall = time.monotonic() - wall
        locust_cpu = _children_cpu() - cpu_before
        print((outdir / "locust-output.txt").read_text()[-6000:])
    finally:
        _stop(server)
    server_cpu = _children_cpu() - cpu_before - locust_cpu
    machine = (
        f"load average {load_before:.1f} before the run; CPU seconds used in {wall:.0f} s:"
        f" server {server_cpu:.0f}, locust {locust_cpu:.0f}"
    )
    text, passed = _summary(options, outdir, locust_code, started, machine)
    summary = RESULTS / f"{stamp}.md"
    summary.write_text(text)
    print(text)
    print(f"loadtest: summary in {summary.relative_to(ROOT)}; {'passed' if passed else 'FAILED'}")
    if options.keep:
        print(f"loadtest: kept {workdir}")
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
