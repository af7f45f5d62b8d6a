"""A straightforward reference of the computations, row by row in plain Python, for the differential tests.

It states the rules of ``indicators.compute.progress``, ``indicators.compute.rollup`` and the reports
``indicators.compute.completeness`` expects (read their module docstrings) one indicator, beneficiary and
semester at a time, with dicts and loops and no grouped frame operation, so that the vectorised code can be
checked against it on randomly generated programmes. Only the scalar rules (``progress_ratio``,
``status_code``), which have their own table of cases, are shared. When a rule changes, change it here too.
"""

from __future__ import annotations

import math
from collections import defaultdict

import pandas as pd

from indicators.compute.completeness import EXPECTED_COLUMNS
from indicators.compute.forecast import _text as forecast_text
from indicators.compute.progress import PROGRESS_COLUMNS, STATUS_BY_CODE, Thresholds, progress_ratio, status_code
from indicators.compute.rollup import REGIONAL, ROLLUP_COLUMNS
from indicators.domain.periods import PeriodError, semester_from_id, semester_range
from indicators.domain.reference import COUNTRY_CODES
from indicators.domain.schema import Programme

NAN = math.nan


def missing(value: object) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


def number(value: object) -> float:
    return NAN if missing(value) else float(value)


def records(frame: pd.DataFrame) -> list[dict]:
    return frame.to_dict("records")


def semester_index(semester: str) -> int | None:
    try:
        return semester_from_id(semester).index
    except PeriodError:
        return None


def indicators(programme: Programme) -> dict[str, dict]:
    """The first row of each indicator, with the defaults filled in."""
    out: dict[str, dict] = {}
    for row in records(programme.indicators):
        if missing(row["indicator_id"]) or row["indicator_id"] in out:
            continue
        out[row["indicator_id"]] = {
            "result_id": row["result_id"],
            "title": row["title"],
            "unit": row["unit"],
            "measure": row["measure"],
            "direction": "increase" if missing(row["direction"]) else row["direction"],
            "cumulative": False if missing(row["cumulative"]) else bool(row["cumulative"]),
            "sensitive": False if missing(row["sensitive"]) else bool(row["sensitive"]),
            "aggregation": "sum" if missing(row["aggregation"]) else row["aggregation"],
        }
    return out


def semesters(programme: Programme) -> list[str]:
    """Every semester from the earliest to the latest valid id in targets, values and activities."""
    seen = []
    for table in (programme.targets, programme.values, programme.activities):
        for value in table["semester"]:
            if not missing(value) and semester_index(value) is not None:
                seen.append(semester_from_id(value))
    return [s.id for s in semester_range(min(seen), max(seen))] if seen else []


def meeting_dates(programme: Programme) -> dict[int, pd.Timestamp]:
    return {
        int(m["number"]): pd.Timestamp(m["date"])
        for m in records(programme.meetings)
        if not missing(m["number"]) and not missing(m["date"])
    }


def in_force(rows: list[dict], day: pd.Timestamp, dates: dict[int, pd.Timestamp]) -> dict | None:
    """The row of a key in force on ``day``: the highest-numbered meeting held by then (the later row on a tie);
    else the earliest row of no meeting or a meeting of unknown date (rows without a meeting last); never a row
    of a meeting held after ``day``; None when no row qualifies."""
    chosen = None
    for row in rows:
        meeting = row["adopted_at"]
        if missing(meeting) or int(meeting) not in dates or dates[int(meeting)] > day:
            continue
        if chosen is None or meeting >= chosen["adopted_at"]:
            chosen = row
    if chosen is not None:
        return chosen
    for row in rows:
        meeting = row["adopted_at"]
        if not missing(meeting) and int(meeting) in dates:
            continue  # dated: held after ``day``
        if chosen is None or (
            not missing(meeting) and (missing(chosen["adopted_at"]) or meeting < chosen["adopted_at"])
        ):
            chosen = row
    return chosen


def target_rows(programme: Programme) -> dict[tuple, list[dict]]:
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for row in records(programme.targets):
        key = (row["indicator_id"], row["beneficiary"], row["semester"])
        if not any(missing(k) for k in key) and semester_index(key[2]) is not None:
            groups[key].append(row)
    return groups


def targets(programme: Programme) -> dict[tuple, dict]:
    """The target in force per indicator, beneficiary and semester (``in_force`` on the semester's last day)."""
    dates = meeting_dates(programme)
    out = {}
    for key, rows in target_rows(programme).items():
        chosen = in_force(rows, pd.Timestamp(semester_from_id(key[2]).end), dates)
        meetings = {None if missing(r["adopted_at"]) else int(r["adopted_at"]) for r in rows}
        out[key] = {
            "target": NAN if chosen is None else number(chosen["value"]),
            "target_adopted_at": None if chosen is None or missing(chosen["adopted_at"]) else int(chosen["adopted_at"]),
            "target_revised": len(meetings) > 1,
        }
    return out


def values(programme: Programme, about: dict[str, dict]) -> dict[tuple, dict]:
    """The total reported per indicator, beneficiary and semester (the last row when repeated)."""
    out = {}
    for row in records(programme.values):
        key = (row["indicator_id"], row["beneficiary"], row["semester"])
        if any(missing(k) for k in key) or key[0] not in about:
            continue
        if not missing(row["sex"]) and row["sex"] != "total":
            continue
        measure = about[key[0]]["measure"]
        numerator, denominator = number(row["numerator"]), number(row["denominator"])
        if measure == "percentage" and not math.isnan(denominator):
            value = 100 * numerator / denominator if denominator != 0 else NAN
        else:
            value = number(row["value"])
        text = row["text"]
        if measure == "qualitative":
            reported = not missing(text) and text.strip() != ""
            value = NAN
        else:
            reported = not math.isnan(value)
        out[key] = {
            "semester_value": value,
            "numerator": numerator,
            "denominator": denominator,
            "text": text,
            "reported": reported,
        }
    return out


def baselines(programme: Programme) -> dict[tuple, float]:
    out = {}
    for row in records(programme.baselines):
        key = (row["indicator_id"], row["beneficiary"])
        if not any(missing(k) for k in key):
            out[key] = number(row["value"])
    return out


def status_fields(code: str) -> dict[str, str]:
    return {"status": code, "status_label": STATUS_BY_CODE[code].label, "status_symbol": STATUS_BY_CODE[code].symbol}


def reference_progress(programme: Programme, thresholds: Thresholds) -> pd.DataFrame:
    """indicator_progress, one row at a time."""
    about = indicators(programme)
    base, force, reported_values = baselines(programme), targets(programme), values(programme, about)
    totals = [r for r in records(programme.values) if missing(r["sex"]) or r["sex"] == "total"]
    reported_pairs = [(r["indicator_id"], r["beneficiary"]) for r in totals]  # even with no usable semester
    pairs = {k[:2] for k in (*base, *force, *reported_pairs) if k[0] in about and not missing(k[1])}
    rows, every_semester = [], semesters(programme)
    # Qualitative indicators are due in every semester up to the latest in which anything was reported.
    reporting = [s for s in every_semester if any(reported_values.get((i, b, s), {}).get("reported") for i, b in pairs)]
    last_reporting = every_semester.index(reporting[-1]) if reporting else -1
    for indicator, beneficiary in sorted(pairs):
        attributes = about[indicator]
        baseline = base.get((indicator, beneficiary), NAN)
        running, reported_yet, last_figure = 0.0, False, NAN
        for position, semester in enumerate(every_semester):
            key = (indicator, beneficiary, semester)
            target = force.get(key, {"target": NAN, "target_adopted_at": None, "target_revised": False})
            value = reported_values.get(
                key, {"semester_value": NAN, "numerator": NAN, "denominator": NAN, "text": None, "reported": False}
            )
            reported = value["reported"]
            if not math.isnan(value["semester_value"]):
                running += value["semester_value"]
            counted = attributes["cumulative"] and attributes["measure"] == "count"
            start = 0.0 if math.isnan(baseline) else baseline
            actual = start + running if counted else value["semester_value"]
            # Carried forward without a report: a running total to date, a milestone last reported done.
            carried = not reported and (
                (counted and reported_yet) or (attributes["measure"] == "milestone" and last_figure == 1)
            )
            if carried and attributes["measure"] == "milestone":
                actual = 1.0
            if reported:
                reported_yet, last_figure = True, value["semester_value"]
            actual = actual if reported or carried else NAN
            judged = reported or (carried and attributes["measure"] == "milestone")
            if attributes["measure"] == "qualitative" or not judged:
                progress = NAN
            elif attributes["measure"] == "milestone":
                progress = 1.0 if actual == 1 else 0.0
            else:
                progress = progress_ratio(actual, baseline, target["target"], attributes["direction"])
            due = target["target_adopted_at"] is not None or not math.isnan(target["target"])
            due = due or (attributes["measure"] == "qualitative" and position <= last_reporting)
            code = status_code(progress, attributes["measure"], due, judged, thresholds)
            rows.append(
                {
                    "indicator_id": indicator,
                    "beneficiary": beneficiary,
                    "semester": semester,
                    **attributes,
                    "baseline": baseline,
                    **target,
                    **value,
                    "carried": carried,
                    "actual": actual,
                    "progress": progress,
                    "progress_display": progress,
                    **status_fields(code),
                }
            )
    dates, all_rows = meeting_dates(programme), target_rows(programme)
    for start in range(0, len(rows), len(every_semester)):
        forecast(rows[start : start + len(every_semester)], thresholds, all_rows, dates)
    return pd.DataFrame(rows, columns=PROGRESS_COLUMNS)


def ratio(actual: float, start: float, target: float, decrease: bool) -> float:
    return progress_ratio(actual, start, target, "decrease" if decrease else "increase")


def forecast(
    pair_rows: list[dict], thresholds: Thresholds, all_rows: dict[tuple, list[dict]], dates: dict[int, pd.Timestamp]
) -> None:
    """The end-of-action target, progress to it and the forecast of one pair's rows (in semester order)."""
    first = semester_from_id(pair_rows[0]["semester"]) if pair_rows else None
    ends = [i for i, r in enumerate(pair_rows) if not math.isnan(r["target"])]
    end = ends[-1] if ends else None
    reports = 0
    for position, row in enumerate(pair_rows):
        reports += row["reported"]
        end_target = NAN
        if end is not None:  # the end semester's target as known by this semester's end (or the end's)
            key = (row["indicator_id"], row["beneficiary"], pair_rows[end]["semester"])
            day = pd.Timestamp(semester_from_id(pair_rows[min(position, end)]["semester"]).end)
            known = in_force(all_rows[key], day, dates)
            end_target = NAN if known is None else number(known["value"])
        start = 0.0 if math.isnan(row["baseline"]) else row["baseline"]
        decrease = row["direction"] == "decrease"
        actual, measure = row["actual"], row["measure"]
        if end is None or measure == "qualitative":
            end_progress = NAN
        elif measure == "milestone":
            end_progress = NAN if math.isnan(actual) else float(actual == 1)
        else:
            end_progress = ratio(actual, start, end_target, decrease)
        code, semester = None, None
        if (
            measure in ("count", "percentage")
            and end is not None
            and not math.isnan(end_target)
            and not math.isnan(actual)
            and reports >= 2
        ):
            pace = (actual - start) / (position + 1)  # every semester since the first, reported or not
            projected = ratio(start + pace * (end + 1), start, end_target, decrease)
            towards = pace * (end_target - start) > 0
            needed = math.ceil(round((end_target - start) / pace, 9)) if towards else None
            if end_progress >= thresholds.achieved:
                code = "met"
            elif projected >= thresholds.achieved:
                code, semester = "reached", needed
            elif towards and projected >= thresholds.on_track:
                code, semester = "at_risk", needed
            else:
                code, semester = "out_of_reach", needed
        semester_id = first.shift(semester - 1).id if semester is not None and semester >= 1 else None
        row.update(
            end_semester=pair_rows[end]["semester"] if end is not None else None,
            end_target=end_target,
            end_progress=end_progress,
            forecast=code,
            forecast_semester=semester_id,
            forecast_text=forecast_text(code, semester_id),
        )


def total(numbers: list[float]) -> float:
    """The sum of the figures present; missing when none is."""
    present = [n for n in numbers if not math.isnan(n)]
    return sum(present) if present else NAN


def weighted(pairs: list[tuple[float, float]]) -> float:
    """Mean of the figures weighted by positive weights; missing when no figure has one."""
    usable = [(v, w) for v, w in pairs if not math.isnan(v) and not math.isnan(w) and w > 0]
    return sum(v * w for v, w in usable) / sum(w for _, w in usable) if usable else NAN


def reference_rollup(progress: pd.DataFrame, thresholds: Thresholds, coverage: float = 2 / 3) -> pd.DataFrame:
    """regional_rollup, one indicator and semester at a time."""
    rows = [r for r in records(progress) if r["aggregation"] in ("sum", "ratio", "count_meeting_target")]
    with_countries = {r["indicator_id"] for r in rows if r["beneficiary"] in COUNTRY_CODES}
    groups: dict[tuple, list[dict]] = defaultdict(list)
    pairs: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for r in rows:
        if r["beneficiary"] in COUNTRY_CODES or (r["indicator_id"] not in with_countries and r["beneficiary"] == "REG"):
            groups[(r["indicator_id"], r["semester"])].append(r)
            pairs[r["indicator_id"]][r["beneficiary"]].append(r)
    # Fixed per indicator: each beneficiary's weight (its mean positive reported denominator; the mean of the
    # others' when it has none; 1 when none has), the sum of the baselines and their weighted mean.
    weights: dict[tuple, float] = {}
    fixed: dict[str, tuple[float, float]] = {}
    for indicator, by_beneficiary in pairs.items():
        own = {}
        for beneficiary, pair_rows in by_beneficiary.items():
            denominators = [
                float(r["denominator"])
                for r in pair_rows
                if r["reported"] and not missing(r["denominator"]) and r["denominator"] > 0
            ]
            own[beneficiary] = sum(denominators) / len(denominators) if denominators else NAN
        known = [w for w in own.values() if not math.isnan(w)]
        fallback = sum(known) / len(known) if known else 1.0
        for beneficiary, w in own.items():
            weights[(indicator, beneficiary)] = fallback if math.isnan(w) else w
        baselines = {b: number(rs[0]["baseline"]) for b, rs in by_beneficiary.items()}
        present = {b: v for b, v in baselines.items() if not math.isnan(v)}
        fixed[indicator] = (
            sum(present.values()) if present else NAN,
            weighted([(v, weights[(indicator, b)]) for b, v in present.items()]) if present else NAN,
        )
    out = []
    for (indicator, semester), members in groups.items():
        first = members[0]
        for r in members:
            r["due"] = not missing(r["target_adopted_at"]) or not missing(r["target"])
            r["achieved"] = r["status"] == "achieved" and r["due"]
            r["counts"] = (r["reported"] or r["carried"]) and not missing(r["actual"])
            r["start"] = 0.0 if missing(r["baseline"]) else float(r["baseline"])
        due = [r for r in members if r["due"]]
        reported = [r for r in members if r["reported"]]
        reporting = [r for r in due if r["reported"]]
        direction = first["direction"]
        carried = 0
        if first["aggregation"] == "sum":
            baseline = fixed[indicator][0]
            if due:  # the programme's target (all m), the change of those that count against the change asked
                counted = [r for r in due if r["counts"]]
                carried = sum(1 for r in due if r["carried"])
                target = total([number(r["target"]) for r in due])
                actual = total([number(r["actual"]) for r in counted])
                start = sum(r["start"] for r in due if not missing(r["target"]))
                gain = total([float(r["actual"]) - r["start"] for r in counted])
                progress = progress_ratio(start + gain, start, target, direction)
                target_reporting = total([number(r["target"]) for r in counted])
                start_reporting = total([r["start"] for r in counted])
                progress_reporting = progress_ratio(actual, start_reporting, target_reporting, direction)
            else:
                target = target_reporting = progress = progress_reporting = NAN
                actual = total([number(r["actual"]) for r in members if r["reported"]])
        elif first["aggregation"] == "ratio":
            baseline = fixed[indicator][1]
            parts = [r for r in reported if not missing(r["numerator"]) and not missing(r["denominator"])]
            denominator = sum(float(r["denominator"]) for r in parts)
            actual = 100 * sum(float(r["numerator"]) for r in parts) / denominator if denominator > 0 else NAN
            target = weighted([(number(r["target"]), weights[(indicator, r["beneficiary"])]) for r in due])
            progress = progress_ratio(actual, baseline, target, direction)
            here = [number(r["denominator"]) if r["reported"] else NAN for r in due]
            start_reporting = weighted([(number(r["baseline"]), w) for r, w in zip(due, here, strict=True)])
            target_reporting = weighted([(number(r["target"]), w) for r, w in zip(due, here, strict=True)])
            progress_reporting = progress_ratio(actual, start_reporting, target_reporting, direction)
            target_reporting = target_reporting if due else NAN
        else:
            baseline, target = NAN, float(len(due)) if due else NAN
            actual = float(sum(r["achieved"] for r in members))
            progress = progress_ratio(actual, NAN, target, direction)
            target_reporting = float(len(reporting)) if due and reporting else NAN
            met = float(sum(1 for r in reporting if r["achieved"]))
            progress_reporting = progress_ratio(met, NAN, target_reporting, direction)
        n = len(reporting) if due else len(reported)
        expected = len(due) if due else len(members)
        usable = n > 0 and (first["aggregation"] == "count_meeting_target" or not math.isnan(actual))
        progress = progress if usable else NAN
        progress_reporting = progress_reporting if usable else NAN
        counts = first["aggregation"] == "count_meeting_target" or first["measure"] == "milestone"
        code = status_code(progress, "count" if counts else first["measure"], bool(due), usable, thresholds)
        if code in ("achieved", "on_track", "at_risk", "off_track") and not n >= coverage * expected - 1e-9:
            code = "incomplete"
        out.append(
            {
                "indicator_id": indicator,
                "semester": semester,
                "beneficiary": REGIONAL,
                "aggregation": first["aggregation"],
                "baseline": baseline,
                "target": target,
                "actual": actual,
                "progress": progress,
                "progress_display": progress,
                **status_fields(code),
                "target_reporting": target_reporting,
                "progress_reporting": progress_reporting,
                "beneficiaries_with_target": len(due),
                "beneficiaries_meeting_target": sum(r["achieved"] for r in members),
                "beneficiaries_reported": len(reported),
                "beneficiaries_carried": carried,
                "beneficiaries_expected": expected,
                "coverage": f"{n} of {expected} beneficiaries reported"
                + (f" ({carried} carried forward)" if carried else ""),
                "coverage_share": n / expected if expected else NAN,
            }
        )
    return pd.DataFrame(out, columns=ROLLUP_COLUMNS)


def reference_expected(programme: Programme) -> pd.DataFrame:
    """expected_reports: each indicator, beneficiary and semester with a target row, and whether it was reported."""
    about = indicators(programme)
    reported = values(programme, about)
    seen: dict[tuple, dict] = {}
    for row in records(programme.targets):
        key = (row["indicator_id"], row["beneficiary"], row["semester"])
        if any(missing(k) for k in key) or key[0] not in about or key in seen:
            continue
        seen[key] = {
            "indicator_id": key[0],
            "beneficiary": key[1],
            "semester": key[2],
            "result_id": about[key[0]]["result_id"],
            "title": about[key[0]]["title"],
            "measure": about[key[0]]["measure"],
            "reported": reported.get(key, {"reported": False})["reported"],
        }
    return pd.DataFrame([seen[k] for k in sorted(seen)], columns=EXPECTED_COLUMNS)


def reference_secondary(values: list[float], primary: list[bool], groups: list[tuple], threshold: int) -> list[bool]:
    """suppression._secondary, one group at a time: in a group with a hidden cell, hide the smallest shown
    non-zero cells (the earlier row on a tie) until two or more hidden cells add up to the threshold."""
    extra = [False] * len(values)
    members: dict[tuple, list[int]] = defaultdict(list)
    for row, group in enumerate(groups):
        members[group].append(row)
    for rows in members.values():
        hidden = [r for r in rows if primary[r]]
        if not hidden:
            continue
        count, total = len(hidden), sum(0.0 if math.isnan(values[r]) else values[r] for r in hidden)
        shown = [r for r in rows if not primary[r] and not math.isnan(values[r]) and values[r] != 0]
        for row in sorted(shown, key=lambda r: (values[r], r)):
            if count >= 2 and total >= threshold:
                break
            extra[row] = True
            count, total = count + 1, total + values[row]
    return extra


def reference_running_totals(
    rows: list[dict], hidden: list[bool], shown_baseline: list[float], threshold: int
) -> list[bool]:
    """suppression._RunningTotals.to_hide, one series at a time: the sensitive cumulative counts of each
    indicator and beneficiary in semester order, carrying the figure before and the last figure a donor sees
    (the baseline shown, else 0, at the start); a total is hidden when it is hidden already, when it differs
    from either by 1 to threshold - 1, or when it equals a hidden total just before it."""
    series: dict[tuple, list[int]] = defaultdict(list)
    for row, r in enumerate(rows):
        if r["sensitive"] is True and r["measure"] == "count" and r["cumulative"] is True:
            whole = not missing(r["indicator_id"]) and not missing(r["beneficiary"])
            series[(r["indicator_id"], r["beneficiary"]) if whole else ("row", row)].append(row)
    hide = [False] * len(rows)
    for members in series.values():
        members.sort(key=lambda row: (missing(rows[row]["semester"]), str(rows[row]["semester"]), row))
        first = members[0]
        before = 0.0 if missing(rows[first]["baseline"]) else float(rows[first]["baseline"])
        last_shown = 0.0 if missing(shown_baseline[first]) else float(shown_baseline[first])
        hidden_before = False
        for row in members:
            total = rows[row]["actual"]
            if missing(total):
                continue
            rise, since_shown = total - before, total - last_shown
            before = total
            if (
                hidden[row]
                or 0 < abs(rise) < threshold
                or 0 < abs(since_shown) < threshold
                or (rise == 0 and hidden_before)
            ):
                hide[row] = hidden_before = True
            else:
                last_shown, hidden_before = total, False
    return hide
