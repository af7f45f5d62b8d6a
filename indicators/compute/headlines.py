"""Headline figures of one semester, each with the same figure for the previous semester and the change."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from indicators.compute.completeness import _expected, completeness_table, of_semesters
from indicators.compute.progress import STATUS_BY_CODE, Thresholds, indicator_progress, is_due
from indicators.compute.suppression import donor_progress
from indicators.compute.workplan import workplan_delivery
from indicators.domain.i18n import N_, _
from indicators.domain.periods import semester_from_id
from indicators.domain.schema import Programme

HIDDEN = STATUS_BY_CODE["suppressed"].code
# figure, unit and help are words in the current language; key names the figure for code (never translated).
HEADLINE_COLUMNS = ["figure", "value", "previous", "change", "unit", "help", "key"]


@dataclass(frozen=True)
class Inputs:
    """The frames headline figures are computed from."""

    progress: pd.DataFrame
    expected: pd.DataFrame
    activities: pd.DataFrame


@dataclass(frozen=True)
class Headline:
    key: str  # a stable name for code (e.g. which figures are bad news when they rise)
    figure: str  # figure, unit (but "%") and help: catalogue messages, translated when the frame is made
    unit: str
    help: str
    compute: Callable[[Inputs, str], float]


def _percent(part: float, whole: float) -> float:
    return 100.0 * part / whole if whole else np.nan


def on_track_share(inputs: Inputs, semester: str) -> float:
    """% of indicator x beneficiary pairs with a target due (not qualitative) that are achieved or on track;
    pairs whose status is hidden from donors (small counts) are left out, so a donor's share is the one the
    statuses they see give."""
    # Only the columns read here are copied with the semester's rows (a progress frame has many more).
    progress = inputs.progress[["semester", "target", "target_adopted_at", "measure", "status"]]
    rows = progress[(progress["semester"] == semester) & is_due(progress)]
    rows = rows[(rows["measure"] != "qualitative") & (rows["status"] != HIDDEN)]
    return _percent(rows["status"].isin(["achieved", "on_track"]).sum(), len(rows))


def delivery_percent(inputs: Inputs, semester: str) -> float:
    """Completed activities as % of those planned and not cancelled in the semester."""
    rows = inputs.activities[inputs.activities["semester"] == semester]
    return float(100 * workplan_delivery(rows, by=())["delivery_rate"].iloc[0]) if len(rows) else np.nan


def completeness_percent(inputs: Inputs, semester: str) -> float:
    """Reports received as % of reports expected in the semester."""
    expected = inputs.expected[["semester", "reported"]]  # the columns read here
    rows = expected[expected["semester"] == semester]
    return float(100 * completeness_table(rows, by=())["completeness"].iloc[0]) if len(rows) else np.nan


def _activities_with(status: str) -> Callable[[Inputs, str], float]:
    def count(inputs: Inputs, semester: str) -> float:
        rows = inputs.activities
        return float(((rows["semester"] == semester) & (rows["status"] == status)).fillna(False).sum())

    return count


HEADLINES: tuple[Headline, ...] = (
    Headline(
        "on_track_share",
        N_("Indicators on track or achieved"),
        "%",
        N_(
            "Share of indicator and beneficiary pairs with a target due "
            "this semester that are achieved or on track (qualitative indicators excluded; in the donor view, "
            "pairs whose status is hidden because of a small count are left out)."
        ),
        on_track_share,
    ),
    Headline(
        "delivery",
        N_("Work-plan delivery"),
        "%",
        N_("Activities completed as a share of those planned for the semester, not counting cancelled ones."),
        delivery_percent,
    ),
    Headline(
        "completeness",
        N_("Reporting completeness"),
        "%",
        N_(
            "Values reported as a share of those expected "
            "(every indicator and beneficiary with a target this semester)."
        ),
        completeness_percent,
    ),
    Headline(
        "activities_completed",
        N_("Activities completed"),
        N_("activities"),
        N_("Work-plan activities of the semester marked completed."),
        _activities_with("completed"),
    ),
    Headline(
        "activities_postponed",
        N_("Activities postponed"),
        N_("activities"),
        N_("Work-plan activities of the semester postponed (carried over to a later semester)."),
        _activities_with("postponed"),
    ),
)


def headline_figures(
    programme: Programme,
    semester: str,
    thresholds: Thresholds | None = None,
    donor: bool = False,
    progress: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The headline figures of a semester: figure, value, previous, change, unit, help (words in the current
    language) and key (the figure's stable name).

    With ``donor`` they are computed from the donor view (``donor_progress``): nothing hidden there counts.
    ``progress`` is the programme's ``indicator_progress`` when the caller has it already (the app caches it;
    with ``donor``, its ``donor_progress``), so that it is not computed again.
    """
    if progress is None:
        progress = indicator_progress(programme, thresholds)
        progress = donor_progress(progress) if donor else progress
    previous = semester_from_id(semester).previous().id
    # The two semesters' rows only, and only the columns the figures read (a progress frame has 40 columns and a
    # row per semester). The reports expected in the two semesters are read from their own rows of Targets and
    # Values (each indicator, beneficiary and semester is expected or not on those rows): a million values are
    # not read for two semesters; completeness counts them, in any order.
    chosen = progress["semester"].isin([semester, previous]).to_numpy(dtype=bool, na_value=False)
    progress = progress.loc[chosen, ["semester", "target", "target_adopted_at", "measure", "status"]]
    expected = _expected(of_semesters(programme, [semester, previous]), ["semester", "reported"])[0]
    inputs = Inputs(progress, expected, programme.activities)
    rows = []
    for h in HEADLINES:
        now, before = h.compute(inputs, semester), h.compute(inputs, previous)
        unit = h.unit if h.unit == "%" else _(h.unit)
        rows.append((_(h.figure), now, before, now - before, unit, _(h.help), h.key))
    frame = pd.DataFrame(rows, columns=HEADLINE_COLUMNS)
    return frame.astype(
        {
            "figure": "string",
            "value": float,
            "previous": float,
            "change": float,
            "unit": "string",
            "help": "string",
            "key": "string",
        }
    )
