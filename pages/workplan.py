"""Work plan: activities by semester and status, what each meeting adopted, and what was carried over.
Everything it draws is ``views.workplan`` (``page_views.workplan_view``); the page lays it out."""

import streamlit as st

from indicators.domain.i18n import _
from indicators.domain.reference import beneficiary_name
from ui import data, layout, page_views, tables

layout.page_header(_("Work plan"), _("Activities adopted by the Steering Committee, semester by semester."))
layout.programme_or_stop()
whose = st.selectbox(
    _("Show the activities of"),
    ["ALL", *data.options().beneficiaries],
    key="workplan_beneficiary",
    format_func=lambda c: _("All beneficiaries") if c == "ALL" else beneficiary_name(c),
)
plan = page_views.workplan_view(whose)

if plan.timeline is None:
    layout.nothing_to_show(_("No activities in the work plan for this selection."))
else:
    layout.figure(plan.timeline, key="timeline", narrow=plan.timeline_compact)  # the compact form fits a phone

    st.subheader(_("Delivery by semester"))
    tables.table(plan.delivery, tables.DELIVERY_COLUMNS)

    st.subheader(_("Carried over to a later semester"))
    if plan.carried.empty:
        layout.nothing_to_show(_("No activity was postponed to a later semester."))
    else:
        tables.table(plan.carried, tables.CARRIED_COLUMNS)

st.subheader(_("What each Steering Committee meeting adopted"))
if plan.adopted.empty:
    layout.nothing_to_show(_("No Steering Committee meeting is recorded yet."))
else:
    tables.table(plan.adopted, tables.MEETING_COLUMNS)
