"""The slides read back with python-pptx: native charts whose series equal the computed figures."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from indicators.present.reports import Report, ReportContent
from indicators.present.reports.content import DELIVERY_PARTS
from indicators.present.reports.slides import STATUS_CHART_SERIES
from tests.present.reports.test_pdf import bbox_words


@pytest.fixture(scope="module")
def decks(pack: dict[tuple[str, str], Report]) -> dict[str, Presentation]:
    """Both editions' decks of the session's pack."""
    return {a: Presentation(io.BytesIO(pack[(a, "pptx")].data)) for a in ("manager", "donor")}


def charts(deck: Presentation) -> dict[str, tuple[object, str]]:
    """Slide title: (chart, speaker notes) for every slide with a chart."""
    out = {}
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_chart:
                out[slide.shapes.title.text] = (shape.chart, slide.notes_slide.notes_text_frame.text)
    return out


def series(chart: object) -> dict[str, list[float]]:
    return {s.name: list(s.values) for s in chart.plots[0].series}


@pytest.mark.parametrize("audience", ["manager", "donor"])
def test_status_chart_series_equal_the_status_counts(
    decks: dict[str, Presentation], contents: dict[str, ReportContent], audience: str
) -> None:
    content = contents[audience]
    chart, notes = charts(decks[audience])[f"Indicator status by beneficiary, {content.label}"]
    counts = content.status_counts
    assert list(chart.plots[0].categories) == list(counts["beneficiary_name"])
    got = series(chart)
    for status in STATUS_CHART_SERIES:
        name = f"{status.symbol} {status.label}"
        if counts[status.code].sum():
            assert got[name] == [float(v) for v in counts[status.code]]
    assert notes.startswith("Status of 20 indicators")
    assert ("⊘ Hidden (small count)" in got) is (audience == "donor")


def test_delivery_and_completeness_series_equal_the_computed_tables(
    decks: dict[str, Presentation], contents: dict[str, ReportContent]
) -> None:
    content = contents["manager"]
    found = charts(decks["manager"])
    chart, notes = found[f"Work-plan delivery, {content.label}"]
    got = series(chart)
    for key, label in DELIVERY_PARTS.items():
        assert got[label] == [float(v) for v in content.delivery[key]]
    assert "planned activities completed" in notes
    chart, notes = found[f"Reporting completeness, {content.label}"]
    values = next(iter(series(chart).values()))
    assert values == pytest.approx([100 * v for v in content.completeness["completeness"]])
    assert "expected reports received" in notes
    chart, notes = found["This semester against the previous one"]
    percent = content.headlines[content.headlines["unit"] == "%"]
    assert series(chart)["This semester"] == pytest.approx(list(percent["value"]))
    assert "Work-plan delivery" in notes


def test_charts_are_native_and_no_slide_holds_a_picture(decks: dict[str, Presentation]) -> None:
    deck = decks["donor"]
    kinds = [shape.shape_type for slide in deck.slides for shape in slide.shapes]
    assert MSO_SHAPE_TYPE.PICTURE not in kinds
    assert len(charts(deck)) == 4
    for slide in deck.slides:  # one message a slide: a chart or a table, never both
        assert sum(1 for shape in slide.shapes if shape.has_chart or shape.has_table) <= 1


@pytest.mark.parametrize("audience", ["manager", "donor"])
def test_every_slide_states_the_version_the_demo_notice_and_the_footnote(
    decks: dict[str, Presentation], audience: str
) -> None:
    for number, slide in enumerate(decks[audience].slides, start=1):
        text = " ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)
        assert "Approved version 000001" in text and "Illustrative demo data" in text, number
        assert "Resolution 1244" in text, number


# Issue 24: slides for the meeting.


def _xml_parts(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {
            name: archive.read(name).decode()
            for name in archive.namelist()
            if re.match(r"ppt/(slides/slide|charts/chart)\d+\.xml$", name)
        }


@pytest.mark.parametrize("audience", ["manager", "donor"])
def test_no_text_under_12_points(pack: dict[tuple[str, str], Report], audience: str) -> None:
    """Every size the deck sets on text, in slides and in charts, is at least 12 pt (sz is in hundredths)."""
    parts = _xml_parts(pack[(audience, "pptx")].data)
    sizes = [
        (name, int(size))
        for name, xml in parts.items()
        for size in re.findall(r'<a:(?:rPr|defRPr)[^>]* sz="(\d+)"', xml)
    ]
    assert sizes and all(size >= 1200 for _name, size in sizes), [s for s in sizes if s[1] < 1200][:5]


@pytest.mark.parametrize("audience", ["manager", "donor"])
def test_charts_print_no_zero_labels(decks: dict[str, Presentation], audience: str) -> None:
    found = charts(decks[audience])
    assert len(found) == 4
    for title, (chart, _notes) in found.items():
        plot = chart.plots[0]
        assert plot.has_data_labels
        sections = plot.data_labels.number_format.split(";")
        assert len(sections) >= 3 and sections[2] == "", (title, plot.data_labels.number_format)


@pytest.mark.parametrize("audience", ["manager", "donor"])
def test_speaker_notes_give_the_figures_source(decks: dict[str, Presentation], audience: str) -> None:
    for number, slide in enumerate(decks[audience].slides, start=1):
        notes = slide.notes_slide.notes_text_frame.text
        assert "Source: approved data, version 000001" in notes, number
    logframe = [s for s in decks[audience].slides if s.shapes.title.text.startswith("Results framework")]
    assert logframe and all("Means of verification: IND-" in s.notes_slide.notes_text_frame.text for s in logframe)


@pytest.mark.parametrize("audience", ["manager", "donor"])
def test_the_summary_and_decisions_have_their_slides(
    decks: dict[str, Presentation], contents: dict[str, ReportContent], audience: str
) -> None:
    titles = [s.shapes.title.text for s in decks[audience].slides]
    assert titles[1] == f"Summary, {contents[audience].label}" and titles[2] == "Decisions for the Steering Committee"


def test_libreoffice_impress_opens_the_deck(pack_files: dict[tuple[str, str], Path], tmp_path: Path) -> None:
    impress_lays_out_every_slide(pack_files[("donor", "pptx")], tmp_path)


def impress_lays_out_every_slide(source: Path, tmp_path: Path) -> None:
    """LibreOffice Impress opens the deck and prints every slide, and no table header word is cut in two."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is needed: run 'sudo apt-get install libreoffice-impress-nogui' (make test does)"
    result = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path / "out"), str(source)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    printed = tmp_path / "out" / source.with_suffix(".pdf").name
    assert printed.exists(), "LibreOffice Impress is needed: apt-get install libreoffice-impress-nogui"
    pages = subprocess.run(["pdfinfo", str(printed)], capture_output=True, text=True, check=True).stdout
    deck = Presentation(str(source))
    assert re.search(rf"^Pages:\s+{len(deck.slides)}$", pages, re.M), pages
    headers = {w for slide in deck.slides for sh in slide.shapes if sh.has_table for c in sh.table.rows[0].cells
               for w in c.text.split()}  # fmt: skip
    found = {w for page in bbox_words(printed) for *_box, w in page}
    for header in headers:  # as Impress lays the tables out, no header word is cut in two ('Progres', 's')
        for cut in range(3, len(header)):
            assert not (header[:cut] in found and header[cut:] in found), header
