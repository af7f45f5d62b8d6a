"""Accessibility of every page: axe-core finds nothing critical or serious, every chart has a text
description beside it, and every input control has a label."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import CHART, PAGES, open_page, screenshot

pytestmark = pytest.mark.browser

BLOCKING = ("critical", "serious")
MIN_CAPTION_CHARS = 20

# The caption layout.figure writes under each chart: the element container right after the chart's.
CHART_CAPTIONS = """() => Array.from(document.querySelectorAll('[data-testid="stPlotlyChart"]')).map(chart => {
    const box = chart.closest('[data-testid="stElementContainer"]');
    const next = box && box.nextElementSibling;
    const caption = next && next.querySelector('[data-testid="stCaptionContainer"]');
    return {caption: caption ? caption.innerText.trim() : '', label: chart.getAttribute('aria-label') || ''};
})"""

# Every visible form control and its accessible name (aria-label, aria-labelledby, <label>, or title).
UNLABELLED_CONTROLS = """() => Array.from(document.querySelectorAll(
        'input:not([type=hidden]), textarea, select, [role=combobox], [role=slider], [role=spinbutton], '
        + '[role=checkbox], [role=radio], [role=switch], [role=textbox]'))
    .filter(e => e.offsetParent !== null || e.getClientRects().length > 0)
    .filter(e => {
        const byId = (e.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean)
            .map(id => (document.getElementById(id) || {}).textContent || '').join(' ');
        const labels = Array.from(e.labels || []).map(l => l.textContent).join(' ');
        const name = [e.getAttribute('aria-label'), byId, labels, e.getAttribute('title')].join(' ');
        return name.trim() === '';
    })
    .map(e => e.outerHTML.slice(0, 200))"""


@pytest.fixture(scope="module")
def axe() -> Axe:
    return Axe()


@pytest.mark.parametrize(("title", "has_charts"), PAGES, ids=[t for t, _ in PAGES])
def test_page_is_accessible(page_urls, page, axe: Axe, title: str, has_charts: bool) -> None:
    open_page(page, page_urls, title)
    if has_charts:
        page.wait_for_selector(".js-plotly-plot .main-svg", state="attached")
    shot = screenshot(page, f"a11y-{title.lower().replace(' ', '-')}")

    results = axe.run(page).response
    blocking = [v for v in results["violations"] if v.get("impact") in BLOCKING]
    report = "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} — {len(v['nodes'])} element(s), e.g. "
        f"{v['nodes'][0]['target']} {v['nodes'][0].get('failureSummary', '')[:200]!r}"
        for v in blocking
    )
    assert not blocking, f"{title}: axe-core found critical or serious violations ({shot}):\n{report}"

    charts = page.evaluate(CHART_CAPTIONS)
    assert len(charts) == page.locator(CHART).count()
    short = [c for c in charts if len(c["caption"]) < MIN_CAPTION_CHARS]
    assert not short, f"{title}: {len(short)} of {len(charts)} charts without a caption beside them ({shot})"

    unlabelled = page.evaluate(UNLABELLED_CONTROLS)
    assert not unlabelled, f"{title}: input controls without a label ({shot}):\n" + "\n".join(unlabelled)
