"""Upload: the blank template, a workbook checked row by row, its changes to the approved data, and Submit."""

import streamlit as st

from indicators.domain.settings import setting_int
from indicators.ingest import ingest
from indicators.present.template import template_bytes
from ui import data, layout, mapping_step, view

layout.page_header(
    "Upload a monitoring workbook",
    "Every problem is listed at once by sheet, row and column; nothing changes until a programme manager approves.",
)
st.download_button(
    "Download the blank template (.xlsx)",
    template_bytes(data.approved()),
    file_name="monitoring_template.xlsx",
    icon=":material/download:",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)
upload = st.file_uploader(
    "Monitoring workbook (.xlsx)",
    type=["xlsx"],
    key="workbook",
    max_upload_size=setting_int("MAX_UPLOAD_MB"),
    help=f"The template filled in; up to {setting_int('MAX_UPLOAD_MB')} MB.",
)
if upload is None:
    layout.nothing_to_show("Choose a workbook to check it. Nothing is stored until it passes every check.")
    st.stop()

results = st.session_state.setdefault("ingested", {})  # one check per file, however often the page reruns
if upload.file_id not in results:
    with st.status(f"Checking {upload.name}", expanded=True) as status:
        bar = st.progress(0.0, text="Starting")
        with layout.project_errors_shown():
            results[upload.file_id] = ingest(
                upload.getvalue(),
                upload.name,
                view.identity(),
                data.store(),
                progress=lambda fraction, text: bar.progress(fraction, text=text),
            )
        passed = upload.file_id in results and results[upload.file_id].ok
        status.update(label=f"Checked {upload.name}", state="complete" if passed else "error", expanded=not passed)
result = results.get(upload.file_id)
if result is None:
    st.stop()
wants_mapping = result.needs_mapping or (
    result.message is None
    and result.mapping is None
    and st.toggle(
        "Read this workbook through a mapping of my own",
        key=f"map:{upload.file_id}",
        help="For a workbook kept in your own layout: say which columns hold what, once.",
    )
)
if wants_mapping:
    if result.needs_mapping:
        st.info(
            "This workbook is not in the template's layout. Say below where your values are: the mapping is "
            "saved, and the next workbook laid out like this one goes straight to the report.",
            icon=":material/table_view:",
        )
    mapping_step.mapping_step(upload.file_id, upload.getvalue(), upload.name, data.store(), view.identity())
    st.stop()
if result.mapping is not None:
    st.caption(f"Read through the saved mapping '{mapping_step.inert(result.mapping.name)}'.")
layout.ingest_report(result)

if result.version_id:
    st.subheader("Submit for review")
    note = st.text_area("Note for the reviewer", key="submit_note", placeholder="What changed and why")
    if st.button(f"Submit version {result.version_id} for review", type="primary"):
        with layout.project_errors_shown():
            data.store().submit(result.version_id, view.identity(), note)
            st.success(f"Version {result.version_id} is submitted; a programme manager reviews it on the Review page.")
