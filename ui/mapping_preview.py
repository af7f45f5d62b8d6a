"""Step 4 of the Upload page's mapping step (ui/mapping_step.py): the workbook checked through the mapping
without storing anything, and its first rows as they will be stored, with every problem by the analyst's cell."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from indicators.domain.i18n import N_, _, ngettext
from indicators.ingest import IngestResult, ingest
from indicators.present.views.readable import readable
from indicators.read.mapping import Mapping
from indicators.store import Store
from ui import language, tables, upload_report

PREVIEW_ROWS = 10
STORED_COLUMNS: dict[str, object] = {
    "indicator_id": tables.column(N_("Indicator")),
    "beneficiary_name": tables.column(N_("Beneficiary")),
    "semester_label": tables.column(N_("Semester")),
    "sex": tables.column(N_("Sex")),
    "value": tables.column(N_("Value"), kind="number"),
    "numerator": tables.column(N_("Numerator"), kind="number"),
    "denominator": tables.column(N_("Denominator"), kind="number"),
    "text": tables.column(N_("Text")),
    "comment": tables.column(N_("Comment")),
}


def checked(mapping: Mapping, data: bytes, file_name: str, store: Store) -> IngestResult:
    """The workbook checked through the mapping without storing anything, once per mapping."""
    cache = st.session_state.setdefault("mapping_preview", {})
    key = (file_name, mapping.dumps())
    if key not in cache:
        cache.clear()
        with st.spinner(_("Reading the workbook through the mapping")):
            cache[key] = ingest(data, file_name, None, store, save=False, mapping=mapping)
    return cache[key]


def shown(result: IngestResult) -> None:
    """The first rows as they will be stored, how many were read, and every problem by the analyst's cell."""
    if result.message:
        st.error(result.message, icon=":material/block:")
        return
    values = result.upload.values if result.upload is not None else pd.DataFrame()
    st.caption(
        ngettext(
            "{n} value read; the first {shown} as they will be stored. Errors: {errors}; warnings: {warnings}.",
            "{n} values read; the first {shown} as they will be stored. Errors: {errors}; warnings: {warnings}.",
            len(values),
        ).format(
            n=language.number(len(values), ","),
            shown=min(PREVIEW_ROWS, len(values)),
            errors=result.errors,
            warnings=result.warnings,
        )
    )
    if len(values):
        with st.container(key="mapping_preview_rows"):
            tables.table(readable(values.head(PREVIEW_ROWS)), STORED_COLUMNS)
    if result.problems:
        problems = result.problems_table
        with st.container(key="mapping_problems"):
            tables.table(
                problems.assign(severity_text=upload_report.severity_text(problems["severity"])),
                upload_report.PROBLEM_COLUMNS,
            )
