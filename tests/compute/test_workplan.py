"""Work-plan delivery, carried-over activities and the work plans adopted by meetings."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from indicators.compute.workplan import activities_for, adopted_by_meeting, carried_over, workplan_delivery
from indicators.domain.schema import ACTIVITIES, MEETINGS, conform

S1, S2, S3 = "2025NovS1", "2025NovS2", "2026NovS1"


def activity(activity_id: str, semester: str, status: str, beneficiary: str = "ALB", **fields: object) -> dict:
    return {
        "activity_id": activity_id,
        "semester": semester,
        "result_id": "OP1.1",
        "beneficiary": beneficiary,
        "title": f"Activity {activity_id}",
        "status": status,
    } | fields


def activities_of(*rows: dict) -> pd.DataFrame:
    return conform(ACTIVITIES, pd.DataFrame(list(rows))) if rows else ACTIVITIES.empty()


PLAN = activities_of(
    activity("A1", S1, "completed"),
    activity("A2", S1, "postponed"),
    activity("A2", S2, "completed"),
    activity("A3", S1, "cancelled"),
    activity("A4", S1, "ongoing"),
    activity("A5", S1, "planned"),
    activity("A6", S1, "completed", beneficiary="SRB"),
    activity("A7", S1, "postponed", beneficiary="SRB"),
    activity("A7", S3, "postponed", beneficiary="SRB"),
)


def test_delivery_by_semester_and_beneficiary() -> None:
    table = workplan_delivery(PLAN)
    assert list(table.columns) == [
        "semester",
        "beneficiary",
        "planned",
        "completed",
        "ongoing",
        "postponed",
        "cancelled",
        "not_started",
        "delivery_rate",
    ]
    alb = table[(table["semester"] == S1) & (table["beneficiary"] == "ALB")].iloc[0]
    assert (
        alb["planned"],
        alb["completed"],
        alb["ongoing"],
        alb["postponed"],
        alb["cancelled"],
        alb["not_started"],
    ) == (5, 1, 1, 1, 1, 1)
    assert alb["delivery_rate"] == pytest.approx(1 / 4)  # cancelled ones are not expected
    assert len(table) == 4  # ALB and SRB in S1, ALB in S2, SRB in S3


@pytest.mark.parametrize(
    ("statuses", "rate"),
    [
        (("completed", "completed"), 1.0),
        (("completed", "cancelled"), 1.0),
        (("cancelled", "cancelled"), math.nan),  # nothing left to deliver
        (("planned", "ongoing"), 0.0),
    ],
)
def test_delivery_rate_edges(statuses: tuple[str, ...], rate: float) -> None:
    rows = activities_of(*(activity(f"A{i}", S1, s) for i, s in enumerate(statuses)))
    got = workplan_delivery(rows, by=("semester",))["delivery_rate"].iloc[0]
    assert (math.isnan(got) and math.isnan(rate)) or got == pytest.approx(rate)


def test_delivery_overall_and_empty() -> None:
    overall = workplan_delivery(PLAN, by=())
    assert len(overall) == 1 and overall["planned"].iloc[0] == len(PLAN)
    empty = workplan_delivery(ACTIVITIES.empty())
    assert empty.empty and "delivery_rate" in empty.columns


def test_carried_over_names_where_from_and_where_to() -> None:
    moved = carried_over(PLAN)
    assert list(moved.columns) == ["activity_id", "title", "beneficiary", "from_semester", "to_semester"]
    assert list(zip(moved["activity_id"], moved["from_semester"], moved["to_semester"], strict=True)) == [
        ("A2", S1, S2),
        ("A7", S1, S3),
    ]  # A7's second postponement is not (yet) planned anywhere


def test_activities_for_a_semester_and_beneficiary() -> None:
    assert list(activities_for(PLAN, S1)["activity_id"]) == ["A1", "A2", "A3", "A4", "A5", "A6", "A7"]
    assert list(activities_for(PLAN, S1, "SRB")["activity_id"]) == ["A6", "A7"]
    assert activities_for(PLAN, "2030NovS1").empty


def test_adopted_by_meeting_counts_named_and_unnamed_activities() -> None:
    meetings = conform(
        MEETINGS,
        pd.DataFrame(
            [
                {"number": 5, "date": "2025-05-20", "place": "Tirana", "semester_adopted": S2},
                {"number": 4, "date": "2024-10-30", "place": "Podgorica", "semester_adopted": S1},
            ]
        ),
    )
    rows = activities_of(
        activity("A1", S1, "completed", adopted_at=4),
        activity("A2", S1, "planned", adopted_at=4),
        activity("A3", S2, "planned"),
        activity("A4", S2, "planned", adopted_at=5),
    )
    table = adopted_by_meeting(rows, meetings)
    assert list(table.columns) == ["number", "date", "place", "semester_adopted", "activities"]
    assert list(table["number"]) == [4, 5]
    assert list(table["activities"]) == [2, 2]
