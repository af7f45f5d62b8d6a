"""The one module that reads workbooks: every cell of the monitoring sheets as text, and what Excel hides.

Cell values come from fastexcel (calamine to Arrow) read as text in full (``dtypes="string"``,
``schema_sample_rows=None``), so no value is ever guessed into a null. What fastexcel cannot tell us
(formulas saved without a calculated value, error cells, merged cells, hidden rows and columns) comes
from a scan of the sheet XML that ``safety.check_upload`` has already inflated under its bounds; the scan
runs while fastexcel reads in other threads (it releases the GIL), a large sheet as two halves at once.
Only sheets named like a schema table are read in full; the others are listed with no rows.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextvars import copy_context
from dataclasses import dataclass, field
from typing import TypeVar

import fastexcel
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from indicators.domain.i18n import N_, _
from indicators.domain.problems import ERROR, WARNING, Problem, UnreadableWorkbook, quote
from indicators.domain.schema import SHEET_ALIASES, TABLES
from indicators.domain.settings import setting_float
from indicators.read.safety import ZipSummary, check_upload, column_letters, column_number, holds

T = TypeVar("T")
STRING = pd.StringDtype()
MAX_PROBLEMS_PER_RULE = 100  # per sheet; the rest are counted in one further problem
# Sheets read in full: the tables' names in English and French (as the template in French writes them).
TABLE_SHEETS = frozenset(name.strip().casefold() for t in TABLES for name in (t.sheet, *SHEET_ALIASES.get(t.sheet, ())))
RECALCULATE = N_("a value; open the file in Excel, let it calculate (F9), save it and upload it again")

_PREFIX = re.compile(rb"<(\w+:)?worksheet\b")
_ATTR_REF = re.compile(rb'\sr="([A-Z]{1,3})([0-9]{1,7})"')  # \s: not a prefixed q:r="..." that calamine ignores
_ATTR_ROW = re.compile(rb'\sr="([0-9]{1,7})"')
_ATTR_T = re.compile(rb'\st="(\w+)"')


@dataclass
class RawSheet:
    """One sheet as text: ``rows`` has one string column per header, indexed by Excel row number."""

    name: str
    visible: bool
    header_row: int
    headers: list[str]
    rows: pd.DataFrame
    letters: list[str] = field(default_factory=list)  # the column letter of each header
    header_texts: list[str | None] = field(default_factory=list)  # each header cell as written (None if empty)
    findings: XmlFindings | None = None  # what the sheet XML shows (merges ...), for reading from another header row


@dataclass
class RawWorkbook:
    """Every sheet of a workbook by name, and the problems found while reading it."""

    sheets: dict[str, RawSheet]
    problems: list[Problem]


def read_workbook(
    data: bytes,
    summary: ZipSummary | None = None,
    file_name: str = "",
    every_sheet: bool = False,
    split_mb: float | None = None,
) -> RawWorkbook:
    """The workbook's sheets as text and the reading problems; checks the upload first unless given its summary.

    Only sheets named like a schema table are read in full, unless ``every_sheet`` (for robustness tests).
    Once the checks have passed, fastexcel reads the sheets in other threads (it releases the GIL), the
    largest sheet in two halves at once when its XML is larger than ``split_mb`` (default: setting
    PARSE_SPLIT_MB), while this thread scans the sheet XML for what fastexcel cannot see.
    """
    summary = summary if summary is not None else check_upload(data, file_name)
    subject = f"'{file_name}'" if file_name else _("The file")
    wanted = {
        name: path
        for name, path, _visible in summary.sheets
        if (every_sheet or name.strip().casefold() in TABLE_SHEETS) and path in summary.parts
    }
    largest = max(wanted, key=lambda name: len(summary.parts[wanted[name]]), default=None)
    split_bytes = (setting_float("PARSE_SPLIT_MB") if split_mb is None else split_mb) * (1 << 20)
    halves = None
    if largest and split_bytes > 0 and len(summary.parts[wanted[largest]]) > split_bytes and _cores() > 1:
        halves = _halves(summary, wanted[largest])
    whole = [name for name in wanted if halves is None or name != largest]
    with ThreadPoolExecutor(max_workers=3, thread_name_prefix="fastexcel") as pool:
        # the threads write their refusals in this thread's language: each runs in a copy of its context
        loading = pool.submit(copy_context().run, _load_sheets, data, whole, subject) if whole else None
        half_loads = [
            pool.submit(copy_context().run, _load_half, summary, halves, n, largest, subject) for n in (0, 1) if halves
        ]
        findings = {name: _scan_xml(summary.parts[path]) for name, path in wanted.items()}
        loaded = loading.result() if loading else {}
        if halves is not None:  # two halves that do not fit together exactly: the sheet is read whole
            joined = _joined([_unless_unreadable(load) for load in half_loads], halves.split_row)
            loaded.update({largest: joined} if joined else _load_sheets(data, [largest], subject))
    problems = _package_problems(summary)
    sheets: dict[str, RawSheet] = {}
    for name, _path, visible in summary.sheets:
        if name in loaded:
            sheet, found = _table_sheet(name, visible, *loaded[name], findings[name])
            problems.extend(found)
        else:
            sheet = RawSheet(name, visible, 1, [], pd.DataFrame(index=pd.Index([], dtype="int64", name="row")))
        sheets[name] = sheet
    return RawWorkbook(sheets, problems)


Loaded = tuple[list[int], list[pa.Array], int]  # a sheet's 1-based column numbers, its columns as text, its rows
COPIED_SHARE = 4  # halve a sheet only when the parts each half copies are at most a quarter of its size
EMPTY_SHEET = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>'


@dataclass(frozen=True)
class _Halves:
    """Where a large sheet is cut: each half is its sheet XML in pieces; the second half starts at ``split_row``."""

    path: str
    sheets: frozenset[str]  # every sheet part: emptied in the copies, but for the halved one
    pieces: tuple[tuple[memoryview, ...], tuple[memoryview, ...]]
    split_row: int


def _halves(summary: ZipSummary, path: str) -> _Halves | None:
    """The sheet at ``path`` cut between two rows near its middle, or None when it cannot be cut safely.

    The first half keeps everything before the cut and after the cell data; the second keeps everything
    before the cell data and after the cut. Cutting needs plain cell data (no comments, CDATA or processing
    instructions, which could hide a row tag), numbered rows on both sides of the cut, in order, and other
    parts (shared strings, styles ...) small next to the sheet, as each half carries a copy of them.
    """
    xml = summary.parts[path]
    sheets = frozenset(p for _name, p, _visible in summary.sheets)
    copied = sum(len(content) for part, content in summary.parts.items() if part not in sheets)
    if copied * COPIED_SHARE > len(xml):  # each half copies the other parts and parses its shared strings again
        return None
    prefix = _prefix(xml)
    opening = xml.find(b"<" + prefix + b"sheetData")
    start = xml.find(b">", opening) + 1 if opening >= 0 else 0
    end = _cells_end(xml, prefix, start) if start else -1
    if end <= start or xml[start - 2 : start] == b"/>" or holds(xml, (b"<!", b"<?"), start, end):
        return None
    row_tag = b"<" + prefix + b"row"
    cut = xml.find(row_tag, start + (end - start) // 2, end)
    while cut >= 0 and xml[cut + len(row_tag) : cut + len(row_tag) + 1] not in (b" ", b">", b"\t", b"\n", b"\r"):
        cut = xml.find(row_tag, cut + 1, end)
    last = xml.rfind(row_tag, start, cut) if cut > 0 else -1
    split_row, last_row = _row_number(xml, cut), _row_number(xml, last)
    if split_row is None or last_row is None or last_row >= split_row:
        return None
    view = memoryview(xml)
    return _Halves(path, sheets, ((view[:cut], view[end:]), (view[:start], view[cut:])), split_row)


def _cores() -> int:
    """The CPU cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _load_half(summary: ZipSummary, halves: _Halves, half: int, name: str, subject: str) -> Loaded | None:
    """One half of a sheet read from a copy of the workbook (stored, not deflated) whose other sheets are empty."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for part, content in summary.parts.items():
            with archive.open(part, "w") as handle:
                for piece in (
                    halves.pieces[half] if part == halves.path else (EMPTY_SHEET if part in halves.sheets else content,)
                ):
                    handle.write(piece)
    return _load_sheets(out.getvalue(), [name], subject).get(name)


def _row_number(xml: bytes, at: int) -> int | None:
    """The r attribute of the row tag starting at ``at``, None without one."""
    if at < 0:
        return None
    number = _ATTR_ROW.search(xml, at, xml.find(b">", at))
    return int(number.group(1)) if number else None


def _unless_unreadable(load: Future[Loaded | None]) -> Loaded | None:
    """A half's columns, None when calamine could not read it."""
    return None if isinstance(load.exception(), UnreadableWorkbook) else load.result()


def _joined(halves: list[Loaded | None], split_row: int) -> Loaded | None:
    """The two halves of a sheet as one, or None when they do not fit together exactly."""
    if len(halves) != 2 or not all(halves):
        return None
    (first_numbers, first_columns, _rows), (second_numbers, second_columns, rows) = halves
    cut = split_row - 1  # the 0-based index of the second half's first row
    first, second = (
        dict(zip(first_numbers, first_columns, strict=True)),
        dict(zip(second_numbers, second_columns, strict=True)),
    )
    if rows <= cut:
        return None
    if any(len(c) > cut and c.slice(cut).null_count != len(c) - cut for c in first.values()):
        return None  # the first half reaches beyond the cut
    if any(c.slice(0, cut).null_count != cut for c in second.values()):
        return None  # the second half starts before the cut
    numbers = sorted(first.keys() | second.keys())
    columns = []
    for number in numbers:
        head = first[number].slice(0, cut) if number in first else pa.nulls(0, pa.string())
        head = pa.concat_arrays([head, pa.nulls(cut - len(head), pa.string())]) if len(head) < cut else head
        tail = second[number].slice(cut) if number in second else pa.nulls(rows - cut, pa.string())
        columns.append(pa.concat_arrays([head, tail]))
    return numbers, columns, rows


def _load_sheets(data: bytes, names: list[str], subject: str) -> dict[str, Loaded]:
    """Each named sheet that calamine can read: its 1-based column numbers, its columns as text, its row count."""
    reader = _calamine(lambda: fastexcel.read_excel(data), subject)
    readable = set(reader.sheet_names)
    loaded = {}
    for name in names:
        if name not in readable:
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
            _(
                "{subject} could not be read as a workbook ({error}); it may be damaged: "
                "open it in Excel, save it again as Excel Workbook (.xlsx) and upload that."
            ).format(subject=subject, error=type(error).__name__)
        ) from error


def _package_problems(summary: ZipSummary) -> list[Problem]:
    """Warnings about macros, external links and data connections, none of which is run or followed."""
    found = [
        (summary.has_macros, N_("macros (a VBA project)"), "macros", N_("values only; macros are never run")),
        (
            summary.has_external_links,
            N_("links to other workbooks"),
            "external-links",
            N_("values only; links are not followed and the values saved in this file are read"),
        ),
        (
            summary.has_connections,
            N_("data connections"),
            "data-connections",
            N_("values only; connections are not refreshed and the values saved in this file are read"),
        ),
    ]
    return [
        Problem(WARNING, "", None, None, _(what), _(expected), code)
        for present, what, code, expected in found
        if present
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
    header_texts: list[str | None] = []
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
                    _("data under an empty header in column {letter}").format(letter=letter),
                    _("a header naming the column"),
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
                        _("a second column headed {header} in column {letter}").format(
                            header=quote(header), letter=letter
                        ),
                        _("each header once (the first is in column {letter})").format(letter=seen[key]),
                        "duplicate-header",
                    )
                )
            else:
                seen[key] = letter
        data[label] = values
        letters.append(letter)
        header_texts.append(None if blank else header)
        by_number[number] = label
    rows = pd.DataFrame(data, index=index)
    rows = rows[rows.notna().any(axis=1)] if len(rows.columns) else rows.iloc[0:0]  # drop empty rows
    sheet = RawSheet(name, visible, header_row, list(rows.columns), rows, letters, header_texts, findings)
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


def _prefix(xml: bytes) -> bytes:
    """The namespace prefix of a sheet's elements, e.g. b"x:", or b"" when they have none."""
    match = _PREFIX.search(xml, 0, 4096) or _PREFIX.search(xml)
    return (match.group(1) or b"") if match else b""


def _cells_end(xml: bytes, prefix: bytes, start: int) -> int:
    """Where the cell data that starts at ``start`` ends: the first closing tag, where calamine stops (-1 if none)."""
    return xml.find(b"</" + prefix + b"sheetData>", start)


def _scan_xml(xml: bytes) -> XmlFindings:
    """The findings of one sheet's XML; needs nothing from the cell values, so it runs while fastexcel reads."""
    prefix = _prefix(xml)
    p = re.escape(prefix)
    found = XmlFindings()
    cell_start, cell_end = b"<" + prefix + b"c ", b"</" + prefix + b"c>"
    value_re = re.compile(rb"<" + p + rb"v(?:\s[^>]*)?(?:/>|>(.*?)</" + p + rb"v>)", re.S)
    for formula in re.finditer(rb"<" + p + rb"f[\s>/]", xml):
        at = formula.start()
        start = xml.rfind(cell_start, 0, at)
        end = xml.find(cell_end, at)
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
    if b"#" in xml and b't="e"' in xml:  # error values all start with '#'; one byte is found fastest
        error_re = re.compile(rb"<" + p + rb'c\b([^>]*\st="e"[^>]*)>(.*?)</' + p + rb"c>", re.S)
        for cell in error_re.finditer(xml):
            ref = _ATTR_REF.search(cell.group(1))
            value = value_re.search(cell.group(2))
            text = value.group(1).decode("utf-8", "replace") if value and value.group(1) else _("an error")
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
                _("a formula without a calculated value"),
                _(RECALCULATE),
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
                _("the error value {value}").format(value=quote(text)),
                _("a value; correct the formula or the cells it uses, or type the value"),
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
                    _("merged cells {range}").format(range=ref),
                    _("one value in each cell; unmerge the cells and fill each one"),
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
                    _("merged header cells {range}").format(range=ref),
                    _("one header in each column; unmerge the header cells"),
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
                    _("a hidden row with data"),
                    _("visible rows; hidden rows are read like any other, unhide them to check them"),
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
                        _("a hidden column with data"),
                        _("visible columns; hidden columns are read like any other, unhide them to check them"),
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
                    _("{count} more cells like those above").format(count=len(items) - MAX_PROBLEMS_PER_RULE),
                    first.expected,
                    code,
                )
            )
    return problems
