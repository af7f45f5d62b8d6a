import datetime as dt
import math

import pandas as pd
import pytest

from indicators.domain.problems import ERROR, WARNING, UnreadableWorkbook, has_errors
from indicators.read import validate
from indicators.read.validate import merge, validate_workbook
from tests.factories import headers, raw_workbook, small_programme

TODAY = dt.date(2026, 11, 21)
VALUES = headers("Values")  # Indicator ID, Beneficiary, Semester, Sex, Value, Numerator, Denominator, Comment, Source


def values_row(indicator="IND-01", ben="ALB", sem="2025NovS1", sex="total", value="12", num=None, den=None):
    return [indicator, ben, sem, sex, value, num, den, None, None]


def check(rows: list[list], **sheets: list[list]):
    raw = raw_workbook({"Values": [VALUES, *rows], **sheets})
    return validate_workbook(raw, small_programme(), today=TODAY)


def codes(problems) -> set[tuple[str, str]]:
    return {(p.code, p.severity) for p in problems}


def test_a_clean_sheet_gives_typed_rows_and_no_problem() -> None:
    upload, problems = check(
        [
            values_row(),
            values_row(indicator="IND-02", value=None, num="12", den="40"),
            values_row(indicator="IND-03", value="yes"),
            values_row(indicator="IND-04", value="Good"),
        ]
    )
    assert problems == []
    values = upload.values.set_index("indicator_id")
    assert values.loc["IND-01", "value"] == 12
    assert (values.loc["IND-02", "numerator"], values.loc["IND-02", "denominator"]) == (12, 40)
    assert values.loc["IND-03", "value"] == 1.0
    assert values.loc["IND-04", "text"] == "Good" and values["sex"].eq("total").all()


@pytest.mark.parametrize(
    ("row", "code", "severity", "column"),
    [
        (values_row(indicator="IND-99"), "unknown-indicator_id", ERROR, "Indicator ID"),
        (values_row(ben="Narnia"), "bad-beneficiary", ERROR, "Beneficiary"),
        (values_row(sem="spring"), "bad-semester", ERROR, "Semester"),
        (values_row(sem="03/04/2025"), "bad-semester", ERROR, "Semester"),
        (values_row(value="twelve"), "wrong-measure", ERROR, "Value"),
        (values_row(value="-3"), "negative", ERROR, "Value"),
        (values_row(value="1.234"), "not-whole", ERROR, "Value"),
        (values_row(value="1,234"), "wrong-measure", ERROR, "Value"),
        (values_row(value="inf"), "wrong-measure", ERROR, "Value"),
        (values_row(value="NaN"), "wrong-measure", ERROR, "Value"),
        (values_row(indicator="IND-02", value=None, num="Infinity", den="40"), "bad-number", ERROR, "Numerator"),
        (values_row(indicator="IND-02", value="30"), "wrong-measure", ERROR, "Value"),
        (values_row(indicator="IND-03", value="7"), "wrong-measure", ERROR, "Value"),
        (values_row(indicator="IND-01", value="5", num="1", den="2"), "wrong-measure", ERROR, "Numerator"),
        (
            values_row(indicator="IND-02", value=None, num="50", den="40"),
            "numerator-above-denominator",
            ERROR,
            "Numerator",
        ),
        (values_row(indicator="IND-02", value=None, num="0", den="0"), "zero-denominator", WARNING, "Denominator"),
        # 5 of 0 is no percentage (issue 23): an error, not a warning
        (values_row(indicator="IND-02", value=None, num="5", den="0"), "numerator-over-zero", ERROR, "Denominator"),
        (values_row(indicator="IND-02", value=None, num="4", den=None), "required", ERROR, "Denominator"),
        (
            values_row(indicator="IND-02", sex="female", value=None, num="1", den="2"),
            "wrong-disaggregation",
            ERROR,
            "Sex",
        ),
        (values_row(sem="2027NovS2"), "future-semester", WARNING, "Semester"),
        (values_row(value=None), "not-reported", WARNING, "Value"),
        (values_row(ben="Kosova"), "normalised", WARNING, "Beneficiary"),
        (values_row(sem="2024-12-15"), "normalised", WARNING, "Semester"),
        (values_row(value="12,5"), "normalised", WARNING, "Value"),
    ],
)
def test_each_rule_names_sheet_row_column_found_and_expected(row, code, severity, column) -> None:
    _, problems = check([values_row(sem="2024NovS2"), row])
    match = [p for p in problems if p.code == code]
    assert match, problems
    problem = match[0]
    assert (problem.severity, problem.sheet, problem.row, problem.column) == (severity, "Values", 3, column)
    assert problem.expected and problem.found


@pytest.mark.parametrize(
    ("spelling", "code"),
    [
        ("Kosova", "XKX"),
        ("BiH", "BIH"),
        ("Macedonia", "MKD"),
        ("Srbija", "SRB"),
        ("Crna Gora", "MNE"),
        ("Shqipëria", "ALB"),
    ],
)
def test_common_spellings_map_to_codes(spelling: str, code: str) -> None:
    upload, _ = check([values_row(ben=spelling)])
    assert upload.values["beneficiary"].tolist() == [code]


def test_every_problem_is_reported_at_once() -> None:
    _, problems = check([values_row(indicator="IND-99"), values_row(ben="Narnia"), values_row(value="x")])
    assert {p.row for p in problems if p.severity == ERROR} == {2, 3, 4}


def test_duplicates_name_the_first_row() -> None:
    _, problems = check([values_row(), values_row(value="13")])
    duplicate = next(p for p in problems if p.code == "duplicate")
    assert duplicate.row == 3 and "row 2" in duplicate.expected


def test_missing_required_column_and_unknown_column() -> None:
    raw = raw_workbook(
        {"Values": [["Indicator ID", "Semester", "Value", "Colour"], ["IND-01", "2025NovS1", "3", "red"]]}
    )
    _, problems = validate_workbook(raw, small_programme(), today=TODAY)
    assert ("missing-column", ERROR) in codes(problems)
    assert ("unknown-column", WARNING) in codes(problems)
    assert next(p for p in problems if p.code == "missing-column").column == "Beneficiary"


def test_headers_are_matched_without_case_or_spacing() -> None:
    raw = raw_workbook(
        {"values ": [["indicator id", "BENEFICIARY", "semester", "value"], ["IND-01", "ALB", "2025NovS1", "4"]]}
    )
    upload, problems = validate_workbook(raw, small_programme(), today=TODAY)
    assert not has_errors(problems) and len(upload.values) == 1


def test_target_without_baseline_and_against_direction() -> None:
    targets = [
        headers("Targets"),
        ["IND-01", "BIH", "2025NovS1", "10", "2", None],
        ["IND-02", "ALB", "2025NovS1", "10", "2", None],
    ]
    raw = raw_workbook({"Targets": targets})
    _, problems = validate_workbook(raw, small_programme(), today=TODAY)
    assert ("target-without-baseline", ERROR) in codes(problems)
    assert ("target-direction", WARNING) in codes(problems)


def test_percentages_out_of_range_and_fractions() -> None:
    raw = raw_workbook(
        {
            "Baselines": [
                headers("Baselines"),
                ["IND-02", "BIH", "120", "2023", None],
                ["IND-02", "MNE", "0.45", "2023", None],
            ]
        }
    )
    _, problems = validate_workbook(raw, small_programme(), today=TODAY)
    assert {("percent-range", ERROR), ("percent-fraction", WARNING)} <= codes(problems)


def test_hidden_and_unknown_sheets_are_reported_and_no_table_sheet_is_unreadable() -> None:
    raw = raw_workbook({"Values": [VALUES, values_row()], "Notes": [["x"], ["y"]]}, hidden=("Values",))
    _, problems = validate_workbook(raw, small_programme(), today=TODAY)
    assert {("hidden-sheet", WARNING), ("unknown-sheet", WARNING)} <= codes(problems)
    with pytest.raises(UnreadableWorkbook, match="not a monitoring workbook"):
        validate_workbook(raw_workbook({"Sheet1": [["a"], ["b"]]}), small_programme())


def test_new_indicator_in_the_same_upload_is_known() -> None:
    indicators = [
        headers("Indicators"),
        ["IND-05", "OC1", "New", None, "count", "increase", "no", "sum", "no", "none", None, None],
    ]
    _, problems = check([values_row(indicator="IND-05")], Indicators=indicators)
    assert not has_errors(problems), problems


def test_merge_upserts_by_key() -> None:
    base = small_programme()
    upload, _ = check([values_row(value="12")])
    merged = merge(base, upload)
    again, _ = check([values_row(value="15"), values_row(ben="BIH", value="3")])
    merged2 = merge(merged, again)
    assert len(merged2.values) == 2
    assert merged2.values.set_index("beneficiary").loc["ALB", "value"] == 15
    assert len(merged2.indicators) == len(base.indicators)


def test_many_bad_cells_are_capped_with_a_summary_line() -> None:
    rows = [values_row(sem="2025NovS1", ben="ALB", value=f"bad{i}") for i in range(700)]
    rows = [values_row(indicator=f"IND-{i}") for i in range(700)]
    _, problems = check(rows)
    unknown = [p for p in problems if p.code == "unknown-indicator_id"]
    assert len(unknown) == 501 and "200 more" in unknown[-1].found


def test_minus_zero_reads_as_zero_whatever_else_the_column_holds() -> None:
    for cells in (["-0", "3"], ["-0", "3 000"]):
        read = validate._plain_numbers(pd.Series(cells, dtype="string"))
        assert math.copysign(1.0, read.iloc[0]) == 1.0, cells


# Issue 23: a split by sex without a total is named, not silently taken as no data.
SPLIT_CASES = [
    # (name, rows, rows warned (Excel rows), rows the sentence names)
    (
        "female and male, no total",
        [values_row(sex="female", value="5"), values_row(sex="male", value="7")],
        [2, 3],
        "rows 2, 3",
    ),
    ("female only, no total", [values_row(sex="female", value="5")], [2], "rows 2"),
    (
        "with a total",
        [values_row(sex="female", value="5"), values_row(sex="male", value="7"), values_row(value="12")],
        [],
        "",
    ),
    (
        "the total of another semester does not count",
        [values_row(sex="female", value="5"), values_row(sem="2024NovS2", value="12")],
        [2],
        "rows 2",
    ),
]


@pytest.mark.parametrize(("rows", "warned", "named"), [c[1:] for c in SPLIT_CASES], ids=[c[0] for c in SPLIT_CASES])
def test_a_split_without_a_total_is_a_warning_naming_its_rows(rows, warned, named) -> None:
    _, problems = check(rows)
    found = [p for p in problems if p.code == "split-without-total"]
    assert [p.row for p in found] == warned
    assert all(p.severity == WARNING and p.column == "Sex" and named in p.expected for p in found)
    assert all("IND-01, ALB, 2025NovS1" in p.expected for p in found)
