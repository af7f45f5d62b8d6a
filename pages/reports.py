"""Reports: the semester report pack (PDF, PowerPoint, Excel, IATI) from the approved version, for the
Steering Committee and for donors. Whoever sees the donor view (a donor, a manager previewing it) gets the
donor edition only; the files are handed over by ``downloads.download``, never at a server address."""

import streamlit as st

from indicators.domain.i18n import _
from indicators.domain.periods import semester_label
from indicators.present.reports import FORMAT_LABELS, FORMATS
from ui import data, downloads, language, layout, view

layout.page_header(_("Reports"), _("The semester report pack, made from the approved version only."))
programme = layout.programme_or_stop()
semester = view.semester()
audiences = view.report_audiences()
if not audiences:  # dashboard.py lets only those who may make reports open this page
    layout.nothing_to_show(_("Reports are made by programme managers and donors."))
    st.stop()
editions = {
    "manager": _("Programme management (all approved figures)"),
    "donor": _("Donor edition (small counts hidden)"),
}
if len(audiences) > 1:
    audience = st.radio(_("Edition"), audiences, format_func=editions.get, horizontal=True, key="report_edition")
else:
    audience = audiences[0]
    st.caption(_("{edition}: the figures the donor view shows.").format(edition=editions[audience]))
formats = st.multiselect(
    _("Files"), list(FORMATS), default=list(FORMATS), format_func=lambda f: _(FORMAT_LABELS[f]), key="report_formats"
)
st.caption(_("{semester}: change the semester in the sidebar.").format(semester=semester_label(semester)))
if st.button(
    _("Build the report pack"), type="primary", icon=":material/summarize:", disabled=not formats, key="report_build"
):
    bar = st.progress(0.0, text=_("Starting"))
    with layout.project_errors_shown():
        data.build_reports(semester, audience, formats, progress=lambda share, what: bar.progress(share, text=what))
    bar.empty()
for report in data.built_reports(semester, audience):
    downloads.download(
        _("{format} · {file} · {size} KB").format(
            format=_(FORMAT_LABELS[report.format]),
            file=report.file_name,
            size=language.number(len(report.data) / 1024),
        ),
        lambda kept=report.data: kept,
        file_name=report.file_name,
        mime=report.mime,
        key=f"report_{report.format}",
    )
