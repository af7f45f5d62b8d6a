"""Which indicators a page draws first when there are too many: worst first, filtered by result or status."""

from __future__ import annotations

import pandas as pd
import pytest

from indicators.compute.selection import SEVERITY, indicators_worst_first, results_below, shown_first


def rows(*cells: tuple[str, str, str, str]) -> pd.DataFrame:
    """Progress rows of one semester from (indicator, beneficiary, result, status)."""
    return pd.DataFrame(cells, columns=["indicator_id", "beneficiary", "result_id", "status"]).astype("string")


SEMESTER = rows(
    ("I1", "ALB", "OP1.1", "achieved"),
    ("I1", "BIH", "OP1.1", "achieved"),
    ("I2", "ALB", "OP1.2", "at_risk"),
    ("I2", "BIH", "OP1.2", "achieved"),
    ("I3", "ALB", "OP2.1", "off_track"),
    ("I3", "BIH", "OP2.1", "on_track"),
    ("I4", "ALB", "OC1", "at_risk"),
    ("I4", "BIH", "OC1", "at_risk"),
    ("I5", "ALB", "OP2.1", "not_due"),
)
RESULTS = pd.DataFrame(
    {
        "result_id": ["OBJ", "OC1", "OP1.1", "OP1.2", "OC2", "OP2.1"],
        "parent_id": [None, "OBJ", "OC1", "OC1", "OBJ", "OC2"],
    }
).astype("string")


def test_worst_status_first_then_most_beneficiaries_in_it_then_id() -> None:
    # I3 has an off-track beneficiary; I4 two at risk before I2 with one; I5 is only not due.
    assert list(indicators_worst_first(SEMESTER)) == ["I3", "I4", "I2", "I1", "I5"]


def test_severity_lists_every_status_once() -> None:
    from indicators.compute.progress import STATUSES

    assert sorted(SEVERITY) == sorted(s.code for s in STATUSES)


@pytest.mark.parametrize(
    ("limit", "results", "statuses", "shown", "matching"),
    [
        (2, (), (), ["I3", "I4"], 5),
        (10, (), (), ["I3", "I4", "I2", "I1", "I5"], 5),
        (0, (), (), [], 5),
        (10, ("OP1.1", "OP1.2"), (), ["I2", "I1"], 2),
        (10, (), ("at_risk",), ["I4", "I2"], 2),
        (1, (), ("at_risk", "off_track"), ["I3"], 3),
        (10, ("OP2.1",), ("achieved",), [], 0),
    ],
)
def test_shown_first(limit, results, statuses, shown, matching) -> None:
    selection = shown_first(SEMESTER, limit, results, statuses)
    assert list(selection.rows["indicator_id"].unique()) == shown
    assert (selection.shown, selection.matching, selection.total) == (len(shown), matching, 5)
    assert selection.not_shown == 5 - len(shown)
    # every row of a shown indicator is kept (a beneficiary is never dropped from a shown indicator)
    for indicator in shown:
        assert (selection.rows["indicator_id"] == indicator).sum() == (SEMESTER["indicator_id"] == indicator).sum()


def test_a_status_filter_keeps_every_beneficiary_of_a_matching_indicator() -> None:
    selection = shown_first(SEMESTER, 10, statuses=("off_track",))
    assert list(selection.rows["status"]) == ["off_track", "on_track"]


@pytest.mark.parametrize(
    ("chosen", "expected"),
    [
        (["OC1"], {"OC1", "OP1.1", "OP1.2"}),
        (["OBJ"], {"OBJ", "OC1", "OP1.1", "OP1.2", "OC2", "OP2.1"}),
        (["OP2.1"], {"OP2.1"}),
        ([], set()),
        (["UNKNOWN"], {"UNKNOWN"}),
    ],
)
def test_results_below(chosen, expected) -> None:
    assert results_below(RESULTS, chosen) == expected


def test_empty_rows() -> None:
    selection = shown_first(SEMESTER.iloc[:0], 10)
    assert selection.rows.empty and (selection.shown, selection.matching, selection.total) == (0, 0, 0)
