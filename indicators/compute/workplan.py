"""Work-plan delivery: what was planned per semester and beneficiary, and what became of it (the rule is
METHOD_TEXT below)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from indicators.domain.i18n import N_
from indicators.domain.periods import PeriodError, semester_from_id

# The rules, in words people read: the Method page shows them in the reader's language (``_(METHOD_TEXT)``).
METHOD_TEXT = N_(
    """Work-plan delivery: what was planned per semester and beneficiary, and what became of it.

An activities row is one activity in one semester it was planned for; a postponed activity appears again in
the semester it was carried over to. Delivery rate = completed / (planned - cancelled)."""
)
__doc__ = METHOD_TEXT  # help() and inspect read the rules too

STATUS_COUNTS = {
    "completed": "completed",
    "ongoing": "ongoing",
    "postponed": "postponed",
    "cancelled": "cancelled",
    "not_started": "planned",
}
DELIVERY_COUNTS = ["planned", *STATUS_COUNTS, "delivery_rate"]


def delivery_rate(completed: pd.Series, planned: pd.Series, cancelled: pd.Series) -> pd.Series:
    """completed / (planned - cancelled), NaN when nothing remained to deliver."""
    remaining = (planned - cancelled).astype(float)
    return (completed / remaining.where(remaining > 0)).astype(float)


def workplan_delivery(activities: pd.DataFrame, by: Sequence[str] = ("semester", "beneficiary")) -> pd.DataFrame:
    """Planned, completed, ongoing, postponed, cancelled, not started and delivery rate per group of ``by``."""
    by = list(by)
    status = activities["status"].astype("string")
    # Each status as a 0/1 column (built as arrays, then one frame: adding columns one by one costs more).
    columns = {"planned": np.ones(len(activities), dtype=int)}
    for column, code in STATUS_COUNTS.items():
        columns[column] = (status == code).to_numpy(dtype=bool, na_value=False).astype(int)
    counts = pd.DataFrame(columns, index=activities.index)
    if by:
        counts[by] = activities[by]
        table = counts.groupby(by, as_index=False, sort=True, dropna=False).sum()
    else:
        table = counts.sum().to_frame().T
    table = table.astype(dict.fromkeys(["planned", *STATUS_COUNTS], int))
    table["delivery_rate"] = delivery_rate(table["completed"], table["planned"], table["cancelled"])
    return table[[*by, *DELIVERY_COUNTS]].reset_index(drop=True)


def _semester_index(semester: object) -> float:
    try:
        return semester_from_id(str(semester)).index
    except PeriodError:
        return np.nan


def carried_over(activities: pd.DataFrame) -> pd.DataFrame:
    """Activities postponed in one semester and planned again in a later one: from_semester, to_semester."""
    rows = activities.assign(_i=activities["semester"].map(_semester_index)).dropna(subset=["_i"])
    rows = rows.sort_values(["activity_id", "_i"], kind="stable")
    following = rows.groupby("activity_id")["semester"].shift(-1)
    moved = rows.assign(to_semester=following)[(rows["status"] == "postponed").fillna(False) & following.notna()]
    out = moved.rename(columns={"semester": "from_semester"})
    columns = ["activity_id", "title", "beneficiary", "from_semester", "to_semester"]
    return out[columns].astype("string").reset_index(drop=True)


def activities_for(activities: pd.DataFrame, semester: str, beneficiary: str | None = None) -> pd.DataFrame:
    """The activities planned for a semester, optionally for one beneficiary, by activity id."""
    chosen = activities["semester"] == semester
    if beneficiary is not None:
        chosen &= activities["beneficiary"] == beneficiary
    return activities[chosen.fillna(False)].sort_values("activity_id", kind="stable").reset_index(drop=True)


def adopted_by_meeting(activities: pd.DataFrame, meetings: pd.DataFrame) -> pd.DataFrame:
    """Each meeting with the number of activities it adopted for its semester_adopted.

    An activity counts for the meeting named in its adopted_at; one without adopted_at counts for the meeting
    whose semester_adopted is the activity's semester.
    """
    named = activities["adopted_at"].dropna().astype(int).value_counts()
    unnamed = activities.loc[activities["adopted_at"].isna(), "semester"].dropna().value_counts()
    out = meetings[["number", "date", "place", "semester_adopted"]].sort_values("number").reset_index(drop=True)
    by_number = out["number"].map(lambda n: int(named.get(int(n), 0)) if pd.notna(n) else 0)
    by_semester = out["semester_adopted"].map(lambda s: int(unnamed.get(s, 0)) if pd.notna(s) else 0)
    return out.assign(activities=(by_number + by_semester).astype(int))
