"""The app's entry point: page setup, the role preview, shared filters, navigation and the footnote.

Run with ``make run`` (or ``streamlit run dashboard.py``). Pages hold layout only; numbers come from
``indicators/``; ``ui/`` holds the Streamlit-aware helpers.
"""

from pathlib import Path

import streamlit as st

from ui import data, filters, layout, view

st.set_page_config(
    page_title="Programme progress", page_icon=str(Path(__file__).parent / "ui" / "icon.png"), layout="wide"
)

# name: (title, icon, URL path). URL paths differ from the file names on purpose: Streamlit also registers the
# files in pages/ by name, and a page whose URL path equals its file name would run without this router.
PAGE_TABLE = {
    "overview": ("Overview", "dashboard", "home"),
    "beneficiary": ("Beneficiary", "flag", "beneficiaries"),
    "indicator": ("Indicator", "insights", "indicators"),
    "workplan": ("Work plan", "event_note", "work-plan"),
    "semester_review": ("Semester review", "groups", "semester-review"),
    "upload": ("Upload", "upload_file", "upload-workbook"),
    "review": ("Review", "fact_check", "review-versions"),
    "method": ("Method", "menu_book", "methodology"),
    "reports": ("Reports", "summarize", "report-pack"),
}
PAGES = {
    name: st.Page(f"pages/{name}.py", title=title, icon=f":material/{icon}:", url_path=path, default=name == "overview")
    for name, (title, icon, path) in PAGE_TABLE.items()
}
DONOR_HIDDEN = ("upload", "review")
ANALYST_HIDDEN = ("reports",)
USES_SEMESTER = ("overview", "beneficiary", "indicator", "semester_review", "reports")
USES_BENEFICIARY = ("beneficiary",)

role = view.role_picker()
hidden = {view.DONOR: DONOR_HIDDEN, view.ANALYST: ANALYST_HIDDEN}.get(role, ())
shown = {name: page for name, page in PAGES.items() if name not in hidden}
current = st.navigation(list(shown.values()))
name = next(n for n, p in shown.items() if p.url_path == current.url_path)

programme = data.approved()
if programme is not None:
    if name in USES_SEMESTER and (semester := filters.default_semester(programme)):
        view.semester_picker(filters.semester_options(programme), semester)
    if name in USES_BENEFICIARY and (beneficiaries := filters.beneficiary_options(programme)):
        view.beneficiary_picker(beneficiaries, beneficiaries[0])

body = st.container()
layout.page_footer()  # drawn below the page's container, so it stays at the foot even when a page stops early
with body:
    current.run()
