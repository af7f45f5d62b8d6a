"""The Review page's widgets: what a reviewer reads beside a version's changes (the analyst's note and warnings,
the statuses it changes, computed in ``indicators.ingest.review(..., for_reader=True)``), and the choice of a
version waiting for review with its Approve and Return buttons."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from indicators import ingest
from indicators.access.identity import Identity
from indicators.access.roles import Action, allowed
from indicators.domain.i18n import N_, _, ngettext
from indicators.domain.settings import setting
from indicators.ingest import Review, status_change_text
from indicators.store import Store
from ui import data, layout, tables, upload_report, view

STATUS_CHANGE_COLUMNS = {
    "text": tables.column(N_("Status change"), N_("Indicator, beneficiary, semester: before → after."), width="large")
}
SHOWN = 500  # status changes listed in the table; a sentence says how many more


def beside_the_version(review: Review, uploaded_by: str) -> None:
    """The analyst's note at submission, how many warnings they saw, and which statuses approving changes."""
    if review.note.strip():
        st.markdown(
            _("**Note from {who} at submission:** {note}").format(
                who=layout.md(uploaded_by), note=layout.md(review.note)
            )
        )
    else:
        st.caption(_("{who} left no note at submission.").format(who=layout.md(uploaded_by)))
    warnings = sum(p.severity == "warning" for p in review.problems)
    if warnings:
        st.caption(
            ngettext(
                "The analyst's upload has {count} warning (listed below): allowed, but worth a look.",
                "The analyst's upload has {count} warnings (listed below): allowed, but worth a look.",
                warnings,
            ).format(count=warnings)
        )
    changes = review.status_changes
    st.subheader(_("Statuses this version changes"))
    if changes.empty:
        layout.nothing_to_show(_("Approving this version changes no indicator's status."))
        return
    st.caption(
        ngettext(
            "Approving it changes {count} status (indicator, beneficiary and semester), newest semester first.",
            "Approving it changes {count} statuses (indicator, beneficiary and semester), newest semester first.",
            len(changes),
        ).format(count=len(changes))
    )
    shown = changes.head(SHOWN)
    tables.table(
        shown.assign(text=[status_change_text(row) for row in shown.itertuples()]),
        STATUS_CHANGE_COLUMNS,
        key="status_changes",
    )


def findings(review: Review, uploaded_by: str) -> None:
    """Errors against the approved data of now, the analyst's note and warnings, the statuses it changes, the
    problems, the conflicts and every change (with the values of added rows)."""
    if review.errors:
        st.error(
            ngettext(
                "{count} error against the approved data of now: return the version so its analyst fixes it.",
                "{count} errors against the approved data of now: return the version so its analyst fixes them.",
                review.errors,
            ).format(count=review.errors)
        )
    beside_the_version(review, uploaded_by)
    upload_report.problems_table(review)
    if conflicts := len(review.conflicts):
        st.warning(
            ngettext(
                "{count} cell changed by this version was also changed by an approval since. Return it with "
                "the list below as the note, or approve it taking the upload's values (the log records it).",
                "{count} cells changed by this version were also changed by an approval since. Return it with "
                "the list below as the note, or approve it taking the upload's values (the log records it).",
                conflicts,
            ).format(count=conflicts),
            icon=":material/warning:",
        )
        upload_report.conflicts_table(review.conflicts)
    count = len(review.changes)
    upload_report.changes_shown(
        review,
        ngettext(
            "Changes against the approved data of now ({count} change)",
            "Changes against the approved data of now ({count} changes)",
            count,
        ).format(count=count),
    )


def review_one(store: Store, versions: pd.DataFrame, who: Identity) -> None:
    """The versions waiting for review: pick one, read what it changes against the approved data of now (its
    findings), and approve or return it (a programme manager; never the one who uploaded it while the four-eyes
    rule is on)."""
    submitted = versions[versions["status"] == "submitted"]
    st.subheader(_("Waiting for review"))
    if submitted.empty:
        layout.nothing_to_show(_("No version is waiting for review."))
        return
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
    findings(review, str(submitted.set_index("id").loc[chosen, "uploaded_by"]))
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
