"""Data-quality flags: figures that pass validation but that a reviewer should look at before approving (the
checks are METHOD_TEXT below)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from indicators.compute.annotations import annotated, missing_explanations
from indicators.compute.progress import (
    SEMESTER_KEY,
    indicator_attributes,
    indicator_progress,
    semester_values,
    targets_in_force,
)
from indicators.domain import i18n
from indicators.domain.i18n import N_, _
from indicators.domain.periods import PeriodError, semester_from_id, semester_label
from indicators.domain.schema import Programme
from indicators.domain.settings import setting_float

# The rules, in words people read: the Method page shows them in the reader's language (``_(METHOD_TEXT)``).
METHOD_TEXT = N_(
    """Data-quality flags: figures that pass validation but that a reviewer should look at before approving.

- Sex split: female + male differs from the total reported for the same indicator, beneficiary and semester.
- Jump: a value more than QUALITY_JUMP_FACTOR times above or below the beneficiary's previous reported
  semester (both above zero).
- Falling: a cumulative target that falls from one semester to the next (not one lowered by a meeting's
  documented revision: the semester's target revised by a later meeting, with a note in Targets saying why),
  or a running total that falls (a negative semester value of a cumulative count).
- Milestone undone: a milestone reported done and later reported not done.
- Reported late: a report whose comment says it came after the deadline ("late", "after the deadline",
  "delayed"), counted per semester.
Flags are warnings: nothing is blocked, and each names the figure and the previous figure it is compared with."""
)
__doc__ = METHOD_TEXT  # help() and inspect read the rules too

QUALITY_COLUMNS = [
    "check",
    "indicator_id",
    "beneficiary",
    "semester",
    "value",
    "previous_semester",
    "previous_value",
    "message",
]
CHECKS = {  # check code (never translated): its label, translated where shown (``check_label``)
    "sex_split": N_("Female + male differs from the total"),
    "jump": N_("Jump from the previous semester"),
    "target_falls": N_("Cumulative target falls"),
    "running_total_falls": N_("Running total falls"),
    "milestone_undone": N_("Milestone done, then not done"),
    "late": N_("Reported late"),
}
LATE = r"(?i)\b(?:late|after the deadline|delayed|en retard|après la date limite)\b"


def _text(series: pd.Series) -> pa.Array:
    """A text column as one Arrow array, for lookups in Arrow (no Python strings, no text factorizing)."""
    return pa.array(series.astype("string").array, type=pa.large_string())


class KeySet:
    """The keys (values in ``columns``) of a frame's rows, to tell which rows of other frames have one of them.

    Each column's values become integer codes by a lookup in Arrow among the frame's distinct values; a missing
    value matches a missing value (as ``progress.matching_rows`` and a MultiIndex's ``isin`` match them)."""

    def __init__(self, frame: pd.DataFrame, columns: list[str]) -> None:
        self.columns = columns
        self.distinct = [pc.unique(_text(frame[c])) for c in columns]
        codes = self._codes(frame)[0]
        size = int(np.prod([len(d) + 1 for d in self.distinct], dtype=float))
        self.table = None  # when the codes are few enough: whether each code is a key, by position
        if size <= max(1 << 22, 8 * len(frame)):
            self.table = np.zeros(size, dtype=bool)
            self.table[codes] = True
        self.codes = codes

    def _codes(self, frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """Each row's key as one integer, and whether every one of its values is among the frame's."""
        codes, known = np.zeros(len(frame), dtype=np.int64), np.ones(len(frame), dtype=bool)
        for column, distinct in zip(self.columns, self.distinct, strict=True):
            found = pc.index_in(_text(frame[column]), value_set=distinct, skip_nulls=False)
            positions = found.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
            known &= positions >= 0
            codes = codes * (len(distinct) + 1) + positions + 1
        return codes, known

    def holds(self, frame: pd.DataFrame) -> np.ndarray:
        """Which rows of ``frame`` have one of the keys."""
        if frame.empty:
            return np.zeros(0, dtype=bool)
        codes, known = self._codes(frame)
        return known & (self.table[codes] if self.table is not None else np.isin(codes, self.codes))


def _order(semesters: pd.Series) -> pd.Series:
    def index(value: object) -> float:
        try:
            return float(semester_from_id(str(value)).index)
        except PeriodError:
            return np.nan

    text = _text(semesters)
    distinct = pc.unique(text.drop_null())  # a few dozen semesters for 100,000 rows: each parsed once
    found = pc.index_in(text, value_set=distinct).fill_null(-1).to_numpy(zero_copy_only=False)
    order = np.array([index(value) for value in distinct.to_pylist()] + [np.nan], dtype=float)
    return pd.Series(order[found], index=semesters.index)


def _number(value: float) -> str:
    """A figure in a flag's sentence: whole or to one decimal (French: decimal comma, 1 234)."""
    if i18n.language() != i18n.SOURCE_LANGUAGE:
        return i18n.number(value, decimals=0 if float(value).is_integer() else 1)
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def _factor(value: float) -> str:
    return f"{value:g}" if i18n.language() == i18n.SOURCE_LANGUAGE else i18n.number(value, decimals=3)


def _with_previous(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """Rows in semester order per indicator and beneficiary, with the previous row's semester and figure.

    Sorted in Arrow (a stable sort, missing indicators or beneficiaries last, as ``sort_values`` sorts them); a
    row follows its previous one of the same indicator and beneficiary (never of a missing one)."""
    order = _order(frame["semester"])
    semester = order.notna().to_numpy()
    ordered, order = (frame, order) if semester.all() else (frame[semester], order[semester])
    pair = [_text(ordered["indicator_id"]), _text(ordered["beneficiary"])]
    keys = pa.table({"indicator_id": pair[0], "beneficiary": pair[1], "order": order.to_numpy(dtype=float)})
    position = pc.sort_indices(keys, sort_keys=[(c, "ascending", "at_end") for c in keys.column_names])  # stable
    ordered = ordered.iloc[position.to_numpy()]
    same = np.zeros(len(ordered), dtype=bool)
    if len(ordered) > 1:
        same[1:] = True
        for values in (pc.take(text, position) for text in pair):
            equal = pc.equal(values.slice(1), values.slice(0, len(values) - 1)).fill_null(False)
            same[1:] &= equal.to_numpy(zero_copy_only=False)
    return ordered.assign(
        previous_semester=ordered["semester"].shift(1).where(same), previous_value=ordered[column].shift(1).where(same)
    )


def _of_measure(ids: pd.Series, about: pd.DataFrame, measures: tuple[str, ...]) -> np.ndarray:
    """Which rows' indicator has one of the ``measures`` (``about``: indicator_attributes)."""
    chosen = about.loc[about["measure"].isin(measures).to_numpy(dtype=bool, na_value=False), "indicator_id"]
    return pc.is_in(_text(ids), value_set=_text(chosen)).to_numpy(zero_copy_only=False)


def _messages(rows: pd.DataFrame, message, reads: tuple[str, ...] | None = None) -> list[str]:
    """One sentence per flagged row; rows alike (same figures and semesters) share theirs. ``reads``: the only
    columns ``message`` reads, when given (the others are not copied into each row's record)."""
    made: dict[tuple, str] = {}
    out = []
    for record in (rows if reads is None else rows[list(reads)]).to_dict("records"):
        key = tuple(v for k, v in record.items() if k not in ("indicator_id", "beneficiary"))
        try:
            out.append(made[key] if key in made else made.setdefault(key, message(record)))
        except TypeError:  # a value that cannot be a key: made on its own
            out.append(message(record))
    return out


@dataclass(frozen=True)
class _Found:
    """A check's flagged rows, their sentences not written yet (``frame`` writes them, for the rows shown)."""

    check: str
    rows: pd.DataFrame
    value: str  # the column holding the figure flagged
    message: Callable[[dict], str]
    reads: tuple[str, ...]  # the columns ``message`` reads

    def frame(self, chosen: np.ndarray | None = None, written: np.ndarray | None = None) -> pd.DataFrame:
        """The flags (QUALITY_COLUMNS) of all the rows, or of the ``chosen`` ones (a mask or row numbers); with
        ``written`` (a mask of the rows), only those rows' sentences are written (the others' are empty)."""
        rows = self.rows if chosen is None else self.rows.iloc[chosen]
        return _flags(self.check, rows, self.value, self.message, self.reads, written)


def _flags(
    check: str,
    rows: pd.DataFrame,
    value: str,
    message,
    reads: tuple[str, ...] | None = None,
    written: np.ndarray | None = None,
) -> pd.DataFrame:
    if rows.empty:
        return pd.DataFrame(columns=QUALITY_COLUMNS)
    if written is None:
        messages = _messages(rows, message, reads)
    else:
        messages = np.full(len(rows), "", dtype=object)
        messages[written] = _messages(rows[written], message, reads)
    return pd.DataFrame(
        {
            "check": check,
            "indicator_id": rows["indicator_id"].to_numpy(),
            "beneficiary": rows["beneficiary"].to_numpy(),
            "semester": rows["semester"].to_numpy(),
            "value": rows[value].to_numpy(dtype=float),
            "previous_semester": rows["previous_semester"].to_numpy() if "previous_semester" in rows else None,
            "previous_value": rows["previous_value"].to_numpy(dtype=float) if "previous_value" in rows else np.nan,
            "message": messages if written is None else messages.tolist(),
        }
    )


def sex_split_flags(programme: Programme) -> pd.DataFrame:
    return _sex_split(programme).frame()


def _sex_split(programme: Programme) -> _Found:
    values = programme.values
    # Only an indicator with a female row (of a whole key) can be flagged: the others are left out first.
    female = (values["sex"] == "female").to_numpy(dtype=bool, na_value=False)
    female &= values[SEMESTER_KEY].notna().all(axis=1).to_numpy(dtype=bool)
    split = values.loc[female, "indicator_id"].unique()
    values = values[values["indicator_id"].isin(split).to_numpy(dtype=bool)].dropna(subset=SEMESTER_KEY)
    sex = values["sex"].fillna("total")
    figure = pd.Series(values["value"].to_numpy(dtype=float, na_value=np.nan), index=values.index)
    parts = values.assign(sex=sex, figure=figure).drop_duplicates([*SEMESTER_KEY, "sex"], keep="last")
    wide = parts.pivot_table(index=SEMESTER_KEY, columns="sex", values="figure", aggfunc="last")
    if not {"female", "male", "total"} <= set(wide.columns):
        wrong = pd.DataFrame(columns=[*SEMESTER_KEY, "female", "male", "total"])
    else:
        wide = wide.dropna(subset=["female", "male", "total"]).reset_index()
        wrong = wide[~np.isclose(wide["female"] + wide["male"], wide["total"])]
    return _Found(
        "sex_split",
        wrong,
        "total",
        lambda r: _("female {female} + male {male} = {sum}, but the total is {total}").format(
            female=_number(r["female"]),
            male=_number(r["male"]),
            sum=_number(r["female"] + r["male"]),
            total=_number(r["total"]),
        ),
        ("female", "male", "total"),
    )


def jump_flags(programme: Programme, factor: float, values: pd.DataFrame | None = None) -> pd.DataFrame:
    return _jumps(programme, factor, values).frame()


def _reported_with_previous(values: pd.DataFrame) -> pd.DataFrame:
    """The reported semester values (``semester_values``) with the previous reported one of the same indicator and
    beneficiary: what the checks that compare semesters share. Each check keeps the rows of some indicators (by
    their measure), whole, so a row's previous one is the same as among the check's rows alone; and a reported
    count, percentage or milestone has a figure."""
    columns = [*SEMESTER_KEY, "semester_value"]  # what the checks read (the other columns need not be sorted)
    return _with_previous(values.loc[values["reported"].to_numpy(dtype=bool), columns], "semester_value")


def _jumps(
    programme: Programme,
    factor: float,
    values: pd.DataFrame | None = None,
    about: pd.DataFrame | None = None,
    previous: pd.DataFrame | None = None,
) -> _Found:
    values = semester_values(programme) if values is None and previous is None else values
    previous = _reported_with_previous(values) if previous is None else previous
    about = indicator_attributes(programme) if about is None else about
    rows = previous[_of_measure(previous["indicator_id"], about, ("count", "percentage"))]
    now, before = rows["semester_value"], rows["previous_value"]
    jumped = (now > 0) & (before > 0) & ((now > factor * before) | (now * factor < before))
    return _Found(
        "jump",
        rows[jumped.fillna(False).astype(bool)],
        "semester_value",
        lambda r: _("{value} against {previous} in {semester}, more than {factor} times apart").format(
            value=_number(r["semester_value"]),
            previous=_number(r["previous_value"]),
            semester=semester_label(str(r["previous_semester"])),
            factor=_factor(factor),
        ),
        ("semester_value", "previous_value", "previous_semester"),
    )


def falling_flags(programme: Programme, values: pd.DataFrame | None = None) -> pd.DataFrame:
    return pd.concat([found.frame() for found in _falling(programme, values)], ignore_index=True)


def _falling(
    programme: Programme,
    values: pd.DataFrame | None = None,
    about: pd.DataFrame | None = None,
    previous: pd.DataFrame | None = None,
) -> tuple[_Found, _Found]:
    about = indicator_attributes(programme) if about is None else about
    return _target_falls(programme, about), _running_total_falls(programme, values, about, previous)


def _running(about: pd.DataFrame) -> pd.Index:
    """The indicators whose figures are running totals: cumulative counts."""
    about = about.set_index("indicator_id")
    return about.index[about["cumulative"] & (about["measure"] == "count")]


def _target_falls(programme: Programme, about: pd.DataFrame) -> _Found:
    running = _running(about)
    # The targets in force of the running totals' indicators only (each key's is read from its own rows).
    targets = programme.targets
    targets = targets[targets["indicator_id"].isin(running).to_numpy(dtype=bool)]
    targets = targets_in_force(Programme({**programme.tables, "targets": targets}))
    targets = _with_previous(targets[targets["indicator_id"].isin(running)].dropna(subset=["target"]), "target")
    falls = targets[targets["target"] < targets["previous_value"]]
    # A target lowered by a meeting's documented revision (the semester's target revised, the row in force
    # with a note saying why) is a decision, not a data error: not flagged.
    revised = falls[falls["target_revised"].astype(bool)]
    if len(revised):
        rows = programme.targets[[*SEMESTER_KEY, "adopted_at", "note"]].astype({"adopted_at": "Int64"})
        rows = rows.drop_duplicates([*SEMESTER_KEY, "adopted_at"], keep="last")
        found = revised[[*SEMESTER_KEY, "target_adopted_at"]].astype({"target_adopted_at": "Int64"})
        noted = found.merge(
            rows.rename(columns={"adopted_at": "target_adopted_at"}),
            how="left",
            on=[*SEMESTER_KEY, "target_adopted_at"],
        )["note"].astype("string")
        documented = (noted.fillna("").str.strip() != "").to_numpy(dtype=bool)
        falls = falls.drop(index=revised.index[documented])
    return _Found(
        "target_falls",
        falls,
        "target",
        lambda r: _("cumulative target {target}, down from {previous} in {semester}").format(
            target=_number(r["target"]),
            previous=_number(r["previous_value"]),
            semester=semester_label(str(r["previous_semester"])),
        ),
        ("target", "previous_value", "previous_semester"),
    )


def _running_total_falls(
    programme: Programme, values: pd.DataFrame | None, about: pd.DataFrame, previous: pd.DataFrame | None
) -> _Found:
    values = semester_values(programme) if values is None and previous is None else values
    previous = _reported_with_previous(values) if previous is None else previous
    values = previous[previous["indicator_id"].isin(_running(about)).to_numpy(dtype=bool)]
    negative = values[values["semester_value"] < 0]
    return _Found(
        "running_total_falls",
        negative,
        "semester_value",
        lambda r: _("a semester value of {value} makes the running total fall").format(
            value=_number(r["semester_value"])
        ),
        ("semester_value",),
    )


def milestone_flags(programme: Programme, values: pd.DataFrame | None = None) -> pd.DataFrame:
    return _milestones(programme, values).frame()


def _milestones(
    programme: Programme,
    values: pd.DataFrame | None = None,
    about: pd.DataFrame | None = None,
    previous: pd.DataFrame | None = None,
) -> _Found:
    about = indicator_attributes(programme) if about is None else about
    values = semester_values(programme) if values is None and previous is None else values
    previous = _reported_with_previous(values) if previous is None else previous
    rows = previous[_of_measure(previous["indicator_id"], about, ("milestone",))]
    done_before = rows.groupby(["indicator_id", "beneficiary"], sort=False)["previous_value"].cummax()
    undone = rows[(rows["semester_value"] == 0) & (done_before == 1)]
    return _Found(
        "milestone_undone",
        undone,
        "semester_value",
        lambda r: _("reported not done, after done in an earlier semester (last: {semester})").format(
            semester=semester_label(str(r["previous_semester"]))
        ),
        ("previous_semester",),
    )


FLAG_SHEETS = {"target_falls": ("targets", "Value")}  # the others are about a row of the Values sheet


def capped_upload_flags(
    merged: Programme, upload: Programme, per_check: int | None, factor: float | None = None
) -> tuple[pd.DataFrame, pd.Series]:
    """The flags of the approved data with an upload applied (``merged``) that are about a row the upload holds
    (what a reviewer is warned of before approving it): the first ``per_check`` of each check (all of them with
    None), and how many flags each check has (``value_counts`` of their checks).

    Only the figures of the upload's indicators and beneficiaries are checked (a flag compares a figure with
    figures of the same indicator and beneficiary only), and sentences are written only for the flags kept."""
    factor = setting_float("QUALITY_JUMP_FACTOR") if factor is None else factor
    programme = _pairs_of(merged, upload)
    about, found = indicator_attributes(programme), []
    if not upload.values.empty:  # the checks of the Values sheet's figures (none can be about another upload)
        values = semester_values(programme)  # read once by the three checks that compare semesters
        previous = _reported_with_previous(values)
        found += [_sex_split(programme), _jumps(programme, factor, values, about, previous)]
    if not upload.targets.empty:
        found.append(_target_falls(programme, about))
    if not upload.values.empty:
        found.append(_running_total_falls(programme, values, about, previous))
        found.append(_milestones(programme, values, about, previous))
    given: dict[str, KeySet] = {}  # the keys of the upload's rows, per table (read when a check needs them)
    frames, checks = [], []
    for each in found:
        if each.rows.empty:
            continue
        table = "targets" if each.check in FLAG_SHEETS else "values"
        if table not in given:
            given[table] = KeySet(upload.tables[table], SEMESTER_KEY)
        mine = np.flatnonzero(given[table].holds(each.rows))
        checks += [each.check] * len(mine)
        frames.append(each.frame(mine[:per_check]))
    frames = [f for f in frames if not f.empty]
    frame = pd.concat(frames or [pd.DataFrame(columns=QUALITY_COLUMNS)], ignore_index=True)
    frame = frame.assign(check_label=frame["check"].map({code: _(label) for code, label in CHECKS.items()}))
    counts = pd.Series(checks, dtype=object, name="check").value_counts()
    return frame.astype({"value": float, "previous_value": float})[[*QUALITY_COLUMNS, "check_label"]], counts


def _pairs_of(merged: Programme, upload: Programme) -> Programme:
    """``merged`` with only the values and targets of the indicators and beneficiaries the upload has rows for."""
    pair = ["indicator_id", "beneficiary"]
    if 2 * (len(upload.values) + len(upload.targets)) > len(merged.values) + len(merged.targets):
        return merged  # the upload holds most of the figures: looking its pairs up would cost more than it saves
    given = KeySet(pd.concat([upload.values[pair], upload.targets[pair]], ignore_index=True), pair)
    tables = dict(merged.tables)
    for name in ("values", "targets"):
        rows = tables[name]
        keep = given.holds(rows)
        if not keep.all():
            tables[name] = rows[keep].reset_index(drop=True)
    return Programme(tables)


def late_flags(programme: Programme) -> pd.DataFrame:
    """Reports whose comment marks them late (one per indicator, beneficiary and semester)."""
    return _late(programme).frame()


def _late(programme: Programme) -> _Found:
    values = programme.values.dropna(subset=SEMESTER_KEY)
    comment = values["comment"].astype("string")
    late = values[comment.str.contains(LATE, regex=True).fillna(False).to_numpy(dtype=bool)]
    late = late.drop_duplicates(SEMESTER_KEY)
    figure = pd.Series(late["value"].to_numpy(dtype=float, na_value=np.nan), index=late.index)
    return _Found(
        "late",
        late.assign(figure=figure),
        "figure",
        lambda r: _("marked late: “{comment}”").format(comment=r["comment"]),
        ("comment",),
    )


def quality_flags(programme: Programme, factor: float | None = None, semester: str | None = None) -> pd.DataFrame:
    """Every data-quality flag of the programme (see the module docstring), with a sentence for each.

    With ``semester``: the flags of that semester only (the whole frame's rows whose semester it is, numbered
    from 0). Every check still reads every semester; sentences are written for that semester's flags only (a
    large programme has thousands of others)."""
    factor = setting_float("QUALITY_JUMP_FACTOR") if factor is None else factor
    values = semester_values(programme)  # read once by the three checks that compare semesters
    about, previous = indicator_attributes(programme), _reported_with_previous(values)

    def flags(found: _Found) -> pd.DataFrame:
        if semester is None:
            return found.frame()
        return found.frame(written=(found.rows["semester"] == semester).to_numpy(dtype=bool, na_value=False))

    found = [flags(_sex_split(programme)), flags(_jumps(programme, factor, values, about, previous))]
    falling = _falling(programme, values, about, previous)
    found += [pd.concat([flags(f) for f in falling], ignore_index=True)]
    found.append(flags(_milestones(programme, values, about, previous)))
    found.append(flags(_late(programme)))
    frame = pd.concat([f for f in found if not f.empty] or [pd.DataFrame(columns=QUALITY_COLUMNS)], ignore_index=True)
    frame = frame.assign(check_label=frame["check"].map({code: _(label) for code, label in CHECKS.items()}))
    frame = frame.astype({"value": float, "previous_value": float})[[*QUALITY_COLUMNS, "check_label"]]
    if semester is None:
        return frame
    return frame[(frame["semester"] == semester).to_numpy(dtype=bool, na_value=False)].reset_index(drop=True)


def unexplained_upload_figures(merged: Programme, upload: Programme) -> pd.DataFrame:
    """The upload's figures that would be at risk, off track or over-achieved once approved and have no comment
    (``annotations.missing_explanations`` of the keys the upload's Values rows hold): indicator_id, beneficiary,
    semester, status_label and explanation_due (why one is needed, in the current language). A row left without
    a figure is not among them: the validator already reports it as not reported."""
    columns = [*SEMESTER_KEY, "status_label", "explanation_due"]
    if upload.values.empty:
        return pd.DataFrame({c: pd.Series([], dtype="string") for c in columns})
    pair = ["indicator_id", "beneficiary"]
    targeted = upload.values[KeySet(merged.targets, pair).holds(upload.values)]  # no target, no status to explain
    if targeted.empty:
        return pd.DataFrame({c: pd.Series([], dtype="string") for c in columns})
    given = KeySet(targeted, pair)
    tables = dict(merged.tables)
    for name in ("values", "targets", "baselines"):
        tables[name] = tables[name][given.holds(tables[name])].reset_index(drop=True)
    programme = Programme(tables)
    progress = indicator_progress(programme)
    progress = progress[KeySet(targeted, SEMESTER_KEY).holds(progress)]
    progress = progress[progress["status"].isin(["achieved", "on_track", "at_risk", "off_track"]).to_numpy(bool)]
    return missing_explanations(annotated(progress.reset_index(drop=True), programme))[columns]
