"""The Indicator page's view: one indicator across beneficiaries and semesters, its regional roll-up, its
explanations and target revisions in the semester, and its split by sex."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from indicators.domain.i18n import N_, _
from indicators.domain.schema import Programme
from indicators.present.charts import indicator_across_figure, sex_split_figure
from indicators.present.views.readable import label, readable

# The template's choice words as the caption names them (English: the words as stored).
CHOICES = {
    "count": N_("count"),
    "percentage": N_("percentage"),
    "milestone": N_("milestone"),
    "qualitative": N_("qualitative"),
    "sum": N_("sum"),
    "ratio": N_("ratio"),
    "count_meeting_target": N_("count_meeting_target"),
    "none": N_("none"),
}


def _text(value: object) -> str:
    return "" if value is None or pd.isna(value) else str(value)


def choice(value: object) -> str:
    """A choice word of the indicator sheet, in the language shown (anything else as written)."""
    text = _text(value)
    return _(CHOICES[text]) if text in CHOICES else text


@dataclass(frozen=True)
class IndicatorView:
    """Everything the Indicator page draws (texts are plain: the page escapes them for markdown)."""

    heading: str  # "IND-01 · title"
    about: str  # measure, unit, aggregation, cumulative, sensitive, definition
    qualitative: bool
    reported: pd.DataFrame  # readable: what was reported (qualitative indicators)
    across: go.Figure | None  # None: qualitative, or nothing to draw
    nothing_yet: str  # the sentence when there is nothing to draw or list
    semester_label: str
    explanations: pd.DataFrame  # readable: the semester's rows that need an explanation
    revisions: pd.DataFrame  # readable: rows whose target a later meeting revised
    rollup: pd.DataFrame  # readable regional roll-up (empty: not added up)
    not_rolled_up: str  # the sentence when it is not added up
    sex_split: go.Figure | None  # None: not split by sex, or hidden from donors
    sex_split_note: str  # why the split is not shown, when it is not


def indicator_view(
    programme: Programme,
    indicator_id: str,
    semester: str,
    progress: pd.DataFrame,
    rollup: pd.DataFrame,
    donor: bool,
) -> IndicatorView:
    """The Indicator page for ``indicator_id`` in ``semester``, from the view's progress and roll-up (the donor
    view's for donors, who never see the sex split of a sensitive count)."""
    about = programme.indicators.set_index("indicator_id").loc[indicator_id]
    rows = progress[progress["indicator_id"] == indicator_id] if len(progress) else progress
    regional = rollup[rollup["indicator_id"] == indicator_id] if len(rollup) else rollup
    qualitative = about["measure"] == "qualitative"
    caption = _(
        "Measure: {measure} · unit: {unit} · aggregation across beneficiaries: {aggregation} · {cumulative}"
        "{sensitive}. {definition}"
    ).format(
        measure=choice(about["measure"]),
        unit=_text(about["unit"]) or "—",
        aggregation=choice(about["aggregation"]),
        cumulative=_("cumulative") if about["cumulative"] else _("per semester"),
        sensitive=_(" · sensitive") if about["sensitive"] else "",
        definition=_text(about.get("definition")),
    )
    shown = rows[rows["reported"] | rows["carried"]] if qualitative and len(rows) else rows.iloc[0:0]
    nothing = (
        _("Nothing has been reported for this indicator yet.")
        if qualitative
        else _("No targets or values for this indicator yet.")
    )
    due = rows[(rows["semester"] == semester) & rows["explanation_due"].notna()] if len(rows) else rows
    revised = rows[rows["revision_text"].notna()] if len(rows) else rows
    split, note = None, ""
    if about["disaggregation"] == "sex":
        if donor and about["sensitive"]:
            note = _("Not shown to donors: the split of a sensitive count could identify people.")
        else:
            values = programme.values
            split = sex_split_figure(
                values[(values["indicator_id"] == indicator_id) & (values["semester"] == semester)]
            )
    return IndicatorView(
        heading=f"{indicator_id} · {_text(about['title'])}",
        about=caption,
        qualitative=bool(qualitative),
        reported=readable(shown),  # a figure carried forward is shown, marked
        across=None if qualitative or rows.empty else indicator_across_figure(rows, regional),
        nothing_yet=nothing,
        semester_label=label(semester),
        explanations=readable(due),
        revisions=readable(revised),
        rollup=readable(regional),
        not_rolled_up=_("{indicator} is not added up across beneficiaries (aggregation: {aggregation}).").format(
            indicator=indicator_id, aggregation=choice(about["aggregation"])
        ),
        sex_split=split,
        sex_split_note=note,
    )
