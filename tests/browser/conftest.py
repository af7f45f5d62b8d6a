"""The real app in headless Chromium: one Streamlit server and one browser per session, a new context per test.

The server runs ``streamlit run app.py`` (the dashboard with its sign-in routes) on a free port with
``PPD_STORE_DIR`` set to a throw-away folder (seeded with the illustrative demo on first use) holding one local
account per role (``ACCOUNTS``, with a password made for the run); a new context is signed in as the programme
manager unless a test asks for one that is not. The server is stopped, with its whole process group, whatever
happens. Debian's chromium at /usr/bin/chromium is required: when it is missing the tests fail and say how
to install it; a browser is never downloaded.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from indicators.access.identity import Identity
from indicators.store import Store

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
PASSWORD = secrets.token_urlsafe(18)  # made for this run, never a known password
ACCOUNTS = {role: f"{role}@example.org" for role in ("analyst", "manager", "donor", "admin")}
STARTUP_TIMEOUT_S = 60
RUN_TIMEOUT_MS = 45_000
CHART = '[data-testid="stPlotlyChart"]'

# The app's pages: the title shown in the navigation, and whether the page draws at least one chart on the
# demo data. URL paths are read from the navigation's links (``page_urls``), so a renamed path breaks nothing.
PAGES: tuple[tuple[str, bool], ...] = (
    ("Overview", True),
    ("Beneficiary", True),
    ("Indicator", True),
    ("Work plan", True),
    ("Semester review", True),
    ("Upload", False),
    ("Review", False),
    ("Method", False),
    ("Reports", False),
)

# Console errors Streamlit itself may log that say nothing about the app. Each entry: (pattern, why allowed).
CONSOLE_ALLOW: tuple[tuple[str, str], ...] = (
    # Opened at a page's own URL (/work-plan), Streamlit's frontend finds the server's base path by asking
    # <page URL>/_stcore/health and /_stcore/host-config first; the 404 answers are how it learns the app is
    # served from /. Only these two endpoints, only 404, and only under one path segment.
    (
        r"status of 404 \(Not Found\) @ \{'url': 'http://127\.0\.0\.1:\d+/[\w-]+/_stcore/(health|host-config)'",
        "Streamlit's base-path discovery when a page is opened by its own URL",
    ),
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


@dataclass
class App:
    """The running app: its base URL, its store folder and the server's log file."""

    url: str
    store_dir: Path
    log: Path
    process: subprocess.Popen | None = field(default=None, repr=False)

    def stop(self) -> None:
        """Stop this server now (as a crash or a maintenance stop would), with its whole process group."""
        if self.process is not None:
            _stop(self.process)

    def store(self) -> Store:
        """The app's store, opened from the test process (the same files the server uses)."""
        return Store(self.store_dir)


@pytest.fixture(scope="session")
def app(browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    """The app served by ``streamlit run`` on a free port with a throw-away store; stopped whatever happens.
    Depends on ``browser`` so that a missing chromium fails the tests before any server starts."""
    folder = tmp_path_factory.mktemp("browser-app")
    for role, email in ACCOUNTS.items():
        Store(folder / "store").accounts.add(Identity("tests", "admin", "cli"), email, role, password=PASSWORD)
    with serve(folder) as running:
        yield running


@contextlib.contextmanager
def serve(folder: Path, *, port: int | None = None, options: Mapping[str, str] = {}, **settings: str) -> Iterator[App]:  # noqa: B006
    """``streamlit run app.py`` on ``port`` (a free one when None) with the store in ``folder/store``, these
    settings (PPD_ names without the prefix) and these Streamlit config options (e.g. ``{"secrets.files": path}``);
    stopped, with its whole process group, whatever happens."""
    store_dir, log = folder / "store", folder / "streamlit.log"
    port = port or _free_port()
    env = {**os.environ, "PPD_STORE_DIR": str(store_dir), "PYTHONUNBUFFERED": "1"}
    env |= {f"PPD_{name}": value for name, value in settings.items()}
    command = [
        *(sys.executable, "-m", "streamlit", "run", "app.py"),
        *("--server.port", str(port), "--server.address", "127.0.0.1"),
        *("--server.headless", "true", "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"),
        *(arg for name, value in options.items() for arg in (f"--{name}", value)),
    ]
    url = f"http://127.0.0.1:{port}"
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            deadline = time.monotonic() + STARTUP_TIMEOUT_S
            while not _healthy(url):
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"streamlit did not become healthy at {url}:\n{log.read_text()[-3000:]}")
                time.sleep(0.25)
            yield App(url, store_dir, log, process)
        finally:
            _stop(process)


def _stop(process: subprocess.Popen) -> None:
    """Stop the server's whole process group (Streamlit and any parsing workers): TERM, then KILL."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator:
    """One headless Debian chromium for the session; the tests fail (never skip) when it is missing."""
    if not (CHROMIUM.exists() and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(
            f"The browser tests need Debian's chromium at {CHROMIUM}: run 'sudo apt-get install chromium' "
            "(or 'make test', which installs it), then run the tests again.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class Console:
    """Errors the page reported: console messages of type error and uncaught page errors."""

    errors: list[str] = field(default_factory=list)

    def unexpected(self) -> list[str]:
        """The errors not covered by CONSOLE_ALLOW."""
        return [e for e in self.errors if not any(re.search(p, e) for p, _ in CONSOLE_ALLOW)]


def watch(page) -> Console:
    """Collect the page's console errors and page errors from now on."""
    console = Console()
    page.on(
        "console", lambda m: console.errors.append(f"console: {m.text} @ {m.location}") if m.type == "error" else None
    )
    page.on("pageerror", lambda e: console.errors.append(f"pageerror: {e}"))
    return console


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so fixtures can tell whether the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def sign_in(page, email: str, password: str = PASSWORD) -> None:
    """Sign in through the app's sign-in form, as a person would, and wait for the app to be shown."""
    page.get_by_role("textbox", name="Email").fill(email)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.locator('[data-testid="stSidebar"]').get_by_text(email).wait_for()
    wait_for_app(page)


@pytest.fixture(scope="session")
def manager_state(app: App, browser) -> dict:
    """A browser storage state (the session cookie) of the programme manager, signed in once for the run."""
    for attempt in range(3):  # a fixture's failure is cached for the whole run: try the sign-in again first
        context = browser.new_context()
        try:
            page = context.new_page()
            goto(page, app.url + "/")
            sign_in(page, ACCOUNTS["manager"])
            for _ in range(100):  # the session cookie is set by the sign-in route, just after the page
                if [c for c in context.cookies() if c["name"] == "ppd_session"]:
                    return context.storage_state()
                page.wait_for_timeout(100)
        except Exception:
            if attempt == 2:
                raise
        finally:
            context.close()
    pytest.fail("the programme manager's sign-in never set the session cookie (three attempts)")


@pytest.fixture
def new_context(browser, request) -> Iterator:
    """A factory of fresh browser contexts (separate sessions), all closed after the test; signed in as the
    programme manager unless ``signed_in=False``. The browser may reach only this machine (127.0.0.1 and
    localhost, where the app and any server a test starts listen, such as an OpenID provider): any other request is
    aborted, so the tests never depend on the network. When the test fails, every page it opened is saved in
    test-artifacts/screenshots/failed-*.png."""
    contexts = []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def make(signed_in: bool = True):
        state = request.getfixturevalue("manager_state") if signed_in else None
        context = browser.new_context(
            viewport={"width": 1400, "height": 1000}, accept_downloads=True, storage_state=state
        )
        context.set_default_timeout(RUN_TIMEOUT_MS)
        context.route(re.compile(r"^(?!https?://(127\.0\.0\.1|localhost)[:/]).*"), lambda route: route.abort())
        contexts.append(context)
        return context

    yield make
    report = getattr(request.node, "report_call", None)
    failed = report is None or report.failed
    name = re.sub(r"[^\w.-]+", "-", request.node.name)
    for c, context in enumerate(contexts):
        for n, page in enumerate(context.pages if failed else []):
            with contextlib.suppress(Exception):  # a broken page's screenshot must not hide the failure itself
                page.screenshot(path=str(SCREENSHOTS / f"failed-{name}-{c}{n}.png"), full_page=True, timeout=5000)
        context.close()


@pytest.fixture
def page(new_context):
    """A page in a new context, with its console errors collected in ``page.console``."""
    p = new_context().new_page()
    p.console = watch(p)
    return p


def wait_for_app(page, timeout_ms: int = RUN_TIMEOUT_MS) -> None:
    """Wait until Streamlit is connected and has finished running the script: the app root reports the
    script as not running, the running indicator (stStatusWidget) is gone and no element is stale, steadily."""
    app_root = page.locator('[data-testid="stApp"]')
    app_root.wait_for(timeout=timeout_ms)
    deadline = time.monotonic() + timeout_ms / 1000
    quiet_since = None
    while time.monotonic() < deadline:
        state = app_root.get_attribute("data-test-script-state")
        connection = app_root.get_attribute("data-test-connection-state")
        busy = (
            state != "notRunning"
            or connection != "CONNECTED"
            or page.locator('[data-testid="stStatusWidget"]').count() > 0
            or page.locator('[data-stale="true"]').count() > 0
        )
        if busy:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since > 0.3:
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"Streamlit was still running after {timeout_ms} ms on {page.url} (script state {state})")


def goto(page, url: str) -> None:
    """Open a URL of the app and wait for Streamlit to finish running it."""
    page.goto(url)
    wait_for_app(page)


@pytest.fixture(scope="session")
def page_urls(app: App, browser, manager_state) -> dict[str, str]:
    """Each page's URL (without query), by its title in the navigation, read from the navigation's links."""
    return urls_of(app, browser, manager_state)


def urls_of(app: App, browser, storage_state: dict | None = None) -> dict[str, str]:
    """Each page's URL (without query) of a running app, by its title in the navigation, as a programme manager
    sees it (signed in through the form when no ``storage_state`` of a signed-in manager is given)."""
    context = browser.new_context(storage_state=storage_state)
    try:
        page = context.new_page()
        goto(page, app.url + "/")
        if storage_state is None:
            sign_in(page, ACCOUNTS["manager"])
        links = page.locator('[data-testid="stSidebarNav"] a')
        links.first.wait_for()  # the navigation is drawn once the session is known to be signed in
        wait_for_app(page)
        urls = {}
        for link in links.all():
            title = link.locator("span").last.inner_text().strip()
            urls[title] = link.get_attribute("href").split("?")[0]
    finally:
        context.close()
    missing = [title for title, _ in PAGES if title not in urls]
    assert not missing, f"pages missing from the navigation: {missing}; found {sorted(urls)}"
    return urls


def open_page(page, page_urls: dict[str, str], title: str, query: str = "") -> None:
    """Open a page of the app by its title in the navigation, with an optional query string."""
    goto(page, page_urls[title] + (f"?{query}" if query else ""))


def assert_no_exception(page) -> None:
    """No exception box and no traceback text on the page."""
    exceptions = page.locator('[data-testid="stException"]')
    assert exceptions.count() == 0, f"exception on {page.url}: {exceptions.first.inner_text()[:2000]}"
    body = page.locator("body").inner_text()
    assert "Traceback" not in body, f"traceback text on {page.url}: {body[body.index('Traceback') :][:2000]}"


def screenshot(page, name: str) -> Path:
    """A full-page screenshot in test-artifacts/screenshots/ (git-ignored); returns its path. Streamlit scrolls
    inside its main container, not the document, so the viewport is made as tall as that content meanwhile."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    size = page.viewport_size
    height = page.evaluate(
        "() => Math.max(document.body.scrollHeight, ...Array.from("
        "document.querySelectorAll('[data-testid=stMain], [data-testid=stSidebarContent]'), e => e.scrollHeight))"
    )
    page.set_viewport_size({"width": size["width"], "height": min(max(height, size["height"]), 16000)})
    try:
        page.wait_for_timeout(150)
        page.screenshot(path=str(path), full_page=True)
    finally:
        page.set_viewport_size(size)
    return path


def select(page, label: str, option: str | re.Pattern, within: str = '[data-testid="stMain"]') -> None:
    """Choose an option of a Streamlit selectbox by its label and the option's text (exact when a string),
    clicking as a person would; ``within`` is where the box is (the main area, or the sidebar)."""
    page.locator(within).get_by_role("combobox", name=label, exact=True).click()
    page.get_by_role("option", name=option, exact=isinstance(option, str) or None).click()
    wait_for_app(page)


def sidebar_select(page, label: str, option: str | re.Pattern) -> None:
    """Choose an option of a selectbox in the sidebar (the shared semester and beneficiary pickers)."""
    select(page, label, option, within='[data-testid="stSidebar"]')


def pytest_collection_modifyitems(items) -> None:
    """Browser tests run again, up to twice, when they fail: a real browser against a real server on a shared
    2-core machine has timing failures that are not the app's (see the README's Tests section). A test that
    fails three times in a row still fails the suite."""
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.flaky(reruns=2, reruns_delay=1))
