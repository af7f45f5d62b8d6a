"""Issue 17: no text a person reads bypasses the catalogues. Every Streamlit call of the pages and ui/ that shows
a label, a message or a help text gets it from ``_()`` (or data), never from a string literal or an f-string;
every error the core raises for people (a ProjectError and its kin) is composed from ``_()`` too."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHOWN_BY = {  # Streamlit calls whose first argument or text keywords a person reads
    "title", "header", "subheader", "markdown", "caption", "write", "info", "warning", "error", "success", "toast",
    "button", "download_button", "selectbox", "radio", "checkbox", "toggle", "text_input", "text_area",
    "number_input", "file_uploader", "multiselect", "expander", "metric", "status", "spinner",
    "form_submit_button", "tabs", "link_button", "page_link",
}  # fmt: skip
TEXT_KEYWORDS = {"label", "help", "placeholder", "caption", "body", "text", "title", "value"}
ALLOWED = {
    ("pages/method.py", "'Kosovo*'"),  # a name, the same in both languages
    ("ui/language.py", "'Language / Langue'"),  # the language picker speaks both on purpose
}
PROGRAMMER_ERRORS = {"ValueError", "TypeError", "KeyError", "AssertionError", "RuntimeError", "NotImplementedError"}


def _words(text: str) -> bool:
    return bool(re.search(r"[A-Za-z]{3,}", text)) and not text.strip().startswith(":material/")


def _literal_text(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return _words(node.value)
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(p, ast.Constant) and _words(str(p.value)) for p in node.values)
    return False


def shown_literals(source: str) -> list[tuple[int, str]]:
    """(line, text) of each literal text given to a Streamlit call that shows it."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        if name not in SHOWN_BY:
            continue
        for argument in [*node.args[:1], *(k.value for k in node.keywords if k.arg in TEXT_KEYWORDS)]:
            if _literal_text(argument):
                found.append((node.lineno, ast.unparse(argument)))
    return found


def raised_literals(source: str) -> list[tuple[int, str]]:
    """(line, text) of each error raised for people with a literal sentence."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and node.exc.args:
            if ast.unparse(node.exc.func) in PROGRAMMER_ERRORS:
                continue
            if _literal_text(node.exc.args[0]):
                found.append((node.lineno, ast.unparse(node.exc.args[0])))
    return found


INTERFACE = [ROOT / "dashboard.py", *sorted((ROOT / "pages").glob("*.py")), *sorted((ROOT / "ui").glob("*.py"))]
CORE = sorted((ROOT / "indicators").rglob("*.py"))


@pytest.mark.parametrize("path", INTERFACE, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_interface_shows_no_literal_text(path: Path) -> None:
    where = str(path.relative_to(ROOT))
    found = [(line, text) for line, text in shown_literals(path.read_text()) if (where, text) not in ALLOWED]
    assert not found, [f"{where}:{line}: {text}" for line, text in found]


@pytest.mark.parametrize("path", CORE, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_core_raises_no_literal_sentence(path: Path) -> None:
    found = raised_literals(path.read_text())
    assert not found, [f"{path.relative_to(ROOT)}:{line}: {text}" for line, text in found]


def test_the_checks_see_a_literal() -> None:
    assert shown_literals('st.caption("Nothing to show")\nst.button(label=f"Save {n} rows")') == [
        (1, "'Nothing to show'"),
        (2, "f'Save {n} rows'"),
    ]
    assert shown_literals('st.caption(_("Nothing to show"))\nst.button(":material/add:")') == []
    assert raised_literals('raise StoreError(f"version {v} is gone")') == [(1, "f'version {v} is gone'")]
    assert raised_literals('raise StoreError(_("version {v} is gone").format(v=v))') == []
