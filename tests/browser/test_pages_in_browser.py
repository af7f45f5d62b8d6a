"""Every page of the app loads in Chromium with its charts drawn, no exception and no console error, on a wide
screen (1440 × 900) and on a phone (390 × 844), where nothing a person must read is cut and nothing overlaps."""

from __future__ import annotations

import pytest

from tests.browser.conftest import CHART, PAGES, assert_no_exception, open_page, screenshot
from ui import style

pytestmark = pytest.mark.browser

WIDTHS = {"wide": (1440, 900), "phone": (390, 844)}

# Text cut by the browser: an element that ends its text in "…" (text-overflow: ellipsis) because it is wider
# than its box, such as a metric's label. A selectbox's chosen value is left out: its list shows it whole.
CUT_TEXT = """() => Array.from(document.querySelectorAll('[data-testid=stMain] *')).filter(e => {
  const s = getComputedStyle(e);
  return s.textOverflow === 'ellipsis' && e.scrollWidth > e.clientWidth + 1 && e.innerText.trim()
    && e.offsetParent !== null && !e.closest('[data-baseweb=select]');
}).map(e => e.innerText.trim())"""

# Axis labels of the visible charts that overlap another label of the same axis (labels turned at an angle other
# than level or standing are left out: the box of slanted text overlaps its neighbour's though the words do not).
OVERLAPPING_TICKS = """() => {
  const found = [];
  for (const chart of document.querySelectorAll('[data-testid=stPlotlyChart]')) {
    if (chart.offsetParent === null) continue;
    for (const axis of chart.querySelectorAll('g.xaxislayer-above, g.yaxislayer-above')) {
      const labels = Array.from(axis.querySelectorAll('text')).filter(t => t.textContent.trim());
      if (labels.some(t => /rotate\\((?!0[,)]|90[,)]|-90[,)])/.test(t.getAttribute('transform') || ''))) continue;
      const boxes = labels.map(t => [t.textContent, t.getBoundingClientRect()]);
      for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
        const [a, r] = boxes[i], [b, q] = boxes[j];
        if (r.left < q.right - 1 && q.left < r.right - 1 && r.top < q.bottom - 1 && q.top < r.bottom - 1)
          found.push(`${a} / ${b}`);
      }
    }
  }
  return found;
}"""

# The cells of the visible status matrix that overlap another cell (the matrix collapsed into a narrow strip).
OVERLAPPING_CELLS = """() => {
  const found = [];
  for (const chart of document.querySelectorAll('[class*="st-key-ppd-"] [data-testid=stPlotlyChart]')) {
    if (chart.offsetParent === null) continue;
    const cells = Array.from(chart.querySelectorAll('.scatterlayer .point')).map(p => p.getBoundingClientRect());
    for (let i = 0; i < cells.length; i++) for (let j = i + 1; j < cells.length; j++) {
      const r = cells[i], q = cells[j];
      if (r.left < q.right - 1 && q.left < r.right - 1 && r.top < q.bottom - 1 && q.top < r.bottom - 1)
        found.push(`${Math.round(r.left)},${Math.round(r.top)}`);
    }
  }
  return found;
}"""


def slug(title: str) -> str:
    """A file-name-safe form of a page title."""
    return title.lower().replace(" ", "-")


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize(("title", "has_charts"), PAGES, ids=[t for t, _ in PAGES])
def test_page_loads_with_charts_and_no_error(page_urls, page, title: str, has_charts: bool, width: str) -> None:
    pixels, height = WIDTHS[width]
    page.set_viewport_size({"width": pixels, "height": height})
    open_page(page, page_urls, title)
    if has_charts:
        page.wait_for_selector(".js-plotly-plot .main-svg", state="attached")
        page.wait_for_timeout(300)  # plotly lays its labels out again once the chart has its width
    shot = screenshot(page, f"page-{slug(title)}-{width}")

    assert_no_exception(page)
    assert page.url.split("?")[0] == page_urls[title], f"{title}: ended on {page.url} ({shot})"
    heading = page.locator('[data-testid="stMain"] h1')
    assert heading.count() >= 1, f"{title}: no page title ({shot})"
    charts = page.locator(CHART)
    assert (charts.count() > 0) == has_charts, f"{title}: {charts.count()} charts ({shot})"
    assert "Kosovo" in page.locator('[data-testid="stMain"]').inner_text(), f"{title}: no Kosovo* footnote ({shot})"
    errors = page.console.unexpected()
    assert errors == [], f"{title}: console errors ({shot}):\n" + "\n".join(errors)

    assert page.evaluate(CUT_TEXT) == [], f"{title} at {pixels} px: text cut short ({shot})"
    assert page.evaluate(OVERLAPPING_TICKS) == [], f"{title} at {pixels} px: axis labels overlap ({shot})"
    assert page.evaluate(OVERLAPPING_CELLS) == [], f"{title} at {pixels} px: status matrix cells overlap ({shot})"
    main = page.locator('[data-testid="stMain"]')
    assert main.evaluate("e => e.scrollWidth <= e.clientWidth"), f"{title} at {pixels} px: wider than the screen"
    for chart in charts.all():
        box = chart.bounding_box()
        assert box is None or box["x"] + box["width"] <= pixels, f"{title} at {pixels} px: a chart overflows"
    phone = pixels <= style.PHONE_MAX_PX  # one form of a chart is shown at each width, never both
    for prefix, shown in ((style.PHONE, phone), (style.WIDE, not phone)):
        for part in page.locator(f'[class*="st-key-{prefix}"]').all():
            assert part.is_visible() == shown, f"{title} at {pixels} px: {prefix} form shown: {not shown} ({shot})"
