"""The donor view and the regional roll-up of one indicator's rows are that indicator's rows of the whole frames.

The Indicator page shows one indicator: it computes ``donor_progress``, ``regional_rollup`` and ``donor_rollup``
from that indicator's progress rows only (ui/page_views.py), which is right only while every suppression and
roll-up rule reads the rows of one indicator (its semesters, its beneficiaries). A rule that read across
indicators would fail here before it could show a donor a figure computed otherwise than on the other pages.
"""

from __future__ import annotations

import pandas as pd
import pytest

from indicators.compute.annotations import annotated
from indicators.compute.progress import Thresholds, indicator_progress
from indicators.compute.rollup import regional_rollup
from indicators.compute.suppression import donor_progress, donor_rollup
from indicators.demo import demo_programme
from tests.compute.random_programmes import random_programme


def _one(frame: pd.DataFrame, indicator: str) -> pd.DataFrame:
    return frame[(frame["indicator_id"] == indicator).to_numpy(dtype=bool, na_value=False)]


def _same_rows(one: pd.DataFrame, whole: pd.DataFrame, indicator: str, keep_index: bool) -> None:
    expected = _one(whole, indicator)
    if not keep_index:  # a roll-up is numbered from 0
        one, expected = one.reset_index(drop=True), expected.reset_index(drop=True)
    pd.testing.assert_frame_equal(one, expected, check_exact=True)


SEEDS = [0, 3, 5, 6, 8, 10, 15, "demo"]  # each hides figures from donors (checked below)


@pytest.mark.parametrize("seed", SEEDS)
def test_one_indicators_donor_view_and_rollup_are_its_rows_of_the_whole(seed) -> None:
    programme = demo_programme() if seed == "demo" else random_programme(seed, indicators=16)
    thresholds = Thresholds()
    progress = annotated(indicator_progress(programme, thresholds), programme, thresholds)
    safe, rolled = donor_progress(progress), regional_rollup(progress, thresholds)
    donors_rolled = donor_rollup(rolled, progress, safe=safe)
    assert safe["suppressed"].any() and donors_rolled["suppressed"].any(), "some figures are hidden from donors"
    for indicator in pd.unique(progress["indicator_id"]):
        rows = _one(progress, indicator)
        one_safe, one_rolled = donor_progress(rows), regional_rollup(rows, thresholds)
        _same_rows(one_safe, safe, indicator, keep_index=True)
        if len(one_rolled):
            _same_rows(one_rolled, rolled, indicator, keep_index=False)
            _same_rows(donor_rollup(one_rolled, rows, safe=one_safe), donors_rolled, indicator, keep_index=False)
        else:
            assert _one(rolled, indicator).empty
