"""The report workbook: read back with openpyxl and converted by LibreOffice; figures equal the computed ones."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest

from indicators.present.reports import ReportContent, build_report
from indicators.present.reports.xlsx import HEADER_ROW, workbook_bytes

SHEETS = ["About", "Headlines", "Status", "Logframe", "Values", "Work plan", "Activities", "Completeness",
          "Missing reports", "Meetings"]  # fmt: skip
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.fixture(scope="module")
def books(contents: dict[str, ReportContent]) -> dict[str, bytes]:
    return {a: workbook_bytes(c) for a, c in contents.items()}


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
        if want["measure"] != "qualitative" and want["actual"] == want["actual"]:
            assert row["Actual"] == pytest.approx(float(want["actual"]))
        if want["target"] == want["target"]:
            assert row["Target in force"] == pytest.approx(float(want["target"]))
        assert row["Status"] == want["status_text"]
    formats = {ws.cell(HEADER_ROW + 2 + i, 11).number_format for i in range(len(got))}
    assert '0.0"%"' in formats and "#,##0" in formats


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
