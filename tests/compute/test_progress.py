"""Progress, targets in force and status of indicators, built from small programmes written in code."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from indicators.compute.progress import (
    STATUSES,
    Thresholds,
    indicator_progress,
    latest_status,
    matching_rows,
    programme_semesters,
    progress_ratio,
    status_code,
    status_table,
    targets_in_force,
)
from indicators.domain.schema import TABLES, TABLES_BY_NAME, Programme, conform
from tests.factories import indicator

S1, S2, S3 = "2025NovS1", "2025NovS2", "2026NovS1"  # Nov 2024-Apr 2025, May-Oct 2025, Nov 2025-Apr 2026
MEETINGS = [
    {"number": 4, "date": "2024-10-30", "place": "Podgorica", "semester_adopted": S1},
    {"number": 5, "date": "2025-05-20", "place": "Tirana", "semester_adopted": S2},
    {"number": 6, "date": "2025-11-15", "place": "Sarajevo", "semester_adopted": S3},
]


def make_programme(meetings: list[dict] | None = None, **rows: list[dict]) -> Programme:
    """A programme whose tables are built from lists of dicts and conformed to the schema."""
    tables = {t.name: t.empty() for t in TABLES}
    for name, records in {"meetings": MEETINGS if meetings is None else meetings, **rows}.items():
        if records:
            tables[name] = conform(TABLES_BY_NAME[name], pd.DataFrame(records))
    return Programme(tables)


def row_of(frame: pd.DataFrame, semester: str = S1, beneficiary: str = "ALB", indicator_id: str = "I1") -> pd.Series:
    chosen = frame[
        (frame["semester"] == semester)
        & (frame["beneficiary"] == beneficiary)
        & (frame["indicator_id"] == indicator_id)
    ]
    assert len(chosen) == 1, chosen
    return chosen.iloc[0]


def same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b)


# --- the scalar rule ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actual", "baseline", "target", "direction", "expected"),
    [
        (5, 0, 10, "increase", 0.5),
        (15, 0, 10, "increase", 1.5),  # over-achievement stays raw
        (30, 40, 20, "decrease", 0.5),  # lower is better: same formula, target below baseline
        (10, 40, 20, "decrease", 1.5),
        (50, 40, 20, "decrease", -0.5),  # worse than the baseline
        # target equals baseline (keep the level): graded, the actual as a share of the target (issue 23)
        (5, 5, 5, "increase", 1.0),
        (4, 5, 5, "increase", 0.8),  # one unit short: 80 %, not 0
        (6, 5, 5, "increase", 1.2),
        (4, 5, 5, "decrease", 1.25),  # below the level kept, for lower is better: 5 / 4
        (6, 5, 5, "decrease", 5 / 6),
        (0, 0, 0, "increase", 1.0),
        (0, 0, 0, "decrease", 1.0),
        (1, 0, 0, "decrease", 0.0),  # a decrease against a target of 0 gives 0 while the actual is above it
        (5, None, 10, "increase", 0.5),  # missing baseline counts as 0
        (None, 0, 10, "increase", math.nan),
        (5, 0, None, "increase", math.nan),
        (math.nan, 0, 10, "increase", math.nan),
        (5, 0, pd.NA, "increase", math.nan),
    ],
)
def test_progress_ratio(actual: float, baseline: float, target: float, direction: str, expected: float) -> None:
    assert same(progress_ratio(actual, baseline, target, direction), expected)


@pytest.mark.parametrize(
    ("progress", "measure", "due", "reported", "expected"),
    [
        (1.0, "count", True, True, "achieved"),
        (1.7, "count", True, True, "achieved"),
        (0.75, "count", True, True, "on_track"),
        (0.74, "count", True, True, "at_risk"),
        (0.4, "count", True, True, "at_risk"),
        (0.39, "count", True, True, "off_track"),
        (-0.5, "percentage", True, True, "off_track"),
        (math.nan, "count", True, True, "no_data"),
        (0.9, "count", True, False, "no_data"),
        (0.9, "count", False, True, "not_due"),
        (1.0, "milestone", True, True, "achieved"),
        (0.0, "milestone", True, True, "off_track"),
        (math.nan, "qualitative", True, True, "reported"),
        (math.nan, "qualitative", False, True, "reported"),
        (math.nan, "qualitative", True, False, "no_data"),
        (math.nan, "qualitative", False, False, "not_due"),
    ],
)
def test_status_code(progress: float, measure: str, due: bool, reported: bool, expected: str) -> None:
    assert status_code(progress, measure, due, reported, Thresholds()) == expected


def test_status_code_uses_the_thresholds_given() -> None:
    strict = Thresholds(achieved=1.2, on_track=0.9, at_risk=0.6)
    assert [status_code(p, "count", True, True, strict) for p in (1.1, 0.8, 0.5)] == [
        "on_track",
        "at_risk",
        "off_track",
    ]


def test_thresholds_from_settings_read_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PPD_STATUS_ON_TRACK", "0.8")
    assert Thresholds.from_settings() == Thresholds(achieved=1.0, on_track=0.8, at_risk=0.4)


def test_statuses_in_display_order_with_symbols_and_okabe_ito_colours() -> None:
    table = status_table()
    codes = [
        "achieved",
        "on_track",
        "at_risk",
        "off_track",
        "incomplete",
        "reported",
        "suppressed",
        "no_data",
        "not_due",
    ]
    assert list(table["code"]) == codes
    assert list(table["symbol"]) == ["✔", "●", "▲", "✖", "◔", "✎", "⊘", "○", "–"]
    colours = ["#009E73", "#56B4E9", "#E69F00", "#D55E00", "#0072B2", "#CC79A7", "#000000", "#999999", "#DDDDDD"]
    assert list(table["colour"]) == colours
    assert list(table["order"]) == list(range(9))
    assert len({s.symbol for s in STATUSES}) == len(STATUSES)


# --- one indicator, one beneficiary, one semester -------------------------------------------------------------

CASES = {
    # name: (indicator fields, baseline, target, values row fields, progress, status, semester_value)
    "on track": ({}, 0, 10, {"value": 8}, 0.8, "on_track", 8.0),
    "target equals baseline, met": ({}, 5, 5, {"value": 6}, 1.2, "achieved", 6.0),
    "target equals baseline, missed": ({}, 5, 5, {"value": 4}, 0.8, "on_track", 4.0),
    "target equals baseline, lower is better": ({"direction": "decrease"}, 5, 5, {"value": 4}, 1.25, "achieved", 4.0),
    "lower is better, half way": ({"direction": "decrease"}, 40, 20, {"value": 30}, 0.5, "at_risk", 30.0),
    "lower is better, beyond": ({"direction": "decrease"}, 40, 20, {"value": 10}, 1.5, "achieved", 10.0),
    "over-achievement": ({}, 0, 10, {"value": 15}, 1.5, "achieved", 15.0),
    "missing baseline counts as 0": ({}, None, 10, {"value": 5}, 0.5, "at_risk", 5.0),
    "percentage from its parts": (
        {"measure": "percentage", "aggregation": "ratio"},
        20,
        60,
        {"numerator": 3, "denominator": 6},
        0.75,
        "on_track",
        50.0,
    ),
    "zero denominator": (
        {"measure": "percentage"},
        20,
        60,
        {"numerator": 0, "denominator": 0},
        math.nan,
        "no_data",
        math.nan,
    ),
    "milestone done": ({"measure": "milestone"}, 0, 1, {"value": 1}, 1.0, "achieved", 1.0),
    "milestone not done": ({"measure": "milestone"}, 0, 1, {"value": 0}, 0.0, "off_track", 0.0),
    "qualitative with text": (
        {"measure": "qualitative", "aggregation": "none"},
        None,
        1,
        {"text": "Protocol drafted"},
        math.nan,
        "reported",
        math.nan,
    ),
    "qualitative without text": (
        {"measure": "qualitative", "aggregation": "none"},
        None,
        1,
        {"text": "  "},
        math.nan,
        "no_data",
        math.nan,
    ),
    "not due": ({}, 0, None, {"value": 8}, math.nan, "not_due", 8.0),
    "no data": ({}, 0, 10, None, math.nan, "no_data", math.nan),
}


@pytest.mark.parametrize("name", list(CASES))
def test_one_semester(name: str) -> None:
    fields, baseline, target, value, progress, status, semester_value = CASES[name]
    key = {"indicator_id": "I1", "beneficiary": "ALB"}
    programme = make_programme(
        indicators=[indicator(**fields)],
        baselines=[key | {"value": baseline}] if baseline is not None else [],
        targets=[key | {"semester": S1, "value": target, "adopted_at": 4}] if target is not None else [],
        values=[key | {"semester": S1} | value] if value is not None else [],
        activities=[
            {
                "activity_id": "A1",
                "semester": S1,
                "result_id": "OC1",
                "beneficiary": "ALB",
                "title": "x",
                "status": "planned",
            }
        ],
    )
    row = row_of(indicator_progress(programme, Thresholds()))
    assert same(row["progress"], progress)
    assert row["status"] == status
    assert same(row["semester_value"], semester_value)
    assert row["reported"] == (status not in ("no_data", "not_due") or (name == "not due"))
    assert same(row["progress_display"], progress)  # never capped (issue 23): 150 % is 150 %


def test_columns_and_labels() -> None:
    programme = make_programme(
        indicators=[indicator()],
        targets=[{"indicator_id": "I1", "beneficiary": "ALB", "semester": S1, "value": 10, "adopted_at": 4}],
        values=[{"indicator_id": "I1", "beneficiary": "ALB", "semester": S1, "value": 10}],
    )
    frame = indicator_progress(programme, Thresholds())
    assert list(frame.columns) == [
        "indicator_id",
        "beneficiary",
        "semester",
        "result_id",
        "title",
        "unit",
        "measure",
        "direction",
        "cumulative",
        "sensitive",
        "aggregation",
        "baseline",
        "target",
        "target_adopted_at",
        "target_revised",
        "semester_value",
        "numerator",
        "denominator",
        "text",
        "reported",
        "carried",
        "actual",
        "progress",
        "progress_display",
        "status",
        "status_label",
        "status_symbol",
        "end_semester",
        "end_target",
        "end_progress",
        "forecast",
        "forecast_semester",
        "forecast_text",
    ]
    row = row_of(frame)
    assert (row["status"], row["status_label"], row["status_symbol"]) == ("achieved", "Achieved", "✔")
    assert frame["target_revised"].dtype == bool and frame["reported"].dtype == bool


def test_empty_programme_gives_empty_frame_with_columns() -> None:
    frame = indicator_progress(make_programme(meetings=[]), Thresholds())
    assert frame.empty and "status" in frame.columns


# --- across semesters -----------------------------------------------------------------------------------------


def test_programme_semesters_fill_gaps_from_targets_values_and_activities() -> None:
    programme = make_programme(
        indicators=[indicator()],
        values=[{"indicator_id": "I1", "beneficiary": "ALB", "semester": S1, "value": 1}],
        activities=[
            {
                "activity_id": "A1",
                "semester": "2026NovS2",
                "result_id": "OC1",
                "beneficiary": "ALB",
                "title": "x",
                "status": "planned",
            }
        ],
    )
    assert programme_semesters(programme) == [S1, S2, S3, "2026NovS2"]
    assert programme_semesters(make_programme()) == []


def test_missing_semesters_get_rows_not_due_or_no_data() -> None:
    key = {"indicator_id": "I1", "beneficiary": "ALB"}
    programme = make_programme(
        indicators=[indicator()],
        targets=[key | {"semester": s, "value": 10, "adopted_at": 4} for s in (S1, S2)],
        values=[key | {"semester": S1, "value": 10}, key | {"semester": S3, "value": 3}],
    )
    frame = indicator_progress(programme, Thresholds())
    assert list(frame["semester"]) == [S1, S2, S3]
    assert list(frame["status"]) == ["achieved", "no_data", "not_due"]


def test_cumulative_running_total_carries_over_a_missing_semester() -> None:
    key = {"indicator_id": "I1", "beneficiary": "ALB"}
    programme = make_programme(
        indicators=[indicator(cumulative=True)],
        baselines=[key | {"value": 2}],
        targets=[key | {"semester": s, "value": v, "adopted_at": 4} for s, v in ((S1, 10), (S2, 20), (S3, 30))],
        values=[key | {"semester": S1, "value": 5}, key | {"semester": S3, "value": 7}],
    )
    frame = indicator_progress(programme, Thresholds())
    assert list(frame["semester_value"].fillna(-1)) == [5, -1, 7]
    assert list(frame["actual"].fillna(-1)) == [7, 7, 14]  # baseline 2 + 5, carried forward, 2 + 5 + 7
    assert list(frame["carried"]) == [False, True, False]
    assert list(frame["status"]) == ["at_risk", "no_data", "at_risk"]
    assert frame["progress"].iloc[2] == pytest.approx(12 / 28)


def test_non_cumulative_actual_is_the_semester_value() -> None:
    key = {"indicator_id": "I1", "beneficiary": "ALB"}
    programme = make_programme(
        indicators=[indicator(cumulative=False)],
        targets=[key | {"semester": s, "value": 10, "adopted_at": 4} for s in (S1, S2)],
        values=[key | {"semester": S1, "value": 6}, key | {"semester": S2, "value": 7}],
    )
    assert list(indicator_progress(programme, Thresholds())["actual"]) == [6, 7]


# --- targets in force -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("semester", "rows", "target", "adopted_at", "revised"),
    [
        (S1, [(4, 10)], 10, 4, False),
        (S1, [(4, 10), (5, 12)], 10, 4, True),  # meeting 5 (20 May 2025) is after S1 ends (30 Apr 2025)
        (S2, [(4, 20), (5, 25)], 25, 5, True),  # ... and before S2 ends: the revision is in force
        (S3, [(4, 30), (5, 35), (6, 40)], 40, 6, True),  # meeting 6 (15 Nov 2025) falls inside S3
        # no meeting held by the end: no target yet (a target applies from its meeting onward, issue 23)
        (S1, [(6, 15), (5, 12)], None, None, True),
        (S1, [(9, 11)], 11, 9, False),  # a meeting missing from Meetings: its row is the only one
    ],
)
def test_revised_target_wins_only_after_its_meeting(
    semester: str, rows: list[tuple[int, float]], target: float, adopted_at: int, revised: bool
) -> None:
    key = {"indicator_id": "I1", "beneficiary": "ALB", "semester": semester}
    programme = make_programme(indicators=[indicator()], targets=[key | {"value": v, "adopted_at": m} for m, v in rows])
    in_force = targets_in_force(programme).iloc[0]
    row = row_of(indicator_progress(programme, Thresholds()), semester=semester)
    for found in (in_force, row):
        assert (None if pd.isna(found["target"]) else found["target"]) == target
        assert (None if pd.isna(found["target_adopted_at"]) else found["target_adopted_at"]) == adopted_at
        assert found["target_revised"] == revised


# --- what counts as a reported total --------------------------------------------------------------------------


def test_only_totals_count_and_unknown_indicators_are_left_out() -> None:
    key = {"indicator_id": "I1", "beneficiary": "ALB", "semester": S1}
    programme = make_programme(
        indicators=[indicator(disaggregation="sex")],
        targets=[key | {"value": 10, "adopted_at": 4}],
        values=[
            key | {"sex": "female", "value": 4},
            key | {"sex": "male", "value": 5},
            {"indicator_id": "NOPE", "beneficiary": "ALB", "semester": S1, "value": 1},
        ],
    )
    frame = indicator_progress(programme, Thresholds())
    assert set(frame["indicator_id"]) == {"I1"}
    assert row_of(frame)["status"] == "no_data"  # no total row was given


def test_pairs_without_any_data_get_no_rows() -> None:
    programme = make_programme(
        indicators=[indicator("I1"), indicator("I2")],
        baselines=[{"indicator_id": "I1", "beneficiary": "SRB", "value": 3}],
        values=[{"indicator_id": "I1", "beneficiary": "ALB", "semester": S1, "value": 1}],
    )
    frame = indicator_progress(programme, Thresholds())
    assert set(zip(frame["indicator_id"], frame["beneficiary"], strict=True)) == {("I1", "ALB"), ("I1", "SRB")}


def test_latest_status_keeps_one_semester() -> None:
    key = {"indicator_id": "I1", "beneficiary": "ALB"}
    programme = make_programme(indicators=[indicator()], values=[key | {"semester": s, "value": 1} for s in (S1, S2)])
    frame = latest_status(indicator_progress(programme, Thresholds()), S2)
    assert list(frame["semester"]) == [S2]


def test_matching_rows_finds_the_last_row_of_a_key_given_twice() -> None:
    """The row numbers of ``right`` (its last row for a repeated key), not positions among its distinct keys."""
    right = pd.DataFrame({"indicator_id": ["A", "B", "A", "C", None], "semester": ["S1", "S1", "S1", "S2", "S2"]})
    left = pd.DataFrame({"indicator_id": ["C", "A", "B", "D", None], "semester": ["S2", "S1", "S1", "S1", "S2"]})
    assert matching_rows(left, right, ["indicator_id", "semester"]).tolist() == [3, 2, 1, -1, 4]
    assert matching_rows(left, right.iloc[:0], ["indicator_id", "semester"]).tolist() == [-1] * 5
