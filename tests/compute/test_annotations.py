"""Explanations beside statuses and target revisions (issue 13, items 3 and 4): each rule on a table of cases,
and the demo's revised targets."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from indicators.compute.annotations import annotated, missing_explanations
from indicators.compute.progress import Thresholds, indicator_progress
from indicators.compute.suppression import donor_progress
from indicators.domain.schema import Programme
from indicators.store import Store
from tests.factories import indicator, programme

SEM = "2025NovS1"  # Nov 2024 – Apr 2025
MEETINGS = [
    {"number": 1, "date": pd.Timestamp("2023-04-26"), "place": "Tirana"},
    {"number": 6, "date": pd.Timestamp("2025-01-21"), "place": "Online"},  # inside the semester
    {"number": 9, "date": pd.Timestamp("2026-01-10"), "place": "Later"},  # after it ends
]


def one(actual: float | None, targets: list[tuple[float, int, str]], comment: str | None = None, **fields):
    """Indicator I1 for Albania in SEM: baseline 0, the given (target, meeting, note) rows, one reported value."""
    values = (
        []
        if actual is None and comment is None
        else [{"indicator_id": "I1", "beneficiary": "ALB", "semester": SEM, "value": actual, "comment": comment}]
    )
    data = programme(
        indicators=[indicator("I1", **fields)],
        baselines=[{"indicator_id": "I1", "beneficiary": "ALB", "value": 0, "year": 2023}],
        targets=[
            {"indicator_id": "I1", "beneficiary": "ALB", "semester": SEM, "value": v, "adopted_at": m, "note": n}
            for v, m, n in targets
        ],
        values=values,
        meetings=MEETINGS,
    )
    rows = annotated(indicator_progress(data, Thresholds()), data, Thresholds())
    return rows[rows["semester"] == SEM].iloc[0]


@pytest.mark.parametrize(
    ("actual", "comment", "due", "explanation"),
    [
        (10, None, None, None),  # achieved: nothing expected
        (8, None, None, None),  # on track (0.8)
        (5, None, "at risk", None),  # 0.5
        (2, "Staff moved to another prison", "off track", "Staff moved to another prison"),  # 0.2
        (16, None, "over-achieved", None),  # 1.6 ≥ OVER_ACHIEVED (1.5)
        (15, None, "over-achieved", None),  # exactly at the setting
        (14, None, None, None),  # 1.4: achieved, not over-achieved
        (None, "Figure not yet available", "not reported", "Figure not yet available"),  # due, nothing reported
    ],
)
def test_an_explanation_is_expected_when_the_status_needs_one(actual, comment, due, explanation):
    row = one(actual, [(10, 1, "")], comment)
    assert (None if pd.isna(row["explanation_due"]) else row["explanation_due"]) == due
    assert (None if pd.isna(row["comment"]) else row["comment"]) == explanation


def test_a_comment_on_a_sex_row_explains_when_the_total_has_none() -> None:
    data = programme(
        indicators=[indicator("I1", disaggregation="sex")],
        baselines=[{"indicator_id": "I1", "beneficiary": "ALB", "value": 0, "year": 2023}],
        targets=[{"indicator_id": "I1", "beneficiary": "ALB", "semester": SEM, "value": 10, "adopted_at": 1}],
        values=[
            {"indicator_id": "I1", "beneficiary": "ALB", "semester": SEM, "sex": "total", "value": 2},
            {
                "indicator_id": "I1",
                "beneficiary": "ALB",
                "semester": SEM,
                "sex": "female",
                "value": 1,
                "comment": "Women's unit closed for repairs",
            },
        ],
        meetings=MEETINGS,
    )
    rows = annotated(indicator_progress(data, Thresholds()), data)
    assert rows.loc[rows["semester"] == SEM, "comment"].tolist() == ["Women's unit closed for repairs"]
    assert len(missing_explanations(rows[rows["semester"] == SEM])) == 0


@pytest.mark.parametrize(
    ("actual", "targets", "status", "original", "by_revision", "text"),
    [
        # Lowered inside the semester: at risk against 10 (0.5), achieved against 4.
        (
            5,
            [(10, 1, "End target"), (4, 6, "Lowered: started late")],
            "achieved",
            "at_risk",
            True,
            "Revised from 10 (1st meeting) to 4 by the 6th meeting on 21 Jan 2025: Lowered: started late",
        ),
        # Raised: achieved either way, so the status is not marked.
        (
            12,
            [(10, 1, ""), (11, 6, "Raised")],
            "achieved",
            "achieved",
            False,
            "Revised from 10 (1st meeting) to 11 by the 6th meeting on 21 Jan 2025: Raised",
        ),
        # A revision adopted after the semester ended is not in force yet: no revision for this semester.
        (5, [(10, 1, ""), (4, 9, "Too late")], "at_risk", "at_risk", False, None),
        # The same value adopted again is no revision.
        (5, [(10, 1, ""), (10, 6, "Confirmed")], "at_risk", "at_risk", False, None),
        # Not revised at all.
        (5, [(10, 1, "")], "at_risk", "at_risk", False, None),
    ],
)
def test_a_target_revision_is_shown_and_a_status_it_changed_is_marked(
    actual, targets, status, original, by_revision, text
):
    row = one(actual, targets)
    assert row["status"] == status
    assert row["status_original"] == original
    assert bool(row["status_by_revision"]) is by_revision
    assert (None if pd.isna(row["revision_text"]) else row["revision_text"]) == text
    if text:
        assert row["original_target"] == targets[0][0] and row["revised_at"] == targets[-1][1]


def test_a_lower_is_better_revision_is_judged_in_its_direction() -> None:
    # Incidents from a baseline of 20: target 10 (1st), revised to 15 (6th). Actual 16: 0.4 of the way to 10
    # (at risk), 0.8 of the way to 15 (on track).
    data = programme(
        indicators=[indicator("I1", direction="decrease")],
        baselines=[{"indicator_id": "I1", "beneficiary": "ALB", "value": 20, "year": 2023}],
        targets=[
            {"indicator_id": "I1", "beneficiary": "ALB", "semester": SEM, "value": 10, "adopted_at": 1},
            {"indicator_id": "I1", "beneficiary": "ALB", "semester": SEM, "value": 15, "adopted_at": 6},
        ],
        values=[{"indicator_id": "I1", "beneficiary": "ALB", "semester": SEM, "value": 16}],
        meetings=MEETINGS,
    )
    row = annotated(indicator_progress(data, Thresholds()), data).query("semester == @SEM").iloc[0]
    assert (row["status"], row["status_original"], bool(row["status_by_revision"])) == ("on_track", "at_risk", True)


def test_donors_see_the_revision_but_not_the_status_or_comment_of_a_hidden_figure() -> None:
    data = programme(
        indicators=[indicator("I1", sensitive=True)],
        baselines=[{"indicator_id": "I1", "beneficiary": "ALB", "value": 0, "year": 2023}],
        targets=[
            {"indicator_id": "I1", "beneficiary": "ALB", "semester": SEM, "value": 10, "adopted_at": 1},
            {"indicator_id": "I1", "beneficiary": "ALB", "semester": SEM, "value": 4, "adopted_at": 6},
        ],
        values=[{"indicator_id": "I1", "beneficiary": "ALB", "semester": SEM, "value": 3, "comment": "3 men"}],
        meetings=MEETINGS,
    )
    rows = donor_progress(annotated(indicator_progress(data, Thresholds()), data), threshold=5)
    row = rows[rows["semester"] == SEM].iloc[0]
    assert row["actual_display"] == "<5"
    assert pd.isna(row["comment"]) and pd.isna(row["status_original"]) and pd.isna(row["explanation_due"])
    assert pd.isna(row["status_by_revision"])
    assert row["revision_text"].startswith("Revised from 10 (1st meeting) to 4")  # targets are not sensitive


@pytest.fixture(scope="module")
def demo(seeded_store_dir: Path) -> Programme:
    return Store(seeded_store_dir).approved()


def test_the_demo_shows_its_three_revised_end_targets(demo: Programme) -> None:
    rows = annotated(indicator_progress(demo, Thresholds()), demo)
    revised = rows[rows["revision_text"].notna()]
    assert sorted(zip(revised["indicator_id"], revised["beneficiary"], revised["semester"], strict=True)) == [
        ("IND-06", "BIH", "2026NovS2"),
        ("IND-06", "MKD", "2026NovS2"),
        ("IND-13", "MNE", "2026NovS2"),
    ]
    mne = revised[revised["beneficiary"] == "MNE"].iloc[0]
    assert (mne["original_target"], mne["target"], mne["revised_at"]) == (7, 4, 6)
    assert "Lowered by the 6th meeting" in mne["revision_text"]


@pytest.mark.parametrize("seed", [0, 3, 8, "demo"])
def test_a_semesters_rows_annotated_alone_are_as_annotated_with_the_rest(seed) -> None:
    """Each row's annotations are its own: the Semester review annotates the semester's rows only."""
    from indicators.compute.progress import latest_status
    from indicators.demo import demo_programme
    from tests.compute.random_programmes import random_programme

    data = demo_programme() if seed == "demo" else random_programme(seed, indicators=16)
    progress = indicator_progress(data, Thresholds())
    whole = annotated(progress, data)
    assert whole["revision_text"].notna().any() and whole["explanation_due"].notna().any()
    for semester in pd.unique(progress["semester"]):
        alone = annotated(latest_status(progress, semester), data)
        pd.testing.assert_frame_equal(alone, latest_status(whole, semester))
