"""Streamlit's front-end files served from memory (ui/static_assets.py): the same bytes, compressed when the browser
accepts it, and nothing but the files of the static folder (everything else goes on to Streamlit)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import gzip
import tomllib
from pathlib import Path

import pytest

from ui.static_assets import StaticFromMemory, accepts_gzip

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "static" / "js").mkdir(parents=True)
    (tmp_path / "static" / "js" / "app.1a2b.js").write_text("console.log('x');" * 100)
    (tmp_path / "static" / "font.woff2").write_bytes(b"\x00wOF2" * 50)
    (tmp_path / "index.html").write_text("<html></html>")
    return tmp_path


def call(folder: Path, path: str, method: str = "GET", encoding: str = "gzip, deflate") -> tuple[list, list[str]]:
    """Messages sent for one request, and the paths that reached the app behind the middleware."""
    passed, sent = [], []

    async def app(scope, receive, send) -> None:  # noqa: ANN001
        passed.append(scope["path"])

    async def send(message) -> None:  # noqa: ANN001
        sent.append(message)

    middleware = StaticFromMemory(app, folder=folder, prefix="")
    scope = {"type": "http", "method": method, "path": path, "headers": [(b"accept-encoding", encoding.encode())]}
    # in a thread of its own: a test before may leave an event loop running in this one (Playwright's sync API)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, middleware(scope, None, send)).result()
    return sent, passed


def test_a_static_file_is_served_compressed_with_the_same_bytes(folder: Path) -> None:
    sent, passed = call(folder, "/static/js/app.1a2b.js")
    headers = dict(sent[0]["headers"])
    assert passed == [] and sent[0]["status"] == 200
    assert headers[b"content-encoding"] == b"gzip" and b"immutable" in headers[b"cache-control"]
    assert gzip.decompress(sent[1]["body"]) == (folder / "static" / "js" / "app.1a2b.js").read_bytes()
    assert int(headers[b"content-length"]) == len(sent[1]["body"])


def test_without_gzip_and_for_fonts_the_file_is_sent_as_it_is(folder: Path) -> None:
    sent, _ = call(folder, "/static/js/app.1a2b.js", encoding="identity")
    assert b"content-encoding" not in dict(sent[0]["headers"])
    assert sent[1]["body"] == (folder / "static" / "js" / "app.1a2b.js").read_bytes()
    sent, _ = call(folder, "/static/font.woff2")
    assert b"content-encoding" not in dict(sent[0]["headers"])
    assert sent[1]["body"] == (folder / "static" / "font.woff2").read_bytes()


def test_head_sends_the_headers_only(folder: Path) -> None:
    sent, _ = call(folder, "/static/js/app.1a2b.js", method="HEAD")
    assert sent[1]["body"] == b"" and int(dict(sent[0]["headers"])[b"content-length"]) > 0


@pytest.mark.parametrize(
    ("path", "method"),
    [
        ("/", "GET"),  # the page: Streamlit's
        ("/index.html", "GET"),  # not under static/
        ("/static/js/missing.js", "GET"),  # not in the folder
        ("/static/js/../../index.html", "GET"),  # looked up as written, never joined to a path
        ("/static/js/app.1a2b.js", "POST"),
    ],
)
def test_anything_else_goes_on_to_streamlit(folder: Path, path: str, method: str) -> None:
    sent, passed = call(folder, path, method=method)
    assert passed == [path] and sent == []


@pytest.mark.parametrize(
    ("header", "accepted"),
    [("gzip", True), ("br, gzip;q=0.8", True), ("*", True), ("gzip;q=0", False), ("identity", False), ("", False)],
)
def test_accepts_gzip(header: str, accepted: bool) -> None:
    assert accepts_gzip([(b"Accept-Encoding", header.encode())]) is accepted


def test_the_server_neither_watches_files_nor_collects_all_garbage_after_each_run() -> None:
    """Each cost a new session most of its server CPU (benchmarks/README.md, "A new browser session")."""
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["fileWatcherType"] == "none"
    assert config["runner"]["postScriptGC"] is False
