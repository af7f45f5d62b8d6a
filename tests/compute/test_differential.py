"""The vectorised computations against a straightforward row-by-row reference (tests/compute/reference.py) on
randomly generated programmes (tests/compute/random_programmes.py), and on the demo programme.

Figures are compared to 1e-9 relative: a grouped sum may add the same numbers in another order (or with
compensation), which can change the last binary digit of a sum of fractions and nothing else.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from indicators.compute.completeness import completeness_table, expected_reports
from indicators.compute.progress import Thresholds, indicator_progress
from indicators.compute.rollup import regional_rollup
from indicators.compute.suppression import _KeyRanks, _RunningTotals, _secondary
from indicators.demo import demo_programme
from tests.compute.random_programmes import random_programme
from tests.compute.reference import (
    records,
    reference_expected,
    reference_progress,
    reference_rollup,
    reference_running_totals,
    reference_secondary,
)

SEEDS = range(40)
THRESHOLDS = (Thresholds(), Thresholds(achieved=0.9, on_track=0.6, at_risk=0.3))


def same_frame(found: pd.DataFrame, expected: pd.DataFrame) -> None:
    """Same rows in the same order, same columns and dtypes, same figures (to 1e-9)."""
    expected = expected.astype(found.dtypes.to_dict())
    pd.testing.assert_frame_equal(
        found.reset_index(drop=True), expected.reset_index(drop=True), check_exact=False, rtol=1e-9, atol=1e-12
    )


@pytest.mark.parametrize("seed", SEEDS)
def test_progress_matches_the_reference(seed: int) -> None:
    programme = random_programme(seed)
    thresholds = THRESHOLDS[seed % 2]
    same_frame(indicator_progress(programme, thresholds), reference_progress(programme, thresholds))


@pytest.mark.parametrize("seed", SEEDS)
def test_rollup_matches_the_reference(seed: int) -> None:
    thresholds = THRESHOLDS[seed % 2]
    progress = indicator_progress(random_programme(seed), thresholds)
    same_frame(regional_rollup(progress, thresholds), reference_rollup(progress, thresholds))


@pytest.mark.parametrize("seed", SEEDS)
def test_expected_reports_match_the_reference(seed: int) -> None:
    programme = random_programme(seed)
    expected = expected_reports(programme)
    same_frame(expected, reference_expected(programme))
    by = [("semester", "beneficiary"), ("semester",), ("indicator_id",), ()][seed % 4]
    reference = reference_expected(programme).astype(expected.dtypes.to_dict())
    same_frame(completeness_table(expected, by), completeness_table(reference, by))
    assert 0 < expected["reported"].sum() < len(expected)


@pytest.mark.parametrize("seed", SEEDS)
def test_secondary_suppression_matches_the_reference(seed: int) -> None:
    rng = np.random.default_rng(seed)
    size = int(rng.integers(1, 300))
    values = rng.choice([np.nan, 0.0, 1.0, 2.0, 3.0, 4.0, 6.0, 9.0, 30.0], size).tolist()
    primary = (rng.random(size) < 0.15).tolist()
    groups = [(f"I{rng.integers(8)}", ("S1", "S2", None)[rng.integers(3)]) for _ in range(size)]
    index = pd.Index(rng.permutation(size) * 3)  # any index: rows are matched by position
    found = _secondary(
        pd.Series(values, index=index),
        pd.Series(primary, index=index),
        [pd.Series([g[0] for g in groups], index=index), pd.Series([g[1] for g in groups], index=index)],
        5,
    )
    assert list(found.index) == list(index)
    assert found.tolist() == reference_secondary(values, primary, groups, 5)


@pytest.mark.parametrize("seed", SEEDS)
def test_running_totals_to_hide_match_the_reference(seed: int) -> None:
    """Donors' running totals to hide, as the donor view asks for them: again and again, with more rows hidden
    each time (each call after the first scans only the series whose hidden rows changed)."""
    rng = np.random.default_rng(seed)
    progress = indicator_progress(random_programme(seed), Thresholds())
    progress = progress.sample(frac=1, random_state=seed).reset_index(drop=True)  # any row order
    shown_baseline = progress["baseline"].mask(rng.random(len(progress)) < 0.3)
    totals = _RunningTotals.of(progress, shown_baseline, _KeyRanks.of(progress))
    rows, hidden = records(progress), np.zeros(len(progress), dtype=bool)
    for _round in range(4):
        found = totals.to_hide(hidden, 5)
        assert found.tolist() == reference_running_totals(rows, hidden.tolist(), shown_baseline.tolist(), 5)
        hidden = hidden | found | (rng.random(len(progress)) < 0.05)
    # Another threshold with the same rows hidden: every series is scanned again, none kept from before.
    found = totals.to_hide(hidden, 10)
    assert found.tolist() == reference_running_totals(rows, hidden.tolist(), shown_baseline.tolist(), 10)


def test_random_programmes_cover_every_case() -> None:
    """The generated programmes hold each kind of row the rules distinguish (else the tests above prove less)."""
    each = [indicator_progress(random_programme(seed), Thresholds()) for seed in SEEDS]
    progress = pd.concat(each)
    rollup = pd.concat([regional_rollup(p, Thresholds()) for p in each])
    assert set(progress["measure"]) == {"count", "percentage", "milestone", "qualitative"}
    assert set(progress["status"]) == {
        "achieved",
        "on_track",
        "at_risk",
        "off_track",
        "reported",
        "no_data",
        "not_due",
    }
    assert progress["cumulative"].any() and (progress["direction"] == "decrease").any()
    assert progress["target_revised"].any() and (progress["beneficiary"] == "REG").any()
    assert ((progress["target"] == progress["baseline"]) & progress["reported"]).any()
    assert set(progress["forecast"].dropna()) == {"met", "reached", "at_risk", "out_of_reach"}
    # an end target revised during the action: each semester is measured against the one known then
    pairs = [p.groupby(["indicator_id", "beneficiary"])["end_target"].nunique() for p in each]
    assert any((found > 1).any() for found in pairs)
    assert progress["forecast_semester"].notna().any() and progress["end_progress"].notna().any()
    assert progress["carried"].any() and (rollup["beneficiaries_carried"] > 0).any()
    assert set(rollup["aggregation"]) == {"sum", "ratio", "count_meeting_target"}
    assert set(rollup["status"]) >= {"achieved", "on_track", "at_risk", "off_track", "incomplete", "no_data", "not_due"}
    assert ((rollup["coverage_share"] < 1) & rollup["status"].isin(["achieved", "on_track"])).any()


def test_demo_matches_the_reference() -> None:
    demo, thresholds = demo_programme(), Thresholds()
    progress = indicator_progress(demo, thresholds)
    same_frame(progress, reference_progress(demo, thresholds))
    same_frame(regional_rollup(progress, thresholds), reference_rollup(progress, thresholds))
