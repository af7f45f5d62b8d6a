"""Downloads are made for the person who asks, when they ask, and exist nowhere a request without their
session could reach: no /media address on the server, only a blob: address inside their own tab."""

from __future__ import annotations

import re
import urllib.error
import urllib.request

import pytest

from tests.browser.conftest import App, assert_no_exception, open_page, wait_for_app

pytestmark = pytest.mark.browser


def as_donor(page) -> None:
    page.locator('[data-testid="stSidebar"]').get_by_text("Preview the donor view", exact=True).click()
    wait_for_app(page)


def cookieless(url: str) -> bytes:
    """What a request without any session or cookie gets at ``url`` (empty when refused)."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.read()
    except urllib.error.HTTPError:
        return b""


@pytest.mark.parametrize("role", ["manager", "donor"])
def test_summary_download_is_reachable_only_in_the_session(app: App, page_urls, new_context, role: str) -> None:
    context = new_context()
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    open_page(page, page_urls, "Semester review", "semester=2023NovS2")
    if role == "donor":
        as_donor(page)
    with page.expect_download() as info:
        page.get_by_role("button", name=re.compile("Download the semester's indicator summary")).click()
    download = info.value
    assert_no_exception(page)
    content = download.path().read_bytes()
    ind10 = [line for line in content.decode("utf-8-sig").splitlines() if line.startswith("IND-10,")]
    assert ind10 and any(",<5," in line for line in ind10) == (role == "donor")
    assert download.suggested_filename == "semester_summary_2023NovS2.csv"

    assert download.url.startswith("blob:"), download.url  # made in the tab, not fetched from the server
    media = [u for u in requests if "/media/" in u and "/static/" not in u and not u.endswith(".png")]  # page icon
    assert not media, f"a download went through a server address: {media}"
    # The same address from another browser session, and from a request without any session, gets nothing.
    other = new_context().new_page()
    open_page(other, page_urls, "Overview")
    fetched = other.evaluate("(u) => fetch(u).then(r => r.text()).catch(() => '')", download.url)
    assert fetched == ""
    served = cookieless(app.url + "/" + download.url.rsplit("/", 1)[-1])
    assert content not in served and b"IND-10" not in served
