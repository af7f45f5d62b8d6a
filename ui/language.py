"""The interface language of a session: English or French.

Chosen, in this order: ``?lang=fr`` in the URL (a link reproduces it), the choice made in this session, the
signed-in person's last choice (kept with the store), the browser's language, the setting DEFAULT_LANGUAGE.
The sidebar's picker changes it; the choice is kept in the URL and, for a signed-in person, remembered.
``apply`` runs at the start of every run of the script, before any text is drawn.
"""

from __future__ import annotations

import streamlit as st

from indicators.access.identity import Identity
from indicators.domain import i18n
from indicators.domain.settings import setting

KEY = "lang"  # the URL parameter and the session's choice
_REMEMBERED = "_lang_remembered"


def _guess(who: Identity | None) -> str:
    chosen = i18n.supported(st.query_params.get(KEY)) or i18n.supported(st.session_state.get(KEY))
    if chosen:
        return chosen
    if who is not None and who.method != "public":
        from ui import data  # the store: only once someone is signed in

        remembered = i18n.supported(data.store().accounts.language(who.email))
        if remembered:
            return remembered
    return i18n.supported(st.context.locale) or i18n.supported(setting("DEFAULT_LANGUAGE")) or i18n.SOURCE_LANGUAGE


def apply(who: Identity | None = None) -> str:
    """Set the language of this run (see the module docstring); returns its code."""
    code = _guess(who)
    st.session_state[KEY] = code
    i18n.set_language(code)
    return code


def picker(who: Identity | None = None) -> None:
    """The language picker in the sidebar ("English" / "Français"), kept in the URL and remembered."""
    code = apply(who)
    chosen = st.sidebar.selectbox(
        "Language / Langue",
        list(i18n.LANGUAGES),
        index=list(i18n.LANGUAGES).index(code),
        format_func=i18n.LANGUAGES.get,
        key="language_picker",
    )
    if chosen != code:
        st.session_state[KEY] = chosen
        st.query_params[KEY] = chosen
        if who is not None and who.method != "public":
            from ui import data

            data.store().accounts.remember_language(who.email, chosen)
        st.rerun()
    if code != i18n.SOURCE_LANGUAGE or KEY in st.query_params:
        st.query_params[KEY] = code


def number(value: float, english: str = ",.0f", decimals: int = 0) -> str:
    """A figure in a sentence or a cell: in English exactly as the pages always wrote it (the format spec
    ``english``), in French written by Babel (``1 234,5``) with at most ``decimals`` decimals."""
    if i18n.language() == i18n.SOURCE_LANGUAGE:
        return format(value, english)
    return i18n.number(value, decimals)


def percent(share: float, english: str = ".0%", decimals: int = 0) -> str:
    """A share (0.46) as a percentage: ``46%`` in English as before, ``46 %`` (narrow no-break space) in French."""
    if i18n.language() == i18n.SOURCE_LANGUAGE:
        return format(share, english)
    return i18n.percent(share, decimals)


def signed(value: float, english: str = "+,.0f", decimals: int = 0) -> str:
    """A change with its sign always written (``+3``, ``-2``): st.metric reads the colour from a leading '-'."""
    if i18n.language() == i18n.SOURCE_LANGUAGE:
        return format(value, english)
    return ("-" if value < 0 else "+") + i18n.number(abs(value), decimals)
