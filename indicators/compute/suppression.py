"""Small-cell suppression of sensitive counts in views for donors: the rules are METHOD_TEXT below."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from indicators.compute.progress import STATUS_BY_CODE, _Keys, row_groups
from indicators.compute.rollup import _rolled
from indicators.domain import i18n
from indicators.domain.i18n import N_, _
from indicators.domain.reference import COUNTRY_CODES
from indicators.domain.settings import setting_int

# The rules, in words people read: the Method page shows them in the reader's language (``_(METHOD_TEXT)``).
METHOD_TEXT = N_(
    """Small-cell suppression of sensitive counts in views for donors.

Every figure a donor sees is computed from what the donor view shows, or hidden with the figures it depends on:

- Primary: a sensitive count (a value, a value to date or a baseline) from 1 to threshold - 1 is shown as
  "<threshold" and its value removed. Zero is shown as 0.
- Secondary: in each group whose total could be shown (one indicator and semester across the countries, or
  female and male within a total) that has a hidden cell, the smallest shown non-zero cells are hidden too
  (shown as "[c]", confidential) until at least two cells are hidden and they add up to the threshold or more.
- A hidden count or baseline also hides its progress and status: with the visible target, either would give
  the hidden figure back or bound it.
- Sensitive cumulative counts: donors see running totals only (the semester's new units could be read off two
  totals). A total is hidden when it rose by a small count since the semester before, or differs by a small
  count from the last figure of its series donors see (the last total shown, or the baseline), so no two
  figures shown can be subtracted into a small count.
- Regional roll-ups: a regional baseline, actual, "beneficiaries meeting the target", progress or status that
  depends on a hidden figure of a beneficiary is hidden too; the others add up figures donors see.
- Headline figures for donors leave out what is hidden (the "on track" share counts the statuses shown).
- A hidden count also hides its progress to the end-of-action target and its forecast. A figure carried
  forward for a beneficiary that did not report is not shown to donors for sensitive counts, a regional total
  equal to a hidden total of the semester before is hidden too, and the "n of m beneficiaries reported" of a
  hidden regional total is hidden with it."""
)
__doc__ = METHOD_TEXT  # help() and inspect read the rules too

SECONDARY = "[c]"  # confidential: the same mark in every language, like "<5"
RUNNING_TOTAL_ONLY = N_("running total only")  # what donors read for a semester's new units of a running total
NO_REPORT = N_("no report")  # a figure carried forward, not shown to donors
HIDDEN_COVERAGE = N_("hidden with the figure")  # "n of m beneficiaries reported" of a hidden regional total
DONOR_VALUE_COLUMNS = ("semester_value", "actual")
DISPLAY_COLUMNS = ["baseline_display", "semester_value_display", "actual_display"]
HIDDEN_MARKS = (SECONDARY, RUNNING_TOTAL_ONLY)  # in English; hidden_marks() in the current language


def hidden_marks() -> tuple[str, ...]:
    """The display texts of hidden figures besides "<threshold", in the current language."""
    return (SECONDARY, _(RUNNING_TOTAL_ONLY))


def shown(value: object) -> str:
    """A count as shown: whole numbers without decimals, others to one decimal, empty when missing (in French
    with a decimal comma: 2,5)."""
    if value is None or pd.isna(value):
        return ""
    number = float(value)
    if i18n.language() != i18n.SOURCE_LANGUAGE:
        return i18n.number(number, decimals=0 if number.is_integer() else 1)
    return f"{number:.0f}" if number.is_integer() else f"{number:.1f}"


def shown_column(values: pd.Series) -> pd.Series:
    """``shown`` for a whole column, formatting each distinct figure once."""
    return _shown_with_marks(values, [])


def _shown_with_marks(values: pd.Series, marks: list[tuple[np.ndarray, str]]) -> pd.Series:
    """``shown_column(values)`` with each ``(where, text)`` of ``marks`` written over it in turn (the last one
    first where two apply), as one text column made by one take (a ``where`` per mark copies the whole column)."""
    positions, distinct = pd.factorize(values)
    texts = [*(shown(v) for v in distinct), ""]  # the last: a missing figure
    chosen = np.where(positions < 0, len(distinct), positions)
    for where, text in marks:
        chosen = np.where(where, len(texts), chosen)
        texts.append(text)
    return pd.Series(pd.array(texts, dtype="string").take(chosen), index=values.index)


def _masked(column: pd.Series, hidden: pd.Series | np.ndarray, value: str | None = None) -> pd.Series:
    """``column.mask(hidden, value)`` (missing without ``value``). A text column is masked by Arrow's own if-else:
    pandas masks Arrow text through a slower replace, several milliseconds per 100,000 rows."""
    array = column.array
    aligned = not isinstance(hidden, pd.Series) or hidden.index.equals(column.index)
    if not (isinstance(array, pd.arrays.ArrowStringArray) and aligned and np.asarray(hidden).dtype == bool):
        return column.mask(hidden) if value is None else column.mask(hidden, value)
    data = array.__arrow_array__()
    chosen = pc.if_else(pa.array(np.asarray(hidden)), pa.scalar(value, type=data.type), data)
    return pd.Series(type(array)(chosen, dtype=array.dtype), index=column.index, name=column.name)


def _eligible(frame: pd.DataFrame, sensitive_col: str) -> pd.Series:
    sensitive = frame[sensitive_col].astype("boolean").fillna(False).astype(bool)
    if "measure" in frame.columns:
        sensitive &= (frame["measure"] == "count").fillna(False).astype(bool)
    return sensitive


def _secondary(values: pd.Series, primary: pd.Series, groups: list[pd.Series], threshold: int) -> pd.Series:
    """``_secondary_cells`` for Series, grouped by the values of ``groups`` (a missing value is a value)."""
    keys = pd.DataFrame({i: g.to_numpy() for i, g in enumerate(groups)}, index=values.index)
    group = row_groups(keys, list(keys.columns)) if groups else np.zeros(len(values), dtype=np.int64)
    figures = values.to_numpy(dtype=float, na_value=np.nan)
    return pd.Series(_secondary_cells(figures, primary.to_numpy(dtype=bool), group, threshold), index=values.index)


def _secondary_cells(figures: np.ndarray, hidden: np.ndarray, group: np.ndarray, threshold: int) -> np.ndarray:
    """Further cells to hide so that a group total cannot give a hidden cell away: in each group (numbered
    0, 1, ...) with a hidden cell, the smallest shown non-zero cells are hidden until at least two are hidden
    and the hidden cells add up to the threshold or more (total minus shown cells then bounds no single small
    count)."""
    # 1. Per group, the cells hidden already and their sum.
    hidden_count = np.bincount(group, weights=hidden, minlength=group.max(initial=-1) + 1)
    hidden_sum = np.bincount(group, weights=np.where(hidden, np.nan_to_num(figures), 0.0), minlength=len(hidden_count))
    # 2. Candidates: shown non-zero cells of groups with a hidden cell, smallest first (ties in row order).
    candidate = ~hidden & ~np.isnan(figures) & (figures != 0) & (hidden_count[group] > 0)
    rows = np.flatnonzero(candidate)
    rows = rows[np.lexsort((rows, figures[rows], group[rows]))]
    cells = pd.DataFrame({"group": group[rows], "figure": figures[rows]})
    by_group = cells.groupby("group", sort=False)["figure"]
    # 3. Before each candidate: how many cells are hidden and their sum, had every smaller candidate been hidden.
    count_before = hidden_count[cells["group"]] + by_group.cumcount().to_numpy()
    sum_before = hidden_sum[cells["group"]] + (by_group.cumsum() - cells["figure"]).to_numpy()
    # 4. Candidates are hidden, smallest first, until two or more hidden cells add up to the threshold.
    enough = pd.Series((count_before >= 2) & (sum_before >= threshold), index=cells.index)
    stop = enough.groupby(cells["group"], sort=False).cummax().to_numpy(dtype=bool)
    extra = np.zeros(len(figures), dtype=bool)
    extra[rows[~stop]] = True
    return extra


def suppress_small_counts(
    frame: pd.DataFrame,
    value_col: str,
    group_cols: Sequence[str],
    threshold: int | None = None,
    sensitive_col: str = "sensitive",
    force: pd.Series | None = None,
) -> pd.DataFrame:
    """The frame with ``display`` (text) and ``suppressed`` (bool); suppressed values become missing.

    ``force`` marks further cells to hide as primary (e.g. a running total whose increment is small).
    """
    threshold = setting_int("SUPPRESS_BELOW") if threshold is None else threshold
    cells = _Cells.of(frame, value_col, _groups(frame, group_cols), _eligible(frame, sensitive_col))
    if force is not None and not force.index.equals(frame.index):  # matched to the frame's rows by label
        force = force.reindex(frame.index)
    forced = None if force is None else force.fillna(False).to_numpy(dtype=bool)
    return cells.hide(threshold, forced).applied(frame, value_col, threshold)


def _groups(frame: pd.DataFrame, columns: Sequence[str]) -> np.ndarray:
    """Each row's group by ``columns`` (numbered 0, 1, ...; a missing value is a value); one group without any."""
    return row_groups(frame, list(columns)) if columns else np.zeros(len(frame), dtype=np.int64)


@dataclass(frozen=True)
class _Cells:
    """The figures of one column as plain arrays: each row's group (numbered 0, 1, ...) and whether the figure
    is a sensitive count, read once so that suppression can be repeated cheaply."""

    figures: np.ndarray
    group: np.ndarray
    eligible: np.ndarray

    @classmethod
    def of(cls, frame: pd.DataFrame, value_col: str, group: np.ndarray, eligible: pd.Series) -> _Cells:
        figures = frame[value_col].to_numpy(dtype=float, na_value=np.nan)
        return cls(figures, group, eligible.to_numpy(dtype=bool))

    def hide(self, threshold: int, force: np.ndarray | None = None) -> _Hidden:
        """Primary cells (small sensitive counts, and ``force`` besides), then the secondary ones."""
        small = self.eligible & (self.figures > 0) & (self.figures < threshold)
        forced = np.zeros(len(small), dtype=bool) if force is None else force & ~small
        secondary = _secondary_cells(self.figures, small | forced, self.group, threshold)
        return _Hidden(self.figures, small, forced, secondary)


@dataclass(frozen=True)
class _Hidden:
    """Which figures are hidden, and why: a small count, forced, or secondary."""

    figures: np.ndarray
    small: np.ndarray
    forced: np.ndarray
    secondary: np.ndarray

    @property
    def suppressed(self) -> np.ndarray:
        return self.small | self.forced | self.secondary

    def applied(self, frame: pd.DataFrame, value_col: str, threshold: int) -> pd.DataFrame:
        """The frame with its hidden values removed, ``display`` (text) and ``suppressed`` (bool)."""
        values = pd.Series(self.figures, index=frame.index)
        marks = [(self.small, f"<{threshold}"), (self.secondary | self.forced, SECONDARY)]
        return frame.assign(
            **{value_col: frame[value_col].mask(self.suppressed)},
            display=_shown_with_marks(values, marks),
            suppressed=self.suppressed,
        )


@dataclass
class _RunningTotals:
    """The running totals of sensitive cumulative counts, series by series in semester order, as plain lists
    read once: ``to_hide`` scans them again each time the cells already hidden change, only the series where
    they changed."""

    rows: np.ndarray  # each total's row in the frame, series after series, semesters in order
    bounds: list[int]  # where each series starts among them, and where the last one ends
    totals: list[float]
    baselines: list[float]  # the true baseline (0 when missing)
    shown_first: list[float]  # the baseline a donor sees (0 when hidden or missing)
    _last: tuple[int, np.ndarray, np.ndarray] | None = None  # the previous call's threshold, rows hidden, result

    @classmethod
    def of(cls, frame: pd.DataFrame, baseline_shown: pd.Series, keys: _KeyRanks) -> _RunningTotals:
        """``frame``: the progress rows with their true baselines; ``baseline_shown``: the baselines donors see;
        ``keys``: the frame's key columns as ranks."""
        # 1. Sensitive cumulative counts, sorted by indicator, beneficiary and semester (stable; missing last).
        chosen = _eligible(frame, "sensitive") & frame["cumulative"].astype("boolean").fillna(False)
        chosen = np.flatnonzero(chosen.to_numpy(dtype=bool))
        indicator, beneficiary, semester = keys.indicator[chosen], keys.beneficiary[chosen], keys.semester[chosen]
        order = np.lexsort((semester, beneficiary, indicator))
        rows, indicator, beneficiary = chosen[order], indicator[order], beneficiary[order]
        # 2. A series starts where the indicator or the beneficiary changes (or either is missing).
        changed = (indicator[1:] != indicator[:-1]) | (beneficiary[1:] != beneficiary[:-1])
        starts = np.r_[True, changed] | keys.missing_pair[rows] if len(rows) else np.zeros(0, dtype=bool)

        def floats(column: pd.Series, missing_as: float = np.nan) -> list[float]:
            return np.nan_to_num(column.to_numpy(dtype=float, na_value=np.nan)[rows], nan=missing_as).tolist()

        return cls(
            rows,
            [*np.flatnonzero(starts).tolist(), len(rows)],
            floats(frame["actual"]),
            floats(frame["baseline"], 0.0),
            floats(baseline_shown, 0.0),
        )

    def to_hide(self, hidden: np.ndarray, threshold: int) -> np.ndarray:
        """Running totals to hide so that no two shown figures differ by a small count: a total is hidden when
        it rose by 1 to threshold-1 since the semester before (20 - 17 = 3), or since the last figure of its
        series a donor sees (the last total shown, else the baseline shown, else 0), so the totals around a
        hidden one cannot be subtracted into a small count either; a total equal to a hidden one just before it
        (carried forward, no report since) is hidden with it. ``hidden`` marks the frame's rows already hidden;
        they are skipped as the last shown figure."""
        already = hidden[self.rows]
        series = range(len(self.bounds) - 1)
        hide = np.zeros(len(self.rows), dtype=bool)
        if self._last is not None and self._last[0] == threshold:  # a series whose rows already hidden are as
            before, hide = self._last[1], self._last[2].copy()  # before is hidden as before
            moved = np.flatnonzero(already != before)
            series = np.unique(np.searchsorted(self.bounds, moved, side="right") - 1).tolist()
        for number in series:
            start, end = self.bounds[number], self.bounds[number + 1]
            hide[start:end] = self._scan(start, end, already[start:end].tolist(), threshold)
        self._last = (threshold, already, hide)
        out = np.zeros(len(hidden), dtype=bool)
        out[self.rows[hide]] = True
        return out

    def _scan(self, start: int, end: int, already: list[bool], threshold: int) -> list[bool]:
        """One series in semester order, carrying the last figure a donor sees."""
        hide = [False] * (end - start)
        before, last_shown, hidden_before = self.baselines[start], self.shown_first[start], False
        for i in range(end - start):
            total = self.totals[start + i]
            if total != total:  # nothing reported: no figure shown, the running total stays as it was
                continue
            rise, since_shown = total - before, total - last_shown
            before = total
            # A total equal to a hidden one before it (carried forward: no report since) would give it away.
            small_step = 0 < abs(rise) < threshold or 0 < abs(since_shown) < threshold
            if already[i] or small_step or (rise == 0 and hidden_before):
                hide[i] = hidden_before = True
            else:
                last_shown, hidden_before = total, False
        return hide


@dataclass(frozen=True)
class _KeyRanks:
    """A progress frame's indicator, beneficiary and semester as ranks among their distinct values (missing
    last), read once: rows are grouped and sorted by these integers instead of by text."""

    indicator: np.ndarray
    beneficiary: np.ndarray
    semester: np.ndarray
    missing_pair: np.ndarray  # the indicator or the beneficiary is missing
    area: np.ndarray  # 0: one of the countries (rolled up together), else 1 + the beneficiary's rank

    @classmethod
    def of(cls, frame: pd.DataFrame) -> _KeyRanks:
        ranks, missing, distinct = {}, {}, {}
        for column in ("indicator_id", "beneficiary", "semester"):
            codes, distinct[column] = pd.factorize(frame[column], sort=True)
            missing[column] = codes < 0
            ranks[column] = np.where(missing[column], len(distinct[column]), codes)
        # Whether each row's beneficiary is a country (the last entry: a missing one is not).
        country = np.append(pd.Index(distinct["beneficiary"]).isin(COUNTRY_CODES), False)[ranks["beneficiary"]]
        return cls(
            ranks["indicator_id"],
            ranks["beneficiary"],
            ranks["semester"],
            missing["indicator_id"] | missing["beneficiary"],
            np.where(country, 0, ranks["beneficiary"] + 1),
        )

    @staticmethod
    def groups(*ranks: np.ndarray) -> np.ndarray:
        """Each row's group by the given ranks, numbered 0, 1, ... in the order the groups first come."""
        key = np.zeros(len(ranks[0]), dtype=np.int64)
        for rank in ranks:
            key = key * (int(rank.max(initial=0)) + 1) + rank
        return pd.factorize(key)[0]


def _small_increments(frame: pd.DataFrame, value: str, series_cols: list[str], threshold: int) -> pd.Series:
    """Regional running totals that rose by 1 to threshold-1 since the last semester (20 - 17 = 3)."""
    ordered = frame.sort_values("semester")
    previous = ordered.groupby(series_cols, dropna=False)[value].shift(1)
    rise = (ordered[value] - previous).reindex(frame.index)
    cumulative = frame["cumulative"].astype("boolean").fillna(False) if "cumulative" in frame else False
    return _eligible(frame, "sensitive") & cumulative & (rise > 0) & (rise < threshold)


# Figures derived from an actual (progress to the end target, the forecast and the semester it names): hidden
# with the actual, as each with the visible targets would give it back.
# Figures read from a row's value or status (compute/forecast.py, compute/annotations.py): hidden with it. A
# comment may quote the figure; the status against an original target bounds it as the status does.
DERIVED_COLUMNS = (
    "progress_reporting",
    "end_progress",
    "forecast",
    "forecast_semester",
    "forecast_text",
    "comment",
    "explanation_due",
    "status_original",
    "status_by_revision",
)


def _removed(column: pd.Series, hidden: pd.Series | np.ndarray) -> pd.Series:
    """``column`` with its hidden values missing (left as it is when every hidden value is missing already:
    masking a long text column costs as much as copying it)."""
    hidden = np.asarray(hidden, dtype=bool)
    return _masked(column, hidden) if (hidden & column.notna().to_numpy(dtype=bool)).any() else column


def _mask_status(frame: pd.DataFrame, hidden: pd.Series, derived_hidden: pd.Series | None = None) -> pd.DataFrame:
    """Status hidden with its figure: a status and the visible target would bound the hidden value.
    ``derived_hidden``: where DERIVED_COLUMNS are hidden, when more than ``hidden`` (a figure carried forward)."""
    code = STATUS_BY_CODE["suppressed"]
    derived_hidden = hidden if derived_hidden is None else derived_hidden
    derived = {c: _removed(frame[c], derived_hidden) for c in DERIVED_COLUMNS if c in frame.columns}
    return frame.assign(
        **derived,
        progress=_removed(frame["progress"], hidden),
        progress_display=_removed(frame["progress_display"], hidden),
        status=_masked(frame["status"], hidden, code.code),
        status_label=_masked(frame["status_label"], hidden, code.label),  # in the current language
        status_symbol=_masked(frame["status_symbol"], hidden, code.symbol),
    )


def _donor_baselines(progress: pd.DataFrame, keys: _KeyRanks, threshold: int) -> pd.DataFrame:
    """Per row: the baseline of its indicator and beneficiary as donors see it, ``baseline`` (hidden ones
    missing), ``baseline_display`` and ``_baseline_hidden``; small baselines of sensitive counts are suppressed
    like the values (one cell per indicator and beneficiary: the first row of each, grouped by indicator
    across the countries, or regional)."""
    pair = keys.groups(keys.indicator, keys.beneficiary)
    _, first = np.unique(pair, return_index=True)  # pairs are numbered in the order they first come
    pairs = progress[[c for c in ("baseline", "sensitive", "measure") if c in progress.columns]].iloc[first]
    group = keys.groups(keys.indicator[first], keys.area[first])
    safe = _Cells.of(pairs, "baseline", group, _eligible(pairs, "sensitive")).hide(threshold)
    shown = safe.applied(pairs, "baseline", threshold)
    return pd.DataFrame(
        {
            "baseline": shown["baseline"].to_numpy()[pair],
            "baseline_display": shown["display"].array.take(pair),
            "_baseline_hidden": safe.suppressed[pair],
        },
        index=progress.index,
    )


def donor_progress(progress: pd.DataFrame, threshold: int | None = None) -> pd.DataFrame:
    """An indicator_progress frame safe for donors: sensitive counts suppressed with their dependent figures.

    Adds ``baseline_display``, ``semester_value_display``, ``actual_display`` and ``suppressed`` (any figure
    of the row hidden). A hidden baseline or actual also hides progress and status (with the visible target
    either gives it back, or bounds it); a hidden semester value also hides numerator and denominator. For
    sensitive cumulative counts donors see running totals only (the semester's new units could be read off two
    totals), and totals are hidden until they differ from the last figure shown by 0 or at least the threshold.
    """
    threshold = setting_int("SUPPRESS_BELOW") if threshold is None else threshold
    keys = _KeyRanks.of(progress)
    out = progress.assign(**_donor_baselines(progress, keys, threshold))
    eligible = _eligible(out, "sensitive")
    running = (eligible & out["cumulative"].astype("boolean").fillna(False)).to_numpy(dtype=bool)
    group = keys.groups(keys.indicator, keys.semester, keys.area)  # an indicator and semester: countries, or REG

    values = _Cells.of(out, "semester_value", group, eligible).hide(threshold)
    # Running totals: hidden ones change which figure a later total is compared with, so repeat until settled.
    actual_cells = _Cells.of(out, "actual", group, eligible)
    running_totals = _RunningTotals.of(progress, out["baseline"], keys)
    hidden = np.zeros(len(out), dtype=bool)
    while True:
        actuals = actual_cells.hide(threshold, force=hidden | running_totals.to_hide(hidden, threshold))
        if np.array_equal(actuals.suppressed, hidden):
            break
        hidden = actuals.suppressed
    values_shown = values.applied(out, "semester_value", threshold)
    actuals_shown = actuals.applied(out, "actual", threshold)
    value_hidden = values.suppressed | running | (actuals.suppressed & ~running)
    actual_hidden = actuals.suppressed
    out = out.assign(
        semester_value=values_shown["semester_value"].mask(value_hidden),
        semester_value_display=_masked(
            _masked(values_shown["display"], value_hidden & ~values.suppressed, SECONDARY),
            running,
            _(RUNNING_TOTAL_ONLY),
        ),
        actual=actuals_shown["actual"],
        actual_display=actuals_shown["display"],
        numerator=out["numerator"].mask(value_hidden),
        denominator=out["denominator"].mask(value_hidden),
        suppressed=values.suppressed | actual_hidden | out["_baseline_hidden"],
    )
    # A figure carried forward is no report: not shown to donors for sensitive counts, nor what is derived from
    # it (hiding more cells never reveals one).
    carried = pd.Series(False, index=out.index)
    if "carried" in out.columns:
        carried = out["carried"].astype("boolean").fillna(False).astype(bool) & eligible
    status_hidden = actual_hidden | out["_baseline_hidden"]
    out = _mask_status(out, status_hidden, status_hidden | carried).assign(
        actual=out["actual"].mask(carried),
        actual_display=_masked(out["actual_display"], carried, _(NO_REPORT)),
        suppressed=out["suppressed"] | carried,
    )
    return out[[*progress.columns, *DISPLAY_COLUMNS, "suppressed"]]


def own_progress(progress: pd.DataFrame, safe: pd.DataFrame, beneficiaries: Sequence[str]) -> pd.DataFrame:
    """The progress frame of someone who sees only some beneficiaries' sensitive counts unsuppressed (an analyst
    limited to them: need to know): those beneficiaries' rows as computed, with their figures in the display
    columns; every other row as donors see it (``safe``, the ``donor_progress`` of the same ``progress``).

    Regional roll-ups and headline figures add up every beneficiary: such a person is given the donor ones."""
    own = progress["beneficiary"].astype("string").isin(list(beneficiaries)).fillna(False).to_numpy(dtype=bool)
    shown_rows = progress[own].assign(
        baseline_display=shown_column(progress["baseline"][own]),
        semester_value_display=shown_column(progress["semester_value"][own]),
        actual_display=shown_column(progress["actual"][own]),
        suppressed=False,
    )
    mixed = pd.concat([shown_rows, safe[~own]]).loc[progress.index]
    return mixed.astype(safe.dtypes.to_dict())[safe.columns]


def _after_hidden(frame: pd.DataFrame, hidden: pd.Series, value: str, series_cols: list[str]) -> pd.Series:
    """``hidden`` and every figure equal to a hidden figure of the semester before (in each series), so that a
    total carried over unchanged cannot show what was hidden."""
    ordered = frame.sort_values("semester")
    same = (ordered[value] == ordered.groupby(series_cols, dropna=False)[value].shift(1)).fillna(False)
    hidden = hidden.reindex(ordered.index)
    for _round in range(len(ordered)):
        before = hidden.groupby([ordered[c] for c in series_cols], dropna=False).shift(1).fillna(False).astype(bool)
        grown = hidden | (same.astype(bool) & before)
        if grown.equals(hidden):
            break
        hidden = grown
    return hidden.reindex(frame.index)


def _hidden_behind(rollup: pd.DataFrame, safe: pd.DataFrame) -> pd.DataFrame:
    """Per regional row: whether a baseline, an actual or a status of the beneficiaries it adds up is hidden."""
    marks, key = hidden_marks(), ["indicator_id", "semester"]
    # The rows rolled up (of an indicator and semester both given), read as whole columns, then looked up by
    # integer keys (grouping and merging by the text keys cost several times more).
    rolled = _rolled(safe, np.ones(len(safe), dtype=bool)) & safe[key].notna().all(axis=1).to_numpy(dtype=bool)

    def hidden(column: str, also: tuple[str, ...] = ()) -> np.ndarray:
        text = safe[column]
        found = text.isin([*marks, *also]).to_numpy(dtype=bool, na_value=False)
        return rolled & (found | text.str.startswith("<").to_numpy(dtype=bool, na_value=False))

    flags = {
        "_baseline": hidden("baseline_display"),
        # A sensitive figure carried forward is shown as "no report": the regional total it is carried into
        # would give it back (and with it a total hidden when it was reported), so that total is hidden too.
        "_actual": hidden("actual_display", (_(NO_REPORT),)),
        "_status": rolled & (safe["status"] == STATUS_BY_CODE["suppressed"].code).to_numpy(dtype=bool, na_value=False),
    }
    regional, rows = _Keys.of(rollup, key).joint(_Keys.of(safe, key))
    size = int(max(regional.max(initial=0), rows.max(initial=0))) + 1
    behind = {}
    for name, flagged in flags.items():
        any_flagged = np.zeros(size, dtype=bool)
        any_flagged[rows[flagged]] = True
        behind[name] = any_flagged[regional]
    return pd.DataFrame(behind, index=rollup.index)


def donor_rollup(
    rollup: pd.DataFrame, progress: pd.DataFrame, threshold: int | None = None, safe: pd.DataFrame | None = None
) -> pd.DataFrame:
    """A regional_rollup frame safe for donors: every regional figure that depends on a hidden figure of a
    beneficiary is hidden with it, and small summed actuals of sensitive counts are hidden with progress.

    Adds ``baseline_display``, ``actual_display``, ``beneficiaries_meeting_target_display`` and
    ``suppressed``. A regional baseline hides when a baseline it adds up is hidden; the actual when an actual
    it adds up is hidden (for count_meeting_target, a status it counts); progress and status when any of them
    is; "meeting the target" when a status it counts is hidden. Otherwise each regional figure is computed
    from figures donors see, so it tells them nothing more.
        ``safe`` is ``donor_progress(progress, threshold)`` when the caller has it already (the app caches it).
    """
    threshold = setting_int("SUPPRESS_BELOW") if threshold is None else threshold
    safe = donor_progress(progress, threshold) if safe is None else safe  # the caller's, when it has it cached
    behind = _hidden_behind(rollup, safe)
    # The indicator's measure, sensitivity and whether it is cumulative, from its first progress row.
    kinds = progress[["indicator_id", "measure", "sensitive", "cumulative"]].drop_duplicates("indicator_id")
    found = pd.Index(kinds["indicator_id"]).get_indexer(rollup["indicator_id"])
    kind = {c: kinds[c].array.take(found, allow_fill=True) for c in ("measure", "sensitive", "cumulative")}
    summed = rollup.assign(
        measure=kind["measure"],
        sensitive=pd.array(kind["sensitive"], dtype="boolean").fillna(False) & (rollup["aggregation"] == "sum"),
        cumulative=kind["cumulative"],
    )
    counting = summed["aggregation"] == "count_meeting_target"
    force = _small_increments(summed, "actual", ["indicator_id"], threshold)
    force |= behind["_actual"] | (counting & behind["_status"])
    out = suppress_small_counts(summed, "actual", ["indicator_id", "semester"], threshold, force=force)
    # A regional total equal to a hidden total of the semester before would show it again: hidden too.
    carried_over = _after_hidden(summed, out["suppressed"], "actual", ["indicator_id"]) & summed["sensitive"]
    out = out.assign(
        actual=out["actual"].mask(carried_over),
        display=out["display"].mask(carried_over & ~out["suppressed"], SECONDARY),
        suppressed=out["suppressed"] | carried_over,
    )
    if "coverage" in out.columns:
        unsaid = out["suppressed"] | behind["_actual"]  # which beneficiaries reported would tell the hidden one
        out = out.assign(
            coverage=out["coverage"].mask(unsaid, _(HIDDEN_COVERAGE)),
            **{c: out[c].mask(unsaid) for c in ("target_reporting", "coverage_share") if c in out.columns},
        )
    status_hidden = out["suppressed"] | behind["_baseline"] | behind["_status"]
    meeting = out["beneficiaries_meeting_target"].astype("Int64").mask(behind["_status"])
    out = _mask_status(out, status_hidden).assign(
        baseline=out["baseline"].mask(behind["_baseline"]),
        baseline_display=shown_column(out["baseline"]).where(~behind["_baseline"], SECONDARY).astype("string"),
        beneficiaries_meeting_target=meeting,
        beneficiaries_meeting_target_display=shown_column(meeting)
        .where(~behind["_status"], SECONDARY)
        .astype("string"),
        suppressed=status_hidden | behind["_actual"],
    )
    return out.rename(columns={"display": "actual_display"}).drop(columns=["measure", "sensitive", "cumulative"])
