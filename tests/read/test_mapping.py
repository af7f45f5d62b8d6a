"""Workbooks kept in analysts' own layouts, built in code, read through a suggested mapping: every value exactly.

Each layout is written from one list of facts, and the facts read back through the mapping and the
template's own validation must be exactly those facts: nothing lost, nothing invented.
"""

from __future__ import annotations

import datetime as dt
import io
import json

import openpyxl
import pandas as pd
import pytest

from indicators.domain.periods import Semester
from indicators.domain.problems import ERROR, Problem
from indicators.read import validate
from indicators.read.mapping import (
    Mapping,
    MappingError,
    Source,
    apply_mapping,
    header_signature,
    match_indicators,
    semester_in_header,
    suggest_mapping,
)
from indicators.read.reader import read_workbook
from tests.factories import small_programme

TODAY = dt.date(2026, 11, 29)
BASE = small_programme()
INDICATORS = BASE.indicators
S = {"2024NovS1": "Nov 2023 – Apr 2024", "2024NovS2": "May 2024 – Oct 2024", "2025NovS1": "Nov 2024 – Apr 2025"}


def saved(wb: openpyxl.Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def workbook(sheets: dict[str, list[list]], merges: dict[str, list[str]] | None = None) -> bytes:
    """An .xlsx from rows written from A1 (None for an empty cell), with merged ranges per sheet."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
        for ref in (merges or {}).get(name, []):
            ws.merge_cells(ref)
    return saved(wb)


def read_through(data: bytes, mapping: Mapping | None = None, sheet: str | None = None):  # noqa: ANN201
    """The suggestion, the mapped workbook, the validated Values and the problems located in the analyst's file."""
    raw = read_workbook(data, every_sheet=True)
    suggestion = suggest_mapping(raw, INDICATORS, sheet=sheet)
    mapped = apply_mapping(raw, mapping or suggestion.mapping, INDICATORS)
    programme, problems = validate.validate_workbook(mapped.workbook, BASE, today=TODAY, percent_values=True)
    return suggestion, mapped, programme.values, mapped.problems + mapped.locate(problems)


def facts(values: pd.DataFrame) -> set[tuple]:
    """Each stored value as (indicator, beneficiary, semester, sex, value, numerator, denominator, text)."""

    def plain(v: object) -> object:
        return None if v is None or v is pd.NA or (isinstance(v, float) and v != v) else v

    return {
        tuple(plain(v) for v in row)
        for row in values[
            ["indicator_id", "beneficiary", "semester", "sex", "value", "numerator", "denominator", "text"]
        ].itertuples(index=False)
    }


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == ERROR]


# ---- 1. wide by semester, under a title block --------------------------------------------------------------


def test_wide_by_semester_under_a_title_block() -> None:
    rows = [
        ["Monitoring sheet: prison staff training", None, None, None, None, None],
        ["Prepared by the programme team, Belgrade office", None, None, None, None, None],
        [None] * 6,
        ["Country", "Indicator", "Nov 2023 – Apr 2024", "May 2024 – Oct 2024", "S1 2025", dt.datetime(2025, 6, 15)],
        ["Serbia", "IND-01", 12, 15, None, 4],
        ["Albania", "Staff trained", 3, None, 7, None],
        ["Montenegro", "IND-03", "yes", "no", None, None],
        [None] * 6,
        ["Kosovo*", "ind-01", 0, 1, 2, None],
    ]
    data = workbook({"Training": rows}, {"Training": ["A1:F1"]})
    suggestion, mapped, values, problems = read_through(data)
    mapping = suggestion.mapping
    assert (mapping.sheets, mapping.header_row, mapping.header_rows) == (("Training",), 4, 1)
    assert mapping.fields == {"beneficiary": Source(column="Country"), "indicator": Source(column="Indicator")}
    assert [(w.column, w.semester) for w in mapping.wide] == [
        ("Nov 2023 – Apr 2024", "2024NovS1"),
        ("May 2024 – Oct 2024", "2024NovS2"),
        ("S1 2025", "2025NovS1"),
        ("2025-06-15 00:00:00", "2025NovS2"),
    ]
    assert suggestion.needs == []
    assert errors(problems) == []
    assert facts(values) == {
        ("IND-01", "SRB", "2024NovS1", "total", 12.0, None, None, None),
        ("IND-01", "SRB", "2024NovS2", "total", 15.0, None, None, None),
        ("IND-01", "SRB", "2025NovS2", "total", 4.0, None, None, None),
        ("IND-01", "ALB", "2024NovS1", "total", 3.0, None, None, None),
        ("IND-01", "ALB", "2025NovS1", "total", 7.0, None, None, None),
        ("IND-03", "MNE", "2024NovS1", "total", 1.0, None, None, None),
        ("IND-03", "MNE", "2024NovS2", "total", 0.0, None, None, None),
        ("IND-01", "XKX", "2024NovS1", "total", 0.0, None, None, None),
        ("IND-01", "XKX", "2024NovS2", "total", 1.0, None, None, None),
        ("IND-01", "XKX", "2025NovS1", "total", 2.0, None, None, None),
    }
    assert mapped.matches["Staff trained"].how == "title"
    assert mapped.matches["ind-01"].how == "id"


def test_a_problem_names_the_analysts_own_sheet_row_and_column() -> None:
    rows = [
        ["Training results", None, None],
        ["Country", "Indicator", "S1 2025"],
        ["Serbia", "IND-01", "twelve"],
        ["Narnia", "IND-01", 3],
    ]
    _, _, _, problems = read_through(workbook({"Mine": rows}))
    where = {(p.sheet, p.row, p.column, p.code) for p in errors(problems)}
    assert ("Mine", 3, "S1 2025", "wrong-measure") in where  # the cell that holds 'twelve'
    assert ("Mine", 4, "Country", "bad-beneficiary") in where


# ---- 2. wide by beneficiary -----------------------------------------------------------------------------------


def test_wide_by_beneficiary() -> None:
    rows = [
        ["Indicator ID", "Semester", "Albania", "Bosnia and Herzegovina", "Kosovo*", "MNE", "mk", "Srbija"],
        ["IND-01", "2025NovS1", 10, 11, 12, None, 14, 15],
        ["IND-02", "Nov 2024 – Apr 2025", 45.5, None, None, 50, None, None],
        ["IND-04", "2025-01-10", "Regular exchanges", None, None, None, None, "Good"],
    ]
    suggestion, _, values, problems = read_through(workbook({"By country": rows}))
    assert [w.beneficiary for w in suggestion.mapping.wide] == ["ALB", "BIH", "XKX", "MNE", "MKD", "SRB"]
    assert suggestion.mapping.fields["semester"] == Source(column="Semester")
    assert errors(problems) == []
    assert facts(values) == {
        ("IND-01", "ALB", "2025NovS1", "total", 10.0, None, None, None),
        ("IND-01", "BIH", "2025NovS1", "total", 11.0, None, None, None),
        ("IND-01", "XKX", "2025NovS1", "total", 12.0, None, None, None),
        ("IND-01", "MKD", "2025NovS1", "total", 14.0, None, None, None),
        ("IND-01", "SRB", "2025NovS1", "total", 15.0, None, None, None),
        ("IND-02", "ALB", "2025NovS1", "total", 45.5, None, None, None),
        ("IND-02", "MNE", "2025NovS1", "total", 50.0, None, None, None),
        ("IND-04", "ALB", "2025NovS1", "total", None, None, None, "Regular exchanges"),
        ("IND-04", "SRB", "2025NovS1", "total", None, None, None, "Good"),
    }


# ---- 3. long, with other headers; near matches must be confirmed ------------------------------------------------


LONG = [
    ["KPI", "Economy", "Reporting period", "Achieved", "Gender", "Remarks"],
    ["Staff trained", "Albania", "S2 2024", 5, "Female", "first cohort"],
    ["Staff trained", "Albania", "S2 2024", 7, "Male", None],
    ["Staff trained", "Albania", "S2 2024", 12, "total", None],
    ["Share asessed", "Serbia", "2024-03-01", "40%", None, "from the survey"],
    ["Protocol adopted", "BiH", "2024NovS1", "Yes", None, None],
    ["Output 1 (heading)", None, None, None, None, None],
]


def test_long_with_other_headers_asks_to_confirm_a_near_match() -> None:
    suggestion, _, values, problems = read_through(workbook({"Sheet1": LONG}))
    fields = suggestion.mapping.fields
    assert {name: s.column for name, s in fields.items()} == {
        "indicator": "KPI",
        "beneficiary": "Economy",
        "semester": "Reporting period",
        "value": "Achieved",
        "sex": "Gender",
        "comment": "Remarks",
    }
    near = suggestion.matches["Share asessed"]
    assert (near.how, near.indicator_id, near.suggestion) == ("suggested", None, "IND-02")
    assert suggestion.to_json()["to_confirm"] == {"Share asessed": "IND-02 (Share assessed)"}
    [confirm] = errors(problems)  # never accepted silently: its cell is an error until confirmed
    assert (confirm.sheet, confirm.row, confirm.column, confirm.code) == ("Sheet1", 5, "KPI", "indicator-to-confirm")
    assert "IND-02" not in set(values["indicator_id"])


def test_long_with_other_headers_reads_every_value_once_confirmed() -> None:
    raw = read_workbook(workbook({"Sheet1": LONG}), every_sheet=True)
    proposed = suggest_mapping(raw, INDICATORS).mapping
    mapping = Mapping.from_json(proposed.to_json() | {"indicators": {"Share asessed": "IND-02"}})
    _, _, values, problems = read_through(workbook({"Sheet1": LONG}), mapping)
    assert errors(problems) == []
    assert facts(values) == {
        ("IND-01", "ALB", "2024NovS2", "female", 5.0, None, None, None),
        ("IND-01", "ALB", "2024NovS2", "male", 7.0, None, None, None),
        ("IND-01", "ALB", "2024NovS2", "total", 12.0, None, None, None),
        ("IND-02", "SRB", "2024NovS1", "total", 40.0, None, None, None),
        ("IND-03", "BIH", "2024NovS1", "total", 1.0, None, None, None),
    }
    comments = values.set_index(["indicator_id", "sex"])["comment"]
    assert comments[("IND-01", "female")] == "first cohort"
    assert comments[("IND-02", "total")] == "from the survey"


# ---- 4. merged header cells --------------------------------------------------------------------------------


def test_merged_header_cells_over_two_header_rows() -> None:
    rows = [
        ["Practitioners trained, by sex", None, None, None, None, None],
        ["Indicator", "Beneficiary", "Nov 2024 – Apr 2025", None, "May 2025 – Oct 2025", None],
        [None, None, "Female", "Male", "Female", "Male"],
        ["IND-01", "ALB", 4, 6, 5, None],
        ["IND-01", "SRB", 1, 2, 3, 4],
    ]
    merges = ["A1:F1", "A2:A3", "B2:B3", "C2:D2", "E2:F2"]
    suggestion, _, values, problems = read_through(workbook({"Trained": rows}, {"Trained": merges}))
    mapping = suggestion.mapping
    assert (mapping.header_row, mapping.header_rows) == (2, 2)
    assert [c.label for c in suggestion.columns] == [
        "Indicator",
        "Beneficiary",
        "Nov 2024 – Apr 2025 / Female",
        "Nov 2024 – Apr 2025 / Male",
        "May 2025 – Oct 2025 / Female",
        "May 2025 – Oct 2025 / Male",
    ]
    # merged header cells are expected here: no warning about them; the split by sex without a total is named
    assert {p.code for p in problems} == {"split-without-total"}
    assert facts(values) == {
        ("IND-01", "ALB", "2025NovS1", "female", 4.0, None, None, None),
        ("IND-01", "ALB", "2025NovS1", "male", 6.0, None, None, None),
        ("IND-01", "ALB", "2025NovS2", "female", 5.0, None, None, None),
        ("IND-01", "SRB", "2025NovS1", "female", 1.0, None, None, None),
        ("IND-01", "SRB", "2025NovS1", "male", 2.0, None, None, None),
        ("IND-01", "SRB", "2025NovS2", "female", 3.0, None, None, None),
        ("IND-01", "SRB", "2025NovS2", "male", 4.0, None, None, None),
    }


def test_merged_cells_among_the_data_are_still_reported_by_cell() -> None:
    rows = [["Indicator", "Beneficiary", "S1 2025"], ["IND-01", "ALB", 4], [None, "SRB", 5]]
    _, _, _, problems = read_through(workbook({"Data": rows}, {"Data": ["A2:A3"]}))
    assert ("Data", 2, "Indicator", "merged-cells") in {(p.sheet, p.row, p.column, p.code) for p in errors(problems)}


# ---- 5. one sheet per beneficiary --------------------------------------------------------------------------


def test_one_sheet_per_beneficiary() -> None:
    header = ["Indicator", "Semester", "Value", "Comment"]
    sheets = {
        "Albania": [header, ["IND-01", "2025NovS1", 3, None], ["IND-02", "2025NovS1", 55, "survey"]],
        "Kosovo": [header, ["IND-01", "2025NovS1", 8, None]],
        "Serbia": [header, ["IND-01", "2024NovS2", 2, None], ["IND-01", "2025NovS1", None, "not reported yet"]],
        "Notes": [["Anything else"], ["free text"]],
    }
    suggestion, mapped, values, problems = read_through(workbook(sheets))
    mapping = suggestion.mapping
    assert mapping.sheets == ("Albania", "Kosovo", "Serbia")
    assert mapping.fields["beneficiary"] == Source(sheet_name=True)
    assert [e for e in errors(problems)] == []
    assert facts(values) == {
        ("IND-01", "ALB", "2025NovS1", "total", 3.0, None, None, None),
        ("IND-02", "ALB", "2025NovS1", "total", 55.0, None, None, None),
        ("IND-01", "XKX", "2025NovS1", "total", 8.0, None, None, None),
        ("IND-01", "SRB", "2024NovS2", "total", 2.0, None, None, None),
        ("IND-01", "SRB", "2025NovS1", "total", None, None, None, None),  # a comment only: kept as not reported
    }
    assert mapped.origin(mapped.rows + 1) == ("Serbia", 3)


# ---- 6. percentages as numerator and denominator columns ------------------------------------------------------


def test_percentages_as_numerator_and_denominator_columns() -> None:
    rows = [
        ["Share of prisons assessed", None, None, None, None, None],
        ["Indicator", "Country", "S1 2025", None, "S2 2025", None],
        [None, None, "Numerator", "Denominator", "Numerator", "Denominator"],
        ["Share assessed", "MKD", 3, 12, 5, 12],
        ["Share assessed", "MNE", 0, 4, None, None],
    ]
    suggestion, _, values, problems = read_through(workbook({"Pct": rows}, {"Pct": ["C2:D2", "E2:F2"]}))
    assert [(w.semester, w.part) for w in suggestion.mapping.wide] == [
        ("2025NovS1", "numerator"),
        ("2025NovS1", "denominator"),
        ("2025NovS2", "numerator"),
        ("2025NovS2", "denominator"),
    ]
    assert errors(problems) == []
    assert facts(values) == {
        ("IND-02", "MKD", "2025NovS1", "total", None, 3.0, 12.0, None),
        ("IND-02", "MKD", "2025NovS2", "total", None, 5.0, 12.0, None),
        ("IND-02", "MNE", "2025NovS1", "total", None, 0.0, 4.0, None),
    }


def test_percentages_as_one_number_written_as_fractions() -> None:
    rows = [
        ["Indicator", "Beneficiary", "S1 2025", "S2 2025"],
        ["IND-02", "ALB", 0.45, 0.5],
        ["IND-02", "SRB", 0.1, None],
    ]
    suggestion, _, values, problems = read_through(workbook({"Pct": rows}))
    assert suggestion.mapping.percent_as_fraction is True
    assert errors(problems) == []
    assert facts(values) == {
        ("IND-02", "ALB", "2025NovS1", "total", 45.0, None, None, None),
        ("IND-02", "ALB", "2025NovS2", "total", 50.0, None, None, None),
        ("IND-02", "SRB", "2025NovS1", "total", 10.0, None, None, None),
    }


def test_a_percentage_above_100_is_refused_at_its_cell() -> None:
    rows = [["Indicator", "Beneficiary", "S1 2025"], ["IND-02", "ALB", 145]]
    _, _, _, problems = read_through(workbook({"Pct": rows}))
    [problem] = errors(problems)
    assert (problem.sheet, problem.row, problem.column, problem.code) == ("Pct", 2, "S1 2025", "percent-range")


# ---- the mapping as JSON, and its pieces ----------------------------------------------------------------------


def test_a_mapping_survives_json_and_hand_editing() -> None:
    raw = read_workbook(workbook({"Sheet1": LONG}), every_sheet=True)
    mapping = suggest_mapping(raw, INDICATORS).mapping
    text = mapping.dumps()
    assert Mapping.loads(text) == mapping
    edited = json.loads(text) | {"fields": {"indicator": "KPI", "beneficiary": {"value": "ALB"}}}
    again = Mapping.from_json(edited)
    assert again.fields == {"indicator": Source(column="KPI"), "beneficiary": Source(value="ALB")}


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ("{not json", "not valid JSON"),
        ({"header_row": 1}, "'sheets'"),
        ({"sheets": ["A"], "header_row": 0}, "'header_row'"),
        ({"sheets": ["A"], "header_row": 1, "fields": {"country": "X"}}, "fields are indicator"),
        ({"sheets": ["A"], "header_row": 1, "fields": {"indicator": {"col": "X"}}}, '{"column": "header"}'),
        ({"sheets": ["A"], "header_row": 1, "wide": [{"column": "X"}]}, "which semester"),
        ({"sheets": ["A"], "header_row": 1, "wide": [{"column": "X", "part": "ratio"}]}, "parts are"),
        ({"sheets": ["A"], "header_row": 1, "format": 9}, "format 9"),
    ],
)
def test_a_broken_mapping_says_what_to_change(data: object, says: str) -> None:
    with pytest.raises(MappingError, match=None) as caught:
        Mapping.from_json(data)
    assert says in str(caught.value)


@pytest.mark.parametrize(
    ("header", "semester"),
    [
        ("2025NovS1", "2025NovS1"),
        ("Nov 2024 – Apr 2025", "2025NovS1"),
        ("November 2024 - April 2025", "2025NovS1"),
        ("S1 2025", "2025NovS1"),
        ("S2/2025", "2025NovS2"),
        ("2025 H1", "2025NovS1"),
        ("Semester 2 2024", "2024NovS2"),
        ("2025-03-31 00:00:00", "2025NovS1"),
        ("Albania", None),
        ("Value", None),
        ("2025", None),
    ],
)
def test_semester_headers(header: str, semester: str | None) -> None:
    found = semester_in_header(header, anchor=11)
    assert (found.id if found else None) == semester
    assert found is None or isinstance(found, Semester)


def test_indicators_matched_by_id_then_title_and_near_matches_only_suggested() -> None:
    found = match_indicators(["IND-01", "ind-02", "Protocol adopted", "IND 3", "Staf trained", "Unrelated"], INDICATORS)
    assert {t: (m.how, m.indicator_id, m.suggestion) for t, m in found.items()} == {
        "IND-01": ("id", "IND-01", None),
        "ind-02": ("id", "IND-02", None),
        "Protocol adopted": ("title", "IND-03", None),
        "IND 3": ("unknown", None, None),
        "Staf trained": ("suggested", None, "IND-01"),
        "Unrelated": ("unknown", None, None),
    }
    confirmed = match_indicators(["Staf trained"], INDICATORS, {"Staf trained": "IND-01"})
    assert confirmed["Staf trained"].indicator_id == "IND-01"


def test_the_same_headers_give_the_same_signature() -> None:
    first = read_workbook(workbook({"Sheet1": LONG}), every_sheet=True)
    mapping = suggest_mapping(first, INDICATORS).mapping
    later = read_workbook(
        workbook({"Sheet1": [*LONG[:2], ["IND-01", "ALB", "S1 2026", 4, None, None]]}), every_sheet=True
    )
    other = read_workbook(
        workbook({"Sheet1": [["KPI", "Where", "When", "Achieved"], ["IND-01", "ALB", "S1 2026", 4]]}), every_sheet=True
    )
    assert header_signature(first, mapping) == header_signature(later, mapping)
    assert header_signature(other, mapping) != header_signature(first, mapping)


def test_a_mapping_naming_a_missing_column_says_which() -> None:
    data = workbook({"Sheet1": LONG})
    mapping = Mapping(
        ("Sheet1",), 1, {"indicator": Source(column="Indicator code"), "value": Source(column="Achieved")}
    )
    _, _, _, problems = read_through(data, mapping)
    assert ("Sheet1", 1, "Indicator code", "mapping-column-missing") in {
        (p.sheet, p.row, p.column, p.code) for p in errors(problems)
    }
