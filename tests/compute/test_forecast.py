"""Issue 13, rule 2: progress to the end-of-action target and the forecast on the current pace."""

from __future__ import annotations

import pandas as pd
import pytest

from indicators.compute.progress import Thresholds, indicator_progress
from indicators.compute.suppression import donor_progress
from indicators.demo import demo_programme
from tests.compute.test_progress import S1, S2, S3, make_programme
from tests.factories import indicator

KEY = {"indicator_id": "I1", "beneficiary": "ALB"}


def rows(fields: dict, baseline: float, targets: dict[str, float], reports: dict[str, float]) -> pd.DataFrame:
    programme = make_programme(
        indicators=[indicator(**fields)],
        baselines=[KEY | {"value": baseline}],
        targets=[KEY | {"semester": s, "value": v, "adopted_at": 4} for s, v in targets.items()],
        values=[KEY | {"semester": s, "value": v} for s, v in reports.items()],
    )
    return indicator_progress(programme, Thresholds()).set_index("semester")


RUNNING = {"cumulative": True}
TARGETS = {S1: 10, S2: 20, S3: 30}  # end of action: 30 in S3 (the third semester)
CASES = [
    # (name, fields, baseline, targets, reports, semester asked, forecast, semester it is reached, end progress)
    # pace 10 a semester from 0: 30 by the third semester
    ("on pace", RUNNING, 0, TARGETS, {S1: 10, S2: 10}, S2, "reached", S3, 20 / 30),
    # pace 8: 24 by the end (80 % >= 75 %), 30 in the fourth semester
    ("at risk", RUNNING, 0, TARGETS, {S1: 8, S2: 8}, S2, "at_risk", "2026NovS2", 16 / 30),
    # pace 4: 12 by the end (40 %), 30 in the eighth semester
    ("out of reach", RUNNING, 0, TARGETS, {S1: 4, S2: 4}, S2, "out_of_reach", "2028NovS2", 8 / 30),
    ("already met", RUNNING, 0, TARGETS, {S1: 20, S2: 15}, S2, "met", None, 35 / 30),
    ("one reported semester: no forecast", RUNNING, 0, TARGETS, {S1: 10}, S1, None, None, 10 / 30),
    # carried forward, still one report: no forecast
    ("a report, then a gap", RUNNING, 0, TARGETS, {S1: 10}, S2, None, None, 10 / 30),
    # a missed report slows the pace (issue 23): 20 over three semesters, 20 of 30 by the end (67 %): out of
    # reach, 30 in the fifth semester
    ("a gap slows the pace", RUNNING, 0, TARGETS, {S1: 10, S2: 10}, S3, "out_of_reach", "2027NovS1", 20 / 30),
    # lower is better, a level: from 10 towards 4; 6 after two semesters, -2 a semester: 4 in the third
    ("lower is better", {"direction": "decrease"}, 10, {S1: 4, S2: 4, S3: 4}, {S1: 8, S2: 6}, S2, "reached", S3,
     4 / 6),
    ("moving away", {"direction": "decrease"}, 10, {S1: 4, S2: 4, S3: 4}, {S1: 11, S2: 12}, S2, "out_of_reach",
     None, -2 / 6),
    ("milestones have no forecast", {"measure": "milestone"}, 0, {S1: 1, S2: 1, S3: 1}, {S1: 0, S2: 0}, S2, None,
     None, 0.0),
]  # fmt: skip


@pytest.mark.parametrize(
    ("fields", "baseline", "targets", "reports", "asked", "forecast", "reached_in", "end_progress"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_forecast(fields, baseline, targets, reports, asked, forecast, reached_in, end_progress) -> None:
    row = rows(fields, baseline, targets, reports).loc[asked]
    assert row["end_semester"] == S3 and row["end_target"] == targets[S3]
    assert row["end_progress"] == pytest.approx(end_progress)
    assert (None if pd.isna(row["forecast"]) else row["forecast"]) == forecast
    assert (None if pd.isna(row["forecast_semester"]) else row["forecast_semester"]) == reached_in
    assert pd.isna(row["forecast_text"]) == (forecast is None)


DEMO_CASES = [
    # IND-06 ALB by 2025NovS2: 130 over five semesters (26 a semester) from 0; 182 by 2026NovS2 >= 154
    ("IND-06", "ALB", "2025NovS2", "reached", "2026NovS1",
     "On course: the end target would be reached in Nov 2025 – Apr 2026 on the current pace"),
    # IND-06 MNE by 2026NovS1: 24 over six semesters (4 a semester); 28 of 77 by the end
    ("IND-06", "MNE", "2026NovS1", "out_of_reach", "2033NovS1",
     "Out of reach: the end target would be reached in Nov 2032 – Apr 2033 on the current pace"),
]  # fmt: skip


@pytest.mark.parametrize(("indicator_id", "beneficiary", "semester", "forecast", "reached_in", "text"), DEMO_CASES)
def test_demo_forecasts(indicator_id, beneficiary, semester, forecast, reached_in, text) -> None:
    progress = indicator_progress(demo_programme(), Thresholds()).set_index(["indicator_id", "beneficiary", "semester"])
    row = progress.loc[(indicator_id, beneficiary, semester)]
    assert (row["forecast"], row["forecast_semester"], row["forecast_text"]) == (forecast, reached_in, text)


def test_donors_never_see_the_forecast_of_a_hidden_count() -> None:
    fields = {"cumulative": True, "sensitive": True}
    progress = rows(fields, 0, TARGETS, {S1: 10, S2: 3}).reset_index()  # S2's total rose by 3: hidden
    assert progress["forecast"].notna().iloc[1]
    donor = donor_progress(progress, threshold=5)
    assert donor["suppressed"].iloc[1]
    assert donor[["end_progress", "forecast", "forecast_semester", "forecast_text"]].iloc[1].isna().all()
    assert donor["forecast"].iloc[0] is pd.NA or pd.isna(donor["forecast"].iloc[0])  # one report: none anyway
