"""Regional roll-up: one row per indicator and semester (beneficiary "ALL") from the beneficiaries' progress;
the rules are METHOD_TEXT below."""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators.compute.progress import (
    INCOMPLETE,
    JUDGED,
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
from indicators.domain.settings import setting_float

# The rules, in words people read: the Method page shows them in the reader's language (``_(METHOD_TEXT)``).
METHOD_TEXT = N_(
    """Regional roll-up: one row per indicator and semester (beneficiary "ALL") from the beneficiaries' progress.

Which beneficiaries: the six countries; an indicator that has only regional (REG) rows uses REG.
How, by the indicator's aggregation:

- Coverage: m is the number of beneficiaries with a target in force that semester, n those of them that
  reported (a figure carried forward is not a report); every regional figure says "n of m beneficiaries
  reported". Regional progress is measured against the programme's target, that of all m beneficiaries, and
  the like-for-like figure (the reporting beneficiaries against their own targets: ``target_reporting``,
  ``progress_reporting``) is given beside it.
- Status: from the thresholds only when at least REGIONAL_COVERAGE (two thirds by default) of the m
  beneficiaries reported; below that the status is "incomplete reporting", never achieved; "no data" when none
  reported (figures carried forward alone never make a status).
- The baseline is the programme's, fixed: computed once from the beneficiaries' baselines, the same in every
  semester.
- ``sum``: the baseline is the sum of every beneficiary's baseline (a missing one counts as 0), the target the
  sum of the m beneficiaries' targets, the actual the sum of what the reporting beneficiaries reported (and of
  the running totals carried forward). Progress is the reporting beneficiaries' change from their own
  baselines against the change the programme's target asks of all m (their targets minus their baselines),
  so a beneficiary that did not report counts as no change. When none has a target: every beneficiary's
  baseline and what they reported, with no status.
- Running totals (cumulative counts) and milestones: a beneficiary that missed a report counts with its last
  reported figure carried forward (its running total to date, a milestone done), so a regional running total
  never falls because of a missing report; ``beneficiaries_carried`` says how many were carried.
- ``ratio``: actual is 100 * (sum of numerators) / (sum of denominators) of the beneficiaries that reported,
  never a mean of percentages. Baseline and target are the beneficiaries' weighted by each one's mean reported
  denominator over the action (one that never reported weighs the mean of the others); the like-for-like
  target is weighted by the denominators reported in the semester. Cumulative ratio indicators use the
  semester's own numerators and denominators.
- ``count_meeting_target``: actual is the number of beneficiaries whose status is achieved, target the number
  with a target in force; baseline is left empty and counts as 0.
- ``none``: no regional row."""
)
__doc__ = METHOD_TEXT  # help() and inspect read the rules too

# The coverage rule in one sentence with an example, for the Method page (``_(COVERAGE_RULE)``).
COVERAGE_RULE = N_(
    "A regional figure is measured against the programme's target for all beneficiaries, with the reporting "
    "beneficiaries' own like-for-like figure beside it, and gets a status only when at least two thirds of the "
    "beneficiaries with a target reported: for example, when 3 of 6 beneficiaries reported 8 incidents against "
    "their own target of 8 (like for like 100 %) while the programme's target for all six is 13, the region "
    'reads "incomplete reporting", not "achieved".'
)

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
    "target_reporting",
    "progress_reporting",
    "beneficiaries_with_target",
    "beneficiaries_meeting_target",
    "beneficiaries_reported",
    "beneficiaries_carried",
    "beneficiaries_expected",
    "coverage",
    "coverage_share",
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
    start = np.where(np.isnan(baseline), 0.0, baseline)  # a missing baseline counts as 0
    numerator, denominator = (rows[c].to_numpy(dtype=float, na_value=np.nan) for c in ("numerator", "denominator"))
    # ratio: numerators and denominators of the beneficiaries that reported both; the denominators reported
    # weigh the like-for-like baselines and targets (only positive weights count).
    both = reported & ~np.isnan(numerator) & ~np.isnan(denominator)
    weight = np.where(reported & due & (denominator > 0), denominator, np.nan)
    weighted_baseline, weighted_target = (
        np.where(~np.isnan(v) & ~np.isnan(weight), v, np.nan) for v in (baseline, target)
    )
    counted = due & counts
    return pd.DataFrame(
        {
            "due": due,
            "reported": reported,
            "reported_due": reported & due,
            "carried": carried & due,
            "counted": counted,
            "achieved": (rows["status"] == "achieved").to_numpy(dtype=bool, na_value=False) & due,
            "achieved_reported": (rows["status"] == "achieved").to_numpy(dtype=bool, na_value=False) & due & reported,
            # sum: the m beneficiaries' targets and starts, and the figures of those that count (reported or
            # carried forward)
            "target_due": np.where(due, target, np.nan),
            "start_due": np.where(due & ~np.isnan(target), start, np.nan),
            "actual_due": np.where(counted, actual, np.nan),
            "gain_due": np.where(counted, actual - start, np.nan),
            "target_counted": np.where(counted, target, np.nan),
            "start_counted": np.where(counted, start, np.nan),
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
    "target_due",
    "start_due",
    "actual_due",
    "gain_due",
    "target_counted",
    "start_counted",
    "actual_all",
    "baseline_times_weight",
    "baseline_weight",
    "target_times_weight",
    "target_weight",
)


def _group_sums(
    parts: pd.DataFrame, group: np.ndarray, size: int, columns: list[str], missing: bool = True
) -> pd.DataFrame:
    """Each column added up per group (groups numbered 0 .. size - 1); with ``missing``, a group none of whose
    figures is present stays missing (as ``sum(min_count=1)``)."""
    out = {}
    for column in columns:
        values = parts[column].to_numpy(dtype=float, na_value=np.nan)
        present = ~np.isnan(values)
        total = np.bincount(group, weights=np.where(present, values, 0.0), minlength=size)
        if missing:
            total = np.where(np.bincount(group, weights=present.astype(float), minlength=size) > 0, total, np.nan)
        out[column] = total
    return pd.DataFrame(out)


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
    numbers = [
        "baseline",
        "target",
        "actual",
        "progress",
        "progress_display",
        "target_reporting",
        "progress_reporting",
        "coverage_share",
    ]
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


def _fixed(rows: pd.DataFrame) -> pd.DataFrame:
    """Per row, what is fixed over the action for its indicator (one figure per indicator, the same in every
    semester): ``baseline_sum`` (sum of the beneficiaries' baselines, missing when none has one),
    ``baseline_weighted`` (their baselines weighted by each one's mean reported denominator) and each row's
    beneficiary's ``weight`` (its mean reported denominator; where it has none, the mean of the indicator's
    others; 1 when none has one)."""
    indicator, indicators = pd.factorize(rows["indicator_id"], use_na_sentinel=False)
    beneficiary, beneficiaries = pd.factorize(rows["beneficiary"], use_na_sentinel=False)
    pairs, first_row, pair = np.unique(
        indicator.astype(np.int64) * max(len(beneficiaries), 1) + beneficiary, return_index=True, return_inverse=True
    )
    first = np.zeros(len(rows), dtype=bool)
    first[first_row] = True
    size = len(indicators)
    # Each pair's mean positive reported denominator (NaN when none).
    denominator = rows["denominator"].to_numpy(dtype=float, na_value=np.nan)
    usable = rows["reported"].to_numpy(dtype=bool, na_value=False) & (denominator > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        pair_weight = (
            np.bincount(pair, weights=np.where(usable, denominator, 0.0), minlength=len(pairs))
            / np.bincount(pair, weights=usable.astype(float), minlength=len(pairs))
        )[pair]
    baseline = rows["baseline"].to_numpy(dtype=float, na_value=np.nan)
    has_baseline = first & ~np.isnan(baseline)

    def per_indicator(values: np.ndarray, where: np.ndarray) -> np.ndarray:
        return np.bincount(indicator, weights=np.where(where, values, 0.0), minlength=size)

    weighted = first & ~np.isnan(pair_weight)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_weight = per_indicator(pair_weight, weighted) / per_indicator(np.ones(len(rows)), weighted)
    mean_weight = np.where(np.isfinite(mean_weight), mean_weight, 1.0)
    weight = np.where(np.isnan(pair_weight), mean_weight[indicator], pair_weight)
    counted = per_indicator(np.ones(len(rows)), has_baseline)
    with np.errstate(divide="ignore", invalid="ignore"):
        baseline_sum = np.where(counted > 0, per_indicator(baseline, has_baseline), np.nan)
        baseline_weighted = per_indicator(baseline * weight, has_baseline) / per_indicator(weight, has_baseline)
    return pd.DataFrame(
        {
            "baseline_sum": baseline_sum[indicator],
            "baseline_weighted": np.where(counted > 0, baseline_weighted, np.nan)[indicator],
            "weight": weight,
        },
        index=rows.index,
    )


def coverage_met(reported: pd.Series, expected: pd.Series, share: float | None = None) -> pd.Series:
    """Whether n of m beneficiaries reporting meets the REGIONAL_COVERAGE share (m = 0: no)."""
    share = setting_float("REGIONAL_COVERAGE") if share is None else share
    n, m = reported.astype(float), expected.astype(float)
    return (m > 0) & (n >= share * m - 1e-9)


def regional_rollup(
    progress: pd.DataFrame, thresholds: Thresholds | None = None, coverage: float | None = None
) -> pd.DataFrame:
    """One row per indicator and semester combining the beneficiaries by the indicator's aggregation; ``coverage``
    is the share of beneficiaries with a target that must report for a status (REGIONAL_COVERAGE)."""
    thresholds = thresholds or Thresholds.from_settings()
    # The rows of indicators that roll up, of the beneficiaries rolled up (only the columns read here: a progress
    # frame has many more).
    aggregated = progress["aggregation"].isin(AGGREGATIONS).to_numpy(dtype=bool, na_value=False)
    rows = progress[[*ROLLED_COLUMNS, "beneficiary"]][_rolled(progress, aggregated)]
    if rows.empty:
        return _empty()
    # 1. Groups: one indicator and semester each, numbered in the order they first come; each takes its
    #    attributes from its first row.
    group = row_groups(rows, GROUP)
    first_rows = np.unique(group, return_index=True)[1]
    first = rows[[*GROUP, "aggregation", "measure", "direction"]].iloc[first_rows]
    # 2. Add up each part over the beneficiaries of the group: sums of figures stay missing when none is present.
    parts = _parts(rows)
    fixed = _fixed(rows)
    target = rows["target"].to_numpy(dtype=float, na_value=np.nan)
    with_target = parts["due"].to_numpy() & ~np.isnan(target)
    parts = parts.assign(
        programme_target_times_weight=np.where(with_target, target * fixed["weight"].to_numpy(), np.nan),
        programme_target_weight=np.where(with_target, fixed["weight"].to_numpy(), np.nan),
    )
    flags = ["due", "reported", "reported_due", "carried", "counted", "achieved", "achieved_reported"]
    sums = _group_sums(
        parts, group, len(first_rows), [*_PART_SUMS, "programme_target_times_weight", "programme_target_weight"]
    )
    g = pd.concat(
        [
            first.reset_index(drop=True),
            _group_sums(parts, group, len(first_rows), flags, missing=False).astype(int),
            sums,
            _group_sums(parts, group, len(first_rows), ["numerator", "denominator"], missing=False),
            pd.Series(np.bincount(group), name="members"),
            fixed[["baseline_sum", "baseline_weighted"]].iloc[first_rows].reset_index(drop=True),
        ],
        axis=1,
    )
    # 3. The figures of each aggregation (see the module docstring): the programme's, and like for like.
    any_due = g["due"] > 0
    start_due = g["start_due"].fillna(0.0)
    ratio_actual = 100 * _ratio(g["numerator"], g["denominator"])
    by_sum = {
        "baseline": g["baseline_sum"],
        "target": g["target_due"],
        "actual": g["actual_due"].where(any_due, g["actual_all"]),
        # progress: the change of those that count against the change asked of all m (graded when none is)
        "progress_actual": start_due + g["gain_due"],
        "progress_baseline": start_due,
        "target_reporting": g["target_counted"],
        "reporting_actual": g["actual_due"],
        "reporting_baseline": g["start_counted"],
    }
    by_ratio = {
        "baseline": g["baseline_weighted"],
        "target": _ratio(g["programme_target_times_weight"], g["programme_target_weight"]),
        "actual": ratio_actual,
        "progress_actual": ratio_actual,
        "progress_baseline": g["baseline_weighted"],
        "target_reporting": _ratio(g["target_times_weight"], g["target_weight"]),
        "reporting_actual": ratio_actual,
        "reporting_baseline": _ratio(g["baseline_times_weight"], g["baseline_weight"]),
    }
    none = pd.Series(np.nan, index=g.index)
    achieved = g["achieved"].astype(float)
    by_count = {
        "baseline": none,
        "target": g["due"].astype(float).where(any_due),
        "actual": achieved,
        "progress_actual": achieved,
        "progress_baseline": none,
        "target_reporting": g["reported_due"].astype(float).where(g["reported_due"] > 0),
        "reporting_actual": g["achieved_reported"].astype(float),
        "reporting_baseline": none,
    }
    aggregation = g["aggregation"]
    is_sum, is_ratio = _is(aggregation, "sum"), _is(aggregation, "ratio")

    def floats(series: pd.Series) -> np.ndarray:
        return series.to_numpy(dtype=float, na_value=np.nan)

    figures = {
        name: pd.Series(
            np.where(is_sum, floats(by_sum[name]), np.where(is_ratio, floats(by_ratio[name]), floats(by_count[name]))),
            index=g.index,
        )
        for name in by_sum
    }
    # 4. Progress against the programme's target, and like for like; status from the thresholds when enough
    #    beneficiaries reported (figures carried forward are no report), "incomplete reporting" below that.
    counted = (aggregation == "count_meeting_target") | (g["measure"] == "milestone")
    measure = g["measure"].mask(counted, "count")
    summed = aggregation == "sum"
    expected = g["due"].where(any_due, g["members"])
    reported = g["reported_due"].where(any_due, g["reported"])
    any_reported = (reported > 0) & (figures["actual"].notna() | (aggregation == "count_meeting_target"))
    direction = g["direction"]
    progress = progress_ratios(
        figures["progress_actual"], figures["progress_baseline"], figures["target"], direction
    ).where(any_reported)
    progress_reporting = progress_ratios(
        figures["reporting_actual"], figures["reporting_baseline"], figures["target_reporting"], direction
    ).where(any_reported)
    status = status_codes(progress, measure, any_due, any_reported, thresholds)
    judged = status.isin(JUDGED).to_numpy(dtype=bool, na_value=False)
    status = status.mask(judged & ~coverage_met(reported, expected, coverage).to_numpy(dtype=bool), INCOMPLETE)
    out = g.assign(
        baseline=figures["baseline"],
        target=figures["target"],
        actual=figures["actual"],
        target_reporting=figures["target_reporting"].where(any_due),
        progress_reporting=progress_reporting,
        beneficiary=REGIONAL,
    ).rename(
        columns={
            "due": "beneficiaries_with_target",
            "achieved": "beneficiaries_meeting_target",
            "reported": "beneficiaries_reported",
        }
    )
    carried = g["carried"].where(summed, 0)
    out = out.assign(
        beneficiaries_carried=carried,
        beneficiaries_expected=expected,
        coverage=coverage_text(reported, expected, carried),
        coverage_share=(reported / expected.where(expected > 0)).astype(float),
    )
    out = with_status_columns(out, progress, status)
    return _typed(out[ROLLUP_COLUMNS]).reset_index(drop=True)
