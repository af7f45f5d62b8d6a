"""What keeps a new session cheap for the server (benchmarks/README.md, "A new browser session"): uvicorn, under
Streamlit, runs on its C event loop and HTTP parser, and a cached figure is turned into plotly's dict once, not
at every draw, without changing what is drawn."""

from __future__ import annotations

import copy
import json
import pickle

import plotly.graph_objects as go
import plotly.io as pio
import plotly.tools
from uvicorn.config import Config

from ui.layout import _dict_made_once


def test_the_server_runs_on_uvloop_and_httptools() -> None:
    async def app(scope, receive, send) -> None:  # noqa: ANN001 - an ASGI callable
        return None

    from streamlit.web.server.starlette.starlette_server import _get_uvicorn_config_kwargs

    config = Config(app=app, **_get_uvicorn_config_kwargs())  # as Streamlit's server configures uvicorn
    config.load()
    assert config.http_protocol_class.__module__ == "uvicorn.protocols.http.httptools_impl"
    assert config.get_loop_factory().__module__.startswith("uvloop")


def drawn(fig: go.Figure) -> str:
    """What st.plotly_chart sends for ``fig`` (streamlit/elements/plotly_chart.py)."""
    return pio.to_json(plotly.tools.return_figure_from_figure_or_data(fig, validate_figure=True), validate=False)


def figure() -> go.Figure:
    return go.Figure(go.Bar(x=["Albania", "Kosovo*"], y=[3, 4]), layout={"title": {"text": "Trainees"}})


def test_a_figure_is_drawn_as_before_and_its_dict_made_once() -> None:
    fig = figure()
    before = drawn(fig)
    made = _dict_made_once(fig)
    assert made is fig and drawn(fig) == before and drawn(fig) == before
    assert fig.to_dict()["layout"] is fig.to_dict()["layout"]  # made once, not copied at each draw
    assert _dict_made_once(fig).to_dict()["data"] is fig.to_dict()["data"]


def test_copying_or_pickling_a_drawn_figure_leaves_what_is_drawn_as_it_was() -> None:
    fig = _dict_made_once(figure())
    before = drawn(fig)
    copied, unpickled = copy.deepcopy(fig), pickle.loads(pickle.dumps(fig))  # plotly adds keys to to_dict()'s dict
    assert drawn(fig) == before
    assert json.loads(drawn(copied)) == json.loads(before) == json.loads(drawn(unpickled))
