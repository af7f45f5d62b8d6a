"""Beneficiary: one beneficiary's indicators with progress and status, a trend per indicator, its activities.
Everything it draws is ``views.beneficiary`` (``data.beneficiary_view``, ``data.trend``); the page lays it out."""

import streamlit as st

from indicators.domain.i18n import _
from indicators.domain.reference import beneficiary_name
from ui import data, layout, shown, view

beneficiary, semester = view.beneficiary(), view.semester()
layout.page_header(
    _("Beneficiary: {name}").format(name=beneficiary_name(beneficiary or "")),
    _("Indicators against their targets in force, and the work plan, for the chosen semester."),
)
programme = layout.programme_or_stop()
mine = data.beneficiary_view(beneficiary, semester)

st.subheader(_("Indicators, {semester}").format(semester=mine.semester_label))
if mine.rows.empty:
    layout.nothing_to_show(_("No indicators for this beneficiary in this semester."))
else:
    rows = shown.worst_first(mine.rows, programme, shown.TABLE_LIMIT, "beneficiary_rows", scope=(beneficiary, semester))
    layout.table(rows, layout.progress_columns(donor=view.is_donor()))

if len(mine.revisions):
    st.subheader(_("Target revisions"))
    st.caption(_("Targets a later Steering Committee meeting changed, for every semester they are in force."))
    layout.table(mine.revisions, layout.REVISION_COLUMNS, key="beneficiary_revisions")

st.subheader(_("Trend against target"))
if mine.indicators:
    chosen = st.selectbox(
        _("Indicator"),
        mine.indicators,
        format_func=lambda i: f"{i} · {mine.titles.get(i, '')}",
        key="beneficiary_indicator",
    )
    layout.figure(data.trend(beneficiary, chosen), key="trend")
else:
    layout.nothing_to_show(_("No indicator has a target or a value for this beneficiary."))

st.subheader(_("Activities, {semester}").format(semester=mine.semester_label))
if mine.activities.empty:
    layout.nothing_to_show(_("No activities were planned for this beneficiary in this semester."))
else:
    layout.table(mine.activities, layout.ACTIVITY_COLUMNS)
