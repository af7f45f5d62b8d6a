"""The Method page's view: each rule in plain language, with a worked example taken from the data shown.

The rules as code states them (for developers) are in docs/RULES.md and the docstrings of indicators/compute.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from indicators.compute.progress import STATUSES, Thresholds
from indicators.compute.rollup import COVERAGE_RULE
from indicators.compute.workplan import activities_for, workplan_delivery
from indicators.domain import i18n
from indicators.domain.i18n import N_, _
from indicators.domain.periods import PeriodError, semester_label
from indicators.domain.reference import ILLUSTRATIVE_NOTICE, KOSOVO_FOOTNOTE, beneficiary_name
from indicators.domain.schema import Programme

# The rule on regional coverage, in one sentence with its example (compute/rollup.py states it next to the code).
REGIONAL_COVERAGE_RULE: str | None = COVERAGE_RULE

# What each status means, for a reader (the status table of the page).
STATUS_MEANING = {
    "achieved": N_("The target is reached or passed."),
    "on_track": N_("Progress is at or above the on-track threshold."),
    "at_risk": N_("Progress is below the on-track threshold but at or above the at-risk threshold."),
    "off_track": N_("Progress is below the at-risk threshold."),
    "incomplete": N_(
        "Regional figures only: too few of the beneficiaries with a target reported for the region to get a status."
    ),
    "reported": N_("A qualitative indicator: words were reported, there is no figure to compare."),
    "suppressed": N_(
        "Donor view only: a small count (1 to 4) of a sensitive indicator, or a figure it would give away."
    ),
    "no_data": N_("A target is in force but nothing usable was reported."),
    "not_due": N_("No target is in force in this semester: nothing was expected."),
}


@dataclass(frozen=True)
class Section:
    """One rule: a heading, the rule in plain words, and an example from the data shown (may be empty)."""

    title: str
    rule: str
    example: str = ""


@dataclass(frozen=True)
class MethodView:
    """Everything the Method page draws."""

    data_shown: str  # which version, approved when and by whom (or that none is)
    illustrative: str  # the demo notice, or empty
    sections: tuple[Section, ...]
    statuses: pd.DataFrame  # symbol, label, meaning
    meetings: pd.DataFrame  # number, date, place, semester_assessed_label, semester_adopted_label, illustrative, source
    footnote: str


def _label(semester: object) -> str:
    try:
        return semester_label(str(semester))
    except PeriodError:
        return str(semester)


def _figure(value: float, percent: bool = False) -> str:
    text = i18n.number(float(value), 1)
    return f"{text}{'' if i18n.language() == 'en' else i18n.NARROW_NBSP}%" if percent else text


def data_shown(meta: dict | None, zone: str | None) -> str:
    """Which version is shown, with its file, when it was approved (in the reader's time zone) and by whom."""
    if meta is None:
        return _("No version is approved yet.")
    who = meta.get("approved_by") or ""
    return _("Version {version} (file “{file}”), approved on {when} by {who}.").format(
        version=meta["id"],
        file=meta.get("file_name") or "",
        when=i18n.moment(meta.get("approved_at"), zone),
        who=_("the system (the demo data, loaded automatically)") if who == "system" else who,
    )


def progress_example(progress: pd.DataFrame, semester: str | None) -> str:
    """A worked example of progress and status: one indicator of one beneficiary in the semester (else the
    latest semester with one), a count that rises, with a baseline, a target above it and an actual shown."""
    if progress.empty or "direction" not in progress:
        return ""
    usable = progress[
        progress["actual"].notna()
        & progress["baseline"].notna()
        & progress["target"].notna()
        & (progress["target"] > progress["baseline"])
        & (progress["direction"] == "increase")
        & (progress["measure"] == "count")
        & progress["status"].isin(["on_track", "at_risk", "off_track", "achieved"])
    ]
    if usable.empty:
        return ""
    chosen = usable[usable["semester"] == semester] if semester in set(usable["semester"]) else usable
    rank = chosen["status"].map({"at_risk": 0, "on_track": 1, "off_track": 2, "achieved": 3})
    row = chosen.assign(_rank=rank).sort_values(["_rank", "semester", "indicator_id", "beneficiary"]).iloc[0]
    share = (row["actual"] - row["baseline"]) / (row["target"] - row["baseline"])
    status = next(s for s in STATUSES if s.code == row["status"])
    return _(
        "Example: {indicator} for {beneficiary}, {semester}: baseline {baseline}, target {target}, actual "
        "{actual}. Progress = ({actual} − {baseline}) ÷ ({target} − {baseline}) = {progress}, so the status is "
        "{symbol} {status}."
    ).format(
        indicator=row["indicator_id"],
        beneficiary=beneficiary_name(str(row["beneficiary"])),
        semester=_label(row["semester"]),
        baseline=_figure(row["baseline"]),
        target=_figure(row["target"]),
        actual=_figure(row["actual"]),
        progress=i18n.percent(share),
        symbol=status.symbol,
        status=_(status.label).lower(),
    )


def rollup_example(progress: pd.DataFrame, rollup: pd.DataFrame, semester: str | None) -> str:
    """A worked example of a regional sum: the beneficiaries' actuals of one summed indicator and their total.

    The first regional sum (newest semester, then indicator) that its beneficiaries' figures with a target add
    up to. The beneficiaries' figures are grouped once by indicator and semester, not looked up row by row: a
    large programme has thousands of regional sums, and when few or none add up (a running total carried
    forward, a beneficiary reporting without a target) a lookup per sum took seconds."""
    if rollup.empty or progress.empty or "actual" not in rollup:
        return ""
    sums = rollup[(rollup["aggregation"] == "sum") & rollup["actual"].notna()]
    if "actual_display" in sums:  # the donor view: only a total nobody hid
        sums = sums[sums["actual_display"].isna() | ~sums["actual_display"].astype("string").str.contains(r"[<\[]")]
    if sums.empty:
        return ""
    chosen = sums[sums["semester"] == semester] if semester in set(sums["semester"]) else sums
    chosen = chosen.sort_values(["semester", "indicator_id"], ascending=[False, True])
    key = ["indicator_id", "semester"]
    parts = progress.loc[
        progress["actual"].notna() & progress["target"].notna() & (progress["beneficiary"] != "REG"),
        [*key, "actual"],
    ]
    parts = parts[parts.set_index(key).index.isin(chosen.set_index(key).index)]
    grouped = parts.assign(magnitude=parts["actual"].abs()).groupby(key, sort=False)
    totals = grouped.agg(size=("actual", "size"), total=("actual", "sum"), magnitude=("magnitude", "sum"))
    found = chosen[[*key, "actual"]].join(totals, on=key)
    # A loose sift first (a grouped sum may add in another order; the margin is far wider than that can move a
    # total), then each candidate, in the page's order, checked exactly as before on its own figures
    margin = 1e-6 + 1e-9 * found["magnitude"]
    near = found[(found["size"] >= 2) & ((found["total"] - found["actual"]).abs() < margin)]
    if near.empty:
        return ""
    groups = grouped.indices
    for row in near.itertuples():
        figures = parts["actual"].iloc[groups[(row.indicator_id, row.semester)]]
        if abs(figures.sum() - row.actual) < 1e-9:
            return _("Example: {indicator}, {semester}: {figures} = {total}, from {count} beneficiaries.").format(
                indicator=row.indicator_id,
                semester=_label(row.semester),
                figures=" + ".join(_figure(a) for a in figures),
                total=_figure(row.actual),
                count=len(figures),
            )
    return ""


def completeness_example(completeness: pd.DataFrame, semester: str | None) -> str:
    """How many expected reports arrived in the semester."""
    if completeness.empty or semester not in set(completeness["semester"]):
        return ""
    rows = completeness[completeness["semester"] == semester]
    expected, reported = int(rows["expected"].sum()), int(rows["reported"].sum())
    if not expected:
        return ""
    return _("Example: in {semester}, {reported} of {expected} expected reports arrived ({share}).").format(
        semester=_label(semester), reported=reported, expected=expected, share=i18n.percent(reported / expected)
    )


def delivery_example(programme: Programme, semester: str | None) -> str:
    """The semester's delivery rate worked out from its activities."""
    if semester is None:
        return ""
    activities = activities_for(programme.activities, semester)
    if activities.empty:
        return ""
    total = workplan_delivery(activities, by=())
    if total.empty:
        return ""
    row = total.iloc[0]
    planned, completed, cancelled = int(row["planned"]), int(row["completed"]), int(row["cancelled"])
    if planned - cancelled <= 0:
        return ""
    return _(
        "Example: in {semester}, {completed} completed of {planned} planned, {cancelled} cancelled: "
        "{completed} ÷ ({planned} − {cancelled}) = {rate}."
    ).format(
        semester=_label(semester),
        completed=completed,
        planned=planned,
        cancelled=cancelled,
        rate=i18n.percent(completed / (planned - cancelled)),
    )


def explanation_example(progress: pd.DataFrame, semester: str | None) -> str:
    """How many figures of the semester need an explanation, and how many have one."""
    if progress.empty or "explanation_due" not in progress or semester is None:
        return ""
    due = progress[(progress["semester"] == semester) & progress["explanation_due"].notna()]
    if due.empty:
        return ""
    given = int(due["comment"].notna().sum()) if "comment" in due else 0
    return _("Example: in {semester}, {due} figures need an explanation; {given} have one.").format(
        semester=_label(semester), due=len(due), given=given
    )


def meetings_table(meetings: pd.DataFrame) -> pd.DataFrame:
    """The Steering Committee meetings with their semesters named for people."""
    return meetings.assign(
        semester_assessed_label=meetings["semester_assessed"].map(_label, na_action="ignore"),
        semester_adopted_label=meetings["semester_adopted"].map(_label, na_action="ignore"),
    )


def method_view(
    programme: Programme | None,
    meta: dict | None,
    progress: pd.DataFrame,
    rollup: pd.DataFrame,
    completeness: pd.DataFrame,
    semester: str | None,
    thresholds: Thresholds,
    settings: dict[str, float],
    zone: str | None = None,
) -> MethodView:
    """The Method page for the data shown (``progress`` and ``rollup`` of the view: the donor view's for
    donors): each rule in plain words with an example from these data, the statuses, the meetings.
    ``settings``: OVER_ACHIEVED, QUALITY_JUMP_FACTOR and SUPPRESS_BELOW as set."""
    pct = i18n.percent
    over, jump, below = settings["OVER_ACHIEVED"], settings["QUALITY_JUMP_FACTOR"], int(settings["SUPPRESS_BELOW"])
    regional = _(
        "For the whole region, counts add up the beneficiaries' figures; percentages add up numerators and "
        "denominators before dividing (never an average of percentages); yes/no milestones count the "
        "beneficiaries that met their target. Each regional figure says how many beneficiaries reported."
    )
    if REGIONAL_COVERAGE_RULE:
        regional += " " + _(REGIONAL_COVERAGE_RULE)
    have = programme is not None
    sections = (
        Section(
            _("Progress and status"),
            _(
                "Progress says how far an indicator has come from its baseline to its target: (actual − "
                "baseline) ÷ (target − baseline). An indicator is achieved at {achieved}, on track from "
                "{on_track}, at risk from {at_risk}, and off track below that. For an indicator where lower is "
                "better the same formula applies, with a target below the baseline. A yes/no milestone is "
                "achieved when done; a qualitative indicator has words, not a figure. For a running total, each "
                "semester's new figures are added up to date."
            ).format(
                achieved=pct(thresholds.achieved), on_track=pct(thresholds.on_track), at_risk=pct(thresholds.at_risk)
            ),
            progress_example(progress, semester),
        ),
        Section(
            _("Progress to the end target and forecast"),
            _(
                "Beside each semester's target, progress is also measured against the target set for the end of "
                "the action. The forecast draws a straight line from the baseline through the figures so far and "
                "says whether, at that pace, the end target is reached, and when."
            ),
        ),
        Section(
            _("Explanations and target revisions"),
            _(
                "The analyst explains every figure that is at risk, off track, not reported, or over-achieved "
                "(progress of {over} or more). When a later Steering Committee meeting changes a target, the new "
                "target counts from then on, and the pages say what the status would have been against the "
                "original one."
            ).format(over=pct(over)),
            explanation_example(progress, semester),
        ),
        Section(_("Regional roll-ups"), regional, rollup_example(progress, rollup, semester)),
        Section(
            _("Data quality"),
            _(
                "Some figures pass every check but deserve a look: a figure more than {jump} times the previous "
                "one, or less than the previous one divided by {jump}; women and men that do not add up to the "
                "total; a running total that falls; a milestone reported done and later not done; a report that "
                "came late. Managers see them on the Semester review page before approving; donors never do."
            ).format(jump=i18n.number(jump, 1)),
        ),
        Section(
            _("Work-plan delivery"),
            _(
                "The delivery rate of a semester is the activities completed divided by those planned, leaving "
                "out the cancelled ones. A postponed activity is counted again in the semester it moves to."
            ),
            delivery_example(programme, semester) if have else "",
        ),
        Section(
            _("Reporting completeness"),
            _(
                "A report is expected for each indicator and beneficiary with a target in force in a semester; "
                "completeness is the share of those expected reports that arrived."
            ),
            completeness_example(completeness, semester),
        ),
        Section(
            _("What donors see"),
            _(
                "Donors see approved data only. Counts of sensitive indicators below {below} (but above 0) are "
                "shown as “<{below}”, and a figure that would let someone work such a count out (a total, "
                "another beneficiary's figure) is hidden too, shown as “[c]”. A hidden figure carries the symbol "
                "⊘ and the word “hidden”; a figure nobody reported carries ○ and the words “no data”."
            ).format(below=below),
        ),
    )
    statuses = pd.DataFrame(
        [{"symbol": s.symbol, "label": _(s.label), "meaning": _(STATUS_MEANING[s.code])} for s in STATUSES]
    )
    meetings = meetings_table(programme.meetings) if have else pd.DataFrame()
    return MethodView(
        data_shown=data_shown(meta, zone),
        illustrative=_(ILLUSTRATIVE_NOTICE) if meta and meta.get("illustrative") else "",
        sections=sections,
        statuses=statuses,
        meetings=meetings,
        footnote=_(KOSOVO_FOOTNOTE),
    )
