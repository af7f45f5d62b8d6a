"""What an upload check found, as the Upload and Review pages show it: the refusal or the counts of errors
and warnings, the problems by sheet, row and column, the changes against the approved data, and conflicts."""

from __future__ import annotations

import dataclasses

import pandas as pd
import streamlit as st

from indicators.domain.i18n import N_, _, ngettext
from indicators.domain.reference import beneficiary_name
from indicators.present.views.readable import label as _label
from ui import language
from ui.downloads import csv_bytes, download
from ui.layout import md
from ui.tables import column, table

SEVERITY_TEXT = {"error": N_("✖ Error"), "warning": N_("▲ Warning")}


def severity_text(severity: pd.Series) -> pd.Series:
    """Problems' severities as symbol and word, in the language shown."""
    return severity.map(lambda s: _(SEVERITY_TEXT[s]) if s in SEVERITY_TEXT else s, na_action="ignore")


PROBLEM_COLUMNS: dict[str, object] = {  # where, then what is expected (on a phone: in view after a short scroll)
    "severity_text": column(N_("Severity"), N_("Errors block the upload; warnings are allowed."), width=90),
    "sheet": column(N_("Sheet")),
    "row": column(N_("Row"), N_("The row number as Excel shows it."), "number", format="%d"),
    "column": column(N_("Column"), width=110),
    "expected": column(N_("Expected"), width="large"),
    "found": column(N_("Found"), width="medium"),
}
SUMMARY_COLUMNS: dict[str, object] = {
    "table": column(N_("Sheet")),
    "added": column(N_("Rows added"), kind="number"),
    "changed": column(N_("Rows changed"), kind="number"),
    "removed": column(N_("Rows removed"), kind="number"),
}
CHANGE_COLUMNS: dict[str, object] = {
    "table": column(N_("Table")),
    "key": column(N_("Row"), N_("The row's key, e.g. indicator, beneficiary and semester."), width="medium"),
    "change": column(N_("Change")),
    "column": column(N_("Column")),
    "before": column(N_("Before")),
    "after": column(N_("After")),
}
CONFLICT_COLUMNS: dict[str, object] = {
    "table": column(N_("Table")),
    "indicator_id": column(N_("Indicator")),
    "beneficiary_name": column(N_("Beneficiary")),
    "semester_label": column(N_("Semester")),
    "sex": column(N_("Sex")),
    "column": column(N_("Column")),
    "base": column(N_("Checked against"), N_("The value when the upload was checked.")),
    "approved_since": column(N_("Approved since"), N_("The value another version approved since then.")),
    "upload": column(N_("In the upload"), N_("The value the upload gives.")),
    "key": column(
        N_("Row"), N_("The row's key, for tables without indicator, beneficiary or semester."), width="medium"
    ),
}
CHANGES_SHOWN = 5000  # a browser table of 100,000 rows helps nobody; the CSV has them all


def report_only(result, file_name: str):  # an indicators.ingest.IngestResult
    """What ingest_report shows of a check, without the workbook's tables (kept in the session)."""
    return dataclasses.replace(result, upload=None, merged=None, file_name=file_name)


def ingest_report(result) -> None:  # an indicators.ingest.IngestResult
    """What an upload check found: the one-sentence refusal, or problems by sheet/row/column and the changes."""
    if result.message:
        st.error(md(result.message), icon=":material/block:")  # it names the file and its sheets
        return
    errors, warnings = result.errors, result.warnings
    st.markdown(
        ngettext(
            "**{n} error** (to fix before the workbook can be stored)",
            "**{n} errors** (to fix before the workbook can be stored)",
            errors,
        ).format(n=errors)
        + " · "
        + ngettext("**{n} warning** (allowed)", "**{n} warnings** (allowed)", warnings).format(n=warnings)
    )
    problems_table(result)
    if not result.ok:
        st.error(_("Nothing was stored: fix the errors listed above and upload the workbook again."))
        return
    named = bool(getattr(result, "file_name", ""))
    name = md(result.file_name) if named else ""
    if result.duplicate_of:
        st.info(
            (
                _("This exact file “{name}” is already stored as version {version}; nothing new was stored.")
                if named
                else _("This exact file is already stored as version {version}; nothing new was stored.")
            ).format(name=name, version=result.duplicate_of)
        )
    elif result.version_id:
        st.success(
            (
                _("No errors: the workbook “{name}” is stored as draft version {version}. Submit it below.")
                if named
                else _("No errors: the workbook is stored as draft version {version}. Submit it below.")
            ).format(name=name, version=result.version_id)
        )
    changes_shown(result)


def problems_table(result) -> None:  # an IngestResult or an ingest.Review: problems by sheet, row and column
    """The problems of a workbook, errors first, with where they are, what was found and what was expected."""
    if result.problems:
        problems = result.problems_table
        table(problems.assign(severity_text=severity_text(problems["severity"])), PROBLEM_COLUMNS, key="problems")


def changes_shown(result, title: str | None = None) -> None:  # IngestResult or Review
    """The change summary by table and every change (the first CHANGES_SHOWN in a table, all in a CSV); the
    title (already in the language shown) is "Changes against the approved data" unless given."""
    st.subheader(title or _("Changes against the approved data"))
    table(result.change_summary, SUMMARY_COLUMNS, key="change_summary")
    count = len(result.changes)
    every = ngettext("Every change ({rows} row)", "Every change ({rows} rows)", count)
    with st.expander(every.format(rows=language.number(count, ","))):
        shown = result.changes.head(CHANGES_SHOWN)
        if len(result.changes) > CHANGES_SHOWN:
            st.caption(
                _("The first {count} changes; download them all below.").format(
                    count=language.number(CHANGES_SHOWN, ",")
                )
            )
        table(shown, CHANGE_COLUMNS, key="changes")
        download(
            _("Download every change (CSV)"),
            lambda: csv_bytes(result.changes),
            file_name="changes.csv",
            mime="text/csv",
            key="changes_csv",
        )


def conflicts_table(conflicts: pd.DataFrame) -> None:
    """Cells changed both by a version and by an approval since: the three values side by side."""
    shown = conflicts.assign(
        beneficiary_name=conflicts["beneficiary"].map(lambda c: beneficiary_name(c) if c else ""),
        semester_label=conflicts["semester"].map(lambda s: _label(s) if s else ""),
    )
    table(shown, CONFLICT_COLUMNS, key="conflicts")
