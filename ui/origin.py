"""Only the app's own pages can use a session: requests from another origin are refused (served by ``app.py``).

A browser sends ``Origin`` with every WebSocket handshake and with every request a page's script makes to
another origin (and with same-origin writes). Streamlit accepts a WebSocket whose Origin names the same host
name, whatever the port, so a page served on another port of the same host (or any site allowed by
``server.enableCORS`` rules) could open the app's WebSocket with a signed-in person's cookie (SameSite does
not look at ports) and act as them. This middleware refuses, before Streamlit sees it, every WebSocket
handshake and HTTP request whose ``Origin`` is not the app's own scheme, host and port: the WebSocket with
close code 1008 before it is accepted (the browser gets HTTP 403), an HTTP request with 403. A request without
``Origin`` (a navigation, a same-origin read, a program that is not a browser) goes on.

The app's own origin is the request's scheme (``https`` behind a proxy that says so in ``X-Forwarded-Proto``,
which the server trusts from the address in FORWARDED_ALLOW_IPS: see deploy/README.md) and its ``Host``
header (the proxy passes it unchanged, port included).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

Scope = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[dict]], Callable[[dict], Awaitable[None]]], Awaitable[None]]
DEFAULT_PORTS = {"http": 80, "https": 443}
WEB_SCHEME = {"ws": "http", "wss": "https", "http": "http", "https": "https"}


def _origin_parts(scheme: str, netloc: str) -> tuple[str, str, int] | None:
    try:
        parts = urlsplit(f"{scheme}://{netloc}")
        port = parts.port or DEFAULT_PORTS.get(scheme)
    except ValueError:
        return None
    if not parts.hostname or port is None:
        return None
    return scheme, parts.hostname.lower(), port


def same_origin(origin: str, scheme: str, host: str) -> bool:
    """Whether an ``Origin`` header names the app's own origin: the request's scheme (ws/wss as http/https) and
    its ``Host`` (default ports as the browser leaves them out)."""
    given = urlsplit(origin.strip())
    if given.scheme not in DEFAULT_PORTS or given.path not in ("", "/") or given.query or given.username:
        return False  # 'null', a file: page, an extension, or a malformed origin
    own = _origin_parts(WEB_SCHEME.get(scheme, ""), host.strip())
    return own is not None and _origin_parts(given.scheme, given.netloc) == own


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return value.decode("latin-1")
    return None


class SameOriginOnly:
    """ASGI middleware: refuse a WebSocket or an HTTP request whose Origin is not the app's own."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive, send) -> None:  # noqa: ANN001 - ASGI callables
        if scope["type"] in ("http", "websocket"):
            origin = _header(scope, b"origin")
            host = _header(scope, b"host") or ""
            if origin is not None and not same_origin(origin, scope.get("scheme", "http"), host):
                if scope["type"] == "websocket":
                    await send({"type": "websocket.close", "code": 1008})
                else:
                    body = b"Refused: this request comes from a page that is not the app's own.\n"
                    await send(
                        {
                            "type": "http.response.start",
                            "status": 403,
                            "headers": [
                                (b"content-type", b"text/plain; charset=utf-8"),
                                (b"content-length", str(len(body)).encode()),
                                (b"cache-control", b"no-store"),
                            ],
                        }
                    )
                    await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)
