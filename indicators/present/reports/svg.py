"""The PDF's charts as vector SVG written directly from the report's frames: no browser, a few milliseconds each.

The app draws its figures with plotly in the browser; paper needs no interaction, so the report draws the same
data (status grid, work-plan delivery, reporting completeness, a beneficiary's progress) as plain SVG, in the
app's colours (Okabe-Ito), with every status marked by its symbol as well as its colour and every bar labelled
with its figure (a zero draws nothing and gets no label). Text stays text (DejaVu Sans, the PDF's font), and
all text from the workbook is escaped. The same frame always gives the same bytes. The words a chart says to a
screen reader (its alternative text) are written by the PDF module from the same figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape

import pandas as pd

from indicators.compute.progress import STATUSES
from indicators.present.charts import text_colour
from indicators.present.reports import writing

FONT = "DejaVu Sans, sans-serif"
GRID = "#BBBBBB"


def _text(x: float, y: float, text: str, size: float = 11, anchor: str = "start", **attrs: object) -> str:
    extra = "".join(f' {k.replace("_", "-")}="{v}"' for k, v in attrs.items())
    return f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}"{extra}>{escape(str(text))}</text>'


def _rect(x: float, y: float, w: float, h: float, fill: str, line: float = 0.5) -> str:
    stroke = f' stroke="#000" stroke-width="{line}"' if line else ""
    return f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="{fill}"{stroke}/>'


def _line(x: float, y1: float, y2: float, colour: str = GRID, width: float = 0.5, dash: str = "") -> str:
    style = f'stroke="{colour}" stroke-width="{width}"' + (f' stroke-dasharray="{dash}"' if dash else "")
    return f'<line x1="{x:.1f}" y1="{y1:.1f}" x2="{x:.1f}" y2="{y2:.1f}" {style}/>'


def _svg(width: float, height: float, body: Sequence[str]) -> bytes:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="{FONT}">'
    )
    return (head + "".join(body) + "</svg>").encode()


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _legend(items: Sequence[tuple[str, str]], y: float, width: float, size: float = 10) -> tuple[list[str], float]:
    """Swatches with their names, wrapped over as many lines as they need; returns the parts and the height."""
    parts, x, line = [], 0.0, 0
    for name, colour in items:
        step = 22 + 0.62 * size * len(name)
        if x and x + step > width:
            x, line = 0.0, line + 1
        top = y + line * (size + 8)
        parts.append(_rect(x, top, 12, 12, colour))
        parts.append(_text(x + 16, top + 10, name, size))
        x += step + 10
    return parts, (line + 1) * (size + 8)


def _mark(code: str, symbol: str, x: float, y: float, colour: str) -> str:
    """A status's symbol drawn as a shape centred on (x, y) (a shape costs far less to print than a glyph); a
    status without a shape of its own (one the computation adds) gets its symbol as text."""
    line = f'fill="none" stroke="{colour}" stroke-width="1.8" stroke-linecap="round"'
    shapes = {
        "achieved": f'<path d="M{x - 5:.1f},{y:.1f}L{x - 1.5:.1f},{y + 4:.1f}L{x + 5:.1f},{y - 4:.1f}" {line}/>',
        "on_track": f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4.5" fill="{colour}"/>',
        "at_risk": f'<polygon points="{x:.1f},{y - 5:.1f} {x + 5.5:.1f},{y + 4.5:.1f} {x - 5.5:.1f},{y + 4.5:.1f}" '
        f'fill="{colour}"/>',
        "off_track": f'<path d="M{x - 4:.1f},{y - 4:.1f}L{x + 4:.1f},{y + 4:.1f}M{x + 4:.1f},{y - 4:.1f}'
        f'L{x - 4:.1f},{y + 4:.1f}" {line}/>',
        "reported": f'<path d="M{x - 4:.1f},{y + 4:.1f}L{x + 4:.1f},{y - 4:.1f}" {line}/>'
        f'<path d="M{x - 5:.1f},{y + 5:.1f}l2,-0.5l-1.5,-1.5z" fill="{colour}"/>',
        "hidden": f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4.5" {line} stroke-dasharray="2 1.5"/>',
        "no_data": f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4.5" {line}/>',
        "not_due": f'<path d="M{x - 4:.1f},{y:.1f}L{x + 4:.1f},{y:.1f}" {line}/>',
    }
    return shapes.get(code) or _text(x, y + 4.5, symbol, 12, "middle", fill=colour)


def status_grid(status: pd.DataFrame, beneficiaries: Sequence[tuple[str, str]], width: int = 760) -> bytes:
    """Indicators (rows) by beneficiaries (columns), each cell in its status colour with its symbol."""
    rows = list(dict.fromkeys(zip(status["indicator_id"].astype(str), status["title"].astype(str), strict=True)))
    label_w, top, cell = 330, 120, 22
    col_w = min(62, (width - label_w - 40) / max(len(beneficiaries), 1))  # 40: the last slanted name's overhang
    lookup = {s.code: s for s in STATUSES}
    where = {
        (str(i), str(b)): str(s)
        for i, b, s in zip(status["indicator_id"], status["beneficiary"], status["status"], strict=True)
    }
    body = []
    for j, (_code, name) in enumerate(beneficiaries):
        x = label_w + j * col_w + col_w / 2
        body.append(_text(x, top - 8, name, 10, transform=f"rotate(-40 {x:.1f} {top - 8:.1f})"))
    for i, (indicator, title) in enumerate(rows):
        y = top + i * cell
        body.append(_text(0, y + 15, f"{indicator} · {_short(title, 44)}", 10))
        for j, (code, _name) in enumerate(beneficiaries):
            s = lookup.get(where.get((indicator, code), ""))
            if s is None:
                continue
            x = label_w + j * col_w + (col_w - cell) / 2
            body.append(_rect(x, y + 1, cell - 2, cell - 2, s.colour, 0))
            body.append(_mark(s.code, s.symbol, x + (cell - 2) / 2, y + cell / 2, text_colour(s.colour)))
    shown = [s for s in STATUSES if (status["status"] == s.code).any()]
    legend, high = _legend([(f"{s.symbol} {s.label}", s.colour) for s in shown], top + len(rows) * cell + 12, width)
    return _svg(width, top + len(rows) * cell + 16 + high, body + legend)


def stacked_bars(
    categories: Sequence[str], series: Sequence[tuple[str, Sequence[float], str]], width: int = 760
) -> bytes:
    """Horizontal bars, one per category, split by series; each part labelled with its count (zeros draw
    nothing)."""
    label_w, bar, gap = 230, 20, 8
    totals = [sum(float(values[i]) for _n, values, _c in series) for i in range(len(categories))]
    scale = (width - label_w - 40) / max(max(totals, default=1), 1)
    body = []
    for i, name in enumerate(categories):
        y = i * (bar + gap)
        body.append(_text(0, y + 14, name, 10))
        x = label_w
        for _series, values, colour in series:
            value = float(values[i])
            if value <= 0:
                continue
            w = value * scale
            body.append(_rect(x, y, w, bar, colour))
            body.append(_text(x + w / 2, y + 14, writing.whole(value), 10, "middle", fill=text_colour(colour)))
            x += w
    height = len(categories) * (bar + gap)
    legend, high = _legend([(n, c) for n, _v, c in series], height + 6, width)
    return _svg(width, height + 10 + high, body + legend)


def share_bars(categories: Sequence[str], shares: Sequence[float], labels: Sequence[str], width: int = 760) -> bytes:
    """Horizontal bars of shares (0 to 1) with a 100% line, each labelled (e.g. '85% (11/13)')."""
    label_w, bar, gap = 230, 16, 8
    span = width - label_w - 130
    body = [_line(label_w + span, 0, len(categories) * (bar + gap), dash="3 2")]
    for i, (name, share, label) in enumerate(zip(categories, shares, labels, strict=True)):
        y = i * (bar + gap)
        body.append(_text(0, y + 12, name, 10))
        w = 0.0 if pd.isna(share) else max(float(share), 0) * span
        if w:
            body.append(_rect(label_w, y, w, bar, "#0072B2", 0))
        body.append(_text(label_w + w + 4, y + 12, label, 10))
    return _svg(width, len(categories) * (bar + gap), body)


def progress_bars(rows: pd.DataFrame, width: int = 900) -> bytes:
    """A beneficiary's indicators: progress towards the target as a bar (never capped; a line marks the
    target), coloured and marked by status, labelled with the progress printed in the tables."""
    label_w, bar, gap = 80, 11, 3
    lookup = {s.code: s for s in STATUSES}
    values = rows["progress"].astype("Float64")
    most = max(1.0, float(values.max()) if values.notna().any() else 1.0)
    span = (width - label_w - 240) / most
    body = []
    height = len(rows) * (bar + gap)
    for tick in (0.0, 0.5, 1.0) + ((most,) if most > 1 else ()):
        x = label_w + tick * span
        body.append(_line(x, 0, height, "#000" if tick == 1 else GRID, 1.2 if tick == 1 else 0.5))
        body.append(_text(x, height + 12, writing.share(tick), 10, "middle"))
    for i, (indicator, status, value) in enumerate(zip(rows["indicator_id"], rows["status"], values, strict=True)):
        y = i * (bar + gap)
        s = lookup.get(str(status))
        body.append(_text(0, y + 10, str(indicator), 10.5))
        symbol = f"{s.symbol} " if s else ""
        if pd.isna(value):
            body.append(_text(label_w + 4, y + 10, symbol + (s.label if s else "–"), 10.5))
            continue
        w = max(float(value), 0) * span
        colour = s.colour if s else "#999999"
        if w:
            body.append(_rect(label_w, y, w, bar, colour, 0.4))
        body.append(_text(label_w + w + 4, y + 10, symbol + writing.progress(float(value)), 10.5))
    return _svg(width, height + 14, body)
