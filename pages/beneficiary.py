"""Beneficiary: one beneficiary's indicators with progress and status, a trend per indicator, its activities."""

import pandas as pd
import streamlit as st

from indicators.compute.workplan import activities_for
from indicators.domain.i18n import _
from indicators.domain.periods import semester_label
from indicators.domain.reference import beneficiary_name
from indicators.present.charts import trend_figure
from ui import data, layout, shown, view

beneficiary, semester = view.beneficiary(), view.semester()
layout.page_header(
    _("Beneficiary: {name}").format(name=beneficiary_name(beneficiary or "")),
    _("Indicators against their targets in force, and the work plan, for the chosen semester."),
)
programme = layout.programme_or_stop()
# Frames and charts are made once per data version, view, language and choice (data.built), not at every rerun.


def beneficiary_progress() -> pd.DataFrame:
    progress = data.progress(donor=view.is_donor())
    return progress[progress["beneficiary"] == beneficiary]


mine = data.built("beneficiary_progress", (beneficiary,), beneficiary_progress, large=True)
rows = data.built(
    "beneficiary_rows", (beneficiary, semester), lambda: layout.readable(mine[mine["semester"] == semester])
)

st.subheader(_("Indicators, {semester}").format(semester=semester_label(semester)))
if rows.empty:
    layout.nothing_to_show(_("No indicators for this beneficiary in this semester."))
else:
    rows = shown.worst_first(rows, programme, shown.TABLE_LIMIT, "beneficiary_rows", scope=(beneficiary, semester))
    layout.table(rows, layout.progress_columns(donor=view.is_donor()))

revisions = data.built(
    "beneficiary_revisions", (beneficiary,), lambda: layout.readable(mine[mine["revision_text"].notna()])
)
if len(revisions):
    st.subheader(_("Target revisions"))
    st.caption(_("Targets a later Steering Committee meeting changed, for every semester they are in force."))
    layout.table(revisions, layout.REVISION_COLUMNS, key="beneficiary_revisions")

st.subheader(_("Trend against target"))
indicators, titles = data.built(
    "beneficiary_indicators",
    (beneficiary,),
    lambda: (
        sorted(mine["indicator_id"].dropna().unique()),
        dict(zip(mine["indicator_id"], mine["title"], strict=False)),
    ),
)
if indicators:
    chosen = st.selectbox(
        _("Indicator"), indicators, format_func=lambda i: f"{i} · {titles.get(i, '')}", key="beneficiary_indicator"
    )
    trend = data.built("trend", (beneficiary, chosen), lambda: trend_figure(mine[mine["indicator_id"] == chosen]))
    layout.figure(trend, key="trend")
else:
    layout.nothing_to_show(_("No indicator has a target or a value for this beneficiary."))

st.subheader(_("Activities, {semester}").format(semester=semester_label(semester)))
activities = data.built(
    "beneficiary_activities",
    (beneficiary, semester),
    lambda: layout.readable(activities_for(programme.activities, semester, beneficiary)),
)
if activities.empty:
    layout.nothing_to_show(_("No activities were planned for this beneficiary in this semester."))
else:
    layout.table(activities, layout.ACTIVITY_COLUMNS)
