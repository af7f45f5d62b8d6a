"""Upload: the blank template, a workbook checked row by row, its changes to the approved data, and Submit."""

import streamlit as st

from indicators.domain.i18n import _
from indicators.domain.settings import setting_int
from indicators.present.template import template_bytes
from ui import data, downloads, layout, mapping_step, upload_flow, upload_report, workbook

layout.page_header(
    _("Upload a monitoring workbook"),
    _("Every problem is listed at once by sheet, row and column; nothing changes until a programme manager approves."),
)
workbook.semester_workbook_download()
downloads.download(
    _("Download the blank template (.xlsx)"),
    lambda: template_bytes(data.approved()),
    file_name="monitoring_template.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="template",
)
# The uploader's key changes once a workbook is stored, so Streamlit lets go of its bytes; the page keeps only
# the report of the file checked last (no workbook, no tables) until another file is chosen: ui/upload_flow.py.
round_ = st.session_state.setdefault("upload_round", 0)
upload = st.file_uploader(
    _("Monitoring workbook (.xlsx)"),
    type=["xlsx"],
    key=f"workbook-{round_}",
    max_upload_size=setting_int("MAX_UPLOAD_MB"),
    help=_("The template filled in; up to {size} MB.").format(size=setting_int("MAX_UPLOAD_MB")),
)
if upload is None:
    st.session_state.pop("checking", None)  # a file removed from the uploader is forgotten
    result = st.session_state.get("stored")
    if result is None:
        layout.nothing_to_show(_("Choose a workbook to check it. Nothing is stored until it passes every check."))
        st.stop()
else:
    st.session_state.pop("stored", None)
    result = upload_flow.checked(upload)
    upload_flow.mapping_offered(result, upload)
if result.mapping is not None:
    st.caption(_("Read through the saved mapping '{name}'.").format(name=mapping_step.inert(result.mapping.name)))
upload_report.ingest_report(result)
upload_flow.submit_or_state(result)
