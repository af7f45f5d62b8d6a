"""Plotly figures built from the computed frames; no Streamlit here, so figures are tested on their data.

Colours come from the Okabe-Ito palette, which people with the common colour-vision deficiencies can tell
apart; status is never shown by colour alone: every status point carries its symbol (✔ ● ▲ ✖ ✎ ○ –) and
the legend names it. Every figure has a title and a one-line description in ``fig.layout.meta["caption"]``
(read it with ``figure_caption``) that the pages show under the chart. Beneficiary axes use names
(Kosovo* with the asterisk), never codes. Every word is in the current language (the catalogue), figures are
written for it (French: 1 234,5 and 46 %), and data (indicator titles, activity names) stay as written.
"""

from __future__ import annotations

import copy
import functools
import html
from collections.abc import Iterable

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from indicators.compute.progress import STATUSES
from indicators.compute.suppression import NO_REPORT, SECONDARY
from indicators.compute.workplan import delivery_rate
from indicators.domain import i18n
from indicators.domain.i18n import N_, _, ngettext
from indicators.domain.periods import PeriodError, semester_from_id, semester_label
from indicators.domain.reference import BENEFICIARY_CODES, beneficiary_name

# Okabe & Ito (2008), "Color Universal Design"; grey is added for "nothing to show".
OKABE_ITO: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "grey": "#999999",
}

# One colour and one marker per beneficiary, so lines can be told apart without colour as well.
BENEFICIARY_COLOURS: dict[str, str] = {
    "ALB": OKABE_ITO["orange"],
    "BIH": OKABE_ITO["sky_blue"],
    "XKX": OKABE_ITO["bluish_green"],
    "MNE": OKABE_ITO["blue"],
    "MKD": OKABE_ITO["vermillion"],
    "SRB": OKABE_ITO["reddish_purple"],
    "REG": OKABE_ITO["black"],
}
BENEFICIARY_MARKERS: dict[str, str] = {
    "ALB": "circle",
    "BIH": "square",
    "XKX": "diamond",
    "MNE": "triangle-up",
    "MKD": "triangle-down",
    "SRB": "star",
    "REG": "x",
}

SEX_STYLES: dict[str, tuple[str, str, str]] = {  # sex: (label, colour, bar pattern); the label translated where shown
    "female": (N_("Female"), OKABE_ITO["orange"], ""),
    "male": (N_("Male"), OKABE_ITO["blue"], "/"),
}


class ActivityStyle:
    """How one work-plan status is drawn: label, colour, marker shape, text symbol and bar pattern.

    ``label_en`` is the label's catalogue message (English); ``label`` is it in the current language."""

    def __init__(self, label: str, colour: str, marker: str, symbol: str, pattern: str) -> None:
        self.label_en, self.colour, self.marker, self.symbol, self.pattern = label, colour, marker, symbol, pattern

    @property
    def label(self) -> str:
        return _(self.label_en)


# Keys are activity statuses; ``not_started`` is the delivery table's name for activities still "planned".
ACTIVITY_STYLES: dict[str, ActivityStyle] = {
    "completed": ActivityStyle(N_("Completed"), OKABE_ITO["bluish_green"], "circle", "✔", ""),
    "ongoing": ActivityStyle(N_("Ongoing"), OKABE_ITO["sky_blue"], "diamond", "◐", "/"),
    "planned": ActivityStyle(N_("Planned, not started"), OKABE_ITO["grey"], "square-open", "○", "."),
    "postponed": ActivityStyle(N_("Postponed (carried over)"), OKABE_ITO["orange"], "triangle-right", "→", "-"),
    "cancelled": ActivityStyle(N_("Cancelled"), OKABE_ITO["vermillion"], "x", "✖", "x"),
}
DELIVERY_COLUMNS: dict[str, str] = {  # workplan_delivery column: activity status it counts
    "completed": "completed",
    "ongoing": "ongoing",
    "not_started": "planned",
    "postponed": "postponed",
    "cancelled": "cancelled",
}

_FONT = {"family": "Source Sans Pro, Arial, sans-serif", "size": 14}
_NO_DATA = N_("No data for this selection.")
_BENEFICIARY_RANK = {code: rank for rank, code in enumerate(BENEFICIARY_CODES)}


def figure_caption(fig: go.Figure) -> str:
    """The one-line description a page shows under a figure."""
    meta = fig.layout.meta
    return str(meta.get("caption", "")) if isinstance(meta, dict) else ""


def text_colour(background: str) -> str:
    """Black or white, whichever reads better on a background colour given as #RRGGBB."""
    red, green, blue = (int(background.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4))

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    luminance = 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)
    return "#000000" if luminance > 0.179 else "#FFFFFF"


def semester_order(semesters: Iterable[object]) -> list[str]:
    """Distinct semester identifiers in time order (identifiers that cannot be read go last)."""

    def key(value: str) -> tuple[int, str]:
        try:
            return (semester_from_id(value).index, value)
        except PeriodError:
            return (10**9, value)

    return sorted(_distinct(semesters), key=key)


def _distinct(values: Iterable[object]) -> set[str]:
    """The distinct values, as text, leaving out missing ones (a column's distinct values found first: a column of
    the values table holds a few distinct codes in 100,000 rows)."""
    if isinstance(values, pd.Series | pd.Index):
        values = values.dropna().unique()
    return {str(v) for v in values if not pd.isna(v)}


def _label(semester: str) -> str:
    try:
        return semester_label(semester)
    except PeriodError:
        return semester


def beneficiary_order(codes: Iterable[object]) -> list[str]:
    """Distinct beneficiary codes in the programme's order (ALB, BIH, XKX, MNE, MKD, SRB, REG)."""
    present = _distinct(codes)
    known = [c for c in BENEFICIARY_CODES if c in present]
    return known + sorted(present - set(known))


def inert(text: object) -> str:
    """Text for plotly, which reads a few HTML tags (links among them) in titles, ticks and hover labels:
    escaped, so text from a workbook shows as written and is never a link or markup."""
    return html.escape(str(text), quote=False)


def _english() -> bool:
    return i18n.language() == i18n.SOURCE_LANGUAGE


def _number(value: object, unit: str = "") -> str:
    """A figure as written in a caption or label: 1,234 or 12.5 (French 1 234, 12,5); with "%" after it for
    percentages (French with a narrow no-break space: 46 %)."""
    if value is None or pd.isna(value):
        return "–"
    number = float(value)  # type: ignore[arg-type]
    if _english():
        text = f"{number:,.0f}" if number == round(number) else f"{number:,.1f}"
        return f"{text}%" if unit == "%" else text
    text = i18n.number(number, decimals=0 if number == round(number) else 1)
    return f"{text}{i18n.NARROW_NBSP}%" if unit == "%" else text


def _share(value: float) -> str:
    """A share (0.46) as a whole percentage: 46% (French 46 %)."""
    return f"{value:.0%}" if _english() else i18n.percent(value)


def _plotly_percent() -> str:
    """plotly's hover value of a percentage axis, written for the language (46%; French 46 %)."""
    return "%{y:.0f}%" if _english() else "%{y:.0f}" + i18n.NARROW_NBSP + "%"


def _two_lines(labels: list[str]) -> list[str]:
    return [label.replace(" – ", " –<br>") for label in labels]


# Angles plotly may turn semester labels to, in this order, when level labels would overlap: level where they fit
# (a wide screen), else standing (a phone, 390 px wide, shows eight semesters standing, none over another).
SEMESTER_TICK_ANGLES = (0, 90)


def _semester_axis(fig: go.Figure, labels: list[str], two_lines: bool = True, **options: object) -> None:
    """An x axis of semesters in time order, each label on two lines (or one); where they would still overlap (a
    narrow screen), plotly stands them up (``SEMESTER_TICK_ANGLES``) and makes room for them (automargin)."""
    labels = list(dict.fromkeys(labels))
    fig.update_xaxes(
        categoryorder="array",
        categoryarray=labels,
        tickmode="array",
        tickvals=labels,
        ticktext=_two_lines(labels) if two_lines else labels,
        autotickangles=list(SEMESTER_TICK_ANGLES),
        automargin=True,
        **options,
    )


_LEGEND = {"orientation": "h", "yref": "container", "yanchor": "bottom", "y": 0, "x": 0, "traceorder": "normal"}


TEMPLATE = "plotly_white"


@functools.cache
def _validated_template() -> go.layout.Template:
    """The TEMPLATE as ``update_layout(template=TEMPLATE)`` makes it (a validated copy of the registered one), made
    once per process like plotly's registry of templates."""
    return copy.deepcopy(pio.templates[TEMPLATE])


def _with_template(fig: go.Figure) -> None:
    """Give ``fig`` the TEMPLATE as plotly gives every new figure its default template: a template validated
    already is copied as it is. ``update_layout(template=...)`` validates a new copy of it for each figure (about
    10 ms, a fifth of drawing a status matrix); the figure is the same (tests/present/test_charts.py)."""
    layout = fig.layout
    layout._validate = False  # plotly's own BaseFigure._initialize_layout_template does the same
    try:
        layout.template = _validated_template()
    finally:
        layout._validate = fig._validate


def _finish(fig: go.Figure, title: str, caption: str, **layout: object) -> go.Figure:
    _with_template(fig)
    fig.update_layout(
        # At the top, clear of axis labels above the plot (beneficiary names over the status matrix).
        title={
            "text": title,
            "x": 0,
            "xanchor": "left",
            "y": 1,
            "yref": "container",
            "yanchor": "top",
            "pad": {"t": 12},
        },
        meta={"caption": caption},
        font=_FONT,
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        # At the foot of the whole figure, not below the plot: plotly makes room for it under the axis labels
        # however tall they grow (standing semester labels on a phone), so the two never overlap.
        legend=_LEGEND,
    )
    fig.update_layout(**layout)
    return fig


def empty_figure(title: str, message: str | None = None) -> go.Figure:
    """A figure that says there is nothing to show, with the same title and caption conventions (by default:
    no data for this selection, in the current language)."""
    message = _(_NO_DATA) if message is None else message
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _finish(fig, title, message, height=200)


def _unit_label(rows: pd.DataFrame) -> str:
    if "measure" in rows and (rows["measure"] == "percentage").any():
        return "%"
    if "unit" in rows and rows["unit"].notna().any():
        return str(rows["unit"].dropna().iloc[0])
    return ""


def _status_lookup() -> dict[str, object]:
    return {s.code: s for s in STATUSES}


def _hover_value(rows: pd.DataFrame, unit: str) -> list[str]:
    """The value people read for each row: the donor-safe display (``actual_display``) when present, else actual."""
    if "actual_display" in rows:
        return [
            str(d) if not pd.isna(d) and str(d) else _number(a, unit)
            for d, a in zip(rows["actual_display"], rows["actual"], strict=True)
        ]
    return [_number(a, unit) for a in rows["actual"]]


def _reader_value(actual: object, display: object, unit: str) -> str:
    """A figure as a caption reads it: the number; a hidden one as hidden ('<5 (hidden)', 'hidden'), never as 0
    or a dash; nothing reported as 'not reported'."""
    if actual is not None and not pd.isna(actual):
        return _number(actual, unit)
    text = "" if display is None or pd.isna(display) else str(display).strip()
    if text == SECONDARY:
        return _("hidden")
    if text.startswith("<"):
        return _("{figure} (hidden)").format(figure=text)
    if not text or text in (NO_REPORT, _(NO_REPORT)):
        return _("not reported")
    return text


def _has_data(rows: pd.DataFrame) -> pd.Series:
    """Rows with a figure to tell: reported, or hidden from donors (a hidden figure is data nobody may see)."""
    has = rows["actual"].notna()
    if "actual_display" in rows:
        shown = rows["actual_display"].astype("string").fillna("").str.strip()
        has = has | (~shown.isin(["", NO_REPORT, _(NO_REPORT)])).to_numpy(dtype=bool)
    return has


MATRIX_TITLE_CHARS = 36  # a row of the status matrix names its indicator in this many characters at most


def _titles(progress: pd.DataFrame) -> list[str]:
    if "title" not in progress:
        return [""] * len(progress)
    return ["" if pd.isna(t) else str(t) for t in progress["title"]]


def matrix_row_label(indicator_id: str, title: str) -> str:
    """A status matrix row: the indicator's code and a short title (cut at a word, with an ellipsis)."""
    title = " ".join(title.split())
    if len(title) > MATRIX_TITLE_CHARS:
        cut = title[: MATRIX_TITLE_CHARS - 1]
        title = (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(",;:–- ") + "…"
    return inert(f"{indicator_id} · {title}" if title else indicator_id)


# The phone form of the status matrix (``compact``): rows named by the indicator's code alone, names standing
# above narrower cells, so that seven beneficiaries fit a phone's width (390 px, 358 px inside the page's margins).
COMPACT_CELL = 26  # px, a cell's square (the wide form's is 34)
COMPACT_ROW = 30  # px between rows


def _matrix_when(progress: pd.DataFrame) -> str:
    """The semester a status matrix shows, as people read it (or 'the selected semesters')."""
    semesters = semester_order(progress["semester"]) if len(progress) else []
    return _label(semesters[-1]) if len(semesters) == 1 else _("the selected semesters")


def status_matrix_caption(progress: pd.DataFrame) -> str:
    """The caption of ``status_matrix_figure``, without building the figure (the report pack prints it under its
    own chart): indicators, beneficiaries and the count of each status."""
    if progress.empty:
        return _(_NO_DATA)
    indicators = {
        matrix_row_label(i, t) for i, t in zip(progress["indicator_id"].astype(str), _titles(progress), strict=True)
    }
    names = beneficiary_order(progress["beneficiary"])
    counts = [
        f"{n} {status.symbol} {status.label.lower()}"
        for status in STATUSES
        if (n := int((progress["status"] == status.code).sum()))
    ]
    return _(
        "Status of {indicators} across {beneficiaries} for {when}: {counts}. Each cell shows the status symbol; "
        "point at a cell for the indicator's title and progress."
    ).format(
        indicators=ngettext("{n} indicator", "{n} indicators", len(indicators)).format(n=len(indicators)),
        beneficiaries=ngettext("{n} beneficiary", "{n} beneficiaries", len(names)).format(n=len(names)),
        when=_matrix_when(progress),
        counts=", ".join(counts),
    )


def status_matrix_figure(progress: pd.DataFrame, compact: bool = False) -> go.Figure:
    """Grid of indicators × beneficiaries for one semester, each cell coloured by status and marked with its symbol.

    Indicators run top to bottom in the order they first come in ``progress`` (a page may put the worst first).
    ``compact`` is the form that fits a phone: each row names its indicator by its code (the title is in the label
    a tap shows), and beneficiary names stand upright above narrower cells."""
    when = _matrix_when(progress)
    title = _("Indicator status by beneficiary, {when}").format(when=when)
    if progress.empty:
        return empty_figure(title)
    # Each column drawn is read once, as a list, and each status's cells are taken from the lists (a frame filtered
    # per status copies every column each time).
    cell_names = progress["beneficiary"].map(beneficiary_name).tolist()
    cell_rows = [
        inert(i) if compact else matrix_row_label(i, t)
        for i, t in zip(progress["indicator_id"].astype(str), _titles(progress), strict=True)
    ]
    square = {"symbol": "square", "size": COMPACT_CELL if compact else 34, "line": {"width": 1, "color": "white"}}
    indicators = list(dict.fromkeys(cell_rows))
    names = [beneficiary_name(c) for c in beneficiary_order(progress["beneficiary"])]
    fig = go.Figure()
    titles = shown = None
    for status in STATUSES:
        cells = np.flatnonzero((progress["status"] == status.code).to_numpy(dtype=bool, na_value=False)).tolist()
        if not cells:
            continue
        if titles is None:
            titles = progress["title"].astype(str).map(inert).tolist()
            has = "progress_display" in progress
            shown = progress["progress_display"].astype("string").fillna("–").tolist() if has else None
        fig.add_trace(
            go.Scatter(
                x=[cell_names[i] for i in cells],
                y=[cell_rows[i] for i in cells],
                mode="markers+text",
                name=f"{status.symbol} {status.label}",
                text=[status.symbol] * len(cells),
                textfont={"color": text_colour(status.colour), "size": 14 if compact else 16},
                marker={**square, "color": status.colour},
                customdata=list(
                    zip(
                        [titles[i] for i in cells],
                        [status.label] * len(cells),
                        [shown[i] for i in cells] if shown is not None else list("–"),
                        strict=True,
                    )
                ),
                hovertemplate=("%{y} · " if compact else "")
                + "%{x}<br>%{customdata[0]}<br>%{customdata[1]}: %{customdata[2]}<extra></extra>",
            )
        )
    caption = status_matrix_caption(progress)
    fig.update_xaxes(categoryorder="array", categoryarray=names, side="top", showgrid=False)
    fig.update_yaxes(
        categoryorder="array", categoryarray=indicators, autorange="reversed", showgrid=False, automargin=True
    )
    if compact:  # names stand upright above the grid: room for the longest under the title
        fig.update_xaxes(tickangle=-90, tickfont={"size": 13})
        top = {"l": 10, "r": 10, "t": 50 + 7 * max(map(len, names)), "b": 10}
        return _finish(fig, title, caption, height=top["t"] + 140 + COMPACT_ROW * len(indicators), margin=top)
    # Names stand slanted above the grid: room for them under the title (Bosnie-Herzégovine is long).
    top = {"l": 10, "r": 10, "t": 170, "b": 10}
    return _finish(fig, title, caption, height=230 + 40 * len(indicators), margin=top)


def trend_figure(progress: pd.DataFrame) -> go.Figure:
    """One indicator for one beneficiary: actual by semester, marked with its status, against target and baseline."""
    if progress.empty:
        return empty_figure(_("Trend against target"))
    rows = progress.assign(_order=progress["semester"].map(semester_order(progress["semester"]).index))
    rows = rows.sort_values("_order")
    indicator, code = str(rows["indicator_id"].iloc[0]), str(rows["beneficiary"].iloc[0])
    title = _("{indicator} · {beneficiary}: actual against target").format(
        indicator=inert(indicator), beneficiary=beneficiary_name(code)
    )
    unit = _unit_label(rows)
    labels = [_label(s) for s in rows["semester"]]
    lookup = _status_lookup()
    statuses = [lookup.get(str(s)) for s in rows["status"]]
    colours = [s.colour if s else OKABE_ITO["grey"] for s in statuses]  # type: ignore[attr-defined]
    symbols = [s.symbol if s else "" for s in statuses]  # type: ignore[attr-defined]
    status_labels = [s.label if s else "" for s in statuses]  # type: ignore[attr-defined]
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=labels,
            y=list(rows["baseline"]),
            mode="lines",
            name=_("Baseline"),
            line={"color": OKABE_ITO["grey"], "dash": "dot", "width": 2},
            hovertemplate=_("Baseline: {value}").format(value="%{y}") + "<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=labels,
            y=list(rows["target"]),
            mode="lines+markers",
            name=_("Target"),
            line={"color": OKABE_ITO["black"], "dash": "dash", "width": 2},
            marker={"symbol": "line-ew-open", "size": 14},
            hovertemplate=_("Target: {value}").format(value="%{y}") + "<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=labels,
            y=list(rows["actual"]),
            mode="lines+markers+text",
            name=_("Actual (symbol = status)"),
            text=symbols,
            textposition="top center",
            line={"color": OKABE_ITO["blue"], "width": 3},
            marker={"size": 14, "color": colours, "line": {"width": 1, "color": OKABE_ITO["black"]}},
            customdata=list(zip(map(inert, _hover_value(rows, unit)), status_labels, strict=True)),
            hovertemplate="%{x}<br>"
            + _("Actual: {value}").format(value="%{customdata[0]}")
            + "<br>"
            + _("Status: {status}").format(status="%{text} %{customdata[1]}")
            + "<extra></extra>",
        )
    )
    shown = _has_data(rows)
    if shown.any():
        at = int(shown.to_numpy().nonzero()[0][-1])
        latest = rows.iloc[at]
        display = latest["actual_display"] if "actual_display" in rows else None
        against = (
            _("against a target of {target}").format(target=_number(latest["target"], unit))
            if not pd.isna(latest["target"])
            else _("with no target in force")
        )
        caption = _(
            "{indicator} for {beneficiary} over {semesters} semesters; latest semester with data ({semester}): "
            "actual {actual} {against}, status {status}."
        ).format(
            indicator=indicator,
            beneficiary=beneficiary_name(code),
            semesters=len(rows),
            semester=labels[at],
            actual=_reader_value(latest["actual"], display, unit),
            against=against,
            status=f"{symbols[at]} {status_labels[at]}",
        )
        if not pd.isna(latest["baseline"]):
            caption += " " + _("Baseline {baseline}.").format(baseline=_number(latest["baseline"], unit))
    else:
        caption = _("{indicator} for {beneficiary} has no numeric values to plot; see the table.").format(
            indicator=indicator, beneficiary=beneficiary_name(code)
        )
    fig.update_yaxes(title=inert(unit) or None, rangemode="tozero")
    _semester_axis(fig, labels)
    return _finish(fig, title, caption, height=440)


def indicator_across_figure(progress: pd.DataFrame, regional: pd.DataFrame | None = None) -> go.Figure:
    """One indicator across beneficiaries and semesters: a line per beneficiary, with the regional target."""
    if progress.empty:
        return empty_figure(_("Across beneficiaries"))
    indicator = str(progress["indicator_id"].iloc[0])
    title = _("{indicator}: actual by beneficiary and semester").format(indicator=inert(indicator))
    unit = _unit_label(progress)
    order = semester_order(progress["semester"])
    labels = [_label(s) for s in order]
    fig = go.Figure()
    for code in beneficiary_order(progress["beneficiary"]):
        rows = progress[progress["beneficiary"] == code]
        rows = rows.assign(_o=rows["semester"].map(order.index)).sort_values("_o")
        fig.add_trace(
            go.Scatter(
                x=[_label(s) for s in rows["semester"]],
                y=list(rows["actual"]),
                mode="lines+markers",
                name=beneficiary_name(code),
                line={"color": BENEFICIARY_COLOURS.get(code, OKABE_ITO["grey"]), "width": 2},
                marker={"symbol": BENEFICIARY_MARKERS.get(code, "circle"), "size": 10},
                customdata=list(
                    zip(map(inert, _hover_value(rows, unit)), rows["status_symbol"], rows["status_label"], strict=True)
                ),
                hovertemplate=f"{beneficiary_name(code)}, %{{x}}<br>"
                + _("Actual: {value}").format(value="%{customdata[0]}")
                + "<br>"
                + _("Status: {status}").format(status="%{customdata[1]} %{customdata[2]}")
                + "<extra></extra>",
            )
        )
    with_data = progress[_has_data(progress)]
    if with_data.empty:
        caption = _("{indicator}: nothing reported yet.").format(indicator=indicator)
    else:
        latest = semester_order(with_data["semester"])[-1]  # the latest semester that has data
        rows = progress[progress["semester"] == latest]
        display = rows["actual_display"] if "actual_display" in rows else [None] * len(rows)
        figures = dict(
            zip(rows["beneficiary"], [_reader_value(a, d, unit) for a, d in zip(rows["actual"], display, strict=True)],
                strict=True)
        )  # fmt: skip
        latest_parts = [f"{beneficiary_name(code)} {figures[code]}" for code in beneficiary_order(rows["beneficiary"])]
        caption = _("{indicator}, {semester} (the latest semester with data): {values}.").format(
            indicator=indicator, semester=_label(latest), values=", ".join(latest_parts)
        )
    if regional is not None and not regional.empty:
        aggregation = str(regional["aggregation"].iloc[0]) if "aggregation" in regional else ""
        if aggregation in ("sum", "ratio"):
            reg = regional.assign(_o=regional["semester"].map(order.index)).sort_values("_o")
            reg_labels = [_label(s) for s in reg["semester"]]
            fig.add_trace(
                go.Scatter(
                    x=reg_labels,
                    y=list(reg["target"]),
                    mode="lines",
                    name=_("Regional target"),
                    line={"color": OKABE_ITO["black"], "dash": "dash", "width": 3},
                    hovertemplate=_("Regional target, {semester}: {value}").format(semester="%{x}", value="%{y}")
                    + "<extra></extra>",
                )
            )
            fig.add_trace(
                go.Scatter(
                    x=reg_labels,
                    y=list(reg["actual"]),
                    mode="lines+markers",
                    name=_("Regional actual"),
                    line={"color": OKABE_ITO["black"], "width": 3},
                    marker={"symbol": "x", "size": 10},
                    hovertemplate=_("Regional actual, {semester}: {value}").format(semester="%{x}", value="%{y}")
                    + "<extra></extra>",
                )
            )
            reported = reg[_has_data(reg)]
            if not with_data.empty:  # the regional figure of the semester the beneficiaries' figures are named for
                reported = reported[reported["_o"] <= order.index(latest)]
            how = _("sum") if aggregation == "sum" else _("ratio of sums")
            if len(reported):
                last = reported.iloc[-1]
                display = last["actual_display"] if "actual_display" in reg else None
                caption += " " + (
                    _("Regional ({how}) in {semester}: {actual} against a regional target of {target}.")
                    if not pd.isna(last["target"])
                    else _("Regional ({how}) in {semester}: {actual}, with no regional target in force.")
                ).format(
                    how=how,
                    semester=_label(last["semester"]),
                    actual=_reader_value(last["actual"], display, unit),
                    target=_number(last["target"], unit),
                )
            else:
                caption += " " + _(
                    "Regional ({how}): nothing reported yet; the dashed line is the regional target."
                ).format(how=how)
    _semester_axis(fig, labels)
    fig.update_yaxes(title=inert(unit) or None, rangemode="tozero")
    return _finish(fig, title, caption, height=460)


def sex_split_figure(values: pd.DataFrame) -> go.Figure:
    """Female and male values stacked by beneficiary (and by semester when there are several)."""
    title = _("Split by sex")
    rows = values[values["sex"].isin(list(SEX_STYLES))] if not values.empty else values
    if rows.empty:
        return empty_figure(title, _("No values split by sex for this selection."))
    amount = rows["value"] if "value" in rows else pd.Series(pd.NA, index=rows.index)
    if "numerator" in rows:
        amount = amount.fillna(rows["numerator"])
    rows = rows.assign(_amount=amount.astype("Float64"))
    indicator = str(rows["indicator_id"].iloc[0])
    title = _("{indicator}: split by sex").format(indicator=inert(indicator))
    semesters = semester_order(rows["semester"])
    codes = beneficiary_order(rows["beneficiary"])
    keys = [(s, c) for s in semesters for c in codes]
    totals: dict[str, float] = {}
    fig = go.Figure()
    for sex, (label_en, colour, pattern) in SEX_STYLES.items():
        label = _(label_en)
        part = rows[rows["sex"] == sex].groupby(["semester", "beneficiary"])["_amount"].sum(min_count=1)
        ys = [part.get(k, pd.NA) for k in keys]
        totals[sex] = float(pd.Series(ys, dtype="Float64").sum())
        x: object = (
            [[_label(s) for s, _code in keys], [beneficiary_name(c) for _semester, c in keys]]
            if len(semesters) > 1
            else [beneficiary_name(c) for _semester, c in keys]
        )
        fig.add_trace(
            go.Bar(
                x=x,
                y=ys,
                name=label,
                text=[_number(v) for v in ys],
                textposition="inside",
                marker={"color": colour, "pattern": {"shape": pattern}},
                textfont={"color": text_colour(colour)},
                hovertemplate=_("{sex}: {value}").format(sex=label, value="%{y}") + "<extra></extra>",
            )
        )
    both = sum(totals.values())
    female, male = _number(totals["female"]), _number(totals["male"])
    if both:
        caption = _("{indicator} by sex: {female} female and {male} male; {share} female.").format(
            indicator=indicator, female=female, male=male, share=_share(totals["female"] / both)
        )
    else:
        caption = _("{indicator} by sex: {female} female and {male} male.").format(
            indicator=indicator, female=female, male=male
        )
    fig.update_layout(barmode="stack")
    fig.update_yaxes(title=inert(_unit_label(rows)) or None)
    return _finish(fig, title, caption, height=420)


def delivery_caption(delivery: pd.DataFrame) -> str:
    """The caption of ``delivery_figure``, without building the figure: activities completed of those planned."""
    if delivery.empty:
        return _("No activities planned for this selection.")
    completed, planned = int(delivery["completed"].sum()), int(delivery["planned"].sum())
    return _(
        "{completed} of {planned} planned activities completed across {beneficiaries} beneficiaries; "
        "each bar splits a beneficiary's activities by status; the percentage after a name is its "
        "delivery rate (completed of those not cancelled)."
    ).format(completed=completed, planned=planned, beneficiaries=len(beneficiary_order(delivery["beneficiary"])))


def delivery_figure(delivery: pd.DataFrame) -> go.Figure:
    """Work-plan activities by beneficiary, stacked by status (completed, ongoing, not started, postponed...)."""
    title = _("Work-plan delivery by beneficiary")
    if delivery.empty:
        return empty_figure(title, _("No activities planned for this selection."))
    counts = [c for c in DELIVERY_COLUMNS if c in delivery]
    totals = delivery.groupby("beneficiary")[[*counts, "planned"]].sum()
    codes = beneficiary_order(totals.index)
    totals = totals.loc[codes]
    rate = delivery_rate(totals["completed"], totals["planned"], totals["cancelled"])
    names = [
        f"{beneficiary_name(c)} · {_share(r)}" if not pd.isna(r) else beneficiary_name(c)
        for c, r in zip(codes, rate, strict=True)
    ]
    fig = go.Figure()
    for column in counts:
        style = ACTIVITY_STYLES[DELIVERY_COLUMNS[column]]
        values = [int(v) for v in totals[column]]
        fig.add_trace(
            go.Bar(
                x=values,
                y=names,
                orientation="h",
                name=f"{style.symbol} {style.label}",
                text=[f"{style.symbol} {v}" if v else "" for v in values],
                textposition="inside",
                marker={"color": style.colour, "pattern": {"shape": style.pattern}},
                textfont={"color": text_colour(style.colour)},
                hovertemplate="%{y}<br>"
                + _("{status}: {count}").format(status=style.label, count="%{x}")
                + "<extra></extra>",
            )
        )
    planned = int(totals["planned"].sum())
    caption = delivery_caption(delivery)
    fig.update_layout(barmode="stack")
    fig.update_yaxes(categoryorder="array", categoryarray=names, autorange="reversed")
    fig.update_xaxes(dtick=1 if planned <= 20 else None)
    return _finish(fig, title, caption, height=160 + 44 * len(codes))


def timeline_figure(activities: pd.DataFrame, compact: bool = False) -> go.Figure:
    """Activities by semester, each point marked by status with its own shape; carried-over activities joined.

    ``compact`` is the form that fits a phone: a row names its activity by its code (code and beneficiary in the
    label a tap shows), each beneficiary's name stands in the plot over its rows, and semester labels stand on
    one line each."""
    title = _("Work-plan activities by semester and status")
    if activities.empty:
        return empty_figure(title, _("No activities for this selection."))
    order = semester_order(activities["semester"])
    rows = activities.assign(
        _o=activities["semester"].map(order.index),
        _label=activities["semester"].map(_label),
        _y=activities["activity_id"].astype(str).map(inert) + " · " + activities["beneficiary"].map(beneficiary_name),
        _b=activities["beneficiary"].map(lambda c: _BENEFICIARY_RANK.get(c, 99)),
    )
    rows = rows.assign(_first=rows.groupby("_y")["_o"].transform("min"))
    rows = rows.sort_values(["_b", "_first", "activity_id", "_o"])
    ys = list(dict.fromkeys(rows["_y"]))
    fig = go.Figure()
    joined_x: list[object] = []
    joined_y: list[object] = []
    for _activity, group in rows.groupby("_y", sort=False):
        if len(group) > 1:
            joined_x += [*group["_label"], None]
            joined_y += [*group["_y"], None]
    if joined_x:
        fig.add_trace(
            go.Scatter(
                x=joined_x,
                y=joined_y,
                mode="lines",
                name="→ " + _("Carried over to a later semester"),
                line={"color": OKABE_ITO["grey"], "width": 2, "dash": "dot"},
                hoverinfo="skip",
            )
        )
    counts = []
    for status, style in ACTIVITY_STYLES.items():
        part = rows[rows["status"] == status]
        if part.empty:
            continue
        counts.append(_("{count} {status}").format(count=len(part), status=style.label.lower()))
        fig.add_trace(
            go.Scatter(
                x=list(part["_label"]),
                y=list(part["_y"]),
                mode="markers",
                name=f"{style.symbol} {style.label}",
                marker={
                    "symbol": style.marker,
                    "size": 14,
                    "color": style.colour,
                    "line": {"width": 2, "color": style.colour},
                },
                customdata=list(part["title"].astype(str).map(inert)),
                hovertemplate=f"%{{y}}, %{{x}}<br>%{{customdata}}<br>{style.label}<extra></extra>",
            )
        )
    caption = _(
        "{activities} activities over {semesters} semesters ({counts}); shapes and the legend name each "
        "status, and dotted lines join an activity carried over to a later semester."
    ).format(activities=len(ys), semesters=len(order), counts=", ".join(counts))
    if compact:
        return _compact_timeline(fig, rows, order, title, caption)
    _semester_axis(fig, [_label(s) for s in order], side="top")
    fig.update_yaxes(categoryorder="array", categoryarray=ys, range=[len(ys) - 0.5, -0.9])  # top to bottom
    return _finish(fig, title, caption, height=200 + 24 * len(ys), margin={"l": 10, "r": 10, "t": 120, "b": 10})


def _compact_timeline(fig: go.Figure, rows: pd.DataFrame, order: list[str], title: str, caption: str) -> go.Figure:
    """The timeline's rows named by activity code under a heading row per beneficiary (its name written in the
    plot, where it takes no width from the grid)."""
    categories: list[str] = []
    ticktext: list[str] = []
    headings: list[tuple[str, str]] = []
    for code, group in rows.groupby("beneficiary", sort=False):
        heading = "\u2063" * (len(headings) + 1)  # an empty row of its own (invisible separators: never a label)
        headings.append((heading, beneficiary_name(str(code))))
        ids = dict(zip(group["_y"], group["activity_id"].astype(str).map(inert), strict=False))
        categories += [heading, *ids]
        ticktext += ["", *ids.values()]
    first = _label(order[0])
    fig.add_trace(  # the heading rows, drawn empty so that the axis keeps them
        go.Scatter(
            x=[first] * len(headings),
            y=[h for h, _name in headings],
            mode="markers",
            marker={"opacity": 0},
            showlegend=False,
            hoverinfo="skip",
        )
    )
    for heading, name in headings:
        fig.add_annotation(
            text=name, font={"weight": "bold"}, x=0, xref="paper", xanchor="left", y=heading, yref="y", showarrow=False
        )
    _semester_axis(fig, [_label(s) for s in order], two_lines=False, side="top", tickangle=-90)
    fig.update_yaxes(
        categoryorder="array",
        categoryarray=categories,
        tickmode="array",
        tickvals=categories,
        ticktext=ticktext,
        range=[len(categories) - 0.5, -0.5],  # top to bottom, the first heading against the axis
        automargin=True,
    )
    top = 50 + 7 * max(len(_label(s)) for s in order)  # the title, and the semesters standing under it
    return _finish(
        fig, title, caption, height=top + 150 + 24 * len(categories), margin={"l": 10, "r": 10, "t": top, "b": 10}
    )


def completeness_caption(completeness: pd.DataFrame) -> str:
    """The caption of ``completeness_figure``, without building the figure: reports received of those expected."""
    if completeness.empty:
        return _("No reports were expected for this selection.")
    reported, expected_total = int(completeness["reported"].sum()), int(completeness["expected"].sum())
    overall = _share(reported / expected_total) if expected_total else "–"
    return _(
        "{reported} of {expected} expected reports received ({share}); each bar is labelled reported/expected."
    ).format(reported=reported, expected=expected_total, share=overall)


def completeness_figure(completeness: pd.DataFrame) -> go.Figure:
    """Share of expected reports received, by beneficiary (one bar per semester), labelled 'reported/expected'."""
    title = _("Reporting completeness")
    if completeness.empty:
        return empty_figure(title, _("No reports were expected for this selection."))
    has_semester = "semester" in completeness
    semesters = semester_order(completeness["semester"]) if has_semester else [""]
    palette = [OKABE_ITO[k] for k in ("blue", "orange", "bluish_green", "reddish_purple", "sky_blue", "vermillion")]
    fig = go.Figure()
    for i, semester in enumerate(semesters):
        part = completeness[completeness["semester"] == semester] if has_semester else completeness
        if "beneficiary" in part:
            part = part.assign(_o=part["beneficiary"].map(beneficiary_order(part["beneficiary"]).index))
            part = part.sort_values("_o")
            x = [beneficiary_name(c) for c in part["beneficiary"]]
        else:
            x = [_label(s) for s in part["semester"]]
        expected = part["expected"].astype("Float64")
        share = (100 * part["reported"].astype("Float64") / expected.where(expected > 0)).round(0)
        colour = palette[i % len(palette)]
        fig.add_trace(
            go.Bar(
                x=x,
                y=list(share),
                name=_label(semester) if semester else _("Completeness"),
                text=[f"{int(r)}/{int(e)}" for r, e in zip(part["reported"], part["expected"], strict=True)],
                textposition="outside",
                marker={"color": colour},
                hovertemplate=_("{beneficiary}: {share} ({reports} reports)").format(
                    beneficiary="%{x}", share=_plotly_percent(), reports="%{text}"
                )
                + "<extra></extra>",
            )
        )
    caption = completeness_caption(completeness)
    fig.update_layout(barmode="group", showlegend=len(semesters) > 1)
    fig.update_yaxes(title="% " + _("of expected reports"), range=[0, 110])  # the sign outside: no %-format
    return _finish(fig, title, caption, height=400)
