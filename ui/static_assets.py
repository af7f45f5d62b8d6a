"""Streamlit's own front-end files (``/static/…``: the JavaScript, CSS and fonts a new browser fetches) served from
memory, each compressed once.

Streamlit serves them from disk at every request, with a thread hop for each open, read and close: a new browser
opening the Overview fetches about 100 of them (7.6 MB, the plotly bundle 4.7 MB of it), which cost the server
about 0.2 s of CPU per new session, more than the page itself (``benchmarks/session_results.md``). This ASGI
middleware, given to ``st.App`` in ``app.py``, answers a GET or HEAD of a file of Streamlit's static folder from
memory: read once, gzip-compressed once for browsers that accept gzip (fonts and images as they are), with
Streamlit's own caching header (the names are content-hashed: immutable for a year). Only names found in that
folder when the server started are answered, looked up as written (never joined to a path); everything else (the
pages, ``index.html``, the websocket, media, routes) goes on to Streamlit unchanged.
"""

from __future__ import annotations

import gzip
import mimetypes
import os
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

import anyio

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]], Awaitable[None]]

MAX_AGE_S = 365 * 24 * 60 * 60  # Streamlit's own for its hashed assets (STATIC_ASSET_CACHE_MAX_AGE_SECONDS)
COMPRESSED = (".js", ".css", ".json", ".svg", ".map", ".txt", ".html")  # text; woff2 and png are compressed already


def static_files(folder: Path) -> dict[str, Path]:
    """Every file under ``folder/static`` by the URL path Streamlit serves it at (``/static/js/x.js``)."""
    files = {}
    for root, __, names in os.walk(folder / "static"):
        for name in names:
            path = Path(root) / name
            files["/" + path.relative_to(folder).as_posix()] = path
    return files


def accepts_gzip(headers: list[tuple[bytes, bytes]]) -> bool:
    """Whether the request's Accept-Encoding names gzip (and not with q=0)."""
    for key, value in headers:
        if key.lower() == b"accept-encoding":
            for part in value.decode("latin-1").split(","):
                name, *params = (p.strip().lower() for p in part.split(";"))
                if name in ("gzip", "*") and not any(p.replace(" ", "") in ("q=0", "q=0.0", "q=0.00") for p in params):
                    return True
    return False


def _response(path: Path, compress: bool) -> tuple[list[tuple[bytes, bytes]], bytes]:
    """The headers and body of a static file's answer (gzip-compressed with ``compress``)."""
    body = path.read_bytes()
    body = gzip.compress(body, compresslevel=6, mtime=0) if compress else body
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    text = kind.startswith("text/") or kind.endswith("javascript")
    headers = [
        (b"content-type", (kind + ("; charset=utf-8" if text else "")).encode()),
        (b"content-length", str(len(body)).encode()),
        (b"cache-control", f"public, immutable, max-age={MAX_AGE_S}".encode()),
        (b"vary", b"Accept-Encoding"),
    ]
    return [*headers, (b"content-encoding", b"gzip")] if compress else headers, body


class StaticFromMemory:
    """ASGI middleware: Streamlit's static files from memory (see the module's docstring)."""

    def __init__(self, app: ASGIApp, folder: Path | None = None, prefix: str | None = None) -> None:
        self.app = app
        self.folder, self.prefix = folder, prefix  # Streamlit's static folder and base URL path when None
        self.files: dict[str, Path] | None = None  # listed at the first request, once Streamlit's config is read
        self.kept: dict[tuple[str, bool], tuple[list[tuple[bytes, bytes]], bytes]] = {}

    def _listing(self) -> dict[str, Path]:
        if self.files is None:
            from streamlit import config, file_util

            if self.prefix is None:
                base = str(config.get_option("server.baseUrlPath") or "").strip("/")
                self.prefix = "/" + base if base else ""
            self.files = static_files(self.folder or Path(file_util.get_static_dir()))
        return self.files

    async def __call__(self, scope: Scope, receive, send) -> None:  # noqa: ANN001 - ASGI callables
        if scope["type"] != "http" or scope.get("method") not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        files, path = self._listing(), str(scope.get("path", ""))
        prefix = self.prefix or ""
        file = files.get(path[len(prefix) :]) if path.startswith(prefix + "/static/") else None
        if file is None:
            await self.app(scope, receive, send)
            return
        compress = file.suffix in COMPRESSED and accepts_gzip(scope.get("headers", []))
        kept = self.kept.get((path, compress))
        if kept is None:
            kept = self.kept[(path, compress)] = await anyio.to_thread.run_sync(_response, file, compress)
        headers, body = kept
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})
