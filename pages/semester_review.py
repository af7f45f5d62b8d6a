"""Semester review for the Steering Committee: plan against delivery, indicator status, completeness,
missing reports, and the work plan adopted for the next semester, with the summary as CSV."""

import pandas as pd
import plotly.graph_objects as go
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
# Frames and charts are made once per data version, view, language and choice (data.built), not at every rerun.
status = data.built(
    "status",  # the same rows as the Overview's
    (semester,),
    lambda: latest_status(data.progress(donor=view.is_donor()), semester),
    large=True,
)
layout.download(
    _("Download the semester's indicator summary (CSV)"),
    lambda: layout.summary_csv(layout.readable(status), view.is_donor()),  # made readable when asked for
    file_name=f"semester_summary_{semester}.csv",
    mime="text/csv",
    key="semester_summary",
)

st.subheader(_("Plan and delivery, {semester}").format(semester=label))
delivery = data.built(
    "delivery",
    (semester,),
    lambda: workplan_delivery(activities_for(programme.activities, semester), by=("beneficiary",)),
)
if delivery.empty:
    layout.nothing_to_show(_("No activities were planned for this semester."))
else:
    layout.figure(data.built("delivery_figure", (semester,), lambda: delivery_figure(delivery)), key="review_delivery")
    layout.table(
        data.built("readable_delivery", (semester,), lambda: layout.readable(delivery)), layout.DELIVERY_COLUMNS
    )

st.subheader(_("Indicator status, {semester}").format(semester=label))
if status.empty:
    layout.nothing_to_show(_("No indicator has a target or a value in this semester."))
else:
    matrix = shown.worst_first(status, programme, shown.MATRIX_LIMIT, "review_status", scope=(semester,))
    figure = data.built(
        "status_matrix", (semester, *shown.choices("review_status")), lambda: status_matrix_figure(matrix)
    )
    compact = data.built(  # the form that fits a phone
        "status_matrix_compact",
        (semester, *shown.choices("review_status")),
        lambda: status_matrix_figure(matrix, compact=True),
    )
    layout.figure(figure, key="review_status", narrow=compact)


def explanations() -> tuple[pd.DataFrame, int]:
    expected = status[status["explanation_due"].notna()]
    return expected.sort_values("comment", na_position="first"), len(missing_explanations(expected))


st.subheader(_("Explanations, {semester}").format(semester=label))
expected, without = data.built("explanations", (semester,), explanations, large=True)
st.caption(
    _(
        "An indicator at risk, off track, over-achieved or not reported needs the analyst's explanation (the "
        "Comment column of the template). {needed} need one; {missing} have none yet."
    ).format(needed=len(expected), missing=without)
)
if expected.empty:
    layout.nothing_to_show(_("No indicator needs an explanation in this semester."))
else:
    first_expected = shown.first_rows(expected, shown.TABLE_LIMIT, "rows")
    layout.table(
        data.built("readable_explanations", (semester,), lambda: layout.readable(first_expected)),
        layout.EXPLANATION_COLUMNS,
        key="explanations",
    )

st.subheader(_("Reporting completeness"))


def semester_completeness() -> go.Figure:
    completeness = data.completeness()
    return completeness_figure(completeness[completeness["semester"] == semester])


layout.figure(data.built("completeness_figure", (semester,), semester_completeness), key="review_completeness")
missing = data.built("missing_reports", (semester,), lambda: missing_reports(programme, semester), large=True)
st.markdown(_("**Missing reports ({count})**").format(count=len(missing)))
if not missing.empty:
    first = shown.first_rows(missing, shown.TABLE_LIMIT, "missing reports")
    layout.table(
        data.built("readable_missing_reports", (semester,), lambda: layout.readable(first)),
        layout.progress_columns(where=True),
    )

if not view.is_donor():  # flags quote figures as reported, before any suppression: never shown to donors

    def semester_flags() -> tuple[pd.DataFrame, int]:
        flags = data.quality()
        flags = flags[flags["semester"] == semester]
        return layout.readable(flags), int((flags["check"] == "late").sum())

    st.subheader(_("Data quality, {semester}").format(semester=label))
    flags, late = data.built("quality_flags", (semester,), semester_flags, large=True)
    st.caption(
        _(
            "Figures that pass validation but deserve a look before approval; the checks are on the Method page. "
            "Reports marked late in this semester: {late}."
        ).format(late=late)
    )
    if flags.empty:
        layout.nothing_to_show(_("No data-quality flag in this semester."))
    else:
        layout.table(flags, layout.QUALITY_COLUMNS, key="quality")

st.subheader(_("Adopted for the next semester, {semester}").format(semester=semester_label(following)))
adopted = data.built("adopted", (following,), lambda: layout.readable(activities_for(programme.activities, following)))
if adopted.empty:
    layout.nothing_to_show(_("No work plan has been adopted for the next semester yet."))
else:
    layout.table(adopted, layout.ACTIVITY_COLUMNS)
