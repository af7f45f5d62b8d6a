"""Small-cell suppression of sensitive counts in views for donors: the rules are METHOD_TEXT below."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from indicators.compute.progress import KEY as PAIR
from indicators.compute.progress import STATUS_BY_CODE, row_groups
from indicators.compute.rollup import _rolled_beneficiaries
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
DONOR_GROUP = ("indicator_id", "semester", "_area")  # _area: the countries together (as rolled up), or REG
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
    positions, distinct = pd.factorize(values)
    texts = pd.array([shown(v) for v in distinct], dtype="string")
    return pd.Series(texts.take(positions, allow_fill=True), index=values.index).fillna("")


def _eligible(frame: pd.DataFrame, sensitive_col: str) -> pd.Series:
    sensitive = frame[sensitive_col].astype("boolean").fillna(False).astype(bool)
    if "measure" in frame.columns:
        sensitive &= (frame["measure"] == "count").fillna(False).astype(bool)
    return sensitive


def _secondary(values: pd.Series, primary: pd.Series, groups: list[pd.Series], threshold: int) -> pd.Series:
    """Further cells to hide so that a group total cannot give a hidden cell away: in each group with a
    hidden cell, the smallest shown non-zero cells are hidden until at least two are hidden and the hidden
    cells add up to the threshold or more (total minus shown cells then bounds no single small count)."""
    # 1. Each row's group (a missing value is a value); per group, the cells hidden already and their sum.
    keys = pd.DataFrame({i: g.to_numpy() for i, g in enumerate(groups)}, index=values.index)
    group = row_groups(keys, list(keys.columns)) if groups else np.zeros(len(values), dtype=np.int64)
    hidden = primary.to_numpy(dtype=bool)
    figures = values.to_numpy(dtype=float, na_value=np.nan)
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
    extra = np.zeros(len(values), dtype=bool)
    extra[rows[~stop]] = True
    return pd.Series(extra, index=values.index)


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
    values = pd.Series(frame[value_col].to_numpy(dtype=float, na_value=np.nan), index=frame.index)
    small = _eligible(frame, sensitive_col) & (values > 0) & (values < threshold)
    forced = pd.Series(False, index=frame.index) if force is None else force.fillna(False).astype(bool) & ~small
    primary = small | forced
    secondary = _secondary(values, primary, [frame[c] for c in group_cols], threshold)
    suppressed = primary | secondary
    display = shown_column(values).where(~small, f"<{threshold}").where(~(secondary | forced), SECONDARY)
    return frame.assign(
        **{value_col: frame[value_col].mask(suppressed)},
        display=display.astype("string"),
        suppressed=suppressed.astype(bool),
    )


def _running_totals_to_hide(
    frame: pd.DataFrame, hidden: pd.Series, baseline_shown: pd.Series, threshold: int
) -> pd.Series:
    """Running totals of sensitive cumulative counts to hide so that no two shown figures differ by a small
    count: a total is hidden when it rose by 1 to threshold-1 since the semester before (20 - 17 = 3), or since
    the last figure of its series a donor sees (the last total shown, else the baseline shown, else 0), so
    the totals around a hidden one cannot be subtracted into a small count either; a total equal to a hidden one
    just before it (carried forward, no report since) is hidden with it. ``hidden`` marks totals already
    hidden; they are skipped as the last shown figure."""
    series = frame[_eligible(frame, "sensitive") & frame["cumulative"].astype("boolean").fillna(False)]
    series = series.sort_values(["indicator_id", "beneficiary", "semester"], kind="stable")
    # Each series is read in semester order, carrying the last figure shown: a scan over plain arrays.
    keys = series["indicator_id"].astype("string") + "\x1f" + series["beneficiary"].astype("string")
    starts = (keys != keys.shift(1)).fillna(True).to_numpy(dtype=bool)
    totals = series["actual"].to_numpy(dtype=float, na_value=np.nan)
    baselines = np.nan_to_num(series["baseline"].to_numpy(dtype=float, na_value=np.nan), nan=0.0)
    shown_first = np.nan_to_num(baseline_shown.reindex(series.index).to_numpy(dtype=float, na_value=np.nan), nan=0.0)
    already = hidden.reindex(series.index).fillna(False).to_numpy(dtype=bool)
    hide = np.zeros(len(series), dtype=bool)
    before = last_shown = 0.0
    hidden_before = False
    for i in range(len(series)):
        if starts[i]:
            before, last_shown, hidden_before = baselines[i], shown_first[i], False
        total = totals[i]
        if total != total:  # nothing reported: no figure shown, the running total stays as it was
            continue
        rise, since_shown = total - before, total - last_shown
        before = total
        # A total equal to a hidden one before it (carried forward: no report since) would give it away.
        if already[i] or 0 < abs(rise) < threshold or 0 < abs(since_shown) < threshold or (rise == 0 and hidden_before):
            hide[i] = True
            hidden_before = True
        else:
            last_shown = total
            hidden_before = False
    out = pd.Series(False, index=frame.index)
    out[series.index[hide]] = True
    return out


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
    "end_progress",
    "forecast",
    "forecast_semester",
    "forecast_text",
    "comment",
    "explanation_due",
    "status_original",
    "status_by_revision",
)


def _mask_status(frame: pd.DataFrame, hidden: pd.Series) -> pd.DataFrame:
    """Status hidden with its figure: a status and the visible target would bound the hidden value."""
    code = STATUS_BY_CODE["suppressed"]
    derived = {c: frame[c].mask(hidden) for c in DERIVED_COLUMNS if c in frame.columns}
    return frame.assign(
        **derived,
        progress=frame["progress"].mask(hidden),
        progress_display=frame["progress_display"].mask(hidden),
        status=frame["status"].mask(hidden, code.code),
        status_label=frame["status_label"].mask(hidden, code.label),  # in the current language
        status_symbol=frame["status_symbol"].mask(hidden, code.symbol),
    )


def _donor_baselines(progress: pd.DataFrame, threshold: int) -> pd.DataFrame:
    """Per indicator and beneficiary: ``baseline`` (hidden ones missing), ``baseline_display`` and
    ``_baseline_hidden``; small baselines of sensitive counts are suppressed like the values."""
    pairs = progress[[*PAIR, "_area", "measure", "sensitive", "baseline"]].drop_duplicates(PAIR)
    safe = suppress_small_counts(pairs, "baseline", ["indicator_id", "_area"], threshold)
    return safe[[*PAIR, "baseline", "display", "suppressed"]].rename(
        columns={"display": "baseline_display", "suppressed": "_baseline_hidden"}
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
    area = progress["beneficiary"].where(~progress["beneficiary"].isin(COUNTRY_CODES), "countries")
    out = progress.assign(_area=area)
    baselines = _donor_baselines(out, threshold)
    out = out.drop(columns="baseline").merge(baselines, how="left", on=PAIR, validate="many_to_one")
    out.index = progress.index
    out = out.assign(_baseline_hidden=out["_baseline_hidden"].astype("boolean").fillna(False).astype(bool))
    truth = progress["baseline"]
    running = _eligible(out, "sensitive") & out["cumulative"].astype("boolean").fillna(False)

    values = suppress_small_counts(out, "semester_value", DONOR_GROUP, threshold)
    # Running totals: hidden ones change which figure a later total is compared with, so repeat until settled.
    hidden = pd.Series(False, index=out.index)
    while True:
        force = hidden | _running_totals_to_hide(out.assign(baseline=truth), hidden, out["baseline"], threshold)
        actuals = suppress_small_counts(out, "actual", DONOR_GROUP, threshold, force=force)
        if actuals["suppressed"].equals(hidden):
            break
        hidden = actuals["suppressed"]
    value_hidden = values["suppressed"] | running | (actuals["suppressed"] & ~running)
    actual_hidden = actuals["suppressed"]
    out = out.assign(
        semester_value=values["semester_value"].mask(value_hidden),
        semester_value_display=values["display"]
        .where(~value_hidden | values["suppressed"], SECONDARY)
        .mask(running, _(RUNNING_TOTAL_ONLY)),
        actual=actuals["actual"],
        actual_display=actuals["display"],
        numerator=out["numerator"].mask(value_hidden),
        denominator=out["denominator"].mask(value_hidden),
        suppressed=values["suppressed"] | actual_hidden | out["_baseline_hidden"],
    )
    out = _mask_status(out, actual_hidden | out["_baseline_hidden"])
    if "carried" in out.columns:  # a figure carried forward is no report; hiding more cells never reveals one
        carried = out["carried"].astype("boolean").fillna(False).astype(bool) & _eligible(out, "sensitive")
        out = out.assign(
            actual=out["actual"].mask(carried),
            actual_display=out["actual_display"].mask(carried, _(NO_REPORT)),
            suppressed=out["suppressed"] | carried,
            **{c: out[c].mask(carried) for c in DERIVED_COLUMNS if c in out.columns},
        )
    return out[[*progress.columns, *DISPLAY_COLUMNS, "suppressed"]]


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
    rolled = _rolled_beneficiaries(safe)
    marks = hidden_marks()
    flags = rolled.assign(
        _baseline=rolled["baseline_display"].isin(marks) | rolled["baseline_display"].str.startswith("<"),
        # A sensitive figure carried forward is shown as "no report": the regional total it is carried into
        # would give it back (and with it a total hidden when it was reported), so that total is hidden too.
        _actual=rolled["actual_display"].isin([*marks, _(NO_REPORT)]) | rolled["actual_display"].str.startswith("<"),
        _status=rolled["status"] == STATUS_BY_CODE["suppressed"].code,
    )
    flags = flags.assign(**{c: flags[c].fillna(False).astype(bool) for c in ("_baseline", "_actual", "_status")})
    behind = flags.groupby(["indicator_id", "semester"], as_index=False)[["_baseline", "_actual", "_status"]].any()
    found = rollup[["indicator_id", "semester"]].merge(behind, how="left", on=["indicator_id", "semester"])
    found.index = rollup.index
    return found[["_baseline", "_actual", "_status"]].astype("boolean").fillna(False).astype(bool)


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
    kinds = progress[["indicator_id", "measure", "sensitive"]].drop_duplicates("indicator_id")
    summed = rollup.merge(kinds, how="left", on="indicator_id", validate="many_to_one")
    summed = summed.assign(
        sensitive=summed["sensitive"].astype("boolean").fillna(False) & (summed["aggregation"] == "sum")
    )
    cumulative = progress[["indicator_id", "cumulative"]].drop_duplicates("indicator_id")
    summed = summed.merge(cumulative, how="left", on="indicator_id", validate="many_to_one")
    summed.index = rollup.index
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
        out = out.assign(coverage=out["coverage"].mask(out["suppressed"] | behind["_actual"], _(HIDDEN_COVERAGE)))
    status_hidden = out["suppressed"] | behind["_baseline"] | behind["_status"]
    meeting = out["beneficiaries_meeting_target"].astype("Int64").mask(behind["_status"])
    out = _mask_status(out, status_hidden).assign(
        baseline=out["baseline"].mask(behind["_baseline"]),
        baseline_display=out["baseline"].map(shown).where(~behind["_baseline"], SECONDARY).astype("string"),
        beneficiaries_meeting_target=meeting,
        beneficiaries_meeting_target_display=meeting.map(shown, na_action=None)
        .where(~behind["_status"], SECONDARY)
        .astype("string"),
        suppressed=status_hidden | behind["_actual"],
    )
    return out.rename(columns={"display": "actual_display"}).drop(columns=["measure", "sensitive", "cumulative"])
