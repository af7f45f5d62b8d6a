"""Issue 23: figures fit to publish. Each rule as a table of cases: the demo figures the review quoted first,
then small programmes for the edges (regional coverage, a fixed baseline, a target from its meeting onward,
target equal to baseline, the forecast's words and pace)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from indicators.compute.progress import STATUS_BY_CODE, Thresholds, indicator_progress
from indicators.compute.rollup import COVERAGE_RULE, coverage_met, regional_rollup
from indicators.demo import demo_programme
from indicators.domain import i18n
from tests.compute.test_progress import S1, S2, S3, make_programme
from tests.factories import indicator


@pytest.fixture(scope="module")
def demo() -> tuple[pd.DataFrame, pd.DataFrame]:
    progress = indicator_progress(demo_programme(), Thresholds())
    return progress, regional_rollup(progress, Thresholds())


def regional(frame: pd.DataFrame, indicator_id: str, semester: str) -> pd.Series:
    rows = frame[(frame["indicator_id"] == indicator_id) & (frame["semester"] == semester)]
    assert len(rows) == 1
    return rows.iloc[0]


# --- 1. a regional status only where the data supports one --------------------------------------------------

DEMO_REGIONAL = [
    # (indicator, semester, target, actual, progress, like-for-like target, like-for-like progress, status, n, m)
    # the review's case: "achieved" (8 of 8) with 3 of 6 reporting; the programme's target is 13
    ("IND-01", "2026NovS2", 13, 8, 9 / 14, 8, 1.0, "incomplete", 3, 6),
    # 5 of 6 (at least two thirds): a status, measured against the programme's target of all six
    ("IND-01", "2025NovS1", 17, 13, 0.9, 14, 1.125, "on_track", 5, 6),
    # a ratio above its target with 3 of 6 reporting: never achieved
    ("IND-04", "2026NovS2", None, None, None, None, None, "incomplete", 3, 6),
    ("IND-08", "2026NovS2", None, None, None, None, None, "incomplete", 3, 6),
    # 4 of 6 is two thirds: a status
    ("IND-05", "2026NovS2", 6, 6, 1.0, 4, 1.0, "achieved", 4, 6),
]  # fmt: skip


@pytest.mark.parametrize(
    ("indicator_id", "semester", "target", "actual", "progress", "like_target", "like_progress", "status", "n", "m"),
    DEMO_REGIONAL,
)
def test_demo_regional_status_respects_coverage(
    demo, indicator_id, semester, target, actual, progress, like_target, like_progress, status, n, m
) -> None:
    row = regional(demo[1], indicator_id, semester)
    for column, expected in (
        ("target", target),
        ("actual", actual),
        ("progress", progress),
        ("target_reporting", like_target),
        ("progress_reporting", like_progress),
    ):
        if expected is not None:
            assert row[column] == pytest.approx(expected), column
    assert row["status"] == status
    assert row["coverage"].startswith(f"{n} of {m} beneficiaries reported")
    if status == "incomplete":
        assert row["progress"] > 0  # progress is still given; the status does not judge it
        assert (row["status_symbol"], row["status_label"]) == ("◔", "Incomplete reporting")


def test_no_region_of_the_demo_is_achieved_below_two_thirds(demo) -> None:
    rollup = demo[1]
    judged = rollup["status"].isin(["achieved", "on_track", "at_risk", "off_track"])
    assert (rollup.loc[judged, "coverage_share"] >= 2 / 3 - 1e-9).all()
    assert (rollup["status"] == "incomplete").sum() >= 10


def rollup_of(fields: dict, data: dict[str, dict[str, float | None]], coverage: float | None = None) -> pd.DataFrame:
    """The regional rows over S1..S3 from {beneficiary: {semester: value or None}}, targets 10 a semester."""
    targets, values, baselines = [], [], []
    for beneficiary, reports in data.items():
        key = {"indicator_id": "I1", "beneficiary": beneficiary}
        baselines.append(key | {"value": 0})
        targets += [key | {"semester": s, "value": 10 * (i + 1), "adopted_at": 4} for i, s in enumerate((S1, S2, S3))]
        values += [key | {"semester": s, "value": v} for s, v in reports.items() if v is not None]
    programme = make_programme(indicators=[indicator(**fields)], baselines=baselines, targets=targets, values=values)
    frame = regional_rollup(indicator_progress(programme, Thresholds()), Thresholds(), coverage)
    return frame.sort_values("semester").reset_index(drop=True)


RUNNING = {"cumulative": True}
SMALL = [
    # (name, fields, data, coverage setting, statuses S1..S3)
    # S2: nobody reports; the running totals carried forward alone make no status (was "at risk", 0 of 3)
    ("carried figures alone", RUNNING,
     {"ALB": {S1: 5, S2: None, S3: 10}, "BIH": {S1: 5, S2: None, S3: 10}, "SRB": {S1: 5, S2: None, S3: 10}},
     None, ["at_risk", "no_data", "at_risk"]),
    # 2 of 3 reported in S2 (two thirds): a status, against the target of all three (40 of 60: at risk, where
    # like for like would say achieved); 1 of 3 in S3: incomplete
    ("two of three, then one", {},
     {"ALB": {S1: 10, S2: 20, S3: 30}, "BIH": {S1: 10, S2: 20, S3: None}, "SRB": {S1: 10, S2: None, S3: None}},
     None, ["achieved", "at_risk", "incomplete"]),
    # a stricter setting: 2 of 3 is not enough at 0.75
    ("a stricter coverage setting", {},
     {"ALB": {S1: 10, S2: 20, S3: 30}, "BIH": {S1: 10, S2: 20, S3: 30}, "SRB": {S1: 10, S2: None, S3: 30}},
     0.75, ["achieved", "incomplete", "achieved"]),
]  # fmt: skip


@pytest.mark.parametrize(("fields", "data", "coverage", "statuses"), [c[1:] for c in SMALL], ids=[c[0] for c in SMALL])
def test_coverage_rules_on_small_programmes(fields, data, coverage, statuses) -> None:
    assert list(rollup_of(fields, data, coverage)["status"]) == statuses


@pytest.mark.parametrize(
    ("reported", "expected", "share", "met"),
    [(4, 6, 2 / 3, True), (3, 6, 2 / 3, False), (2, 3, 2 / 3, True), (1, 2, 2 / 3, False), (0, 0, 2 / 3, False),
     (3, 4, 0.75, True), (6, 6, 1.0, True)],
)  # fmt: skip
def test_coverage_met(reported: int, expected: int, share: float, met: bool) -> None:
    assert bool(coverage_met(pd.Series([reported]), pd.Series([expected]), share).iloc[0]) == met


def test_the_coverage_rule_sentence_for_the_method_page() -> None:
    assert "two thirds" in COVERAGE_RULE and "incomplete reporting" in COVERAGE_RULE and "13" in COVERAGE_RULE
    with i18n.using("fr"):
        french = i18n._(COVERAGE_RULE)
    assert french != COVERAGE_RULE and "deux tiers" in french
    assert STATUS_BY_CODE["incomplete"].symbol not in {s.symbol for c, s in STATUS_BY_CODE.items() if c != "incomplete"}


# --- 2. the programme's baseline, fixed --------------------------------------------------------------------------


@pytest.mark.parametrize(("indicator_id", "baseline"), [("IND-01", 27.0), ("IND-06", 0.0), ("IND-02", None)])
def test_demo_regional_baseline_is_the_same_in_every_semester(demo, indicator_id: str, baseline) -> None:
    """IND-01 read 27, 22 and 17 in three semesters (the review)."""
    found = demo[1].loc[demo[1]["indicator_id"] == indicator_id, "baseline"]
    assert found.nunique(dropna=False) == 1
    assert found.isna().all() if baseline is None else (found == baseline).all()


# --- 3. a target applies from the meeting that adopted it onward -------------------------------------------------

DEMO_END_TARGETS = [
    # BIH IND-06: the end target rose from 161 to 193 at the 5th meeting (April 2025)
    ("2024NovS2", 161.0),  # was measured against 193
    ("2025NovS1", 193.0),  # the semester of the 5th meeting
    ("2026NovS2", 193.0),
]


@pytest.mark.parametrize(("semester", "end_target"), DEMO_END_TARGETS)
def test_demo_end_target_applies_from_its_meeting(demo, semester: str, end_target: float) -> None:
    progress = demo[0]
    row = progress[
        (progress["indicator_id"] == "IND-06") & (progress["beneficiary"] == "BIH") & (progress["semester"] == semester)
    ].iloc[0]
    assert row["end_target"] == end_target
    assert row["end_progress"] == pytest.approx(row["actual"] / end_target)


# --- 5. target equal to baseline: graded -------------------------------------------------------------------------


def test_demo_target_equal_to_baseline_is_graded(demo) -> None:
    """IND-01 Nov 2023 (May - Oct 2023): target 27 = baseline 27, 28 incidents (lower is better): was 0 %, off
    track; now 27 / 28."""
    row = regional(demo[1], "IND-01", "2023NovS2")
    assert (row["baseline"], row["target"], row["actual"]) == (27, 27, 28)
    assert row["progress"] == pytest.approx(27 / 28) and row["status"] == "on_track"


# --- 4. progress never capped -------------------------------------------------------------------------------------


def test_demo_progress_is_never_capped(demo) -> None:
    progress, rollup = demo
    for frame in (progress, rollup):
        over = frame[frame["progress"] > 1]
        assert len(over) and (over["progress_display"] == over["progress"]).all()
    assert (progress["progress"] >= 1.5).sum() > 0  # the over-achievement mark can be reached


# --- 6. the forecast's words ----------------------------------------------------------------------------------------


def test_demo_forecast_says_would_be_reached(demo) -> None:
    texts = demo[0]["forecast_text"].dropna()
    assert texts.str.contains("would be reached in").any()
    assert not texts.str.startswith("Reached").any()
    met = demo[0][demo[0]["forecast"] == "met"]
    assert len(met) and (met["forecast_text"] == "End target met").all() and met["forecast_semester"].isna().all()
    assert (met["end_progress"] >= 1).all() and not math.isnan(met["end_target"].iloc[0])
