"""The app's plotly figures as vector SVG for the PDF, drawn by kaleido in Debian's chromium.

kaleido 1.5 drives a headless chromium (``BROWSER_PATH``, default /usr/bin/chromium; never a downloaded
browser). Starting it costs about 2 s, a figure about 0.2 s after that, so one server is started on first
use and kept for the process (``kaleido.start_sync_server``); calls are serialised with a lock because the
server takes one job at a time. Plotly gives each drawing random ids; they are renumbered so the same
figure always gives the same bytes.
"""

from __future__ import annotations

import os
import re
import threading

import plotly.graph_objects as go

from indicators.domain.i18n import _
from indicators.domain.problems import ProjectError

DEFAULT_BROWSER = "/usr/bin/chromium"
_lock = threading.Lock()
_started = False
_ID = re.compile(rb'\bid="([^"]+)"')


class ChartError(ProjectError):
    """A chart could not be drawn; ``str(error)`` says what to do."""


def _start() -> None:
    global _started
    if _started:
        return
    os.environ.setdefault("BROWSER_PATH", DEFAULT_BROWSER)
    if not os.path.exists(os.environ["BROWSER_PATH"]):
        raise ChartError(
            _(
                "The charts of the PDF are drawn by chromium, which is not at {path}: install Debian's chromium "
                "(apt-get install chromium) or set BROWSER_PATH."
            ).format(path=os.environ["BROWSER_PATH"])
        )
    import kaleido

    kaleido.start_sync_server(silence_warnings=True)
    _started = True


def warm_up() -> None:
    """Start the drawing browser now (in a thread, while other work goes on), so the first chart is quick."""
    with _lock:
        _start()


def _stable_ids(svg: bytes) -> bytes:
    """The SVG with every element id renumbered in order of appearance (plotly draws random ones)."""
    names = {old: f"i{number:04d}".encode() for number, old in enumerate(dict.fromkeys(_ID.findall(svg)))}
    if not names:
        return svg
    pattern = re.compile(
        rb"(id=\"|url\(#|url\('#|href=\"#)(" + b"|".join(re.escape(n) for n in names) + rb")(?=[\"')])"
    )
    return pattern.sub(lambda m: m.group(1) + names[m.group(2)], svg)


def figure_svg(fig: go.Figure, width: int = 900, height: int | None = None) -> bytes:
    """The figure as SVG (vector; text stays text), ``width`` px wide and its own height unless given."""
    import kaleido

    height = height or int(fig.layout.height or 450)
    fig = go.Figure(fig)  # a copy: the traces get fixed ids instead of plotly's random ones
    for number, trace in enumerate(fig.data):
        trace.uid = f"t{number:03d}"
    with _lock:
        _start()
        svg = kaleido.calc_fig_sync(fig, opts={"format": "svg", "width": width, "height": height})
    return _stable_ids(svg)
