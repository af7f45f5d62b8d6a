"""Indicator: one indicator across beneficiaries and semesters, its regional roll-up, and its split by sex."""

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from indicators.domain.i18n import N_, _
from indicators.domain.periods import semester_label
from indicators.present.charts import indicator_across_figure, sex_split_figure
from ui import data, layout, view

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


def choice(value: object) -> str:
    """A choice word of the indicator sheet, in the language shown (anything else as written)."""
    text = layout.plain(value)
    return layout.md(_(CHOICES[text]) if text in CHOICES else text)


layout.page_header(_("Indicator"), _("One indicator across beneficiaries and semesters, against its targets."))
programme = layout.programme_or_stop()
semester = view.semester()
indicators = data.built("indicators_by_id", (), lambda: programme.indicators.set_index("indicator_id"))
chosen = view.indicator_picker(list(indicators.index), dict(indicators["title"]))
about = indicators.loc[chosen]
st.markdown(f"**{layout.md(chosen)} · {layout.md(about['title'])}**")
st.caption(
    _(
        "Measure: {measure} · unit: {unit} · aggregation across beneficiaries: {aggregation} · {cumulative}"
        "{sensitive}. {definition}"
    ).format(
        measure=choice(about["measure"]),
        unit=layout.md(about["unit"]) or "—",
        aggregation=choice(about["aggregation"]),
        cumulative=_("cumulative") if about["cumulative"] else _("per semester"),
        sensitive=_(" · sensitive") if about["sensitive"] else "",
        definition=layout.md(about["definition"]),
    )
)


# Frames and charts are made once per data version, view, language and choice (data.built), not at every rerun.
def of_indicator(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["indicator_id"] == chosen] if len(frame) else frame


rows = data.built("indicator_progress", (chosen,), lambda: of_indicator(data.progress(donor=view.is_donor())))
regional = data.built("indicator_rollup", (chosen,), lambda: of_indicator(data.rollup(donor=view.is_donor())))
if about["measure"] == "qualitative":
    st.subheader(_("What was reported"))
    reported = data.built(
        "indicator_reported",
        (chosen,),
        lambda: layout.readable(rows[rows["reported"] | rows["carried"]]),  # a figure carried forward is shown, marked
    )
    if reported.empty:
        layout.nothing_to_show(_("Nothing has been reported for this indicator yet."))
    else:
        layout.table(reported, layout.progress_columns(donor=view.is_donor()))
elif rows.empty:
    layout.nothing_to_show(_("No targets or values for this indicator yet."))
else:
    layout.figure(data.built("across", (chosen,), lambda: indicator_across_figure(rows, regional)), key="across")

if len(rows):
    expected = data.built(
        "indicator_explanations",
        (chosen, semester),
        lambda: layout.readable(rows[(rows["semester"] == semester) & rows["explanation_due"].notna()]),
    )
    if len(expected):
        st.subheader(_("Explanations, {semester}").format(semester=semester_label(semester)))
        layout.table(expected, layout.EXPLANATION_COLUMNS, key="indicator_explanations")
    revisions = data.built(
        "indicator_revisions", (chosen,), lambda: layout.readable(rows[rows["revision_text"].notna()])
    )
    if len(revisions):
        st.subheader(_("Target revisions"))
        st.caption(_("Targets a later Steering Committee meeting changed, for every semester they are in force."))
        layout.table(revisions, layout.REVISION_COLUMNS, key="indicator_revisions")

st.subheader(_("Regional roll-up"))
if regional.empty:
    layout.nothing_to_show(
        _("{indicator} is not added up across beneficiaries (aggregation: {aggregation}).").format(
            indicator=layout.md(chosen), aggregation=choice(about["aggregation"])
        )
    )
else:
    layout.table(
        data.built("indicator_rollup_rows", (chosen,), lambda: layout.readable(regional)),
        layout.rollup_columns(donor=view.is_donor()),
    )

if about["disaggregation"] == "sex":
    st.subheader(_("Split by sex, {semester}").format(semester=semester_label(semester)))
    if view.is_donor() and about["sensitive"]:
        layout.nothing_to_show(_("Not shown to donors: the split of a sensitive count could identify people."))
    else:

        def split() -> go.Figure:
            values = programme.values
            return sex_split_figure(values[(values["indicator_id"] == chosen) & (values["semester"] == semester)])

        layout.figure(data.built("sex_split", (chosen, semester), split), key="sex_split")
