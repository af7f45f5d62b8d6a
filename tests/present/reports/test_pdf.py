"""The PDF read back by poppler-utils (pdftotext, pdffonts, pdfinfo, pdfimages, pdftoppm), not by our code."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from indicators.present.reports import ReportContent, build_report

TOOLS = ("pdftotext", "pdftoppm", "pdffonts", "pdfinfo", "pdfimages")


def run(*args: str) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True, timeout=120).stdout


@pytest.fixture(scope="module")
def pdfs(contents: dict[str, ReportContent], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    missing = [t for t in TOOLS if not shutil.which(t)]
    assert not missing, f"poppler-utils is needed: run 'sudo apt-get install poppler-utils' (make test does): {missing}"
    return written_pdfs(contents, tmp_path_factory.mktemp("pdf"))


def written_pdfs(contents: dict[str, ReportContent], folder: Path) -> dict[str, Path]:
    """Each audience's report as a PDF file in ``folder``."""
    out = {}
    for audience, content in contents.items():
        report = build_report(content, "pdf")
        out[audience] = folder / report.file_name
        out[audience].write_bytes(report.data)
    return out


def pages(path: Path) -> list[str]:
    return run("pdftotext", "-layout", str(path), "-").split("\f")[:-1]


@pytest.mark.parametrize("audience", ["manager", "donor"])
def test_text_has_headline_figures_semester_and_version(
    pdfs: dict[str, Path], contents: dict[str, ReportContent], audience: str
) -> None:
    content = contents[audience]
    text = run("pdftotext", str(pdfs[audience]), "-")
    assert "Nov 2024 – Apr 2025" in text and "2025NovS1" in text
    assert "Approved version 000001" in text
    headline_page = next(p for p in pages(pdfs[audience]) if "Headline figures, Nov 2024" in p)
    for row in content.headlines.itertuples():
        line = next(line for line in headline_page.splitlines() if line.strip().startswith(row.figure[:20]))
        assert row.value_text in line and row.change_text in line, (row.figure, line)


@pytest.mark.parametrize("audience", ["manager", "donor"])
def test_every_page_naming_kosovo_has_the_footnote_and_the_demo_notice(pdfs: dict[str, Path], audience: str) -> None:
    texts = pages(pdfs[audience])
    assert len(texts) > 10
    naming = [t for t in texts if "Kosovo*" in t.replace("*All references to Kosovo", "")]
    assert len(naming) > 3
    for number, text in enumerate(texts, start=1):
        flat = " ".join(text.split())
        if "Kosovo*" in text:
            assert "Security Council Resolution 1244" in flat, number
        assert "Illustrative demo data" in flat, number
        assert f"Page {number} of {len(texts)}" in flat


def test_a4_with_embedded_fonts_and_vector_charts(pdfs: dict[str, Path]) -> None:
    info = run("pdfinfo", str(pdfs["manager"]))
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info)
    fonts = run("pdffonts", str(pdfs["manager"])).splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts  # the "emb" column
    images = run("pdfimages", "-list", str(pdfs["manager"])).splitlines()[2:]
    assert images == []  # charts are drawn as vectors, not pictures


def test_contents_page_numbers_point_at_the_sections(pdfs: dict[str, Path]) -> None:
    texts = pages(pdfs["manager"])
    contents = texts[1]  # after the cover
    for title in ("Results framework", "Work plan", "Method annex"):
        number = int(re.search(re.escape(title) + r"[ .]*?(\d+)\s*$", contents, re.M).group(1))
        assert title in texts[number - 1], (title, number)


def test_donor_pdf_shows_hidden_counts_as_text(pdfs: dict[str, Path]) -> None:
    text = run("pdftotext", str(pdfs["donor"]), "-")
    assert "<5" in text and "[c]" in text
    assert "<5" not in run("pdftotext", str(pdfs["manager"]), "-").replace("'<5'", "")


def test_pages_render_to_png(pdfs: dict[str, Path], tmp_path: Path) -> None:
    run("pdftoppm", "-r", "40", "-f", "1", "-l", "4", "-png", str(pdfs["donor"]), str(tmp_path / "page"))
    rendered = sorted(tmp_path.glob("page-*.png"))
    assert len(rendered) == 4 and all(p.stat().st_size > 3000 for p in rendered)
