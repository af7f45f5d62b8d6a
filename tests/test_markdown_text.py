"""ui.layout.md: text from a workbook, a file name or an identity stays text inside Streamlit markdown.

The browser test (tests/browser/test_markup.py) checks what Chromium draws; these check the rule itself."""

from __future__ import annotations

import html
import re

import pytest

from ui.layout import md

CASES = [
    "![x](http://host/a.png)",
    "[link](https://host/) and <a href='http://host'>a</a>",
    "<img src=x onerror=alert(1)>",
    "report `x`.xlsx",
    "**bold** _it_ ~~gone~~ $x^2$ :red[red] :smile: :material/home:",
    "see www.example.org or mail a.b@example.org",
    "# heading\n- list\n> quote",
    "Kosovo* 1. 2) | a | b |",
    "",
    None,
]


@pytest.mark.parametrize("text", CASES)
def test_markdown_syntax_cannot_start(text: str | None) -> None:
    out = md(text)
    assert not re.search(r"[!-/:-@\[-`{-~](?!\d*;)", re.sub(r"&#\d+;", "", out)), out  # no punctuation as such
    shown = html.unescape(out)
    assert not re.search(r"(https?|www)[:.]", shown, re.IGNORECASE)  # a bare address is never found
    assert not re.search(r"\w@", shown)  # nor an e-mail address


@pytest.mark.parametrize("text", CASES)
def test_text_reads_as_written(text: str | None) -> None:
    written = " ".join((text or "").split())
    assert html.unescape(md(text)).replace("\u2060", "") == written
