"""Regional roll-up of indicator progress across beneficiaries."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from indicators.compute.progress import Thresholds, indicator_progress
from indicators.compute.rollup import ROLLUP_COLUMNS, regional_rollup
from indicators.domain.schema import TABLES, TABLES_BY_NAME, Programme, conform
from tests.factories import indicator

S1, S2 = "2025NovS1", "2025NovS2"
MEETINGS = [{"number": 4, "date": "2024-10-30", "place": "Podgorica", "semester_adopted": S1}]


def make_programme(**rows: list[dict]) -> Programme:
    tables = {t.name: t.empty() for t in TABLES}
    for name, records in {"meetings": MEETINGS, **rows}.items():
        if records:
            tables[name] = conform(TABLES_BY_NAME[name], pd.DataFrame(records))
    return Programme(tables)


def rolled(indicator_fields: dict, data: dict[str, tuple], semester: str = S1) -> pd.Series:
    """The regional row of one indicator from {beneficiary: (baseline, target, values fields)}."""
    baselines, targets, values = [], [], []
    for beneficiary, (baseline, target, value) in data.items():
        key = {"indicator_id": "I1", "beneficiary": beneficiary}
        if baseline is not None:
            baselines.append(key | {"value": baseline})
        if target is not None:
            targets.append(key | {"semester": semester, "value": target, "adopted_at": 4})
        if value is not None:
            values.append(key | {"semester": semester} | value)
    programme = make_programme(
        indicators=[indicator(**indicator_fields)], baselines=baselines, targets=targets, values=values
    )
    frame = regional_rollup(indicator_progress(programme, Thresholds()), Thresholds())
    chosen = frame[frame["semester"] == semester]
    assert len(chosen) == 1
    return chosen.iloc[0]


def test_sum_measures_against_the_programme_target_with_like_for_like_beside_it() -> None:
    row = rolled(
        {},
        {
            "ALB": (0, 10, {"value": 8}),
            "BIH": (2, 10, None),  # due, not reported: in the programme's target, as no change in progress
            "SRB": (1, None, {"value": 5}),  # reported without a target due: left out, or it would inflate progress
        },
    )
    # the programme's baseline is every beneficiary's (fixed); the target that of all with a target in force
    assert (row["baseline"], row["target"], row["actual"]) == (3, 20, 8)
    assert row["progress"] == pytest.approx(8 / (20 - 2))  # ALB's change against the change asked of ALB and BIH
    assert (row["target_reporting"], row["progress_reporting"]) == (10, pytest.approx(0.8))  # like for like
    assert (row["beneficiaries_with_target"], row["beneficiaries_reported"], row["beneficiaries_meeting_target"]) == (
        2,
        2,
        0,
    )
    assert row["coverage"] == "1 of 2 beneficiaries reported" and row["coverage_share"] == 0.5
    assert row["beneficiary"] == "ALL" and row["status"] == "incomplete"  # 1 of 2 is below two thirds


def test_ratio_is_ratio_of_sums_never_mean_of_percentages() -> None:
    row = rolled(
        {"measure": "percentage", "aggregation": "ratio"},
        {
            "ALB": (None, 50, {"numerator": 1, "denominator": 2}),  # 50 %
            "MNE": (None, 50, {"numerator": 90, "denominator": 100}),  # 90 %
        },
    )
    assert row["actual"] == pytest.approx(100 * 91 / 102)  # a mean of percentages would say 70
    assert row["target"] == pytest.approx(50)


def test_ratio_target_is_weighted_by_reported_denominators() -> None:
    row = rolled(
        {"measure": "percentage", "aggregation": "ratio"},
        {
            "ALB": (10, 20, {"numerator": 1, "denominator": 10}),
            "MNE": (30, 60, {"numerator": 45, "denominator": 90}),
        },
    )
    assert row["target"] == pytest.approx((20 * 10 + 60 * 90) / 100)
    assert row["baseline"] == pytest.approx((10 * 10 + 30 * 90) / 100)
    assert row["actual"] == pytest.approx(46.0)


def test_ratio_with_zero_denominators_has_no_figure() -> None:
    row = rolled(
        {"measure": "percentage", "aggregation": "ratio"}, {"ALB": (None, 50, {"numerator": 0, "denominator": 0})}
    )
    assert math.isnan(row["actual"]) and row["status"] == "no_data"


def test_count_meeting_target_counts_beneficiaries_achieved() -> None:
    row = rolled(
        {"aggregation": "count_meeting_target"},
        {
            "ALB": (0, 10, {"value": 12}),
            "BIH": (0, 10, {"value": 10}),
            "XKX": (0, 10, {"value": 3}),
            "MKD": (0, 10, None),
        },
    )
    assert (row["actual"], row["target"]) == (2, 4)
    assert row["beneficiaries_meeting_target"] == 2 and row["progress"] == pytest.approx(0.5)


def test_lower_is_better_rolls_up_in_its_direction() -> None:
    row = rolled({"direction": "decrease"}, {"ALB": (20, 10, {"value": 12}), "SRB": (20, 10, {"value": 8})})
    assert (row["baseline"], row["target"], row["actual"]) == (40, 20, 20)
    assert row["status"] == "achieved"


def test_milestones_summed_are_counted_against_those_due() -> None:
    row = rolled(
        {"measure": "milestone"},
        {
            "ALB": (0, 1, {"value": 1}),
            "SRB": (0, 1, {"value": 1}),
            "MNE": (0, 1, {"value": 0}),
            "MKD": (0, 1, {"value": 1}),
        },
    )
    assert row["progress"] == pytest.approx(0.75) and row["status"] == "on_track"


@pytest.mark.parametrize(
    ("beneficiaries", "expected_actual"),
    [
        (("REG",), 7),  # only regional rows: REG is used
        (("REG", "ALB"), 3),  # countries present: REG is not added to them
    ],
)
def test_regional_rows_used_only_when_alone(beneficiaries: tuple[str, ...], expected_actual: float) -> None:
    data = {"REG": (0, 10, {"value": 7}), "ALB": (0, 10, {"value": 3})}
    row = rolled({}, {b: data[b] for b in beneficiaries})
    assert row["actual"] == expected_actual


def test_none_aggregation_and_not_due_semesters() -> None:
    key = {"indicator_id": "I1", "beneficiary": "ALB"}
    programme = make_programme(
        indicators=[indicator("I1"), indicator("I2", aggregation="none")],
        targets=[key | {"semester": S1, "value": 10, "adopted_at": 4}],
        values=[
            key | {"semester": S2, "value": 3},
            {"indicator_id": "I2", "beneficiary": "ALB", "semester": S1, "value": 3},
        ],
    )
    frame = regional_rollup(indicator_progress(programme, Thresholds()), Thresholds())
    assert list(frame.columns) == ROLLUP_COLUMNS
    assert set(frame["indicator_id"]) == {"I1"}
    assert list(frame["status"]) == ["no_data", "not_due"]


def test_empty_progress_gives_empty_rollup() -> None:
    frame = regional_rollup(indicator_progress(make_programme(), Thresholds()), Thresholds())
    assert frame.empty and list(frame.columns) == ROLLUP_COLUMNS
