"""The slides read back with python-pptx: native charts whose series equal the computed figures."""

from __future__ import annotations

import io

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from indicators.present.reports import ReportContent
from indicators.present.reports.content import DELIVERY_PARTS
from indicators.present.reports.slides import STATUS_CHART_SERIES, slides_bytes


@pytest.fixture(scope="module")
def decks(contents: dict[str, ReportContent]) -> dict[str, Presentation]:
    return {a: Presentation(io.BytesIO(slides_bytes(c))) for a, c in contents.items()}


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
    chart, notes = found[f"Headline figures, {content.label}"]
    percent = content.headlines[content.headlines["unit"] == "%"]
    assert series(chart)["This semester"] == pytest.approx(list(percent["value"]))
    assert "Work-plan delivery" in notes


def test_charts_are_native_and_no_slide_holds_a_picture(decks: dict[str, Presentation]) -> None:
    deck = decks["donor"]
    kinds = [shape.shape_type for slide in deck.slides for shape in slide.shapes]
    assert MSO_SHAPE_TYPE.PICTURE not in kinds
    assert len(charts(deck)) == 4


@pytest.mark.parametrize("audience", ["manager", "donor"])
def test_every_slide_states_the_version_the_demo_notice_and_the_footnote(
    decks: dict[str, Presentation], audience: str
) -> None:
    for number, slide in enumerate(decks[audience].slides, start=1):
        text = " ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)
        assert "Approved version 000001" in text and "Illustrative demo data" in text, number
        assert "Resolution 1244" in text, number
