"""Columns recognised by what their cells hold, whatever their headers say (or with no header at all): known
indicator IDs or titles, beneficiary codes or names, semester identifiers, labels or dates. The proposal says
which cells convinced it, and the values read through it are exactly those written."""

from __future__ import annotations

import pytest

from indicators.read.mapping import suggest_mapping
from indicators.read.reader import read_workbook
from tests.read.test_mapping import INDICATORS, facts, read_through, workbook

# Headers that name no field (English, French, or nothing at all), over the columns the content gives away.
ODD_HEADERS = ["Code", "Réf.", "Item", "Ligne", "Value", None]


@pytest.mark.parametrize("header", ODD_HEADERS)
def test_wide_sheet_indicator_column_found_by_its_ids(header: str | None) -> None:
    """The issue's held-back layout: indicator IDs under 'Code', one column per beneficiary name."""
    data = workbook(
        {
            "Report": [
                ["Semester report, Nov 2024 – Apr 2025"],
                [header, "Albania", "Serbie", "Kosovo*"],
                ["IND-01", 12, 7, 3],
                ["IND-03", "yes", "no", "yes"],
                ["IND-04", "Good", "Fair", None],
            ]
        }
    )
    suggestion, _mapped, values, problems = read_through(data)
    assert not [p for p in problems if p.severity == "error"], problems
    assert suggestion.needs == []
    assert suggestion.mapping.fields["indicator"].column == (header or "Column A")
    evidence = suggestion.evidence["indicator"]
    assert "A3 “IND-01”" in evidence and "3 of 3 values are known indicator IDs or titles" in evidence
    assert suggestion.to_json()["recognised_by_content"]["indicator"] == evidence
    assert facts(values) == {
        ("IND-01", "ALB", "2025NovS1", "total", 12.0, None, None, None),
        ("IND-01", "SRB", "2025NovS1", "total", 7.0, None, None, None),
        ("IND-01", "XKX", "2025NovS1", "total", 3.0, None, None, None),
        ("IND-03", "ALB", "2025NovS1", "total", 1.0, None, None, None),
        ("IND-03", "SRB", "2025NovS1", "total", 0.0, None, None, None),
        ("IND-03", "XKX", "2025NovS1", "total", 1.0, None, None, None),
        ("IND-04", "ALB", "2025NovS1", "total", None, None, None, "Good"),
        ("IND-04", "SRB", "2025NovS1", "total", None, None, None, "Fair"),
    }


@pytest.mark.parametrize(
    ("who", "when", "what", "figure"),
    [
        ("Who", "When", "What", "Value"),  # English words that name no field
        ("Institution", "Date du rapport", "Objet", "Valeur"),  # French
        (None, None, None, "Figure"),  # no header over the three
        ("Indicator", "Country", "Period", "Value"),  # headers that say the wrong thing: the content wins
    ],
)
def test_long_sheet_every_key_found_by_its_cells(who, when, what, figure) -> None:  # noqa: ANN001
    rows = [
        [who, when, what, figure, "Notes"],
        ["Albania", "Nov 2024 – Apr 2025", "Staff trained", 12],
        ["BiH", "2025NovS1", "Staff trained", 9],
        ["Shqipëria", "2024-12-15", "Protocol adopted", "yes"],
        ["Bosnie-Herzégovine", "2024NovS2", "Protocol adopted", "no"],
    ]
    suggestion, _mapped, values, problems = read_through(workbook({"Data": rows}))
    assert not [p for p in problems if p.severity == "error"], problems
    fields = suggestion.mapping.fields
    labels = {name: fields[name].column for name in ("beneficiary", "semester", "indicator")}
    assert labels == {
        "beneficiary": who or "Column A",
        "semester": when or "Column B",
        "indicator": what or "Column C",
    }
    assert "B2 “Nov 2024 – Apr 2025”" in suggestion.evidence["semester"]
    assert "A3 “BiH”" in suggestion.evidence["beneficiary"]
    assert facts(values) == {
        ("IND-01", "ALB", "2025NovS1", "total", 12.0, None, None, None),
        ("IND-01", "BIH", "2025NovS1", "total", 9.0, None, None, None),
        ("IND-03", "ALB", "2025NovS1", "total", 1.0, None, None, None),
        ("IND-03", "BIH", "2024NovS2", "total", 0.0, None, None, None),
    }


def test_columns_that_hold_no_known_values_are_not_taken() -> None:
    """Numbers, free text and mostly unknown names stay unrecognised: the proposal still asks for them."""
    data = workbook(
        {
            "Data": [
                ["A", "B", "C", "D"],
                ["Narnia", "someday", "Nothing known", 1],
                ["Albania", "later", "Unknown thing", 2],
                ["Atlantis", "soon", "Another", 3],
            ]
        }
    )
    suggestion = suggest_mapping(read_workbook(data, every_sheet=True), INDICATORS)
    assert suggestion.evidence == {}
    assert any("indicator" in need for need in suggestion.needs)
