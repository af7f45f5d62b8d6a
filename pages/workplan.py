"""Work plan: activities by semester and status, what each meeting adopted, and what was carried over."""

import streamlit as st

from indicators.compute.workplan import adopted_by_meeting, carried_over, workplan_delivery
from indicators.domain.i18n import _
from indicators.domain.reference import beneficiary_name
from indicators.present.charts import timeline_figure
from ui import data, layout

layout.page_header(_("Work plan"), _("Activities adopted by the Steering Committee, semester by semester."))
programme = layout.programme_or_stop()
options = ["ALL", *data.options().beneficiaries]
whose = st.selectbox(
    _("Show the activities of"),
    options,
    key="workplan_beneficiary",
    format_func=lambda c: _("All beneficiaries") if c == "ALL" else beneficiary_name(c),
)
# Frames and charts are made once per data version, view, language and choice (data.built), not at every rerun.
activities = data.built(
    "workplan_activities",
    (whose,),
    lambda: (
        programme.activities[programme.activities["beneficiary"] == whose] if whose != "ALL" else programme.activities
    ),
)

if activities.empty:
    layout.nothing_to_show(_("No activities in the work plan for this selection."))
else:
    timeline = data.built("timeline", (whose,), lambda: timeline_figure(activities))
    compact = data.built("timeline_compact", (whose,), lambda: timeline_figure(activities, compact=True))
    layout.figure(timeline, key="timeline", narrow=compact)  # the compact form fits a phone

    st.subheader(_("Delivery by semester"))
    delivery = data.built(
        "workplan_delivery", (whose,), lambda: layout.readable(workplan_delivery(activities, by=("semester",)))
    )
    layout.table(delivery, layout.DELIVERY_COLUMNS)

    st.subheader(_("Carried over to a later semester"))
    moved = data.built("carried_over", (whose,), lambda: layout.readable(carried_over(activities)))
    if moved.empty:
        layout.nothing_to_show(_("No activity was postponed to a later semester."))
    else:
        layout.table(moved, layout.CARRIED_COLUMNS)

st.subheader(_("What each Steering Committee meeting adopted"))
adopted = data.built(
    "adopted_by_meeting", (whose,), lambda: layout.readable(adopted_by_meeting(activities, programme.meetings))
)
layout.table(adopted, layout.MEETING_COLUMNS)
