"""Progress to the end-of-action target, and a forecast of whether it will be reached on the current pace: the
rules are METHOD_TEXT below."""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators.compute.ratio import ratio as _ratio
from indicators.domain.i18n import N_, _
from indicators.domain.periods import PeriodError, semester_from_id, semester_label

# The rules, in words people read: the Method page shows them in the reader's language (``_(METHOD_TEXT)``).
METHOD_TEXT = N_(
    """Progress to the end-of-action target, and a forecast of whether it will be reached on the current pace.

Rules, in one place:

- The end-of-action target of an indicator and beneficiary is the target of the last semester that has one
  (``end_semester``), as known by the end of each semester: a revision applies from the meeting that adopted it
  onward, never to semesters before it (``end_target``, missing before the first meeting that set one);
  ``end_progress`` is the semester's actual (a running total carried forward included) against it, by the
  same formula as progress.
- The forecast is a straight line from the baseline at the start of the action through the semester's figure:
  the pace is (actual - baseline) / semesters elapsed from the action's first semester to this one, a
  semester without a report included (a missed report slows the pace), and the projected figure at the end
  semester is baseline + pace x semesters to the end. It assumes the pace of the action so far goes on
  unchanged, the baseline was measured at the start, and targets are not revised again.
- "On course" when the projected figure meets the end target (progress at or above STATUS_ACHIEVED), "at
  risk" when it reaches STATUS_ON_TRACK of the way, "out of reach" below that or when the pace does not move
  towards the target; ``forecast_semester`` is the semester in which the line would reach the end target, said
  as "would be reached in ..." (a projection, not an achievement). An end target already met is "met" ("End
  target met"), with no forecast semester.
- No forecast from fewer than two reported semesters, for milestones and qualitative indicators, nor without
  an end-of-action target."""
)
__doc__ = METHOD_TEXT  # help() and inspect read the rules too

FORECAST_COLUMNS = ["end_semester", "end_target", "end_progress", "forecast", "forecast_semester", "forecast_text"]
FORECAST_LABELS = {
    "met": N_("End target met"),
    "reached": N_("On course"),
    "at_risk": N_("At risk"),
    "out_of_reach": N_("Out of reach"),
}
FORECAST_CODES = list(FORECAST_LABELS)
MIN_REPORTED_SEMESTERS = 2
KEY = ["indicator_id", "beneficiary"]


def _semester_positions(semesters: pd.Series) -> tuple[np.ndarray, object]:
    """Each row's semester as a number of semesters since the earliest one (-1 for a missing id or one that is
    no semester), and the earliest semester."""
    # Each distinct id is read once (80,000 rows, ~14 ids), then its number is spread to its rows.
    rows, distinct = pd.factorize(semesters)
    index = np.full(len(distinct), -1)
    found = {}
    for position, value in enumerate(distinct):
        try:
            found[position] = semester_from_id(str(value))
        except PeriodError:
            continue
    if not found:
        return np.full(len(semesters), -1), None
    first = min(found.values(), key=lambda s: s.index)
    for position, semester in found.items():
        index[position] = semester.index - first.index
    return np.append(index, -1)[rows], first


def with_forecast(
    progress: pd.DataFrame,
    achieved: float = 1.0,
    on_track: float = 0.75,
    *,
    pairs: np.ndarray | None = None,
    end_targets: np.ndarray | None = None,
) -> pd.DataFrame:
    """The progress frame with FORECAST_COLUMNS (see the module docstring).

    ``pairs`` numbers each row's indicator and beneficiary when the caller has them already (any numbering
    that gives rows of the same pair the same number); without it they are grouped here. ``end_targets``: each
    row's end-of-action target as known by its semester's end (progress.py has the meetings' dates); without
    it, the target of the end semester in force then."""
    frame = progress.reset_index(drop=True)
    n = len(frame)
    position, first = _semester_positions(frame["semester"])
    pair = frame.groupby(KEY, sort=False, dropna=False).ngroup().to_numpy() if pairs is None else pairs
    target = frame["target"].to_numpy(dtype=float, na_value=np.nan)
    # 1. End of action: the last semester with a target, per pair.
    with_target = pd.Series(np.where(np.isnan(target), -1, position)).groupby(pair).transform("max").to_numpy()
    end_row = pd.Series(np.where(position == with_target, np.arange(n), -1)).groupby(pair).transform("max")
    end_row = end_row.to_numpy()
    has_end = (with_target >= 0) & (end_row >= 0)
    end_target = np.where(has_end, target[np.maximum(end_row, 0)], np.nan)
    if end_targets is not None:
        end_target = np.where(has_end, end_targets, np.nan)
    # 2. Progress to it: the semester's actual (carried included) by the progress formula; milestones done or not.
    actual = frame["actual"].to_numpy(dtype=float, na_value=np.nan)
    start = frame["baseline"].to_numpy(dtype=float, na_value=np.nan)
    start = np.where(np.isnan(start), 0.0, start)
    decrease = (frame["direction"] == "decrease").to_numpy(dtype=bool, na_value=False)
    measure = frame["measure"].astype("string")
    milestone = (measure == "milestone").to_numpy(dtype=bool, na_value=False)
    figures = measure.isin(["count", "percentage"]).to_numpy(dtype=bool, na_value=False)
    end_progress = np.where(milestone, np.where(np.isnan(actual), np.nan, (actual == 1).astype(float)), np.nan)
    end_progress = np.where(figures, _ratio(actual, start, end_target, decrease), end_progress)
    end_progress = np.where(has_end, end_progress, np.nan)
    # 3. Forecast: a straight line from the baseline through the semester's figure.
    reported = frame["reported"].to_numpy(dtype=bool, na_value=False)
    reports_so_far = pd.Series(reported.astype(int)).groupby(pair).cumsum().to_numpy()
    can = (
        figures
        & has_end
        & ~np.isnan(end_target)
        & ~np.isnan(actual)
        & (reports_so_far >= MIN_REPORTED_SEMESTERS)
        & (position >= 0)
    )
    elapsed = position + 1.0  # every semester since the first, reported or not
    total = np.where(has_end, with_target + 1.0, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        pace = (actual - start) / elapsed
        projected = _ratio(start + pace * total, start, end_target, decrease)
        needed = np.ceil(np.round((end_target - start) / pace, 9))
    towards = (pace * (end_target - start) > 0) & np.isfinite(needed)
    # The forecast code as a position in FORECAST_CODES (-1: none).
    choice = np.select(
        [~can, end_progress >= achieved, projected >= achieved, towards & (projected >= on_track)],
        [-1, 0, 1, 2],
        default=3,
    )
    semesters = np.where(end_progress >= achieved, np.nan, np.where(towards, needed, np.nan))
    semesters = np.where(can, semesters, np.nan)
    # 4. Few distinct values: each semester id and each sentence is made once, then spread to its rows
    #    (80,000 rows -> ~100). ``ahead`` are the distinct numbers of semesters to the forecast semester,
    #    ``row_ahead`` each row's position among them (-1: no forecast semester).
    known = np.isfinite(semesters) & (semesters >= 1) & (first is not None)
    known_ahead, ahead = pd.factorize(semesters[known])  # by hashing: the order of ``ahead`` does not matter
    row_ahead = np.full(n, -1)
    row_ahead[known] = known_ahead
    ids = [first.shift(int(k) - 1).id for k in ahead]
    # Each distinct (code, forecast semester) pair, as one integer, and its sentence in the current language.
    row_sentence, sentence_keys = pd.factorize((choice + 1) * (len(ids) + 1) + (row_ahead + 1))
    texts = []
    for key in sentence_keys.tolist():
        code, semester = divmod(key, len(ids) + 1)
        texts.append(_text(FORECAST_CODES[code - 1] if code else None, ids[semester - 1] if semester else None))
    return frame.assign(
        end_semester=frame["semester"].astype("string").array.take(np.where(has_end, end_row, -1), allow_fill=True),
        end_target=end_target,
        end_progress=end_progress,
        forecast=pd.array(FORECAST_CODES, dtype="string").take(choice, allow_fill=True),
        forecast_semester=pd.array(ids, dtype="string").take(row_ahead, allow_fill=True),
        forecast_text=pd.array(texts, dtype="string").take(row_sentence.reshape(-1), allow_fill=True),
    )


def _text(code: object, semester: object) -> str | None:
    """The forecast in words, in the current language, e.g. "At risk: the end target would be reached in
    Nov 2027 – Apr 2028 on the current pace"."""
    if code is None or pd.isna(code):
        return None
    if code == "met":
        return _("End target met")
    forecast = _(FORECAST_LABELS[str(code)])
    if semester is None:
        return _("{forecast}: the pace does not move towards the target").format(forecast=forecast)
    return _("{forecast}: the end target would be reached in {semester} on the current pace").format(
        forecast=forecast, semester=semester_label(str(semester))
    )
