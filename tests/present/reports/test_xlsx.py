"""The report workbook: read back with openpyxl and converted by LibreOffice; figures equal the computed ones."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest

from indicators.present.reports import Report, ReportContent, build_report
from indicators.present.reports.xlsx import HEADER_ROW, workbook_bytes

SHEETS = ["Read me", "Headlines", "Status", "Logframe", "Values", "Work plan", "Activities", "Completeness",
          "Missing reports", "Meetings"]  # fmt: skip
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.fixture(scope="module")
def books(pack: dict[tuple[str, str], Report]) -> dict[str, bytes]:
    """Both editions' workbooks of the session's pack."""
    return {a: pack[(a, "xlsx")].data for a in ("manager", "donor")}


def rows(sheet: openpyxl.worksheet.worksheet.Worksheet) -> list[dict[str, object]]:
    header = [c.value for c in sheet[HEADER_ROW + 1]]
    out = []
    for line in sheet.iter_rows(min_row=HEADER_ROW + 2, values_only=True):
        if line[0] is None:
            break
        out.append(dict(zip(header, line, strict=False)))
    return out


def test_a_sheet_per_table_with_frozen_headers_filters_and_widths(books: dict[str, bytes]) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(books["manager"]))
    assert wb.sheetnames == SHEETS
    for name in SHEETS[1:]:
        ws = wb[name]
        assert ws.sheet_state == "visible"
        assert ws.freeze_panes == f"A{HEADER_ROW + 2}", name
        assert ws.column_dimensions["A"].width > 5
    assert wb["Logframe"].auto_filter.ref.startswith(f"A{HEADER_ROW + 1}:")
    assert "Approved version 000001" in wb["Logframe"]["A2"].value


def test_logframe_figures_equal_the_computed_ones(books: dict[str, bytes], contents: dict[str, ReportContent]) -> None:
    ws = openpyxl.load_workbook(io.BytesIO(books["manager"]))["Logframe"]
    got = rows(ws)
    frame = contents["manager"].logframe
    assert [r["Indicator"] for r in got] == list(frame["indicator_id"])
    for row, (_, want) in zip(got, frame.iterrows(), strict=True):
        share = 100 if want["number_measure"] == "percentage" else 1  # a percentage is stored as a share
        if want["measure"] != "qualitative" and want["actual"] == want["actual"]:
            assert row["Actual"] == pytest.approx(float(want["actual"]) / share)
        if want["target"] == want["target"]:
            assert row["Target in force"] == pytest.approx(float(want["target"]) / share)
        if want["progress"] == want["progress"]:
            assert row["Progress"] == pytest.approx(float(want["progress"]))  # never capped
        assert row["Status"] == want["status_text"]
    formats = {ws.cell(HEADER_ROW + 2 + i, 11).number_format for i in range(len(got))}
    assert "0.0%" in formats and "#,##0" in formats


def test_native_charts_are_written(books: dict[str, bytes]) -> None:
    names = zipfile.ZipFile(io.BytesIO(books["manager"])).namelist()
    assert len([n for n in names if n.startswith("xl/charts/chart")]) == 3


def test_donor_workbook_shows_hidden_counts_as_text(
    books: dict[str, bytes], contents: dict[str, ReportContent]
) -> None:
    ws = openpyxl.load_workbook(io.BytesIO(books["donor"]))["Values"]
    hidden = contents["donor"].values["suppressed"]
    assert hidden.any()
    got = rows(ws)
    assert len(got) == len(hidden)
    for row, is_hidden in zip(got, hidden, strict=True):
        if is_hidden:
            assert not isinstance(row["Actual (to date)"], float) or not isinstance(row["Semester value"], float)
    shown = {r["Actual (to date)"] for r in got if isinstance(r["Actual (to date)"], str)}
    assert shown & {"<5", "[c]"}


def test_text_is_written_inert(contents: dict[str, ReportContent]) -> None:
    from dataclasses import replace

    content = contents["manager"]
    meetings = content.meetings.assign(place='=HYPERLINK("http://x")')
    ws = openpyxl.load_workbook(io.BytesIO(workbook_bytes(replace(content, meetings=meetings))))["Meetings"]
    cell = ws.cell(HEADER_ROW + 2, 3)
    assert cell.data_type == "s" and cell.value == '=HYPERLINK("http://x")' and cell.quotePrefix  # Excel's inert text
    assert not ws.cell(HEADER_ROW + 2, 2).quotePrefix  # ordinary text (the date) as it is


def test_kosovo_footnote_under_tables_that_name_it(books: dict[str, bytes]) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(books["manager"]))
    for name in ("Values", "Work plan", "Completeness"):
        text = [c for row in wb[name].iter_rows(values_only=True) for c in row if isinstance(c, str)]
        assert any("Kosovo*" in t for t in text) and any("Resolution 1244" in t for t in text), name
    assert any("Illustrative" in str(c.value) for c in wb["Values"]["A"] if c.value)


def test_libreoffice_converts_the_workbook_without_complaint(
    tmp_path: Path, contents: dict[str, ReportContent]
) -> None:
    assert SOFFICE, "LibreOffice is needed: run 'sudo apt-get install libreoffice-calc-nogui' (make test does)"
    report = build_report(contents["donor"], "xlsx")
    source = tmp_path / report.file_name
    source.write_bytes(report.data)
    result = subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to", "ods",
         "--outdir", str(tmp_path / "out"), str(source)],
        capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "error" not in result.stderr.lower()
    assert (tmp_path / "out" / source.with_suffix(".ods").name).stat().st_size > 10_000


# Issue 24: a workbook for analysts.

NUMBER_AS_TEXT = re.compile(r"^[-+]?\d[\d,.\s\u202f]*(%|\s?pts)?$")


@pytest.mark.parametrize("audience", ["manager", "donor"])
def test_no_number_is_stored_as_text(books: dict[str, bytes], audience: str) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(books[audience]))
    for ws in wb.worksheets:
        for row in ws.iter_rows(min_row=HEADER_ROW + 2):
            for cell in row:
                if isinstance(cell.value, str):
                    assert not NUMBER_AS_TEXT.match(cell.value.strip()), (ws.title, cell.coordinate, cell.value)


def test_headline_figures_are_numbers_with_formats(books: dict[str, bytes], contents: dict[str, ReportContent]) -> None:
    ws = openpyxl.load_workbook(io.BytesIO(books["manager"]))["Headlines"]
    got = {r["Figure"]: r for r in rows(ws)}
    for want in contents["manager"].headlines.itertuples():
        row = got[want.figure]
        percent = want.unit == "%"
        assert row["This semester"] == pytest.approx(want.value / 100 if percent else want.value)
        assert row["Change"] == round(want.change) if percent else row["Change"] == pytest.approx(want.change)
    on_track = next(i for i, r in enumerate(rows(ws)) if r["Figure"] == "Indicators on track or achieved")
    assert ws.cell(HEADER_ROW + 2 + on_track, 2).number_format == "0%"
    assert "pts" in ws.cell(HEADER_ROW + 2 + on_track, 4).number_format


def test_progress_is_not_capped_and_over_achievement_is_marked(books: dict[str, bytes]) -> None:
    ws = openpyxl.load_workbook(io.BytesIO(books["manager"]))["Values"]
    got = rows(ws)
    over = [i for i, r in enumerate(got) if isinstance(r["Progress"], float) and r["Progress"] >= 1.5]
    assert over
    column = [c.value for c in ws[HEADER_ROW + 1]].index("Progress") + 1
    assert "⇑" in ws.cell(HEADER_ROW + 2 + over[0], column).number_format


@pytest.mark.parametrize("audience", ["manager", "donor"])
def test_every_table_prints_landscape_fit_to_width_with_its_header_on_each_page(
    books: dict[str, bytes], audience: str
) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(books[audience]))
    for ws in wb.worksheets[1:]:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth in (None, 1), (
            ws.title
        )  # 1: the default
        assert ws.page_setup.fitToHeight == 0, ws.title
        assert ws.print_title_rows.replace("$", "") == f"{HEADER_ROW + 1}:{HEADER_ROW + 1}", ws.title
        assert ws.auto_filter.ref or ws.max_row <= HEADER_ROW + 3, ws.title
        for cell in ws[HEADER_ROW + 1]:  # every header word fits its column
            longest = max((len(w) for w in str(cell.value or "").split()), default=0)
            assert ws.column_dimensions[cell.column_letter].width >= longest, (ws.title, cell.value)


def test_the_read_me_sheet_comes_first_with_the_summary(
    books: dict[str, bytes], contents: dict[str, ReportContent]
) -> None:
    ws = openpyxl.load_workbook(io.BytesIO(books["donor"])).worksheets[0]
    assert ws.title == "Read me"
    labels = {r[0]: r[1] for r in ws.iter_rows(min_row=3, values_only=True) if r[0]}
    assert labels["Summary"] == " ".join(contents["donor"].summary)
    assert "percentages as shares" in labels["Numbers"] and "Logframe" in labels
