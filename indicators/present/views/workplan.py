"""The Work plan page's view: activities by semester and status, what each meeting adopted, what was carried over."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from indicators.compute.workplan import adopted_by_meeting, carried_over, workplan_delivery
from indicators.domain.schema import Programme
from indicators.present.charts import timeline_figure
from indicators.present.views.readable import readable


@dataclass(frozen=True)
class Workplan:
    """Everything the Work plan page draws for one beneficiary (or "ALL")."""

    timeline: go.Figure | None  # None: no activity for this choice
    timeline_compact: go.Figure | None  # the same in the form that fits a phone
    delivery: pd.DataFrame  # readable delivery by semester
    carried: pd.DataFrame  # readable: activities postponed to a later semester
    adopted: pd.DataFrame  # readable: what each Steering Committee meeting adopted


def workplan_view(programme: Programme, whose: str) -> Workplan:
    """The work plan of ``whose`` (a beneficiary code, or "ALL" for every beneficiary)."""
    activities = programme.activities
    if whose != "ALL":
        activities = activities[activities["beneficiary"] == whose]
    return Workplan(
        timeline=None if activities.empty else timeline_figure(activities),
        timeline_compact=None if activities.empty else timeline_figure(activities, compact=True),
        delivery=readable(workplan_delivery(activities, by=("semester",))),
        carried=readable(carried_over(activities)),
        # no meeting yet: nothing adopted (adopted_by_meeting needs at least one meeting)
        adopted=readable(adopted_by_meeting(activities, programme.meetings))
        if len(programme.meetings)
        else pd.DataFrame(),
    )
