"""Progress of each indicator for each beneficiary and semester, and its status against thresholds: the rules
are METHOD_TEXT below."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from indicators.compute.forecast import FORECAST_COLUMNS, with_forecast
from indicators.compute.ratio import ratio
from indicators.domain.i18n import N_, _
from indicators.domain.periods import PeriodError, Semester, semester_from_id, semester_range
from indicators.domain.schema import Programme
from indicators.domain.settings import setting_float

# The rules, in words people read: the Method page shows them in the reader's language (``_(METHOD_TEXT)``).
METHOD_TEXT = N_(
    """Progress of each indicator for each beneficiary and semester, and its status against thresholds.

Rules, in one place:

- progress = (actual - baseline) / (target - baseline). Lower-is-better indicators have a target below the
  baseline and go through the same formula. Progress is never capped: over-achievement gives progress above
  1 (shown as 150 %, never capped at 100 %; ``progress_display`` is the same figure), and a figure that moved
  away from the target gives progress below 0.
- When the target equals the baseline (keep the level), progress is the actual as a share of the target:
  actual / target for an increase, target / actual for a decrease (1.0 when both are 0; a decrease against a
  target of 0 gives 0 while the actual is above it).
- A missing baseline counts as 0 (the natural start of a count of new units); the ``baseline`` column still
  shows it as missing.
- The target in force for a semester is the row adopted by the highest-numbered meeting held on or before
  the semester's end; when none was, the earliest row without a meeting or with a meeting of unknown date. A
  target applies from the meeting that adopted it onward: a row of a meeting held after the semester's end
  never applies to it (with no other row, the semester has no target in force).
- Cumulative indicators report each semester's new units; ``actual`` is the baseline plus the running total
  of reported values to date, compared with a running-total target.
- Carried forward (``carried``): in a semester without a report, a cumulative count keeps its running total
  to date (its status stays "no data"), and a milestone once done stays achieved unless a later report says
  it is not done.
- Percentages are 100 * numerator / denominator; a zero denominator gives no figure (status no_data).
- Milestones: progress 1.0 when the value is 1 (done), else 0.0. Qualitative indicators have no progress;
  their status is "reported" when text was given, and "no data" when nothing was reported in a semester up to
  the latest one in which anything was reported (later semesters are not due).
- Status: "not_due" when no target row is in force, "no_data" when a target is in force and nothing usable
  was reported, otherwise from the thresholds (achieved, on track, at risk, off track). Regional roll-ups add
  "incomplete reporting" (see the roll-up's rules)."""
)
__doc__ = METHOD_TEXT  # help() and inspect read the rules too

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
    "carried",
    "actual",
    *STATUS_COLUMNS,
    *FORECAST_COLUMNS,
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
    code: str  # never translated: frames, filters and settings compare codes
    label_en: str  # the label's catalogue message (English); ``label`` is it in the current language
    symbol: str
    colour: str  # Okabe-Ito colour-blind-safe palette; never shown without the symbol and label

    @property
    def label(self) -> str:
        """The label in the current language (read when shown: the language changes per run)."""
        return _(self.label_en)


STATUSES: tuple[Status, ...] = (
    Status("achieved", N_("Achieved"), "✔", "#009E73"),
    Status("on_track", N_("On track"), "●", "#56B4E9"),
    Status("at_risk", N_("At risk"), "▲", "#E69F00"),
    Status("off_track", N_("Off track"), "✖", "#D55E00"),
    # regional roll-ups only, see rollup.py: too few beneficiaries reported for a status
    Status("incomplete", N_("Incomplete reporting"), "◔", "#0072B2"),
    Status("reported", N_("Reported (qualitative)"), "✎", "#CC79A7"),
    Status("suppressed", N_("Hidden (small count)"), "⊘", "#000000"),  # donor views only, see suppression.py
    Status("no_data", N_("No data"), "○", "#999999"),
    Status("not_due", N_("Not due"), "–", "#DDDDDD"),
)
STATUS_BY_CODE: dict[str, Status] = {s.code: s for s in STATUSES}
JUDGED = ("achieved", "on_track", "at_risk", "off_track")  # the statuses read from the thresholds
INCOMPLETE = "incomplete"


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
    if target != start:
        return (actual - start) / (target - start)
    # Keep the level (ratio.RULE): the actual as a share of the target, graded.
    if direction == "decrease":
        return target / actual if actual > 0 else float(actual <= target)
    return actual / target if target > 0 else float(actual >= target)


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
    found = ratio(actual.to_numpy(), start.to_numpy(), target.to_numpy(), _is(direction, "decrease"))
    return pd.Series(found, index=actual.index)


def status_codes(
    progress: pd.Series, measure: pd.Series, due: pd.Series, reported: pd.Series, thresholds: Thresholds
) -> pd.Series:
    """status_code for whole columns: the first rule that applies, in the order status_code reads them."""
    value = progress.to_numpy(dtype=float, na_value=np.nan)
    due, reported = _bools(due), _bools(reported)
    qualitative, milestone = _is(measure, "qualitative"), _is(measure, "milestone")
    usable = reported & ~np.isnan(value)
    order = {s.code: i for i, s in enumerate(STATUSES)}
    with np.errstate(invalid="ignore"):
        rules = [
            (qualitative & reported, order["reported"]),
            (qualitative & due, order["no_data"]),
            (qualitative | ~due, order["not_due"]),
            (~usable, order["no_data"]),
            (milestone, np.where(value >= 1.0, order["achieved"], order["off_track"])),
            (value >= thresholds.achieved, order["achieved"]),
            (value >= thresholds.on_track, order["on_track"]),
            (value >= thresholds.at_risk, order["at_risk"]),
        ]
        chosen = np.select([when for when, _code in rules], [code for _when, code in rules], default=order["off_track"])
    return pd.Series(pd.array([s.code for s in STATUSES], dtype="string").take(chosen), index=progress.index)


def with_status_columns(frame: pd.DataFrame, progress: pd.Series, status: pd.Series) -> pd.DataFrame:
    """The frame with progress, progress_display (the same figure, never capped), status, label and symbol."""
    # Each distinct status once: its label and symbol, spread to its rows.
    positions, distinct = pd.factorize(status)

    def lookup(words: dict[str, str]) -> pd.Series:
        found = pd.array([words[c] for c in distinct], dtype="string")
        return pd.Series(found.take(positions, allow_fill=True), index=status.index)

    return frame.assign(
        progress=progress,
        progress_display=progress,
        status=status,
        status_label=lookup({s.code: s.label for s in STATUSES}),
        status_symbol=lookup({s.code: s.symbol for s in STATUSES}),
    )


def per_semester(ids: pd.Series, read: Callable[[Semester], object]) -> pd.Series:
    """``read(semester)`` for each semester id, computed once per distinct id; missing for an id that is no
    semester (validation reports it; computations skip it)."""
    positions, distinct = pd.factorize(ids)
    found = []
    for value in distinct:
        try:
            found.append(read(semester_from_id(str(value))))
        except PeriodError:
            found.append(None)
    table = pd.Series([*found, None], dtype=object).infer_objects()  # the last entry: a missing id
    return pd.Series(table.to_numpy()[positions], index=ids.index).infer_objects()


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


@dataclass(frozen=True)
class _Keys:
    """A table's key columns, each read once as positions among its distinct values (-1 for missing), so that
    rows can be grouped, de-duplicated and placed by integers instead of by text."""

    positions: dict[str, np.ndarray]
    distinct: dict[str, pd.Index]

    @classmethod
    def of(cls, frame: pd.DataFrame, columns: list[str]) -> _Keys:
        factorized = {c: pd.factorize(frame[c]) for c in columns}
        return cls({c: p for c, (p, _) in factorized.items()}, {c: pd.Index(d) for c, (_, d) in factorized.items()})

    def __len__(self) -> int:
        return len(next(iter(self.positions.values())))

    def rows(self, chosen: np.ndarray) -> _Keys:
        """The keys of the chosen rows (a mask or row numbers)."""
        return _Keys({c: p[chosen] for c, p in self.positions.items()}, self.distinct)

    def key(self) -> np.ndarray:
        """One integer per distinct combination of the key columns (a missing value is a value)."""
        key = np.zeros(len(self), dtype=np.int64)
        for column, positions in self.positions.items():
            key = key * (len(self.distinct[column]) + 1) + (positions + 1)
        return key

    def codes(self, column: str, categories: pd.Index) -> np.ndarray:
        """The position of each row's value in ``categories`` (-1 when missing or absent)."""
        return np.append(categories.get_indexer(self.distinct[column]), -1)[self.positions[column]]

    def joint(self, right: _Keys) -> tuple[np.ndarray, np.ndarray]:
        """One integer per combination of the key columns' values, the same on both sides: this table's rows' and
        ``right``'s (a missing value is a value)."""
        joint = [np.zeros(len(self), dtype=np.int64), np.zeros(len(right), dtype=np.int64)]
        for column in self.positions:
            categories = self.distinct[column].union(right.distinct[column])
            for side, keys in enumerate((self, right)):
                joint[side] = joint[side] * (len(categories) + 1) + keys.codes(column, categories) + 1
        return joint[0], joint[1]

    def matching(self, right: _Keys) -> np.ndarray:
        """For each row, the position of the last row of ``right`` with the same values (-1 when there is none)."""
        joint = self.joint(right)
        last = pd.Series(np.arange(len(joint[1])), index=joint[1])
        last = last[~last.index.duplicated(keep="last")]  # each key once: its last row of ``right``
        if not len(last):
            return np.full(len(joint[0]), -1)
        found = last.index.get_indexer(joint[0])  # positions among the keys kept, not yet rows of ``right``
        return np.where(found >= 0, last.to_numpy()[found], -1)

    def sorting(self) -> np.ndarray:
        """The row numbers that sort the rows by the key columns' values, the first column first (missing
        values last, rows in their order on a tie): as ``sort_values(columns, kind="stable")``, by integers."""
        ranks = []
        for column, positions in self.positions.items():
            distinct = self.distinct[column]
            rank = np.empty(len(distinct) + 1, dtype=np.int64)  # the last entry: a missing value
            rank[np.append(distinct.argsort(), len(distinct))] = np.arange(len(distinct) + 1)
            ranks.append(rank[positions])
        return np.lexsort(ranks[::-1])


def matching_rows(left: pd.DataFrame, right: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """For each row of ``left``, the position of the last row of ``right`` with the same values in ``columns``
    (-1 when there is none): a lookup by integer keys instead of a merge on text."""
    return _Keys.of(left, columns).matching(_Keys.of(right, columns))


def row_groups(frame: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """The group of each row by ``columns``, numbered 0, 1, ... in the order the groups first come."""
    return pd.factorize(_Keys.of(frame, columns).key())[0]


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


@dataclass(frozen=True)
class _TargetRows:
    """The target rows with a whole key whose semester is a semester, in the order they came, each key's rows
    side by side (``ranked``: by meeting, rows without a meeting last, then in the order they came; ``starts``:
    where each key's rows begin)."""

    rows: pd.DataFrame
    keys: _Keys
    key: np.ndarray  # one integer per key (``_Keys.key``)
    adopted_at: np.ndarray  # meeting number (NaN: none)
    met: np.ndarray  # date of that meeting (NaT: no meeting, or its date is unknown)
    ends: np.ndarray  # end of the row's semester
    ranked: np.ndarray
    starts: np.ndarray

    @classmethod
    def of(cls, programme: Programme) -> _TargetRows:
        targets = programme.targets.dropna(subset=SEMESTER_KEY)
        ends = per_semester(targets["semester"], lambda s: pd.Timestamp(s.end))
        targets, ends = targets[ends.notna().to_numpy()], ends[ends.notna()].to_numpy(dtype="datetime64[ns]")
        keys = _Keys.of(targets, SEMESTER_KEY)
        key, adopted_at = keys.key(), targets["adopted_at"].to_numpy(dtype=float, na_value=np.nan)
        met = pd.to_datetime(_meeting_dates(programme).reindex(adopted_at)).to_numpy(dtype="datetime64[ns]")
        meeting = np.where(np.isnan(adopted_at), np.inf, adopted_at)
        ranked = np.lexsort((np.arange(len(key)), meeting, key))
        starts = np.flatnonzero(np.diff(key[ranked], prepend=-1))
        return cls(targets, keys, key, adopted_at, met, ends, ranked, starts)

    def chosen(self, cutoff: np.ndarray) -> np.ndarray:
        """Per key (in ``ranked`` order), the row in force on the day ``cutoff`` (one per row; -1: none): the row
        of the highest-numbered meeting held on or before that day (the later row on a tie); when none is, the
        earliest row of no meeting or of a meeting whose date is unknown (rows without a meeting last); never a
        row of a meeting held after that day."""
        if not len(self.ranked):
            return np.array([], dtype=np.int64)
        position = np.arange(len(self.ranked))
        held = (self.met <= cutoff)[self.ranked]  # NaT compares False
        last_held = np.maximum.reduceat(np.where(held, position, -1), self.starts)
        undated = np.isnat(self.met)[self.ranked]
        first_undated = np.minimum.reduceat(np.where(undated, position, len(position)), self.starts)
        chosen = np.where(last_held >= 0, last_held, np.where(first_undated < len(position), first_undated, -1))
        return np.where(chosen >= 0, self.ranked[np.maximum(chosen, 0)], -1)


def _targets_in_force(programme: Programme, found: _TargetRows | None = None) -> tuple[pd.DataFrame, _Keys]:
    # 1. The target rows, each key's side by side (see _TargetRows).
    t = _TargetRows.of(programme) if found is None else found
    if not len(t.rows):
        empty = pd.DataFrame({c: pd.Series([], dtype="string") for c in SEMESTER_KEY})
        empty = empty.assign(target=np.array([], dtype=float), target_adopted_at=pd.array([], "Int64"))
        return empty.assign(target_revised=np.array([], dtype=bool)), t.keys
    # 2. In force: the row of the latest meeting held by the semester's end (never one of a later meeting).
    chosen = t.chosen(t.ends)
    # 3. Revised: the key has rows from more than one meeting (a row without a meeting counts as one).
    ranked_meeting = np.where(np.isnan(t.adopted_at), np.inf, t.adopted_at)[t.ranked]
    new_meeting = np.append(True, ranked_meeting[1:] != ranked_meeting[:-1])
    new_meeting[t.starts] = True
    revised = np.add.reduceat(new_meeting.astype(int), t.starts) > 1
    # 4. One row per key, in the order the keys first came; a key none of whose rows is in force yet keeps its
    #    place with no target.
    in_order = np.argsort(np.minimum.reduceat(t.ranked, t.starts), kind="stable")
    picked, revised, first = chosen[in_order], revised[in_order], np.minimum.reduceat(t.ranked, t.starts)[in_order]
    in_force = t.rows.iloc[np.where(picked >= 0, picked, first)]
    none = picked < 0
    frame = pd.DataFrame(
        {
            **{c: in_force[c].astype("string").array for c in SEMESTER_KEY},
            "target": np.where(none, np.nan, in_force["value"].to_numpy(dtype=float, na_value=np.nan)),
            "target_adopted_at": pd.array(
                np.where(none, np.nan, in_force["adopted_at"].to_numpy(dtype=float, na_value=np.nan)), "Int64"
            ),
            "target_revised": revised,
        }
    )
    return frame, t.keys.rows(np.where(picked >= 0, picked, first))


def _end_targets_known(rows: _TargetRows, grid: _Grid, target: np.ndarray) -> np.ndarray:
    """For each grid row, its pair's end-of-action target as known by the end of the row's semester: the target
    row of the pair's last semester with a target that is in force on that day (on the end semester's last day
    for rows after it); missing before the meeting that adopted the first of them."""
    per = len(grid.semesters)
    out = np.full(grid.size, np.nan)
    if not grid.size or not len(rows.rows):
        return out
    has = ~np.isnan(target.reshape(-1, per))
    end_pos = np.where(has.any(axis=1), per - 1 - np.argmax(has[:, ::-1], axis=1), -1)
    # 1. The target rows of each pair's end semester, each key's side by side as in ``rows.ranked``.
    place, placed = grid.place(rows.keys)
    pair_of_row, semester_of_row = np.full(len(rows.rows), -1), np.full(len(rows.rows), -1)
    pair_of_row[placed], semester_of_row[placed] = place // per, place % per
    at_end = (pair_of_row >= 0) & (semester_of_row == end_pos[np.maximum(pair_of_row, 0)])
    order = rows.ranked[at_end[rows.ranked]]
    if not len(order):
        return out
    starts = np.flatnonzero(np.diff(rows.key[order], prepend=-1))
    pair = pair_of_row[order]
    # 2. Held by each semester's end (by the end semester's for the semesters after it): a row per target row,
    #    a column per semester; then per key and semester the latest held row, else the earliest undated one.
    ends = per_semester(pd.Series(grid.semesters), lambda s: pd.Timestamp(s.end)).to_numpy(dtype="datetime64[ns]")
    cutoff = ends[np.minimum(np.arange(per)[None, :], end_pos[pair][:, None])]
    held = rows.met[order][:, None] <= cutoff  # NaT compares False
    position = np.arange(len(order))
    last_held = np.maximum.reduceat(np.where(held, position[:, None], -1), starts, axis=0)
    undated = np.minimum.reduceat(np.where(np.isnat(rows.met[order]), position, len(order)), starts)
    fallback = np.where(undated < len(order), undated, -1)[:, None]
    chosen = np.where(last_held >= 0, last_held, fallback)
    values = rows.rows["value"].to_numpy(dtype=float, na_value=np.nan)[order]
    out.reshape(-1, per)[pair[starts]] = np.where(chosen >= 0, values[np.maximum(chosen, 0)], np.nan)
    return out


def targets_in_force(programme: Programme) -> pd.DataFrame:
    """One target per indicator, beneficiary and semester: target, target_adopted_at, target_revised."""
    return _targets_in_force(programme)[0]


def _semester_values(programme: Programme, attributes: pd.DataFrame | None = None) -> tuple[pd.DataFrame, _Keys]:
    """semester_values and its keys; ``attributes``: the programme's indicator_attributes when the caller has
    them (in any order)."""
    # 1. Totals only (a missing sex is the total), only the columns read here; of a key given twice, the last row.
    total = (programme.values["sex"].fillna("total") == "total").to_numpy(dtype=bool)
    values = programme.values[[*SEMESTER_KEY, "value", "numerator", "denominator", "text"]][total]
    keys = _Keys.of(values, SEMESTER_KEY)
    last = ~pd.Series(keys.key()).duplicated(keep="last").to_numpy()
    values, keys = values[last], keys.rows(last)
    # 2. Whether each row's indicator is a percentage or qualitative (neither when the indicator is unknown).
    attributes = indicator_attributes(programme) if attributes is None else attributes
    found = keys.codes("indicator_id", pd.Index(attributes["indicator_id"]))
    percentage = np.append(_is(attributes["measure"], "percentage"), False)[found]
    qualitative = np.append(_is(attributes["measure"], "qualitative"), False)[found]
    # 3. The figure: percentages from numerator and denominator (none when the denominator is 0), else the value.
    numerator, denominator = _floats(values["numerator"]), _floats(values["denominator"])
    percent = 100 * numerator / denominator.where(denominator != 0)
    use_ratio = percentage & denominator.notna()
    semester_value = percent.where(use_ratio, _floats(values["value"]))
    # 4. Reported: a figure; for qualitative indicators, text that is not blank (and no figure).
    text = values["text"].astype("string")
    has_text = np.zeros(len(values), dtype=bool)  # read for qualitative indicators only
    if qualitative.any():
        has_text[qualitative] = (text[qualitative].fillna("").str.strip() != "").to_numpy(dtype=bool)
    reported = np.where(qualitative, has_text, semester_value.notna().to_numpy())
    frame = pd.DataFrame(
        {
            "indicator_id": values["indicator_id"].astype("string"),
            "beneficiary": values["beneficiary"].astype("string"),
            "semester": values["semester"].astype("string"),
            "semester_value": semester_value.mask(qualitative),
            "numerator": numerator,
            "denominator": denominator,
            "text": text,
            "reported": reported,
        }
    )
    return frame.reset_index(drop=True), keys


def semester_values(programme: Programme) -> pd.DataFrame:
    """Totals reported per indicator, beneficiary and semester: semester_value, numerator, denominator, text,
    reported (a usable figure, or text for qualitative indicators)."""
    return _semester_values(programme)[0]


def _baselines(programme: Programme) -> tuple[pd.DataFrame, _Keys]:
    base = programme.baselines.dropna(subset=KEY)
    keys = _Keys.of(base, KEY)
    last = ~pd.Series(keys.key()).duplicated(keep="last").to_numpy()
    base = base[last]
    frame = pd.DataFrame(
        {
            "indicator_id": base["indicator_id"].astype("string"),
            "beneficiary": base["beneficiary"].astype("string"),
            "baseline": _floats(base["value"]),
        }
    )
    return frame.reset_index(drop=True), keys.rows(last)


@dataclass(frozen=True)
class _Grid:
    """Every indicator and beneficiary with data (a pair) times every semester: the rows of a progress frame.

    Pairs are numbered by indicator id, then beneficiary code, and semesters run in time, so the row of
    (pair p, semester s) is ``p * len(semesters) + s`` and the rows come in the order progress frames have.
    """

    indicators: pd.Index
    beneficiaries: pd.Index
    semesters: pd.Index
    pairs: np.ndarray = field(default_factory=lambda: np.array([], dtype=np.int64))  # sorted pair codes

    @property
    def size(self) -> int:
        return len(self.pairs) * len(self.semesters)

    def pair_codes(self, keys: _Keys) -> np.ndarray:
        """indicator position * number of beneficiaries + beneficiary position; -1 for an unknown one."""
        indicator = keys.codes("indicator_id", self.indicators)
        beneficiary = keys.codes("beneficiary", self.beneficiaries)
        known = (indicator >= 0) & (beneficiary >= 0)
        return np.where(known, indicator * len(self.beneficiaries) + beneficiary, -1)

    def place(self, keys: _Keys, semester: bool = True) -> tuple[np.ndarray, np.ndarray]:
        """The grid row of each keyed row that has one (of its pair when not ``semester``), and which have one."""
        pair = self.pair_codes(keys)
        if not semester:
            has = pair >= 0
            return np.searchsorted(self.pairs, pair[has]), has
        semester_codes = keys.codes("semester", self.semesters)
        has = (pair >= 0) & (semester_codes >= 0)
        return np.searchsorted(self.pairs, pair[has]) * len(self.semesters) + semester_codes[has], has


def _spread(place: tuple[np.ndarray, np.ndarray], size: int, column: pd.Series, fill: float | bool) -> np.ndarray:
    """``column`` on the rows given by ``place`` (see _Grid.place), ``fill`` elsewhere."""
    rows, has = place
    out = np.full(size, fill)
    out[rows] = column.to_numpy(dtype=out.dtype, na_value=fill)[has]
    return out


def _grid(attributes: pd.DataFrame, semesters: list[str], keys: list[_Keys]) -> _Grid:
    found = set().union(*(set(k.distinct["beneficiary"].dropna()) for k in keys))
    axes = _Grid(
        pd.Index(attributes["indicator_id"]),
        pd.Index(sorted(found), dtype="string"),
        pd.Index(semesters, dtype="string"),
    )
    pairs = np.unique(np.concatenate([axes.pair_codes(k) for k in keys]))
    return _Grid(axes.indicators, axes.beneficiaries, axes.semesters, pairs[pairs >= 0])


def _progress_frame(grid: _Grid, attributes: pd.DataFrame, baselines, targets, values) -> pd.DataFrame:
    """The grid's rows with the indicator's attributes, the baseline, the target in force and what was reported.

    ``baselines``, ``targets`` and ``values`` are (frame, keys) pairs."""
    per_pair, count = len(grid.semesters), max(len(grid.beneficiaries), 1)
    indicator, beneficiary = np.repeat(grid.pairs // count, per_pair), np.repeat(grid.pairs % count, per_pair)
    (base, base_keys), (target, target_keys), (value, value_keys) = baselines, targets, values
    baseline = _spread(grid.place(base_keys, semester=False), len(grid.pairs), base["baseline"], np.nan)
    on_target, on_value = grid.place(target_keys), grid.place(value_keys)
    text_rows = _spread(on_value, grid.size, pd.Series(np.arange(len(value))), -1)
    return pd.DataFrame(
        {
            **attributes.iloc[indicator].reset_index(drop=True),
            "beneficiary": grid.beneficiaries.take(beneficiary),
            "semester": grid.semesters.take(np.tile(np.arange(per_pair), len(grid.pairs))),
            "baseline": np.repeat(baseline, per_pair),
            "target": _spread(on_target, grid.size, target["target"], np.nan),
            "target_adopted_at": pd.array(_spread(on_target, grid.size, target["target_adopted_at"], np.nan), "Int64"),
            "target_revised": _spread(on_target, grid.size, target["target_revised"], False),
            "semester_value": _spread(on_value, grid.size, value["semester_value"], np.nan),
            "numerator": _spread(on_value, grid.size, value["numerator"], np.nan),
            "denominator": _spread(on_value, grid.size, value["denominator"], np.nan),
            "text": value["text"].array.take(text_rows, allow_fill=True),
            "reported": _spread(on_value, grid.size, value["reported"], False),
        }
    )


def _along(column: pd.Series, per_pair: int) -> np.ndarray:
    """A column as one row per pair and one column per semester (a grid row: one pair's semesters in time)."""
    return column.to_numpy().reshape(-1, max(per_pair, 1))


def _with_actual(frame: pd.DataFrame, per_pair: int) -> pd.DataFrame:
    # 1. Running total of the reported values to date, per pair.
    reported_so_far = _along(frame["semester_value"].fillna(0), per_pair).cumsum(axis=1)
    running = pd.Series(reported_so_far.ravel(), index=frame.index)
    reported = frame["reported"].to_numpy(dtype=bool)
    # 2. Whether anything was reported to date, and the last figure reported to date.
    reported_yet = pd.Series(np.maximum.accumulate(_along(frame["reported"], per_pair), axis=1).ravel()).to_numpy()
    last = pd.DataFrame(_along(frame["semester_value"].where(frame["reported"]), per_pair)).ffill(axis=1)
    last_value = last.to_numpy().ravel()
    # 3. Cumulative counts: baseline plus the running total; the others: the semester's own value.
    counted = (frame["cumulative"] & (frame["measure"] == "count")).to_numpy(dtype=bool)
    milestone = _is(frame["measure"], "milestone")
    actual = (frame["baseline"].fillna(0) + running).where(counted, frame["semester_value"])
    # 4. Carried forward without a report: a running total to date, a milestone done.
    carried = ~reported & ((counted & reported_yet) | (milestone & (last_value == 1)))
    actual = actual.mask(carried & milestone, 1.0)
    # 5. Nothing usable reported nor carried: no actual.
    return frame.assign(carried=carried, actual=actual.where(reported | carried))


def _with_status(frame: pd.DataFrame, thresholds: Thresholds, reporting: np.ndarray) -> pd.DataFrame:
    # 1. Progress: milestones 1.0 when done else 0.0, qualitative none, the others by the ratio rule.
    ratio = progress_ratios(frame["actual"], frame["baseline"], frame["target"], frame["direction"])
    done = (frame["actual"] == 1).astype(float)
    milestone, qualitative = _is(frame["measure"], "milestone"), _is(frame["measure"], "qualitative")
    progress = ratio.mask(milestone, done).mask(qualitative, np.nan)
    # 2. No progress without a usable report (a milestone carried as done counts as reported).
    judged = frame["reported"] | (frame["carried"] & milestone)
    progress = progress.where(judged).astype(float)
    # 3. Status from progress, measure, whether a target was due (for qualitative indicators: whether the
    #    semester is within the reporting period) and whether anything was reported.
    due = is_due(frame) | (qualitative & reporting)
    status = status_codes(progress, frame["measure"], due, judged, thresholds)
    return with_status_columns(frame, progress, status)


def indicator_progress(programme: Programme, thresholds: Thresholds | None = None) -> pd.DataFrame:
    """One row per indicator, beneficiary and semester (totals only) with target in force, actual and status."""
    thresholds = thresholds or Thresholds.from_settings()
    attributes = indicator_attributes(programme).dropna(subset=["indicator_id"])
    attributes = attributes.sort_values("indicator_id", ignore_index=True)
    target_rows = _TargetRows.of(programme)
    baselines, values = _baselines(programme), _semester_values(programme, attributes)
    targets = _targets_in_force(programme, target_rows)
    # 1. Every indicator and beneficiary with a baseline, a target in force or a reported total, times every
    #    semester (indicators missing from the Indicators sheet are left out).
    grid = _grid(attributes, programme_semesters(programme), [baselines[1], targets[1], values[1]])
    # 2. Their figures side by side; 3. the actual to date; 4. progress and status.
    frame = _progress_frame(grid, attributes, baselines, targets, values)
    reporting = _within_reporting(frame, grid)
    frame = _with_status(_with_actual(frame, len(grid.semesters)), thresholds, reporting)
    # 5. Progress to the end-of-action target and the forecast (compute/forecast.py); the rows of a pair are
    #    its semesters, one after the other.
    pairs = np.repeat(np.arange(len(grid.pairs)), len(grid.semesters))
    end_targets = _end_targets_known(target_rows, grid, frame["target"].to_numpy(dtype=float, na_value=np.nan))
    frame = with_forecast(frame, thresholds.achieved, thresholds.on_track, pairs=pairs, end_targets=end_targets)
    return frame[PROGRESS_COLUMNS]


def _within_reporting(frame: pd.DataFrame, grid: _Grid) -> np.ndarray:
    """Whether each row's semester is on or before the latest semester in which anything was reported."""
    position = np.tile(np.arange(len(grid.semesters)), len(grid.pairs))
    reported = frame["reported"].to_numpy(dtype=bool)
    latest = position[reported].max() if reported.any() else -1
    return position <= latest


def latest_status(progress: pd.DataFrame, semester: str) -> pd.DataFrame:
    """The rows of one semester of an indicator_progress frame."""
    return progress[progress["semester"] == semester].reset_index(drop=True)


def is_due(progress: pd.DataFrame) -> pd.Series:
    """Whether a target was in force for each row of an indicator_progress frame."""
    return progress["target_adopted_at"].notna() | progress["target"].notna()
