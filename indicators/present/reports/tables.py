"""The report's tables as column specifications shared by the formats: header, source column, kind.

A column of kind ``figure`` takes its number from ``key`` and, where the number is missing (a hidden
count in the donor edition, a qualitative answer), its text from ``text``; ``share`` is 0-1 printed as a
percentage; ``int`` a whole count; ``text`` is text. Every format lays out the same columns in the same
order, so the PDF, the slides and the workbook agree to the last digit.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Col:
    header: str
    key: str
    kind: str = "text"  # text, figure, share, int
    width: int = 12  # characters, for the workbook
    text: str = ""  # for figures: the column with the text people read


LOGFRAME = (
    Col("Level", "level_label", width=16),
    Col("Result", "result_id", width=8),
    Col("Result statement", "result_title", width=40),
    Col("Indicator", "indicator_id", width=13),
    Col("Indicator title", "indicator_title", width=44),
    Col("Scope", "scope", width=16),
    Col("Unit", "unit", width=16),
    Col("Baseline", "baseline", "figure", 11, "baseline_text"),
    Col("Baseline year", "baseline_year", "int", 10),
    Col("Target in force", "target", "figure", 11, "target_text"),
    Col("Actual", "actual", "figure", 11, "actual_text"),
    Col("Progress", "progress", "share", 11),
    Col("Status", "status_text", width=18),
    Col("Means of verification", "verification", width=30),
    Col("Comment", "comment", width=36),
)
VALUES = (
    Col("Indicator", "indicator_id", width=13),
    Col("Indicator title", "title", width=38),
    Col("Beneficiary", "beneficiary_name", width=22),
    Col("Semester", "semester_label", width=18),
    Col("Unit", "unit", width=16),
    Col("Baseline", "baseline", "figure", 11, "baseline_text"),
    Col("Target in force", "target", "figure", 11, "target_text"),
    Col("Semester value", "semester_value", "figure", 11, "semester_value_text"),
    Col("Actual (to date)", "actual", "figure", 11, "actual_text"),
    Col("Progress", "progress_display", "share", 11),
    Col("Status", "status_text", width=18),
    Col("Comment", "comment", width=36),
)
BENEFICIARY = (
    Col("Indicator", "indicator_id", width=13),
    Col("Indicator title", "title", width=33),
    Col("Baseline", "baseline", "figure", 13, "baseline_text"),
    Col("Target", "target", "figure", 11, "target_text"),
    Col("Actual", "actual", "figure", 11, "actual_text"),
    Col("Progress", "progress_display", "share", 13),
    Col("Status", "status_text", width=18),
    Col("Comment", "comment", width=32),
)
HEADLINES = (
    Col("Figure", "figure", width=34),
    Col("This semester", "value_text", width=16),
    Col("Previous semester", "previous_text", width=16),
    Col("Change", "change_text", width=14),
    Col("What it counts", "help", width=56),
)
DELIVERY = (
    Col("Beneficiary", "beneficiary_name", width=22),
    Col("Planned", "planned", "int", 9),
    Col("✔ Completed", "completed", "int", 11),
    Col("◐ Ongoing", "ongoing", "int", 10),
    Col("○ Not started", "not_started", "int", 12),
    Col("→ Postponed", "postponed", "int", 11),
    Col("✖ Cancelled", "cancelled", "int", 11),
    Col("Delivery rate", "delivery_rate", "share", 11),
)
ACTIVITIES = (
    Col("Activity", "activity_id", width=11),
    Col("Beneficiary", "beneficiary_name", width=22),
    Col("Result", "result_id", width=8),
    Col("Title", "title", width=60),
    Col("Status", "status_text", width=24),
    Col("Adopted at meeting", "adopted_at", "int", 10),
)
COMPLETENESS = (
    Col("Beneficiary", "beneficiary_name", width=22),
    Col("Expected", "expected", "int", 10),
    Col("Reported", "reported", "int", 10),
    Col("Missing", "missing", "int", 10),
    Col("Completeness", "completeness", "share", 12),
)
MISSING = (
    Col("Indicator", "indicator_id", width=13),
    Col("Indicator title", "title", width=50),
    Col("Beneficiary", "beneficiary_name", width=22),
)
MEETINGS = (
    Col("Meeting", "number", "int", 8),
    Col("Date", "date_text", width=12),
    Col("Place", "place", width=22),
    Col("Semester assessed", "assessed_label", width=18),
    Col("Work plan adopted for", "adopted_label", width=18),
    Col("Activities adopted", "activities", "int", 10),
    Col("Source", "source", width=50),
)


def _missing(value: object) -> bool:
    return value is None or bool(pd.isna(value))  # type: ignore[arg-type]


def cell_text(row: pd.Series, col: Col) -> str:
    """A cell as the PDF and the slides print it."""
    if col.kind == "figure":
        return "" if _missing(row.get(col.text)) else str(row[col.text])
    value = row.get(col.key)
    if _missing(value):
        return "–" if col.kind == "share" else ""
    if col.kind == "share":
        return f"{100 * float(value):.0f}%"
    if col.kind == "int":
        return f"{int(value)}"
    return str(value)


def cell_value(row: pd.Series, col: Col) -> float | int | str | None:
    """A cell as the workbook stores it: a number where a number is shown, else the text people read."""
    value = row.get(col.key)
    if col.kind == "figure":
        if not _missing(value) and row.get("measure", "") != "qualitative":
            return float(value)
        text = row.get(col.text)
        return None if _missing(text) or text in ("", "–") else str(text)
    if _missing(value):
        return None
    if col.kind == "share":
        return float(value)
    if col.kind == "int":
        return int(value)
    return str(value)
