"""The app's entry point: page setup, sign-in, navigation by role, shared filters and the footnote.

Run with ``make run`` (``streamlit run app.py``, which serves this script with the routes that keep local
accounts signed in). Pages hold layout only; numbers come from ``indicators/``; ``ui/`` holds the
Streamlit-aware helpers; who may open a page is the permission table's (``indicators/access/roles.py``).
"""

from pathlib import Path

import streamlit as st

from indicators.access.roles import Action, allowed
from indicators.domain.i18n import N_, _
from ui import auth, data, filters, language, layout, style, view

# name: (title, icon, URL path, what a person must be allowed to open it). URL paths differ from the file names
# on purpose: Streamlit also registers the files in pages/ by name, and a page whose URL path equals its file
# name would run without this router. Every page stays routable (people keep links), so a page someone's role
# may not open says so instead of showing anything.
PAGE_TABLE = {
    "overview": (N_("Overview"), "dashboard", "home", Action.VIEW_APPROVED),
    "beneficiary": (N_("Beneficiary"), "flag", "beneficiaries", Action.VIEW_APPROVED),
    "indicator": (N_("Indicator"), "insights", "indicators", Action.VIEW_APPROVED),
    "workplan": (N_("Work plan"), "event_note", "work-plan", Action.VIEW_APPROVED),
    "semester_review": (N_("Semester review"), "groups", "semester-review", Action.VIEW_APPROVED),
    "upload": (N_("Upload"), "upload_file", "upload-workbook", Action.UPLOAD),
    "review": (N_("Review"), "fact_check", "review-versions", Action.VIEW_OWN_DRAFTS),
    "method": (N_("Method"), "menu_book", "methodology", Action.VIEW_APPROVED),
    "admin": (N_("Accounts"), "manage_accounts", "accounts", Action.MANAGE_ACCOUNTS),
    "reports": (N_("Reports"), "summarize", "report-pack", Action.MAKE_REPORTS),
}
USES_SEMESTER = ("overview", "beneficiary", "indicator", "semester_review", "reports")
USES_BENEFICIARY = ("beneficiary",)

who = auth.signed_in()
language.picker(who)  # before any text: the language of this run (URL, session, remembered, browser, setting)
st.set_page_config(
    # A file, served by Streamlit from /media: a Material icon (or none, when the navigation's first icon is
    # used) makes every page fetch fonts.gstatic.com.
    page_title=_("Programme progress"),
    page_icon=str(Path(__file__).parent / "ui" / "icon.png"),
    layout="wide",
)
style.apply()  # wrapping metric labels, phone forms of charts (ui/style.py)
ready = who is not None and who.role is not None and not auth.must_change_password(who)
may_open = {name: ready and allowed(who, action) for name, (*__, action) in PAGE_TABLE.items()}
PAGES = {
    name: st.Page(
        f"pages/{name}.py",
        title=_(title),
        icon=f":material/{icon}:",
        url_path=path,
        default=name == "overview",
        visibility="visible" if may_open[name] else "hidden",
    )
    for name, (title, icon, path, __) in PAGE_TABLE.items()
}
current = st.navigation(list(PAGES.values()), position="sidebar" if ready else "hidden")
name = next(n for n, p in PAGES.items() if p.url_path == current.url_path)

if who is None:
    auth.sign_in_page()
    st.stop()
if who.role is None:
    auth.no_role_page(who)
    st.stop()
if not ready:
    auth.change_password_page(who)
    st.stop()
auth.sidebar(who)
if not may_open[name]:
    auth.not_available_page()
    st.stop()

if data.approved() is not None:
    options = data.options()  # worked out once per data version
    if name in USES_SEMESTER and (semester := options.default_semester):
        view.semester_picker(options.semesters, semester)
    if name in USES_BENEFICIARY and (beneficiaries := options.beneficiaries):
        view.beneficiary_picker(beneficiaries, filters.default_beneficiary(beneficiaries, who.beneficiaries))

body = st.container()
layout.page_footer()  # drawn below the page's container, so it stays at the foot even when a page stops early
with body:
    current.run()
