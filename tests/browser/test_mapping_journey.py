"""An analyst's own workbook, clicked through the Upload page's mapping step as a person would.

The first workbook (a title block, one column per semester, a misspelt indicator title) opens the mapping
step: the near match is confirmed, the preview shows the rows as they will be stored, and the mapping is
saved. The next workbook of the same shape (next semester's column added) goes straight to the report.
"""

from __future__ import annotations

import io
import re

import openpyxl
import pytest

from tests.browser.conftest import App, assert_no_exception, open_page, screenshot, wait_for_app, watch
from tests.browser.test_journey import grid_rows, main_text, upload

pytestmark = pytest.mark.browser

NAME = "Serbia training sheet"
NEAR = "Prison staff trained in managng VEPs"  # IND-06's title, misspelt: to be confirmed, never taken silently


def own_workbook(*semesters: tuple[str, list[int | None]]) -> bytes:
    """The analyst's sheet: a merged title block, then Indicator, Country and one column per semester."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Training"
    ws.append(["Serbia: monitoring of prison staff training"])
    ws.append(["Prepared by the programme office"])
    ws.append([])
    ws.append(["Indicator", "Country", *[label for label, _ in semesters]])
    for i, (indicator, country) in enumerate([("IND-01", "Serbia"), (NEAR, "Serbia"), ("IND-07", "Albania")]):
        ws.append([indicator, country, *[values[i] for _, values in semesters]])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=2 + len(semesters))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_a_workbook_mapped_once_goes_straight_to_the_report_next_time(app: App, page_urls, page, new_context) -> None:
    store = app.store()
    before = store.version_ids()
    open_page(page, page_urls, "Upload")
    upload(page, "serbia-2026.xlsx", own_workbook(("Nov 2025 – Apr 2026", [3, 10, 2])))
    page.get_by_role("heading", name="1. Sheet and header row").wait_for()
    wait_for_app(page)
    shot = screenshot(page, "mapping-1-step")
    assert_no_exception(page)
    text = main_text(page)
    assert "not in the template's layout" in text, shot
    for step in ("2. Columns", "3. Indicators", "4. Preview", "5. Save the mapping"):
        assert step in text, f"{step} missing ({shot})"
    assert "Errors: 1" in text, shot
    problems = grid_rows(page.locator(".st-key-mapping_problems [data-testid='stDataFrame']"))
    assert [(p["Sheet"], p["Row"], p["Column"]) for p in problems if NEAR in p.get("Found", "")] == [
        ("Training", "6", "Indicator")
    ], f"the near match is not an error at the analyst's cell before it is confirmed ({shot}): {problems}"
    save = page.get_by_role("button", name="Save the mapping and store the workbook")
    assert save.is_disabled(), f"saving allowed with an unconfirmed indicator ({shot})"

    page.locator('[data-testid="stCheckbox"]').filter(has_text="is IND-06").locator("label").click()
    wait_for_app(page)
    page.get_by_text("Errors: 0").wait_for()
    preview = page.locator(".st-key-mapping_preview_rows [data-testid='stDataFrame']")
    rows = grid_rows(preview)
    shown = {(r["Indicator"], r["Beneficiary"], r["Semester"], r["Value"]) for r in rows}
    assert shown == {
        ("IND-01", "Serbia", "Nov 2025 – Apr 2026", "3"),
        ("IND-06", "Serbia", "Nov 2025 – Apr 2026", "10"),
        ("IND-07", "Albania", "Nov 2025 – Apr 2026", "2"),
    }, f"preview rows ({shot}): {rows}"
    name = page.get_by_label("Name of the mapping")
    name.fill(NAME)
    name.press("Enter")
    wait_for_app(page)
    screenshot(page, "mapping-2-confirmed")
    page.get_by_role("button", name="Save the mapping and store the workbook").click()
    page.get_by_text(re.compile("stored as draft version")).wait_for()
    wait_for_app(page)
    shot = screenshot(page, "mapping-3-stored")
    assert_no_exception(page)
    first = [v for v in store.version_ids() if v not in before]
    assert len(first) == 1, f"one draft stored ({shot})"
    assert store.meta(first[0])["summary"]["mapping"]["name"] == NAME

    later = new_context().new_page()
    later.console = watch(later)
    open_page(later, page_urls, "Upload")
    upload(
        later,
        "serbia-2026-2.xlsx",
        own_workbook(("Nov 2025 – Apr 2026", [3, 10, 2]), ("May 2026 – Oct 2026", [4, 11, None])),
    )
    later.get_by_text(re.compile("stored as draft version")).wait_for()
    wait_for_app(later)
    shot = screenshot(later, "mapping-4-straight-to-report")
    assert_no_exception(later)
    text = main_text(later)
    assert f"Read through the saved mapping '{NAME}'" in text, shot
    assert "1. Sheet and header row" not in text, f"the mapping step was asked again ({shot})"
    second = [v for v in store.version_ids() if v not in before and v not in first]
    assert len(second) == 1
    stored = store.load(second[0]).values.set_index(["indicator_id", "beneficiary", "semester", "sex"])["value"]
    assert stored[("IND-06", "SRB", "2026NovS2", "total")] == 11.0  # the confirmed match, reused
    assert page.console.unexpected() == [] and later.console.unexpected() == []
