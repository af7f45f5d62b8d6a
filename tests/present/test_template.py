"""Tests of the monitoring workbook writer: sheets, headers, drop-downs, written values and inert text."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from openpyxl.utils import column_index_from_string, range_boundaries

from indicators.demo import demo_programme
from indicators.domain import reference as ref
from indicators.domain import schema
from indicators.ingest import ingest
from indicators.present.template import (
    drop_down_list,
    is_formula_like,
    list_semesters,
    safe_cell_text,
    template_bytes,
    workbook_lists,
    write_workbook,
)
from tests.factories import ANA


@pytest.fixture(scope="module")
def demo() -> schema.Programme:
    return demo_programme()


@pytest.fixture(scope="module")
def filled(demo: schema.Programme) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(write_workbook(demo, lists_from=demo)))


@pytest.fixture(scope="module")
def blank() -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(template_bytes()))


def _validations_by_column(ws) -> dict[int, list]:
    """Each column's list validations on a sheet, by column number."""
    found: dict[int, list] = {}
    for dv in ws.data_validations.dataValidation:
        for cell_range in dv.sqref.ranges:
            min_col, min_row, max_col, _ = range_boundaries(cell_range.coord)
            for col in range(min_col, max_col + 1):
                found.setdefault(col, []).append((dv, min_row))
    return found


def _list_values(wb: openpyxl.Workbook, formula: str) -> list[str]:
    """The values a validation formula such as 'Lists'!$A$2:$A$8 refers to."""
    sheet, cells = formula.split("!")
    assert sheet.strip("'") == schema.LISTS_SHEET
    min_col, min_row, _, max_row = range_boundaries(cells.replace("$", ""))
    ws = wb[schema.LISTS_SHEET]
    return [ws.cell(row=r, column=min_col).value for r in range(min_row, max_row + 1)]


@pytest.mark.parametrize("workbook", ["blank", "filled"])
def test_sheets_in_order_with_instructions_first_and_lists_hidden(workbook: str, request) -> None:
    wb = request.getfixturevalue(workbook)
    assert wb.sheetnames == [schema.INSTRUCTIONS_SHEET, *(t.sheet for t in schema.TABLES), schema.LISTS_SHEET]
    assert wb[schema.LISTS_SHEET].sheet_state == "hidden"
    assert all(wb[name].sheet_state == "visible" for name in wb.sheetnames[:-1])


@pytest.mark.parametrize("table", schema.TABLES, ids=lambda t: t.sheet)
def test_each_sheet_has_exact_bold_frozen_headers_with_notes(table: schema.Table, blank) -> None:
    ws = blank[table.sheet]
    headers = [c.value for c in ws[1]]
    assert headers == [c.header for c in table.columns]
    assert ws.freeze_panes == "A2"
    for cell, column in zip(ws[1], table.columns, strict=True):
        assert cell.font.bold
        assert cell.comment is not None and column.header in cell.comment.text
        if column.help:
            assert column.help in cell.comment.text
        assert ws.column_dimensions[cell.column_letter].width >= len(column.header)
    assert ws.max_row == 1  # blank: headers only


def test_instructions_cover_every_sheet_semesters_footnote_and_submission(filled) -> None:
    text = "\n".join(str(c.value) for c in filled[schema.INSTRUCTIONS_SHEET]["A"] if c.value)
    for table in schema.TABLES:
        assert table.sheet in text and table.help in text
    assert "2025NovS1 is Nov 2024 – Apr 2025" in text
    assert ref.KOSOVO_FOOTNOTE in text
    assert "upload" in text.lower()
    assert ref.ILLUSTRATIVE_NOTICE in text  # the demo's meetings are mostly illustrative


def test_blank_template_has_no_illustrative_notice(blank) -> None:
    text = "\n".join(str(c.value) for c in blank[schema.INSTRUCTIONS_SHEET]["A"] if c.value)
    assert ref.ILLUSTRATIVE_NOTICE not in text


@pytest.mark.parametrize("table", schema.TABLES, ids=lambda t: t.sheet)
def test_coded_columns_have_warning_drop_downs_from_the_lists_sheet(table: schema.Table, filled, demo) -> None:
    ws = filled[table.sheet]
    by_column = _validations_by_column(ws)
    lists = workbook_lists(demo)
    for number, column in enumerate(table.columns, start=1):
        list_name = drop_down_list(table, column)
        if list_name is None:
            assert number not in by_column, f"{table.sheet}.{column.header} should be free entry"
            continue
        (dv, first_row), *others = by_column[number]
        assert not others
        assert dv.type == "list" and dv.errorStyle == "warning" and dv.allow_blank
        assert first_row == 2  # the header itself takes no drop-down
        assert _list_values(filled, dv.formula1) == lists[list_name]


@pytest.mark.parametrize(
    ("sheet", "header", "expected"),
    [
        ("Values", "Beneficiary", list(ref.BENEFICIARY_CODES)),
        ("Activities", "Status", list(ref.ACTIVITY_STATUSES)),
        ("Indicators", "Measure", list(ref.MEASURES)),
        ("Indicators", "Cumulative", ["yes", "no"]),
        ("Values", "Sex", list(ref.SEX_VALUES)),
        ("Results", "Level", list(ref.RESULT_LEVELS)),
        ("Indicators", "Aggregation", list(ref.AGGREGATIONS)),
        ("Indicators", "Direction", list(ref.DIRECTIONS)),
    ],
)
def test_blank_template_drop_downs_offer_the_reference_lists(sheet: str, header: str, expected: list[str], blank):
    ws = blank[sheet]
    col = [c.value for c in ws[1]].index(header) + 1
    (dv, _), *_ = _validations_by_column(ws)[col]
    assert _list_values(blank, dv.formula1) == expected


def test_blank_template_without_a_programme_offers_no_id_lists(blank) -> None:
    ws = blank["Values"]
    assert 1 not in _validations_by_column(ws)  # Indicator ID: no approved programme to list from
    assert "indicator_id" not in workbook_lists(None)


def test_id_lists_come_from_the_approved_programme(demo) -> None:
    lists = workbook_lists(demo)
    assert lists["indicator_id"] == list(demo.indicators["indicator_id"])
    assert lists["result_id"] == list(demo.results["result_id"])


@pytest.mark.parametrize(
    ("programme", "first", "last", "count"),
    [(None, "2023NovS1", "2027NovS2", 10), ("demo", "2023NovS2", "2028NovS1", 10)],
)
def test_semester_list_spans_the_programme_and_two_more(programme, first, last, count, demo) -> None:
    semesters = list_semesters(demo if programme else None)
    assert (semesters[0], semesters[-1], len(semesters)) == (first, last, count)


def _sheet_rows(wb: openpyxl.Workbook, sheet: str) -> list[dict[str, object]]:
    rows = list(wb[sheet].iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


@pytest.mark.parametrize("table", schema.TABLES, ids=lambda t: t.sheet)
def test_filled_workbook_has_one_row_per_frame_row(table: schema.Table, filled, demo) -> None:
    assert filled[table.sheet].max_row == len(demo[table.name]) + 1


def test_filled_values_write_milestones_as_yes_no_and_qualitative_as_text(filled, demo) -> None:
    measures = dict(zip(demo.indicators["indicator_id"], demo.indicators["measure"], strict=True))
    seen: dict[str, set[type]] = {}
    for row in _sheet_rows(filled, "Values"):
        measure = measures[row["Indicator ID"]]
        if row["Value"] is not None:
            seen.setdefault(measure, set()).add(type(row["Value"]))
        if measure == "milestone" and row["Value"] is not None:
            assert row["Value"] in ("yes", "no")
        if measure == "percentage":
            assert row["Value"] is None
            assert row["Numerator"] is None or row["Numerator"] <= row["Denominator"]
    assert seen["qualitative"] == {str}
    assert seen["count"] <= {int, float}
    texts = set(demo.values["text"].dropna())
    assert {r["Value"] for r in _sheet_rows(filled, "Values") if measures[r["Indicator ID"]] == "qualitative"} - {
        None
    } <= texts


def test_filled_dates_are_real_dates_and_booleans_words(filled) -> None:
    rows = _sheet_rows(filled, "Meetings")
    assert rows[1]["Date"] == dt.datetime(2023, 10, 17)
    assert filled["Meetings"]["B3"].number_format == "yyyy-mm-dd"
    assert [r["Illustrative"] for r in rows[:4]] == ["yes", "no", "yes", "no"]
    assert rows[0]["Semester assessed"] is None  # NA is an empty cell
    indicators = _sheet_rows(filled, "Indicators")
    assert {r["Cumulative"] for r in indicators} == {"yes", "no"}


@pytest.mark.parametrize(
    ("text", "formula_like"),
    [
        ("=1+1", True),
        ("+381 11 123", True),
        ("-5 staff", True),
        ("@SUM(A1:A2)", True),
        ("\tindent", True),
        ("\rcarriage", True),
        ('=HYPERLINK("http://x","y")', True),
        ("Training of staff", False),
        ("a=b", False),
        ("", False),
        (" =1", False),
    ],
)
def test_safe_cell_text_never_writes_a_formula(text: str, formula_like: bool) -> None:
    assert is_formula_like(text) is formula_like
    wb = openpyxl.Workbook()
    cell = safe_cell_text(wb.active["A1"], text)
    assert cell.data_type == "s" and cell.value == text
    assert bool(cell.quotePrefix) is formula_like
    buffer = io.BytesIO()
    wb.save(buffer)
    back = openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).active["A1"]
    if text:  # the standard-library XML writer turns a carriage return into a line feed, lxml's keeps it
        assert (back.data_type, bool(back.quotePrefix)) == ("s", formula_like)
        assert back.value in (text, text.replace("\r", "\n"))
    else:
        assert back.value is None


def test_safe_cell_text_removes_illegal_control_characters() -> None:
    cell = safe_cell_text(openpyxl.Workbook().active["A1"], "bad\x00\x07text")
    assert cell.value == "badtext"


def test_formula_like_text_in_a_programme_is_written_inert(demo) -> None:
    results = demo.results.copy()
    results.loc[0, "title"] = '=HYPERLINK("http://example.org","click")'
    results.loc[1, "title"] = "+381 preceded by a plus"
    values = demo.values.copy()
    values.loc[0, "comment"] = "@SUM(A1:A9)"
    tampered = schema.Programme({**demo.tables, "results": results, "values": values})
    wb = openpyxl.load_workbook(io.BytesIO(write_workbook(tampered, lists_from=demo)))
    for sheet, ref_cell, expected in [
        ("Results", "D2", results.loc[0, "title"]),
        ("Results", "D3", results.loc[1, "title"]),
        ("Values", "H2", "@SUM(A1:A9)"),
    ]:
        cell = wb[sheet][ref_cell]
        assert cell.data_type == "s", f"{sheet}!{ref_cell} was written as {cell.data_type}"
        assert cell.value == expected
    with zipfile.ZipFile(io.BytesIO(write_workbook(tampered))) as z:
        sheet_xml = z.read("xl/worksheets/sheet2.xml").decode()
    assert "<f>" not in sheet_xml


def test_output_is_byte_reproducible_with_fixed_document_times(demo) -> None:
    first = write_workbook(demo, lists_from=demo)
    assert first == write_workbook(demo_programme(), lists_from=demo_programme())
    with zipfile.ZipFile(io.BytesIO(first)) as z:
        core = z.read("docProps/core.xml").decode()
        assert {i.date_time for i in z.infolist()} == {(2023, 1, 1, 0, 0, 0)}
    assert core.count("2023-01-01T00:00:00Z") == 2


def test_writing_an_empty_programme_gives_headers_only() -> None:
    wb = openpyxl.load_workbook(io.BytesIO(write_workbook(schema.empty_programme())))
    assert all(wb[t.sheet].max_row == 1 for t in schema.TABLES)


def test_na_values_are_empty_cells() -> None:
    frame = schema.conform(
        schema.BASELINES, pd.DataFrame({"indicator_id": ["IND-01"], "beneficiary": ["ALB"], "value": [pd.NA]})
    )
    programme = schema.Programme({**schema.empty_programme().tables, "baselines": frame})
    ws = openpyxl.load_workbook(io.BytesIO(write_workbook(programme)))["Baselines"]
    assert [c.value for c in ws[2]] == ["IND-01", "ALB", None, None, None]


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def test_libreoffice_round_trip_keeps_headers_and_validations(tmp_path: Path, demo, demo_store) -> None:
    assert SOFFICE, (
        "LibreOffice is needed for this test: run 'sudo apt-get install libreoffice-calc-nogui' (make test does)"
    )
    source = tmp_path / "in" / "monitoring.xlsx"
    source.parent.mkdir()
    source.write_bytes(write_workbook(demo, lists_from=demo))
    out = tmp_path / "out"
    subprocess.run(
        [SOFFICE, "--headless", "--convert-to", "xlsx", "--outdir", str(out), str(source)],
        check=True,
        timeout=180,
        capture_output=True,
    )
    wb = openpyxl.load_workbook(out / "monitoring.xlsx")
    for table in schema.TABLES:
        ws = wb[table.sheet]
        assert [c.value for c in ws[1]] == [c.header for c in table.columns]
    status_col = column_index_from_string("F")
    assert status_col in _validations_by_column(wb["Activities"])
    # what LibreOffice wrote, the loader reads: valid, and the same programme as the demo
    result = ingest((out / "monitoring.xlsx").read_bytes(), "monitoring.xlsx", ANA, demo_store, save=False)
    assert result.ok, result.problems[:5]
    assert result.changes.empty, result.changes.head()
