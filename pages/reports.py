"""Reports: the semester report pack (PDF, PowerPoint, Excel, IATI) from the approved version, for the
Steering Committee and for donors; donors get the donor edition only."""

import streamlit as st

from indicators.domain.periods import semester_label
from indicators.present.reports import FORMAT_LABELS, FORMATS
from ui import data, layout, view

layout.page_header("Reports", "The semester report pack, made from the approved version only.")
programme = layout.programme_or_stop()
semester = view.semester()
audiences = view.report_audiences()
if not audiences:
    layout.nothing_to_show("Reports are made by programme managers and downloaded by donors.")
    st.stop()
editions = {"manager": "Programme management (all approved figures)", "donor": "Donor edition (small counts hidden)"}
audience = st.radio("Edition", audiences, format_func=editions.get, horizontal=True) if len(audiences) > 1 else "donor"
formats = st.multiselect("Files", list(FORMATS), default=list(FORMATS), format_func=FORMAT_LABELS.get)
st.caption(f"{semester_label(semester)}: change the semester in the sidebar.")
if st.button("Build the report pack", type="primary", icon=":material/summarize:", disabled=not formats):
    bar = st.progress(0.0, text="Starting")
    with layout.project_errors_shown():
        data.build_reports(semester, audience, formats, progress=lambda share, what: bar.progress(share, text=what))
    bar.empty()
for report in data.built_reports(semester, audience):
    st.download_button(
        f"{FORMAT_LABELS[report.format]} · {report.file_name} · {len(report.data) / 1024:,.0f} KB",
        report.data,
        file_name=report.file_name,
        mime=report.mime,
        icon=":material/download:",
        on_click="ignore",
        key=f"download_{report.format}",
    )
