"""Indicator: one indicator across beneficiaries and semesters, its regional roll-up, and its split by sex.
Everything it draws is ``views.indicator`` (``page_views.indicator_view``); the page lays it out."""

import streamlit as st

from indicators.domain.i18n import _
from ui import layout, page_views, tables, view

layout.page_header(_("Indicator"), _("One indicator across beneficiaries and semesters, against its targets."))
layout.programme_or_stop()
semester = view.semester()
chosen = view.indicator_picker(*page_views.indicator_choices())
shown = page_views.indicator_view(chosen, semester)
st.markdown(f"**{layout.md(shown.heading)}**")
st.caption(layout.md(shown.about))  # names, units and definitions from the workbook
if shown.qualitative:
    st.subheader(_("What was reported"))
    if shown.reported.empty:
        layout.nothing_to_show(shown.nothing_yet)
    else:
        tables.table(shown.reported, tables.progress_columns(donor=view.is_donor()))
elif shown.across is None:
    layout.nothing_to_show(shown.nothing_yet)
else:
    layout.figure(shown.across, key="across")

if len(shown.explanations):
    st.subheader(_("Explanations, {semester}").format(semester=shown.semester_label))
    tables.table(shown.explanations, tables.EXPLANATION_COLUMNS, key="indicator_explanations")
if len(shown.revisions):
    st.subheader(_("Target revisions"))
    st.caption(_("Targets a later Steering Committee meeting changed, for every semester they are in force."))
    tables.table(shown.revisions, tables.REVISION_COLUMNS, key="indicator_revisions")

st.subheader(_("Regional roll-up"))
if shown.rollup.empty:
    layout.nothing_to_show(layout.md(shown.not_rolled_up))
else:
    tables.table(shown.rollup, tables.rollup_columns(donor=view.is_donor()))

if shown.sex_split is not None or shown.sex_split_note:
    st.subheader(_("Split by sex, {semester}").format(semester=shown.semester_label))
    if shown.sex_split is None:
        layout.nothing_to_show(shown.sex_split_note)
    else:
        layout.figure(shown.sex_split, key="sex_split")
