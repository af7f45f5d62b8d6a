"""What a curious donor can work out: the range each hidden figure can take, given everything shown.

The donor's knowledge is written as an integer programme (scipy's ``milp``) over the true figures of the
sensitive counts: every baseline and every reported semester value is an unknown non-negative integer.
Everything a donor sees becomes a constraint on them:

- a figure shown is an equation (a baseline, a semester value, a value to date, which for cumulative counts is
  the baseline plus the running total of the semester values);
- "<T" bounds it to 1..T-1;
- a progress shown is the equation (actual - baseline) = progress * (target - baseline), linear in the
  unknowns because targets are public;
- a status shown bounds progress between its thresholds (targets are above baselines in the programmes
  generated, so the direction of each inequality is known);
- a regional row shown: its baseline and actual are sums (or, for count_meeting_target, a count of
  beneficiaries whose actual reaches the target, one binary per beneficiary), its progress and status bound
  those sums, and "meeting the target" is a count of the same binaries.

``hidden_ranges`` minimises and maximises every hidden figure (and every small semester increment of a
running total, which donors never see on its own) under these constraints. A figure is protected when the
donor cannot narrow it below the width that "<T" itself says (1 to T-1).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint, milp

from indicators.compute.progress import Thresholds
from indicators.compute.rollup import _rolled_beneficiaries
from indicators.compute.suppression import SECONDARY

BIG = 100_000  # upper bound of every unknown, and the big-M of the binaries
EPS = 1e-6
RUNNING_ONLY = "running total only"


def is_hidden(display: object) -> bool:
    """Whether a display text stands for a hidden figure."""
    return isinstance(display, str) and (display.startswith("<") or display in (SECONDARY, RUNNING_ONLY))


@dataclass
class Hidden:
    """One hidden quantity: what it is, its true value, and the range the donor can narrow it to."""

    what: str
    true: float
    low: float
    high: float

    @property
    def width(self) -> float:
        return self.high - self.low


class Attack:
    """The integer programme of what a donor sees."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self.integral: list[int] = []
        self.low: list[float] = []
        self.high: list[float] = []
        self.rows: list[tuple[dict[int, float], float, float]] = []

    def var(self, name: str, low: float = 0, high: float = BIG, integral: bool = True) -> int:
        self.names.append(name)
        self.integral.append(1 if integral else 0)
        self.low.append(low)
        self.high.append(high)
        return len(self.names) - 1

    def add(self, terms: dict[int, float], low: float = -np.inf, high: float = np.inf) -> None:
        self.rows.append((terms, low, high))

    def equal(self, terms: dict[int, float], value: float) -> None:
        slack = EPS * (1 + abs(value))
        self.add(terms, value - slack, value + slack)

    def bounds_of(self, terms: dict[int, float]) -> tuple[float, float]:
        """The least and greatest value of a linear expression over every world the donor cannot rule out."""
        n = len(self.names)
        matrix = np.zeros((len(self.rows), n))
        lows, highs = np.empty(len(self.rows)), np.empty(len(self.rows))
        for i, (row, low, high) in enumerate(self.rows):
            for j, coefficient in row.items():
                matrix[i, j] += coefficient
            lows[i], highs[i] = low, high
        constraints = [LinearConstraint(matrix, lows, highs)] if self.rows else []
        objective = np.zeros(n)
        for j, coefficient in terms.items():
            objective[j] += coefficient
        found = []
        for sign in (1, -1):
            result = milp(
                sign * objective,
                integrality=np.array(self.integral),
                bounds=Bounds(np.array(self.low), np.array(self.high)),
                constraints=constraints,
            )
            assert result.status == 0, f"the true figures must be one of the worlds considered: {result.message}"
            found.append(sign * result.fun)
        return found[0], found[1]


def _plus(*parts: dict[int, float]) -> dict[int, float]:
    out: dict[int, float] = {}
    for part in parts:
        for k, v in part.items():
            out[k] = out.get(k, 0.0) + v
    return out


def _scaled(part: dict[int, float], factor: float) -> dict[int, float]:
    return {k: v * factor for k, v in part.items()}


def _bounds_from_display(attack: Attack, expr: dict[int, float], display: object, threshold: int) -> None:
    if isinstance(display, str) and display.startswith("<"):
        attack.add(expr, 1, threshold - 1)


def _band(thresholds: Thresholds, status: str) -> tuple[float, float] | None:
    bands = {
        "achieved": (thresholds.achieved, np.inf),
        "on_track": (thresholds.on_track, thresholds.achieved),
        "at_risk": (thresholds.at_risk, thresholds.on_track),
        "off_track": (-np.inf, thresholds.at_risk),
    }
    return bands.get(status)


def _progress_constraints(
    attack: Attack,
    actual: dict[int, float],
    baseline: dict[int, float],
    target: float,
    progress: float,
    status: object,
    thresholds: Thresholds,
) -> None:
    """(actual - baseline) = progress * (target - baseline), and the status's band of progress."""
    if pd.notna(progress):
        attack.equal(_plus(actual, _scaled(baseline, progress - 1)), progress * target)
    band = _band(thresholds, str(status)) if pd.notna(status) else None
    if band is None or pd.isna(target):
        return
    low, high = band  # (A - b) - theta (T - b) >= 0  <=>  A + (theta - 1) b >= theta T, as T > b
    if np.isfinite(low):
        attack.add(_plus(actual, _scaled(baseline, low - 1)), low * target, np.inf)
    if np.isfinite(high):
        attack.add(_plus(actual, _scaled(baseline, high - 1)), -np.inf, high * target - EPS)


def hidden_ranges(
    truth: pd.DataFrame,
    donor: pd.DataFrame,
    regional: pd.DataFrame,
    threshold: int,
    thresholds: Thresholds | None = None,
) -> list[Hidden]:
    """Every hidden figure of the sensitive counts with the range a donor can narrow it to.

    ``truth`` is indicator_progress (the manager's view), ``donor`` donor_progress of it and ``regional``
    donor_rollup; only sensitive count indicators are considered (nothing else is hidden).
    """
    thresholds = thresholds or Thresholds()
    eligible = truth["sensitive"].astype(bool) & (truth["measure"] == "count")
    truth = truth[eligible].sort_values(["indicator_id", "beneficiary", "semester"])
    donor = donor.set_index(["indicator_id", "beneficiary", "semester"])
    attack = Attack()
    baseline_var: dict[tuple[str, str], dict[int, float]] = {}
    actual_expr: dict[tuple[str, str, str], dict[int, float]] = {}
    quantities: list[tuple[str, dict[int, float], float]] = []  # what, expression, true value

    for (indicator, beneficiary), series in truth.groupby(["indicator_id", "beneficiary"], sort=False):
        first = donor.loc[(indicator, beneficiary, series["semester"].iloc[0])]
        true_baseline = series["baseline"].iloc[0]
        baseline_display = first.get("baseline_display")
        if pd.isna(true_baseline) and not is_hidden(baseline_display):
            baseline: dict[int, float] = {}  # missing: counts as 0
        else:
            b = attack.var(f"baseline {indicator} {beneficiary}")
            baseline = {b: 1.0}
            if pd.notna(first["baseline"]):
                attack.equal(baseline, float(first["baseline"]))
            _bounds_from_display(attack, baseline, baseline_display, threshold)
            if is_hidden(baseline_display):
                quantities.append((f"baseline {indicator} {beneficiary}", baseline, float(true_baseline)))
        baseline_var[(indicator, beneficiary)] = baseline
        running: dict[int, float] = dict(baseline)
        for row in series.itertuples():
            shown = donor.loc[(indicator, beneficiary, row.semester)]
            where = f"{indicator} {beneficiary} {row.semester}"
            if not row.reported:
                # a running total carried forward counts in the regional sums (it is not shown to donors)
                carried = bool(getattr(row, "carried", False)) and row.cumulative
                actual_expr[(indicator, beneficiary, row.semester)] = dict(running) if carried else {}
                continue
            v = attack.var(f"value {where}")
            value = {v: 1.0}
            running = _plus(running, value)
            actual = running if row.cumulative else value
            actual_expr[(indicator, beneficiary, row.semester)] = actual
            if pd.notna(shown["semester_value"]):
                attack.equal(value, float(shown["semester_value"]))
            _bounds_from_display(attack, value, shown["semester_value_display"], threshold)
            if pd.notna(shown["actual"]):
                attack.equal(actual, float(shown["actual"]))
            _bounds_from_display(attack, actual, shown["actual_display"], threshold)
            small = 0 < row.semester_value < threshold
            if is_hidden(shown["semester_value_display"]) and (
                small or shown["semester_value_display"] != RUNNING_ONLY
            ):
                quantities.append((f"value {where}", value, float(row.semester_value)))
            if is_hidden(shown["actual_display"]):
                quantities.append((f"actual {where}", actual, float(row.actual)))
            _progress_constraints(attack, actual, baseline, row.target, shown["progress"], shown["status"], thresholds)

    _regional_constraints(attack, truth, regional, baseline_var, actual_expr, thresholds)
    found = []
    for what, expr, true in quantities:
        low, high = attack.bounds_of(expr)
        found.append(Hidden(what, true, low, high))
    return found


def _regional_constraints(
    attack: Attack,
    truth: pd.DataFrame,
    regional: pd.DataFrame,
    baseline_var: dict[tuple[str, str], dict[int, float]],
    actual_expr: dict[tuple[str, str, str], dict[int, float]],
    thresholds: Thresholds,
) -> None:
    rows = _rolled_beneficiaries(truth)
    for row in regional.itertuples():
        group = rows[(rows["indicator_id"] == row.indicator_id) & (rows["semester"] == row.semester)]
        if group.empty:
            continue
        due = group["target"].notna()
        # like with like (rollup.py): those due that reported or carry a running total forward
        carried = group["carried"].astype("boolean").fillna(False) if "carried" in group else False
        counts = (group["reported"].astype(bool) | carried) & group["actual"].notna()
        counted = group[due & counts] if due.any() else group

        def baselines(rows: pd.DataFrame) -> dict[int, float]:
            pairs = zip(rows["indicator_id"], rows["beneficiary"], strict=True)
            return _plus(*(baseline_var[pair] for pair in pairs))

        baseline = baselines(counted)
        fixed_baseline = baselines(group)  # the programme's: every beneficiary's, the same in every semester
        start_due = baselines(group[due])  # the baselines of the m beneficiaries with a target
        meeting: dict[int, float] = {}
        for r in group[due].itertuples():
            z = attack.var(f"meets {r.indicator_id} {r.beneficiary} {r.semester}", 0, 1)
            meeting[z] = 1.0
            actual = actual_expr[(r.indicator_id, r.beneficiary, r.semester)]
            # z = 1 <=> actual >= target (progress >= 1 as target > baseline); an unreported row never meets it
            if not actual or not r.reported:
                attack.add({z: 1.0}, 0, 0)
                continue
            attack.add(_plus(actual, {z: -BIG}), r.target - BIG, np.inf)
            attack.add(_plus(actual, {z: -BIG}), -np.inf, r.target - 1)
        summed = counted if due.any() else counted[counted["reported"]]
        if row.aggregation == "sum":
            actual = _plus(*(actual_expr[(r.indicator_id, r.beneficiary, r.semester)] for r in summed.itertuples()))
            # progress (rollup.py): the change of those counted from their baselines against the change the
            # programme's target asks of all m: the figure progress reads is start_due + that change
            progress_actual = _plus(start_due, actual, _scaled(baseline, -1))
            progress_baseline, reporting_baseline = start_due, baseline
        else:
            actual = progress_actual = meeting
            progress_baseline = reporting_baseline = {}
        if pd.notna(row.baseline) and row.aggregation == "sum":
            attack.equal(fixed_baseline, float(row.baseline))
        if pd.notna(row.actual):
            attack.equal(actual, float(row.actual))
        meeting_shown = row.beneficiaries_meeting_target
        if pd.notna(meeting_shown):
            attack.equal(meeting, float(meeting_shown))
        if pd.notna(row.target) and (row.aggregation != "sum" or not summed.empty):
            _progress_constraints(
                attack, progress_actual, progress_baseline, float(row.target), row.progress, row.status, thresholds
            )
        shown_reporting = getattr(row, "progress_reporting", np.nan)
        if pd.notna(row.target_reporting) and pd.notna(shown_reporting):  # like for like: those counted
            _progress_constraints(
                attack, actual, reporting_baseline, float(row.target_reporting), shown_reporting, None, thresholds
            )
