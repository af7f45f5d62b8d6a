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
from collections.abc import Callable
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


def progress_ratios(actual: pd.Series, baseline: pd.Series, target: pd.Series, direction: pd.Series) -> pd.Series:
    """progress_ratio for whole columns (the same rule, row by row, without a Python loop)."""
    actual, target = _floats(actual), _floats(target)
    start = _floats(baseline).fillna(0.0)  # a missing baseline counts as 0
    # Where the target equals the baseline: 1.0 if the actual meets it in the indicator's direction, else 0.0.
    decrease = _is(direction, "decrease")
    meets = np.where(decrease, actual <= target, actual >= target).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = (actual - start) / (target - start)
    progress = pd.Series(np.where(target == start, meets, ratio), index=actual.index)
    # No figure without an actual and a target.
    return progress.where(actual.notna() & target.notna())


def status_codes(
    progress: pd.Series, measure: pd.Series, due: pd.Series, reported: pd.Series, thresholds: Thresholds
) -> pd.Series:
    """status_code for whole columns: the first rule that applies, in the order status_code reads them."""
    value = progress.to_numpy(dtype=float, na_value=np.nan)
    due, reported = _bools(due), _bools(reported)
    qualitative, milestone = _is(measure, "qualitative"), _is(measure, "milestone")
    usable = reported & ~np.isnan(value)
    with np.errstate(invalid="ignore"):
        rules = [
            (qualitative & reported, "reported"),
            (qualitative & due, "no_data"),
            (qualitative | ~due, "not_due"),
            (~usable, "no_data"),
            (milestone, np.where(value >= 1.0, "achieved", "off_track")),
            (value >= thresholds.achieved, "achieved"),
            (value >= thresholds.on_track, "on_track"),
            (value >= thresholds.at_risk, "at_risk"),
        ]
        codes = np.select([when for when, _ in rules], [code for _, code in rules], default="off_track")
    return pd.Series(codes, index=progress.index, dtype="string")


def with_status_columns(frame: pd.DataFrame, progress: pd.Series, status: pd.Series) -> pd.DataFrame:
    """The frame with progress, progress_display (clipped to 0..1), status and its label and symbol."""
    return frame.assign(
        progress=progress,
        progress_display=progress.clip(0, 1),
        status=status,
        status_label=status.map({s.code: s.label for s in STATUSES}).astype("string"),
        status_symbol=status.map({s.code: s.symbol for s in STATUSES}).astype("string"),
    )


def per_semester(ids: pd.Series, read: Callable[[Semester], object]) -> pd.Series:
    """``read(semester)`` for each semester id, computed once per distinct id; missing for an id that is no
    semester (validation reports it; computations skip it)."""
    found = {}
    for value in ids.dropna().unique():
        try:
            found[value] = read(semester_from_id(str(value)))
        except PeriodError:
            continue
    return ids.map(pd.Series(found, dtype=object)).infer_objects()


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


def _bools(series: pd.Series) -> np.ndarray:
    return series.to_numpy(dtype=bool, na_value=False)


def _is(series: pd.Series, value: str) -> np.ndarray:
    """Where a text column equals ``value`` (False where it is missing)."""
    return (series == value).to_numpy(dtype=bool, na_value=False)


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


def _meeting_dates(programme: Programme) -> pd.Series:
    """The date of each meeting held, by number (meetings without a date are left out)."""
    meetings = programme.meetings.dropna(subset=["number", "date"]).drop_duplicates("number", keep="last")
    return pd.Series(meetings["date"].to_numpy(), index=meetings["number"].astype(int).to_numpy())


def targets_in_force(programme: Programme) -> pd.DataFrame:
    """One target per indicator, beneficiary and semester: target, target_adopted_at, target_revised."""
    # 1. Target rows with a whole key whose semester is a semester, numbered in the order they came.
    targets = programme.targets.dropna(subset=SEMESTER_KEY)
    ends = per_semester(targets["semester"], lambda s: pd.Timestamp(s.end))
    targets = targets.assign(_end=ends, _row=np.arange(len(targets)))[ends.notna()]
    # 2. A row is held by the semester's end when the meeting that adopted it met on or before that day.
    meeting = targets["adopted_at"].to_numpy(dtype=float, na_value=np.nan)
    met_on = pd.Series(_meeting_dates(programme).reindex(meeting).to_numpy(), index=targets.index)
    targets = targets.assign(_held=(met_on <= targets["_end"]).fillna(False).astype(bool))
    # 3. In force: the held row of the highest-numbered meeting (the later row on a tie); when no row is held,
    #    the earliest-adopted row (rows without a meeting last, the first row on a tie).
    ranked = targets.sort_values(["adopted_at", "_row"], na_position="last", kind="stable")
    latest_held = ranked[ranked["_held"]].drop_duplicates(SEMESTER_KEY, keep="last")
    earliest = ranked.drop_duplicates(SEMESTER_KEY, keep="first")
    chosen = pd.concat([latest_held, earliest]).drop_duplicates(SEMESTER_KEY, keep="first")
    # 4. Revised: the key has rows from more than one meeting (a row without a meeting counts as one).
    meetings = targets.groupby(SEMESTER_KEY, sort=False)["adopted_at"].nunique(dropna=False)
    revised = (meetings > 1).rename("target_revised").reset_index()
    # 5. One row per key, in the order the keys first came.
    frame = (
        targets.drop_duplicates(SEMESTER_KEY)[SEMESTER_KEY]
        .merge(chosen[[*SEMESTER_KEY, "value", "adopted_at"]], how="left", on=SEMESTER_KEY)
        .merge(revised, how="left", on=SEMESTER_KEY)
        .rename(columns={"value": "target", "adopted_at": "target_adopted_at"})
    )
    frame = frame.assign(target=_floats(frame["target"]))
    return frame.astype(
        {
            "indicator_id": "string",
            "beneficiary": "string",
            "semester": "string",
            "target": float,
            "target_adopted_at": "Int64",
            "target_revised": bool,
        }
    ).reset_index(drop=True)


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
    # 1. Rows of each indicator and beneficiary in semester order.
    order = per_semester(frame["semester"], lambda s: s.index)
    frame = frame.assign(_order=order).sort_values([*KEY, "_order"], kind="stable")
    # 2. Running total of the reported values to date, per indicator and beneficiary (a gap adds nothing).
    running = frame["semester_value"].fillna(0).groupby([frame[k] for k in KEY], sort=False).cumsum()
    # 3. Cumulative counts: baseline plus the running total; the others: the semester's own value.
    counted = frame["cumulative"] & (frame["measure"] == "count")
    actual = (frame["baseline"].fillna(0) + running).where(counted, frame["semester_value"])
    # 4. Nothing usable reported: no actual.
    return frame.assign(actual=actual.where(frame["reported"])).drop(columns="_order")


def _with_status(frame: pd.DataFrame, thresholds: Thresholds) -> pd.DataFrame:
    # 1. Progress: milestones 1.0 when done else 0.0, qualitative none, the others by the ratio rule.
    ratio = progress_ratios(frame["actual"], frame["baseline"], frame["target"], frame["direction"])
    done = (frame["actual"] == 1).astype(float)
    milestone, qualitative = _is(frame["measure"], "milestone"), _is(frame["measure"], "qualitative")
    progress = ratio.mask(milestone, done).mask(qualitative, np.nan)
    # 2. No progress without a usable report.
    progress = progress.where(frame["reported"]).astype(float)
    # 3. Status from progress, measure, whether a target was due and whether anything was reported.
    status = status_codes(progress, frame["measure"], is_due(frame), frame["reported"], thresholds)
    return with_status_columns(frame, progress, status)


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
