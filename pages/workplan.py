"""Work plan: activities by semester and status, what each meeting adopted, and what was carried over."""

import streamlit as st

from indicators.compute.workplan import adopted_by_meeting, carried_over, workplan_delivery
from indicators.domain.i18n import _
from indicators.domain.reference import beneficiary_name
from indicators.present.charts import timeline_figure
from ui import filters, layout

layout.page_header(_("Work plan"), _("Activities adopted by the Steering Committee, semester by semester."))
programme = layout.programme_or_stop()
options = ["ALL", *filters.beneficiary_options(programme)]
whose = st.selectbox(
    _("Show the activities of"),
    options,
    key="workplan_beneficiary",
    format_func=lambda c: _("All beneficiaries") if c == "ALL" else beneficiary_name(c),
)
activities = programme.activities
if whose != "ALL":
    activities = activities[activities["beneficiary"] == whose]

if activities.empty:
    layout.nothing_to_show(_("No activities in the work plan for this selection."))
else:
    layout.figure(timeline_figure(activities), key="timeline")

    st.subheader(_("Delivery by semester"))
    layout.table(layout.readable(workplan_delivery(activities, by=("semester",))), layout.DELIVERY_COLUMNS)

    st.subheader(_("Carried over to a later semester"))
    moved = carried_over(activities)
    if moved.empty:
        layout.nothing_to_show(_("No activity was postponed to a later semester."))
    else:
        layout.table(layout.readable(moved), layout.CARRIED_COLUMNS)

st.subheader(_("What each Steering Committee meeting adopted"))
layout.table(layout.readable(adopted_by_meeting(activities, programme.meetings)), layout.MEETING_COLUMNS)
