"""Headline figures of a semester, compared with the previous semester."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from indicators.compute.headlines import HEADLINE_COLUMNS, headline_figures
from indicators.compute.progress import Thresholds
from indicators.domain.schema import TABLES, TABLES_BY_NAME, Programme, conform

S1, S2 = "2025NovS1", "2025NovS2"


def make_programme(**rows: list[dict]) -> Programme:
    tables = {t.name: t.empty() for t in TABLES}
    meetings = [{"number": 4, "date": "2024-10-30"}]
    for name, records in {"meetings": meetings, **rows}.items():
        if records:
            tables[name] = conform(TABLES_BY_NAME[name], pd.DataFrame(records))
    return Programme(tables)


def indicator(indicator_id: str, **fields: object) -> dict[str, object]:
    return {
        "indicator_id": indicator_id,
        "result_id": "OC1",
        "title": indicator_id,
        "measure": "count",
        "aggregation": "sum",
        "cumulative": False,
        "direction": "increase",
    } | fields


def target(indicator_id: str, beneficiary: str, semester: str) -> dict[str, object]:
    return {
        "indicator_id": indicator_id,
        "beneficiary": beneficiary,
        "semester": semester,
        "value": 10,
        "adopted_at": 4,
    }


def value(indicator_id: str, beneficiary: str, semester: str, **fields: object) -> dict[str, object]:
    return {"indicator_id": indicator_id, "beneficiary": beneficiary, "semester": semester} | fields


def activity(activity_id: str, semester: str, status: str) -> dict[str, object]:
    return {
        "activity_id": activity_id,
        "semester": semester,
        "result_id": "OP1",
        "beneficiary": "ALB",
        "title": activity_id,
        "status": status,
    }


PROGRAMME = make_programme(
    indicators=[indicator("I1"), indicator("Q1", measure="qualitative", aggregation="none")],
    targets=[target("I1", b, s) for b in ("ALB", "SRB") for s in (S1, S2)] + [target("Q1", "REG", S2)],
    values=[
        value("I1", "ALB", S1, value=10),
        value("I1", "SRB", S1, value=2),  # S1: achieved, off track
        value("I1", "ALB", S2, value=8),
        value("I1", "SRB", S2, value=9),  # S2: on track, on track
        value("Q1", "REG", S2, text="Agreed"),
    ],
    activities=[
        activity("A1", S1, "completed"),
        activity("A2", S1, "postponed"),
        activity("A3", S1, "planned"),
        activity("A2", S2, "completed"),
        activity("A4", S2, "completed"),
        activity("A5", S2, "cancelled"),
        activity("A6", S2, "postponed"),
    ],
)


def figures(programme: Programme, semester: str) -> pd.DataFrame:
    return headline_figures(programme, semester, Thresholds()).set_index("figure")


@pytest.mark.parametrize(
    ("figure", "now", "before", "unit"),
    [
        ("Indicators on track or achieved", 100.0, 50.0, "%"),  # the qualitative pair is not counted
        ("Work-plan delivery", 100 * 2 / 3, 100 / 3, "%"),
        ("Reporting completeness", 100.0, 100.0, "%"),
        ("Activities completed", 2, 1, "activities"),
        ("Activities postponed", 1, 1, "activities"),
    ],
)
def test_headline_figure_and_its_change(figure: str, now: float, before: float, unit: str) -> None:
    row = figures(PROGRAMME, S2).loc[figure]
    assert row["value"] == pytest.approx(now)
    assert row["previous"] == pytest.approx(before)
    assert row["change"] == pytest.approx(now - before)
    assert row["unit"] == unit and row["help"]


def test_columns_and_first_semester_has_no_previous() -> None:
    table = headline_figures(PROGRAMME, S1, Thresholds())
    assert list(table.columns) == HEADLINE_COLUMNS
    assert len(table) >= 5
    first = table.set_index("figure")
    assert math.isnan(first.loc["Work-plan delivery", "previous"])
    assert math.isnan(first.loc["Work-plan delivery", "change"])
    assert first.loc["Activities completed", "previous"] == 0


def test_empty_programme_gives_missing_percentages_and_zero_counts() -> None:
    table = figures(make_programme(), S1)
    assert math.isnan(table.loc["Indicators on track or achieved", "value"])
    assert math.isnan(table.loc["Reporting completeness", "value"])
    assert table.loc["Activities completed", "value"] == 0
