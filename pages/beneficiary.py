"""Beneficiary: one beneficiary's indicators with progress and status, a trend per indicator, its activities.
Everything it draws is ``views.beneficiary`` (``page_views.beneficiary_view``, ``page_views.trend``); the page
lays it out."""

import streamlit as st

from indicators.domain.i18n import _
from indicators.domain.reference import beneficiary_name
from ui import layout, page_views, shown, tables, view

beneficiary, semester = view.beneficiary(), view.semester()
layout.page_header(
    _("Beneficiary: {name}").format(name=beneficiary_name(beneficiary or "")),
    _("Indicators against their targets in force, and the work plan, for the chosen semester."),
)
programme = layout.programme_or_stop()
mine = page_views.beneficiary_view(beneficiary, semester)

st.subheader(_("Indicators, {semester}").format(semester=mine.semester_label))
if mine.rows.empty:
    layout.nothing_to_show(_("No indicators for this beneficiary in this semester."))
else:
    rows = shown.worst_first(mine.rows, programme, shown.TABLE_LIMIT, "beneficiary_rows", scope=(beneficiary, semester))
    tables.table(rows, tables.progress_columns(donor=view.is_donor()))

if len(mine.revisions):
    st.subheader(_("Target revisions"))
    st.caption(_("Targets a later Steering Committee meeting changed, for every semester they are in force."))
    tables.table(mine.revisions, tables.REVISION_COLUMNS, key="beneficiary_revisions")

st.subheader(_("Trend against target"))
if mine.indicators:
    chosen = st.selectbox(
        _("Indicator"),
        mine.indicators,
        format_func=lambda i: f"{i} · {mine.titles.get(i, '')}",
        key="beneficiary_indicator",
    )
    layout.figure(page_views.trend(beneficiary, chosen), key="trend")
else:
    layout.nothing_to_show(_("No indicator has a target or a value for this beneficiary."))

st.subheader(_("Activities, {semester}").format(semester=mine.semester_label))
if mine.activities.empty:
    layout.nothing_to_show(_("No activities were planned for this beneficiary in this semester."))
else:
    tables.table(mine.activities, tables.ACTIVITY_COLUMNS)
