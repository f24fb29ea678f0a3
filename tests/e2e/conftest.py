"""Real-browser journeys: the app served over HTTP, driven by Chromium through Playwright, every page checked with axe.

Chromium comes from Debian (``/usr/bin/chromium``, installed with apt when missing and running as root) and
axe-core from npm (``npm ci`` when ``node_modules`` lacks it); no browser is ever downloaded. The server runs
in a background thread over the session's ``app`` and its database, so the autouse ``_clean`` fixture empties
the database after each journey as after any test: each journey seeds the demo again (``demo_world``).
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from flask import Flask
from PIL import Image
from playwright.sync_api import Browser, Page, ViewportSize, expect, sync_playwright
from werkzeug.serving import WSGIRequestHandler, make_server

from training.extensions import db
from training.services import content_loader, demo
from training.web.settings import certificate_settings

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium tries to reach the internet (updates, sync, field trials).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# Test runs write screenshots under build/ (not tracked); `make screenshots` refreshes the README's.
SCREENSHOTS = Path(os.environ.get("E2E_SCREENSHOTS") or ROOT / "build" / "screenshots")
PHONE = ViewportSize(width=390, height=844)
DESKTOP = ViewportSize(width=1280, height=900)
FAILING_IMPACTS = {"serious", "critical"}
TIMEOUT_MS = 15_000  # for actions and assertions alike: the machine running the suite may be busy
expect.set_options(timeout=TIMEOUT_MS)

# What the Content-Security-Policy (no inline scripts or styles) would block; see `check_accessibility`.
_CSP_BLOCKED_JS = """() => [...document.querySelectorAll(
    'script:not([src]), style, [style], [onclick], [onload], [onerror], [onsubmit], [onchange], [oninput]'
)].map((element) => element.outerHTML.slice(0, 160))"""


def _run(command: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 — fixed commands, no shell
        command, cwd=ROOT, capture_output=True, text=True, check=False, env={**os.environ, **env}
    )


@pytest.fixture(scope="package")
def chromium() -> Path:
    """Debian's Chromium, installed with apt when it is missing."""
    if CHROMIUM.exists():
        return CHROMIUM
    apt = shutil.which("apt-get")
    if apt is None or os.geteuid() != 0:
        pytest.skip(f"no Chromium at {CHROMIUM}; install it as root with: apt-get install -y chromium")
    install = [apt, "install", "-y", "chromium"]
    done = _run(install, DEBIAN_FRONTEND="noninteractive")
    if done.returncode != 0:  # the package lists may be missing or stale
        _run([apt, "update"], DEBIAN_FRONTEND="noninteractive")
        done = _run(install, DEBIAN_FRONTEND="noninteractive")
    if done.returncode != 0 or not CHROMIUM.exists():
        pytest.fail(f"apt-get install chromium failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return CHROMIUM


@pytest.fixture(scope="package")
def axe_script() -> Path:
    """axe-core as pinned in package-lock.json, installed with ``npm ci`` when missing."""
    if not AXE.exists():
        npm = shutil.which("npm")
        if npm is None:
            pytest.skip("npm is needed to install axe-core for the accessibility checks")
        done = _run([npm, "ci", "--no-audit", "--no-fund"])
        if done.returncode != 0 or not AXE.exists():
            pytest.fail(f"npm ci failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return AXE


class _QuietHandler(WSGIRequestHandler):
    """No access log line per request (errors are still logged)."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


@pytest.fixture(scope="package")
def live_server(app: Flask) -> Iterator[str]:
    """The session's app served over HTTP on a free port; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="e2e-server", daemon=True)
    thread.start()
    address = f"http://127.0.0.1:{server.server_port}"
    # Links point where the browser is (and the admin sees no notice that they do not).
    base_url, app.config["BASE_URL"] = app.config["BASE_URL"], address
    yield address
    app.config["BASE_URL"] = base_url
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


@pytest.fixture(scope="package")
def browser(chromium: Path) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def _page(browser: Browser, base_url: str, viewport: ViewportSize) -> Iterator[Page]:
    # The app's CSP allows no inline scripts, and add_script_tag injects axe as an inline <script>, which
    # Chromium then refuses. So the context bypasses the CSP, and `check_accessibility` checks instead that
    # each page has nothing the CSP would block.
    context = browser.new_context(base_url=base_url, viewport=viewport, bypass_csp=True, accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def phone(browser: Browser, live_server: str, axe_script: Path) -> Iterator[Page]:
    """A page in a fresh browser context the size of a phone (390 x 844)."""
    yield from _page(browser, live_server, PHONE)


@pytest.fixture
def desktop(browser: Browser, live_server: str, axe_script: Path) -> Iterator[Page]:
    """A page in a fresh browser context the size of a desktop screen (1280 x 900)."""
    yield from _page(browser, live_server, DESKTOP)


@pytest.fixture
def demo_world(app: Flask) -> None:
    """The real courses and the demo organizations, people and history, as ``make run`` sets them up."""

    def seed() -> None:
        with app.app_context():
            report = content_loader.load_content(ROOT)
            assert report.ok, report.problems
            demo.seed_demo(certificate_settings())
            db.session.remove()

    # Playwright's sync API keeps an asyncio loop running in this thread, and signing the demo's
    # certificates calls asyncio.run(), which refuses to run inside one: seed from another thread.
    with ThreadPoolExecutor(max_workers=1) as worker:
        worker.submit(seed).result()


# --- helpers the journeys share ---------------------------------------------------------------


def check_accessibility(page: Page, name: str) -> None:
    """Run axe on the page as shown; fail on any serious or critical violation, naming rule, help and nodes.

    The browser context bypasses the CSP (see `_page`), so this also fails on anything the CSP would block
    for real users: inline scripts, inline styles and event-handler attributes.
    """
    page.wait_for_load_state("load")
    blocked = page.evaluate(_CSP_BLOCKED_JS)
    assert not blocked, f"{name} ({page.url}): the Content-Security-Policy would block: {blocked}"
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=AXE).evaluate("script => script.remove()")  # axe stays; the page is as it was
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    failures = [v for v in results["violations"] if v["impact"] in FAILING_IMPACTS]
    if failures:
        lines = [f"{name} ({page.url}): {len(failures)} serious or critical accessibility violation(s)"]
        for violation in failures:
            lines.append(f"- {violation['id']} [{violation['impact']}]: {violation['help']} ({violation['helpUrl']})")
            lines += [f"    {', '.join(map(str, node['target']))}" for node in violation["nodes"]]
        pytest.fail("\n".join(lines))


def screenshot(page: Page, name: str, *, full_page: bool = False) -> None:
    """Save <SCREENSHOTS>/<name>.png, in 256 colours (a third of the size, the same to the eye)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    png = page.screenshot(full_page=full_page, animations="disabled")
    with Image.open(io.BytesIO(png)) as image:
        image.convert("RGB").quantize(256, method=Image.Quantize.FASTOCTREE).save(
            SCREENSHOTS / f"{name}.png", optimize=True
        )


def sign_in(page: Page, email: str, password: str = demo.DEMO_PASSWORD) -> None:
    """Sign in through the form, checking the sign-in page on the way."""
    page.goto("/login")
    check_accessibility(page, "sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every browser journey is slow: `make test-fast` leaves them out, `make test` runs them."""
    for item in items:
        if "tests/e2e/" in str(item.path).replace(os.sep, "/"):
            item.add_marker(pytest.mark.slow)
