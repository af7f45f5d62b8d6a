"""Overview: headline figures of the semester, indicator status by beneficiary, work-plan delivery."""

import streamlit as st

from indicators.compute.progress import latest_status
from indicators.compute.workplan import activities_for, workplan_delivery
from indicators.domain.i18n import _
from indicators.domain.periods import semester_label
from indicators.domain.reference import PROGRAMME_TITLE
from indicators.present.charts import delivery_figure
from ui import data, layout, shown, view

layout.page_header(_("Programme progress"), _(PROGRAMME_TITLE))
programme = layout.programme_or_stop()
semester = view.semester()
st.subheader(_("Headline figures, {semester}").format(semester=semester_label(semester)))
layout.headline_metrics(data.headlines(semester, donor=view.is_donor()))
st.caption(_("Under each figure: the change against the previous semester."))

# Charts and selections are made once per data version, view, language and choice (data.built), not at every rerun.
st.subheader(_("Indicator status by beneficiary"))
status = data.built(
    "status", (semester,), lambda: latest_status(data.progress(donor=view.is_donor()), semester), large=True
)
if status.empty:
    layout.nothing_to_show(_("No indicator has a target or a value in this semester."))
else:
    matrix, compact = shown.status_matrix(status, programme, "overview_status", semester)
    layout.figure(matrix, key="status_matrix", narrow=compact)  # the compact form fits a phone

st.subheader(_("Work-plan delivery by beneficiary"))
activities = data.built("activities", (semester,), lambda: activities_for(programme.activities, semester))
if activities.empty:
    layout.nothing_to_show(_("No activities were planned for this semester."))
else:
    delivery = data.built(
        "delivery_figure", (semester,), lambda: delivery_figure(workplan_delivery(activities, by=("beneficiary",)))
    )
    layout.figure(delivery, key="delivery")
