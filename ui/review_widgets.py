"""What a reviewer reads beside a version's changes: the analyst's note and warnings, and the statuses it changes
(computed in ``indicators.ingest.review(..., for_reader=True)``)."""

from __future__ import annotations

import streamlit as st

from indicators.domain.i18n import N_, _, ngettext
from indicators.ingest import Review, status_change_text
from ui import layout, tables, upload_report

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
