"""Which indicators a page shows first when there are too many to draw: the worst, or the ones chosen.

A semester's indicators are ranked by their worst status across beneficiaries (off track, then at risk, no
data, on track, achieved, reported, hidden, not due), then by how many beneficiaries are in that status,
then by id. A result filter keeps the indicators of the chosen results and of the results below them (an
outcome brings its outputs); a status filter keeps the indicators with at least one beneficiary in a chosen
status. The first ``limit`` indicators are shown, with every row of each, and the page says how many are not.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import numpy as np
import pandas as pd

# Worst first: the order in which a status calls for attention.
SEVERITY: tuple[str, ...] = (
    "off_track",
    "at_risk",
    "no_data",
    "incomplete",
    "on_track",
    "achieved",
    "reported",
    "suppressed",
    "not_due",
)


@dataclass(frozen=True)
class Selection:
    """The rows to draw, and how many indicators matched the filters and were there at all."""

    rows: pd.DataFrame
    shown: int
    matching: int
    total: int

    @property
    def not_shown(self) -> int:
        """Indicators not drawn: filtered out or beyond the limit."""
        return self.total - self.shown


def results_below(results: pd.DataFrame, chosen: Collection[str]) -> set[str]:
    """The chosen results and every result below them in the results chain (by parent_id)."""
    children = results.dropna(subset=["result_id", "parent_id"]).groupby("parent_id")["result_id"].agg(list)
    found, todo = set(), [str(r) for r in chosen]
    while todo:
        result = todo.pop()
        if result not in found:
            found.add(result)
            todo.extend(children.get(result, []))
    return found


def indicators_worst_first(rows: pd.DataFrame) -> pd.Series:
    """The indicator ids of a progress frame (one semester), worst first (see the module docstring)."""
    if rows.empty:
        return pd.Series([], dtype="string")
    return _worst_first(rows)[0]


def _worst_first(rows: pd.DataFrame) -> tuple[pd.Series, np.ndarray]:
    """indicators_worst_first, and each row's indicator as its position among them (-1: a missing id), read as
    integers: each row's indicator is read once, then indicators are ranked by integers instead of grouped by
    text."""
    # Indicators by id (a missing id belongs to none), statuses by their rank in SEVERITY (unknown ones last).
    codes, ids = pd.factorize(rows["indicator_id"], sort=True)
    status, found = pd.factorize(rows["status"])
    severity = {code: rank for rank, code in enumerate(SEVERITY)}
    rank = np.append([severity.get(code, len(SEVERITY)) for code in found], len(SEVERITY))[status]
    # 1. Per indicator: its worst status, and how many beneficiaries are in it.
    known = codes >= 0
    worst = np.full(len(ids), len(SEVERITY) + 1)
    np.minimum.at(worst, codes[known], rank[known])
    in_worst = np.bincount(codes[known], weights=rank[known] == worst[codes[known]], minlength=len(ids))
    # 2. Worst status first, then the most beneficiaries in it, then by id (ids are numbered in their order).
    order = np.lexsort((np.arange(len(ids)), -in_worst, worst))
    ranked = pd.Series(pd.array(np.asarray(ids, dtype=object)[order], dtype="string"), name="indicator_id")
    position = np.empty(len(ids), dtype=np.int64)
    position[order] = np.arange(len(ids))
    return ranked, np.where(known, position[np.maximum(codes, 0)], -1)


def shown_first(
    rows: pd.DataFrame,
    limit: int,
    results: Collection[str] = (),
    statuses: Collection[str] = (),
) -> Selection:
    """The rows of the first ``limit`` indicators, worst first, among those of ``results`` (result ids, the
    results below them included by the caller: see results_below) with a row in one of ``statuses``."""
    total = rows["indicator_id"].nunique()
    matching = rows
    if results:
        matching = matching[matching["result_id"].isin(list(results)).to_numpy(dtype=bool, na_value=False)]
    if statuses:
        hit = matching["status"].isin(list(statuses)).to_numpy(dtype=bool, na_value=False)
        matching = matching[matching["indicator_id"].isin(matching.loc[hit, "indicator_id"].unique())]
    if matching.empty:
        return Selection(matching, 0, 0, total)
    ranked, place = _worst_first(matching)
    chosen = min(max(limit, 0), len(ranked))
    # The chosen indicators' rows, indicator after indicator in their rank (each one's rows in their order).
    kept = np.flatnonzero((place >= 0) & (place < chosen))
    return Selection(matching.iloc[kept[np.argsort(place[kept], kind="stable")]], chosen, len(ranked), total)
