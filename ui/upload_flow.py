"""The Upload page's steps: a workbook checked once per file (with a progress bar), the offer to read it through
a mapping of the analyst's own, and Submit (or the version's state once submitted). Only the report of the file
checked last is kept in the session, never the workbook."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from indicators.domain.i18n import _
from indicators.ingest import IngestResult, ingest
from ui import data, layout, mapping_step, tables, upload_report, view


def keep(checked: IngestResult, file_id: str, file_name: str) -> None:
    """Keep only the report of a checked file; once stored, the uploader lets go of its bytes (its key changes)."""
    round_ = st.session_state.setdefault("upload_round", 0)
    checked = upload_report.report_only(checked, file_name)
    if checked.version_id or checked.duplicate_of:
        st.session_state.update(stored=checked, upload_round=round_ + 1)
        st.session_state.pop("checking", None)
        st.rerun()
    st.session_state["checking"] = (file_id, checked)


def checked(upload) -> IngestResult:  # noqa: ANN001 (a Streamlit UploadedFile)
    """The report of the file in the uploader, checked once however often the page reruns (stops on an error
    of the project's own, shown as a message)."""
    checking = st.session_state.get("checking")
    if checking is None or checking[0] != upload.file_id:
        result = None
        with st.status(_("Checking {file}").format(file=layout.md(upload.name)), expanded=True) as status:
            bar = st.progress(0.0, text=_("Starting"))
            with layout.project_errors_shown():
                result = ingest(
                    upload.getvalue(),
                    upload.name,
                    view.identity(),
                    data.store(),
                    progress=lambda fraction, text: bar.progress(fraction, text=text),
                )
            passed = result is not None and result.ok
            status.update(
                label=_("Checked {file}").format(file=layout.md(upload.name)),
                state="complete" if passed else "error",
                expanded=not passed,
            )
        if result is None:
            st.stop()
        keep(result, upload.file_id, upload.name)
    return st.session_state["checking"][1]


def mapping_offered(result: IngestResult, upload) -> None:  # noqa: ANN001 (a Streamlit UploadedFile)
    """A workbook not in the template's layout goes to the mapping step (any other one may, on a toggle); the
    page stops there until the mapping is saved."""
    wants_mapping = result.needs_mapping or (
        result.message is None
        and result.mapping is None
        and st.toggle(
            _("Read this workbook through a mapping of my own"),
            key=f"map:{upload.file_id}",
            help=_("For a workbook kept in your own layout: say which columns hold what, once."),
        )
    )
    if not wants_mapping:
        return
    if result.needs_mapping:
        st.info(
            _(
                "This workbook is not in the template's layout. Say below where your values are: the mapping "
                "is saved, and the next workbook laid out like this one goes straight to the report."
            ),
            icon=":material/table_view:",
        )
    on_checked: Callable[[IngestResult], None] = lambda found: keep(found, upload.file_id, upload.name)  # noqa: E731
    mapping_step.mapping_step(
        upload.file_id, upload.getvalue(), upload.name, data.store(), view.identity(), on_checked=on_checked
    )
    st.stop()


def submit_or_state(result: IngestResult) -> None:
    """Submit a stored draft (or returned version) for review; once submitted, its state in a sentence.

    The same bytes uploaded again name the draft they are already stored as: its uploader can still submit it
    (the Upload page is the only place to, once the page that stored it was left)."""
    uploader = str(data.store().meta(result.duplicate_of).get("uploaded_by", "")) if result.duplicate_of else ""
    version = result.version_id or (result.duplicate_of if uploader.lower() == view.identity().email.lower() else None)
    if version and data.store().status(version) in ("draft", "returned"):
        st.subheader(_("Submit for review"))
        note = st.text_area(_("Note for the reviewer"), key="submit_note", placeholder=_("What changed and why"))
        if st.button(_("Submit version {version} for review").format(version=version), type="primary"):
            with layout.project_errors_shown():
                data.store().submit(version, view.identity(), note)
                layout.flash(
                    _("Version {version} is submitted; a programme manager reviews it on the Review page.").format(
                        version=version
                    )
                )
    elif version and not layout.show_flash():  # submitted already (here or elsewhere): the state in a sentence
        st.caption(
            _("Version {version} is {status}; the Review page shows it.").format(
                version=version, status=_(tables.VERSION_STATUS[data.store().status(version)])
            )
        )
