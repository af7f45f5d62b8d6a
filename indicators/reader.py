"""The one module that reads workbooks: every cell of the monitoring sheets as text, and what Excel hides.

Cell values come from fastexcel (calamine to Arrow) read as text in full (``dtypes="string"``,
``schema_sample_rows=None``), so no value is ever guessed into a null. What fastexcel cannot tell us
(formulas saved without a calculated value, error cells, merged cells, hidden rows and columns) comes
from a scan of the sheet XML that ``safety.check_upload`` has already inflated under its bounds; the scan
runs while fastexcel reads, in a second thread (fastexcel releases the GIL). Only sheets named like a
schema table are read in full; the others are listed with no rows.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TypeVar

import fastexcel
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from indicators.problems import ERROR, WARNING, Problem, UnreadableWorkbook, quote
from indicators.safety import (
    ZipSummary,
    check_container,
    check_contents,
    check_upload,
    column_letters,
    column_number,
)
from indicators.schema import TABLES

T = TypeVar("T")
STRING = pd.StringDtype()
MAX_PROBLEMS_PER_RULE = 100  # per sheet; the rest are counted in one further problem
TABLE_SHEETS = frozenset(t.sheet.strip().casefold() for t in TABLES)
RECALCULATE = "a value; open the file in Excel, let it calculate (F9), save it and upload it again"

_PREFIX = re.compile(rb"<(\w+:)?worksheet\b")
_ATTR_REF = re.compile(rb'\br="([A-Z]{1,3})([0-9]{1,7})"')
_ATTR_ROW = re.compile(rb'\br="([0-9]{1,7})"')
_ATTR_T = re.compile(rb'\bt="(\w+)"')


@dataclass
class RawSheet:
    """One sheet as text: ``rows`` has one string column per header, indexed by Excel row number."""

    name: str
    visible: bool
    header_row: int
    headers: list[str]
    rows: pd.DataFrame
    letters: list[str] = field(default_factory=list)  # the column letter of each header


@dataclass
class RawWorkbook:
    """Every sheet of a workbook by name, and the problems found while reading it."""

    sheets: dict[str, RawSheet]
    problems: list[Problem]


def read_workbook(
    data: bytes, summary: ZipSummary | None = None, file_name: str = "", every_sheet: bool = False
) -> RawWorkbook:
    """The workbook's sheets as text and the reading problems; checks the upload first unless given its summary.

    Safe in any process: fastexcel starts only once every check has passed. Only sheets named like a schema
    table are read in full, unless ``every_sheet`` (for robustness tests).
    """
    checked = summary if summary is not None else check_upload(data, file_name)
    return _read(data, lambda: checked, file_name, every_sheet)


def read_untrusted(data: bytes, file_name: str = "", every_sheet: bool = False) -> RawWorkbook:
    """Like ``read_workbook``, faster; only ever call it in a parsing worker (``worker.parse_isolated``).

    fastexcel starts as soon as the checks that read no XML have passed (size, format, zip bounds), while the
    rest of the checks (every part inflated under the size cap, XML declarations, far cells) and the XML scan
    run alongside. A refusal from those checks wins over whatever fastexcel read. A file that makes calamine
    abort or exhaust memory ends the worker process; the pool then runs the checks alone to say why.
    """
    container = check_container(data, file_name)
    return _read(data, lambda: check_contents(container), file_name, every_sheet)


class RefusedWhileReading(UnreadableWorkbook):
    """The checks refused a file while fastexcel was still reading it (the worker should not be reused)."""


def _read(data: bytes, checks: Callable[[], ZipSummary], file_name: str, every_sheet: bool) -> RawWorkbook:
    """fastexcel reads the sheets in a second thread (it releases the GIL) while this one runs ``checks`` and
    scans the sheet XML for what fastexcel cannot see; then both are put together."""
    subject = f"'{file_name}'" if file_name else "The file"
    wanted = lambda name: every_sheet or name.strip().casefold() in TABLE_SHEETS  # noqa: E731
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="fastexcel")
    try:
        loading = pool.submit(_load_sheets, data, wanted, subject)
        try:
            summary = checks()
            findings = {
                name: _scan_xml(summary.parts[path])
                for name, path, _ in summary.sheets
                if wanted(name) and path in summary.parts
            }
        except UnreadableWorkbook as error:
            if loading.done():
                raise
            raise RefusedWhileReading(str(error)) from error
        loaded = loading.result()
    finally:
        pool.shutdown(wait=False)  # never wait for a read whose file the checks refused
    problems = _package_problems(summary)
    sheets: dict[str, RawSheet] = {}
    for name, _, visible in summary.sheets:
        if name in loaded and name in findings:
            sheet, found = _table_sheet(name, visible, *loaded[name], findings[name])
            problems.extend(found)
        else:
            sheet = RawSheet(name, visible, 1, [], pd.DataFrame(index=pd.Index([], dtype="int64", name="row")))
        sheets[name] = sheet
    return RawWorkbook(sheets, problems)


def _load_sheets(
    data: bytes, wanted: Callable[[str], bool], subject: str
) -> dict[str, tuple[list[int], list[pa.Array], int]]:
    """Each wanted sheet calamine can read: its 1-based column numbers, its columns as text, its row count."""
    reader = _calamine(lambda: fastexcel.read_excel(data), subject)
    loaded = {}
    for name in reader.sheet_names:
        if not wanted(name):
            continue
        sheet = _calamine(
            lambda name=name: reader.load_sheet(
                name, header_row=None, skip_rows=0, dtypes="string", schema_sample_rows=None
            ),
            subject,
        )
        batch: pa.RecordBatch = _calamine(sheet.to_arrow, subject)
        numbers = [c.absolute_index + 1 for c in sheet.selected_columns]
        loaded[name] = (numbers, [_as_string(batch.column(i)) for i in range(batch.num_columns)], batch.num_rows)
    return loaded


def _calamine(call: Callable[[], T], subject: str) -> T:
    """The result of a fastexcel call; its errors (and Rust panics) become a one-sentence refusal."""
    try:
        return call()
    except (KeyboardInterrupt, SystemExit, MemoryError):
        raise
    except BaseException as error:  # pyo3 panics derive from BaseException
        raise UnreadableWorkbook(
            f"{subject} could not be read as a workbook ({type(error).__name__}); it may be damaged: "
            "open it in Excel, save it again as Excel Workbook (.xlsx) and upload that."
        ) from error


def _package_problems(summary: ZipSummary) -> list[Problem]:
    """Warnings about macros, external links and data connections, none of which is run or followed."""
    found = [
        (summary.has_macros, "macros (a VBA project)", "macros", "values only; macros are never run"),
        (
            summary.has_external_links,
            "links to other workbooks",
            "external-links",
            "values only; links are not followed and the values saved in this file are read",
        ),
        (
            summary.has_connections,
            "data connections",
            "data-connections",
            "values only; connections are not refreshed and the values saved in this file are read",
        ),
    ]
    return [
        Problem(WARNING, "", None, None, what, expected, code) for present, what, code, expected in found if present
    ]


def _table_sheet(
    name: str, visible: bool, numbers: list[int], columns: list[pa.Array], num_rows: int, findings: XmlFindings
) -> tuple[RawSheet, list[Problem]]:
    """A monitoring sheet read in full, with the problems its cells and XML show."""
    header_at = _first_filled_row(columns)  # 0-based; the frame's first row is Excel row 1 (skip_rows=0)
    if header_at is None:
        empty = pd.DataFrame(index=pd.Index([], dtype="int64", name="row"))
        return RawSheet(name, visible, 1, [], empty), []
    header_row = header_at + 1
    index = pd.Index(range(header_row + 1, num_rows + 1), dtype="int64", name="row")
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    data: dict[str, pd.Series] = {}
    letters: list[str] = []
    by_number: dict[int, str] = {}
    for number, column in zip(numbers, columns, strict=True):
        letter = column_letters(number)
        header = column[header_at].as_py()
        values = pd.Series(pd.array(column.slice(header_at + 1), dtype=STRING), index=index, copy=False)
        blank = header is None or not header.strip()
        if blank:
            if not values.notna().any():
                continue
            label = f"Column {letter}"
            problems.append(
                Problem(
                    WARNING,
                    name,
                    header_row,
                    label,
                    f"data under an empty header in column {letter}",
                    "a header naming the column",
                    "blank-header",
                )
            )
        else:
            key = header.strip().casefold()
            label = header
            if key in seen:
                label = f"{header} (column {letter})"
                problems.append(
                    Problem(
                        ERROR,
                        name,
                        header_row,
                        header,
                        f"a second column headed {quote(header)} in column {letter}",
                        f"each header once (the first is in column {seen[key]})",
                        "duplicate-header",
                    )
                )
            else:
                seen[key] = letter
        data[label] = values
        letters.append(letter)
        by_number[number] = label
    rows = pd.DataFrame(data, index=index)
    rows = rows[rows.notna().any(axis=1)] if len(rows.columns) else rows.iloc[0:0]  # drop empty rows
    sheet = RawSheet(name, visible, header_row, list(rows.columns), rows, letters)
    problems.extend(_xml_problems(name, findings, header_row, rows, by_number))
    return sheet, problems


def _as_string(column: pa.Array) -> pa.Array:
    """A column as an Arrow string array (fastexcel may give string views or large strings)."""
    return column if column.type == pa.string() else column.cast(pa.string())


def _first_filled_row(columns: list[pa.Array]) -> int | None:
    """The 0-based index of the first row with a cell that is not empty or blank, None if there is none."""
    firsts = []
    for column in columns:
        filled = pc.fill_null(pc.not_equal(pc.utf8_trim_whitespace(column), ""), False)
        first = pc.index(filled, True).as_py()
        if first >= 0:
            firsts.append(first)
    return min(firsts) if firsts else None


@dataclass
class XmlFindings:
    """What sheet XML shows that fastexcel cannot: cells by (row, column letters), merges, hidden rows and columns."""

    formulas_without_value: list[tuple[int, str]] = field(default_factory=list)
    error_cells: list[tuple[int, str, str]] = field(default_factory=list)  # (row, letters, the error text)
    merges: list[tuple[int, int, str, str]] = field(default_factory=list)  # (first row, last row, letters, ref)
    hidden_rows: list[int] = field(default_factory=list)
    hidden_columns: list[range] = field(default_factory=list)  # spans of 1-based column numbers


def _scan_xml(xml: bytes) -> XmlFindings:
    """The findings of one sheet's XML; needs nothing from the cell values, so it runs while fastexcel reads."""
    match = _PREFIX.search(xml, 0, 4096) or _PREFIX.search(xml)
    prefix = (match.group(1) or b"") if match else b""
    p = re.escape(prefix)
    found = XmlFindings()
    cell_start, cell_end = b"<" + prefix + b"c ", b"</" + prefix + b"c>"
    value_re = re.compile(rb"<" + p + rb"v(?:\s[^>]*)?(?:/>|>(.*?)</" + p + rb"v>)", re.S)
    for formula in re.finditer(rb"<" + p + rb"f[\s>/]", xml):
        start = xml.rfind(cell_start, 0, formula.start())
        end = xml.find(cell_end, formula.start())
        if start < 0 or end < 0:
            continue
        cell = xml[start:end]
        attributes = cell[: cell.find(b">")]
        ref, kind = _ATTR_REF.search(attributes), _ATTR_T.search(attributes)
        kind_text = kind.group(1) if kind else b"n"
        value = value_re.search(cell)
        has_value = (value is not None and bool(value.group(1))) or (
            kind_text in (b"str", b"inlineStr") and (value is not None or b"<is" in cell)
        )
        if ref and not has_value and kind_text != b"e":
            found.formulas_without_value.append((int(ref.group(2)), ref.group(1).decode()))
    if b't="e"' in xml:
        error_re = re.compile(rb"<" + p + rb'c\b([^>]*\bt="e"[^>]*)>(.*?)</' + p + rb"c>", re.S)
        for cell in error_re.finditer(xml):
            ref = _ATTR_REF.search(cell.group(1))
            value = value_re.search(cell.group(2))
            text = value.group(1).decode("utf-8", "replace") if value and value.group(1) else "an error"
            if ref:
                found.error_cells.append((int(ref.group(2)), ref.group(1).decode(), text))
    merge_re = re.compile(
        rb"<" + p + rb'mergeCell\b[^>]*?\bref="([A-Z]{1,3})([0-9]{1,7})(?::([A-Z]{1,3})([0-9]{1,7}))?"'
    )
    for merge in merge_re.finditer(xml):
        first_row = int(merge.group(2))
        ref = merge.group(0).split(b'ref="')[1].rstrip(b'"').decode()
        found.merges.append((first_row, int(merge.group(4) or first_row), merge.group(1).decode(), ref))
    if b"hidden=" in xml:
        row_re = re.compile(rb"<" + p + rb'row\b[^>]*?\bhidden="(?:1|true)"[^>]*>')
        for hidden in row_re.finditer(xml):
            number = _ATTR_ROW.search(hidden.group(0))
            if number:
                found.hidden_rows.append(int(number.group(1)))
        col_re = re.compile(rb"<" + p + rb'col\b(?=[^>]*\bhidden="(?:1|true)")[^>]*>')
        for hidden in col_re.finditer(xml):
            low = re.search(rb'\bmin="([0-9]+)"', hidden.group(0))
            high = re.search(rb'\bmax="([0-9]+)"', hidden.group(0))
            if low:
                found.hidden_columns.append(range(int(low.group(1)), int(high.group(1) if high else low.group(1)) + 1))
    return found


def _xml_problems(
    sheet: str, findings: XmlFindings, header_row: int, rows: pd.DataFrame, by_number: dict[int, str]
) -> list[Problem]:
    """Problems fastexcel cannot see: formulas without values, error cells, merges, hidden rows and columns."""

    def column_name(letters: str) -> str:
        return by_number.get(column_number(letters), letters)

    found: dict[str, list[Problem]] = {}

    def add(code: str, problem: Problem) -> None:
        found.setdefault(code, []).append(problem)

    for row, letters in findings.formulas_without_value:
        add(
            "formula-without-value",
            Problem(
                ERROR,
                sheet,
                row,
                column_name(letters),
                "a formula without a calculated value",
                RECALCULATE,
                "formula-without-value",
            ),
        )
    for row, letters, text in findings.error_cells:
        add(
            "error-cell",
            Problem(
                ERROR,
                sheet,
                row,
                column_name(letters),
                f"the error value {quote(text)}",
                "a value; correct the formula or the cells it uses, or type the value",
                "error-cell",
            ),
        )
    for first_row, last_row, letters, ref in findings.merges:
        if last_row > header_row:
            add(
                "merged-cells",
                Problem(
                    ERROR,
                    sheet,
                    max(first_row, header_row + 1),
                    column_name(letters),
                    f"merged cells {ref}",
                    "one value in each cell; unmerge the cells and fill each one",
                    "merged-cells",
                ),
            )
        elif last_row == header_row:
            add(
                "merged-header",
                Problem(
                    WARNING,
                    sheet,
                    header_row,
                    column_name(letters),
                    f"merged header cells {ref}",
                    "one header in each column; unmerge the header cells",
                    "merged-header",
                ),
            )
    for row in findings.hidden_rows:
        if row in rows.index:
            add(
                "hidden-row",
                Problem(
                    WARNING,
                    sheet,
                    row,
                    None,
                    "a hidden row with data",
                    "visible rows; hidden rows are read like any other, unhide them to check them",
                    "hidden-row",
                ),
            )
    for span in findings.hidden_columns:
        for number, label in by_number.items():
            if number in span and rows[label].notna().any():
                add(
                    "hidden-column",
                    Problem(
                        WARNING,
                        sheet,
                        None,
                        label,
                        "a hidden column with data",
                        "visible columns; hidden columns are read like any other, unhide them to check them",
                        "hidden-column",
                    ),
                )
    problems: list[Problem] = []
    for code, items in found.items():
        problems.extend(items[:MAX_PROBLEMS_PER_RULE])
        if len(items) > MAX_PROBLEMS_PER_RULE:
            first = items[0]
            problems.append(
                Problem(
                    first.severity,
                    sheet,
                    None,
                    None,
                    f"{len(items) - MAX_PROBLEMS_PER_RULE} more cells like those above",
                    first.expected,
                    code,
                )
            )
    return problems
