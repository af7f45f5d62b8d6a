"""Two app servers on one PostgreSQL store: an approval clicked in Chromium on one is shown by the other.

Two ``streamlit run app.py`` processes on two ports share one throw-away database (``PPD_STORE_URL``),
as two servers behind a load balancer do. The manager approves on the first; the second, reloaded, names
the new approved version at once, without a restart.
"""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from indicators.access.identity import Identity
from indicators.storage import open_backend
from indicators.storage.transfer import copy_store
from indicators.store import Store
from tests import postgres
from tests.browser.conftest import (
    ACCOUNTS,
    PASSWORD,
    assert_no_exception,
    screenshot,
    select,
    serve,
    sign_in,
    wait_for_app,
)
from tests.factories import ANA

pytestmark = pytest.mark.browser


@contextlib.contextmanager
def serving(store_url: str, folder: Path, name: str) -> Iterator[str]:
    """``streamlit run`` (conftest's ``serve``) with the store in the database; its URL; stopped whatever happens."""
    (folder / name).mkdir(parents=True, exist_ok=True)
    with serve(folder / name, STORE_URL=store_url) as app:
        yield app.url


def open_from_home(page, url: str, path: str) -> None:
    """Open the server's home page, then a page by its sidebar link (a first deep link after a server starts
    meets Streamlit's 'Page not found' box: README, Known limits)."""
    page.goto(url)
    wait_for_app(page)
    page.locator('[data-testid="stSidebarNav"], input[aria-label="Email"]').first.wait_for()
    if page.get_by_role("textbox", name="Email").count():  # each server keeps its own sessions: sign in there
        sign_in(page, ACCOUNTS["manager"])
    page.locator(f'[data-testid="stSidebarNav"] a[href="{url}/{path}"]').click()
    wait_for_app(page)


def method_text(page, url: str) -> str:
    """The Method page's text once it names the approved version (it is drawn after the page's title)."""
    open_from_home(page, url, "methodology")
    page.locator('[data-testid="stMain"]').get_by_text("approved on", exact=False).first.wait_for()
    return page.locator('[data-testid="stMain"]').inner_text()


def test_an_approval_on_one_server_appears_on_the_other(
    postgres_server: postgres.Server, seeded_store_dir: Path, new_context, tmp_path: Path
) -> None:
    url = postgres_server.new_database()
    copy_store(open_backend(seeded_store_dir), open_backend(url))  # the approved demo, as version 000001
    store = Store(url)
    version = store.add_version(
        store.raw_bytes("000001"), "second_server_test.xlsx", ANA, store.load("000001"), base_version="000001"
    )
    store.submit(version, ANA, "for the two-server test")
    store.accounts.add(Identity("tests", "admin", "cli"), ACCOUNTS["manager"], "manager", password=PASSWORD)
    with serving(url, tmp_path, "one") as one, serving(url, tmp_path, "two") as two:
        on_two = new_context(signed_in=False).new_page()
        assert "Version 000001" in method_text(on_two, two)

        on_one = new_context(signed_in=False).new_page()
        open_from_home(on_one, one, "review-versions")  # signed in as a programme manager
        select(on_one, "Version to review", re.compile(rf"^{version} · second_server_test\.xlsx"))
        on_one.get_by_role("textbox", name="Note", exact=True).fill("approved on server one")
        on_one.get_by_role("button", name="Approve and publish").click()
        wait_for_app(on_one)
        on_one.get_by_text(f"Version {version} is approved").wait_for()
        screenshot(on_one, "two-servers-1-approved-on-one")
        approved_at = time.monotonic()

        text = method_text(on_two, two)  # the other server, reloaded: no restart, no wait
        seen_after = time.monotonic() - approved_at
        shot = screenshot(on_two, "two-servers-2-seen-on-two")
        assert f"Version {version}" in text, f"server two still shows the old approved version ({shot})"
        assert_no_exception(on_two)
        assert store.approved_id() == version
        print(f"server two showed version {version} {seen_after:.2f} s after the approval (page load included)")
    postgres_server.drop_database(url)
