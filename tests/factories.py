"""Test data built in code: small programmes and raw workbooks shaped like the reader's output."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from indicators.access.identity import Identity
from indicators.domain.problems import Problem
from indicators.domain.schema import TABLES_BY_NAME, TABLES_BY_SHEET, Programme, conform, empty_programme


@dataclass
class FakeSheet:
    name: str
    headers: list[str]
    rows: pd.DataFrame
    visible: bool = True
    header_row: int = 1


@dataclass
class FakeWorkbook:
    sheets: dict[str, FakeSheet]
    problems: list[Problem] = field(default_factory=list)


def raw_workbook(sheets: dict[str, list[list[object]]], hidden: tuple[str, ...] = ()) -> FakeWorkbook:
    """A raw workbook like the reader gives: first row headers, then rows numbered from Excel row 2, all text."""
    out = {}
    for name, rows in sheets.items():
        headers = [str(h) for h in rows[0]]
        body = [[None if v is None else str(v) for v in r] for r in rows[1:]]
        frame = pd.DataFrame(body, columns=headers, index=range(2, 2 + len(body)), dtype="string")
        out[name] = FakeSheet(name, headers, frame, visible=name not in hidden)
    return FakeWorkbook(out)


def programme(**tables: list[dict]) -> Programme:
    """A programme from lists of row dicts, other tables empty."""
    base = empty_programme().tables
    for name, rows in tables.items():
        base[name] = conform(TABLES_BY_NAME[name], pd.DataFrame(rows))
    return Programme(base)


def headers(sheet: str) -> list[str]:
    """The template's headers of a sheet."""
    return [c.header for c in TABLES_BY_SHEET[sheet].columns]


def small_programme() -> Programme:
    """Two results, four indicators (one per measure), baselines and targets for two beneficiaries."""
    return programme(
        results=[
            {"result_id": "OC1", "level": "outcome", "title": "Outcome one"},
            {"result_id": "OP1.1", "level": "output", "parent_id": "OC1", "title": "Output one"},
        ],
        indicators=[
            {
                "indicator_id": "IND-01",
                "result_id": "OP1.1",
                "title": "Staff trained",
                "measure": "count",
                "direction": "increase",
                "cumulative": True,
                "aggregation": "sum",
                "sensitive": False,
                "disaggregation": "sex",
            },
            {
                "indicator_id": "IND-02",
                "result_id": "OC1",
                "title": "Share assessed",
                "measure": "percentage",
                "direction": "increase",
                "cumulative": False,
                "aggregation": "ratio",
                "sensitive": False,
                "disaggregation": "none",
            },
            {
                "indicator_id": "IND-03",
                "result_id": "OC1",
                "title": "Protocol adopted",
                "measure": "milestone",
                "direction": "increase",
                "cumulative": False,
                "aggregation": "count_meeting_target",
                "sensitive": False,
                "disaggregation": "none",
            },
            {
                "indicator_id": "IND-04",
                "result_id": "OC1",
                "title": "Cooperation quality",
                "measure": "qualitative",
                "direction": "increase",
                "cumulative": False,
                "aggregation": "none",
                "sensitive": False,
                "disaggregation": "none",
            },
        ],
        baselines=[
            {"indicator_id": "IND-01", "beneficiary": "ALB", "value": 0, "year": 2023},
            {"indicator_id": "IND-02", "beneficiary": "ALB", "value": 20, "year": 2023},
        ],
        targets=[
            {"indicator_id": "IND-01", "beneficiary": "ALB", "semester": "2025NovS1", "value": 40, "adopted_at": 2},
        ],
        meetings=[{"number": 2, "date": pd.Timestamp("2023-10-17"), "place": "Skopje"}],
    )


def indicator(indicator_id: str = "I1", **fields: object) -> dict[str, object]:
    """An Indicators row with the usual defaults: a per-semester count, higher is better, summed."""
    row = {
        "indicator_id": indicator_id,
        "result_id": "OC1",
        "title": f"Indicator {indicator_id}",
        "unit": "people",
        "measure": "count",
        "direction": "increase",
        "cumulative": False,
        "aggregation": "sum",
        "sensitive": False,
        "disaggregation": "none",
    }
    return row | fields


# People acting in tests: an analyst and a programme manager (accounts are not needed to act in the store).
ANA = Identity("ana", "analyst", "local")
MARKO = Identity("marko", "manager", "local")
