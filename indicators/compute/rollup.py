"""Regional roll-up: one row per indicator and semester (beneficiary "ALL") from the beneficiaries' progress;
the rules are METHOD_TEXT below."""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators.compute.progress import (
    STATUS_COLUMNS,
    Thresholds,
    _is,
    is_due,
    progress_ratios,
    row_groups,
    status_codes,
    with_status_columns,
)
from indicators.domain.i18n import N_, _
from indicators.domain.reference import COUNTRY_CODES

# The rules, in words people read: the Method page shows them in the reader's language (``_(METHOD_TEXT)``).
METHOD_TEXT = N_(
    """Regional roll-up: one row per indicator and semester (beneficiary "ALL") from the beneficiaries' progress.

Which beneficiaries: the six countries; an indicator that has only regional (REG) rows uses REG.
How, by the indicator's aggregation:

- ``sum``, like with like: baseline, target and actual add up the same beneficiaries, those with a target in
  force that semester that reported it (a beneficiary reporting without a target due is left out, so it
  cannot inflate progress); when none has a target, every beneficiary's baseline and what they reported.
- Running totals (cumulative counts) and milestones: a beneficiary that missed a report counts with its last
  reported figure carried forward (its running total to date, a milestone done), so a regional running total
  never falls because of a missing report; ``beneficiaries_carried`` says how many were carried.
- Every regional figure says how many beneficiaries it covers: "n of m beneficiaries reported", m being those
  with a target in force and n those of them that reported (every beneficiary when none has a target).
- ``ratio``: actual is 100 * (sum of numerators) / (sum of denominators) of the beneficiaries that reported,
  never a mean of percentages. Baseline and target are weighted by each beneficiary's reported denominator
  (the percentage the summed numerators would have at the target). Cumulative ratio indicators use the
  semester's own numerators and denominators.
- ``count_meeting_target``: actual is the number of beneficiaries whose status is achieved, target the number
  with a target in force; baseline is left empty and counts as 0.
- ``none``: no regional row."""
)
__doc__ = METHOD_TEXT  # help() and inspect read the rules too

REGIONAL = "ALL"
ROLLUP_COLUMNS = [
    "indicator_id",
    "semester",
    "beneficiary",
    "aggregation",
    "baseline",
    "target",
    "actual",
    *STATUS_COLUMNS,
    "beneficiaries_with_target",
    "beneficiaries_meeting_target",
    "beneficiaries_reported",
    "beneficiaries_carried",
    "beneficiaries_expected",
    "coverage",
]


AGGREGATIONS = ("sum", "ratio", "count_meeting_target")
GROUP = ["indicator_id", "semester"]
# The columns of a progress frame a roll-up reads once the rows are chosen.
ROLLED_COLUMNS = [
    *GROUP,
    "aggregation",
    "measure",
    "direction",
    "baseline",
    "target",
    "target_adopted_at",
    "numerator",
    "denominator",
    "reported",
    "carried",
    "actual",
    "status",
]


def _parts(rows: pd.DataFrame) -> pd.DataFrame:
    """Per beneficiary row, the parts the aggregations add up; a part is missing where the row does not count."""
    due, reported = is_due(rows).to_numpy(dtype=bool), rows["reported"].to_numpy(dtype=bool, na_value=False)
    carried = rows["carried"].to_numpy(dtype=bool, na_value=False)
    # sum: a beneficiary counts when it reported or its figure is carried forward
    counts = (reported | carried) & ~np.isnan(rows["actual"].to_numpy(dtype=float, na_value=np.nan))
    baseline, target, actual = (
        rows[c].to_numpy(dtype=float, na_value=np.nan) for c in ("baseline", "target", "actual")
    )
    numerator, denominator = (rows[c].to_numpy(dtype=float, na_value=np.nan) for c in ("numerator", "denominator"))
    # ratio: numerators and denominators of the beneficiaries that reported both; the denominators reported
    # weigh the baselines and targets due (only positive weights count).
    both = reported & ~np.isnan(numerator) & ~np.isnan(denominator)
    weight = np.where(reported & due & (denominator > 0), denominator, np.nan)
    weighted_baseline, weighted_target = (
        np.where(~np.isnan(v) & ~np.isnan(weight), v, np.nan) for v in (baseline, target)
    )
    return pd.DataFrame(
        {
            "due": due,
            "reported": reported,
            "reported_due": reported & due,
            "carried": carried & due,
            "counted": counts & due,
            "achieved": (rows["status"] == "achieved").to_numpy(dtype=bool, na_value=False) & due,
            # sum: the figures of the beneficiaries due that count (of every beneficiary when none is due)
            "baseline_due": np.where(due & counts, baseline, np.nan),
            "baseline_all": baseline,
            "target_due": np.where(due & counts, target, np.nan),
            "actual_due": np.where(due & counts, actual, np.nan),
            "actual_all": np.where(reported, actual, np.nan),
            "numerator": np.where(both, numerator, 0.0),
            "denominator": np.where(both, denominator, 0.0),
            "baseline_times_weight": weighted_baseline * weight,
            "baseline_weight": np.where(np.isnan(weighted_baseline), np.nan, weight),
            "target_times_weight": weighted_target * weight,
            "target_weight": np.where(np.isnan(weighted_target), np.nan, weight),
        },
        index=rows.index,
    )


_PART_SUMS = (
    "baseline_due",
    "baseline_all",
    "target_due",
    "actual_due",
    "actual_all",
    "baseline_times_weight",
    "baseline_weight",
    "target_times_weight",
    "target_weight",
)


def _ratio(part: pd.Series, whole: pd.Series) -> pd.Series:
    return part / whole.where(whole > 0)


def _rolled_beneficiaries(progress: pd.DataFrame) -> pd.DataFrame:
    """The countries' rows; for an indicator without any, its regional (REG) rows."""
    return progress[_rolled(progress, np.ones(len(progress), dtype=bool))]


def _rolled(progress: pd.DataFrame, among: np.ndarray) -> np.ndarray:
    """Which rows _rolled_beneficiaries keeps of the rows ``among`` (a mask) of ``progress``."""
    countries = progress["beneficiary"].isin(COUNTRY_CODES).to_numpy(dtype=bool, na_value=False) & among
    # Whether each row's indicator has a country's row: each indicator once, by its position among them.
    indicator, distinct = pd.factorize(progress["indicator_id"], use_na_sentinel=False)
    with_countries = np.zeros(len(distinct), dtype=bool)
    with_countries[indicator[countries]] = True
    regional_only = ~with_countries[indicator] & _is(progress["beneficiary"], "REG") & among
    return countries | regional_only


def _empty() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype=float) for c in ROLLUP_COLUMNS}).pipe(_typed)


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    strings = [
        "indicator_id",
        "semester",
        "beneficiary",
        "aggregation",
        "status",
        "status_label",
        "status_symbol",
        "coverage",
    ]
    counts = [
        "beneficiaries_with_target",
        "beneficiaries_meeting_target",
        "beneficiaries_reported",
        "beneficiaries_carried",
        "beneficiaries_expected",
    ]
    numbers = ["baseline", "target", "actual", "progress", "progress_display"]
    return frame.astype(
        {**dict.fromkeys(strings, "string"), **dict.fromkeys(counts, int), **dict.fromkeys(numbers, float)}
    )


def coverage_text(reported: pd.Series, expected: pd.Series, carried: pd.Series) -> pd.Series:
    """ "n of m beneficiaries reported", with how many were carried forward when any were (current language)."""
    plain = _("{n} of {m} beneficiaries reported")
    with_carried = _("{n} of {m} beneficiaries reported ({carried} carried forward)")
    # Few distinct (n, m, carried): each text is made once, then spread to its rows.
    counts = pd.DataFrame({"n": reported.astype(int), "m": expected.astype(int), "carried": carried.astype(int)})
    group = row_groups(counts, list(counts.columns))
    distinct = counts.iloc[np.unique(group, return_index=True)[1]]
    text = [(with_carried if c else plain).format(n=n, m=m, carried=c) for n, m, c in distinct.to_numpy()]
    return pd.Series(pd.array(text, dtype="string").take(group), index=reported.index)


def regional_rollup(progress: pd.DataFrame, thresholds: Thresholds | None = None) -> pd.DataFrame:
    """One row per indicator and semester combining the beneficiaries by the indicator's aggregation."""
    thresholds = thresholds or Thresholds.from_settings()
    # The rows of indicators that roll up, of the beneficiaries rolled up (only the columns read here: a progress
    # frame has many more).
    aggregated = progress["aggregation"].isin(AGGREGATIONS).to_numpy(dtype=bool, na_value=False)
    rows = progress[ROLLED_COLUMNS][_rolled(progress, aggregated)]
    if rows.empty:
        return _empty()
    # 1. Groups: one indicator and semester each, numbered in the order they first come; each takes its
    #    attributes from its first row.
    group = row_groups(rows, GROUP)
    first = rows[[*GROUP, "aggregation", "measure", "direction"]].iloc[np.unique(group, return_index=True)[1]]
    # 2. Add up each part over the beneficiaries of the group: sums of figures stay missing when none is present.
    parts = _parts(rows).groupby(group, sort=True)
    counts = parts[["due", "reported", "reported_due", "carried", "counted", "achieved"]].sum()
    members = pd.Series(np.bincount(group), name="members")
    sums = parts[list(_PART_SUMS)].sum(min_count=1)
    totals = parts[["numerator", "denominator"]].sum()
    g = pd.concat([first.reset_index(drop=True), counts, sums, totals, members], axis=1)
    # 3. The figures of each aggregation (see the module docstring).
    any_due = g["due"] > 0
    by_sum = {
        "baseline": g["baseline_due"].where(any_due, g["baseline_all"]),
        "target": g["target_due"],
        "actual": g["actual_due"].where(any_due, g["actual_all"]),
    }
    by_ratio = {
        "baseline": _ratio(g["baseline_times_weight"], g["baseline_weight"]),
        "target": _ratio(g["target_times_weight"], g["target_weight"]),
        "actual": 100 * _ratio(g["numerator"], g["denominator"]),
    }
    by_count = {
        "baseline": pd.Series(np.nan, index=g.index),
        "target": g["due"].astype(float).where(any_due),
        "actual": g["achieved"].astype(float),
    }
    aggregation = g["aggregation"]
    figures = {
        name: by_sum[name].where(aggregation == "sum", by_ratio[name].where(aggregation == "ratio", by_count[name]))
        for name in ("baseline", "target", "actual")
    }
    # 4. Progress and status as for one beneficiary; beneficiaries meeting a target, or milestones done, are
    #    counts against the number due.
    counted = (aggregation == "count_meeting_target") | (g["measure"] == "milestone")
    measure = g["measure"].mask(counted, "count")
    summed = aggregation == "sum"
    any_reported = (g["reported"] > 0).where(~(summed & any_due), g["counted"] > 0)
    progress = progress_ratios(figures["actual"], figures["baseline"], figures["target"], g["direction"])
    progress = progress.where(any_reported)
    status = status_codes(progress, measure, any_due, any_reported, thresholds)
    out = g.assign(**figures, beneficiary=REGIONAL).rename(
        columns={
            "due": "beneficiaries_with_target",
            "achieved": "beneficiaries_meeting_target",
            "reported": "beneficiaries_reported",
        }
    )
    carried = g["carried"].where(summed, 0)
    expected = g["due"].where(any_due, g["members"])
    reported = g["reported_due"].where(any_due, g["reported"])
    out = out.assign(
        beneficiaries_carried=carried,
        beneficiaries_expected=expected,
        coverage=coverage_text(reported, expected, carried),
    )
    out = with_status_columns(out, progress, status)
    return _typed(out[ROLLUP_COLUMNS]).reset_index(drop=True)
