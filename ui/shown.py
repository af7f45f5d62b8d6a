"""When a page would draw thousands of rows or cells: the worst or the chosen indicators first, filters by
result and by status, and a sentence saying how many are not shown (rules: indicators/compute/selection.py).

With few indicators (up to the limit) nothing changes: every indicator is drawn and no filter is offered.
"""

from __future__ import annotations

from collections.abc import Hashable

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from indicators.compute.progress import STATUS_BY_CODE
from indicators.compute.selection import SEVERITY, Selection, results_below, shown_first
from indicators.domain.i18n import N_, _
from indicators.domain.schema import Programme
from indicators.present.charts import status_matrix_figure
from ui import data, language

MATRIX_LIMIT = 40  # indicators in a status matrix (x 7 beneficiaries: 280 cells)
TABLE_LIMIT = 500  # rows in a table


def worst_first(
    rows: pd.DataFrame, programme: Programme, limit: int, key: str, scope: tuple[Hashable, ...] | None = None
) -> pd.DataFrame:
    """The rows of at most ``limit`` indicators of ``rows`` (one semester of a progress frame), worst first,
    with filters by result and status when there are more indicators than that.

    With ``scope`` (what ``rows`` depend on besides the approved data and the view, e.g. the semester: see
    ``data.built``) the selection is made once per filter choice and kept; ``choices(key)`` then names it."""
    if rows["indicator_id"].nunique() <= limit:
        return rows
    results = programme.results.dropna(subset=["result_id"])
    titles = dict(zip(results["result_id"], results["title"].fillna(""), strict=True))
    left, right = st.columns(2)
    chosen = left.multiselect(
        _("Results"),
        list(titles),
        key=f"{key}_results",
        format_func=lambda r: f"{r} · {titles.get(r, '')}"[:90],
        placeholder=_("Every result"),
        help=_("Show the indicators of these results and of the results below them (an outcome brings its outputs)."),
    )
    found = set(rows["status"].dropna().unique())
    present = [code for code in SEVERITY if code in found]
    statuses = right.multiselect(
        _("Status"),
        present,
        key=f"{key}_statuses",
        format_func=lambda c: f"{STATUS_BY_CODE[c].symbol} {_(STATUS_BY_CODE[c].label)}",
        placeholder=_("Any status"),
        help=_("Show the indicators with at least one beneficiary in one of these statuses."),
    )

    def select() -> Selection:
        return shown_first(rows, limit, results_below(programme.results, chosen), statuses)

    selection = (
        select() if scope is None else data.built(f"{key}_selection", (*scope, tuple(chosen), tuple(statuses)), select)
    )
    sentence = (
        _(
            "Showing {shown} of {total} indicators, worst first matching the filters; {not_shown} are not shown. "
            "Choose results or statuses above to see others."
        )
        if chosen or statuses
        else _(
            "Showing {shown} of {total} indicators, worst first; {not_shown} are not shown. "
            "Choose results or statuses above to see others."
        )
    )
    st.caption(
        sentence.format(
            shown=language.number(selection.shown, ","),
            total=language.number(selection.total, ","),
            not_shown=language.number(selection.not_shown, ","),
        )
    )
    return selection.rows


def choices(key: str) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """``key`` and the results and statuses chosen in the filters of ``worst_first(..., key)``, to name what is
    drawn from its rows in ``data.built`` (when it drew no filters all its rows are shown, whatever was chosen
    before: a name then still stands for one thing)."""
    state = st.session_state
    return key, tuple(state.get(f"{key}_results") or ()), tuple(state.get(f"{key}_statuses") or ())


# What first_rows says, by what the rows are (a whole sentence each, so that French can agree its words).
FIRST_ROWS = {
    "rows": N_("Showing the first {limit} of {total} rows; {not_shown} are not shown."),
    "missing reports": N_("Showing the first {limit} of {total} missing reports; {not_shown} are not shown."),
}


def first_rows(frame: pd.DataFrame, limit: int, what: str) -> pd.DataFrame:
    """At most ``limit`` rows of ``frame``, with a sentence saying how many are not shown (``what``: a key of
    ``FIRST_ROWS``)."""
    if len(frame) <= limit:
        return frame
    st.caption(
        _(FIRST_ROWS[what]).format(
            limit=language.number(limit, ","),
            total=language.number(len(frame), ","),
            not_shown=language.number(len(frame) - limit, ","),
        )
    )
    return frame.head(limit)


def status_matrix(rows: pd.DataFrame, programme: Programme, key: str, semester: str) -> tuple[go.Figure, go.Figure]:
    """The status matrix of a semester's rows, wide and in the compact form that fits a phone: at most MATRIX_LIMIT
    indicators, worst first, with the filters of ``worst_first`` (drawn here), each figure made once per data
    version, view, language and choice."""
    matrix = worst_first(rows, programme, MATRIX_LIMIT, key, scope=(semester,))
    scope = (semester, *choices(key))
    wide = data.built("status_matrix", scope, lambda: status_matrix_figure(matrix))
    compact = data.built("status_matrix_compact", scope, lambda: status_matrix_figure(matrix, compact=True))
    return wide, compact
