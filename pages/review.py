"""Review: submitted versions, their changes recomputed against the approved data of now, approve or return, the log."""

import streamlit as st

from indicators import ingest
from indicators.access.roles import Action, allowed
from indicators.domain.i18n import _
from indicators.domain.settings import setting
from ui import data, layout, review_widgets, tables, view

who = view.identity()
if not allowed(who, Action.VIEW_DRAFTS):  # an analyst: their own versions and the reviewers' notes
    layout.page_header(_("Your versions"), _("Each workbook you uploaded, its status, who reviewed it and their note."))
    tables.versions_table(data.store().versions_for(who), key="versions")
    st.stop()
layout.page_header(_("Review submitted versions"), _("Approve a version to publish it, or return it with a note."))
layout.show_flash()
store = data.store()
versions = store.versions_for(who)
st.subheader(_("Versions"))
tables.versions_table(versions, key="versions")

submitted = versions[versions["status"] == "submitted"]
st.subheader(_("Waiting for review"))
if submitted.empty:
    layout.nothing_to_show(_("No version is waiting for review."))
else:
    names = {row.id: f"{row.id} · {row.file_name} · {row.uploaded_by}" for row in submitted.itertuples()}
    chosen = st.selectbox(_("Version to review"), list(names), format_func=names.get, key="review_version")
    review = data.version_review(chosen)
    if review.moved:
        st.info(
            _(
                "Version {version} was checked against version {base}; version {approved} has been approved "
                "since. Its changes are re-applied onto the approved data of now: rows the workbook left as they "
                "were change nothing."
            ).format(version=chosen, base=review.base_version or _("(none)"), approved=review.approved_version),
            icon=":material/merge:",
        )
    if review.message:
        st.error(
            _("The stored workbook could not be checked again: {message}").format(message=layout.md(review.message))
        )
    review_widgets.findings(review, str(submitted.set_index("id").loc[chosen, "uploaded_by"]))
    conflicts = len(review.conflicts)
    own = str(versions.set_index("id").loc[chosen, "uploaded_by"]).lower() == who.email.lower()
    if own and setting("FOUR_EYES") != "0":
        st.info(
            _("You uploaded this version, so someone else approves it (the four-eyes rule)."), icon=":material/group:"
        )
    manager = allowed(who, Action.APPROVE) and not (own and setting("FOUR_EYES") != "0")
    note = st.text_area(_("Note"), key="review_note", help=_("Required when returning a version."))
    approve, give_back = st.columns(2)
    with layout.project_errors_shown():
        if approve.button(
            _("Approve, taking the upload's values") if conflicts else _("Approve and publish"),
            type="primary",
            disabled=not manager or bool(review.errors),
            help=None if manager else _("Only a programme manager who did not upload it approves it."),
        ):
            published = ingest.approve(
                store, chosen, view.identity(), note, seen=review.fingerprint, take_upload=bool(conflicts)
            )
            layout.flash(
                (
                    _("Version {version} is approved: every page now shows it.")
                    if published == chosen
                    else _(
                        "Version {version} is approved (its changes re-applied, stored as version {published}): "
                        "every page now shows it."
                    )
                ).format(version=chosen, published=published)
            )
        if give_back.button(
            _("Return with the note and the conflicts") if conflicts else _("Return with the note"),
            disabled=not allowed(who, Action.RETURN),
            help=None if allowed(who, Action.RETURN) else _("Only a programme manager returns a version."),
        ):
            listed = (
                _("Changed since by another approval:\n{conflicts}").format(conflicts=review.conflict_note)
                if conflicts
                else ""
            )
            store.return_version(chosen, view.identity(), "\n\n".join(t for t in (note.strip(), listed) if t))
            layout.flash(_("Version {version} is returned to its analyst with your note.").format(version=chosen))

st.subheader(_("Log"))
tables.log_table(store.log().iloc[::-1], key="log")
