"""Overview: headline figures of the semester, indicator status by beneficiary, work-plan delivery.
Everything it draws is ``views.overview`` (``page_views.overview_view``) and the headline figures
(``data.headlines``); the page lays it out."""

import streamlit as st

from indicators.domain.i18n import _
from indicators.domain.periods import semester_label
from indicators.domain.reference import PROGRAMME_TITLE
from ui import data, layout, page_views, shown, view

layout.page_header(_("Programme progress"), _(PROGRAMME_TITLE))
programme = layout.programme_or_stop()
semester = view.semester()
st.subheader(_("Headline figures, {semester}").format(semester=semester_label(semester)))
layout.headline_metrics(data.headlines(semester, donor=view.is_donor()))
st.caption(_("Under each figure: the change against the previous semester."))
overview = page_views.overview_view(semester)

st.subheader(_("Indicator status by beneficiary"))
if overview.status.empty:
    layout.nothing_to_show(_("No indicator has a target or a value in this semester."))
else:
    matrix, compact = shown.status_matrix(overview.status, programme, "overview_status", semester)
    layout.figure(matrix, key="status_matrix", narrow=compact)  # the compact form fits a phone

st.subheader(_("Work-plan delivery by beneficiary"))
if overview.delivery is None:
    layout.nothing_to_show(_("No activities were planned for this semester."))
else:
    layout.figure(overview.delivery, key="delivery")
