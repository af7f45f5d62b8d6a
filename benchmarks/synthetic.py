"""Synthetic programmes of a given number of values, shaped like a real portfolio, for the compute benchmark.

Many indicators (every measure: counts, some cumulative, some lower-is-better and some with a sex split;
percentages with numerators and denominators; milestones; qualitative), each for the six beneficiaries plus
regional (REG) over 14 semesters, with baselines, targets adopted by the meeting before each semester and
revised for a few, about one report in ten missing, and a work plan of a few activities per result and
semester. Built with numpy in a second or two even at a million values; the same for the same size.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators.domain.periods import semester_from_id, semester_range
from indicators.domain.schema import TABLES, TABLES_BY_NAME, Programme, conform

BENEFICIARIES = np.array(["ALB", "BIH", "XKX", "MNE", "MKD", "SRB", "REG"])
SEMESTERS = [s.id for s in semester_range(semester_from_id("2020NovS1"), semester_from_id("2026NovS2"))]  # 14
MEASURES = np.array(["count", "count", "count", "percentage", "milestone", "qualitative"])
AGGREGATION = {"count": "sum", "percentage": "ratio", "milestone": "count_meeting_target", "qualitative": "none"}
MISSING_REPORTS = 0.1
REVISED_TARGETS = 0.05


def _table(name: str, columns: dict[str, object]) -> pd.DataFrame:
    return conform(TABLES_BY_NAME[name], pd.DataFrame(columns))


def _meetings() -> pd.DataFrame:
    """One meeting a month before each semester starts, adopting its targets and work plan."""
    semesters = [semester_from_id(s) for s in SEMESTERS]
    dates = [pd.Timestamp(s.start) - pd.Timedelta(days=30) for s in semesters]
    return _table(
        "meetings",
        {
            "number": np.arange(1, len(SEMESTERS) + 1),
            "date": dates,
            "place": "Skopje",
            "semester_adopted": SEMESTERS,
            "illustrative": True,
        },
    )


def synthetic_programme(values: int, seed: int = 7) -> Programme:
    """A programme with about ``values`` rows in Values (sex splits included)."""
    rng = np.random.default_rng(seed)
    per_indicator = len(BENEFICIARIES) * len(SEMESTERS) * (1 - MISSING_REPORTS) * 1.4  # rows, splits included
    count = max(int(values / per_indicator), len(MEASURES))
    ids = np.array([f"IND-{i:06d}" for i in range(count)])
    measure = MEASURES[np.arange(count) % len(MEASURES)]
    is_count = measure == "count"
    cumulative = is_count & (rng.random(count) < 0.4)
    decrease = is_count & ~cumulative & (rng.random(count) < 0.2)
    split = is_count & (rng.random(count) < 0.4)
    indicators = _table(
        "indicators",
        {
            "indicator_id": ids,
            "result_id": [f"OP{i % 40 // 8 + 1}.{i % 8 + 1}" for i in range(count)],
            "title": [f"Synthetic indicator {i}" for i in range(count)],
            "unit": np.where(measure == "percentage", "%", "people"),
            "measure": measure,
            "direction": np.where(decrease, "decrease", "increase"),
            "cumulative": cumulative,
            "aggregation": [AGGREGATION[m] for m in measure],
            "sensitive": is_count & (rng.random(count) < 0.3),
            "disaggregation": np.where(split, "sex", "none"),
        },
    )
    # every indicator x beneficiary, and x semester
    pair_indicator = np.repeat(np.arange(count), len(BENEFICIARIES))
    pair_beneficiary = np.tile(np.arange(len(BENEFICIARIES)), count)
    start = np.where(decrease[pair_indicator], rng.integers(40, 80, len(pair_indicator)), 0).astype(float)
    start[measure[pair_indicator] == "percentage"] = rng.integers(
        10, 40, (measure[pair_indicator] == "percentage").sum()
    )
    baselines = _table(
        "baselines",
        {
            "indicator_id": ids[pair_indicator],
            "beneficiary": BENEFICIARIES[pair_beneficiary],
            "value": start,
            "year": 2019,
        },
    )
    cell_pair = np.repeat(np.arange(len(pair_indicator)), len(SEMESTERS))
    cell_semester = np.tile(np.arange(len(SEMESTERS)), len(pair_indicator))
    cell_indicator = pair_indicator[cell_pair]
    cell_measure = measure[cell_indicator]
    step = rng.integers(1, 30, len(cell_pair)).astype(float)
    target = np.where(
        cell_measure == "milestone",
        (cell_semester >= 6).astype(float),
        np.where(
            decrease[cell_indicator],
            start[cell_pair] - step / 2,
            start[cell_pair] + step * np.where(cumulative[cell_indicator], cell_semester + 1, 1),
        ),
    )
    target[cell_measure == "percentage"] = np.minimum(start[cell_pair] + step, 100)[cell_measure == "percentage"]
    has_target = cell_measure != "qualitative"
    revised = has_target & (rng.random(len(cell_pair)) < REVISED_TARGETS)
    semester_ids = np.array(SEMESTERS)
    targets = pd.concat(
        [
            _table(
                "targets",
                {
                    "indicator_id": ids[cell_indicator[has_target]],
                    "beneficiary": BENEFICIARIES[pair_beneficiary[cell_pair[has_target]]],
                    "semester": semester_ids[cell_semester[has_target]],
                    "value": target[has_target],
                    "adopted_at": cell_semester[has_target] + 1,
                },
            ),
            _table(
                "targets",
                {
                    "indicator_id": ids[cell_indicator[revised]],
                    "beneficiary": BENEFICIARIES[pair_beneficiary[cell_pair[revised]]],
                    "semester": semester_ids[cell_semester[revised]],
                    "value": target[revised] * 0.8,
                    "adopted_at": np.minimum(cell_semester[revised] + 2, len(SEMESTERS)),
                },
            ),
        ],
        ignore_index=True,
    )
    # reports: about one in ten missing; the figure near the target
    reported = rng.random(len(cell_pair)) >= MISSING_REPORTS
    cells = np.flatnonzero(reported)
    m = cell_measure[cells]
    figure = np.round(target[cells] * rng.uniform(0.3, 1.3, len(cells)))
    figure = np.where(
        cumulative[cell_indicator[cells]], np.round(step[cells] * rng.uniform(0.3, 1.3, len(cells))), figure
    )
    figure[m == "milestone"] = (rng.random((m == "milestone").sum()) < 0.7).astype(float)
    denominator = np.where(m == "percentage", rng.integers(10, 60, len(cells)), np.nan)
    numerator = np.where(m == "percentage", np.round(denominator * np.clip(figure, 0, 100) / 100), np.nan)
    key = {
        "indicator_id": ids[cell_indicator[cells]],
        "beneficiary": BENEFICIARIES[pair_beneficiary[cell_pair[cells]]],
        "semester": semester_ids[cell_semester[cells]],
    }
    totals = _table(
        "values",
        {
            **key,
            "sex": "total",
            "value": np.where((m == "percentage") | (m == "qualitative"), np.nan, figure),
            "numerator": numerator,
            "denominator": denominator,
            "text": np.where(m == "qualitative", "Co-operation improved", None),
            "source": "synthetic",
        },
    )
    splits = split[cell_indicator[cells]]
    female = np.floor(figure[splits] * rng.uniform(0.2, 0.6, splits.sum()))
    sexes = [
        _table(
            "values",
            {k: v[splits] for k, v in key.items()} | {"sex": sex, "value": part, "source": "synthetic"},
        )
        for sex, part in (("female", female), ("male", figure[splits] - female))
    ]
    values_table = pd.concat([totals, *sexes], ignore_index=True)
    # a few activities per output, beneficiary and semester
    outputs = sorted(set(indicators["result_id"]))
    activity_count = max(len(outputs) * len(BENEFICIARIES) * len(SEMESTERS) * count // 2000, 50)
    statuses = np.array(["completed", "completed", "ongoing", "postponed", "cancelled", "not_started"])
    activities = _table(
        "activities",
        {
            "activity_id": [f"A{i:06d}" for i in range(activity_count)],
            "semester": semester_ids[rng.integers(0, len(SEMESTERS), activity_count)],
            "result_id": np.array(outputs)[rng.integers(0, len(outputs), activity_count)],
            "beneficiary": BENEFICIARIES[rng.integers(0, len(BENEFICIARIES), activity_count)],
            "title": "Synthetic activity",
            "status": statuses[rng.integers(0, len(statuses), activity_count)],
        },
    )
    tables = {t.name: t.empty() for t in TABLES}
    tables.update(
        indicators=indicators,
        baselines=baselines,
        targets=targets,
        values=values_table,
        activities=activities,
        meetings=_meetings(),
    )
    return Programme(tables)
