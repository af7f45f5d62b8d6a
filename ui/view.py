"""The shared view: who is looking (set by sign-in, ``ui/auth.py``), whether pages show the donor view, and the
semester and beneficiary pickers.

The pickers live in the sidebar of ``dashboard.py`` and keep their choice in ``st.query_params`` (keys
``semester`` and ``beneficiary``), so a copied link reproduces the view. A value from the URL is used only
when it is one of the known options; nothing from the URL is evaluated or unpickled.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from indicators.access.identity import Identity
from indicators.access.roles import Action, allowed, unsuppressed_beneficiaries
from indicators.domain.i18n import _
from indicators.domain.periods import semester_label
from indicators.domain.reference import beneficiary_name

SEMESTER, BENEFICIARY = "semester", "beneficiary"
IDENTITY, DONOR_PREVIEW = "_who", "donor_preview"  # session keys: who sign-in found at this rerun; the toggle


def identity() -> Identity | None:
    """The signed-in person (worked out by ``ui.auth.signed_in`` at the start of every rerun); None: nobody."""
    return st.session_state.get(IDENTITY)


def is_donor() -> bool:
    """Whether pages show the donor view: for donors, public visitors, a manager previewing it, anyone who may
    not see unsuppressed counts (nobody signed in included), and an analyst limited to some beneficiaries (who
    sees their own unsuppressed in it: ``own_beneficiaries``)."""
    who = identity()
    if unsuppressed_beneficiaries(who) is not None:  # () and a tuple of codes both mean the donor view
        return True
    return allowed(who, Action.PREVIEW_DONOR_VIEW) and bool(st.session_state.get(DONOR_PREVIEW))


def own_beneficiaries() -> tuple[str, ...]:
    """The beneficiaries whose sensitive counts are shown unsuppressed inside the donor view (an analyst limited
    to them: need to know, ``indicators.access.roles.unsuppressed_beneficiaries``); () for everyone else."""
    return unsuppressed_beneficiaries(identity()) or ()


def viewpoint() -> str:
    """What the figures shown depend on, for caches: 'full', 'donor', or 'own:' and an analyst's beneficiaries."""
    if not is_donor():
        return "full"
    own = own_beneficiaries()
    return "own:" + ",".join(own) if own else "donor"


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
        SEMESTER,
        _("Semester"),
        semesters,
        default,
        semester_label,
        _("The six-month period shown (Nov–Apr or May–Oct)."),
    )


def beneficiary_picker(beneficiaries: list[str], default: str) -> str:
    """The beneficiary picker in the sidebar; the choice is kept in the URL as ``?beneficiary=XKX``."""
    return _picker(
        BENEFICIARY,
        _("Beneficiary"),
        beneficiaries,
        default,
        beneficiary_name,
        _("Whose indicators and activities are shown."),
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
    value = st.selectbox(_("Indicator"), indicators, key=key, format_func=lambda i: f"{i} · {titles.get(i, '')}")
    st.query_params[key] = value
    return str(value)


def report_audiences() -> tuple[str, ...]:
    """The editions of the semester report pack this person may make: whoever sees the donor view (donors, a
    public visitor, a manager previewing it) the donor edition only; a programme manager both; anyone else
    none (the Reports page is not open to them)."""
    who = identity()
    if not allowed(who, Action.MAKE_REPORTS):
        return ()
    if is_donor():
        return ("donor",)
    return ("manager", "donor") if allowed(who, Action.VIEW_UNSUPPRESSED) else ("donor",)
