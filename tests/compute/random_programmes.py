"""Randomly generated programmes for the differential tests: every measure, cumulative and not, lower is
better, sex splits, revised targets, missing reports and baselines, regional rows, and the odd rows
validation would flag (a semester that is not one, an unknown indicator, a repeated value)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators.domain.schema import TABLES, TABLES_BY_NAME, Programme, conform

COUNTRIES = ("ALB", "BIH", "XKX", "MNE", "MKD", "SRB")
SEMESTERS = ("2024NovS1", "2024NovS2", "2025NovS1", "2025NovS2", "2026NovS1", "2026NovS2")
MEETINGS = [  # the 3rd's date is unknown; meeting 9 is named by targets but never held
    {"number": 2, "date": pd.Timestamp("2023-10-17")},
    {"number": 3, "date": pd.NaT},
    {"number": 4, "date": pd.Timestamp("2024-10-30")},
    {"number": 5, "date": pd.Timestamp("2025-05-20")},
    {"number": 6, "date": pd.Timestamp("2025-11-15")},
]
ADOPTED_AT = (2, 3, 4, 5, 6, 9, None)
# (measure, aggregations it may have): mostly realistic, with a few combinations validation would allow
KINDS = (
    ("count", ("sum", "sum", "count_meeting_target", "none")),
    ("percentage", ("ratio", "ratio", "none", "sum")),
    ("milestone", ("count_meeting_target", "sum", "none")),
    ("qualitative", ("none", "sum")),
)


def _figure(rng: np.random.Generator, measure: str) -> float | None:
    if measure == "milestone":
        return float(rng.integers(0, 2))
    if measure == "percentage":
        return float(rng.integers(0, 101))
    return float(rng.integers(0, 60)) if rng.random() < 0.9 else float(rng.integers(0, 600)) / 7


def random_programme(seed: int, indicators: int = 12) -> Programme:
    """A programme of ``indicators`` indicators with every kind of row, the same for the same seed."""
    rng = np.random.default_rng(seed)
    rows: dict[str, list[dict]] = {t.name: [] for t in TABLES}
    rows["meetings"] = list(MEETINGS)
    for i in range(indicators):
        indicator_id = f"I{i:02d}"
        measure, aggregations = KINDS[rng.integers(len(KINDS))]
        direction = "decrease" if measure in ("count", "percentage") and rng.random() < 0.3 else "increase"
        rows["indicators"].append(
            {
                "indicator_id": indicator_id,
                "result_id": "OC1",
                "title": f"Indicator {i}",
                "unit": "people",
                "measure": measure,
                "direction": direction if rng.random() < 0.9 else None,  # missing: increase
                "cumulative": bool(measure == "count" and rng.random() < 0.5),
                "aggregation": aggregations[rng.integers(len(aggregations))] if rng.random() < 0.95 else None,
                "sensitive": bool(rng.random() < 0.3),
                "disaggregation": "sex" if measure == "count" and rng.random() < 0.5 else "none",
            }
        )
        regional_only = rng.random() < 0.15
        places = ["REG"] if regional_only else [c for c in COUNTRIES if rng.random() < 0.8]
        if not regional_only and rng.random() < 0.3:
            places.append("REG")  # a regional row beside the countries is not rolled up
        for place in places:
            baseline = None if rng.random() < 0.2 else _figure(rng, measure)
            if rng.random() < 0.85:
                rows["baselines"].append(
                    {"indicator_id": indicator_id, "beneficiary": place, "value": baseline, "year": 2023}
                )
            baseline = baseline or 0.0
            for semester in SEMESTERS:
                _targets(rng, rows, indicator_id, place, semester, measure, direction, baseline)
                _values(rng, rows, indicator_id, place, semester, measure)
    # validation would flag these; the computations skip them
    rows["targets"].append({"indicator_id": "I00", "beneficiary": "ALB", "semester": "2025XyzS1", "value": 5})
    rows["values"].append({"indicator_id": "I00", "beneficiary": "ALB", "semester": "2025XyzS1", "value": 5})
    rows["values"].append({"indicator_id": "GONE", "beneficiary": "ALB", "semester": SEMESTERS[0], "value": 5})
    rows["activities"].append({"activity_id": "A1", "semester": "2027NovS1", "beneficiary": "ALB", "status": "planned"})
    tables = {t.name: t.empty() for t in TABLES}
    for name, records in rows.items():
        if records:
            tables[name] = conform(TABLES_BY_NAME[name], pd.DataFrame(records))
    return Programme(tables)


def _targets(rng, rows, indicator_id, place, semester, measure, direction, baseline) -> None:
    if rng.random() < 0.3:
        return  # no target in force: not due
    for _ in range(1 if rng.random() < 0.7 else int(rng.integers(2, 4))):  # a revised target adds a row
        if measure == "milestone":
            value = 1.0
        elif rng.random() < 0.08:
            value = baseline  # target equals the baseline
        else:
            step = _figure(rng, measure)
            value = baseline - step / 2 if direction == "decrease" else baseline + step
        rows["targets"].append(
            {
                "indicator_id": indicator_id,
                "beneficiary": place,
                "semester": semester,
                "value": value,
                "adopted_at": ADOPTED_AT[rng.integers(len(ADOPTED_AT))],
            }
        )


def _values(rng, rows, indicator_id, place, semester, measure) -> None:
    if rng.random() < 0.25:
        return  # a missing report
    row = {"indicator_id": indicator_id, "beneficiary": place, "semester": semester}
    if measure == "percentage":
        denominator = None if rng.random() < 0.1 else float(rng.integers(0, 40))  # 0: no figure
        numerator = None if denominator is None else float(rng.integers(0, int(denominator) + 1))
        row |= {"numerator": numerator, "denominator": denominator}
    elif measure == "qualitative":
        row |= {"text": ("Better co-operation", "  ", None)[rng.integers(3)]}
    else:
        row |= {"value": None if rng.random() < 0.05 else _figure(rng, measure)}
    split = measure == "count" and rng.random() < 0.4
    if split:  # female and male rows beside the total; sometimes only the split, which is no total
        female = float(rng.integers(0, 20))
        rows["values"].append(row | {"sex": "female", "value": female})
        rows["values"].append(row | {"sex": "male", "value": float(rng.integers(0, 20))})
    if not split or rng.random() < 0.7:
        sex = (None, "total")[rng.integers(2)]  # a missing sex is the total
        rows["values"].append(row | {"sex": sex})
        if rng.random() < 0.05:
            rows["values"].append(row | {"sex": "total", "value": 1.0, "text": "repeated"})  # the last one counts
