"""The Upload page's "Download my semester's workbook": which semester, and the download (the workbook, and who
may have which, are ``ingest.semester_workbook``'s)."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from indicators.access.roles import Action, allowed
from indicators.domain.i18n import _
from indicators.domain.periods import semester_label
from indicators.domain.reference import BENEFICIARY_CODES
from indicators.ingest import semester_workbook, semester_workbook_name
from indicators.present.template import semesters_to_report
from ui import data, downloads, layout, view

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def semester_workbook_download() -> None:
    """A semester picker and the download of the signed-in person's semester workbook (nothing for a person
    who may not upload, or before any data is approved)."""
    who, programme = view.identity(), data.approved()
    if who is None or programme is None or not allowed(who, Action.UPLOAD):
        return
    semesters = semesters_to_report(programme, who.beneficiaries or BENEFICIARY_CODES, dt.date.today())
    if not semesters:
        return
    chosen = st.selectbox(
        _("Semester to report"),
        semesters,
        format_func=semester_label,
        key="workbook_semester",
        help=_("The workbook lists every figure expected of you that semester, with the approved data beside it."),
    )
    with layout.project_errors_shown():
        downloads.download(
            _("Download my semester's workbook (.xlsx)"),
            lambda: semester_workbook(data.store(), view.identity(), chosen).data,
            file_name=semester_workbook_name(chosen, who.beneficiaries),
            mime=XLSX,
            key="semester_workbook",
        )
