"""Small-cell suppression of sensitive counts in views for donors.

Primary: a sensitive count from 1 to threshold - 1 is shown as "<threshold" and its value removed. Zero is
shown as 0. Secondary: in each group whose total could be shown (one indicator and semester across
beneficiaries, or female and male within a total) that has a hidden cell, the smallest shown non-zero cells
are hidden too (shown as "[c]", confidential) until at least two cells are hidden and they add up to the
threshold or more, so the total minus the shown cells never pins down a small count.

A hidden count also hides its progress and status (a status and a visible target would bound it), its
progress to the end-of-action target and its forecast. For
sensitive cumulative counts donors see running totals only, and a running total that rose by a small count
since the previous semester is hidden as well, so two totals cannot be subtracted into a small count.
A figure carried forward for a beneficiary that did not report is not shown to donors for sensitive counts,
a regional total equal to a hidden total of the semester before is hidden too, and the "n of m beneficiaries
reported" of a hidden regional total is hidden with it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from indicators.compute.progress import STATUS_BY_CODE, row_groups
from indicators.domain.reference import COUNTRY_CODES
from indicators.domain.settings import setting_int

SECONDARY = "[c]"
DONOR_VALUE_COLUMNS = ("semester_value", "actual")
DONOR_GROUP = ("indicator_id", "semester", "_area")  # _area: the countries together (as rolled up), or REG


def shown(value: object) -> str:
    """A count as shown: whole numbers without decimals, others to one decimal, empty when missing."""
    if value is None or pd.isna(value):
        return ""
    number = float(value)
    return f"{number:.0f}" if number.is_integer() else f"{number:.1f}"


def shown_column(values: pd.Series) -> pd.Series:
    """``shown`` for a whole column, formatting each distinct figure once."""
    positions, distinct = pd.factorize(values)
    texts = pd.array([shown(v) for v in distinct], dtype="string")
    return pd.Series(texts.take(positions, allow_fill=True), index=values.index).fillna("")


def _eligible(frame: pd.DataFrame, sensitive_col: str) -> pd.Series:
    sensitive = frame[sensitive_col].astype("boolean").fillna(False).astype(bool)
    if "measure" in frame.columns:
        sensitive &= (frame["measure"] == "count").fillna(False).astype(bool)
    return sensitive


def _secondary(values: pd.Series, primary: pd.Series, groups: list[pd.Series], threshold: int) -> pd.Series:
    """Further cells to hide so that a group total cannot give a hidden cell away: in each group with a
    hidden cell, the smallest shown non-zero cells are hidden until at least two are hidden and the hidden
    cells add up to the threshold or more (total minus shown cells then bounds no single small count)."""
    # 1. Each row's group (a missing value is a value); per group, the cells hidden already and their sum.
    keys = pd.DataFrame({i: g.to_numpy() for i, g in enumerate(groups)}, index=values.index)
    group = row_groups(keys, list(keys.columns)) if groups else np.zeros(len(values), dtype=np.int64)
    hidden = primary.to_numpy(dtype=bool)
    figures = values.to_numpy(dtype=float, na_value=np.nan)
    hidden_count = np.bincount(group, weights=hidden, minlength=group.max(initial=-1) + 1)
    hidden_sum = np.bincount(group, weights=np.where(hidden, np.nan_to_num(figures), 0.0), minlength=len(hidden_count))
    # 2. Candidates: shown non-zero cells of groups with a hidden cell, smallest first (ties in row order).
    candidate = ~hidden & ~np.isnan(figures) & (figures != 0) & (hidden_count[group] > 0)
    rows = np.flatnonzero(candidate)
    rows = rows[np.lexsort((rows, figures[rows], group[rows]))]
    cells = pd.DataFrame({"group": group[rows], "figure": figures[rows]})
    by_group = cells.groupby("group", sort=False)["figure"]
    # 3. Before each candidate: how many cells are hidden and their sum, had every smaller candidate been hidden.
    count_before = hidden_count[cells["group"]] + by_group.cumcount().to_numpy()
    sum_before = hidden_sum[cells["group"]] + (by_group.cumsum() - cells["figure"]).to_numpy()
    # 4. Candidates are hidden, smallest first, until two or more hidden cells add up to the threshold.
    enough = pd.Series((count_before >= 2) & (sum_before >= threshold), index=cells.index)
    stop = enough.groupby(cells["group"], sort=False).cummax().to_numpy(dtype=bool)
    extra = np.zeros(len(values), dtype=bool)
    extra[rows[~stop]] = True
    return pd.Series(extra, index=values.index)


def suppress_small_counts(
    frame: pd.DataFrame,
    value_col: str,
    group_cols: Sequence[str],
    threshold: int | None = None,
    sensitive_col: str = "sensitive",
    force: pd.Series | None = None,
) -> pd.DataFrame:
    """The frame with ``display`` (text) and ``suppressed`` (bool); suppressed values become missing.

    ``force`` marks further cells to hide as primary (e.g. a running total whose increment is small).
    """
    threshold = setting_int("SUPPRESS_BELOW") if threshold is None else threshold
    values = pd.Series(frame[value_col].to_numpy(dtype=float, na_value=np.nan), index=frame.index)
    small = _eligible(frame, sensitive_col) & (values > 0) & (values < threshold)
    forced = pd.Series(False, index=frame.index) if force is None else force.fillna(False).astype(bool) & ~small
    primary = small | forced
    secondary = _secondary(values, primary, [frame[c] for c in group_cols], threshold)
    suppressed = primary | secondary
    display = shown_column(values).where(~small, f"<{threshold}").where(~(secondary | forced), SECONDARY)
    return frame.assign(
        **{value_col: frame[value_col].mask(suppressed)},
        display=display.astype("string"),
        suppressed=suppressed.astype(bool),
    )


def _small_increments(frame: pd.DataFrame, value: str, series_cols: list[str], threshold: int) -> pd.Series:
    """Running totals of sensitive cumulative counts that rose by 1 to threshold-1 since the last semester.

    Showing both totals would give the small increment away (20 - 17 = 3), so such a total is hidden too.
    """
    ordered = frame.sort_values("semester")
    previous = ordered.groupby(series_cols, dropna=False)[value].shift(1)
    rise = (ordered[value] - previous).reindex(frame.index)
    cumulative = frame["cumulative"].astype("boolean").fillna(False) if "cumulative" in frame else False
    return _eligible(frame, "sensitive") & cumulative & (rise > 0) & (rise < threshold)


# Figures derived from an actual (progress to the end target, the forecast and the semester it names): hidden
# with the actual, as each with the visible targets would give it back.
DERIVED_COLUMNS = ("end_progress", "forecast", "forecast_semester", "forecast_text")


def _mask_status(frame: pd.DataFrame, hidden: pd.Series) -> pd.DataFrame:
    """Status hidden with its figure: a status and the visible target would bound the hidden value."""
    code = STATUS_BY_CODE["suppressed"]
    derived = {c: frame[c].mask(hidden) for c in DERIVED_COLUMNS if c in frame.columns}
    return frame.assign(
        **derived,
        progress=frame["progress"].mask(hidden),
        progress_display=frame["progress_display"].mask(hidden),
        status=frame["status"].mask(hidden, code.code),
        status_label=frame["status_label"].mask(hidden, code.label),
        status_symbol=frame["status_symbol"].mask(hidden, code.symbol),
    )


def donor_progress(progress: pd.DataFrame, threshold: int | None = None) -> pd.DataFrame:
    """An indicator_progress frame safe for donors: sensitive counts suppressed with their dependent figures.

    Adds ``semester_value_display``, ``actual_display`` and ``suppressed`` (any figure of the row hidden).
    A hidden semester value also hides numerator and denominator; a hidden actual also hides progress and
    status. For sensitive cumulative counts donors see running totals only (the semester's new units could be
    read off two totals), and a total that rose by a small count is hidden as well.
    """
    threshold = setting_int("SUPPRESS_BELOW") if threshold is None else threshold
    area = progress["beneficiary"].where(~progress["beneficiary"].isin(COUNTRY_CODES), "countries")
    out = progress.assign(_area=area)
    running = _eligible(out, "sensitive") & out["cumulative"].astype("boolean").fillna(False)
    force = {"actual": _small_increments(out, "actual", ["indicator_id", "beneficiary"], threshold)}
    hidden = pd.Series(False, index=progress.index)
    for column in DONOR_VALUE_COLUMNS:
        out = suppress_small_counts(out, column, DONOR_GROUP, threshold, force=force.get(column))
        out = out.rename(columns={"display": f"{column}_display", "suppressed": f"_{column}_hidden"})
        hidden |= out[f"_{column}_hidden"]
    value_hidden, actual_hidden = out["_semester_value_hidden"] | running, out["_actual_hidden"]
    out = out.assign(
        semester_value=out["semester_value"].mask(running),
        semester_value_display=out["semester_value_display"].mask(running, "running total only"),
        numerator=out["numerator"].mask(value_hidden),
        denominator=out["denominator"].mask(value_hidden),
        suppressed=hidden,
    )
    out = _mask_status(out, actual_hidden)
    if "carried" in out.columns:  # a figure carried forward is no report; hiding more cells never reveals one
        carried = out["carried"].astype("boolean").fillna(False).astype(bool) & _eligible(out, "sensitive")
        out = out.assign(
            actual=out["actual"].mask(carried),
            actual_display=out["actual_display"].mask(carried, "no report"),
            suppressed=out["suppressed"] | carried,
            **{c: out[c].mask(carried) for c in DERIVED_COLUMNS if c in out.columns},
        )
    return out.drop(columns=["_area", "_semester_value_hidden", "_actual_hidden"])


def _after_hidden(frame: pd.DataFrame, hidden: pd.Series, value: str, series_cols: list[str]) -> pd.Series:
    """``hidden`` and every figure equal to a hidden figure of the semester before (in each series), so that a
    total carried over unchanged cannot show what was hidden."""
    ordered = frame.sort_values("semester")
    same = (ordered[value] == ordered.groupby(series_cols, dropna=False)[value].shift(1)).fillna(False)
    hidden = hidden.reindex(ordered.index)
    for _ in range(len(ordered)):
        before = hidden.groupby([ordered[c] for c in series_cols], dropna=False).shift(1).fillna(False).astype(bool)
        grown = hidden | (same.astype(bool) & before)
        if grown.equals(hidden):
            break
        hidden = grown
    return hidden.reindex(frame.index)


def donor_rollup(rollup: pd.DataFrame, progress: pd.DataFrame, threshold: int | None = None) -> pd.DataFrame:
    """A regional_rollup frame safe for donors: small summed actuals of sensitive counts hidden with progress.

    Adds ``actual_display`` and ``suppressed``. Each regional total stands alone; the beneficiaries' cells
    behind it are protected by donor_progress.
    """
    kinds = progress[["indicator_id", "measure", "sensitive"]].drop_duplicates("indicator_id")
    summed = rollup.merge(kinds, how="left", on="indicator_id", validate="many_to_one")
    summed = summed.assign(
        sensitive=summed["sensitive"].astype("boolean").fillna(False) & (summed["aggregation"] == "sum")
    )
    threshold = setting_int("SUPPRESS_BELOW") if threshold is None else threshold
    cumulative = progress[["indicator_id", "cumulative"]].drop_duplicates("indicator_id")
    summed = summed.merge(cumulative, how="left", on="indicator_id", validate="many_to_one")
    force = _small_increments(summed, "actual", ["indicator_id"], threshold)
    out = suppress_small_counts(summed, "actual", ["indicator_id", "semester"], threshold, force=force)
    hidden = _after_hidden(summed, out["suppressed"], "actual", ["indicator_id"]) & summed["sensitive"]
    hidden |= out["suppressed"]
    out = out.assign(
        actual=out["actual"].mask(hidden),
        actual_display=out["display"].mask(hidden & ~out["suppressed"], SECONDARY),
        suppressed=hidden,
    ).drop(columns="display")
    if "coverage" in out.columns:
        out = out.assign(coverage=out["coverage"].mask(hidden, "hidden with the figure"))
    out = _mask_status(out, out["suppressed"])
    return out.drop(columns=["measure", "sensitive", "cumulative"])
