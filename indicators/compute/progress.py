"""Progress of each indicator for each beneficiary and semester, and its status against thresholds.

Rules, in one place:

- progress = (actual - baseline) / (target - baseline). Lower-is-better indicators have a target below the
  baseline and go through the same formula. Over-achievement gives progress above 1 (kept raw in
  ``progress``; ``progress_display`` is clipped to 0..1 for bars).
- When the target equals the baseline, progress is 1.0 if the actual meets the target in the indicator's
  direction (>= for increase, <= for decrease), else 0.0.
- A missing baseline counts as 0 (the natural start of a count of new units); the ``baseline`` column still
  shows it as missing.
- The target in force for a semester is the row adopted by the highest-numbered meeting held on or before
  the semester's end; when no meeting qualifies (or its date is unknown), the earliest-adopted row.
- Cumulative indicators report each semester's new units; ``actual`` is the baseline plus the running total
  of reported values to date, compared with a running-total target.
- Percentages are 100 * numerator / denominator; a zero denominator gives no figure (status no_data).
- Milestones: progress 1.0 when the value is 1 (done), else 0.0. Qualitative indicators have no progress;
  their status is "reported" when text was given.
- Status: "not_due" when no target row is in force, "no_data" when a target is in force and nothing usable
  was reported, otherwise from the thresholds (achieved, on track, at risk, off track).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from indicators.domain.periods import PeriodError, Semester, semester_from_id, semester_range
from indicators.domain.schema import Programme
from indicators.domain.settings import setting_float

KEY = ["indicator_id", "beneficiary"]
SEMESTER_KEY = ["indicator_id", "beneficiary", "semester"]
INDICATOR_ATTRIBUTES = [
    "result_id",
    "title",
    "unit",
    "measure",
    "direction",
    "cumulative",
    "sensitive",
    "aggregation",
]
# The figures a progress row is judged by; roll-ups carry them too, and donor views hide them together.
STATUS_COLUMNS = ["progress", "progress_display", "status", "status_label", "status_symbol"]
PROGRESS_COLUMNS = [
    *SEMESTER_KEY,
    *INDICATOR_ATTRIBUTES,
    "baseline",
    "target",
    "target_adopted_at",
    "target_revised",
    "semester_value",
    "numerator",
    "denominator",
    "text",
    "reported",
    "actual",
    *STATUS_COLUMNS,
]


@dataclass(frozen=True)
class Thresholds:
    """Progress at or above which an indicator is achieved, on track or at risk (below: off track)."""

    achieved: float = 1.0
    on_track: float = 0.75
    at_risk: float = 0.4

    @classmethod
    def from_settings(cls) -> Thresholds:
        """The thresholds set by STATUS_ACHIEVED, STATUS_ON_TRACK and STATUS_AT_RISK."""
        return cls(
            achieved=setting_float("STATUS_ACHIEVED"),
            on_track=setting_float("STATUS_ON_TRACK"),
            at_risk=setting_float("STATUS_AT_RISK"),
        )


@dataclass(frozen=True)
class Status:
    code: str
    label: str
    symbol: str
    colour: str  # Okabe-Ito colour-blind-safe palette; never shown without the symbol and label


STATUSES: tuple[Status, ...] = (
    Status("achieved", "Achieved", "✔", "#009E73"),
    Status("on_track", "On track", "●", "#56B4E9"),
    Status("at_risk", "At risk", "▲", "#E69F00"),
    Status("off_track", "Off track", "✖", "#D55E00"),
    Status("reported", "Reported (qualitative)", "✎", "#CC79A7"),
    Status("suppressed", "Hidden (small count)", "◌", "#000000"),  # donor views only, see suppression.py
    Status("no_data", "No data", "○", "#999999"),
    Status("not_due", "Not due", "–", "#DDDDDD"),
)
STATUS_BY_CODE: dict[str, Status] = {s.code: s for s in STATUSES}


def status_table() -> pd.DataFrame:
    """The statuses in display order: code, label, symbol, colour, order."""
    return pd.DataFrame(
        {
            "code": [s.code for s in STATUSES],
            "label": [s.label for s in STATUSES],
            "symbol": [s.symbol for s in STATUSES],
            "colour": [s.colour for s in STATUSES],
            "order": list(range(len(STATUSES))),
        }
    )


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def progress_ratio(actual: float, baseline: float, target: float, direction: str = "increase") -> float:
    """(actual - baseline) / (target - baseline); see the module docstring for the edge cases."""
    if _missing(actual) or _missing(target):
        return math.nan
    start = 0.0 if _missing(baseline) else float(baseline)
    actual, target = float(actual), float(target)
    if target == start:
        meets = actual <= target if direction == "decrease" else actual >= target
        return 1.0 if meets else 0.0
    return (actual - start) / (target - start)


def status_code(progress: float, measure: str, due: bool, reported: bool, thresholds: Thresholds | None = None) -> str:
    """The status code of one indicator, beneficiary and semester."""
    thresholds = thresholds or Thresholds()
    if measure == "qualitative":
        return "reported" if reported else ("no_data" if due else "not_due")
    if not due:
        return "not_due"
    if not reported or _missing(progress):
        return "no_data"
    if measure == "milestone":
        return "achieved" if progress >= 1.0 else "off_track"
    for code, floor in (
        ("achieved", thresholds.achieved),
        ("on_track", thresholds.on_track),
        ("at_risk", thresholds.at_risk),
    ):
        if progress >= floor:
            return code
    return "off_track"


def _semesters(ids: pd.Series) -> list[Semester]:
    found = []
    for value in ids.dropna().unique():
        try:
            found.append(semester_from_id(str(value)))
        except PeriodError:
            continue  # validation reports it; computations skip it
    return found


def programme_semesters(programme: Programme) -> list[str]:
    """Every semester id from the earliest to the latest seen in targets, values and activities."""
    seen = _semesters(
        pd.concat([programme.targets["semester"], programme.values["semester"], programme.activities["semester"]])
    )
    if not seen:
        return []
    return [s.id for s in semester_range(min(seen), max(seen))]


def _floats(series: pd.Series) -> pd.Series:
    return pd.Series(series.to_numpy(dtype=float, na_value=np.nan), index=series.index)


def _flags(series: pd.Series) -> pd.Series:
    return series.astype("boolean").fillna(False).astype(bool)


def indicator_attributes(programme: Programme) -> pd.DataFrame:
    """Indicators with defaults filled: direction increase, cumulative and sensitive False, aggregation sum."""
    ind = programme.indicators
    return pd.DataFrame(
        {
            "indicator_id": ind["indicator_id"].astype("string"),
            "result_id": ind["result_id"].astype("string"),
            "title": ind["title"].astype("string"),
            "unit": ind["unit"].astype("string"),
            "measure": ind["measure"].astype("string"),
            "direction": ind["direction"].astype("string").fillna("increase"),
            "cumulative": _flags(ind["cumulative"]),
            "sensitive": _flags(ind["sensitive"]),
            "aggregation": ind["aggregation"].astype("string").fillna("sum"),
        }
    ).drop_duplicates("indicator_id")


def _meeting_dates(programme: Programme) -> dict[int, pd.Timestamp]:
    meetings = programme.meetings.dropna(subset=["number", "date"])
    return {int(n): pd.Timestamp(d) for n, d in zip(meetings["number"], meetings["date"], strict=True)}


def _in_force(rows: pd.DataFrame, end: pd.Timestamp, dates: dict[int, pd.Timestamp]) -> pd.Series:
    held = rows[[a is not pd.NA and int(a) in dates and dates[int(a)] <= end for a in rows["adopted_at"]]]
    if len(held):
        return held.sort_values("adopted_at").iloc[-1]
    return rows.sort_values("adopted_at", na_position="last").iloc[0]


def targets_in_force(programme: Programme) -> pd.DataFrame:
    """One target per indicator, beneficiary and semester: target, target_adopted_at, target_revised."""
    targets = programme.targets.dropna(subset=SEMESTER_KEY)
    dates = _meeting_dates(programme)
    rows = []
    for (indicator, beneficiary, semester), group in targets.groupby(SEMESTER_KEY, sort=False):
        try:
            end = pd.Timestamp(semester_from_id(semester).end)
        except PeriodError:
            continue
        chosen = _in_force(group, end, dates)
        rows.append(
            (
                indicator,
                beneficiary,
                semester,
                chosen["value"],
                chosen["adopted_at"],
                group["adopted_at"].nunique(dropna=False) > 1,
            )
        )
    frame = pd.DataFrame(rows, columns=[*SEMESTER_KEY, "target", "target_adopted_at", "target_revised"])
    return frame.astype(
        {
            "indicator_id": "string",
            "beneficiary": "string",
            "semester": "string",
            "target": float,
            "target_adopted_at": "Int64",
            "target_revised": bool,
        }
    )


def semester_values(programme: Programme) -> pd.DataFrame:
    """Totals reported per indicator, beneficiary and semester: semester_value, numerator, denominator, text,
    reported (a usable figure, or text for qualitative indicators)."""
    values = programme.values
    values = values[values["sex"].fillna("total") == "total"].drop_duplicates(SEMESTER_KEY, keep="last")
    measures = indicator_attributes(programme).set_index("indicator_id")["measure"]
    measure = values["indicator_id"].map(measures)
    numerator, denominator = _floats(values["numerator"]), _floats(values["denominator"])
    percent = 100 * numerator / denominator.where(denominator != 0)
    use_ratio = (measure == "percentage") & denominator.notna()
    semester_value = percent.where(use_ratio, _floats(values["value"]))
    text = values["text"].astype("string")
    has_text = text.fillna("").str.strip() != ""
    reported = has_text.where(measure == "qualitative", semester_value.notna()).astype(bool)
    return pd.DataFrame(
        {
            "indicator_id": values["indicator_id"].astype("string"),
            "beneficiary": values["beneficiary"].astype("string"),
            "semester": values["semester"].astype("string"),
            "semester_value": semester_value.where(measure != "qualitative"),
            "numerator": numerator,
            "denominator": denominator,
            "text": text,
            "reported": reported,
        }
    ).reset_index(drop=True)


def _baselines(programme: Programme) -> pd.DataFrame:
    base = programme.baselines.dropna(subset=KEY).drop_duplicates(KEY, keep="last")
    return pd.DataFrame(
        {
            "indicator_id": base["indicator_id"].astype("string"),
            "beneficiary": base["beneficiary"].astype("string"),
            "baseline": _floats(base["value"]),
        }
    )


def _grid(pairs_from: list[pd.DataFrame], semesters: list[str]) -> pd.DataFrame:
    pairs = pd.concat([f[KEY].astype("string") for f in pairs_from]).dropna().drop_duplicates()
    return pairs.merge(pd.DataFrame({"semester": pd.Series(semesters, dtype="string")}), how="cross")


def _with_actual(frame: pd.DataFrame) -> pd.DataFrame:
    order = frame["semester"].map(lambda s: semester_from_id(s).index)
    frame = frame.assign(_order=order).sort_values([*KEY, "_order"], kind="stable")
    running = frame.groupby(KEY, sort=False)["semester_value"].transform(lambda s: s.fillna(0).cumsum())
    counted = frame["cumulative"] & (frame["measure"] == "count")
    actual = (frame["baseline"].fillna(0) + running).where(counted, frame["semester_value"])
    return frame.assign(actual=actual.where(frame["reported"])).drop(columns="_order")


def _with_status(frame: pd.DataFrame, thresholds: Thresholds) -> pd.DataFrame:
    due = frame["target_adopted_at"].notna() | frame["target"].notna()
    progress = [
        (1.0 if a == 1 else 0.0)
        if m == "milestone" and not _missing(a)
        else math.nan
        if m == "qualitative"
        else progress_ratio(a, b, t, d)
        for a, b, t, d, m in zip(
            frame["actual"], frame["baseline"], frame["target"], frame["direction"], frame["measure"], strict=True
        )
    ]
    progress = pd.Series(progress, index=frame.index, dtype=float).where(frame["reported"])
    status = [
        status_code(p, m, d, r, thresholds)
        for p, m, d, r in zip(progress, frame["measure"], due, frame["reported"], strict=True)
    ]
    return frame.assign(
        progress=progress,
        progress_display=progress.clip(0, 1),
        status=pd.Series(status, index=frame.index, dtype="string"),
        status_label=pd.Series([STATUS_BY_CODE[s].label for s in status], index=frame.index, dtype="string"),
        status_symbol=pd.Series([STATUS_BY_CODE[s].symbol for s in status], index=frame.index, dtype="string"),
    )


def indicator_progress(programme: Programme, thresholds: Thresholds | None = None) -> pd.DataFrame:
    """One row per indicator, beneficiary and semester (totals only) with target in force, actual and status."""
    thresholds = thresholds or Thresholds.from_settings()
    values = semester_values(programme)
    baselines = _baselines(programme)
    targets = targets_in_force(programme)
    grid = _grid([baselines, targets, values], programme_semesters(programme))
    frame = (
        grid.merge(indicator_attributes(programme), on="indicator_id")
        .merge(baselines, how="left", on=KEY)
        .merge(targets, how="left", on=SEMESTER_KEY)
        .merge(values, how="left", on=SEMESTER_KEY)
    )
    frame = frame.assign(
        target_revised=frame["target_revised"].astype("boolean").fillna(False).astype(bool),
        reported=frame["reported"].astype("boolean").fillna(False).astype(bool),
    )
    frame = _with_status(_with_actual(frame), thresholds)
    return frame[PROGRESS_COLUMNS].reset_index(drop=True)


def latest_status(progress: pd.DataFrame, semester: str) -> pd.DataFrame:
    """The rows of one semester of an indicator_progress frame."""
    return progress[progress["semester"] == semester].reset_index(drop=True)


def is_due(progress: pd.DataFrame) -> pd.Series:
    """Whether a target was in force for each row of an indicator_progress frame."""
    return progress["target_adopted_at"].notna() | progress["target"].notna()
