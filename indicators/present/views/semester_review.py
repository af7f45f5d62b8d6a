"""The Semester review page's view: for the Steering Committee, the semester ending (plan and delivery,
indicator status, explanations, completeness, missing reports, data quality) and the work plan adopted for the
next one."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from indicators.compute.annotations import missing_explanations
from indicators.compute.completeness import missing_reports
from indicators.compute.progress import latest_status
from indicators.compute.workplan import activities_for, workplan_delivery
from indicators.domain.periods import semester_from_id
from indicators.domain.schema import Programme
from indicators.present.charts import completeness_figure, delivery_figure
from indicators.present.views.readable import label, readable


@dataclass(frozen=True)
class SemesterReview:
    """Everything the Semester review page draws, but the status matrix (drawn from ``status`` through the
    page's filters when there are many indicators)."""

    semester: str
    label: str  # the semester as people read it
    following_label: str  # the next semester, whose work plan the meeting adopts
    status: pd.DataFrame  # the semester's progress rows (the matrix, and the summary CSV once made readable)
    delivery: pd.DataFrame  # readable: planned, completed, ... by beneficiary
    delivery_figure: go.Figure | None  # None when no activity was planned
    explanations: pd.DataFrame  # readable: rows needing an explanation, those without one first
    explanations_missing: int  # how many of them have none yet
    completeness_figure: go.Figure
    missing_reports: pd.DataFrame  # readable
    quality: pd.DataFrame | None  # readable data-quality flags; None in the donor view (never shown to donors)
    late: int  # reports marked late in the semester (0 in the donor view)
    adopted: pd.DataFrame  # readable: activities of the next semester


def semester_review_view(
    programme: Programme,
    semester: str,
    progress: pd.DataFrame,
    completeness: pd.DataFrame,
    quality: pd.DataFrame | None,
    missing: pd.DataFrame | None = None,
) -> SemesterReview:
    """The Semester review of ``semester`` from the view's progress (the donor view's for donors, who get no
    ``quality`` flags: they quote figures as reported). ``missing``: the semester's missing_reports when the caller
    has them (from the expected reports its completeness was counted from)."""
    status = latest_status(progress, semester) if len(progress) else progress
    planned = activities_for(programme.activities, semester)
    delivery = workplan_delivery(planned, by=("beneficiary",))
    expected = status[status["explanation_due"].notna()] if "explanation_due" in status else status.iloc[0:0]
    expected = expected.sort_values("comment", na_position="first") if "comment" in expected else expected
    without = len(missing_explanations(expected)) if "comment" in expected else 0
    in_semester = completeness[completeness["semester"] == semester] if len(completeness) else completeness
    following = semester_from_id(semester).next().id
    flags = None
    late = 0
    if quality is not None:
        chosen = quality[quality["semester"] == semester] if len(quality) else quality
        flags = readable(chosen)
        late = int((chosen["check"] == "late").sum()) if len(chosen) else 0
    return SemesterReview(
        semester=semester,
        label=label(semester),
        following_label=label(following),
        status=status,
        delivery=readable(delivery),
        delivery_figure=None if delivery.empty else delivery_figure(delivery),
        explanations=readable(expected),
        explanations_missing=without,
        completeness_figure=completeness_figure(in_semester),
        missing_reports=readable(missing_reports(programme, semester) if missing is None else missing),
        quality=flags,
        late=late,
        adopted=readable(activities_for(programme.activities, following)),
    )
