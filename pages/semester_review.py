"""Semester review for the Steering Committee: plan against delivery, indicator status, completeness,
missing reports, and the work plan adopted for the next semester, with the summary as CSV."""

import streamlit as st

from indicators.compute.annotations import missing_explanations
from indicators.compute.completeness import missing_reports
from indicators.compute.progress import latest_status
from indicators.compute.workplan import activities_for, workplan_delivery
from indicators.domain.i18n import _
from indicators.domain.periods import semester_from_id, semester_label
from indicators.present.charts import completeness_figure, delivery_figure, status_matrix_figure
from ui import data, layout, shown, view

semester = view.semester()
layout.page_header(_("Semester review"), _("For the Steering Committee: the semester ending, and the one it adopts."))
programme = layout.programme_or_stop()
label, following = semester_label(semester), semester_from_id(semester).next().id
status = layout.readable(latest_status(data.progress(donor=view.is_donor()), semester))
layout.download(
    _("Download the semester's indicator summary (CSV)"),
    lambda: layout.summary_csv(status, view.is_donor()),
    file_name=f"semester_summary_{semester}.csv",
    mime="text/csv",
    key="semester_summary",
)

st.subheader(_("Plan and delivery, {semester}").format(semester=label))
delivery = workplan_delivery(activities_for(programme.activities, semester), by=("beneficiary",))
if delivery.empty:
    layout.nothing_to_show(_("No activities were planned for this semester."))
else:
    layout.figure(delivery_figure(delivery), key="review_delivery")
    layout.table(layout.readable(delivery), layout.DELIVERY_COLUMNS)

st.subheader(_("Indicator status, {semester}").format(semester=label))
if status.empty:
    layout.nothing_to_show(_("No indicator has a target or a value in this semester."))
else:
    matrix = shown.worst_first(status, programme, shown.MATRIX_LIMIT, "review_status")
    layout.figure(status_matrix_figure(matrix), key="review_status")

st.subheader(_("Explanations, {semester}").format(semester=label))
expected = status[status["explanation_due"].notna()]
without = missing_explanations(expected)
st.caption(
    _(
        "An indicator at risk, off track, over-achieved or not reported needs the analyst's explanation (the "
        "Comment column of the template). {needed} need one; {missing} have none yet."
    ).format(needed=len(expected), missing=len(without))
)
if expected.empty:
    layout.nothing_to_show(_("No indicator needs an explanation in this semester."))
else:
    expected = shown.first_rows(expected.sort_values("comment", na_position="first"), shown.TABLE_LIMIT, "rows")
    layout.table(expected, layout.EXPLANATION_COLUMNS, key="explanations")

st.subheader(_("Reporting completeness"))
completeness = data.completeness()
layout.figure(completeness_figure(completeness[completeness["semester"] == semester]), key="review_completeness")
missing = missing_reports(programme, semester)
st.markdown(_("**Missing reports ({count})**").format(count=len(missing)))
if not missing.empty:
    missing = shown.first_rows(missing, shown.TABLE_LIMIT, "missing reports")
    layout.table(layout.readable(missing), layout.progress_columns(where=True))

if not view.is_donor():  # flags quote figures as reported, before any suppression: never shown to donors
    st.subheader(_("Data quality, {semester}").format(semester=label))
    flags = data.quality()
    flags = flags[flags["semester"] == semester]
    late = int((flags["check"] == "late").sum())
    st.caption(
        _(
            "Figures that pass validation but deserve a look before approval; the checks are on the Method page. "
            "Reports marked late in this semester: {late}."
        ).format(late=late)
    )
    if flags.empty:
        layout.nothing_to_show(_("No data-quality flag in this semester."))
    else:
        layout.table(layout.readable(flags), layout.QUALITY_COLUMNS, key="quality")

st.subheader(_("Adopted for the next semester, {semester}").format(semester=semester_label(following)))
adopted = layout.readable(activities_for(programme.activities, following))
if adopted.empty:
    layout.nothing_to_show(_("No work plan has been adopted for the next semester yet."))
else:
    layout.table(adopted, layout.ACTIVITY_COLUMNS)
