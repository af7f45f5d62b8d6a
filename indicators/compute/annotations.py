"""What a reader needs beside a status: the analyst's explanation, and the target revision behind it (the
rules are METHOD_TEXT below)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators.compute.progress import (
    SEMESTER_KEY,
    STATUS_BY_CODE,
    Thresholds,
    _is,
    _Keys,
    progress_ratios,
    status_codes,
)
from indicators.domain import i18n
from indicators.domain.i18n import N_, _
from indicators.domain.schema import Programme
from indicators.domain.settings import setting_float

# The rules, in words people read: the Method page shows them in the reader's language (``_(METHOD_TEXT)``).
METHOD_TEXT = N_(
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
and meeting are not sensitive and stay."""
)
__doc__ = METHOD_TEXT  # help() and inspect read the rules too

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
# Why an explanation is expected, in words (``explanation_due`` holds them in the current language; pages and
# reports only test whether it is missing).
REASONS = {"at_risk": N_("at risk"), "off_track": N_("off track"), "no_data": N_("not reported")}
OVER_ACHIEVED_REASON = N_("over-achieved")


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


_ADOPTED = "target_adopted_at"


def _taken(column: pd.Series, rows: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """``column``'s values at ``rows`` (missing where a row is -1), of its own type."""
    return column.array.take(rows, allow_fill=True)


def _meeting_days(programme: Programme) -> pd.Series:
    meetings = programme.meetings.dropna(subset=["number"]).drop_duplicates("number", keep="last")
    days = pd.to_datetime(meetings["date"], errors="coerce")
    if i18n.language() == i18n.SOURCE_LANGUAGE:
        written = days.dt.strftime("%-d %b %Y")
    else:  # e.g. 30 oct. 2024
        written = days.map(lambda d: None if pd.isna(d) else i18n.date(d.date(), "d MMM y"))
    return pd.Series(written.to_numpy(), index=meetings["number"].astype(int).to_numpy())


def _figure(value: float) -> str:
    if i18n.language() != i18n.SOURCE_LANGUAGE:
        return i18n.number(value, decimals=0 if float(value).is_integer() else 1)
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _ordinal(number: int) -> str:
    """1st, 2nd, 3rd, 4th; in French 1re, 2e (of a meeting: « réunion » is feminine)."""
    if i18n.language() == "fr":
        return f"{number}re" if number == 1 else f"{number}e"
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def revision_sentence(original: float, original_meeting: int, target: float, meeting: int, day, note) -> str:
    """A target revision in one sentence, in the current language: "Revised from 7 (1st meeting) to 4 by the 3rd
    meeting on 30 Oct 2024: <note>" (without the day or the note when there is none)."""
    figures = {
        "original": _figure(original),
        "original_meeting": _ordinal(original_meeting),
        "target": _figure(target),
        "meeting": _ordinal(meeting),
    }
    if isinstance(day, str):
        text = _("Revised from {original} ({original_meeting} meeting) to {target} by the {meeting} meeting on {day}")
        text = text.format(day=day, **figures)
    else:
        text = _("Revised from {original} ({original_meeting} meeting) to {target} by the {meeting} meeting")
        text = text.format(**figures)
    if isinstance(note, str) and note.strip():
        return _("{revision}: {note}").format(revision=text, note=note)
    return text


def annotated(progress: pd.DataFrame, programme: Programme, thresholds: Thresholds | None = None) -> pd.DataFrame:
    """``progress`` with the explanation and revision columns of the module docstring."""
    thresholds = thresholds or Thresholds.from_settings()
    if progress.empty:
        return progress.assign(**{c: pd.Series(dtype="object") for c in ANNOTATION_COLUMNS})
    # The comment, the first-adopted target and the note of each row's target in force, found by integer keys
    # (merges on the text keys cost more than all the rest).
    keys = _Keys.of(progress, SEMESTER_KEY)
    if pd.Series(keys.key()).duplicated().any():  # what the merges that used to find them said
        raise ValueError("Merge keys are not unique in left dataset; not a one-to-one merge")  # a fault of ours
    comments, originals, notes = value_comments(programme), original_targets(programme), _notes(programme)
    comment = _taken(comments["comment"], keys.matching(_Keys.of(comments, SEMESTER_KEY)))
    found = keys.matching(_Keys.of(originals, SEMESTER_KEY))
    original_target = pd.Series(
        np.where(found >= 0, originals["original_target"].to_numpy()[found], np.nan), index=progress.index
    )
    original_adopted_at = pd.Series(_taken(originals["original_adopted_at"], found), index=progress.index)
    adopted_at = progress["target_adopted_at"].astype("Int64")
    meeting, meetings = pd.factorize(adopted_at)
    with_meeting = _Keys({**keys.positions, _ADOPTED: meeting}, {**keys.distinct, _ADOPTED: pd.Index(meetings)})
    note_rows = with_meeting.matching(_Keys.of(notes, [*SEMESTER_KEY, _ADOPTED]))

    # Explanations: why one is expected, if it is (each distinct status's reason written once).
    status = progress["status"].astype("string")
    positions, codes = pd.factorize(status)
    over = progress["progress"].astype(float).to_numpy() >= setting_float("OVER_ACHIEVED")
    over &= ~_is(progress["measure"].astype("string"), "milestone")  # a missing measure: over-achieved too
    reasons = pd.array([*(_(REASONS[c]) if c in REASONS else None for c in codes), _(OVER_ACHIEVED_REASON)], "string")
    reason = pd.Series(reasons.take(np.where(over, len(codes), positions), allow_fill=True), index=progress.index)

    # Revisions: the target in force was adopted by a later meeting than the first target of its key.
    target = progress["target"].astype(float)
    revised = (
        adopted_at.notna()
        & original_adopted_at.notna()
        & (adopted_at != original_adopted_at)
        & (original_target != target)
    ).to_numpy(dtype=bool, na_value=False)
    ratio = progress_ratios(progress["actual"], progress["baseline"], original_target, progress["direction"])
    graded = np.append(np.isin(np.asarray(codes, dtype=object), GRADED), False)[positions]
    numeric = ~progress["measure"].astype("string").isin(["milestone", "qualitative"]).to_numpy(dtype=bool)
    regraded = revised & graded & numeric
    status_original = status
    if regraded.any():
        recomputed = status_codes(
            ratio, progress["measure"], pd.Series(True, index=progress.index), ratio.notna(), thresholds
        )
        status_original = status.where(~regraded, recomputed)
    # One sentence per revised row (thousands in a large portfolio), each distinct sentence written once.
    days, rows = _meeting_days(programme), np.flatnonzero(revised)
    notes_text = notes["revision_note"].to_numpy(dtype=object, na_value=None)
    revisions = zip(
        original_target.to_numpy()[rows].tolist(),
        original_adopted_at.to_numpy(dtype=object)[rows].tolist(),
        target.to_numpy(dtype=float, na_value=np.nan)[rows].tolist(),
        adopted_at.to_numpy(dtype=object)[rows].tolist(),
        [notes_text[n] if n >= 0 else None for n in note_rows[rows].tolist()],
        strict=True,
    )
    sentences: dict[tuple, int] = {}
    which = np.full(len(progress), -1)
    for row, (original, first, new, meeting, note) in zip(rows.tolist(), revisions, strict=True):
        which[row] = sentences.setdefault((original, int(first), new, int(meeting), note), len(sentences))
    written = [revision_sentence(o, f, n, m, days.get(m), note) for o, f, n, m, note in sentences]
    text = pd.Series(pd.array(written, dtype="string").take(which, allow_fill=True), index=progress.index)
    return progress.assign(
        comment=pd.Series(comment, index=progress.index),
        explanation_due=reason,
        original_target=original_target.where(revised),
        original_adopted_at=original_adopted_at.where(revised),
        revised_at=pd.Series(
            np.where(revised, adopted_at.to_numpy(dtype=float, na_value=np.nan), np.nan), progress.index
        ),
        revision_note=pd.Series(_taken(notes["revision_note"], np.where(revised, note_rows, -1)), index=progress.index),
        revision_text=text,
        status_original=status_original,
        status_by_revision=pd.array(revised & (status_original != status).to_numpy(dtype=bool, na_value=False)),
    )


def status_word(code: object) -> str:
    """A status code as symbol and words in the current language (e.g. '▲ At risk')."""
    status = STATUS_BY_CODE.get(str(code))
    return f"{status.symbol} {status.label}" if status else ""


def missing_explanations(progress: pd.DataFrame) -> pd.DataFrame:
    """Rows of an annotated frame that need an explanation and have no comment."""
    needs = progress["explanation_due"].notna()
    return progress[needs & progress["comment"].isna()].reset_index(drop=True)
