"""Upload: the blank template, a workbook checked row by row, its changes to the approved data, and Submit."""

import streamlit as st

from indicators.domain.i18n import _
from indicators.domain.settings import setting_int
from indicators.ingest import IngestResult, ingest
from indicators.present.template import template_bytes
from ui import data, downloads, layout, mapping_step, tables, upload_report, view, workbook

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
# the report of the file checked last (no workbook, no tables) until another file is chosen.
round_ = st.session_state.setdefault("upload_round", 0)


def keep(checked: IngestResult, file_id: str, file_name: str) -> None:
    """Keep only the report of a checked file; once stored, the uploader lets go of its bytes."""
    checked = upload_report.report_only(checked, file_name)
    if checked.version_id or checked.duplicate_of:
        st.session_state.update(stored=checked, upload_round=round_ + 1)
        st.session_state.pop("checking", None)
        st.rerun()
    st.session_state["checking"] = (file_id, checked)


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
    checking = st.session_state.get("checking")
    if checking is None or checking[0] != upload.file_id:  # one check per file, however often the page reruns
        checked = None
        with st.status(_("Checking {file}").format(file=layout.md(upload.name)), expanded=True) as status:
            bar = st.progress(0.0, text=_("Starting"))
            with layout.project_errors_shown():
                checked = ingest(
                    upload.getvalue(),
                    upload.name,
                    view.identity(),
                    data.store(),
                    progress=lambda fraction, text: bar.progress(fraction, text=text),
                )
            passed = checked is not None and checked.ok
            status.update(
                label=_("Checked {file}").format(file=layout.md(upload.name)),
                state="complete" if passed else "error",
                expanded=not passed,
            )
        if checked is None:
            st.stop()
        keep(checked, upload.file_id, upload.name)
    result = st.session_state["checking"][1]
if upload is not None:
    wants_mapping = result.needs_mapping or (
        result.message is None
        and result.mapping is None
        and st.toggle(
            _("Read this workbook through a mapping of my own"),
            key=f"map:{upload.file_id}",
            help=_("For a workbook kept in your own layout: say which columns hold what, once."),
        )
    )
    if wants_mapping:
        if result.needs_mapping:
            st.info(
                _(
                    "This workbook is not in the template's layout. Say below where your values are: the mapping "
                    "is saved, and the next workbook laid out like this one goes straight to the report."
                ),
                icon=":material/table_view:",
            )
        mapping_step.mapping_step(
            upload.file_id,
            upload.getvalue(),
            upload.name,
            data.store(),
            view.identity(),
            on_checked=lambda checked: keep(checked, upload.file_id, upload.name),
        )
        st.stop()
if result.mapping is not None:
    st.caption(_("Read through the saved mapping '{name}'.").format(name=mapping_step.inert(result.mapping.name)))
upload_report.ingest_report(result)

if result.version_id and data.store().status(result.version_id) in ("draft", "returned"):
    st.subheader(_("Submit for review"))
    note = st.text_area(_("Note for the reviewer"), key="submit_note", placeholder=_("What changed and why"))
    if st.button(_("Submit version {version} for review").format(version=result.version_id), type="primary"):
        with layout.project_errors_shown():
            data.store().submit(result.version_id, view.identity(), note)
            layout.flash(
                _("Version {version} is submitted; a programme manager reviews it on the Review page.").format(
                    version=result.version_id
                )
            )
elif result.version_id and not layout.show_flash():  # submitted already: no button, the state in a sentence
    st.caption(
        _("Version {version} is {status}; the Review page shows it.").format(
            version=result.version_id, status=_(tables.VERSION_STATUS[data.store().status(result.version_id)])
        )
    )
