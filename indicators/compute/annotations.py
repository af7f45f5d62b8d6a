"""What a reader needs beside a status: the analyst's explanation, and the target revision behind it.

- **Explanations.** A row that is at risk, off track, over-achieved (progress at or above the setting
  OVER_ACHIEVED, 1.5 by default) or due and not reported needs a reason (EU results-oriented monitoring asks
  for one). ``comment`` is the analyst's comment on the row's value (on the total row, else the first one
  given for a sex); ``explanation_due`` says why one is expected, and is empty when none is.
- **Target revisions.** A target in force that a later Steering Committee meeting adopted in place of an
  earlier one is a revision: ``original_target`` (the first adopted), ``revised_at`` (the meeting now in
  force), ``revision_note`` (its note) and ``revision_text`` (one sentence). ``status_original`` is the status
  the same actual would have against the original target; ``status_by_revision`` is true when the two differ:
  the status changed only because the target was revised.

``annotated`` adds these columns to an ``indicator_progress`` frame with grouped frame operations (no loop
over rows). Donor views hide ``comment``, ``explanation_due``, ``status_original`` and ``status_by_revision``
with the status of a row whose figure is suppressed (``suppression.DERIVED_COLUMNS``); a revision's targets
and meeting are not sensitive and stay.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators.compute.progress import (
    SEMESTER_KEY,
    STATUS_BY_CODE,
    Thresholds,
    progress_ratios,
    status_codes,
)
from indicators.domain.schema import Programme
from indicators.domain.settings import setting_float

ANNOTATION_COLUMNS = [
    "comment",
    "explanation_due",
    "original_target",
    "original_adopted_at",
    "revised_at",
    "revision_note",
    "revision_text",
    "status_original",
    "status_by_revision",
]
GRADED = ("achieved", "on_track", "at_risk", "off_track")  # statuses read from progress against the target
REASONS = {"at_risk": "at risk", "off_track": "off track", "no_data": "not reported"}


def value_comments(programme: Programme) -> pd.DataFrame:
    """One comment per indicator, beneficiary and semester: the total row's, else the first sex row's."""
    values = programme.values
    given = values[values["comment"].notna() & (values["comment"].astype("string").str.strip() != "")]
    given = given.assign(_total=given["sex"].astype("string").fillna("total") != "total")
    given = given.sort_values("_total", kind="stable").drop_duplicates(SEMESTER_KEY, keep="first")
    return given[SEMESTER_KEY].astype("string").assign(comment=given["comment"].astype("string").to_numpy())


def original_targets(programme: Programme) -> pd.DataFrame:
    """The first-adopted target of each indicator, beneficiary and semester (rows without a meeting last)."""
    targets = programme.targets.dropna(subset=SEMESTER_KEY)
    first = targets.sort_values("adopted_at", na_position="last", kind="stable").drop_duplicates(SEMESTER_KEY)
    return (
        first[SEMESTER_KEY]
        .astype("string")
        .assign(
            original_target=first["value"].to_numpy(dtype=float, na_value=np.nan),
            original_adopted_at=first["adopted_at"].astype("Int64").to_numpy(),
        )
    )


def _notes(programme: Programme) -> pd.DataFrame:
    """The note of each target row, by its key and meeting."""
    targets = programme.targets.dropna(subset=[*SEMESTER_KEY, "adopted_at"]).drop_duplicates(
        [*SEMESTER_KEY, "adopted_at"], keep="last"
    )
    return (
        targets[SEMESTER_KEY]
        .astype("string")
        .assign(
            target_adopted_at=targets["adopted_at"].astype("Int64").to_numpy(),
            revision_note=targets["note"].astype("string").to_numpy(),
        )
    )


def _meeting_days(programme: Programme) -> pd.Series:
    meetings = programme.meetings.dropna(subset=["number"]).drop_duplicates("number", keep="last")
    days = pd.to_datetime(meetings["date"], errors="coerce").dt.strftime("%-d %b %Y")
    return pd.Series(days.to_numpy(), index=meetings["number"].astype(int).to_numpy())


def _figure(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def annotated(progress: pd.DataFrame, programme: Programme, thresholds: Thresholds | None = None) -> pd.DataFrame:
    """``progress`` with the explanation and revision columns of the module docstring."""
    thresholds = thresholds or Thresholds.from_settings()
    if progress.empty:
        return progress.assign(**{c: pd.Series(dtype="object") for c in ANNOTATION_COLUMNS})
    keys = progress[SEMESTER_KEY].astype("string")
    frame = keys.merge(value_comments(programme), how="left", on=SEMESTER_KEY, validate="one_to_one")
    frame = frame.merge(original_targets(programme), how="left", on=SEMESTER_KEY, validate="one_to_one")
    frame = frame.assign(target_adopted_at=progress["target_adopted_at"].astype("Int64").to_numpy())
    frame = frame.merge(_notes(programme), how="left", on=[*SEMESTER_KEY, "target_adopted_at"], validate="m:1")
    frame.index = progress.index

    # Explanations: why one is expected, if it is.
    status = progress["status"].astype("string")
    over = progress["progress"].astype(float) >= setting_float("OVER_ACHIEVED")
    reason = status.map(REASONS).astype("string")
    reason = reason.mask(over & (progress["measure"].astype("string") != "milestone"), "over-achieved")

    # Revisions: the target in force was adopted by a later meeting than the first target of its key.
    target = progress["target"].astype(float)
    revised = (
        frame["target_adopted_at"].notna()
        & frame["original_adopted_at"].notna()
        & (frame["target_adopted_at"] != frame["original_adopted_at"])
        & (frame["original_target"] != target)
    ).to_numpy(dtype=bool, na_value=False)
    ratio = progress_ratios(progress["actual"], progress["baseline"], frame["original_target"], progress["direction"])
    graded = status.isin(GRADED).to_numpy(dtype=bool, na_value=False)
    numeric = ~progress["measure"].astype("string").isin(["milestone", "qualitative"]).to_numpy(dtype=bool)
    recomputed = status_codes(
        ratio, progress["measure"], pd.Series(True, index=progress.index), ratio.notna(), thresholds
    )
    status_original = status.where(~(revised & graded & numeric), recomputed)
    text = pd.Series(pd.NA, index=progress.index, dtype="string")
    days = _meeting_days(programme)
    chosen = frame[revised].assign(target=target[revised])
    for at, row in chosen.iterrows():  # revisions are few: one sentence each
        meeting = int(row["target_adopted_at"])
        day = days.get(meeting)
        note = row["revision_note"]
        text[at] = (
            f"Revised from {_figure(row['original_target'])} ({_ordinal(int(row['original_adopted_at']))} meeting) "
            f"to {_figure(row['target'])} by the {_ordinal(meeting)} meeting"
            + (f" on {day}" if isinstance(day, str) else "")
            + (f": {note}" if isinstance(note, str) and note.strip() else "")
        )
    return progress.assign(
        comment=frame["comment"],
        explanation_due=reason,
        original_target=frame["original_target"].where(revised),
        original_adopted_at=frame["original_adopted_at"].where(revised),
        revised_at=frame["target_adopted_at"].where(revised),
        revision_note=frame["revision_note"].where(revised),
        revision_text=text,
        status_original=status_original,
        status_by_revision=pd.array(revised & (status_original != status).to_numpy(dtype=bool, na_value=False)),
    )


def status_word(code: object) -> str:
    """A status code as symbol and words (e.g. '▲ At risk')."""
    status = STATUS_BY_CODE.get(str(code))
    return f"{status.symbol} {status.label}" if status else ""


def missing_explanations(progress: pd.DataFrame) -> pd.DataFrame:
    """Rows of an annotated frame that need an explanation and have no comment."""
    needs = progress["explanation_due"].notna()
    return progress[needs & progress["comment"].isna()].reset_index(drop=True)
