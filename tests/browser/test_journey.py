"""The analyst's and the manager's journey, clicked as a person would: template, upload, submit, approve, see.

Also: a workbook with mistakes lists its problems and stores nothing; a hostile file is refused with a clear
message while another session loads the Overview at the same time.
"""

from __future__ import annotations

import io
import re

import openpyxl
import pytest

from indicators.domain import schema
from tests import badfiles
from tests.browser.conftest import (
    CHART,
    RUN_TIMEOUT_MS,
    App,
    assert_no_exception,
    open_page,
    screenshot,
    select,
    wait_for_app,
    watch,
)
from ui.filters import default_semester

pytestmark = pytest.mark.browser

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
VALUES_HEADERS = [c.header for c in schema.VALUES.columns]
INDICATOR = "IND-01"  # a count in the demo


def missing_value(app: App) -> tuple[str, str]:
    """(beneficiary, semester): where IND-01 has a target in the Overview's default semester but no value yet."""
    programme = app.store().approved()
    semester = default_semester(programme)
    targets, values = programme.targets, programme.values
    with_target = targets[(targets["indicator_id"] == INDICATOR) & (targets["semester"] == semester)]
    reported = values[(values["indicator_id"] == INDICATOR) & (values["semester"] == semester)]
    missing = sorted(set(with_target["beneficiary"]) - set(reported["beneficiary"]))
    assert missing, f"the demo reports {INDICATOR} for every beneficiary in {semester}: pick another gap"
    return missing[0], semester


def with_values(workbook: bytes, rows: list[dict[str, object]]) -> bytes:
    """The workbook with ``rows`` (header: value) appended to its Values sheet, written with openpyxl."""
    wb = openpyxl.load_workbook(io.BytesIO(workbook))
    ws = wb[schema.VALUES.sheet]
    headers = [cell.value for cell in ws[1]]
    assert headers[: len(VALUES_HEADERS)] == VALUES_HEADERS, f"template Values headers: {headers}"
    for row in rows:
        ws.append([row.get(h) for h in headers])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def upload(page, name: str, data: bytes) -> None:
    """Choose a file in the Upload page's file input, as a person would with the file dialog."""
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
        {"name": name, "mimeType": XLSX, "buffer": data}
    )


def click_nav(page, page_urls: dict[str, str], title: str) -> None:
    """Go to a page with the sidebar's navigation link, in the same session."""
    page.locator(f'[data-testid="stSidebarNav"] a[href="{page_urls[title]}"]').click()
    wait_for_app(page)


def metric(page, label: str) -> str:
    """The value shown by the headline figure (st.metric) whose label starts with ``label``."""
    box = page.locator('[data-testid="stMetric"]').filter(has_text=label)
    box.first.wait_for(timeout=RUN_TIMEOUT_MS)  # the first run's elements may arrive just after the app looks idle
    assert box.count() == 1, f"{box.count()} headline figures labelled {label!r}"
    return box.locator('[data-testid="stMetricValue"]').inner_text().strip()


def main_text(page) -> str:
    return page.locator('[data-testid="stMain"]').inner_text()


def grid_rows(grid) -> list[dict[str, str]]:
    """The rows of a table (a locator of an st.dataframe) as header: text, read from the accessible grid
    Streamlit draws for screen readers beside its canvas."""
    grid.locator('[role="gridcell"]').first.wait_for(state="attached")
    headers = [h.strip() for h in grid.locator('[role="columnheader"]').all_text_contents()]
    rows = []
    for row in grid.locator('[role="row"]').all():
        cells = [c.strip() for c in row.locator('[role="gridcell"]').all_text_contents()]
        if cells:
            rows.append(dict(zip(headers[-len(cells) :], cells, strict=True)))
    return rows


def test_template_upload_submit_approve_and_see(app: App, page_urls, page) -> None:
    store = app.store()
    before = store.version_ids()
    beneficiary, semester = missing_value(app)

    open_page(page, page_urls, "Overview")
    completeness_before = metric(page, "Reporting complete")

    page.locator('[data-testid="stSidebar"]').get_by_text("Analyst", exact=True).click()  # uploads as an analyst
    wait_for_app(page)
    click_nav(page, page_urls, "Upload")
    with page.expect_download() as download_info:
        page.get_by_role("button", name=re.compile("Download the blank template")).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    template = download.path().read_bytes()

    filled = with_values(
        template,
        [
            {
                "Indicator ID": INDICATOR,
                "Beneficiary": beneficiary,
                "Semester": semester,
                "Sex": "total",
                "Value": 1,
                "Comment": "entered in the browser test",
                "Source": "prison service report",
            }
        ],
    )
    upload(page, "filled_in_browser_test.xlsx", filled)
    submit = page.get_by_role("button", name=re.compile(r"Submit version \d+ for review"))
    submit.wait_for()
    wait_for_app(page)
    shot = screenshot(page, "journey-1-checked")
    assert_no_exception(page)
    text = main_text(page)
    assert "0 errors" in text, f"the filled template did not pass ({shot})"
    assert "Changes against the approved data" in text, shot
    new_ids = sorted(set(store.version_ids()) - set(before))
    assert len(new_ids) == 1, f"expected one new draft, got {new_ids} ({shot})"
    version = new_ids[0]
    assert store.status(version) == "draft"

    page.get_by_role("textbox", name="Note for the reviewer").fill(f"{INDICATOR} for {beneficiary}, {semester}")
    submit.click()
    wait_for_app(page)
    page.get_by_text(f"Version {version} is submitted").wait_for()
    assert store.status(version) == "submitted"

    page.locator('[data-testid="stSidebar"]').get_by_text("Programme manager", exact=True).click()
    wait_for_app(page)
    click_nav(page, page_urls, "Review")
    select(page, "Version to review", re.compile(rf"^{version} · filled_in_browser_test\.xlsx"))
    page.get_by_role("textbox", name="Note", exact=True).fill("checked in the browser test")
    page.get_by_role("button", name="Approve and publish").click()
    wait_for_app(page)
    page.get_by_text(f"Version {version} is approved").wait_for()
    screenshot(page, "journey-2-approved")
    assert store.approved_id() == version

    click_nav(page, page_urls, "Overview")
    page.wait_for_selector(CHART)
    shot = screenshot(page, "journey-3-overview")
    assert_no_exception(page)
    completeness_after = metric(page, "Reporting complete")
    assert completeness_after != completeness_before, f"completeness still {completeness_after} ({shot})"

    click_nav(page, page_urls, "Method")
    assert f"Version {version}" in main_text(page), "the Method page does not name the new approved version"
    assert page.console.unexpected() == []


BAD_ROWS = [  # (row as written in rows 2, 3, 4 of Values, a column the problems table must name for it)
    (
        {"Indicator ID": "IND-999", "Beneficiary": "MNE", "Semester": "2026NovS2", "Sex": "total", "Value": 1},
        "Indicator ID",
    ),
    (
        {"Indicator ID": INDICATOR, "Beneficiary": "Atlantis", "Semester": "2026NovS2", "Sex": "total", "Value": 1},
        "Beneficiary",
    ),
    (
        {"Indicator ID": INDICATOR, "Beneficiary": "MNE", "Semester": "someday", "Sex": "total", "Value": "many"},
        "Value",
    ),
]


def test_workbook_with_mistakes_lists_its_problems_and_stores_nothing(app: App, page_urls, page) -> None:
    store = app.store()
    before = store.version_ids()
    open_page(page, page_urls, "Upload")
    workbook = with_values(badfiles_template(), [row for row, _ in BAD_ROWS])
    upload(page, "with_mistakes.xlsx", workbook)
    page.get_by_text("Nothing was stored").wait_for()
    wait_for_app(page)
    shot = screenshot(page, "journey-mistakes")
    assert_no_exception(page)

    text = main_text(page)
    assert re.search(r"\b[1-9]\d* errors?\b", text), f"no error count shown ({shot})"
    tables = page.locator('[data-testid="stMain"] [data-testid="stDataFrame"]')
    assert tables.count() == 1, f"expected only the problems table, found {tables.count()} tables ({shot})"
    problems = grid_rows(tables.first)
    for (_row, column), written in zip(BAD_ROWS, range(2, 2 + len(BAD_ROWS)), strict=True):
        found = [p for p in problems if p.get("Sheet") == "Values" and p.get("Row") == str(written)]
        assert found, f"no problem listed for Values row {written} ({shot}):\n{problems}"
        assert column in {p.get("Column") for p in found}, f"row {written}: {column} not named ({shot}):\n{found}"
    assert {"Semester", "Value"} <= {p["Column"] for p in problems if p["Row"] == "4"}, "row 4 has two mistakes"
    assert page.get_by_role("button", name=re.compile("Submit version")).count() == 0
    assert store.version_ids() == before, "a workbook with errors changed the store"
    assert page.console.unexpected() == []


def badfiles_template() -> bytes:
    """The blank template, as the Upload page offers it."""
    from indicators.present.template import template_bytes

    return template_bytes()


@pytest.mark.parametrize(
    ("name", "factory", "reason"),
    [("zip_bomb.xlsx", badfiles.zip_bomb, "MB"), ("far_cell.xlsx", badfiles.far_cell, "cell")],
    ids=["zip-bomb", "far-cell"],
)
def test_hostile_file_is_refused_while_another_session_works(
    app: App, page_urls, new_context, name: str, factory, reason: str
) -> None:
    store = app.store()
    before = store.version_ids()
    analyst = new_context().new_page()
    analyst.console = watch(analyst)
    other = new_context().new_page()
    other.console = watch(other)
    open_page(analyst, page_urls, "Upload")

    upload(analyst, name, factory())
    # meanwhile, another person opens the Overview: their page draws fully while the file is being refused
    other.goto(page_urls["Overview"])
    wait_for_app(other)
    other.wait_for_selector(CHART)
    assert_no_exception(other)
    assert other.locator(CHART).count() >= 1

    refusal = analyst.locator('[data-testid="stAlertContentError"]').first
    refusal.wait_for()
    wait_for_app(analyst)
    shot = screenshot(analyst, f"hostile-{name.removesuffix('.xlsx')}")
    assert_no_exception(analyst)
    message = refusal.inner_text().strip()
    assert 20 < len(message) < 400, f"refusal message not one clear sentence: {message!r} ({shot})"
    assert reason in message, f"the refusal does not say why ({reason!r}): {message!r} ({shot})"
    assert store.version_ids() == before, "a hostile file changed the store"
    assert analyst.console.unexpected() == [] and other.console.unexpected() == []
