"""Semester review for the Steering Committee: plan against delivery, indicator status, completeness,
missing reports, and the work plan adopted for the next semester, with the summary as CSV. Everything it draws
is ``views.semester_review`` (``page_views.semester_review_view``); the page lays it out."""

import streamlit as st

from indicators.domain.i18n import _, ngettext
from indicators.present.views.readable import readable
from ui import downloads, layout, page_views, shown, tables, view

semester = view.semester()
layout.page_header(_("Semester review"), _("For the Steering Committee: the semester ending, and the one it adopts."))
programme = layout.programme_or_stop()
review = page_views.semester_review_view(semester)
downloads.download(
    _("Download the semester's indicator summary (CSV)"),
    lambda: downloads.summary_csv(readable(review.status), view.is_donor()),  # made readable when asked for
    file_name=f"semester_summary_{semester}.csv",
    mime="text/csv",
    key="semester_summary",
)

st.subheader(_("Plan and delivery, {semester}").format(semester=review.label))
if review.delivery_figure is None:
    layout.nothing_to_show(_("No activities were planned for this semester."))
else:
    layout.figure(review.delivery_figure, key="review_delivery")
    tables.table(review.delivery, tables.DELIVERY_COLUMNS)

st.subheader(_("Indicator status, {semester}").format(semester=review.label))
if review.status.empty:
    layout.nothing_to_show(_("No indicator has a target or a value in this semester."))
else:
    matrix, compact = shown.status_matrix(review.status, programme, "review_status", semester)
    layout.figure(matrix, key="review_status", narrow=compact)  # the compact form fits a phone

st.subheader(_("Explanations, {semester}").format(semester=review.label))
st.caption(
    _(
        "An indicator at risk, off track, over-achieved or not reported needs the analyst's explanation (the "
        "Comment column of the template). {needed} need one; {missing} have none yet."
    ).format(needed=len(review.explanations), missing=review.explanations_missing)
)
if review.explanations.empty:
    layout.nothing_to_show(_("No indicator needs an explanation in this semester."))
else:
    explained = shown.first_rows(review.explanations, shown.TABLE_LIMIT, "rows")
    tables.table(explained, tables.EXPLANATION_COLUMNS, key="explanations")

st.subheader(_("Reporting completeness"))
layout.figure(review.completeness_figure, key="review_completeness")
count = len(review.missing_reports)
st.markdown(ngettext("**{count} missing report**", "**{count} missing reports**", count).format(count=count))
if count:
    missing = shown.first_rows(review.missing_reports, shown.TABLE_LIMIT, "missing reports")
    tables.table(missing, tables.progress_columns(where=True))

if review.quality is not None:  # flags quote figures as reported, before any suppression: never shown to donors
    st.subheader(_("Data quality, {semester}").format(semester=review.label))
    st.caption(
        _(
            "Figures that pass validation but deserve a look before approval; the checks are on the Method page. "
            "Reports marked late in this semester: {late}."
        ).format(late=review.late)
    )
    if review.quality.empty:
        layout.nothing_to_show(_("No data-quality flag in this semester."))
    else:
        tables.table(review.quality, tables.QUALITY_COLUMNS, key="quality")

st.subheader(_("Adopted for the next semester, {semester}").format(semester=review.following_label))
if review.adopted.empty:
    layout.nothing_to_show(_("No work plan has been adopted for the next semester yet."))
else:
    tables.table(review.adopted, tables.ACTIVITY_COLUMNS)
