"""Method: how each figure is computed, in plain words with examples from the data shown; which version is shown,
and where the data come from. Everything it draws is ``views.method`` (``page_views.method_view``)."""

import streamlit as st

from indicators.domain.i18n import N_, _
from ui import layout, page_views, tables

layout.page_header(_("Method"), _("How each figure is computed, with an example from the data shown."))
method = page_views.method_view()

st.subheader(_("The data shown"))
st.markdown(layout.md(method.data_shown))
for section in method.sections:
    st.subheader(section.title)
    st.markdown(section.rule)
    if section.example:
        st.caption(layout.md(section.example))  # names indicators and beneficiaries from the workbook

st.subheader(_("Statuses"))
tables.table(
    method.statuses,
    {
        "symbol": tables.column(N_("Symbol")),
        "label": tables.column(N_("Status")),
        "meaning": tables.column(N_("What it means"), width="large"),
    },
    key="statuses",
)

st.subheader(_("Where the data come from"))
if method.meetings.empty:
    layout.nothing_to_show(_("No version is approved yet."))
else:
    if method.illustrative:
        st.markdown(
            _(
                "The demo programme is illustrative. Steering Committee meetings marked as not illustrative "
                "(the 2nd, Skopje, 17 Oct 2023, and the 4th, Podgorica, 30 Oct 2024) are taken from Council of "
                "Europe news releases; the source of each is listed."
            )
        )
    tables.table(method.meetings, tables.PROVENANCE_COLUMNS, key="provenance")

st.subheader("Kosovo*")
st.markdown(method.footnote)
