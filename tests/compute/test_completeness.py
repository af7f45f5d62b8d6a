"""Reporting completeness: reports expected where a target is in force, against reports received."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from indicators.compute.completeness import (
    completeness_table,
    expected_reports,
    missing_reports,
    not_received,
    of_semesters,
    reporting_completeness,
)
from indicators.domain.schema import TABLES, TABLES_BY_NAME, Programme, conform

S1, S2 = "2025NovS1", "2025NovS2"


def indicator(indicator_id: str, **fields: object) -> dict[str, object]:
    row = {
        "indicator_id": indicator_id,
        "result_id": "OC1",
        "title": f"Indicator {indicator_id}",
        "measure": "count",
        "direction": "increase",
        "cumulative": False,
        "aggregation": "sum",
    }
    return row | fields


def make_programme(**rows: list[dict]) -> Programme:
    tables = {t.name: t.empty() for t in TABLES}
    for name, records in rows.items():
        if records:
            tables[name] = conform(TABLES_BY_NAME[name], pd.DataFrame(records))
    return Programme(tables)


def target(indicator_id: str, beneficiary: str, semester: str, adopted_at: int = 4) -> dict[str, object]:
    return {
        "indicator_id": indicator_id,
        "beneficiary": beneficiary,
        "semester": semester,
        "value": 10,
        "adopted_at": adopted_at,
    }


def value(indicator_id: str, beneficiary: str, semester: str, **fields: object) -> dict[str, object]:
    return {"indicator_id": indicator_id, "beneficiary": beneficiary, "semester": semester} | fields


PROGRAMME = make_programme(
    indicators=[indicator("I1"), indicator("P1", measure="percentage"), indicator("Q1", measure="qualitative")],
    targets=[
        target("I1", "ALB", S1),
        target("I1", "ALB", S1, adopted_at=5),  # a revision is still one report
        target("I1", "SRB", S1),
        target("P1", "ALB", S1),
        target("Q1", "REG", S1),
        target("I1", "ALB", S2),
    ],
    values=[
        value("I1", "ALB", S1, value=3),
        value("I1", "SRB", S1, sex="female", value=2),  # not a total
        value("P1", "ALB", S1, numerator=0, denominator=0),  # no usable figure
        value("Q1", "REG", S1, text="Steering group set up"),
        value("I1", "MNE", S1, value=4),  # not expected: no target
    ],
)


def test_expected_reports_one_row_per_target_in_force() -> None:
    expected = expected_reports(PROGRAMME)
    assert len(expected) == 5
    got = dict(
        zip(
            zip(expected["indicator_id"], expected["beneficiary"], expected["semester"], strict=True),
            expected["reported"],
            strict=True,
        )
    )
    assert got == {
        ("I1", "ALB", S1): True,
        ("I1", "SRB", S1): False,
        ("P1", "ALB", S1): False,
        ("Q1", "REG", S1): True,
        ("I1", "ALB", S2): False,
    }


def test_completeness_by_semester_and_beneficiary() -> None:
    table = reporting_completeness(PROGRAMME)
    assert list(table.columns) == ["semester", "beneficiary", "expected", "reported", "missing", "completeness"]
    alb = table[(table["semester"] == S1) & (table["beneficiary"] == "ALB")].iloc[0]
    assert (alb["expected"], alb["reported"], alb["missing"], alb["completeness"]) == (2, 1, 1, 0.5)


@pytest.mark.parametrize(
    ("by", "rows", "completeness"),
    [
        (("semester",), 2, [0.5, 0.0]),
        ((), 1, [0.4]),
        (("indicator_id",), 3, [1 / 3, 0.0, 1.0]),
    ],
)
def test_completeness_groupings(by: tuple[str, ...], rows: int, completeness: list[float]) -> None:
    table = reporting_completeness(PROGRAMME, by=by)
    assert len(table) == rows
    assert list(table["completeness"]) == pytest.approx(completeness)


def test_no_expected_reports_gives_no_completeness() -> None:
    table = reporting_completeness(make_programme(indicators=[indicator("I1")]), by=())
    assert table["expected"].iloc[0] == 0 and math.isnan(table["completeness"].iloc[0])


def test_missing_reports_all_and_for_one_semester() -> None:
    assert len(missing_reports(PROGRAMME)) == 3
    missing = missing_reports(PROGRAMME, S2)
    assert list(zip(missing["indicator_id"], missing["beneficiary"], strict=True)) == [("I1", "ALB")]
    assert "reported" not in missing.columns


@pytest.mark.parametrize("seed", range(6))
def test_one_semesters_missing_reports_read_from_its_rows_only(seed) -> None:
    """missing_reports of one semester reads that semester's targets and values only: the same rows, in the same
    order, as the programme's missing reports of that semester."""
    from tests.compute.random_programmes import random_programme

    data = random_programme(seed)
    every = missing_reports(data)
    for semester in sorted(set(data.targets["semester"].dropna())):
        expected = every[every["semester"] == semester].reset_index(drop=True)
        pd.testing.assert_frame_equal(missing_reports(data, semester), expected)


@pytest.mark.parametrize("seed", range(6))
def test_one_semesters_completeness_from_its_rows_only(seed) -> None:
    """The pages show one semester's completeness, computed from that semester's targets and values only
    (of_semesters): the same figures as that semester's rows of the whole programme's."""
    from tests.compute.random_programmes import random_programme

    data = random_programme(seed)
    every = reporting_completeness(data)
    for semester in sorted(set(data.targets["semester"].dropna())):
        expected = every[every["semester"] == semester].reset_index(drop=True)
        pd.testing.assert_frame_equal(reporting_completeness(of_semesters(data, [semester])), expected)
        # The Semester review counts it from the semester's expected reports, its missing reports with it.
        reports = expected_reports(of_semesters(data, [semester]))
        pd.testing.assert_frame_equal(completeness_table(reports), expected)
        pd.testing.assert_frame_equal(not_received(reports, semester), missing_reports(data, semester))
