"""Review: submitted versions, their changes recomputed against the approved data of now, approve or return, the log."""

import streamlit as st

from indicators import ingest
from indicators.access.roles import Action, allowed
from indicators.domain.settings import setting
from ui import data, layout, view

who = view.identity()
if not allowed(who, Action.VIEW_DRAFTS):  # an analyst: their own versions and the reviewers' notes
    layout.page_header("Your versions", "Each workbook you uploaded, its status, who reviewed it and their note.")
    layout.table(data.store().versions_for(who), layout.VERSION_COLUMNS, key="versions")
    st.stop()
layout.page_header("Review submitted versions", "Approve a version to publish it, or return it with a note.")
layout.show_flash()
store = data.store()
versions = store.versions_for(who)
st.subheader("Versions")
layout.table(versions, layout.VERSION_COLUMNS, key="versions")

submitted = versions[versions["status"] == "submitted"]
st.subheader("Waiting for review")
if submitted.empty:
    layout.nothing_to_show("No version is waiting for review.")
else:
    names = {row.id: f"{row.id} · {row.file_name} · {row.uploaded_by}" for row in submitted.itertuples()}
    chosen = st.selectbox("Version to review", list(names), format_func=names.get, key="review_version")
    review = data.version_review(chosen)
    if review.moved:
        st.info(
            f"Version {chosen} was checked against version {review.base_version or '(none)'}; version "
            f"{review.approved_version} has been approved since. Its changes are re-applied onto the approved data "
            "of now: rows the workbook left as they were change nothing.",
            icon=":material/merge:",
        )
    if review.message:
        st.error(f"The stored workbook could not be checked again: {layout.md(review.message)}")
    if review.errors:
        st.error(
            f"{review.errors} error(s) against the approved data of now: return the version so its analyst fixes them."
        )
    layout.problems_table(review)
    conflicts = len(review.conflicts)
    if conflicts:
        st.warning(
            f"{conflicts} cell(s) changed by this version were also changed by an approval since. Return it with "
            "the list below as the note, or approve it taking the upload's values (the log records it).",
            icon=":material/warning:",
        )
        layout.conflicts_table(review.conflicts)
    layout.changes_shown(review, f"Changes against the approved data of now ({len(review.changes)} cells)")
    own = str(versions.set_index("id").loc[chosen, "uploaded_by"]).lower() == who.email.lower()
    if own and setting("FOUR_EYES") != "0":
        st.info("You uploaded this version, so someone else approves it (the four-eyes rule).", icon=":material/group:")
    manager = allowed(who, Action.APPROVE) and not (own and setting("FOUR_EYES") != "0")
    note = st.text_area("Note", key="review_note", help="Required when returning a version.")
    approve, give_back = st.columns(2)
    with layout.project_errors_shown():
        if approve.button(
            "Approve, taking the upload's values" if conflicts else "Approve and publish",
            type="primary",
            disabled=not manager or bool(review.errors),
            help=None if manager else "Only a programme manager who did not upload it approves it.",
        ):
            published = ingest.approve(
                store, chosen, view.identity(), note, seen=review.fingerprint, take_upload=bool(conflicts)
            )
            shown = "" if published == chosen else f" (its changes re-applied, stored as version {published})"
            layout.flash(f"Version {chosen} is approved{shown}: every page now shows it.")
        if give_back.button(
            "Return with the note and the conflicts" if conflicts else "Return with the note",
            disabled=not allowed(who, Action.RETURN),
            help=None if allowed(who, Action.RETURN) else "Only a programme manager returns a version.",
        ):
            listed = f"Changed since by another approval:\n{review.conflict_note}" if conflicts else ""
            store.return_version(chosen, view.identity(), "\n\n".join(t for t in (note.strip(), listed) if t))
            layout.flash(f"Version {chosen} is returned to its analyst with your note.")

st.subheader("Log")
layout.table(store.log().iloc[::-1], layout.LOG_COLUMNS, key="log")
