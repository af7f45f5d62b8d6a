"""Review: submitted versions, the changes each makes to the approved data, approve or return, the log."""

import streamlit as st

from indicators.read.diff import change_summary
from ui import data, layout, view

layout.page_header("Review submitted versions", "Approve a version to publish it, or return it with a note.")
layout.show_flash()
store = data.store()
versions = store.versions()
st.subheader("Versions")
layout.table(versions, layout.VERSION_COLUMNS, key="versions")

submitted = versions[versions["status"] == "submitted"]
st.subheader("Waiting for review")
if submitted.empty:
    layout.nothing_to_show("No version is waiting for review.")
else:
    names = {row.id: f"{row.id} · {row.file_name} · {row.uploaded_by}" for row in submitted.itertuples()}
    chosen = st.selectbox("Version to review", list(names), format_func=names.get, key="review_version")
    base = versions.set_index("id").loc[chosen, "base_version"]
    if base != store.approved_id():
        st.warning(
            f"Version {chosen} was checked against version {base or '(none)'}, but another version has been "
            "approved since: it cannot be approved. Return it so the analyst uploads the workbook again."
        )
    changes = data.changes_against_approved(chosen)
    st.markdown(f"**Changes against the approved data ({len(changes)} cells)**")
    layout.table(change_summary(changes), layout.SUMMARY_COLUMNS)
    with st.expander("Every change"):
        layout.table(changes, layout.CHANGE_COLUMNS)
    manager = view.role() == view.MANAGER
    note = st.text_area("Note", key="review_note", help="Required when returning a version.")
    approve, give_back = st.columns(2)
    with layout.project_errors_shown():
        if approve.button(
            "Approve and publish",
            type="primary",
            disabled=not manager,
            help=None if manager else "Only a programme manager approves.",
        ):
            store.approve(chosen, view.user_name(), note)
            layout.flash(f"Version {chosen} is approved: every page now shows it.")
        if give_back.button(
            "Return with the note",
            disabled=not manager,
            help=None if manager else "Only a programme manager returns a version.",
        ):
            store.return_version(chosen, view.user_name(), note)
            layout.flash(f"Version {chosen} is returned to its analyst with your note.")

st.subheader("Log")
layout.table(store.log().iloc[::-1], layout.LOG_COLUMNS, key="log")
