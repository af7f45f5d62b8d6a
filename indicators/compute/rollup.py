"""Regional roll-up: one row per indicator and semester (beneficiary "ALL") from the beneficiaries' progress.

Which beneficiaries: the six countries; an indicator that has only regional (REG) rows uses REG.
How, by the indicator's aggregation:

- ``sum``: target sums the beneficiaries with a target in force that semester; baseline sums the baselines
  of those same beneficiaries (of every beneficiary when none has a target); actual sums what those beneficiaries
  reported (a beneficiary reporting without a target due is left out, so it cannot inflate progress).
- ``ratio``: actual is 100 * (sum of numerators) / (sum of denominators) of the beneficiaries that reported,
  never a mean of percentages. Baseline and target are weighted by each beneficiary's reported denominator
  (the percentage the summed numerators would have at the target). Cumulative ratio indicators use the
  semester's own numerators and denominators.
- ``count_meeting_target``: actual is the number of beneficiaries whose status is achieved, target the number
  with a target in force; baseline is left empty and counts as 0.
- ``none``: no regional row.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators.compute.progress import STATUS_BY_CODE, STATUS_COLUMNS, Thresholds, is_due, progress_ratio, status_code
from indicators.domain.reference import COUNTRY_CODES

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
]


def _sum(values: pd.Series) -> float:
    return float(values.sum()) if values.notna().any() else np.nan


def _weighted(values: pd.Series, weights: pd.Series) -> float:
    usable = values.notna() & weights.notna() & (weights > 0)
    if not usable.any():
        return np.nan
    return float((values[usable] * weights[usable]).sum() / weights[usable].sum())


def _sum_figures(rows: pd.DataFrame, due: pd.Series) -> tuple[float, float, float]:
    counted = rows[due] if due.any() else rows  # a beneficiary reporting without a target due is not counted
    return _sum(counted["baseline"]), _sum(rows.loc[due, "target"]), _sum(counted.loc[counted["reported"], "actual"])


def _ratio_figures(rows: pd.DataFrame, due: pd.Series) -> tuple[float, float, float]:
    reported = rows[rows["reported"] & rows["numerator"].notna() & rows["denominator"].notna()]
    denominator = reported["denominator"].sum()
    actual = 100 * reported["numerator"].sum() / denominator if denominator > 0 else np.nan
    weights = rows["denominator"].where(rows["reported"])
    return (
        _weighted(rows.loc[due, "baseline"], weights[due]),
        _weighted(rows.loc[due, "target"], weights[due]),
        actual,
    )


def _count_figures(rows: pd.DataFrame, due: pd.Series) -> tuple[float, float, float]:
    achieved = (rows["status"] == "achieved") & due
    return np.nan, (float(due.sum()) if due.any() else np.nan), float(achieved.sum())


FIGURES = {"sum": _sum_figures, "ratio": _ratio_figures, "count_meeting_target": _count_figures}


def _regional_row(rows: pd.DataFrame, thresholds: Thresholds) -> dict[str, object]:
    first = rows.iloc[0]
    due = is_due(rows)
    reported = rows["reported"]
    baseline, target, actual = FIGURES[first["aggregation"]](rows, due)
    # Beneficiaries meeting a target, or milestones done, are counts against the number due.
    counted = first["aggregation"] == "count_meeting_target" or first["measure"] == "milestone"
    measure = "count" if counted else first["measure"]
    progress = progress_ratio(actual, baseline, target, first["direction"]) if reported.any() else np.nan
    status = status_code(progress, measure, bool(due.any()), bool(reported.any()), thresholds)
    return {
        "indicator_id": first["indicator_id"],
        "semester": first["semester"],
        "beneficiary": REGIONAL,
        "aggregation": first["aggregation"],
        "baseline": baseline,
        "target": target,
        "actual": actual,
        "progress": progress,
        "progress_display": min(max(progress, 0.0), 1.0) if not np.isnan(progress) else np.nan,
        "status": status,
        "status_label": STATUS_BY_CODE[status].label,
        "status_symbol": STATUS_BY_CODE[status].symbol,
        "beneficiaries_with_target": int(due.sum()),
        "beneficiaries_meeting_target": int(((rows["status"] == "achieved") & due).sum()),
        "beneficiaries_reported": int(reported.sum()),
    }


def _rolled_beneficiaries(progress: pd.DataFrame) -> pd.DataFrame:
    countries = progress["beneficiary"].isin(COUNTRY_CODES)
    has_countries = countries.groupby(progress["indicator_id"]).transform("any")
    regional_only = ~has_countries & (progress["beneficiary"] == "REG")
    return progress[countries | regional_only]


def _empty() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype=float) for c in ROLLUP_COLUMNS}).pipe(_typed)


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    strings = ["indicator_id", "semester", "beneficiary", "aggregation", "status", "status_label", "status_symbol"]
    counts = ["beneficiaries_with_target", "beneficiaries_meeting_target", "beneficiaries_reported"]
    numbers = ["baseline", "target", "actual", "progress", "progress_display"]
    return frame.astype(
        {**dict.fromkeys(strings, "string"), **dict.fromkeys(counts, int), **dict.fromkeys(numbers, float)}
    )


def regional_rollup(progress: pd.DataFrame, thresholds: Thresholds | None = None) -> pd.DataFrame:
    """One row per indicator and semester combining the beneficiaries by the indicator's aggregation."""
    thresholds = thresholds or Thresholds.from_settings()
    rows = _rolled_beneficiaries(progress[progress["aggregation"].isin(list(FIGURES))])
    if rows.empty:
        return _empty()
    regional = [_regional_row(group, thresholds) for _, group in rows.groupby(["indicator_id", "semester"], sort=False)]
    return _typed(pd.DataFrame(regional, columns=ROLLUP_COLUMNS)).reset_index(drop=True)
