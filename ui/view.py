"""The shared view: who the page is shown to ("Viewing as") and the semester and beneficiary pickers.

The pickers live in the sidebar of ``dashboard.py`` and keep their choice in ``st.query_params`` (keys
``semester`` and ``beneficiary``), so a copied link reproduces the view. A value from the URL is used only
when it is one of the known options; nothing from the URL is evaluated or unpickled.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from indicators.access.identity import Identity
from indicators.domain.periods import semester_label
from indicators.domain.reference import beneficiary_name

MANAGER, ANALYST, DONOR = "Programme manager", "Analyst", "Donor"
ROLES: tuple[str, ...] = (MANAGER, ANALYST, DONOR)
ROLE_HELP = (
    "A preview of what each audience sees, until sign-in arrives in a later issue. Donors see only approved "
    "data, with small sensitive counts shown as '<5', and no Upload or Review pages; only a programme manager "
    "approves or returns a version."
)
SEMESTER, BENEFICIARY, ROLE = "semester", "beneficiary", "role"


def role_picker() -> str:
    """The 'Viewing as' choice in the sidebar (a preview of roles until sign-in arrives)."""
    if st.session_state.get(ROLE) not in ROLES:
        st.session_state[ROLE] = MANAGER
    role = st.sidebar.radio("Viewing as", ROLES, key=ROLE, help=ROLE_HELP, persist_state="session")
    st.sidebar.caption("Preview of roles: sign-in arrives in a later issue.")
    return str(role)


def role() -> str:
    """The role chosen in the sidebar."""
    value = st.session_state.get(ROLE)
    return value if value in ROLES else MANAGER


def is_donor() -> bool:
    """Whether the page is shown as a donor sees it."""
    return role() == DONOR


PREVIEW_ROLES = {MANAGER: "manager", ANALYST: "analyst", DONOR: "donor"}


def identity() -> Identity | None:
    """Who acts (until sign-in lands: the role previewed, named so in the log)."""
    return Identity(f"{role()} (preview)", PREVIEW_ROLES[role()], "preview")


def valid_choice(value: object, options: Sequence[str], default: str) -> str:
    """``value`` when it is one of ``options``, else ``default``: how URL parameters are read."""
    return value if isinstance(value, str) and value in options else default


def _picker(key: str, label: str, options: list[str], default: str, format_func, help: str) -> str:
    if st.session_state.get(key) not in options:  # first view in this session, or the data changed
        st.session_state[key] = valid_choice(st.query_params.get(key), options, default)
    value = st.sidebar.selectbox(label, options, key=key, format_func=format_func, help=help, persist_state="session")
    st.query_params[key] = value
    return str(value)


def semester_picker(semesters: list[str], default: str) -> str:
    """The semester picker in the sidebar; the choice is kept in the URL as ``?semester=2025NovS1``."""
    return _picker(
        SEMESTER, "Semester", semesters, default, semester_label, "The six-month period shown (Nov–Apr or May–Oct)."
    )


def beneficiary_picker(beneficiaries: list[str], default: str) -> str:
    """The beneficiary picker in the sidebar; the choice is kept in the URL as ``?beneficiary=XKX``."""
    return _picker(
        BENEFICIARY,
        "Beneficiary",
        beneficiaries,
        default,
        beneficiary_name,
        "Whose indicators and activities are shown.",
    )


def semester() -> str | None:
    """The semester chosen in the sidebar."""
    return st.session_state.get(SEMESTER)


def beneficiary() -> str | None:
    """The beneficiary chosen in the sidebar."""
    return st.session_state.get(BENEFICIARY)


def indicator_picker(indicators: list[str], titles: dict[str, str]) -> str:
    """An indicator picker on the page; the choice is kept in the URL as ``?indicator=IND-01``."""
    key = "indicator"
    if st.session_state.get(key) not in indicators:
        st.session_state[key] = valid_choice(st.query_params.get(key), indicators, indicators[0])
    value = st.selectbox("Indicator", indicators, key=key, format_func=lambda i: f"{i} · {titles.get(i, '')}")
    st.query_params[key] = value
    return str(value)


def report_audiences() -> tuple[str, ...]:
    """The report editions the person may make: donors only the donor edition, managers both, analysts none.

    The one place the Reports page's role check lives until sign-in brings identities and permissions.
    """
    if is_donor():
        return ("donor",)
    return ("manager", "donor") if role() == MANAGER else ()
