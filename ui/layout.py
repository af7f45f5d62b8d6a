"""Page furniture: header with the illustrative-data banner, the Kosovo* footnote, figures with captions,
headline metrics, empty states, flash messages, and the one place pages turn the project's own errors into
messages. Tables are in ui/tables.py, downloads in ui/downloads.py, the upload report in ui/upload_report.py."""

from __future__ import annotations

import contextlib
import html
import re
from collections.abc import Iterator
from types import SimpleNamespace

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from indicators.domain import i18n
from indicators.domain.i18n import _
from indicators.domain.problems import ProjectError
from indicators.domain.reference import ILLUSTRATIVE_NOTICE, KOSOVO_FOOTNOTE, beneficiary_name
from indicators.domain.schema import Programme
from indicators.present.charts import figure_caption
from ui import data, language, style, view

# No "download as PNG": a saved picture would lose the caption, the Kosovo* footnote and the demo notice.
PLOTLY_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d", "toImage"]}


_PUNCTUATION = re.compile(r"[!-/:-@\[-`{-~]")  # every ASCII punctuation character
# Streamlit finds bare addresses, e-mail addresses, emoji and colour directives in the text itself, after
# markdown is read; an invisible word joiner (U+2060) where they would start keeps them plain text.
_FOUND_IN_TEXT = re.compile(r"(?=://)|(?i:(?<=www)(?=\.))|(?=@)|(?<=:)(?=[\w+/-]+[:\[])")


def md(value: object) -> str:
    """Text from a workbook, a file name or an identity made literal inside Streamlit markdown (st.markdown,
    captions, alerts, widget labels): every ASCII punctuation character becomes a numeric character reference
    (``&#58;`` for ``:``), which markdown shows as the character but never reads as syntax, so no link, image,
    HTML, code span or LaTeX can start; a word joiner keeps bare addresses, e-mail addresses, emoji and colour
    directives from being found in the text; line breaks become spaces so no heading or list can start."""
    text = _FOUND_IN_TEXT.sub("\u2060", " ".join(plain(value).split()))
    return _PUNCTUATION.sub(lambda m: f"&#{ord(m.group())};", text)


def page_header(title: str, intro: str | None = None) -> None:
    """The page title, a one-line introduction, and the banner when the data shown are illustrative."""
    st.title(title)
    if intro:
        st.caption(intro)
    meta = data.approved_meta()
    if meta and meta.get("illustrative"):
        st.info(_(ILLUSTRATIVE_NOTICE), icon=":material/info:")
    if own := view.own_beneficiaries():
        st.caption(
            _(
                "Approved data; sensitive counts of {beneficiaries} as reported, those of the other beneficiaries "
                "(and the regional totals) as donors see them, from 1 to 4 shown as '<5'."
            ).format(beneficiaries=", ".join(beneficiary_name(code) for code in own))
        )
    elif view.is_donor():
        st.caption(_("Viewing as a donor: approved data only; sensitive counts from 1 to 4 are shown as '<5'."))


def page_footer() -> None:
    """The Kosovo* footnote, at the foot of every page."""
    st.divider()
    st.caption(_(KOSOVO_FOOTNOTE))


def programme_or_stop() -> Programme:
    """The approved programme; when nothing is approved yet, say so and stop the page here."""
    programme = data.approved()
    if programme is None:
        st.info(
            _(
                "No approved data yet. An analyst uploads a workbook on the Upload page and a programme "
                "manager approves it on the Review page."
            )
        )
        st.stop()
    return programme


def nothing_to_show(message: str) -> None:
    """The empty state of a section."""
    st.info(message, icon=":material/inbox:")


def figure(fig: go.Figure, key: str, narrow: go.Figure | None = None) -> None:
    """A chart with its one-line description under it (also given to screen readers as alt text). On a phone its
    title is written above it, where it wraps (plotly's single line would be cut), and ``narrow``, when given, is
    drawn instead of ``fig`` (the form that fits a phone; ui/style.py shows one or the other by the width)."""
    title = fig.layout.title.text
    if title:
        with st.container(key=f"{style.PHONE}title-{key}"):
            st.markdown(f"**{md(html.unescape(title))}**")  # plotly's title text is escaped (charts.inert)
    if narrow is None:
        _chart(fig, key)
        return
    with st.container(key=f"{style.WIDE}{key}"):
        _chart(fig, key)
    with st.container(key=f"{style.PHONE}{key}"):
        _chart(narrow, f"{key}-narrow")


def _chart(fig: go.Figure, key: str) -> None:
    """A chart and, right under it, its one-line description."""
    caption = figure_caption(fig)
    st.plotly_chart(_dict_made_once(fig), config=PLOTLY_CONFIG, key=key, alt=caption or None)
    if caption:
        st.caption(md(caption))  # captions name indicators and units from the workbook


def _dict_made_once(fig: go.Figure) -> go.Figure:
    """``fig``, answering ``to_dict`` with a dict made at its first draw. Streamlit turns a figure into a dict (a deep
    copy of it, arrays encoded) at every draw, in every session; the figures pages draw are cached views that nobody
    changes (tests/test_pages.py), so one dict serves them all and a new session skips that work. A figure must
    therefore never be changed once drawn (its first dict would still be sent), nor the dict's nested parts."""
    made = getattr(fig, "_drawn_dict", None)
    if made is None:
        made = fig._drawn_dict = fig.to_dict()  # plotly lets a figure hold attributes whose names start with "_"
        # An instance attribute (plotly's figures accept one named like a method); a new outer dict each time, as
        # callers may add keys to it (plotly's own pickling does).
        fig.to_dict = lambda: dict(made)
    return fig


@contextlib.contextmanager
def project_errors_shown() -> Iterator[None]:
    """Show the project's own errors (ProjectError) as a message; any other error is a bug and propagates."""
    try:
        yield
    except ProjectError as error:
        st.error(md(error), icon=":material/error:")  # messages may quote a file name, a cell or an e-mail


# Headline figures where a rise is bad news, so st.metric colours the change the other way round.
RISE_IS_BAD = frozenset({"activities_postponed"})  # headline keys (the figure's name is in the reader's language)


def headline_metrics(headlines: pd.DataFrame) -> None:
    """One st.metric per headline figure, with the change against the previous semester."""
    columns = {name: headlines[name].tolist() for name in headlines.columns}  # itertuples is slow on Arrow columns
    rows = [SimpleNamespace(**{name: values[i] for name, values in columns.items()}) for i in range(len(headlines))]
    for place, row in zip(st.columns(max(len(headlines), 1)), rows, strict=False):
        percent = row.unit == "%"
        value = "–" if pd.isna(row.value) else (_percent_figure(row.value) if percent else language.number(row.value))
        delta = (
            None
            if pd.isna(row.change)
            else (
                _("{change} pts").format(change=language.signed(row.change, "+.0f"))
                if percent
                else language.signed(row.change)
            )
        )
        place.metric(
            row.figure,
            value,
            delta=delta,
            help=row.help,
            border=True,
            delta_color="inverse" if row.key in RISE_IS_BAD else "normal",
        )


def _percent_figure(value: float) -> str:
    """A headline percentage (46, not 0.46): ``46%``; in French ``46 %``."""
    return f"{value:.0f}%" if i18n.language() == i18n.SOURCE_LANGUAGE else i18n.percent(value / 100)


def plain(value: object) -> str:
    """A cell as text for a sentence: empty for a missing value (pd.NA has no truth value)."""
    return "" if value is None or pd.isna(value) else str(value)


def flash(message: str) -> None:
    """Keep a success message for the next run, then rerun so every table shows the new state."""
    st.session_state["_flash"] = message
    st.rerun()


def show_flash() -> bool:
    """Show (once) the message kept by ``flash``; whether there was one."""
    message = st.session_state.pop("_flash", None)
    if message:
        st.success(message, icon=":material/check_circle:")
    return bool(message)
