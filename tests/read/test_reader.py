"""Tests of the one module that reads workbooks: exact rows and headers, text cells, what Excel hides."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest

from indicators.domain.problems import ERROR, WARNING, UnreadableWorkbook
from indicators.read import reader
from indicators.read.reader import RawWorkbook, read_workbook
from indicators.read.safety import check_upload
from tests import badfiles


def test_rows_are_indexed_by_excel_row_and_every_cell_is_text() -> None:
    data = badfiles.xlsx_from_rows(
        {
            "Values": [
                ["Indicator ID", "Value", "Date", "Flag"],
                ["IND-01", 12.5, dt.datetime(2024, 5, 1), True],
                [None, None, None, None],
                ["IND-02", 3, None, False],
            ]
        }
    )
    sheet = read_workbook(data).sheets["Values"]
    assert sheet.header_row == 1
    assert sheet.headers == ["Indicator ID", "Value", "Date", "Flag"]
    assert sheet.letters == ["A", "B", "C", "D"]
    assert list(sheet.rows.index) == [2, 4]  # the empty row 3 is dropped, numbers kept
    assert all(dtype == pd.StringDtype() for dtype in sheet.rows.dtypes)
    assert sheet.rows.loc[2].tolist() == ["IND-01", "12.5", "2024-05-01 00:00:00", "true"]
    assert sheet.rows.loc[4, "Value"] == "3"
    assert sheet.rows.loc[4, "Date"] is pd.NA


def test_leading_empty_rows_and_columns_keep_exact_positions() -> None:
    rows = '<row r="3"><c r="C3" t="inlineStr"><is><t>Indicator ID</t></is></c>'
    rows += '<c r="D3" t="inlineStr"><is><t>Value</t></is></c></row>'
    rows += '<row r="5"><c r="C5" t="inlineStr"><is><t>IND-01</t></is></c><c r="D5" t="e"><v>#REF!</v></c></row>'
    data = badfiles.zip_from_parts(badfiles.workbook_parts({"Values": badfiles.sheet_xml(rows, "C3:D5")}))
    workbook = read_workbook(data)
    sheet = workbook.sheets["Values"]
    assert (sheet.header_row, sheet.headers, sheet.letters) == (3, ["Indicator ID", "Value"], ["C", "D"])
    assert list(sheet.rows.index) == [5]
    [problem] = workbook.problems
    assert (problem.row, problem.column, problem.found) == (5, "Value", "the error value '#REF!'")


def test_values_beyond_the_first_thousand_rows_are_kept_as_text() -> None:
    rows = [["Indicator ID", "Value"]] + [[f"IND-{i}", i] for i in range(1500)] + [["IND-X", "not a number"]]
    sheet = read_workbook(badfiles.xlsx_from_rows({"Values": rows})).sheets["Values"]
    assert sheet.rows.loc[1502, "Value"] == "not a number"
    assert sheet.rows["Value"].notna().all()


def test_blank_and_duplicate_headers_are_named_and_reported() -> None:
    data = badfiles.xlsx_from_rows({"Values": [["Value", None, "value ", None, "Comment"], ["1", "x", "2", None, "c"]]})
    workbook = read_workbook(data)
    sheet = workbook.sheets["Values"]
    assert sheet.headers == ["Value", "Column B", "value  (column C)", "Comment"]  # empty column D dropped
    assert sheet.letters == ["A", "B", "C", "E"]
    by_code = {p.code: p for p in workbook.problems}
    assert by_code["duplicate-header"].severity == ERROR
    assert by_code["duplicate-header"].column == "value "
    assert "first is in column A" in by_code["duplicate-header"].expected
    assert by_code["blank-header"].severity == WARNING and by_code["blank-header"].column == "Column B"


def test_only_monitoring_sheets_are_read_in_full() -> None:
    data = badfiles.xlsx_from_rows({" values ": [["Indicator ID"], ["IND-01"]], "Notes": [["anything"], ["x"]]})
    sheets = read_workbook(data).sheets
    assert list(sheets) == [" values ", "Notes"]
    assert len(sheets[" values "].rows) == 1
    assert sheets["Notes"].rows.empty and sheets["Notes"].headers == []
    assert len(read_workbook(data, every_sheet=True).sheets["Notes"].rows) == 1


def test_empty_monitoring_sheet() -> None:
    sheet = read_workbook(badfiles.xlsx_from_rows({"Values": []})).sheets["Values"]
    assert sheet.headers == [] and sheet.rows.empty


PROBLEMS = [
    ("formulas_without_values", ERROR, "formula-without-value", [(3, "Value"), (4, "Value")]),
    ("namespaced_sheet", ERROR, "formula-without-value", [(2, "Value")]),
    ("error_cells", ERROR, "error-cell", [(2, "Value"), (3, "Value")]),
    ("merged_cells", ERROR, "merged-cells", [(2, "Indicator ID")]),
    ("hidden_rows", WARNING, "hidden-row", [(3, None)]),
    ("macro_workbook", WARNING, "macros", [(None, None)]),
    ("macro_workbook", WARNING, "external-links", [(None, None)]),
    ("macro_workbook", WARNING, "data-connections", [(None, None)]),
]


@pytest.mark.parametrize(("factory", "severity", "code", "places"), PROBLEMS)
def test_what_fastexcel_cannot_see_is_reported(factory: str, severity: str, code: str, places: list) -> None:
    problems = [p for p in read_workbook(badfiles.FACTORIES[factory]()).problems if p.code == code]
    assert [(p.row, p.column) for p in problems] == places
    assert {p.severity for p in problems} == {severity}


def test_problem_messages_say_what_to_do() -> None:
    messages = [p.message for p in read_workbook(badfiles.formulas_without_values()).problems]
    assert messages[0] == (
        "sheet 'Values', row 3, column 'Value': found a formula without a calculated value; expected a value; "
        "open the file in Excel, let it calculate (F9), save it and upload it again."
    )
    errors = [p.found for p in read_workbook(badfiles.error_cells()).problems]
    assert errors == ["the error value '#DIV/0!'", "the error value '#N/A'"]


def test_formulas_with_calculated_values_are_read_without_problems() -> None:
    workbook = read_workbook(badfiles.formula_with_cached_value())
    assert workbook.problems == []
    assert workbook.sheets["Values"].rows.loc[2, "Value"] == "6"


def test_hidden_sheets_are_read_and_marked() -> None:
    sheets = read_workbook(badfiles.hidden_sheet()).sheets
    assert (sheets["Values"].visible, sheets["Targets"].visible) == (True, False)
    assert sheets["Targets"].rows.loc[2, "Indicator ID"] == "IND-02"


def test_hidden_column_with_data_is_a_warning() -> None:
    rows = '<row r="1"><c r="A1" t="inlineStr"><is><t>Indicator ID</t></is></c>'
    rows += '<c r="B1" t="inlineStr"><is><t>Value</t></is></c></row><row r="2"><c r="B2"><v>4</v></c></row>'
    xml = badfiles.sheet_xml(rows, "A1:B2").replace(
        b"<sheetData>", b'<cols><col min="2" max="2" hidden="1"/></cols><sheetData>'
    )
    problems = read_workbook(badfiles.zip_from_parts(badfiles.workbook_parts({"Values": xml}))).problems
    assert [(p.code, p.column) for p in problems] == [("hidden-column", "Value")]


def test_many_identical_problems_are_capped_with_a_count() -> None:
    rows = [["Indicator ID", "Value"]] + [[f"IND-{i}", "=1/0"] for i in range(150)]
    problems = read_workbook(badfiles.xlsx_from_rows({"Values": rows})).problems
    assert len(problems) == 101
    assert problems[-1].found == "50 more cells like those above" and problems[-1].row is None


def test_read_workbook_runs_the_safety_checks_itself() -> None:
    with pytest.raises(UnreadableWorkbook, match="reaches cell XFD1048576"):
        read_workbook(badfiles.far_cell())


def _big_workbook(rows: int) -> bytes:
    """A Values sheet of ``rows`` rows by 7 columns, written by hand (openpyxl would take seconds)."""
    headers = ["Indicator ID", "Beneficiary", "Semester", "Sex", "Value", "Comment", "Source"]
    letters = "ABCDEFG"

    def cell(ref: str, text: str) -> str:
        return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'

    out = ['<row r="1">' + "".join(cell(f"{c}1", h) for c, h in zip(letters, headers, strict=True)) + "</row>"]
    for r in range(2, rows + 2):
        out.append(
            f'<row r="{r}">{cell(f"A{r}", f"IND-{r % 40}")}{cell(f"B{r}", "ALB")}{cell(f"C{r}", "2025NovS1")}'
            f'{cell(f"D{r}", "total")}<c r="E{r}"><v>{r * 0.5}</v></c>{cell(f"F{r}", "ok")}{cell(f"G{r}", "report")}'
            "</row>"
        )
    return badfiles.zip_from_parts(
        badfiles.workbook_parts({"Values": badfiles.sheet_xml("".join(out), f"A1:G{rows + 1}")})
    )


def test_hundred_thousand_rows_are_all_read_with_exact_row_numbers() -> None:
    # speed is measured by `make bench`, never by a timed test
    data = _big_workbook(100_000)
    summary = check_upload(data, "")
    sheet = read_workbook(data, summary).sheets["Values"]
    assert sheet.rows.shape == (100_000, 7)
    assert sheet.rows.index[-1] == 100_001 and sheet.rows.loc[100_001, "Value"] == "50000.5"


# --- a large sheet read as two halves at once ---------------------------------------------------------------

HALVES_ALWAYS, HALVES_NEVER = "0.000001", "0"  # PARSE_SPLIT_MB: halve every sheet, or none


@pytest.fixture
def joins(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether the halves of each halved sheet fitted together (False: the sheet was read again whole)."""
    found: list[bool] = []
    join = reader._joined
    monkeypatch.setattr(
        reader, "_joined", lambda halves, row: found.append(join(halves, row) is not None) or join(halves, row)
    )
    return found


def _both_ways(data: bytes, monkeypatch: pytest.MonkeyPatch) -> tuple[RawWorkbook, RawWorkbook]:
    monkeypatch.setenv("PPD_PARSE_SPLIT_MB", HALVES_ALWAYS)
    halved = read_workbook(data, every_sheet=True)
    monkeypatch.setenv("PPD_PARSE_SPLIT_MB", HALVES_NEVER)
    return halved, read_workbook(data, every_sheet=True)


def _assert_same(halved: RawWorkbook, whole: RawWorkbook) -> None:
    assert halved.sheets.keys() == whole.sheets.keys()
    for name, sheet in whole.sheets.items():
        other = halved.sheets[name]
        assert (other.header_row, other.headers, other.letters) == (sheet.header_row, sheet.headers, sheet.letters)
        pd.testing.assert_frame_equal(other.rows, sheet.rows)
    assert halved.problems == whole.problems


def _rows(numbers: list[int], columns: str = "AB") -> str:
    """Rows in the given order: a header at row 1, then a value per column."""
    out = []
    for r in numbers:
        cells = "".join(
            badfiles._inline(f"{c}{r}", f"H{c}" if r == 1 else f"{c}{r}")
            if c != "B" or r == 1
            else f'<c r="B{r}"><v>{r}</v></c>'
            for c in columns
        )
        out.append(f'<row r="{r}">{cells}</row>')
    return "".join(out)


def _sheet(rows_xml: str, dimension: str = "A1:B100") -> bytes:
    return badfiles.zip_from_parts(badfiles.workbook_parts({"Values": badfiles.sheet_xml(rows_xml, dimension)}))


@pytest.mark.parametrize(
    "factory",
    [
        "formulas_without_values",
        "formula_with_cached_value",
        "error_cells",
        "merged_cells",
        "hidden_sheet",
        "hidden_rows",
        "macro_workbook",
        "namespaced_sheet",
    ],
)
def test_halved_read_equals_the_whole_read_on_odd_workbooks(factory: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _assert_same(*_both_ways(badfiles.FACTORIES[factory](), monkeypatch))


def test_halved_read_equals_the_whole_read_on_a_large_sheet(monkeypatch: pytest.MonkeyPatch, joins: list) -> None:
    halved, whole = _both_ways(_big_workbook(3000), monkeypatch)
    _assert_same(halved, whole)
    assert whole.sheets["Values"].rows.shape == (3000, 7)
    assert joins == [True]  # the halves were read and fitted together, not read again whole


def test_halved_read_equals_the_whole_read_on_sparse_rows_and_columns(
    monkeypatch: pytest.MonkeyPatch, joins: list
) -> None:
    numbers = [1, *range(2, 400, 3), *range(600, 1000, 7)]
    rows = _rows(numbers, "AB").replace('<row r="601">', '<row r="601"><c r="F601"><v>9</v></c>', 1)
    _assert_same(*_both_ways(_sheet(rows.replace('<c r="A2"', '<c r="D2"')), monkeypatch))
    assert joins == [True]


def test_rows_out_of_order_across_the_cut_are_read_whole(monkeypatch: pytest.MonkeyPatch, joins: list) -> None:
    numbers = [1, 950, *range(2, 900)]  # row 950 comes first: the first half reaches beyond the cut
    halved, whole = _both_ways(_sheet(_rows(numbers)), monkeypatch)
    assert joins == [False]
    _assert_same(halved, whole)
    assert list(whole.sheets["Values"].rows.index[:2]) == [2, 3] and whole.sheets["Values"].rows.loc[950, "HB"] == "950"


PLAIN = _rows(range(1, 600))


@pytest.mark.parametrize(
    ("rows_xml", "why"),
    [
        (PLAIN.replace('<row r="300">', '<!-- a comment --><row r="300">'), "a comment in the cells"),
        (PLAIN.replace('<row r="300">', '<?pi x?><row r="300">'), "a processing instruction in the cells"),
        (re.sub(r'<row r="[0-9]+">', "<row>", PLAIN), "rows without numbers"),
        (re.sub(r'<row r="([0-9]+)">', r'<row q:r="\1">', PLAIN), "rows numbered only by a prefixed attribute"),
        (PLAIN.replace("</row>", "</row></sheetData><sheetData>", 1), "a second block of cells"),
        ('<row r="1"><c r="A1"><v>1</v></c></row>', "a single row"),
        ("", "no cells"),
    ],
)
def test_sheets_that_cannot_be_cut_safely_are_read_whole(rows_xml: str, why: str) -> None:
    def halves(rows: str) -> object:
        xml = badfiles.sheet_xml(rows, "A1:B600")
        summary = check_upload(badfiles.zip_from_parts(badfiles.workbook_parts({"Values": xml})))
        return reader._halves(summary, summary.sheets[0][1])

    assert halves(PLAIN) is not None  # the same sheet without the oddity is cut
    assert halves(rows_xml) is None, why


def test_rows_after_the_cell_data_that_calamine_ignores_are_not_read_by_halves(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    smuggled = '<row r="2000"><c r="A2000" t="inlineStr"><is><t>EVIL</t></is></c></row>'
    padding = f'<extLst><ext uri="{"x" * 2 * len(PLAIN)}"/></extLst>'  # puts the middle past the cell data
    xml = badfiles.sheet_xml(PLAIN, "A1:B600", extra_after=f"{padding}{smuggled}<sheetData></sheetData>")
    halved, whole = _both_ways(badfiles.zip_from_parts(badfiles.workbook_parts({"Values": xml})), monkeypatch)
    _assert_same(halved, whole)
    assert "EVIL" not in halved.sheets["Values"].rows["HA"].tolist()


def test_a_sheet_with_large_shared_parts_is_read_whole() -> None:
    xml = badfiles.sheet_xml(PLAIN, "A1:B600")
    parts = badfiles.workbook_parts({"Values": xml})
    parts["docProps/custom.xml"] = b"<Properties>" + b"x" * len(xml) + b"</Properties>"  # copied into each half
    summary = check_upload(badfiles.zip_from_parts(parts))
    assert reader._halves(summary, summary.sheets[0][1]) is None
