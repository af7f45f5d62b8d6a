"""Small-cell suppression of sensitive counts in views for donors.

Primary: a sensitive count from 1 to threshold - 1 is shown as "<threshold" and its value removed. Zero is
shown as 0. Secondary: in each group whose total could be shown (one indicator and semester across
beneficiaries, or female and male within a total), when exactly one cell is suppressed, the next smallest
non-zero cell is suppressed too (shown as "[c]", confidential), so the total minus the shown cells gives
only the sum of two hidden cells.

Known limit: successive running totals of a cumulative indicator differ by the semester's new units; a page
showing donors both should show one of them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from indicators.reference import COUNTRY_CODES
from indicators.settings import setting_int

SECONDARY = "[c]"
DONOR_VALUE_COLUMNS = ("semester_value", "actual")
DONOR_GROUP = ("indicator_id", "semester", "_area")  # _area: the countries together (as rolled up), or REG


def shown(value: object) -> str:
    """A count as shown: whole numbers without decimals, others to one decimal, empty when missing."""
    if value is None or pd.isna(value):
        return ""
    number = float(value)
    return f"{number:.0f}" if number.is_integer() else f"{number:.1f}"


def _eligible(frame: pd.DataFrame, sensitive_col: str) -> pd.Series:
    sensitive = frame[sensitive_col].astype("boolean").fillna(False).astype(bool)
    if "measure" in frame.columns:
        sensitive &= (frame["measure"] == "count").fillna(False).astype(bool)
    return sensitive


def _secondary(values: pd.Series, primary: pd.Series, groups: list[pd.Series]) -> pd.Series:
    extra = pd.Series(False, index=values.index)
    candidates = values.where(~primary & values.notna() & (values != 0))
    for _, members in primary.groupby(groups or [pd.Series(0, index=values.index)], sort=False, dropna=False):
        if members.sum() != 1:
            continue
        options = candidates[members.index].dropna()
        if len(options):
            extra[options.sort_values(kind="stable").index[0]] = True
    return extra


def suppress_small_counts(
    frame: pd.DataFrame,
    value_col: str,
    group_cols: Sequence[str],
    threshold: int | None = None,
    sensitive_col: str = "sensitive",
) -> pd.DataFrame:
    """The frame with ``display`` (text) and ``suppressed`` (bool); suppressed values become missing."""
    threshold = setting_int("SUPPRESS_BELOW") if threshold is None else threshold
    values = pd.Series(frame[value_col].to_numpy(dtype=float, na_value=np.nan), index=frame.index)
    primary = _eligible(frame, sensitive_col) & (values > 0) & (values < threshold)
    secondary = _secondary(values, primary, [frame[c] for c in group_cols])
    suppressed = primary | secondary
    display = values.map(shown).where(~primary, f"<{threshold}").where(~secondary, SECONDARY)
    return frame.assign(
        **{value_col: frame[value_col].mask(suppressed)},
        display=display.astype("string"),
        suppressed=suppressed.astype(bool),
    )


def donor_progress(progress: pd.DataFrame, threshold: int | None = None) -> pd.DataFrame:
    """An indicator_progress frame safe for donors: sensitive counts suppressed with their dependent figures.

    Adds ``semester_value_display``, ``actual_display`` and ``suppressed`` (any figure of the row hidden).
    A hidden semester value also hides numerator and denominator; a hidden actual also hides progress.
    """
    area = progress["beneficiary"].where(~progress["beneficiary"].isin(COUNTRY_CODES), "countries")
    out = progress.assign(_area=area)
    hidden = pd.Series(False, index=progress.index)
    for column in DONOR_VALUE_COLUMNS:
        out = suppress_small_counts(out, column, DONOR_GROUP, threshold)
        out = out.rename(columns={"display": f"{column}_display", "suppressed": f"_{column}_hidden"})
        hidden |= out[f"_{column}_hidden"]
    value_hidden, actual_hidden = out["_semester_value_hidden"], out["_actual_hidden"]
    out = out.assign(
        numerator=out["numerator"].mask(value_hidden),
        denominator=out["denominator"].mask(value_hidden),
        progress=out["progress"].mask(actual_hidden),
        progress_display=out["progress_display"].mask(actual_hidden),
        suppressed=hidden,
    )
    return out.drop(columns=["_area", "_semester_value_hidden", "_actual_hidden"])


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
    out = suppress_small_counts(summed, "actual", ["indicator_id", "semester"], threshold)
    out = out.assign(
        progress=out["progress"].mask(out["suppressed"]),
        progress_display=out["progress_display"].mask(out["suppressed"]),
    )
    return out.rename(columns={"display": "actual_display"}).drop(columns=["measure", "sensitive"])
