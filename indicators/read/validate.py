"""From the raw cells of a workbook to typed tables, with every problem found at once.

``validate_workbook`` never stops at the first problem: it reads every sheet, row and column it can and
returns the tables it could build together with the full list of problems (errors block the upload,
warnings are shown). Rules live in small functions, one per kind of column and one per cross-table check.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from indicators.domain import i18n
from indicators.domain import reference as ref
from indicators.domain.i18n import N_, _
from indicators.domain.periods import PeriodError, parse_semester
from indicators.domain.problems import ERROR, WARNING, Problem, UnreadableWorkbook, quote
from indicators.domain.schema import (
    HEADER_ALIASES,
    INSTRUCTIONS_SHEET,
    LISTS_SHEET,
    REFERENCE_HEADERS,
    SHEET_ALIASES,
    TABLES,
    TABLES_BY_NAME,
    Column,
    Programme,
    Table,
    conform,
    empty_programme,
)
from indicators.read import diff
from indicators.read.cells import (
    NO,
    SPACES,
    YES,
    CellError,
    date_from_text,
    excel_serial_date,
    integer_from_text,
    number_from_text,
    yes_no_from_text,
)

MAX_PROBLEMS_PER_RULE = 500  # beyond this, one summary line per rule and column keeps the report readable
# What a column takes, said in a problem when the column has no help text.
KIND_WORDS: dict[str, str] = {
    "id": N_("an identifier"),
    "text": N_("text"),
    "choice": N_("a value from the list"),
    "semester": N_("a semester"),
    "beneficiary": N_("a beneficiary"),
    "number": N_("a number"),
    "integer": N_("a whole number"),
    "yesno": N_("yes or no"),
    "date": N_("a date"),
    "value": N_("a value"),
}


def spellings(text: str) -> set[str]:
    """A template name (sheet, header, choice) in every language of the catalogues, so each is read back."""
    return {i18n.translations(code).gettext(text) for code in i18n.LANGUAGES}


def column_help(column: Column) -> str:
    """What a column takes, in the reader's language (``help`` in English, else the kind)."""
    if column.help:
        return _(column.help)
    return _(KIND_WORDS[column.kind]) if i18n.language() != i18n.SOURCE_LANGUAGE else column.kind


class RawSheetLike(Protocol):
    name: str
    visible: bool
    header_row: int
    headers: list[str]
    rows: pd.DataFrame


class RawWorkbookLike(Protocol):
    sheets: dict[str, RawSheetLike]
    problems: list[Problem]


@dataclass
class Report:
    """Problems collected while validating, capped per rule so that a broken column stays readable."""

    problems: list[Problem] = field(default_factory=list)
    skip: set[tuple[str, int]] = field(default_factory=set)  # (sheet, row) of rows left out of the check
    # Sheets and headers named as in the file where it names them otherwise than the template in English
    # (a workbook in French): template sheet -> the file's; (the file's sheet, template header) -> the file's.
    sheets: dict[str, str] = field(default_factory=dict)
    headers: dict[tuple[str, str], str] = field(default_factory=dict)
    _counts: dict[tuple[str, str, str | None], int] = field(default_factory=dict)
    _first: dict[tuple[str, str, str | None], Problem] = field(default_factory=dict)

    def add(
        self, severity: str, sheet: str, row: int | None, column: str | None, found: str, expected: str, code: str
    ) -> None:
        if (sheet, row) in self.skip:
            return
        sheet = self.sheets.get(sheet, sheet)
        if column is not None:
            column = self.headers.get((sheet, column), column)
        key = (code, sheet, column)
        count = self._counts.get(key, 0) + 1
        self._counts[key] = count
        if count <= MAX_PROBLEMS_PER_RULE:
            problem = Problem(severity, sheet, row, column, found, expected, code)
            self._first.setdefault(key, problem)
            self.problems.append(problem)

    def summarise_caps(self) -> None:
        for key, count in self._counts.items():
            if count > MAX_PROBLEMS_PER_RULE:
                first = self._first[key]
                self.problems.append(
                    Problem(
                        first.severity,
                        first.sheet,
                        None,
                        first.column,
                        _("{count} more cells like these").format(count=count - MAX_PROBLEMS_PER_RULE),
                        _("the same fix as above ({expected})").format(expected=first.expected),
                        first.code,
                    )
                )


# --- an analyst limited to some beneficiaries --------------------------------------------------------


def check_beneficiaries(
    frames: dict[str, pd.DataFrame], base: Programme, beneficiaries: Iterable[str], report: Report
) -> None:
    """Rows an analyst limited to some beneficiaries may not upload: another beneficiary's rows, and rows of the
    shared sheets (Results, Indicators, Meetings) that are new or differ from the approved data."""
    allowed = set(beneficiaries)
    names = ", ".join(ref.beneficiary_name(code) for code in ref.BENEFICIARY_CODES if code in allowed)
    for table in TABLES:
        frame = frames[table.name]
        if frame.empty:
            continue
        if "beneficiary" in frame.columns:
            outside = frame[frame["beneficiary"].notna() & ~frame["beneficiary"].isin(allowed)]
            for _key, r in outside.iterrows():
                report.add(
                    ERROR,
                    table.sheet,
                    int(r["_row"]),
                    table.column("beneficiary").header,
                    quote(ref.beneficiary_name(str(r["beneficiary"]))),
                    _("one of your beneficiaries ({names}): your account uploads only their rows").format(names=names),
                    "beneficiary-not-yours",
                )
            continue
        uploaded = conform(table, frame).assign(_row=frame["_row"].to_numpy())
        both = uploaded.merge(
            base[table.name], on=list(table.key), how="left", suffixes=("", "_approved"), indicator=True
        )
        differs = both["_merge"] == "left_only"
        for column in table.column_names:
            if column not in table.key:
                differs |= both[column].astype("string").fillna("") != both[f"{column}_approved"].astype(
                    "string"
                ).fillna("")
        for _key, r in both[differs].iterrows():
            report.add(
                ERROR,
                table.sheet,
                int(r["_row"]),
                table.column(table.key[0]).header,
                quote(r[table.key[0]]),
                _(
                    "the approved row unchanged: your account uploads only for {names}; a programme manager or an "
                    "analyst for every beneficiary changes this sheet"
                ).format(names=names),
                "shared-row-not-yours",
            )


# --- headers -------------------------------------------------------------------------------------------


def _english_spellings(column: Column) -> set[str]:
    return {ref.fold(spelling) for spelling in (column.header, column.name, *column.aliases)}


def _header_lookup(table: Table) -> dict[str, Column]:
    """Each accepted header, folded: the English ones first (so they always win), then the French ones."""
    lookup: dict[str, Column] = {}
    for column in table.columns:
        for spelling in _english_spellings(column):
            lookup.setdefault(spelling, column)
    for column in table.columns:
        for spelling in (*sorted(spellings(column.header)), *HEADER_ALIASES.get(column.name, ())):
            lookup.setdefault(ref.fold(spelling), column)
    return lookup


@functools.cache
def _reference_spellings() -> frozenset[str]:
    """The semester workbook's reference headers (``schema.REFERENCE_HEADERS``) in every language, folded."""
    return frozenset(ref.fold(spelling) for header in REFERENCE_HEADERS for spelling in spellings(header))


def _in_reference_column(problem: Problem) -> bool:
    """Whether a cell problem is in a reference column of the Values sheet (never read: a formula there that
    was not calculated yet does not matter)."""
    return (
        problem.column is not None
        and ref.fold(str(problem.column)) in _reference_spellings()
        and ref.fold(problem.sheet) in sheet_spellings(TABLES_BY_NAME["values"].sheet)
    )


def map_headers(table: Table, sheet: RawSheetLike, report: Report) -> dict[str, Column]:
    """Which raw column holds which declared column; missing, duplicate and unknown headers reported."""
    lookup = _header_lookup(table)
    mapping: dict[str, Column] = {}
    seen: dict[str, str] = {}
    for raw_header in sheet.rows.columns:
        column = lookup.get(ref.fold(str(raw_header)))
        if column is None:
            if table.name == "values" and ref.fold(str(raw_header)) in _reference_spellings():
                continue  # the semester workbook's reference columns (the approved data's): read over quietly
            if not str(raw_header).startswith("Column ") and sheet.rows[raw_header].notna().any():
                report.add(
                    WARNING,
                    sheet.name,
                    sheet.header_row,
                    str(raw_header),
                    quote(raw_header),
                    _("one of the template's columns ({headers}); this column was ignored").format(
                        headers=", ".join(_(c.header) for c in table.columns)
                    ),
                    "unknown-column",
                )
            continue
        if column.name in seen:
            report.add(
                ERROR,
                sheet.name,
                sheet.header_row,
                str(raw_header),
                quote(raw_header),
                _("the column '{header}' only once (it is also '{other}')").format(
                    header=_(column.header), other=seen[column.name]
                ),
                "duplicate-column",
            )
            continue
        seen[column.name] = str(raw_header)
        mapping[str(raw_header)] = column
        if ref.fold(str(raw_header)) not in _english_spellings(column):  # a French header: named as written
            report.headers[(sheet.name, column.header)] = str(raw_header)
    in_french = sheet.name in report.sheets.values()
    for column in table.columns:
        if column.required and column.name not in seen:
            header = _(column.header) if in_french else column.header
            report.add(
                ERROR,
                sheet.name,
                sheet.header_row,
                header,
                _("no such column"),
                _("a column headed '{header}' ({help})").format(header=_(column.header), help=column_help(column)),
                "missing-column",
            )
    return mapping


# --- cells ---------------------------------------------------------------------------------------------


_WHITESPACE = re.compile(r"\s")


def _read_unique(series: pd.Series, reader: Callable[[str], tuple[Any, str | None]]) -> tuple[pd.Series, dict]:
    """Apply a reader to each distinct text once; returns values and a map of text -> (value, note, error)."""
    codes, found = pd.factorize(series)
    uniques = found.tolist()  # plain Python strings: iterating an Arrow array boxes each one slowly
    outcomes: dict[str, tuple[Any, str | None, str | None]] = {}
    for text in uniques:
        try:
            value, note = reader(str(text))
            outcomes[text] = (value, note, None)
        except (CellError, PeriodError) as error:
            outcomes[text] = (None, None, str(error))
    mapped = [outcomes[t][0] for t in uniques]
    if all(v is None or isinstance(v, str) for v in mapped):  # texts: gathered in Arrow, no Python objects
        indices = pa.array(codes, type=pa.int32(), mask=codes < 0)
        taken = pa.array(mapped, type=pa.string()).take(indices)
        return pd.Series(pd.arrays.ArrowStringArray(taken), index=series.index), outcomes
    lookup = pd.array([*mapped, None], dtype=object)
    return pd.Series(lookup[codes], index=series.index, dtype=object), outcomes


@functools.lru_cache(maxsize=256)
def _labels(semester_id: str) -> frozenset[str]:
    """A semester's label as the dashboard writes it, in every language (the semester workbook writes it so)."""
    labels = set()
    for code in i18n.LANGUAGES:
        with i18n.using(code):
            labels.add(parse_semester(semester_id).label)
    return frozenset(labels)


def _semester_reader(text: str) -> tuple[str, str | None]:
    stripped = text.strip()
    try:
        number = float(stripped)
    except ValueError:
        number = None
    if number is not None:
        if 20000 <= number <= 80000 and number == int(number):
            day = excel_serial_date(number)
            return parse_semester(day).id, _("the number {number} read as the Excel date {date}").format(
                number=stripped, date=day.isoformat()
            )
        raise PeriodError(_("a semester identifier such as 2025NovS1, a label, or a date inside the semester"))
    semester = parse_semester(stripped)
    if semester.id == stripped or stripped in _labels(semester.id):  # an identifier, or its label as written
        return semester.id, None
    return semester.id, _("read as {id} ({label})").format(id=semester.id, label=semester.label)


def _beneficiary_reader(text: str) -> tuple[str, str | None]:
    code = ref.beneficiary_code(text)
    if code is None:
        raise CellError(
            _("a beneficiary: {codes}").format(
                codes=", ".join(f"{c} ({ref.beneficiary_name(c)})" for c in ref.BENEFICIARY_CODES)
            )
        )
    if code == text.strip():
        return code, None
    return code, _("read as {code} ({name})").format(code=code, name=ref.beneficiary_name(code))


def _choice_key(text: str) -> str:
    return ref.fold(text).replace(" ", "_")


def _choice_reader(choices: tuple[str, ...]) -> Callable[[str], tuple[str, str | None]]:
    """A reader of one of ``choices``, written in English or French (``reference.CHOICE_ALIASES``)."""
    folded = {_choice_key(c): c for c in choices}
    for choice in choices:
        for spelling in (*sorted(spellings(choice)), *ref.CHOICE_ALIASES.get(choice, ())):
            folded.setdefault(_choice_key(spelling), choice)

    def read(text: str) -> tuple[str, str | None]:
        key = _choice_key(text)
        if key in folded:
            return folded[key], None
        raise CellError(_("one of: {choices}").format(choices=", ".join(_(c) for c in choices)))

    return read


def _id_reader(text: str) -> tuple[str, str | None]:
    value = text.strip()
    if value.endswith(".0") and value[:-2].isdigit():
        value = value[:-2]
    if not value or _WHITESPACE.search(value):
        raise CellError(_("an identifier without spaces, e.g. IND-01"))
    return value, None


def _text_reader(text: str) -> tuple[str, str | None]:
    return text.strip(), None


READERS: dict[str, Callable[[Column], Callable[[str], tuple[Any, str | None]]]] = {
    "id": lambda c: _id_reader,
    "text": lambda c: _text_reader,
    "choice": lambda c: _choice_reader(c.choices),
    "semester": lambda c: _semester_reader,
    "beneficiary": lambda c: _beneficiary_reader,
    "number": lambda c: lambda t: number_from_text(t, allow_percent=True),
    "integer": lambda c: integer_from_text,
    "yesno": lambda c: yes_no_from_text,
    "date": lambda c: date_from_text,
    "value": lambda c: _text_reader,  # read by measure in _split_values
}


def _plain_numbers(series: pd.Series) -> pd.Series:
    """Cells holding a plain, finite number, read in one pass; NA elsewhere (those cells are read one by one).

    Arrow's parser reads the column when every cell is a plain number, pandas' when Arrow refuses a cell
    (spaces, commas, words). Infinities and NaN written as words are never plain numbers.
    """
    try:
        values = pc.cast(pa.array(series.array), pa.float64()).to_numpy(zero_copy_only=False)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        values = pd.to_numeric(series, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    values = np.where(np.isfinite(values), values + 0.0, np.nan)  # + 0.0 makes -0 read as 0, as pandas reads it
    return pd.Series(pd.array(values, dtype="Float64"), index=series.index)


def _number_column(series: pd.Series, allow_percent: bool = True) -> tuple[pd.Series, dict]:
    """Numbers read fast: plain numeric text converts in one pass, the rest cell by cell."""
    fast = _plain_numbers(series)
    odd = series.notna() & fast.isna()
    if not odd.any():
        return fast, {}
    slow, outcomes = _read_unique(series[odd], lambda t: number_from_text(t, allow_percent=allow_percent))
    return fast.where(~odd, slow), outcomes


def _lookup(series: pd.Series, mapping: pd.Series) -> pd.Series:
    """Each text cell's value in a text-to-text ``mapping`` (NA when absent), looked up in Arrow."""
    keys = mapping.index.astype("string")
    positions = pc.index_in(pa.array(series.astype("string").array), value_set=pa.array(keys.array))
    found = pa.array(mapping.astype("string").array).take(positions)
    return pd.Series(pd.arrays.ArrowStringArray(found), index=series.index)


def _isin(series: pd.Series, known: set) -> pd.Series:
    """Which cells are in ``known`` (text columns are matched in Arrow, without Python objects)."""
    if isinstance(series.dtype, pd.StringDtype) and all(isinstance(k, str) for k in known):
        found = pc.is_in(pa.array(series.array), value_set=pa.array(list(known), type=pa.string()))
        return pd.Series(found.to_numpy(zero_copy_only=False), index=series.index, dtype=bool)
    return series.isin(known)


def _filled(series: pd.Series) -> pd.Series:
    """A column's cells as text, blank ones (empty or only spaces) missing; in Arrow, as ``str.strip`` reads them."""
    cells = series.astype("string")
    text = pa.array(cells.array)
    if text.null_count == len(text):
        return cells
    blank = pc.equal(pc.utf8_trim(text, SPACES), "").fill_null(False)
    if not pc.any(blank).as_py():
        return cells
    return pd.Series(pd.arrays.ArrowStringArray(pc.if_else(blank, pa.scalar(None, text.type), text)), index=cells.index)


def read_column(table: Table, sheet: RawSheetLike, raw_header: str, column: Column, report: Report) -> pd.Series:
    """One column's cells as typed values; unreadable cells reported and left empty."""
    cells = _filled(sheet.rows[raw_header])
    if column.kind == "number":
        values, outcomes = _number_column(cells)
    else:
        values, outcomes = _read_unique(cells, READERS[column.kind](column))
    bad = {text: outcome for text, outcome in outcomes.items() if outcome[2] or outcome[1]}
    if bad:
        for row, text in cells[cells.isin(list(bad))].items():
            _value, note, error = bad[text]
            if error:
                report.add(ERROR, sheet.name, int(row), column.header, quote(text), error, f"bad-{column.kind}")
            else:
                report.add(WARNING, sheet.name, int(row), column.header, quote(text), str(note), "normalised")
    if column.default is not None:
        default = READERS[column.kind](column)(column.default)[0]
        values = values.where(cells.notna(), default)
    if column.required and column.default is None:
        for row in cells.index[cells.isna()]:
            report.add(
                ERROR,
                sheet.name,
                int(row),
                column.header,
                _("an empty cell"),
                _("a value ({help})").format(help=column_help(column)),
                "required",
            )
    return values


def read_table(table: Table, sheet: RawSheetLike, report: Report) -> pd.DataFrame:
    """A sheet's rows as a typed frame with an ``_row`` column holding each row's Excel row number."""
    rows = sheet.rows
    rows = rows[rows.notna().any(axis=1)] if len(rows.columns) else rows.iloc[0:0]
    if table.name == "values":
        rows = _without_rows_left_to_fill(table, rows)
    sheet_view = _SheetView(sheet.name, sheet.visible, sheet.header_row, list(rows.columns), rows)
    mapping = map_headers(table, sheet_view, report)
    data = {column.name: read_column(table, sheet_view, raw, column, report) for raw, column in mapping.items()}
    frame = pd.DataFrame(data, index=rows.index)
    for column in table.columns:
        if column.name not in frame.columns:
            frame[column.name] = pd.Series(pd.NA, index=rows.index, dtype=column.dtype)
    frame["_row"] = rows.index.astype(int)
    return frame


def _without_rows_left_to_fill(table: Table, rows: pd.DataFrame) -> pd.DataFrame:
    """In a semester workbook (a Values sheet with reference columns), the rows whose cells to fill are all empty:
    their keys were written for the analyst, so they are left out rather than read as "not reported"."""
    if not any(ref.fold(str(h)) in _reference_spellings() for h in rows.columns):
        return rows
    lookup = _header_lookup(table)
    to_fill = [h for h in rows.columns if (c := lookup.get(ref.fold(str(h)))) is not None and c.name not in table.key]
    return rows[rows[to_fill].notna().any(axis=1)] if to_fill else rows.iloc[0:0]


@dataclass
class _SheetView:
    name: str
    visible: bool
    header_row: int
    headers: list[str]
    rows: pd.DataFrame


# --- values by measure -----------------------------------------------------------------------------------


def split_values(
    frame: pd.DataFrame, measures: pd.Series, report: Report, percent_values: bool = False
) -> pd.DataFrame:
    """Values read by their indicator's measure: numbers, yes/no as 1/0, qualitative text, percentages.

    With ``percent_values`` (a workbook read through a mapping), a percentage may also be given as one
    number from 0 to 100 in Value, kept as it is: it has no parts, so it is left out of regional ratios.
    """
    sheet, col = "Values", "Value"
    measure = _lookup(frame["indicator_id"], measures)
    texts = frame["value"].astype("string")
    has_text = texts.notna()
    has_parts = frame["numerator"].notna() | frame["denominator"].notna()
    rows = frame["_row"]

    def each(mask: pd.Series, severity: str, column: str, found: object, expected: object, code: str) -> None:
        for index in mask[mask.fillna(False)].index:
            f = found(index) if callable(found) else found
            e = expected(index) if callable(expected) else expected
            report.add(severity, sheet, int(rows[index]), column, f, e, code)

    is_pct = measure == "percentage"
    each(
        is_pct & has_text & ~has_parts & (not percent_values),
        ERROR,
        col,
        lambda i: quote(texts[i]),
        _(
            "for a percentage indicator, Value left empty and Numerator and Denominator filled (e.g. 12 of 40), "
            "so that regional figures are ratios of sums"
        ),
        "wrong-measure",
    )
    other = measure.notna() & ~is_pct
    each(
        other & has_parts,
        ERROR,
        "Numerator",
        _("a numerator or denominator"),
        lambda i: _("Numerator and Denominator only for percentage indicators; this one is a {measure}").format(
            measure=_(measure[i])
        ),
        "wrong-measure",
    )
    each(
        measure.notna() & ~has_text & ~has_parts,
        WARNING,
        col,
        _("an empty cell"),
        _("a value; the row is kept as not reported (with its comment) and counts as a missing report"),
        "not-reported",
    )

    numbers = pd.Series(pd.NA, index=frame.index, dtype="Float64")
    words = texts.str.strip().where(measure == "qualitative")

    milestone = (measure == "milestone") & has_text
    flags = texts[milestone].str.strip().str.lower()
    numbers[milestone] = flags.map(lambda t: 1.0 if t in YES else 0.0 if t in NO else None).astype("Float64")
    each(
        milestone & numbers.isna(),
        ERROR,
        col,
        lambda i: quote(texts[i]),
        _("yes or no (a milestone is reached or not); this indicator is a milestone"),
        "wrong-measure",
    )

    count = (measure == "count") & has_text
    read, outcomes = _number_column(texts[count], allow_percent=False)
    numbers[count] = read.astype("Float64")
    for text, (_value, note, error) in outcomes.items():
        mask = count & (texts == text)
        if error:
            each(
                mask,
                ERROR,
                col,
                quote(text),
                _("{error}; this indicator is a count").format(error=error),
                "wrong-measure",
            )
        elif note:
            each(mask, WARNING, col, quote(text), note, "normalised")
    each(count & (numbers < 0), ERROR, col, lambda i: quote(texts[i]), _("a count of zero or more"), "negative")
    if percent_values:
        percent = is_pct & has_text & ~has_parts
        read, outcomes = _number_column(texts[percent], allow_percent=True)
        numbers[percent] = read.astype("Float64")
        for text, (_value, note, error) in outcomes.items():
            mask = percent & (texts == text)
            if error:
                expected = _("{error}; this indicator is a percentage (0-100)").format(error=error)
                each(mask, ERROR, col, quote(text), expected, "wrong-measure")
            elif note:
                each(mask, WARNING, col, quote(text), note, "normalised")
        each(
            percent & ((numbers < 0) | (numbers > 100)),
            ERROR,
            col,
            lambda i: quote(texts[i]),
            _("a percentage from 0 to 100"),
            "percent-range",
        )
    each(
        count & (numbers % 1 != 0),
        ERROR,
        col,
        lambda i: quote(texts[i]),
        _("a whole number: counts have no decimals (if a dot separates thousands, write 1234)"),
        "not-whole",
    )
    return frame.assign(value=numbers, text=words)


def check_percentage_parts(frame: pd.DataFrame, report: Report) -> None:
    """Numerators within their denominators, neither negative; a numerator over a zero denominator is an error
    (the percentage does not exist), 0 of 0 a warning (nothing to count: shown as no data)."""
    num, den, rows = frame["numerator"], frame["denominator"], frame["_row"]
    parts = lambda i: _("{numerator} of {denominator}").format(  # noqa: E731
        numerator=_figure(num[i]), denominator=_figure(den[i])
    )
    empty, both = _("an empty cell"), _("both Numerator and Denominator")
    rules = [
        (num.isna() & den.notna(), ERROR, "Numerator", empty, both, "required"),
        (num.notna() & den.isna(), ERROR, "Denominator", empty, both, "required"),
        ((num < 0) | (den < 0), ERROR, "Numerator", parts, _("numbers of zero or more"), "negative"),
        (
            (den == 0) & (num > 0),
            ERROR,
            "Denominator",
            parts,
            _("a denominator above zero: a numerator over a denominator of 0 is no percentage"),
            "numerator-over-zero",
        ),
        (
            (den == 0) & (num == 0),
            WARNING,
            "Denominator",
            "0",
            _("a denominator above zero; the percentage is shown as no data"),
            "zero-denominator",
        ),
        (
            (num > den) & (den > 0),
            ERROR,
            "Numerator",
            parts,
            _("a numerator no larger than its denominator"),
            "numerator-above-denominator",
        ),
    ]
    for mask, severity, column, found, expected, code in rules:
        for index in mask[mask.fillna(False)].index:
            shown = found(index) if callable(found) else found
            report.add(severity, "Values", int(rows[index]), column, shown, expected, code)


# --- cross-table checks ----------------------------------------------------------------------------------


def check_duplicates(table: Table, frame: pd.DataFrame, report: Report) -> pd.DataFrame:
    """Rows repeating another row's key are reported and dropped (the first is kept)."""
    key = [k for k in table.key if k in frame.columns]
    if len(key) < len(table.key) or frame.empty:
        return frame
    complete = frame[key].notna().all(axis=1)
    dup = frame.duplicated(subset=key, keep="first") & complete
    if dup.any():
        first_rows = frame[complete & ~dup].set_index(key)["_row"]
        for _key, r in frame[dup].iterrows():
            key_values = tuple(r[k] for k in key)
            first = first_rows.get(key_values if len(key) > 1 else key_values[0])
            report.add(
                ERROR,
                table.sheet,
                int(r["_row"]),
                table.column(key[0]).header,
                _("a second row for {key}").format(key=" / ".join(str(v) for v in key_values)),
                _("one row per {columns} (first given in row {row})").format(
                    columns=", ".join(_(table.column(k).header) for k in key), row=first
                ),
                "duplicate",
            )
    return frame[~dup]


def check_references(
    frame: pd.DataFrame,
    table: Table,
    column: str,
    known: Iterable[str],
    what: str,
    report: Report,
    severity: str = ERROR,
) -> None:
    """Every identifier in a column refers to a known row of another table."""
    if column not in frame.columns:
        return
    known_set = set(known)
    unknown = frame[frame[column].notna() & ~_isin(frame[column], known_set)]
    sample = ", ".join(str(k) for k in sorted(known_set)[:8]) + (" ..." if len(known_set) > 8 else "")
    for _key, r in unknown.iterrows():
        report.add(
            severity,
            table.sheet,
            int(r["_row"]),
            table.column(column).header,
            quote(r[column]),
            _("{what} that exists in the workbook or the approved data ({sample})").format(
                what=_(what), sample=sample or _("none yet")
            ),
            f"unknown-{column}",
        )


def check_targets_have_baselines(
    targets: pd.DataFrame, baselines: pd.DataFrame, indicators: pd.DataFrame, report: Report
) -> None:
    """Targets of counts and percentages need a baseline for the same indicator and beneficiary."""
    if targets.empty:
        return
    measured = set(indicators.loc[indicators["measure"].isin(["count", "percentage"]), "indicator_id"])
    have = set(zip(baselines["indicator_id"], baselines["beneficiary"], strict=True))
    for _key, r in targets.iterrows():
        if r["indicator_id"] in measured and (r["indicator_id"], r["beneficiary"]) not in have:
            report.add(
                ERROR,
                "Targets",
                int(r["_row"]),
                "Indicator ID",
                _("a target for {indicator} / {beneficiary} without a baseline").format(
                    indicator=r["indicator_id"], beneficiary=r["beneficiary"]
                ),
                _("a row on the {sheet} sheet for the same indicator and beneficiary").format(
                    sheet=report.sheets.get("Baselines", _("Baselines"))
                ),
                "target-without-baseline",
            )


def check_percent_ranges(frame: pd.DataFrame, sheet: str, indicators: pd.DataFrame, report: Report) -> None:
    """Baselines and targets of percentage indicators lie within 0-100; fractions are pointed out."""
    percent = set(indicators.loc[indicators["measure"] == "percentage", "indicator_id"])
    rows = frame[frame["indicator_id"].isin(percent) & frame["value"].notna()]
    for _key, r in rows.iterrows():
        value = float(r["value"])
        if not 0 <= value <= 100:
            report.add(
                ERROR, sheet, int(r["_row"]), "Value", _figure(value), _("a percentage from 0 to 100"), "percent-range"
            )
        elif 0 < value < 1:
            report.add(
                WARNING,
                sheet,
                int(r["_row"]),
                "Value",
                _figure(value),
                _("a percentage written 0-100 (is this a fraction? 0.45 means 0.45 %, not 45 %)"),
                "percent-fraction",
            )


def check_values_disaggregation(values: pd.DataFrame, indicators: pd.DataFrame, report: Report) -> None:
    """Rows by sex only for indicators split by sex."""
    split = set(indicators.loc[indicators["disaggregation"] == "sex", "indicator_id"].dropna())
    by_sex = values[(values["sex"] != "total").fillna(False)]
    ids = by_sex["indicator_id"]
    wrong = by_sex[_isin(ids, set(indicators["indicator_id"].dropna())) & ~_isin(ids, split)]
    for _key, r in wrong.iterrows():
        report.add(
            ERROR,
            "Values",
            int(r["_row"]),
            "Sex",
            quote(r["sex"]),
            _("total: {indicator} is not split by sex").format(indicator=r["indicator_id"]),
            "wrong-disaggregation",
        )


def check_split_has_total(values: pd.DataFrame, base_values: pd.DataFrame, report: Report) -> None:
    """A female or male row has a total row for the same indicator, beneficiary and semester (in the upload or
    the approved data): without one the figure counts as not reported, so each such row gets a warning naming
    the rows of its split."""
    key = ["indicator_id", "beneficiary", "semester"]
    sex = values["sex"].astype("string").fillna("total")
    split = values[(sex != "total").to_numpy(dtype=bool)].dropna(subset=key)
    if split.empty:
        return
    base_sex = base_values["sex"].astype("string").fillna("total")
    totals = pd.concat(
        [
            values.loc[(sex == "total").to_numpy(dtype=bool), key],
            base_values.loc[(base_sex == "total").to_numpy(dtype=bool), key],
        ]
    ).dropna()
    with_total = (
        pd.MultiIndex.from_frame(totals.astype("string")) if len(totals) else pd.MultiIndex.from_tuples([], names=key)
    )
    found = pd.MultiIndex.from_frame(split[key].astype("string"))
    lacking = split[~found.isin(with_total)]
    for (indicator, beneficiary, semester), rows in lacking.groupby(key, sort=False):
        row_numbers = sorted(int(r) for r in rows["_row"])
        named = ", ".join(str(r) for r in row_numbers)
        for _index, r in rows.iterrows():
            report.add(
                WARNING,
                "Values",
                int(r["_row"]),
                "Sex",
                quote(r["sex"]),
                _(
                    "a Total row for {indicator}, {beneficiary}, {semester} as well: rows {rows} give the split by sex "
                    "without a total, so the figure counts as not reported"
                ).format(indicator=indicator, beneficiary=beneficiary, semester=semester, rows=named),
                "split-without-total",
            )


def check_values_not_future(values: pd.DataFrame, today: dt.date, report: Report) -> None:
    """Actuals are reported for semesters that have started."""
    future = values[values["semester"].notna()]
    for semester_id in future["semester"].unique():
        start = parse_semester(semester_id).start
        if start > today:
            for _key, r in future[future["semester"] == semester_id].iterrows():
                report.add(
                    WARNING,
                    "Values",
                    int(r["_row"]),
                    "Semester",
                    quote(semester_id),
                    _("a semester that has started (it starts on {date})").format(date=start.isoformat()),
                    "future-semester",
                )


def check_direction(targets: pd.DataFrame, baselines: pd.DataFrame, indicators: pd.DataFrame, report: Report) -> None:
    """A target that moves away from the baseline against the indicator's direction is pointed out."""
    if targets.empty or baselines.empty:
        return
    merged = targets.merge(
        baselines[["indicator_id", "beneficiary", "value"]],
        on=["indicator_id", "beneficiary"],
        suffixes=("", "_baseline"),
    ).merge(indicators[["indicator_id", "direction"]], on="indicator_id")
    wrong = merged[
        ((merged["direction"] == "increase") & (merged["value"] < merged["value_baseline"]))
        | ((merged["direction"] == "decrease") & (merged["value"] > merged["value_baseline"]))
    ]
    for _key, r in wrong.iterrows():
        report.add(
            WARNING,
            "Targets",
            int(r["_row"]),
            "Value",
            _figure(r["value"]),
            (
                _("a target that rises above the baseline {baseline}, since {indicator} should increase")
                if r["direction"] == "increase"
                else _("a target that falls below the baseline {baseline}, since {indicator} should decrease")
            ).format(baseline=_figure(r["value_baseline"]), indicator=r["indicator_id"]),
            "target-direction",
        )


# --- the workbook ----------------------------------------------------------------------------------------


def sheet_spellings(name: str) -> set[str]:
    """A template sheet's name as accepted, folded: English, the catalogues' French, and French aliases."""
    return {ref.fold(spelling) for spelling in (name, *spellings(name), *SHEET_ALIASES.get(name, ()))}


def match_sheets(raw: RawWorkbookLike, report: Report) -> dict[str, RawSheetLike]:
    """Which sheet holds which table (names compared without case or spaces, in English or French); unknown
    sheets reported. A sheet named in French is named so in the problems."""
    by_fold = {ref.fold(t.sheet): t for t in TABLES}
    for t in TABLES:
        for spelling in sheet_spellings(t.sheet):
            by_fold.setdefault(spelling, t)
    helpers = sheet_spellings(INSTRUCTIONS_SHEET) | sheet_spellings(LISTS_SHEET)
    found: dict[str, RawSheetLike] = {}
    for name, sheet in raw.sheets.items():
        table = by_fold.get(ref.fold(name))
        if table is None:
            if ref.fold(name) not in helpers and len(sheet.rows):
                report.add(
                    WARNING,
                    name,
                    None,
                    None,
                    _("a sheet named '{name}'").format(name=name),
                    _("one of the template's sheets ({sheets}); it was ignored").format(
                        sheets=", ".join(_(t.sheet) for t in TABLES)
                    ),
                    "unknown-sheet",
                )
            continue
        if ref.fold(name) != ref.fold(table.sheet):
            report.sheets[table.sheet] = name
        if not sheet.visible and len(sheet.rows):
            report.add(
                WARNING,
                name,
                None,
                None,
                _("a hidden sheet"),
                _("visible sheets; its rows were read all the same"),
                "hidden-sheet",
            )
        found[table.name] = sheet
    if not found:
        raise UnreadableWorkbook(
            _(
                "This is not a monitoring workbook in the template's layout (it has none of the sheets {sheets}): "
                "read it through a mapping (the Upload page's mapping step, or python -m indicators mapping "
                "suggest), or download the template from the Upload page and copy your data into it."
            ).format(sheets=", ".join(_(t.sheet) for t in TABLES))
        )
    return found


def _figure(value: object) -> str:
    """A number as a problem shows it: ``12.5`` in English (as ``{:g}`` writes it), ``12,5`` in French."""
    number = float(value)  # type: ignore[arg-type]
    if i18n.language() == i18n.SOURCE_LANGUAGE:
        return f"{number:g}"
    return i18n.number(number, decimals=6)


@dataclass
class Validated:
    """A workbook's rows as typed tables (``programme``), every problem found in them, and where its rows are.

    ``rows`` holds, per table, the key columns and ``_row`` (the Excel row) of each row as read, in the
    sheet's order; ``names`` how the file names its sheets and headers (``Report.sheets``, ``Report.headers``).
    """

    programme: Programme
    problems: list[Problem]
    rows: dict[str, pd.DataFrame]
    names: Report


def validate_workbook(
    raw: RawWorkbookLike,
    base: Programme | None = None,
    today: dt.date | None = None,
    only: dict[str, set[str]] | None = None,
    beneficiaries: Iterable[str] = (),
    percent_values: bool = False,
) -> tuple[Programme, list[Problem]]:
    """The uploaded rows as typed tables, and every problem found in them (checked against ``base``); see
    ``validated_workbook``."""
    checked = validated_workbook(raw, base, today, only, beneficiaries, percent_values)
    return checked.programme, checked.problems


def validated_workbook(
    raw: RawWorkbookLike,
    base: Programme | None = None,
    today: dt.date | None = None,
    only: dict[str, set[str]] | None = None,
    beneficiaries: Iterable[str] = (),
    percent_values: bool = False,
) -> Validated:
    """The uploaded rows as typed tables, and every problem found in them (checked against ``base``), with
    the Excel row of each row read (so that a later warning names its row without reading the sheet again).

    ``only`` (per table, row keys as ``diff`` writes them) keeps just those rows: how a stored upload's
    changes are checked again against approved data that moved since (``reapply``); problems of the
    rows left out are dropped with them. With ``beneficiaries``, rows outside them are problems
    (``check_beneficiaries``). ``percent_values`` also accepts a
    percentage as one number in Value (for workbooks read through a mapping).
    """
    base = base if base is not None else empty_programme()
    today = today or dt.date.today()
    skip = _rows_left_out(raw, only) if only is not None else set()
    report = Report(skip=skip)
    frames = _read_tables(raw, report)
    rows = {t.name: frames[t.name][[*t.key, "_row"]] for t in TABLES}
    if only is not None:
        frames = {name: frame[~_left_out(frame, name, skip)] for name, frame in frames.items()}
    if beneficiaries:
        check_beneficiaries(frames, base, beneficiaries, report)

    results = _union_ids(base.results, frames["results"], "result_id")
    indicators_all = _merged_frame(base.indicators, frames["indicators"], "indicator_id")
    check_references(frames["results"], TABLES[0], "parent_id", results, N_("a result ID"), report)
    check_references(frames["indicators"], TABLES[1], "result_id", results, N_("a result ID"), report)
    indicator_ids = set(indicators_all["indicator_id"].dropna())
    by_name = {t.name: t for t in TABLES}
    for name in ("baselines", "targets", "values"):
        check_references(frames[name], by_name[name], "indicator_id", indicator_ids, N_("an indicator ID"), report)
    check_references(frames["activities"], by_name["activities"], "result_id", results, N_("a result ID"), report)
    meetings = set(base.meetings["number"].dropna().astype(int)) | set(frames["meetings"].get("number", []))
    for name in ("targets", "activities"):
        check_references(
            frames[name].assign(adopted_at=frames[name].get("adopted_at")),
            by_name[name],
            "adopted_at",
            meetings,
            N_("a meeting number"),
            report,
            severity=WARNING,
        )

    if not frames["values"].empty:
        measures = indicators_all.set_index("indicator_id")["measure"]
        frames["values"] = split_values(frames["values"], measures, report, percent_values)
        check_percentage_parts(frames["values"], report)
        check_values_disaggregation(frames["values"], indicators_all, report)
        check_split_has_total(frames["values"], base.values, report)
        check_values_not_future(frames["values"], today, report)
    for name in ("baselines", "targets"):
        if not frames[name].empty:
            check_percent_ranges(frames[name], by_name[name].sheet, indicators_all, report)
    baselines_all = pd.concat([base.baselines, frames["baselines"]], ignore_index=True)
    check_targets_have_baselines(frames["targets"], baselines_all, indicators_all, report)
    check_direction(
        frames["targets"],
        baselines_all.drop_duplicates(["indicator_id", "beneficiary"], keep="last"),
        indicators_all,
        report,
    )

    report.problems.extend(
        p for p in getattr(raw, "problems", []) if (p.sheet, p.row) not in skip and not _in_reference_column(p)
    )
    report.summarise_caps()
    programme = Programme({t.name: conform(t, frames[t.name]) for t in TABLES})
    return Validated(programme, report.problems, rows, report)


def _read_tables(raw: RawWorkbookLike, report: Report) -> dict[str, pd.DataFrame]:
    """Each table's rows as typed frames (with ``_row``), repeated keys reported and dropped."""
    sheets = match_sheets(raw, report)
    frames = {
        t.name: read_table(t, sheets[t.name], report) if t.name in sheets else t.empty().assign(_row=[]) for t in TABLES
    }
    return {t.name: check_duplicates(t, frames[t.name], report) for t in TABLES}


def _rows_left_out(raw: RawWorkbookLike, only: dict[str, set[str]]) -> set[tuple[str, int]]:
    """(sheet, Excel row) of every row whose key is not in ``only`` (read once more, its problems unreported)."""
    left_out: set[tuple[str, int]] = set()
    frames = _read_tables(raw, Report())
    for table in TABLES:
        frame = frames[table.name]
        if frame.empty:
            continue
        keep = diff.key_text(frame, list(table.key)).isin(list(only.get(table.name, set()))).to_numpy(dtype=bool)
        left_out |= {(table.sheet, int(r)) for r in frame.loc[~keep, "_row"]}
    return left_out


def _left_out(frame: pd.DataFrame, name: str, skip: set[tuple[str, int]]) -> np.ndarray:
    sheet = next(t.sheet for t in TABLES if t.name == name)
    return np.array([(sheet, int(r)) in skip for r in frame["_row"]], dtype=bool)


def _union_ids(base: pd.DataFrame, upload: pd.DataFrame, column: str) -> set[str]:
    return set(base[column].dropna()) | set(upload[column].dropna() if column in upload else [])


def _merged_frame(base: pd.DataFrame, upload: pd.DataFrame, key: str) -> pd.DataFrame:
    if upload.empty:
        return base
    both = pd.concat([base, upload.drop(columns="_row", errors="ignore")], ignore_index=True)
    return both.drop_duplicates(subset=[key], keep="last")


def merge(base: Programme, upload: Programme) -> Programme:
    """The base programme with the upload's rows added or, where their keys match, replacing the base rows."""
    tables = {}
    for table in TABLES:
        new = upload[table.name]
        if new.empty:
            tables[table.name] = base[table.name]
            continue
        old = base[table.name]
        both = pd.concat([old, new], ignore_index=True) if not old.empty else new
        both = both.drop_duplicates(subset=list(table.key), keep="last")
        tables[table.name] = conform(table, both.sort_values(list(table.key), kind="stable"))
    return Programme(tables)
