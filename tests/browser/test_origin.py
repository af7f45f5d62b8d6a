"""Only the app's own pages can use a session (ui/origin.py): a page served on another port of the same host,
opened by a signed-in programme manager, cannot open the app's WebSocket (which would read and act as them);
the same script run on the app's own page can (so the test can tell the two apart)."""

from __future__ import annotations

import contextlib
import http.server
import threading
from collections.abc import Iterator

import pytest

from tests.browser.conftest import App, screenshot, wait_for_app

pytestmark = pytest.mark.browser

OPEN_SOCKET = """async (url) => await new Promise((done) => {
    const socket = new WebSocket(url, ["streamlit"]);
    const timer = setTimeout(() => done("no answer"), 10000);
    socket.onopen = () => { clearTimeout(timer); socket.close(); done("open"); };
    socket.onerror = () => { clearTimeout(timer); done("refused"); };
})"""


@contextlib.contextmanager
def another_site() -> Iterator[str]:
    """A plain page served on another port of 127.0.0.1 (another origin, the same site for cookies)."""

    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            body = b"<!doctype html><title>another page</title><p>not the app</p>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            """Nothing: the request log of this helper page would only fill the test output."""

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_page_on_another_port_cannot_open_the_apps_websocket(app: App, new_context) -> None:
    context = new_context()  # a programme manager, signed in (the session cookie is in the browser)
    socket_url = app.url.replace("http://", "ws://") + "/_stcore/stream"
    own = context.new_page()
    own.goto(app.url + "/")
    wait_for_app(own)
    assert own.evaluate(OPEN_SOCKET, socket_url) == "open", "the app's own page opens its WebSocket"
    with another_site() as elsewhere:
        foreign = context.new_page()
        foreign.goto(elsewhere + "/")
        assert foreign.evaluate(OPEN_SOCKET, socket_url) == "refused"
        status = foreign.evaluate(
            "async (url) => (await fetch(url, {method: 'POST', credentials: 'include', mode: 'cors'})"
            ".then(r => r.status, () => 'blocked'))",
            app.url + "/_stcore/health",
        )
        screenshot(foreign, "origin-foreign-page")
    assert status in (403, "blocked")
