"""The monitoring workbook people fill in: a blank template, or a programme written out as a filled workbook.

Sheets: "Instructions" first, then one sheet per table of ``schema.TABLES`` (headers in row 1, frozen, with
each column's help as a note), and a hidden "Lists" sheet holding the allowed values that the drop-down
lists refer to. Drop-downs warn rather than stop, so pasted data still goes in and the validator reports it.
Every text is written as text: a title such as "=1+1" or "+381 ..." is never turned into a formula.

The workbook is written in the current language: in French its sheets, headers, drop-down words (``oui``,
``cumulatif`` ...) and instructions are French, and the validator reads them back (``schema.SHEET_ALIASES``,
``schema.HEADER_ALIASES``, ``reference.CHOICE_ALIASES`` and the catalogues). Identifiers (IND-01, ALB,
2025NovS1) and the data (titles, comments) are written as they are.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import zipfile

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.xml.functions import tostring

from indicators.domain import reference as ref
from indicators.domain import schema
from indicators.domain.i18n import N_, _
from indicators.domain.periods import Semester, anchor_month, semester_from_id, semester_range
from indicators.domain.schema import Programme, Table
from indicators.present.export import FORMULA_STARTS

FIXED_TIME = dt.datetime(2023, 1, 1)  # document properties and zip entries carry this, so output is reproducible
ZIP_TIME = (2023, 1, 1, 0, 0, 0)
CORE_PROPERTIES = "docProps/core.xml"
VALIDATION_LAST_ROW = 5000
HEADER_FILL = PatternFill("solid", fgColor="DDE3EA")
DATE_FORMAT = "yyyy-mm-dd"
AUTHOR = "Monitoring template"  # the document's creator (a fixed property); comments are signed in the language

# The template's names, in the catalogue so that the workbook is written in the reader's language: sheet names,
# headers and the words of the drop-down lists (the English text is what the validator stores).
TEMPLATE_WORDS = (
    N_("Results"), N_("Indicators"), N_("Baselines"), N_("Targets"), N_("Values"), N_("Activities"), N_("Meetings"),
    N_("Instructions"), N_("Lists"), N_("Result ID"), N_("Level"), N_("Parent ID"), N_("Title"), N_("Indicator ID"),
    N_("Unit"), N_("Measure"), N_("Direction"), N_("Cumulative"), N_("Aggregation"), N_("Sensitive"),
    N_("Disaggregation"), N_("Definition"), N_("Means of verification"), N_("Beneficiary"), N_("Value"), N_("Year"),
    N_("Note"), N_("Semester"), N_("Adopted at meeting"), N_("Sex"), N_("Numerator"), N_("Denominator"),
    N_("Comment"), N_("Source"), N_("Activity ID"), N_("Status"), N_("Notes"), N_("Number"), N_("Date"),
    N_("Place"), N_("Semester assessed"), N_("Semester adopted"), N_("Illustrative"), N_("objective"),
    N_("outcome"), N_("output"), N_("count"), N_("percentage"), N_("milestone"), N_("qualitative"), N_("increase"),
    N_("decrease"), N_("sum"), N_("ratio"), N_("count_meeting_target"), N_("none"), N_("sex"), N_("total"),
    N_("female"), N_("male"), N_("planned"), N_("ongoing"), N_("completed"), N_("postponed"), N_("cancelled"),
    N_("yes"), N_("no"),
)  # fmt: skip
COMMENT_AUTHOR = N_("Monitoring template")


def sheet_title(name: str) -> str:
    """A sheet's name in the workbook, in the current language (Excel allows 31 characters)."""
    return _(name)[:31]


# Column widths (characters) by kind, widened for a longer header.
KIND_WIDTHS: dict[str, int] = {
    "id": 14, "text": 40, "choice": 16, "semester": 13, "beneficiary": 12, "number": 12, "integer": 10,
    "yesno": 12, "date": 12, "value": 14,
}  # fmt: skip
WIDE_COLUMNS = {"title": 70, "comment": 40, "notes": 45, "note": 40, "definition": 50, "source": 45}


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet could read this text as a formula (it starts with = + - @, a tab or a CR)."""
    return text.startswith(FORMULA_STARTS)


def safe_cell_text(cell: Cell, text: str) -> Cell:
    """The cell holding ``text`` as inert text: never a formula, illegal control characters removed."""
    clean = ILLEGAL_CHARACTERS_RE.sub("", text)
    cell.value = clean
    cell.data_type = "s"
    if is_formula_like(clean):
        cell.quotePrefix = True
    return cell


def _default_semesters() -> list[Semester]:
    anchor = anchor_month()
    return semester_range(Semester(2023, 1, anchor), Semester(2027, 2, anchor))


def list_semesters(lists_from: Programme | None) -> list[str]:
    """Semester identifiers offered in drop-downs: the programme's range and two more, or 2023S1..2027S2."""
    if lists_from is None:
        return [s.id for s in _default_semesters()]
    found: list[Semester] = []
    for table in schema.TABLES:
        for column in table.columns:
            if column.kind == "semester":
                for value in lists_from[table.name][column.name].dropna().unique():
                    try:
                        found.append(semester_from_id(str(value)))
                    except ValueError:
                        continue
    if not found:
        return [s.id for s in _default_semesters()]
    return [s.id for s in semester_range(min(found), max(found).shift(2))]


def workbook_lists(lists_from: Programme | None) -> dict[str, list[str]]:
    """The allowed values of each drop-down list, by list name, as written on the Lists sheet (words in the
    current language; codes and identifiers as they are)."""
    lists: dict[str, list[str]] = {
        "beneficiary": list(ref.BENEFICIARY_CODES),
        "semester": list_semesters(lists_from),
        "yesno": [_(word) for word in ref.YES_NO],
    }
    for table in schema.TABLES:
        for column in table.columns:
            if column.kind == "choice":
                lists.setdefault(column.name, [_(choice) for choice in column.choices])
    if lists_from is not None:
        lists["indicator_id"] = [str(v) for v in lists_from.indicators["indicator_id"].dropna().unique()]
        lists["result_id"] = [str(v) for v in lists_from.results["result_id"].dropna().unique()]
    return {name: values for name, values in lists.items() if values}


def drop_down_list(table: Table, column: schema.Column) -> str | None:
    """The name of the drop-down list a column takes, or None (free entry, or the table's own identifier)."""
    if column.kind in ("beneficiary", "semester", "yesno"):
        return column.kind
    if column.kind == "choice":
        return column.name
    if column.name == "indicator_id" and table.name != "indicators":
        return "indicator_id"
    if (column.name == "result_id" and table.name != "results") or column.name == "parent_id":
        return "result_id"
    return None


def _column_width(table: Table, column: schema.Column) -> int:
    return max(len(_(column.header)) + 3, WIDE_COLUMNS.get(column.name, KIND_WIDTHS[column.kind]))


def _write_lists(wb: Workbook, lists: dict[str, list[str]]) -> dict[str, str]:
    """Write the hidden Lists sheet; the range formula of each list, by list name."""
    ws = wb.create_sheet(sheet_title(schema.LISTS_SHEET))
    ws.sheet_state = "hidden"
    ranges = {}
    for col, (name, values) in enumerate(lists.items(), start=1):
        letter = get_column_letter(col)
        safe_cell_text(ws.cell(row=1, column=col), name).font = Font(bold=True)
        for row, value in enumerate(values, start=2):
            safe_cell_text(ws.cell(row=row, column=col), value)
        ws.column_dimensions[letter].width = max(12, max(len(v) for v in values) + 2)
        ranges[name] = f"{quote_sheetname(ws.title)}!${letter}$2:${letter}${len(values) + 1}"
    return ranges


def _write_headers(ws: Worksheet, table: Table) -> None:
    for col, column in enumerate(table.columns, start=1):
        cell = safe_cell_text(ws.cell(row=1, column=col), _(column.header))
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="top", wrap_text=True)
        note = _column_note(column)
        comment = Comment(note, _(COMMENT_AUTHOR))
        comment.width, comment.height = 300, 40 + 15 * (len(note) // 40)
        cell.comment = comment
        ws.column_dimensions[get_column_letter(col)].width = _column_width(table, column)
    ws.freeze_panes = "A2"


def _column_note(column: schema.Column) -> str:
    header = _(column.header)
    parts = [(_("{header} (required)") if column.required else _("{header} (optional)")).format(header=header)]
    if column.help:
        parts.append(_(column.help))
    if column.choices and column.kind == "choice":
        parts.append(_("Allowed: {values}.").format(values=", ".join(_(choice) for choice in column.choices)))
    if column.default:
        parts.append(_("Empty means {value}.").format(value=_(column.default)))
    return "\n".join(parts)


def _add_validations(ws: Worksheet, table: Table, ranges: dict[str, str], last_row: int) -> None:
    for col, column in enumerate(table.columns, start=1):
        list_name = drop_down_list(table, column)
        if list_name is None or list_name not in ranges:
            continue
        letter = get_column_letter(col)
        validation = DataValidation(
            type="list",
            formula1=ranges[list_name],
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="warning",
            errorTitle=_("{header}: value not in the list").format(header=_(column.header)),
            error=_("{header} takes a value from the list; the upload check will report any other value.").format(
                header=_(column.header)
            ),
            showInputMessage=False,
        )
        validation.add(f"{letter}2:{letter}{last_row}")
        ws.add_data_validation(validation)


def _cell_value(column: schema.Column, value: object) -> object:
    """What to write for one frame value: numbers as numbers, yes/no and choices as words of the language,
    dates as dates, NA as empty."""
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    if column.kind == "yesno":
        return _("yes") if bool(value) else _("no")
    if column.kind == "choice" and str(value) in column.choices:
        return _(str(value))
    if column.kind == "date":
        return pd.Timestamp(value).date()  # type: ignore[arg-type]
    if column.kind in ("number", "integer", "value"):
        number = float(value)  # type: ignore[arg-type]
        return int(number) if number.is_integer() else number
    return str(value)


def _values_cell(row: pd.Series, measures: dict[str, str]) -> object:
    """The Value column of the Values sheet: yes/no for milestones, the text for qualitative indicators."""
    measure = measures.get(str(row["indicator_id"]))
    value = _cell_value(schema.VALUES.column("value"), row["value"])
    if measure == "milestone" and value is not None:
        return _("yes") if value == 1 else _("no")
    if value is None and not pd.isna(row["text"]):
        return str(row["text"])
    return value


def _write_rows(ws: Worksheet, table: Table, frame: pd.DataFrame, measures: dict[str, str]) -> None:
    for r, (_index, row) in enumerate(frame.iterrows(), start=2):
        for c, column in enumerate(table.columns, start=1):
            if table.name == "values" and column.name == "value":
                value = _values_cell(row, measures)
            else:
                value = _cell_value(column, row[column.name])
            if value is None:
                continue
            cell = ws.cell(row=r, column=c)
            if isinstance(value, str):
                safe_cell_text(cell, value)
            else:
                cell.value = value
                if isinstance(value, dt.date):
                    cell.number_format = DATE_FORMAT


def instructions_paragraphs(illustrative: bool = False) -> list[tuple[str, str]]:
    """The Instructions sheet as (style, text) lines; style is title, heading, notice or text."""
    anchor = anchor_month()
    s1, s2 = Semester(2025, 1, anchor), Semester(2024, 2, anchor)
    lines: list[tuple[str, str]] = [
        ("title", _("Monitoring workbook")),
        ("text", _(ref.PROGRAMME_TITLE)),
    ]
    if illustrative:
        lines.append(("notice", _(ref.ILLUSTRATIVE_NOTICE)))
    lines += [
        ("text", _("This workbook carries the programme's monitoring data: the results chain, indicators, "
                   "baselines, targets, reported values, the work plan and the Steering Committee meetings. Each "
                   "sheet is one table with one row per fact. Keep the headers in row 1 as they are; a note on each "
                   "header says what the column takes. Drop-down lists offer the allowed values; another value "
                   "gives a warning and is reported by the upload check.")),
        ("heading", _("Semesters")),
        ("text", _("The programme reports by semester. Each semester has an identifier made of the year it ends, "
                   "{month} (the month the programme year starts) and S1 (first half) or S2 (second half): "
                   "{first} is {first_label} and {second} is {second_label}. You may also write the label (for "
                   "example '{first_label}') or any date inside the semester (for example {day}).").format(
                       month=s1.id[4:7], first=s1.id, first_label=s1.label, second=s2.id, second_label=s2.label,
                       day=s1.start.replace(day=15).isoformat())),
        ("heading", _("Beneficiaries")),
        ("text", _("Write the code: {codes}. Common names such as 'Albania' or 'Srbija' are accepted.").format(
                     codes=", ".join(f"{b.code} ({ref.beneficiary_name(b.code)})" for b in ref.BENEFICIARIES))),
        ("text", _(ref.KOSOVO_FOOTNOTE)),
    ]  # fmt: skip
    for table in schema.TABLES:
        lines.append(("heading", _("Sheet “{sheet}”").format(sheet=sheet_title(table.sheet))))
        lines.append(
            (
                "text",
                _("{help} Key: {columns}.").format(
                    help=_(table.help), columns=", ".join(_(table.column(k).header) for k in table.key)
                ),
            )
        )
        for column in table.columns:
            lines.append(("text", "• " + _column_note(column).replace("\n", " — ", 1).replace("\n", " ")))
    lines += [
        ("heading", _("How to submit")),
        ("text", _("Save the workbook as .xlsx (not .xls or .csv) and upload it on the dashboard's upload page. "
                   "The check lists every problem at once by sheet, row and column. Correct them and upload again, "
                   "or submit the version for review; the data reaches the donors' views only once a reviewer has "
                   "approved it. Only the rows you upload change: rows with the same key replace earlier ones.")),
    ]  # fmt: skip
    return lines


def _write_instructions(ws: Worksheet, illustrative: bool) -> None:
    ws.column_dimensions["A"].width = 120
    styles = {
        "title": Font(bold=True, size=14),
        "heading": Font(bold=True, size=12),
        "notice": Font(bold=True, color="9C0006"),
        "text": Font(),
    }
    for row, (style, text) in enumerate(instructions_paragraphs(illustrative), start=1):
        cell = safe_cell_text(ws.cell(row=row, column=1), text)
        cell.font = styles[style]
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _reproducible_zip(data: bytes, core_xml: bytes) -> bytes:
    """The same workbook with fixed zip timestamps and document properties, so equal content gives equal bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            content = core_xml if info.filename == CORE_PROPERTIES else src.read(info.filename)
            dst.writestr(fixed, content)
    return out.getvalue()


def write_workbook(programme: Programme | None, lists_from: Programme | None = None) -> bytes:
    """An .xlsx monitoring workbook: blank when ``programme`` is None, else filled with its rows."""
    wb = Workbook()
    wb.properties.creator = AUTHOR
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    illustrative = programme is not None and bool(programme.meetings["illustrative"].fillna(False).any())
    instructions = wb.active
    instructions.title = sheet_title(schema.INSTRUCTIONS_SHEET)
    _write_instructions(instructions, illustrative)
    measures: dict[str, str] = {}
    for source in (lists_from, programme):
        if source is not None:
            measures |= dict(zip(source.indicators["indicator_id"], source.indicators["measure"], strict=True))
    sheets = [wb.create_sheet(sheet_title(table.sheet)) for table in schema.TABLES]
    ranges = _write_lists(wb, workbook_lists(lists_from))
    for ws, table in zip(sheets, schema.TABLES, strict=True):
        _write_headers(ws, table)
        rows = 0
        if programme is not None:
            frame = programme[table.name]
            _write_rows(ws, table, frame, measures)
            rows = len(frame)
        _add_validations(ws, table, ranges, max(VALIDATION_LAST_ROW, rows + 1000))
    buffer = io.BytesIO()
    wb.save(buffer)  # openpyxl stamps the modified time on saving: put the fixed one back
    wb.properties.modified = FIXED_TIME
    return _reproducible_zip(buffer.getvalue(), tostring(wb.properties.to_tree()))


def template_bytes(lists_from: Programme | None = None) -> bytes:
    """A blank monitoring workbook, its drop-down lists taken from ``lists_from`` when given."""
    return write_workbook(None, lists_from)
