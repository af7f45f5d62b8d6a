"""The running server: its websocket refuses a Host name it does not know (DNS rebinding), and the app asks
the server for nothing under /media but its page icon (README "Deploying")."""

from __future__ import annotations

import base64
import os
import socket
from urllib.parse import urlparse

import pytest

from tests.browser.conftest import App, goto

pytestmark = pytest.mark.browser


def upgrade(app: App, host: str) -> str:
    """The status line the server answers to a websocket upgrade of the app's stream with this Host."""
    where = urlparse(app.url)
    key = base64.b64encode(os.urandom(16)).decode()
    request = (
        f"GET /_stcore/stream HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nOrigin: http://{host}\r\n\r\n"
    )
    with socket.create_connection((where.hostname, where.port), timeout=10) as conn:
        conn.sendall(request.encode())
        return conn.recv(4096).decode("latin-1").split("\r\n", 1)[0]


HOSTS = [
    ("127.0.0.1:{port}", True),
    ("localhost:{port}", True),
    ("rebound.example.org", False),
    ("evil.example", False),
]


@pytest.mark.parametrize(("host", "accepted"), HOSTS)
def test_websocket_accepts_only_known_host_names(app: App, host: str, accepted: bool) -> None:
    status = upgrade(app, host.format(port=urlparse(app.url).port))
    assert (" 101 " in status) == accepted, status


def test_pages_ask_nothing_under_media(app: App, page_urls, page) -> None:
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    for title in ("Overview", "Indicator", "Semester review", "Method"):
        goto(page, page_urls[title])
    media = [u for u in requests if "/media/" in u and "/static/" not in u]
    assert len(set(media)) <= 1 and all(u.endswith(".png") for u in media), media  # the page icon only
