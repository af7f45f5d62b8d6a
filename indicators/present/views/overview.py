"""The Overview page's view: the semester's indicator status by beneficiary and its work-plan delivery."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from indicators.compute.progress import latest_status
from indicators.compute.workplan import activities_for, workplan_delivery
from indicators.domain.schema import Programme
from indicators.present.charts import delivery_figure


@dataclass(frozen=True)
class Overview:
    """What the Overview draws for one semester (besides the headline figures: ui/data.headlines)."""

    status: pd.DataFrame  # each indicator and beneficiary's latest status (empty: nothing due or reported)
    delivery: go.Figure | None  # work-plan delivery by beneficiary; None: no activities planned this semester


def overview_view(programme: Programme, semester: str, progress: pd.DataFrame) -> Overview:
    """The Overview of ``semester`` from ``progress`` (the indicator_progress of the view shown: the donor
    frame for donors)."""
    activities = activities_for(programme.activities, semester)
    return Overview(
        status=latest_status(progress, semester),
        delivery=None if activities.empty else delivery_figure(workplan_delivery(activities, by=("beneficiary",))),
    )
