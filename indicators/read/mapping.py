"""Reading a workbook kept in the analyst's own layout, through a mapping onto the Values table.

Programme teams keep their own monitoring sheets: a title block above the headers, other header names,
one column per semester or per beneficiary, one sheet per beneficiary. A ``Mapping`` (JSON, readable and
editable by hand; the format is in the README) says where the Values table's fields are in such a
workbook. ``suggest_mapping`` proposes one and ``apply_mapping`` reshapes the sheets into the Values
table's text cells, so that everything after it is the template's own path (validation, diff, draft).
Each reshaped row remembers the cell it came from: ``MappedWorkbook.locate`` turns a problem found in the
reshaped table back into the analyst's sheet, row and column, the cell to fix in *their* file.

The rules, in one place:
- The header row proposed is, among a sheet's first 30 filled rows, the one with most headers recognised
  (a field's name, a semester or a beneficiary) and text rather than numbers: title blocks (one merged
  cell, or a line of text) and blank rows above it are skipped. When the row under it holds sub-headers
  (Female/Male, Numerator/Denominator) or the header row has merged cells, both rows are the header: a
  merged header cell heads every column it spans, and a column's header is its texts joined by " / ".
- A column is *wide* when its header is a semester (identifier, label "Nov 2024 – Apr 2025", "S1 2025"
  style, or a date inside it) or a beneficiary (code, name or alias); each of its filled cells becomes one
  row of the Values table. Empty cells are not reported values: no row is made for them, and a row of the
  analyst's sheet with no value, numerator, denominator or comment at all (a section heading) is skipped.
- Indicators are matched by ID (any case), else by title (compared folded); a near match (similar ID or
  title) is only a suggestion: until it is confirmed in the mapping's ``indicators``, its cells are errors.
- A percentage may be one number (0-100, or a fraction 0-1 when the mapping says ``percent_as_fraction``)
  or numerator and denominator columns.
"""

from __future__ import annotations

import bisect
import difflib
import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from indicators.domain import reference as ref
from indicators.domain.i18n import N_, _
from indicators.domain.periods import PeriodError, Semester, anchor_month, parse_semester
from indicators.domain.problems import ERROR, WARNING, Problem, ProjectError, quote
from indicators.domain.schema import VALUES
from indicators.read.reader import RawSheet, RawWorkbook, XmlFindings, _xml_problems
from indicators.read.safety import column_letters, column_number

FORMAT = 1
FIELDS: dict[str, str] = {  # mapping field -> the Values table's header
    "indicator": VALUES.column("indicator_id").header,
    "beneficiary": VALUES.column("beneficiary").header,
    "semester": VALUES.column("semester").header,
    "sex": VALUES.column("sex").header,
    "value": VALUES.column("value").header,
    "numerator": VALUES.column("numerator").header,
    "denominator": VALUES.column("denominator").header,
    "comment": VALUES.column("comment").header,
}
KEYS = ("indicator", "beneficiary", "semester", "sex")  # what a wide column may stand for
PARTS = ("value", "numerator", "denominator")  # what a wide column's cells hold
REQUIRED = ("indicator", "beneficiary", "semester")
QUIET_NORMALISED = (FIELDS["beneficiary"], FIELDS["semester"], FIELDS["sex"])
HEADER_SEARCH_ROWS = 30
NEAR_MATCH = 0.75  # difflib ratio of folded titles from which a title is suggested
MAX_PROBLEMS = 100  # per rule and sheet

# Header spellings recognised as each field, in English and French (folded; a header containing one of these
# words is taken).
HEADER_WORDS: dict[str, tuple[str, ...]] = {
    "indicator": ("indicator id", "indicator", "indicator code", "indicator name", "ind id", "kpi", "ind",
                  "indicateur", "code indicateur", "id de l indicateur"),
    "beneficiary": ("beneficiary", "country", "economy", "beneficiary code", "jurisdiction", "administration",
                    "beneficiaire", "pays", "economie"),
    "semester": ("semester", "period", "reporting period", "semester id", "six months", "half year", "semestre",
                 "periode", "periode de rapport"),
    "sex": ("sex", "gender", "disaggregation", "sexe", "genre", "ventilation"),
    "value": ("value", "actual", "achieved", "achievement", "result", "reported", "figure", "progress", "valeur",
              "valeur realisee", "realise", "chiffre"),
    "numerator": ("numerator", "numerateur"),
    "denominator": ("denominator", "out of", "denominateur"),
    "comment": ("comment", "comments", "notes", "note", "remarks", "explanation", "observations", "commentaire",
                "commentaires", "remarques", "explication"),
}  # fmt: skip
# A field as people read it ("the indicator"), in the mapping step and on the command line.
FIELD_WORDS: dict[str, str] = {
    "indicator": N_("the indicator"),
    "beneficiary": N_("the beneficiary"),
    "semester": N_("the semester"),
    "sex": N_("the sex"),
    "value": N_("the value"),
    "numerator": N_("the numerator"),
    "denominator": N_("the denominator"),
    "comment": N_("the comment"),
}
PART_WORDS: dict[str, str] = {"value": N_("value"), "numerator": N_("numerator"), "denominator": N_("denominator")}
SUB_HEADERS: dict[str, tuple[str, str]] = {  # folded sub-header -> (field, what it fixes)
    "female": ("sex", "female"),
    "women": ("sex", "female"),
    "f": ("sex", "female"),
    "male": ("sex", "male"),
    "men": ("sex", "male"),
    "m": ("sex", "male"),
    "total": ("sex", "total"),
    "femmes": ("sex", "female"),
    "femme": ("sex", "female"),
    "hommes": ("sex", "male"),
    "homme": ("sex", "male"),
    "h": ("sex", "male"),
    "numerateur": ("part", "numerator"),
    "denominateur": ("part", "denominator"),
    "valeur": ("part", "value"),
    "numerator": ("part", "numerator"),
    "denominator": ("part", "denominator"),
    "value": ("part", "value"),
    "actual": ("part", "value"),
}
_SHORT_SEMESTER = (
    re.compile(r"^(?:s|h|sem|semester|half)\s*([12])\s*(?:of\s*)?(\d{4})$"),  # S1 2025, Semester 1 2025
    re.compile(r"^(\d{4})\s*(?:s|h|sem|semester|half)\s*([12])$"),  # 2025 S1, 2025-H2
)
_SEMESTER_IN_TEXT = re.compile(
    r"(\d{4}\s*[A-Za-z]{3}\s*S\s*[12]|[A-Za-z]{3}[a-z]*\.?\s+\d{4}\s*(?:-|–|—|to)\s*[A-Za-z]{3}[a-z]*\.?\s+\d{4})"
)


class MappingError(ProjectError):
    """A mapping that cannot be used; ``str(error)`` says what to change."""


# ---- the mapping --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """Where one field's text comes from: a column (by its header), one value for every row, or the sheet's name."""

    column: str | None = None
    value: str | None = None
    sheet_name: bool = False

    def to_json(self) -> dict:
        if self.sheet_name:
            return {"sheet_name": True}
        return {"value": self.value} if self.column is None else {"column": self.column}


@dataclass(frozen=True)
class WideColumn:
    """A column whose header *is* a semester, a beneficiary or a sex: each filled cell is one value."""

    column: str
    part: str = "value"  # value, numerator or denominator
    semester: str | None = None
    beneficiary: str | None = None
    sex: str | None = None

    @property
    def keys(self) -> dict[str, str]:
        return {k: v for k in ("semester", "beneficiary", "sex") if (v := getattr(self, k)) is not None}

    def to_json(self) -> dict:
        out: dict = {"column": self.column}
        out.update(self.keys)
        if self.part != "value":
            out["part"] = self.part
        return out


@dataclass(frozen=True)
class Mapping:
    """Where the Values table's fields are in a workbook kept in another layout (see the README for the JSON)."""

    sheets: tuple[str, ...]
    header_row: int
    fields: dict[str, Source] = field(default_factory=dict)
    wide: tuple[WideColumn, ...] = ()
    header_rows: int = 1
    indicators: dict[str, str] = field(default_factory=dict)  # confirmed: the text as written -> indicator ID
    percent_as_fraction: bool = False
    name: str = ""

    @property
    def last_header_row(self) -> int:
        return self.header_row + self.header_rows - 1

    def to_json(self) -> dict:
        """The mapping as a JSON-ready dict, in the documented format."""
        out: dict = {"format": FORMAT}
        if self.name:
            out["name"] = self.name
        out |= {"sheets": list(self.sheets), "header_row": self.header_row}
        if self.header_rows != 1:
            out["header_rows"] = self.header_rows
        out["fields"] = {name: self.fields[name].to_json() for name in FIELDS if name in self.fields}
        if self.wide:
            out["wide"] = [w.to_json() for w in self.wide]
        out["indicators"] = dict(self.indicators)
        if self.percent_as_fraction:
            out["percent_as_fraction"] = True
        return out

    def dumps(self) -> str:
        return json.dumps(self.to_json(), ensure_ascii=False, indent=2)

    @classmethod
    def from_json(cls, data: object) -> Mapping:
        """A mapping from parsed JSON; raises MappingError saying what is wrong and what is expected."""
        if isinstance(data, str | bytes):
            try:
                data = json.loads(data)
            except (ValueError, UnicodeDecodeError) as error:
                raise MappingError(_("The mapping is not valid JSON ({error}).").format(error=error)) from None
        if not isinstance(data, dict):
            raise MappingError(_("The mapping must be a JSON object with 'sheets', 'header_row' and 'fields'."))
        if data.get("format", FORMAT) != FORMAT:
            raise MappingError(
                _("The mapping has format {found}; this version reads format {format}.").format(
                    found=repr(data.get("format")), format=FORMAT
                )
            )
        sheets = data.get("sheets", [data["sheet"]] if isinstance(data.get("sheet"), str) else None)
        if not isinstance(sheets, list) or not sheets or not all(isinstance(s, str) and s for s in sheets):
            raise MappingError(_("The mapping's 'sheets' must be a list of sheet names, e.g. [\"Data\"]."))
        header_row, header_rows = data.get("header_row"), data.get("header_rows", 1)
        if not _positive_int(header_row) or not _positive_int(header_rows) or header_rows > 3:
            raise MappingError(_("The mapping's 'header_row' must be a row number (1 or more); 'header_rows' 1 to 3."))
        fields = data.get("fields", {})
        if not isinstance(fields, dict):
            raise MappingError(
                _('The mapping\'s \'fields\' must be an object such as {"indicator": {"column": "KPI"}}.')
            )
        parsed: dict[str, Source] = {}
        for name, source in fields.items():
            if name not in FIELDS:
                raise MappingError(
                    _("The mapping names the field {name}; fields are {fields}.").format(
                        name=repr(name), fields=", ".join(FIELDS)
                    )
                )
            parsed[name] = _source(name, source)
        wide = data.get("wide", [])
        if not isinstance(wide, list):
            raise MappingError(
                _('The mapping\'s \'wide\' must be a list of columns such as {"column": "S1 2025", ...}.')
            )
        columns = tuple(_wide_column(item) for item in wide)
        indicators = data.get("indicators", {})
        if not isinstance(indicators, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in indicators.items()
        ):
            raise MappingError(
                _('The mapping\'s \'indicators\' must map texts to indicator IDs, e.g. {"Staff trained": "IND-01"}.')
            )
        return cls(
            sheets=tuple(sheets),
            header_row=header_row,
            fields=parsed,
            wide=columns,
            header_rows=header_rows,
            indicators=dict(indicators),
            percent_as_fraction=bool(data.get("percent_as_fraction", False)),
            name=str(data.get("name", "")),
        )

    @classmethod
    def loads(cls, text: str | bytes) -> Mapping:
        return cls.from_json(text)

    def missing(self) -> list[str]:
        """What the mapping does not say yet, each as a sentence saying what is needed."""
        wide_keys = {k for w in self.wide for k in w.keys}
        needs = []
        for name in REQUIRED:
            if name not in self.fields and name not in wide_keys:
                needs.append(_(NEEDS[name]))
        if not ({"value", "numerator"} & set(self.fields)) and not self.wide:
            needs.append(_(NEEDS["value"]))
        return needs


NEEDS = {
    "indicator": N_("Say which column holds the indicator (its ID or its title)."),
    "beneficiary": N_(
        "Say which column holds the beneficiary, which columns are beneficiaries, or pick one "
        "beneficiary for the whole sheet."
    ),
    "semester": N_(
        "Say which column holds the semester, which columns are semesters, or pick one semester for the whole sheet."
    ),
    "value": N_(
        "Say which column holds the value (or the numerator and denominator), or which columns are "
        "semesters or beneficiaries."
    ),
}


def _positive_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def _source(name: str, source: object) -> Source:
    if isinstance(source, str):
        return Source(column=source)
    if isinstance(source, dict) and len(source) == 1:
        if isinstance(source.get("column"), str):
            return Source(column=source["column"])
        if isinstance(source.get("value"), str | int | float) and not isinstance(source.get("value"), bool):
            return Source(value=str(source["value"]))
        if source.get("sheet_name") is True:
            return Source(sheet_name=True)
    raise MappingError(
        _(
            'The mapping\'s field {name} must be {{"column": "header"}}, {{"value": "text"}} or {{"sheet_name": true}}.'
        ).format(name=repr(name))
    )


def _wide_column(item: object) -> WideColumn:
    if not isinstance(item, dict) or not isinstance(item.get("column"), str):
        raise MappingError(
            _(
                'Each \'wide\' entry needs a \'column\' (its header), e.g. {"column": "S1 2025", "semester": '
                '"2025NovS1"}.'
            )
        )
    unknown = set(item) - {"column", "part", "semester", "beneficiary", "sex"}
    if unknown:
        raise MappingError(
            _("The wide column {column} has unknown keys: {keys}.").format(
                column=repr(item["column"]), keys=", ".join(sorted(unknown))
            )
        )
    part = item.get("part", "value")
    if part not in PARTS:
        raise MappingError(
            _("The wide column {column} has part {part}; parts are {parts}.").format(
                column=repr(item["column"]), part=repr(part), parts=", ".join(PARTS)
            )
        )
    keys = {k: str(item[k]) for k in ("semester", "beneficiary", "sex") if item.get(k) is not None}
    if not keys and part == "value":
        raise MappingError(
            _("The wide column {column} must say which semester, beneficiary or sex it stands for.").format(
                column=repr(item["column"])
            )
        )
    return WideColumn(column=item["column"], part=part, **keys)


# ---- the sheet as a grid, its headers -------------------------------------------------------------------------


def sheet_grid(sheet: RawSheet) -> pd.DataFrame:
    """Every filled cell of a sheet read in full, as text: columns are letters, the index Excel row numbers."""
    if not sheet.letters:
        return pd.DataFrame(index=pd.Index([], dtype="int64", name="row"))
    body = sheet.rows.set_axis(sheet.letters, axis=1)
    texts = sheet.header_texts or [None] * len(sheet.letters)
    head = pd.DataFrame([texts], index=pd.Index([sheet.header_row], name="row"), columns=sheet.letters, dtype="string")
    return pd.concat([head, body]) if len(body) else head


@dataclass(frozen=True)
class HeaderCell:
    """One column under the chosen header rows: its letter, its header as shown, and the texts it is made of."""

    letter: str
    label: str
    parts: tuple[str, ...]


def header_cells(
    grid: pd.DataFrame, header_row: int, header_rows: int, findings: XmlFindings | None
) -> list[HeaderCell]:
    """The columns' headers at the given rows: merged cells span their columns; blank headers are named by letter.

    Columns with neither a header nor data are left out; a header used twice is told apart by its letter.
    """
    rows = list(range(header_row, header_row + header_rows))
    texts: dict[tuple[int, str], str] = {}
    for row in rows:
        if row in grid.index:
            for letter, text in grid.loc[row].items():
                if isinstance(text, str) and text.strip():
                    texts[(row, str(letter))] = " ".join(text.split())
    for first_row, last_row, letters, span in findings.merges if findings else []:
        end = span.split(":")[-1]
        last_letters = re.match(r"[A-Z]+", end).group(0) if ":" in span else letters
        top = texts.get((first_row, letters))
        if top is None:
            continue
        for row in range(max(first_row, header_row), min(last_row, rows[-1]) + 1):
            for number in range(column_number(letters), column_number(last_letters) + 1):
                texts.setdefault((row, column_letters(number)), top)
    below = grid.loc[grid.index > rows[-1]]
    has_data = below.notna().any(axis=0) if len(below) else pd.Series(False, index=grid.columns)
    cells, seen = [], set()
    for letter in grid.columns:
        parts = tuple(dict.fromkeys(texts[(r, letter)] for r in rows if (r, letter) in texts))
        if not parts and not bool(has_data.get(letter, False)):
            continue
        label = " / ".join(parts) if parts else f"Column {letter}"
        if ref.fold(label) in seen:
            label = f"{label} (column {letter})"
        seen.add(ref.fold(label))
        cells.append(HeaderCell(str(letter), label, parts))
    return cells


def semester_in_header(text: str, anchor: int | None = None) -> Semester | None:
    """The semester a header stands for (identifier, label, "S1 2025" style or a date inside it), else None."""
    anchor = anchor_month() if anchor is None else anchor
    folded = ref.fold(text).replace(" ", "")
    for pattern in _SHORT_SEMESTER:
        match = pattern.match(ref.fold(text))
        match = match or pattern.match(folded)
        if match:
            first, second = match.groups()
            year, half = (int(second), int(first)) if len(first) == 1 else (int(first), int(second))
            return Semester(year, half, anchor)
    try:
        return parse_semester(text.strip(), anchor)
    except PeriodError:
        return None


def _field_of(text: str) -> str | None:
    """The field a header names (e.g. "Country" -> beneficiary), None when it names none."""
    folded = ref.fold(text)
    for name in FIELDS:
        if folded in HEADER_WORDS[name] or folded in (ref.fold(FIELDS[name]),):
            return name
    for name in FIELDS:
        if any(re.search(rf"\b{re.escape(word)}\b", folded) for word in HEADER_WORDS[name] if len(word) > 3):
            return name
    return None


def _meaning(part: str) -> dict[str, str]:
    """What one header text fixes when the column is wide: a semester, a beneficiary, a sex or a part."""
    semester = semester_in_header(part)
    if semester is not None:
        return {"semester": semester.id}
    folded = ref.fold(part)
    if folded in SUB_HEADERS:
        kind, value = SUB_HEADERS[folded]
        return {kind: value}
    code = ref.beneficiary_code(part)
    if code is not None and len(folded) > 1:
        return {"beneficiary": code}
    return {}


def wide_meaning(cell: HeaderCell) -> WideColumn | None:
    """The wide column a header stands for, when one of its texts is a semester or a beneficiary."""
    found: dict[str, str] = {}
    for part in cell.parts:
        for key, value in _meaning(part).items():
            found.setdefault(key, value)
    part = found.pop("part", "value")
    if not ({"semester", "beneficiary"} & set(found)):
        return None
    return WideColumn(cell.label, part=part, **found)


def _row_score(values: list[str]) -> float:
    """How much a row looks like a header row: recognised headers count most, numbers count against."""
    if len(values) < 2:
        return -1.0
    numbers = sum(_is_number(v) for v in values)
    recognised = sum(_field_of(v) is not None or bool(_meaning(v)) for v in values)
    return 3 * recognised + (len(values) - numbers) - 2 * numbers


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", "").replace("%", "").strip())
    except ValueError:
        return False
    return True


def _values_in_a_column(grid: pd.DataFrame, rows: list[int], row: int) -> int:
    """How many of a row's semesters and beneficiaries are values rather than headers: cells whose column holds
    more of the same kind in the rows around (a long sheet's data rows; not a wide sheet's header, nor a
    two-row header of beneficiaries over semesters)."""
    near = [r for r in rows if r != row and abs(rows.index(r) - rows.index(row)) <= 3]
    count = 0
    for letter, text in grid.loc[row].items():
        kinds = set(_meaning(text)) & {"semester", "beneficiary"} if isinstance(text, str) and text.strip() else set()
        if not kinds:
            continue
        around = grid.loc[near, letter].dropna() if near else []
        count += any(isinstance(t, str) and not _is_number(t) and kinds & set(_meaning(t)) for t in around)
    return count


def propose_header(grid: pd.DataFrame, findings: XmlFindings | None = None) -> tuple[int, int]:
    """The header row proposed for a sheet, and how many rows the header takes (1 or 2)."""
    rows = list(grid.index[:HEADER_SEARCH_ROWS])
    if not rows:
        return 1, 1
    filled = {r: [v for v in grid.loc[r].tolist() if isinstance(v, str) and v.strip()] for r in rows}
    scores = {r: _row_score(filled[r]) - 3 * _values_in_a_column(grid, rows, r) for r in rows}
    best = max(rows, key=lambda r: (scores[r], -r))
    below = best + 1
    if below in filled and len(filled[below]) >= 1 and not any(_is_number(v) for v in filled[below]):
        merged = any(first == best and ":" in span for first, _, _, span in (findings.merges if findings else []))
        sub = any(ref.fold(v) in SUB_HEADERS for v in filled[below])
        if sub or (merged and len(filled[below]) >= 2):
            return best, 2
    return best, 1


# ---- indicators ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorMatch:
    """How an indicator text in the workbook was matched: by ID, title, confirmation, or only a suggestion."""

    text: str
    indicator_id: str | None  # the ID used; None when not matched (a suggestion is not used until confirmed)
    how: str  # "id", "title", "confirmed", "suggested" or "unknown"
    suggestion: str | None = None
    title: str = ""


def _squeeze(text: str) -> str:
    return ref.fold(text).replace(" ", "")


def match_indicators(
    texts: Iterable[str], indicators: pd.DataFrame, confirmed: dict[str, str] | None = None
) -> dict[str, IndicatorMatch]:
    """Each distinct indicator text matched by ID, else by title; near matches are suggestions only."""
    confirmed = confirmed or {}
    ids = [str(i) for i in indicators["indicator_id"].dropna()] if len(indicators) else []
    titles = (
        dict(zip(indicators["indicator_id"].astype(str), indicators["title"].fillna("").astype(str), strict=True))
        if len(indicators)
        else {}
    )
    by_id = {i.casefold(): i for i in ids}
    by_title = {ref.fold(t): i for i, t in titles.items() if t}
    by_squeezed = {_squeeze(i): i for i in ids}
    folded_titles = list(by_title)
    out: dict[str, IndicatorMatch] = {}
    for text in dict.fromkeys(t for t in texts if isinstance(t, str)):
        key = text.strip()
        if key in confirmed:
            out[text] = IndicatorMatch(text, confirmed[key], "confirmed", title=titles.get(confirmed[key], ""))
        elif key.casefold() in by_id:
            found = by_id[key.casefold()]
            out[text] = IndicatorMatch(text, found, "id", title=titles.get(found, ""))
        elif ref.fold(key) in by_title:
            found = by_title[ref.fold(key)]
            out[text] = IndicatorMatch(text, found, "title", title=titles.get(found, ""))
        else:
            near = by_squeezed.get(_squeeze(key))
            if near is None:
                close = difflib.get_close_matches(ref.fold(key), folded_titles, n=1, cutoff=NEAR_MATCH)
                near = by_title[close[0]] if close else None
            if near is None:  # an ID written in a title cell, "IND-01 Staff trained" style
                head = re.match(r"\s*([A-Za-z]+[-. ]?\d+(?:\.\d+)*)\b", key)
                near = by_squeezed.get(_squeeze(head.group(1))) if head else None
            how = "suggested" if near else "unknown"
            out[text] = IndicatorMatch(text, None, how, suggestion=near, title=titles.get(near, "") if near else "")
    return out


# ---- reshaping to the Values table ------------------------------------------------------------------------


@dataclass
class _Block:
    """Reshaped rows from one sheet and one group of columns: where each Values column came from."""

    start: int  # the first reshaped row number
    sheet: str
    rows: np.ndarray  # the analyst's Excel row of each reshaped row
    columns: dict[str, tuple[str, int | None]]  # Values header -> (the analyst's column, a fixed row or None)


@dataclass
class MappedWorkbook:
    """The workbook reshaped to the Values table, the problems found while mapping, and where each row came from."""

    workbook: RawWorkbook  # one sheet, Values, in the template's headers
    problems: list[Problem]  # already in the analyst's sheet, row and column
    blocks: list[_Block]
    matches: dict[str, IndicatorMatch]
    sheets: tuple[str, ...]

    @property
    def rows(self) -> int:
        return len(self.workbook.sheets[VALUES.sheet].rows)

    def locate(self, problems: list[Problem]) -> list[Problem]:
        """Problems found in the reshaped Values table, moved to the analyst's own sheet, row and column."""
        starts = [b.start for b in self.blocks]
        taken = {(p.sheet, p.row, p.column) for p in self.problems}
        out = []
        for problem in problems:
            if problem.code == "normalised" and problem.column in QUIET_NORMALISED:
                continue  # "Serbia read as SRB": the mapping step has shown how names and labels are read
            if problem.sheet != VALUES.sheet or not self.blocks:
                out.append(problem)
                continue
            if problem.row is None:
                block = self.blocks[0]
                column, _letter = block.columns.get(problem.column or "", (problem.column, None))
                out.append(_moved(problem, block.sheet, None, column))
                continue
            block = self.blocks[max(0, bisect.bisect_right(starts, problem.row) - 1)]
            row = int(block.rows[problem.row - block.start])
            column, fixed_row = block.columns.get(problem.column or "", (None, None))
            if column is None and problem.column:
                column = _("{column} (set in the mapping)").format(column=problem.column)
            moved = _moved(problem, block.sheet, fixed_row or row, column)
            if problem.code == "duplicate":
                moved = _with_rows_located(moved, self)
            if (moved.sheet, moved.row, moved.column) in taken:
                continue  # the mapping already asked for this cell (an indicator to confirm ...)
            out.append(moved)
        return out

    def origin(self, row: int) -> tuple[str, int]:
        """The analyst's sheet and row of a reshaped row."""
        block = self.blocks[bisect.bisect_right([b.start for b in self.blocks], row) - 1]
        return block.sheet, int(block.rows[row - block.start])


def _moved(problem: Problem, sheet: str, row: int | None, column: str | None) -> Problem:
    return Problem(problem.severity, sheet, row, column, problem.found, problem.expected, problem.code)


def _with_rows_located(problem: Problem, mapped: MappedWorkbook) -> Problem:
    """A duplicate's "first given in row N" pointed at the analyst's row."""

    def where(match: re.Match) -> str:
        sheet, row = mapped.origin(int(match.group(1)))
        if sheet == problem.sheet:
            return _("row {row}").format(row=row)
        return _("sheet '{sheet}' row {row}").format(sheet=sheet, row=row)

    return Problem(
        problem.severity,
        problem.sheet,
        problem.row,
        problem.column,
        problem.found,
        re.sub(r"\b(?:row|ligne) (\d+)\b", where, problem.expected),
        problem.code,
    )


def apply_mapping(raw: RawWorkbook, mapping: Mapping, indicators: pd.DataFrame) -> MappedWorkbook:
    """The workbook's mapped sheets reshaped to the Values table's text cells, rows remembering their cells.

    ``raw`` must have every sheet read in full (``worker.parse_isolated(..., every_sheet=True)``);
    ``indicators`` are the known indicators (the approved data's and the workbook's own) to match texts to.
    """
    problems: list[Problem] = [p for p in raw.problems if not p.sheet]  # the package's (macros, links ...)
    pieces: list[pd.DataFrame] = []
    blocks: list[_Block] = []
    texts: list[pd.Series] = []
    prepared = []
    for name in mapping.sheets:
        sheet = raw.sheets.get(name)
        if sheet is None:
            problems.append(
                Problem(
                    ERROR,
                    name,
                    None,
                    None,
                    _("no such sheet"),
                    _("a sheet named '{name}', as the mapping says (the workbook has {sheets})").format(
                        name=name, sheets=", ".join(repr(s) for s in raw.sheets)
                    ),
                    "mapping-sheet-missing",
                )
            )
            continue
        grid = sheet_grid(sheet)
        cells = header_cells(grid, mapping.header_row, mapping.header_rows, sheet.findings)
        by_label = {ref.fold(c.label): c for c in cells}
        data = grid.loc[grid.index > mapping.last_header_row]
        problems.extend(_sheet_problems(sheet, data, cells, mapping))
        problems.extend(_missing_columns(name, mapping, by_label))
        problems.extend(_unmapped_columns(name, data, cells, mapping))
        prepared.append((name, data, by_label))
        column = mapping.fields.get("indicator")
        if column and column.column and ref.fold(column.column) in by_label:
            texts.append(data[by_label[ref.fold(column.column)].letter])
    texts_all = pd.concat(texts).dropna().str.strip() if texts else pd.Series([], dtype="string")
    matches = match_indicators(texts_all.unique().tolist(), indicators, mapping.indicators)
    resolved = {t: m.indicator_id or t.strip() for t, m in matches.items()}
    measures = (
        dict(zip(indicators["indicator_id"].astype(str), indicators["measure"].astype(str), strict=True))
        if len(indicators)
        else {}
    )
    next_row = 2
    for name, data, by_label in prepared:
        for frame, columns in _sheet_pieces(name, data, by_label, mapping, resolved):
            if frame.empty:
                continue
            if mapping.percent_as_fraction:
                frame = _fractions_as_percent(frame, measures)
            frame.index = pd.RangeIndex(next_row, next_row + len(frame), name="row")
            rows = frame.pop("_row").to_numpy(dtype="int64")
            blocks.append(_Block(next_row, name, rows, columns))
            pieces.append(frame)
            next_row += len(frame)
        problems.extend(_to_confirm(name, data, by_label, mapping, matches))
    headers = list(FIELDS.values())
    values = (
        pd.concat(pieces).reindex(columns=headers).astype("string")
        if pieces
        else pd.DataFrame(
            {h: pd.Series([], dtype="string") for h in headers}, index=pd.Index([], dtype="int64", name="row")
        )
    )
    sheet = RawSheet(VALUES.sheet, True, 1, headers, values, [column_letters(i + 1) for i in range(len(headers))])
    return MappedWorkbook(RawWorkbook({VALUES.sheet: sheet}, []), problems, blocks, matches, mapping.sheets)


def _missing_columns(sheet: str, mapping: Mapping, by_label: dict[str, HeaderCell]) -> list[Problem]:
    """The columns the mapping names that the sheet does not have."""
    named = [(f, s.column) for f, s in mapping.fields.items() if s.column] + [("value", w.column) for w in mapping.wide]
    return [
        Problem(
            ERROR,
            sheet,
            mapping.header_row,
            column,
            _("no such column"),
            _(
                "a column headed '{column}' in row {row}, as the mapping says (for {field}); "
                "choose the header row and columns again"
            ).format(column=column, row=mapping.header_row, field=_(FIELD_WORDS.get(name, name))),
            "mapping-column-missing",
        )
        for name, column in named
        if ref.fold(column) not in by_label
    ]


def _unmapped_columns(sheet: str, data: pd.DataFrame, cells: list[HeaderCell], mapping: Mapping) -> list[Problem]:
    """A warning for each column with data that the mapping does not read, so that nothing is left out unseen."""
    used = {ref.fold(s.column) for s in mapping.fields.values() if s.column} | {
        ref.fold(w.column) for w in mapping.wide
    }
    return [
        Problem(
            WARNING,
            sheet,
            mapping.header_row,
            cell.label,
            _("a column with data that the mapping does not read ({column})").format(column=quote(cell.label)),
            _("every column with values in the mapping; this column was not read"),
            "unmapped-column",
        )
        for cell in cells
        if ref.fold(cell.label) not in used and data[cell.letter].notna().any()
    ]


def _sheet_pieces(
    name: str, data: pd.DataFrame, by_label: dict[str, HeaderCell], mapping: Mapping, resolved: dict[str, str]
) -> list[tuple[pd.DataFrame, dict[str, tuple[str, int | None]]]]:
    """The sheet's rows as Values frames (with the Excel row in ``_row``), one per group of wide columns."""

    def cell(label: str) -> HeaderCell | None:
        return by_label.get(ref.fold(label))

    base: dict[str, pd.Series | str] = {}
    columns: dict[str, tuple[str, int | None]] = {}
    for field_name, source in mapping.fields.items():
        header = FIELDS[field_name]
        if source.column is not None:
            found = cell(source.column)
            if found is None:
                continue
            series = data[found.letter]
            if field_name == "indicator":
                series = series.str.strip().map(resolved, na_action="ignore").astype("string")
            elif field_name == "semester":
                series = _short_semesters_as_ids(series)
            base[header] = series
            columns[header] = (found.label, None)
        else:
            base[header] = name if source.sheet_name else str(source.value)
    long_parts = [FIELDS[p] for p in (*PARTS, "comment") if p in mapping.fields]
    if not mapping.wide:
        frame = _frame(base, data.index)
        frame = (
            frame[frame[[h for h in long_parts if h in frame]].notna().any(axis=1)] if long_parts else frame.iloc[0:0]
        )
        return [(frame.assign(_row=frame.index), columns)]
    groups: dict[tuple, list[tuple[WideColumn, HeaderCell]]] = {}
    for wide in mapping.wide:
        found = cell(wide.column)
        if found is not None:
            groups.setdefault(tuple(sorted(wide.keys.items())), []).append((wide, found))
    pieces = []
    for keys, members in groups.items():
        fields = dict(base)
        where = dict(columns)
        for key, value in keys:
            fields[FIELDS[key]] = value
            where[FIELDS[key]] = (members[0][1].label, mapping.header_row)
        for wide, found in members:
            fields[FIELDS[wide.part]] = data[found.letter]
            where[FIELDS[wide.part]] = (found.label, None)
        frame = _frame(fields, data.index)
        filled = [FIELDS[w.part] for w, _found in members]
        frame = frame[frame[filled].notna().any(axis=1)]
        pieces.append((frame.assign(_row=frame.index), where))
    return pieces


def _short_semesters_as_ids(series: pd.Series) -> pd.Series:
    """Semester cells written "S1 2025" style given as identifiers; other texts left for validation to read."""
    short = {}
    for text in series.dropna().unique().tolist():
        if any(p.match(ref.fold(str(text))) or p.match(ref.fold(str(text)).replace(" ", "")) for p in _SHORT_SEMESTER):
            short[text] = semester_in_header(str(text)).id
    return series.map(lambda t: short.get(t, t), na_action="ignore").astype("string") if short else series


def _frame(fields: dict[str, pd.Series | str], index: pd.Index) -> pd.DataFrame:
    """A frame of text columns from series and constants, on ``index``."""
    return pd.DataFrame(
        {h: v if isinstance(v, pd.Series) else pd.Series(v, index=index, dtype="string") for h, v in fields.items()},
        index=index,
    )


def _fractions_as_percent(frame: pd.DataFrame, measures: dict[str, str]) -> pd.DataFrame:
    """Percentages written as fractions (0.45) given as 0-100 (45), for percentage indicators' single values."""
    value = FIELDS["value"]
    if value not in frame:
        return frame
    percent = frame[FIELDS["indicator"]].map(measures, na_action="ignore") == "percentage"
    numbers = pd.to_numeric(frame[value], errors="coerce")
    scaled = (numbers * 100).round(10).map(lambda x: f"{x:.12g}", na_action="ignore").astype("string")
    return frame.assign(**{value: frame[value].where(~(percent.fillna(False) & numbers.notna()), scaled)})


def _to_confirm(
    sheet: str,
    data: pd.DataFrame,
    by_label: dict[str, HeaderCell],
    mapping: Mapping,
    matches: dict[str, IndicatorMatch],
) -> list[Problem]:
    """An error at each cell whose indicator is only a near match: the analyst confirms it in the mapping."""
    source = mapping.fields.get("indicator")
    if source is None or source.column is None or ref.fold(source.column) not in by_label:
        return []
    found = by_label[ref.fold(source.column)]
    problems = []
    column = data[found.letter].str.strip()
    for text, match in matches.items():
        if match.how != "suggested":
            continue
        for row in column.index[column == text][:MAX_PROBLEMS]:
            problems.append(
                Problem(
                    ERROR,
                    sheet,
                    int(row),
                    found.label,
                    quote(text),
                    _(
                        "an indicator ID or title; it looks like {indicator} ('{title}'): confirm it in "
                        'the mapping step (or add it to the mapping\'s "indicators")'
                    ).format(indicator=match.suggestion, title=match.title),
                    "indicator-to-confirm",
                )
            )
    return problems


def _sheet_problems(sheet: RawSheet, data: pd.DataFrame, cells: list[HeaderCell], mapping: Mapping) -> list[Problem]:
    """What the sheet XML shows (formulas without values, error cells, merged data cells, hidden rows and columns),
    counted from the mapping's header rows; merged header cells are expected there and not reported."""
    problems = []
    if not sheet.visible:
        problems.append(
            Problem(
                WARNING,
                sheet.name,
                None,
                None,
                _("a hidden sheet"),
                _("visible sheets; its rows were read all the same"),
                "hidden-sheet",
            )
        )
    if sheet.findings is None:
        return problems
    labels = {column_number(c.letter): c.label for c in cells}
    rows = data.set_axis([labels.get(column_number(str(c)), f"Column {c}") for c in data.columns], axis=1)
    rows = rows.loc[:, ~rows.columns.duplicated()]
    found = _xml_problems(sheet.name, sheet.findings, mapping.last_header_row, rows, labels)
    return [p for p in found if p.code != "merged-header" and (p.row is None or p.row > mapping.last_header_row)]


# ---- suggesting a mapping ------------------------------------------------------------------------------------


@dataclass
class Suggestion:
    """A proposed mapping, what was recognised, and what the analyst still has to say or confirm."""

    mapping: Mapping
    columns: list[HeaderCell]
    recognised: dict[str, str]  # column label -> what it was taken as, in words
    matches: dict[str, IndicatorMatch]
    needs: list[str]
    sheets: list[str]  # every sheet with data, for the choice
    evidence: dict[str, str] = field(default_factory=dict)  # field -> the cells that showed what its column holds

    def to_json(self) -> dict:
        """The mapping as JSON, with what is left to do (ignored when the mapping is read back)."""
        out = self.mapping.to_json()
        to_confirm = {m.text: f"{m.suggestion} ({m.title})" for m in self.matches.values() if m.how == "suggested"}
        if to_confirm:
            out["to_confirm"] = to_confirm
        unknown = [m.text for m in self.matches.values() if m.how == "unknown"]
        if unknown:
            out["unknown_indicators"] = unknown
        if self.needs:
            out["needs"] = self.needs
        if self.evidence:
            out["recognised_by_content"] = dict(self.evidence)
        return out


def sheets_with_data(raw: RawWorkbook) -> list[str]:
    """The names of the sheets that have any filled cell, in workbook order."""
    return [name for name, sheet in raw.sheets.items() if sheet.letters]


def suggest_mapping(
    raw: RawWorkbook,
    indicators: pd.DataFrame,
    sheet: str | None = None,
    header_row: int | None = None,
    header_rows: int | None = None,
) -> Suggestion:
    """A mapping proposed for a workbook: the sheet (or the sheets, one per beneficiary), header row and columns.

    ``sheet``, ``header_row`` and ``header_rows`` fix what the analyst has chosen; the rest is proposed.
    """
    candidates = sheets_with_data(raw)
    if sheet is not None and sheet not in raw.sheets:
        raise MappingError(
            _("The workbook has no sheet named '{sheet}'; its sheets are {sheets}.").format(
                sheet=sheet, sheets=", ".join(raw.sheets)
            )
        )
    if not candidates:
        raise MappingError(_("The workbook has no filled cells on any sheet."))
    proposals = {}
    for name in dict.fromkeys([sheet, *candidates] if sheet else candidates):
        grid = sheet_grid(raw.sheets[name])
        row, rows = propose_header(grid, raw.sheets[name].findings)
        row, rows = header_row or row, header_rows or (rows if header_row in (None, row) else 1)
        cells = header_cells(grid, row, rows, raw.sheets[name].findings)
        score = sum(_field_of(c.label) is not None or wide_meaning(c) is not None for c in cells)
        proposals[name] = (score, len(grid), row, rows, cells, grid)
    chosen = sheet or max(proposals, key=lambda n: (proposals[n][0], proposals[n][1]))
    _sheet, _name, header_row, header_rows, cells, grid = proposals[chosen]
    sheets = [chosen]
    if ref.beneficiary_code(chosen):  # one sheet per beneficiary, all alike
        labels = [ref.fold(c.label) for c in cells]
        sheets = [
            n
            for n, p in proposals.items()
            if ref.beneficiary_code(n)
            and (p[2], p[3]) == (header_row, header_rows)
            and [ref.fold(c.label) for c in p[4]] == labels
        ]
    fields: dict[str, Source] = {}
    wide: list[WideColumn] = []
    recognised: dict[str, str] = {}
    data = grid.loc[grid.index > header_row + header_rows - 1]
    narrow = [cell for cell in cells if wide_meaning(cell) is None]
    by_content = content_fields(data, narrow, indicators)
    claimed = {found.cell.label for found in by_content.values()}
    for name, found in by_content.items():
        fields[name] = Source(column=found.cell.label)
        recognised[found.cell.label] = _(FIELD_WORDS[name])
    for cell in cells:
        meaning = wide_meaning(cell)
        if meaning is not None:
            wide.append(meaning)
            recognised[cell.label] = _describe(meaning)
            continue
        name = _field_of(cell.label)
        if name is not None and name not in fields and cell.label not in claimed:
            fields[name] = Source(column=cell.label)
            recognised[cell.label] = _(FIELD_WORDS[name])
    wide_keys = {k for w in wide for k in w.keys}
    if "beneficiary" not in fields and "beneficiary" not in wide_keys and ref.beneficiary_code(chosen):
        fields["beneficiary"] = Source(sheet_name=True)
    if "semester" not in fields and "semester" not in wide_keys:
        found = _semester_above(grid, header_row)
        if found:
            fields["semester"] = Source(value=found)
    if wide:
        for part in PARTS:  # a wide sheet's values are in its wide columns
            fields.pop(part, None)
    matches: dict[str, IndicatorMatch] = {}
    if "indicator" in fields:
        letter = next(c.letter for c in cells if c.label == fields["indicator"].column)
        matches = match_indicators(data[letter].dropna().str.strip().unique().tolist(), indicators)
    mapping = Mapping(
        sheets=tuple(sheets),
        header_row=header_row,
        fields=fields,
        wide=tuple(wide),
        header_rows=header_rows,
        percent_as_fraction=_fractions_likely(data, cells, fields, wide, matches, indicators),
    )
    evidence = {name: found.sentence() for name, found in by_content.items()}
    return Suggestion(mapping, cells, recognised, matches, mapping.missing(), candidates, evidence)


CONTENT_SHARE = 0.8  # the share of a column's distinct filled cells that must be known values of a field
CONTENT_FIELDS = ("indicator", "beneficiary", "semester")  # fields recognised by what their cells hold
CONTENT_WORDS = {
    "indicator": N_("known indicator IDs or titles"),
    "beneficiary": N_("beneficiary codes or names"),
    "semester": N_("semester identifiers, labels or dates"),
}


@dataclass(frozen=True)
class ContentMatch:
    """A column taken as a field because of what its cells hold: the cells that showed it, and how many."""

    field: str
    cell: HeaderCell
    examples: tuple[tuple[int, str], ...]  # (Excel row, text) of the first cells recognised
    known: int  # distinct filled texts recognised
    filled: int  # distinct filled texts

    def sentence(self) -> str:
        """Which cells convinced it, in words: 'column B: B5 “IND-01”, B6 “IND-02” … (12 of 12 values are known
        indicator IDs or titles)'."""
        cells = ", ".join(f"{self.cell.letter}{row} “{text}”" for row, text in self.examples)
        return _("column {letter} ({header}): {cells} … ({known} of {filled} values are {what})").format(
            letter=self.cell.letter,
            header=self.cell.label,
            cells=cells,
            known=self.known,
            filled=self.filled,
            what=_(CONTENT_WORDS[self.field]),
        )


def _known_texts(name: str, texts: list[str], indicators: pd.DataFrame) -> set[str]:
    """Which of the distinct ``texts`` are known values of a field."""
    if name == "indicator":
        matches = match_indicators(texts, indicators) if len(indicators) else {}
        return {t for t, m in matches.items() if m.how in ("id", "title")}
    if name == "beneficiary":
        return {t for t in texts if len(ref.fold(t)) > 1 and ref.beneficiary_code(t) is not None}
    return {t for t in texts if not _is_number(t) and semester_in_header(t) is not None}


def content_fields(data: pd.DataFrame, cells: list[HeaderCell], indicators: pd.DataFrame) -> dict[str, ContentMatch]:
    """The indicator, beneficiary and semester columns recognised by their cells, whatever their headers say: a
    column is taken as a field when at least CONTENT_SHARE of its distinct filled texts (two or more) are known
    values of it; of two such columns, the one with the larger share (then the one whose header names the field,
    then the leftmost) is taken, and a column is taken as one field only."""
    found: list[tuple[tuple, ContentMatch]] = []
    for position, cell in enumerate(cells):
        if cell.letter not in data.columns:
            continue
        column = data[cell.letter].dropna().astype(str).str.strip()
        column = column[column != ""]
        texts = list(dict.fromkeys(column.tolist()))
        if len(texts) < 2:
            continue
        for name in CONTENT_FIELDS:
            known = _known_texts(name, texts, indicators)
            if len(known) < CONTENT_SHARE * len(texts):
                continue
            examples = tuple((int(row), text) for row, text in column.items() if text in known)[:3]
            share = len(known) / len(texts)
            rank = (share, _field_of(cell.label) == name, -position)
            found.append((rank, ContentMatch(name, cell, examples, len(known), len(texts))))
    chosen: dict[str, ContentMatch] = {}
    taken: set[str] = set()
    for _rank, match in sorted(found, key=lambda item: item[0], reverse=True):
        if match.field not in chosen and match.cell.letter not in taken:
            chosen[match.field] = match
            taken.add(match.cell.letter)
    return chosen


def _describe(wide: WideColumn) -> str:
    words = []
    if wide.semester:
        words.append(_("the semester {semester}").format(semester=wide.semester))
    if wide.beneficiary:
        words.append(_("the beneficiary {name}").format(name=ref.beneficiary_name(wide.beneficiary)))
    if wide.sex:
        words.append(_(wide.sex))
    if wide.part != "value":
        words.append(_(PART_WORDS.get(wide.part, wide.part)))
    return ", ".join(words)


def _semester_above(grid: pd.DataFrame, header_row: int) -> str | None:
    """A semester named in the title block above the headers ("Reporting period: Nov 2024 – Apr 2025"), if one."""
    for row in grid.index[grid.index < header_row]:
        for text in grid.loc[row].dropna().tolist():
            for found in _SEMESTER_IN_TEXT.findall(str(text)):
                semester = semester_in_header(found)
                if semester:
                    return semester.id
    return None


def _fractions_likely(
    data: pd.DataFrame,
    cells: list[HeaderCell],
    fields: dict[str, Source],
    wide: list[WideColumn],
    matches: dict[str, IndicatorMatch],
    indicators: pd.DataFrame,
) -> bool:
    """Whether single percentage values look written as fractions: every one of them between 0 and 1."""
    if "indicator" not in fields or not len(indicators):
        return False
    percent = set(indicators.loc[indicators["measure"] == "percentage", "indicator_id"].astype(str))
    letter = {c.label: c.letter for c in cells}
    ind = data[letter[fields["indicator"].column]].str.strip()
    is_pct = ind.map(lambda t: (m := matches.get(t)) is not None and m.indicator_id in percent, na_action="ignore")
    value_letters = [letter[w.column] for w in wide if w.part == "value"]
    if "value" in fields and fields["value"].column:
        value_letters.append(letter[fields["value"].column])
    numbers = pd.to_numeric(
        data.loc[is_pct.fillna(False).astype(bool), value_letters].stack(), errors="coerce"
    ).dropna()
    return bool(len(numbers)) and bool(((numbers >= 0) & (numbers <= 1)).all()) and bool((numbers < 1).any())


def header_signature(raw: RawWorkbook, mapping: Mapping) -> str | None:
    """A fingerprint of the mapped sheets' headers at the mapping's rows, by which a saved mapping is found again.

    A workbook with the same headers has the same one (None when a mapped sheet is missing). When the
    mapping has semester columns, headers that are semesters are left out: next semester's workbook, with
    one more semester column, is the same layout (``with_new_semesters`` adds its columns).
    """
    by_semester = any(w.semester for w in mapping.wide)
    parts = []
    for name in mapping.sheets:
        sheet = raw.sheets.get(name)
        if sheet is None:
            return None
        cells = header_cells(sheet_grid(sheet), mapping.header_row, mapping.header_rows, sheet.findings)
        labels = [ref.fold(c.label) for c in cells if not (by_semester and _semester_column(c))]
        parts.append(json.dumps([mapping.header_row, mapping.header_rows, labels]))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def _semester_column(cell: HeaderCell) -> bool:
    meaning = wide_meaning(cell)
    return meaning is not None and meaning.semester is not None


def with_new_semesters(mapping: Mapping, raw: RawWorkbook) -> Mapping:
    """A saved wide-by-semester mapping with the semester columns a later workbook adds (as the suggestion reads
    them); the mapping itself when it has no semester columns or nothing was added."""
    if not any(w.semester for w in mapping.wide):
        return mapping
    known = {ref.fold(w.column) for w in mapping.wide} | {
        ref.fold(s.column) for s in mapping.fields.values() if s.column
    }
    added: list[WideColumn] = []
    for name in mapping.sheets:
        sheet = raw.sheets.get(name)
        if sheet is None:
            continue
        for cell in header_cells(sheet_grid(sheet), mapping.header_row, mapping.header_rows, sheet.findings):
            meaning = wide_meaning(cell)
            if meaning is not None and meaning.semester and ref.fold(cell.label) not in known:
                added.append(meaning)
                known.add(ref.fold(cell.label))
    return replace(mapping, wide=mapping.wide + tuple(added)) if added else mapping
