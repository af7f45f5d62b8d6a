"""Every page of the app loads in Chromium with its charts drawn, no exception and no console error."""

from __future__ import annotations

import pytest

from tests.browser.conftest import CHART, PAGES, assert_no_exception, open_page, screenshot

pytestmark = pytest.mark.browser


def slug(title: str) -> str:
    """A file-name-safe form of a page title."""
    return title.lower().replace(" ", "-")


@pytest.mark.parametrize(("title", "has_charts"), PAGES, ids=[t for t, _ in PAGES])
def test_page_loads_with_charts_and_no_error(page_urls, page, title: str, has_charts: bool) -> None:
    open_page(page, page_urls, title)
    if has_charts:
        page.wait_for_selector(".js-plotly-plot .main-svg", state="attached")
    shot = screenshot(page, f"page-{slug(title)}")

    assert_no_exception(page)
    assert page.url.split("?")[0] == page_urls[title], f"{title}: ended on {page.url} ({shot})"
    heading = page.locator('[data-testid="stMain"] h1')
    assert heading.count() >= 1, f"{title}: no page title ({shot})"
    charts = page.locator(CHART)
    assert (charts.count() > 0) == has_charts, f"{title}: {charts.count()} charts ({shot})"
    assert "Kosovo" in page.locator('[data-testid="stMain"]').inner_text(), f"{title}: no Kosovo* footnote ({shot})"
    errors = page.console.unexpected()
    assert errors == [], f"{title}: console errors ({shot}):\n" + "\n".join(errors)
