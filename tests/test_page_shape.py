"""Issue 27: a page lays out its view and nothing else: under 80 lines, no pandas, no caching wrappers.

Every page is moved: each is checked (LEFT, the pages not yet moved with their length, is empty and stays so)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PAGES = Path(__file__).resolve().parent.parent / "pages"
LIMIT = 80
LEFT: dict[str, int] = {}  # pages still to move onto views: none


def imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module.split(".")[0])
    return found


def cached_lambdas(path: Path) -> int:
    """Calls of data.built (a page computing inside a caching wrapper)."""
    tree = ast.parse(path.read_text())
    return sum(isinstance(n, ast.Call) and ast.unparse(n.func) == "data.built" for n in ast.walk(tree))


@pytest.mark.parametrize("path", sorted(PAGES.glob("[a-z]*.py")), ids=lambda p: p.stem)
def test_a_page_is_layout_only(path):
    lines = len(path.read_text().splitlines())
    if path.stem in LEFT:
        assert lines <= LEFT[path.stem], f"{path.name} grew to {lines} lines: move what it computes into a view"
        return
    assert lines < LIMIT, f"{path.name} has {lines} lines"
    assert not {"pandas", "numpy", "plotly"} & imports(path), f"{path.name} computes: move it into its view"


@pytest.mark.parametrize("path", sorted(PAGES.glob("[a-z]*.py")), ids=lambda p: p.stem)
def test_pages_keep_no_caching_wrappers(path):
    assert cached_lambdas(path) == 0, f"{path.name} computes inside data.built: give it a view"
