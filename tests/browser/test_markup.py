"""Text from a workbook, a file name or an identity is data, never markup, in Chromium.

A workbook whose indicator title, unit and definition, value comment, activity title and notes, and file name
hold markdown, HTML, links, bare addresses and images is uploaded through the Upload page, submitted, and
approved by a reviewer whose name is markup too. Every page is then opened as a manager and as a donor while a
server on 127.0.0.1 records what the browser fetches: nothing may reach it, no link or image pointing at it may
be in the page, and the texts show as written.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pandas as pd
import pytest

from indicators import ingest
from indicators.access.identity import Identity
from indicators.domain.schema import TABLES_BY_NAME, Programme, conform
from indicators.present.template import write_workbook
from indicators.store import Store
from tests.browser.conftest import (
    ACCOUNTS,
    CHART,
    PASSWORD,
    App,
    assert_no_exception,
    goto,
    screenshot,
    serve,
    sign_in,
    urls_of,
    wait_for_app,
)
from tests.browser.test_journey import XLSX

pytestmark = pytest.mark.browser


class Tracker:
    """A web server on 127.0.0.1 that answers every request with an empty image and remembers its path."""

    def __init__(self) -> None:
        seen: list[str] = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                seen.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "image/gif")
                self.end_headers()
                self.wfile.write(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;")

            def log_message(self, *args: object) -> None:
                return

        self.seen = seen
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.address = f"127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def tracker() -> Iterator[Tracker]:
    t = Tracker()
    yield t
    t.close()


def hostile(tracker: Tracker, where: str) -> str:
    """Markdown, HTML, a link, a bare address, an image, a code span and LaTeX, each pointing at the tracker."""
    url = f"http://{tracker.address}/{where}"
    return (
        f"{where} ![pic]({url}.png) [link]({url}) <img src='{url}-html.png'> <a href='{url}-a'>a</a> "
        f"**bold** `code {url}-auto $x^2$ :red[red]"
    )


def hostile_programme(base: Programme, tracker: Tracker) -> Programme:
    """The demo plus one indicator, one value and one activity whose texts are markup."""
    tables = dict(base.tables)
    indicator = base.indicators.iloc[0].to_dict() | {
        "indicator_id": "IND-99",
        "title": hostile(tracker, "title"),
        "unit": hostile(tracker, "unit"),
        "definition": hostile(tracker, "definition"),
        "measure": "count",
        "aggregation": "sum",
        "sensitive": False,
        "cumulative": False,
        "disaggregation": "none",
    }
    semester = "2025NovS1"
    rows = {
        "indicators": indicator,
        "baselines": {"indicator_id": "IND-99", "beneficiary": "ALB", "value": 0, "year": 2023},
        "targets": {"indicator_id": "IND-99", "beneficiary": "ALB", "semester": semester, "value": 10, "adopted_at": 4},
        "values": {"indicator_id": "IND-99", "beneficiary": "ALB", "semester": semester, "sex": "total", "value": 7,
                   "comment": hostile(tracker, "comment"), "source": hostile(tracker, "source")},
        "activities": base.activities.iloc[0].to_dict() | {"activity_id": "ACT-99", "beneficiary": "ALB",
                       "semester": semester, "title": hostile(tracker, "activity"), "notes": hostile(tracker, "notes")},
    }  # fmt: skip
    for name, row in rows.items():
        frame = pd.concat([tables[name], pd.DataFrame([row])], ignore_index=True)
        tables[name] = conform(TABLES_BY_NAME[name], frame)
    return Programme(tables)


@pytest.fixture(scope="module")
def hostile_app(browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    folder = tmp_path_factory.mktemp("markup-app")
    ingest.seed_demo(Store(folder / "store"))
    for role, email in ACCOUNTS.items():
        Store(folder / "store").accounts.add(Identity("tests", "admin", "cli"), email, role, password=PASSWORD)
    with serve(folder) as running:
        yield running


def as_donor(page) -> None:
    """Switch the session to the donor view."""
    page.locator('[data-testid="stSidebar"]').get_by_text("Preview the donor view", exact=True).click()
    wait_for_app(page)


def markup_in_page(page, tracker: Tracker) -> list[str]:
    """Links, images, frames or styles of the page that point at the tracker (its address in an attribute that
    makes the browser fetch or link, not in text)."""
    return page.evaluate(
        """(host) => [...document.querySelectorAll('*')].flatMap(e =>
            ['href', 'src', 'srcset', 'style', 'action', 'formaction', 'xlink:href', 'poster', 'data']
              .filter(a => (e.getAttribute(a) || '').includes(host))
              .map(a => `${e.tagName} ${a}=${e.getAttribute(a).slice(0, 120)}`))""",
        tracker.address,
    )


def test_workbook_texts_file_names_and_names_are_shown_as_text(hostile_app: App, browser, tracker: Tracker) -> None:
    urls = urls_of(hostile_app, browser)
    store = hostile_app.store()
    workbook = write_workbook(hostile_programme(store.approved(), tracker))
    file_name = f"report `x` ![f](http:{tracker.address}) <img src=x onerror=alert(1)> **b**.xlsx"
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    fetched: list[str] = []
    context.on("request", lambda r: fetched.append(r.url) if tracker.address in r.url else None)
    try:
        page = context.new_page()
        goto(page, urls["Upload"])
        sign_in(page, ACCOUNTS["manager"])
        goto(page, urls["Upload"])
        page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
            {"name": file_name, "mimeType": XLSX, "buffer": workbook}
        )
        submit = page.get_by_role("button", name=re.compile(r"Submit version \d+ for review"))
        submit.wait_for()
        wait_for_app(page)
        shown = page.locator('[data-testid="stMain"]').inner_text().replace("\u2060", "")
        assert f"the workbook “{file_name}” is stored" in shown, shown[:2000]
        submit.click()
        wait_for_app(page)
        version = max(store.version_ids())
        reviewer = Identity(f"![me](http://{tracker.address}/approver.png) <b>Reviewer</b>", "manager", "local")
        store.approve(version, reviewer, "ok")

        visits = [
            ("Overview", ""),
            ("Indicator", "indicator=IND-99&semester=2025NovS1"),
            ("Beneficiary", "beneficiary=ALB&semester=2025NovS1"),
            ("Work plan", ""),
            ("Semester review", "semester=2025NovS1"),
            ("Method", ""),
            ("Review", ""),
        ]
        for role in ("manager", "donor"):
            for title, query in visits:
                if role == "donor" and title == "Review":
                    continue
                goto(page, urls[title] + (f"?{query}" if query else ""))
                if role == "donor":
                    as_donor(page)  # each page load is a new session, and the preview of roles lives in it
                assert_no_exception(page)
                if title not in ("Method", "Review"):
                    page.locator(CHART).first.wait_for(state="attached")
                found = markup_in_page(page, tracker)
                assert not found, f"{role}, {title}: markup from the data rendered: {found}"
                text = page.locator('[data-testid="stMain"]').inner_text().replace("\u2060", "")  # word joiners
                if title == "Indicator":
                    assert hostile(tracker, "title") in text, f"{role}: the title is not shown as written"
                    assert f"unit: {hostile(tracker, 'unit')}" in text
                    assert hostile(tracker, "definition") in text
                if title == "Method":
                    assert file_name in text, f"{role}: the file name is not shown as written"
                    assert f"![me](http://{tracker.address}/approver.png) <b>Reviewer</b>" in text
                screenshot(page, f"markup-{role}-{title.lower().replace(' ', '-')}")
        page.wait_for_timeout(500)  # anything fetched late still shows up in the tracker
    finally:
        context.close()
    assert not fetched, f"the browser fetched addresses from the data: {fetched}"
    assert not tracker.seen, f"the tracker was reached: {tracker.seen}"
