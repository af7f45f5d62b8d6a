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
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.comments import Comment
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.xml.functions import tostring

from indicators.compute.annotations import GRADED, OVER_ACHIEVED_REASON
from indicators.compute.progress import SEMESTER_KEY, STATUS_BY_CODE, Thresholds, indicator_progress
from indicators.domain import reference as ref
from indicators.domain import schema
from indicators.domain.i18n import N_, _
from indicators.domain.periods import Semester, anchor_month, semester_from_id, semester_range
from indicators.domain.schema import Programme, Table
from indicators.domain.settings import setting_float
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


# --- The semester workbook: what one analyst fills in for one semester ----------------------------------
#
# One Values sheet with a row per indicator, beneficiary and sex expected that semester (a target in force), the
# approved data beside the cells to fill (locked and shaded), and three formula columns that judge the figure as
# it is typed against the target shown, as the dashboard will (``compute/progress.py``, ``annotations.py``). It is
# read back like the template: the reference columns are ``schema.REFERENCE_HEADERS``, passed over quietly.

REFERENCE_FILL = PatternFill("solid", fgColor="EEF1F4")  # locked reference cells
OPEN_FILL = PatternFill("solid", fgColor="FFFFFF")
NEEDED_FILL = PatternFill("solid", fgColor="FFD8A8")  # a Comment an explanation is still needed in
LINE_HEIGHT = 13  # points a wrapped line of text takes: rows are made as tall as their longest text
WRAPPED = ("title", "unit", "measure", "previous", "value", "check", "comment", "source")
INSTRUCTIONS_WIDTH = 90  # characters: fits a landscape A4 page


def _lines(text: object, width: int) -> int:
    """How many lines a text takes in a column this wide (characters), wrapped at spaces."""
    if not isinstance(text, str) or text.startswith("="):
        return 1
    lines, length = 1, 0
    for word in text.split():
        if length and length + 1 + len(word) > width:
            lines, length = lines + 1, len(word)
        else:
            length += len(word) + (1 if length else 0)
    return lines


@dataclass(frozen=True)
class SheetColumn:
    """A column of the semester workbook's Values sheet: ``role`` key (locked, read back), reference (locked,
    passed over), fill (open where the row's measure takes it) or formula (locked, computed in the workbook)."""

    name: str
    header: str
    role: str
    width: int
    rule: str  # the Instructions sheet's sentence about it (a catalogue message)


SEMESTER_SHEET_COLUMNS: tuple[SheetColumn, ...] = (
    SheetColumn("indicator_id", "Indicator ID", "key", 12, N_("The indicator, as the dashboard names it.")),
    SheetColumn("title", "Indicator title", "reference", 38, N_("What the indicator measures.")),
    SheetColumn("unit", "Unit", "reference", 11, N_("What is counted, e.g. VEPs.")),
    SheetColumn(
        "measure",
        "Measure",
        "reference",
        13,
        N_("count, percentage, milestone or qualitative; “cumulative” when each semester reports new units."),
    ),
    SheetColumn("direction", "Direction", "reference", 10, N_("increase when higher is better, else decrease.")),
    SheetColumn("beneficiary", "Beneficiary", "key", 11, N_("Whose figure it is, by its code, e.g. {example}.")),
    SheetColumn("semester", "Semester", "key", 17, N_("The semester reported, e.g. {semester}.")),
    SheetColumn("sex", "Sex", "key", 8, N_("total, or female and male for indicators split by sex.")),
    SheetColumn("baseline", "Baseline", "reference", 9, N_("The starting figure progress is measured from.")),
    SheetColumn(
        "previous",
        "Previous semester",
        "reference",
        10,
        N_("The approved figure of the semester before (a running total for cumulative indicators)."),
    ),
    SheetColumn("target", "Target in force", "reference", 9, N_("The target this semester is judged against.")),
    SheetColumn("end_target", "End target", "reference", 9, N_("The target for the end of the action.")),
    SheetColumn(
        "value",
        "Value",
        "fill",
        10,
        N_(
            "Counts: a whole number, e.g. 12 (cumulative: the new units of this semester only). Milestones: yes "
            "or no. Qualitative: a sentence. Empty for percentages."
        ),
    ),  # fmt: skip
    SheetColumn(
        "numerator",
        "Numerator",
        "fill",
        11,
        N_("Percentages only: the part, a whole number no larger than the denominator, e.g. 18."),
    ),
    SheetColumn(
        "denominator", "Denominator", "fill", 12, N_("Percentages only: the whole, e.g. 24 (18 of 24 is 75%).")
    ),
    SheetColumn(
        "figure",
        "Figure against the target",
        "formula",
        11,
        N_("Worked out as you type: the value, the running total, or 100 × numerator ÷ denominator."),
    ),
    SheetColumn(
        "progress", "Progress", "formula", 9, N_("Worked out as you type: (figure − baseline) ÷ (target − baseline).")
    ),
    SheetColumn(
        "check",
        "Check",
        "formula",
        22,
        N_(
            "Worked out as you type: the status the figure would have, and “explanation needed” when it is at "
            "risk, off track or over-achieved."
        ),
    ),  # fmt: skip
    SheetColumn(
        "comment",
        "Comment",
        "fill",
        34,
        N_(
            "Why, whenever Check says “explanation needed” (the cell turns orange until you write it), e.g. "
            "“Two trainings moved to spring because of the elections.”"
        ),
    ),  # fmt: skip
    SheetColumn("source", "Source", "fill", 20, N_("Optional: where the figure comes from, e.g. the prison register.")),
)
SHEET_COLUMN = {c.name: i for i, c in enumerate(SEMESTER_SHEET_COLUMNS, start=1)}
SEMESTER_ROW_COLUMNS = [
    "indicator_id", "title", "unit", "measure", "cumulative", "direction", "beneficiary", "semester", "sex",
    "baseline", "previous", "target", "end_target", "value", "numerator", "denominator", "text", "comment", "source",
]  # fmt: skip


def _letter(name: str) -> str:
    return get_column_letter(SHEET_COLUMN[name])


def semester_rows(programme: Programme, semester: str, beneficiaries: Sequence[str]) -> pd.DataFrame:
    """The rows of a semester workbook: one per indicator, beneficiary and sex expected in ``semester`` (a target
    in force) for ``beneficiaries``, with the approved reference figures and the semester's approved values.

    ``previous`` is the figure of the semester before as the dashboard shows it: a value, a percentage, yes/no
    (1/0), the text of a qualitative indicator, or for cumulative counts the running total to date (baseline
    plus the new units reported); female and male rows carry their own figures and no baseline or target."""
    progress = indicator_progress(programme)
    previous_id = semester_from_id(semester).previous().id
    mine = progress[progress["beneficiary"].isin(list(beneficiaries)).to_numpy(dtype=bool, na_value=False)]
    due = mine[((mine["semester"] == semester) & (mine["status"] != "not_due")).to_numpy(dtype=bool, na_value=False)]
    if due.empty:
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in SEMESTER_ROW_COLUMNS})
    pair = ["indicator_id", "beneficiary"]
    with_target = mine[mine["target"].notna().to_numpy(dtype=bool)].sort_values("semester", kind="stable")
    end = with_target.drop_duplicates(pair, keep="last").set_index(pair)["target"]
    before = mine[(mine["semester"] == previous_id).to_numpy(dtype=bool, na_value=False)].set_index(pair)
    disaggregated = set(
        programme.indicators.loc[programme.indicators["disaggregation"].astype("string") == "sex", "indicator_id"]
    )
    values = programme.values.assign(sex=programme.values["sex"].astype("string").fillna("total"))
    values = values.drop_duplicates([*SEMESTER_KEY, "sex"], keep="last")
    given = values[values["semester"] == semester].set_index([*pair, "sex"])
    earlier = values[  # the female and male figures before the semester (identifiers sort by time)
        (values["semester"].astype("string") <= previous_id)
        & values["indicator_id"].isin(list(disaggregated))
        & values["beneficiary"].isin(list(beneficiaries))
        & (values["sex"] != "total")
    ]
    rows = []
    for record in due.sort_values(["indicator_id", "beneficiary"], kind="stable").to_dict("records"):
        key = (record["indicator_id"], record["beneficiary"])
        cumulative = bool(record["cumulative"]) and record["measure"] == "count"
        for sex in ("total", "female", "male") if record["indicator_id"] in disaggregated else ("total",):
            row = {c: None for c in SEMESTER_ROW_COLUMNS} | {
                k: record[k] for k in ("indicator_id", "title", "unit", "measure", "direction", "beneficiary")
            }
            row |= {"semester": semester, "sex": sex, "cumulative": cumulative}
            if sex == "total":
                row |= {"baseline": record["baseline"], "target": record["target"], "end_target": end.get(key)}
                row["previous"] = _previous_total(record, before, key, cumulative)
            else:
                row["previous"] = _previous_by_sex(earlier, key, sex, previous_id, record["measure"], cumulative)
            if (*key, sex) in given.index:
                found = given.loc[(*key, sex)]
                row |= {c: found[c] for c in ("value", "numerator", "denominator", "text", "comment", "source")}
            rows.append(row)
    return pd.DataFrame(rows, columns=SEMESTER_ROW_COLUMNS).astype(object).where(lambda f: f.notna(), None)


def _previous_total(record: dict, before: pd.DataFrame, key: tuple, cumulative: bool) -> object:
    """The total row's figure of the semester before (see ``semester_rows``)."""
    found = before.loc[key] if key in before.index else None
    if record["measure"] == "qualitative":
        return None if found is None or pd.isna(found["text"]) else str(found["text"])
    actual = None if found is None or pd.isna(found["actual"]) else float(found["actual"])
    if cumulative and actual is None:  # nothing reported yet: the running total starts at the baseline (or 0)
        return 0.0 if pd.isna(record["baseline"]) else float(record["baseline"])
    return actual


def _previous_by_sex(
    earlier: pd.DataFrame, key: tuple, sex: str, previous_id: str, measure: str, cumulative: bool
) -> object:
    """A female or male row's figure of the semester before (its running total for cumulative counts)."""
    rows = earlier[
        (earlier["indicator_id"] == key[0]) & (earlier["beneficiary"] == key[1]) & (earlier["sex"] == sex)
    ].astype(object)
    if cumulative:
        figures = [float(v) for v in rows["value"] if v is not None and not pd.isna(v)]
        return sum(figures) if figures else None
    last = rows[rows["semester"] == previous_id]
    if last.empty:
        return None
    found = last.iloc[-1]
    if measure == "percentage":
        num, den = found["numerator"], found["denominator"]
        return None if pd.isna(num) or pd.isna(den) or float(den) == 0 else 100 * float(num) / float(den)
    return None if pd.isna(found["value"]) else float(found["value"])


def _words(measure: str, cumulative: bool) -> str:
    word = _(measure)
    return _("{measure}, cumulative").format(measure=word) if cumulative else word


def _formula_text(text: str) -> str:
    """A text as a literal inside a formula."""
    return '"' + text.replace('"', '""') + '"'


def _row_formulas(
    row: dict, r: int, thresholds: Thresholds, over: float, sex_rows: int = 0
) -> tuple[str, str, str] | None:
    """The Figure, Progress and Check formulas of a total row, or None when the workbook cannot judge it
    (qualitative, no target, female or male rows). A comment on the row or on its ``sex_rows`` female and male
    rows below it explains it (as the dashboard reads comments: the total's, else a sex row's)."""
    if row["sex"] != "total" or row["measure"] == "qualitative" or row["target"] is None:
        return None
    value, num, den = (f"{_letter(c)}{r}" for c in ("value", "numerator", "denominator"))
    base, target, previous, figure, progress = (
        f"{_letter(c)}{r}" for c in ("baseline", "target", "previous", "figure", "progress")
    )
    start, goal = float(row["baseline"] or 0.0), float(row["target"])
    if row["measure"] == "milestone":
        fig = f'=IF({value}="","",IF(OR({value}={_formula_text(_("yes"))},{value}=1),1,0))'
        prog = f'=IF(ISNUMBER({figure}),{figure},"")'
    else:
        if row["measure"] == "percentage":
            fig = f'=IF(AND(ISNUMBER({num}),ISNUMBER({den})),IF({den}>0,100*{num}/{den},""),"")'
        elif row["cumulative"]:
            fig = f'=IF(ISNUMBER({value}),{previous}+{value},"")'
        else:
            fig = f'=IF(ISNUMBER({value}),{value},"")'
        if goal == start:  # progress is 1 when the figure meets the target in the indicator's direction, else 0
            meets = f"{figure}<={target}" if row["direction"] == "decrease" else f"{figure}>={target}"
            prog = f'=IF(ISNUMBER({figure}),IF({meets},1,0),"")'
        else:
            prog = f'=IF(ISNUMBER({figure}),({figure}-N({base}))/({target}-N({base})),"")'
    words = {code: _formula_text(f"{STATUS_BY_CODE[code].symbol} {STATUS_BY_CODE[code].label}") for code in GRADED}
    needed, explained = _formula_text(": " + _("explanation needed")), _formula_text(": " + _("explained"))
    over_text = _(OVER_ACHIEVED_REASON)
    over_word = _formula_text(f"{STATUS_BY_CODE['achieved'].symbol} {over_text[:1].upper()}{over_text[1:]}")
    if row["measure"] == "milestone":
        status = f"IF({progress}>=1,{words['achieved']},{words['off_track']})"
        due = f"{progress}<1"
    else:
        status = (
            f"IF({progress}>={over},{over_word},IF({progress}>={thresholds.achieved},{words['achieved']},"
            f"IF({progress}>={thresholds.on_track},{words['on_track']},IF({progress}>={thresholds.at_risk},"
            f"{words['at_risk']},{words['off_track']}))))"
        )
        due = f"OR({progress}<{thresholds.on_track},{progress}>={over})"
    comment = "&".join(f"{_letter('comment')}{r + i}" for i in range(sex_rows + 1))
    check = f'=IF(ISNUMBER({progress}),{status}&IF({due},IF(LEN(TRIM({comment}))=0,{needed},{explained}),""),"")'
    return fig, prog, check


def explanation_needed_rule(r: int) -> str:
    """The conditional-formatting formula that colours row ``r``'s Check and Comment cells while Check asks for an
    explanation (Check says so only while the Comment is empty)."""
    return f"ISNUMBER(SEARCH({_formula_text(_('explanation needed'))},${_letter('check')}{r}))"


def _shown_figure(row: dict, column: str) -> object:
    """A reference figure as the cell holds it: yes/no for milestones, numbers as numbers, text as text."""
    value = row[column]
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, str):
        return value
    if row["measure"] == "milestone":
        return _("yes") if float(value) >= 1 else _("no")
    number = round(float(value), 1)
    return int(number) if number.is_integer() else number


def _filled_value(row: dict) -> object:
    """The approved value of the semester already given, as the Value cell takes it."""
    if row["measure"] == "qualitative":
        return row["text"]
    if row["value"] is None:
        return None
    if row["measure"] == "milestone":
        return _("yes") if float(row["value"]) >= 1 else _("no")
    number = float(row["value"])
    return int(number) if number.is_integer() else number


def _open_cells(measure: str) -> tuple[str, ...]:
    """The cells a row of this measure is filled in."""
    figures = ("numerator", "denominator") if measure == "percentage" else ("value",)
    return (*figures, "comment", "source")


# Each kind of cell to fill: its rule and input message (title at most 32 characters, message at most 255).
def _validation(kind: str) -> DataValidation:
    yes_no = f'"{_("yes")},{_("no")}"'
    made = {
        "count": DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0"),
        "cumulative": DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0"),
        "milestone": DataValidation(type="list", formula1=yes_no),
        "qualitative": DataValidation(type="textLength", operator="lessThanOrEqual", formula1="2000"),
        "comment": DataValidation(type="textLength", operator="lessThanOrEqual", formula1="2000"),
        "source": DataValidation(type="textLength", operator="lessThanOrEqual", formula1="500"),
    }[kind]
    title, prompt, error = {
        "count": (N_("A count"), N_("A whole number, 0 or more (e.g. 12)."), N_("Write a whole number, 0 or more.")),
        "cumulative": (
            N_("New units this semester"),
            N_("A whole number, 0 or more: only the units added this semester; the running total is worked out."),
            N_("Write a whole number, 0 or more."),
        ),
        "milestone": (N_("A milestone"), N_("yes when it is reached, else no."), N_("Choose yes or no.")),
        "qualitative": (
            N_("A qualitative indicator"),
            N_("A sentence or two on what changed this semester."),
            N_("Keep it under 2,000 characters."),
        ),
        "comment": (
            N_("Comment"),
            N_("Why, when Check says “explanation needed”: the Steering Committee reads it beside the status."),
            N_("Keep it under 2,000 characters."),
        ),
        "source": (N_("Source"), N_("Optional: where the figure comes from."), N_("Keep it under 500 characters.")),
    }[kind]
    made.promptTitle, made.prompt = _(title)[:32], _(prompt)[:255]
    made.errorTitle, made.error = _(title)[:32], _(error)[:255]
    made.showInputMessage = made.showErrorMessage = made.allow_blank = True
    made.errorStyle = "stop"
    return made


def _part_validation(r: int, part: str) -> DataValidation:
    """Numerator or Denominator of a percentage row: whole numbers, 0 or more, numerator no larger than
    the denominator (so the percentage is 0 to 100)."""
    num, den = f"{_letter('numerator')}{r}", f"{_letter('denominator')}{r}"
    own = num if part == "numerator" else den
    rule = f"AND(ISNUMBER({own}),{own}>=0,{own}=INT({own}),OR(NOT(ISNUMBER({num})),NOT(ISNUMBER({den})),{num}<={den}))"
    made = DataValidation(type="custom", formula1=rule, allow_blank=True, showErrorMessage=True, errorStyle="stop")
    if part == "numerator":
        made.promptTitle, made.prompt = (
            _("Percentage: the part")[:32],
            _("A whole number no larger than the denominator (e.g. 18 of 24); the percentage (0-100) is worked out.")[
                :255
            ],
        )
    else:
        made.promptTitle, made.prompt = (
            _("Percentage: the whole")[:32],
            _("A whole number, at least the numerator (e.g. 24).")[:255],
        )
    made.errorTitle = _("Numerator and denominator")[:32]
    made.error = _(
        "Whole numbers, 0 or more, the numerator no larger than the denominator (a percentage of 0 to 100)."
    )[:255]
    made.showInputMessage = True
    made.add(f"{own}")
    return made


def _write_semester_sheet(ws: Worksheet, rows: pd.DataFrame) -> None:
    thresholds, over = Thresholds.from_settings(), setting_float("OVER_ACHIEVED")
    for col, column in enumerate(SEMESTER_SHEET_COLUMNS, start=1):
        cell = safe_cell_text(ws.cell(row=1, column=col), _(column.header))
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
        cell.alignment = Alignment(vertical="top", wrap_text=True)
        cell.protection = Protection(locked=True)
        ws.column_dimensions[get_column_letter(col)].width = column.width
    ws.row_dimensions[1].height = 45
    kinds: dict[str, DataValidation] = {}
    records = rows.reset_index(drop=True)  # sheet row r is records' r - 2; a total's sex rows follow it
    for r, row in enumerate(rows.to_dict("records"), start=2):
        measure = str(row["measure"])
        opened = _open_cells(measure)
        cells = {
            "indicator_id": row["indicator_id"],
            "title": row["title"],
            "unit": row["unit"],
            "measure": _words(measure, bool(row["cumulative"])),
            "direction": _(str(row["direction"])) if row["direction"] else None,
            "beneficiary": row["beneficiary"],
            "semester": semester_from_id(str(row["semester"])).label,
            "sex": _(str(row["sex"])),
            "baseline": _shown_figure(row, "baseline"),
            "previous": _shown_figure(row, "previous"),
            "target": _shown_figure(row, "target"),
            "end_target": _shown_figure(row, "end_target"),
            "value": _filled_value(row) if "value" in opened else None,
            "numerator": _shown_figure(row, "numerator") if "numerator" in opened else None,
            "denominator": _shown_figure(row, "denominator") if "denominator" in opened else None,
            "comment": row["comment"],
            "source": row["source"],
        }
        sex_rows = int((records["sex"].iloc[r - 1 :] != "total").cumprod().sum()) if row["sex"] == "total" else 0
        formulas = _row_formulas(row, r, thresholds, over, sex_rows)
        if formulas is not None:
            cells |= dict(zip(("figure", "progress", "check"), formulas, strict=True))
        for name, col in SHEET_COLUMN.items():
            cell = ws.cell(row=r, column=col)
            value = cells.get(name)
            if isinstance(value, str) and value.startswith("=") and name in ("figure", "progress", "check"):
                cell.value = value  # the workbook's own formula
            elif isinstance(value, str):
                safe_cell_text(cell, value)
            elif value is not None and not (isinstance(value, float) and math.isnan(value)):
                cell.value = value
            is_open = name in opened
            cell.protection = Protection(locked=not is_open)
            cell.fill = OPEN_FILL if is_open else REFERENCE_FILL
            cell.alignment = Alignment(vertical="top", wrap_text=name in WRAPPED)
            if name == "progress":
                cell.number_format = "0%"
            elif name in ("figure", "previous", "baseline", "target", "end_target") and measure == "percentage":
                cell.number_format = "0.0"
        ws.row_dimensions[r].height = LINE_HEIGHT * max(
            2, *(_lines(cells.get(name), SEMESTER_SHEET_COLUMNS[SHEET_COLUMN[name] - 1].width) for name in WRAPPED)
        )
        for name in opened:
            kind = name if name in ("comment", "source") else None
            if name == "value":
                kind = "cumulative" if row["cumulative"] else measure
            if name in ("numerator", "denominator"):
                ws.add_data_validation(_part_validation(r, name))
                continue
            if kind not in kinds:
                kinds[kind] = _validation(kind)
                ws.add_data_validation(kinds[kind])
            kinds[kind].add(f"{_letter(name)}{r}")
    last = max(len(rows) + 1, 2)
    for name in ("check", "comment"):
        letter = _letter(name)
        ws.conditional_formatting.add(
            f"{letter}2:{letter}{last}", FormulaRule(formula=[explanation_needed_rule(2)], fill=NEEDED_FILL)
        )
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(SEMESTER_SHEET_COLUMNS))}{last}"
    ws.protection.sheet = True
    ws.protection.formatColumns = ws.protection.formatRows = ws.protection.autoFilter = False
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.print_title_cols = "A:B"  # the indicator on every page
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 2, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def semester_instructions(semester: str, beneficiaries: Sequence[str], illustrative: bool) -> list[tuple[str, str]]:
    """The semester workbook's Instructions sheet as (style, text) lines: each column's rule once, with an example."""
    label = semester_from_id(semester).label
    names = ", ".join(ref.beneficiary_name(code) for code in beneficiaries)
    example = f"{beneficiaries[0]} ({ref.beneficiary_name(beneficiaries[0])})" if beneficiaries else "MNE"
    lines: list[tuple[str, str]] = [
        ("title", _("Semester workbook: {semester}").format(semester=label)),
        ("text", _("{beneficiaries} · {programme}").format(beneficiaries=names, programme=_(ref.PROGRAMME_TITLE))),
    ]
    if illustrative:
        lines.append(("notice", _(ref.ILLUSTRATIVE_NOTICE)))
    lines += [
        ("text", _("The sheet “{sheet}” has one row per indicator, beneficiary and sex expected this semester. Fill "
                   "in the white cells only; the grey cells are the approved data and the workbook's own "
                   "calculations, and they are locked.").format(sheet=sheet_title(schema.VALUES.sheet))),
        ("heading", _("Columns")),
    ]  # fmt: skip
    for column in SEMESTER_SHEET_COLUMNS:
        rule = _(column.rule).format(semester=label, example=example)
        lines.append(("text", _("{header}: {rule}").format(header=_(column.header), rule=rule)))
    lines += [
        ("heading", _("Before you upload")),
        ("text", _("Write a Comment on every row whose Check says “explanation needed” (its Comment cell is orange); "
                   "the upload check lists those still missing. A row left empty is left out of the upload (the "
                   "dashboard counts it as not reported until a figure comes).")),
        ("text", _("Save the workbook as .xlsx and upload it on the dashboard's Upload page; nothing changes for "
                   "the donors until a programme manager approves it.")),
    ]  # fmt: skip
    if "XKX" in beneficiaries:
        lines.append(("text", _(ref.KOSOVO_FOOTNOTE)))
    return lines


def semester_workbook_bytes(
    programme: Programme,
    semester: str,
    beneficiaries: Sequence[str],
    illustrative: bool = False,
    rows: pd.DataFrame | None = None,
) -> bytes:
    """The semester workbook (see ``semester_rows``) for ``beneficiaries``, written in the current language.

    Who may have it, and for which beneficiaries, is decided before (``ingest.semester_workbook``): this only
    writes the approved data it is given (``rows``: ``semester_rows`` of it, when already made)."""
    rows = semester_rows(programme, semester, beneficiaries) if rows is None else rows
    wb = Workbook()
    wb.properties.creator = AUTHOR
    wb.properties.created = wb.properties.modified = FIXED_TIME
    wb.calculation.fullCalcOnLoad = True  # the Figure, Progress and Check formulas are worked out on opening
    instructions = wb.active
    instructions.title = sheet_title(schema.INSTRUCTIONS_SHEET)
    instructions.column_dimensions["A"].width = INSTRUCTIONS_WIDTH
    styles = {"title": Font(bold=True, size=14), "heading": Font(bold=True, size=12)}
    styles |= {"notice": Font(bold=True, color="9C0006"), "text": Font()}
    for r, (style, text) in enumerate(semester_instructions(semester, beneficiaries, illustrative), start=1):
        cell = safe_cell_text(instructions.cell(row=r, column=1), text)
        cell.font, cell.alignment = styles[style], Alignment(wrap_text=True, vertical="top")
        instructions.row_dimensions[r].height = {"title": 22, "heading": 24}.get(
            style, 15 * _lines(text, INSTRUCTIONS_WIDTH)
        )
    instructions.page_setup.orientation = "landscape"
    instructions.page_setup.fitToWidth, instructions.page_setup.fitToHeight = 1, 0
    instructions.sheet_properties.pageSetUpPr.fitToPage = True
    _write_semester_sheet(wb.create_sheet(sheet_title(schema.VALUES.sheet)), rows)
    wb.active = 1  # opens on the rows to fill
    buffer = io.BytesIO()
    wb.save(buffer)
    wb.properties.modified = FIXED_TIME
    return _reproducible_zip(buffer.getvalue(), tostring(wb.properties.to_tree()))


def semesters_to_report(programme: Programme, beneficiaries: Sequence[str], today: dt.date) -> list[str]:
    """The semesters a semester workbook can be made for: those with a target for one of ``beneficiaries`` that
    have started by ``today``, newest first (the first is the one to report now)."""
    targets = programme.targets
    mine = targets[targets["beneficiary"].isin(list(beneficiaries)).to_numpy(dtype=bool, na_value=False)]
    found = []
    for value in mine["semester"].dropna().unique():
        try:
            semester = semester_from_id(str(value))
        except ValueError:
            continue
        if semester.start <= today:
            found.append(semester)
    return [s.id for s in sorted(found, reverse=True)]
