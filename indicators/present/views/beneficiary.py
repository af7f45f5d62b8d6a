"""The Beneficiary page's view: one beneficiary's indicators in a semester with progress and status, its target
revisions, a trend per indicator, and its activities."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from indicators.compute.workplan import activities_for
from indicators.domain.schema import Programme
from indicators.present.charts import trend_figure
from indicators.present.views.readable import label, readable


@dataclass(frozen=True)
class BeneficiaryView:
    """Everything the Beneficiary page draws but the trend, which is drawn for the indicator chosen on the page
    (``trend_view``)."""

    semester_label: str
    rows: pd.DataFrame  # the semester's progress rows of the beneficiary (made readable)
    revisions: pd.DataFrame  # readable: rows whose target a later meeting revised
    indicators: tuple[str, ...]  # the indicators with a row, for the trend's picker
    titles: dict[str, str]  # indicator: title
    activities: pd.DataFrame  # readable: the beneficiary's activities of the semester


def beneficiary_view(programme: Programme, beneficiary: str, semester: str, progress: pd.DataFrame) -> BeneficiaryView:
    """The Beneficiary page for ``beneficiary`` in ``semester`` from the view's progress (the donor view's for
    donors)."""
    mine = progress[progress["beneficiary"] == beneficiary] if len(progress) else progress
    in_semester = mine[mine["semester"] == semester] if len(mine) else mine
    revised = mine[mine["revision_text"].notna()] if len(mine) else mine
    indicators = tuple(sorted(mine["indicator_id"].dropna().unique())) if len(mine) else ()
    titles = dict(zip(mine["indicator_id"], mine["title"].fillna(""), strict=False)) if len(mine) else {}
    return BeneficiaryView(
        semester_label=label(semester),
        rows=readable(in_semester),
        revisions=readable(revised),
        indicators=indicators,
        titles=titles,
        activities=readable(activities_for(programme.activities, semester, beneficiary)),
    )


def trend_view(progress: pd.DataFrame, beneficiary: str, indicator: str) -> go.Figure:
    """One indicator's trend for one beneficiary, against its target and baseline."""
    if progress.empty:
        return trend_figure(progress)
    return trend_figure(progress[(progress["beneficiary"] == beneficiary) & (progress["indicator_id"] == indicator)])
