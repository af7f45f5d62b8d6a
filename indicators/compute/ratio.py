"""The progress formula shared by progress, roll-ups and forecasts: (actual - baseline) / (target - baseline),
with a graded rule when the target equals the baseline (``RULE`` says it in words)."""

from __future__ import annotations

import numpy as np

from indicators.domain.i18n import N_

RULE = N_(
    "When the target equals the baseline (keep the level), progress is the actual as a share of the target: "
    "actual / target for an increase, target / actual for a decrease (1.0 when both are 0; a decrease "
    "against a target of 0 gives 0 while the actual is above it)."
)


def ratio(actual: np.ndarray, start: np.ndarray, target: np.ndarray, decrease: np.ndarray) -> np.ndarray:
    """(actual - start) / (target - start) element-wise, graded by ``RULE`` where the target equals the start;
    missing where the actual or the target is missing (``start`` has no missing values: a missing baseline is 0)."""
    actual, start, target = (np.asarray(a, dtype=float) for a in (actual, start, target))
    decrease = np.asarray(decrease, dtype=bool)
    with np.errstate(divide="ignore", invalid="ignore"):
        change = (actual - start) / (target - start)
        # Keep the level: increase actual / target (target above 0), decrease target / actual (actual above 0);
        # otherwise (a zero or negative figure) met or not in the indicator's direction.
        meets = np.where(decrease, actual <= target, actual >= target).astype(float)
        kept = np.where(
            decrease,
            np.where(actual > 0, target / actual, meets),
            np.where(target > 0, actual / target, meets),
        )
    out = np.where(target == start, kept, change)
    return np.where(np.isnan(actual) | np.isnan(target), np.nan, out)
