"""Indicator: one indicator across beneficiaries and semesters, its regional roll-up, and its split by sex."""

import streamlit as st

from indicators.domain.periods import semester_label
from indicators.present.charts import indicator_across_figure, sex_split_figure
from ui import data, layout, view

layout.page_header("Indicator", "One indicator across beneficiaries and semesters, against its targets.")
programme = layout.programme_or_stop()
semester = view.semester()
indicators = programme.indicators.set_index("indicator_id")
chosen = view.indicator_picker(list(indicators.index), dict(indicators["title"]))
about = indicators.loc[chosen]
st.markdown(f"**{layout.md(chosen)} · {layout.md(about['title'])}**")
st.caption(
    f"Measure: {layout.md(about['measure'])} · unit: {layout.md(about['unit']) or '—'} · aggregation across "
    f"beneficiaries: {layout.md(about['aggregation'])} · {'cumulative' if about['cumulative'] else 'per semester'}"
    f"{' · sensitive' if about['sensitive'] else ''}. {layout.md(about['definition'])}"
)

progress = data.progress(donor=view.is_donor())
rows = progress[progress["indicator_id"] == chosen]
regional = data.rollup(donor=view.is_donor())
regional = regional[regional["indicator_id"] == chosen] if len(regional) else regional
if about["measure"] == "qualitative":
    st.subheader("What was reported")
    shown = rows[rows["reported"] | rows["carried"]]  # a figure carried forward is shown, marked as carried
    layout.table(layout.readable(shown), layout.progress_columns(donor=view.is_donor()))
elif rows.empty:
    layout.nothing_to_show("No targets or values for this indicator yet.")
else:
    layout.figure(indicator_across_figure(rows, regional), key="across")

if len(rows):
    expected = layout.readable(rows[(rows["semester"] == semester) & rows["explanation_due"].notna()])
    if len(expected):
        st.subheader(f"Explanations, {semester_label(semester)}")
        layout.table(expected, layout.EXPLANATION_COLUMNS, key="indicator_explanations")
    revisions = rows[rows["revision_text"].notna()]
    if len(revisions):
        st.subheader("Target revisions")
        st.caption("Targets a later Steering Committee meeting changed, for every semester they are in force.")
        layout.table(layout.readable(revisions), layout.REVISION_COLUMNS, key="indicator_revisions")

st.subheader("Regional roll-up")
if regional.empty:
    layout.nothing_to_show(
        f"{layout.md(chosen)} is not added up across beneficiaries (aggregation: {layout.md(about['aggregation'])})."
    )
else:
    layout.table(layout.readable(regional), layout.rollup_columns(donor=view.is_donor()))

if about["disaggregation"] == "sex":
    st.subheader(f"Split by sex, {semester_label(semester)}")
    values = programme.values
    values = values[(values["indicator_id"] == chosen) & (values["semester"] == semester)]
    if view.is_donor() and about["sensitive"]:
        layout.nothing_to_show("Not shown to donors: the split of a sensitive count could identify people.")
    else:
        layout.figure(sex_split_figure(values), key="sex_split")
