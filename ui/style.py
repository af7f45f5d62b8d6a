"""The app's own CSS (one place) and how tall a table's rows must be for its text to wrap, not be cut.

Two widths are supported: a wide screen (1440 px) and a phone (390 px, 358 px inside the page's margins).
``apply()`` sends the style sheet once per run (Streamlit keeps style-only HTML out of the page's layout):

- a metric's label wraps instead of ending in "…" ("Indicators on track or achieved" in a fifth of a row);
- what is drawn for one width only lives in a container keyed ``ppd-wide-…`` or ``ppd-phone-…`` (see
  ``layout.figure``): at most ``PHONE_MAX_PX`` wide the phone form is shown and the wide one hidden;
- on a phone a chart's plotly title (a single line of SVG that would be cut) is hidden, and the same title is
  shown above the chart as text that wraps.

Tables (``st.dataframe``) are drawn on a canvas: CSS cannot reach their cells. A cell's text wraps only when
the table's rows are taller than 4rem (64 px), so ``fitted`` works out, from the text and the column widths,
the row height that shows every line (up to ``MAX_LINES``) and widens a column whose text needs more.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import streamlit as st

PHONE_MAX_PX = 640  # at most this wide, the phone forms are shown
PHONE_CONTENT_PX = 358  # what a 390 px phone leaves for the page: 16 px margins on each side

WIDE, PHONE = "ppd-wide-", "ppd-phone-"  # prefixes of container keys shown at one width only

CSS = f"""
[data-testid="stMetricLabel"] [data-testid="stMarkdownContainer"],
[data-testid="stMetricLabel"] [data-testid="stMarkdownContainer"] p {{
  white-space: normal; overflow: visible; text-overflow: clip; overflow-wrap: anywhere;
}}
[class*="st-key-{PHONE}"] {{ display: none; }}
@media (max-width: {PHONE_MAX_PX}px) {{
  [class*="st-key-{PHONE}"] {{ display: flex; }}
  [class*="st-key-{WIDE}"] {{ display: none; }}
  [data-testid="stPlotlyChart"] .gtitle {{ display: none; }}
}}
"""


def apply() -> None:
    """The app's style sheet, for this run's page."""
    st.html(f"<style>{CSS}</style>")


# How wide st.column_config's named widths are (streamlit/elements/lib/column_types.py), in px.
NAMED_WIDTHS = {"small": 75, "medium": 200, "large": 400}
CHAR_PX = 7.4  # an average character of the table's 14 px sans-serif font
CELL_PADDING_PX = 17  # a cell's padding, left and right together
LINE_PX = 21  # one line of a cell's text
DEFAULT_ROW_PX = 35  # one line: Streamlit's row
WRAP_MIN_PX = 65  # the table wraps a cell's text only in rows taller than 4rem
MAX_LINES = 3  # a taller row would leave a phone's table a few rows: a longer text widens its column instead
MAX_WIDTH_PX = 800  # the widest a column is made for its text
HEADER_PX = 36  # a table's header row
ROWS_IN_VIEW = 8  # rows a table of taller rows shows before it scrolls


def column_width(config: object) -> int | None:
    """A column's width in px from its column_config entry; None when the table sizes it to its content."""
    width = config.get("width") if isinstance(config, Mapping) else None
    if isinstance(width, int):
        return width
    return NAMED_WIDTHS.get(str(width)) if width else None


def lines_needed(text: object, width_px: int) -> int:
    """The lines a text takes in a cell ``width_px`` wide (words kept whole; one line for an empty cell)."""
    if text is None or pd.isna(text):
        return 1
    per_line = max(int((width_px - CELL_PADDING_PX) / CHAR_PX), 1)
    lines = 0
    for paragraph in str(text).splitlines() or [""]:
        lines, used = lines + 1, 0
        for word in paragraph.split():
            if not used:
                used = len(word)
            elif used + 1 + len(word) <= per_line:
                used += 1 + len(word)
            else:
                lines, used = lines + 1, len(word)
            while used > per_line:  # a word longer than a line breaks where it must
                lines, used = lines + 1, used - per_line
    return max(lines, 1)


def longest_lines(values: pd.Series, width_px: int) -> int:
    """The most lines a text of ``values`` takes in a cell ``width_px`` wide."""
    if not (pd.api.types.is_string_dtype(values) or values.dtype == object) or not len(values):
        return 1
    texts = values.dropna().astype(str)
    texts = texts[texts.str.len() > (width_px - CELL_PADDING_PX) / CHAR_PX].drop_duplicates()
    return max((lines_needed(text, width_px) for text in texts), default=1)


def fitted(frame: pd.DataFrame, config: Mapping[str, object]) -> tuple[dict[str, object], int | None]:
    """The column configuration and row height (px) with which every text of a column with a set width is shown
    whole: its words wrap on up to MAX_LINES lines, and a column whose longest text needs more is widened until
    it fits, up to MAX_WIDTH_PX (the table scrolls sideways). The row height is None (Streamlit's single line)
    when every text fits on one line."""
    out, lines = dict(config), 1
    for name, entry in config.items():
        width = column_width(entry)
        if width is None or name not in frame:
            continue
        needed = longest_lines(frame[name], width)
        while needed > MAX_LINES and width < MAX_WIDTH_PX:
            width = min(width + 100, MAX_WIDTH_PX)
            needed = longest_lines(frame[name], width)
        if width != column_width(entry):
            out[name] = {**entry, "width": width}  # type: ignore[dict-item]
        lines = max(lines, min(needed, MAX_LINES))
    return out, (None if lines == 1 else max(WRAP_MIN_PX, 2 * 8 + LINE_PX * lines))


def table_height(rows: int, row_px: int) -> int:
    """A table's height showing up to ``ROWS_IN_VIEW`` rows of ``row_px`` under its header."""
    return HEADER_PX + min(max(rows, 1), ROWS_IN_VIEW) * row_px + 2
