"""Review: submitted versions, their changes recomputed against the approved data of now, approve or return, the log."""

import streamlit as st

from indicators.access.roles import Action, allowed
from indicators.domain.i18n import _
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

review_widgets.review_one(store, versions, who)

st.subheader(_("Log"))
tables.log_table(store.log().iloc[::-1], key="log")
