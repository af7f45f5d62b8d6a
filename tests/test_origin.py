"""The rule of ui/origin.py: which Origin is the app's own, and that the middleware refuses the others."""

from __future__ import annotations

import asyncio
import concurrent.futures

import pytest

from ui.origin import SameOriginOnly, same_origin


@pytest.mark.parametrize(
    ("origin", "scheme", "host", "same"),
    [
        ("http://127.0.0.1:8650", "ws", "127.0.0.1:8650", True),
        ("http://127.0.0.1:8651", "ws", "127.0.0.1:8650", False),  # another port of the same host
        ("http://localhost:8650", "ws", "127.0.0.1:8650", False),  # another host name
        ("https://ppd.example.org", "wss", "ppd.example.org", True),  # default ports left out
        ("https://ppd.example.org:443", "wss", "ppd.example.org", True),
        ("http://ppd.example.org", "wss", "ppd.example.org", False),  # another scheme
        ("https://PPD.example.org", "https", "ppd.example.org", True),
        ("https://evil.example.org", "https", "ppd.example.org", False),
        ("null", "ws", "127.0.0.1:8650", False),
        ("http://127.0.0.1:8650/path", "ws", "127.0.0.1:8650", False),
        ("http://127.0.0.1:99999", "ws", "127.0.0.1:8650", False),
        ("http://127.0.0.1:8650", "ws", "", False),
    ],
)
def test_which_origin_is_the_apps_own(origin: str, scheme: str, host: str, same: bool) -> None:
    assert same_origin(origin, scheme, host) is same


def called(scope: dict) -> tuple[bool, list[dict]]:
    """Whether the app behind the middleware was reached, and what the middleware sent."""
    reached, sent = [], []

    async def app(scope, receive, send) -> None:
        reached.append(True)

    async def receive() -> dict:
        return {}

    async def send(message: dict) -> None:
        sent.append(message)

    # in a thread of its own: a test before may leave an event loop running in this one (Playwright's sync API)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, SameOriginOnly(app)(scope, receive, send)).result()
    return bool(reached), sent


def scope(kind: str, origin: str | None) -> dict:
    headers = [(b"host", b"127.0.0.1:8650")] + ([(b"origin", origin.encode())] if origin else [])
    return {"type": kind, "scheme": "ws" if kind == "websocket" else "http", "headers": headers}


def test_the_middleware_refuses_a_foreign_origin_and_lets_the_rest_through() -> None:
    assert called(scope("websocket", "http://127.0.0.1:8650")) == (True, [])
    assert called(scope("websocket", None)) == (True, [])  # not a browser: no Origin
    reached, sent = called(scope("websocket", "http://127.0.0.1:8651"))
    assert not reached and sent == [{"type": "websocket.close", "code": 1008}]
    reached, sent = called(scope("http", "http://127.0.0.1:8651"))
    assert not reached and sent[0]["status"] == 403
    assert called({"type": "lifespan"}) == (True, [])
