"""The report's tables as column specifications shared by the formats: header, source column, kind.

A column of kind ``figure`` takes its number from ``key`` and, where the number is missing (a hidden
count in the donor edition, a qualitative answer), its text from ``text``; ``share`` is 0-1 printed as a
percentage; ``progress`` is 0-1 = target reached, printed as a percentage never capped, with the
over-achievement mark (``writing.progress``); ``int`` a whole count; ``text`` is text. Every format lays
out the same columns in the same order, so the PDF, the slides and the workbook agree to the last digit. A
header is the catalogue's message (English); ``Col.label`` is it in the current language.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from indicators.domain.i18n import N_, _
from indicators.present.reports import writing


@dataclass(frozen=True)
class Col:
    header: str  # the catalogue's message (English), or a header already written in the current language
    key: str
    kind: str = "text"  # text, figure, share, progress, int
    width: int = 12  # characters, for the workbook
    text: str = ""  # for figures: the column with the text people read

    @property
    def label(self) -> str:
        """The header in the current language (read when shown: the language changes per run)."""
        return _(self.header)


LOGFRAME = (
    Col(N_("Level"), "level_label", width=16),
    Col(N_("Result"), "result_id", width=8),
    Col(N_("Result statement"), "result_title", width=40),
    Col(N_("Indicator"), "indicator_id", width=13),
    Col(N_("Indicator title"), "indicator_title", width=44),
    Col(N_("Scope"), "scope", width=16),
    Col(N_("Unit"), "unit", width=16),
    Col(N_("Baseline"), "baseline", "figure", 11, "baseline_text"),
    Col(N_("Baseline year"), "baseline_year", "int", 10),
    Col(N_("Target in force"), "target", "figure", 11, "target_text"),
    Col(N_("Actual"), "actual", "figure", 11, "actual_text"),
    Col(N_("Progress"), "progress", "progress", 11),
    Col(N_("Status"), "status_text", width=18),
    Col(N_("Means of verification"), "verification", width=30),
    Col(N_("Comment"), "comment", width=36),
)
VALUES = (
    Col(N_("Indicator"), "indicator_id", width=13),
    Col(N_("Indicator title"), "title", width=38),
    Col(N_("Beneficiary"), "beneficiary_name", width=22),
    Col(N_("Semester"), "semester_label", width=18),
    Col(N_("Unit"), "unit", width=16),
    Col(N_("Baseline"), "baseline", "figure", 11, "baseline_text"),
    Col(N_("Target in force"), "target", "figure", 11, "target_text"),
    Col(N_("Semester value"), "semester_value", "figure", 11, "semester_value_text"),
    Col(N_("Actual (to date)"), "actual", "figure", 11, "actual_text"),
    Col(N_("Progress"), "progress", "progress", 11),
    Col(N_("Status"), "status_text", width=18),
    Col(N_("Comment"), "comment", width=38),
)
BENEFICIARY = (
    Col(N_("Indicator"), "indicator_id", width=13),
    Col(N_("Indicator title"), "title", width=36),
    Col(N_("Baseline"), "baseline", "figure", 13, "baseline_text"),
    Col(N_("Target"), "target", "figure", 11, "target_text"),
    Col(N_("Actual"), "actual", "figure", 16, "actual_text"),
    Col(N_("Progress"), "progress", "progress", 13),
    Col(N_("Status"), "status_text", width=22),
    Col(N_("Comment"), "comment", width=33),
)
HEADLINES = (
    Col(N_("Figure"), "figure", width=34),
    Col(N_("This semester"), "value_text", width=16),
    Col(N_("Previous semester"), "previous_text", width=16),
    Col(N_("Change"), "change_text", width=14),
    Col(N_("What it counts"), "help", width=56),
)
DELIVERY = (
    Col(N_("Beneficiary"), "beneficiary_name", width=22),
    Col(N_("Planned"), "planned", "int", 9),
    Col(N_("✔ Completed"), "completed", "int", 11),
    Col(N_("◐ Ongoing"), "ongoing", "int", 10),
    Col(N_("○ Not started"), "not_started", "int", 12),
    Col(N_("→ Postponed"), "postponed", "int", 11),
    Col(N_("✖ Cancelled"), "cancelled", "int", 11),
    Col(N_("Delivery rate"), "delivery_rate", "share", 11),
)
ACTIVITIES = (
    Col(N_("Activity"), "activity_id", width=11),
    Col(N_("Beneficiary"), "beneficiary_name", width=22),
    Col(N_("Result"), "result_id", width=8),
    Col(N_("Title"), "title", width=60),
    Col(N_("Status"), "status_text", width=24),
    Col(N_("Adopted at meeting"), "adopted_at", "int", 10),
)
COMPLETENESS = (
    Col(N_("Beneficiary"), "beneficiary_name", width=22),
    Col(N_("Expected"), "expected", "int", 10),
    Col(N_("Reported"), "reported", "int", 10),
    Col(N_("Missing"), "missing", "int", 10),
    Col(N_("Completeness"), "completeness", "share", 12),
)
MISSING = (
    Col(N_("Indicator"), "indicator_id", width=13),
    Col(N_("Indicator title"), "title", width=50),
    Col(N_("Beneficiary"), "beneficiary_name", width=22),
)
MEETINGS = (
    Col(N_("Meeting"), "number", "int", 8),
    Col(N_("Date"), "date_text", width=12),
    Col(N_("Place"), "place", width=22),
    Col(N_("Semester assessed"), "assessed_label", width=18),
    Col(N_("Work plan adopted for"), "adopted_label", width=18),
    Col(N_("Activities adopted"), "activities", "int", 10),
    Col(N_("Source"), "source", width=50),
)


def _missing(value: object) -> bool:
    return value is None or bool(pd.isna(value))  # type: ignore[arg-type]


def cell_text(row: pd.Series, col: Col) -> str:
    """A cell as the PDF and the slides print it."""
    if col.kind == "figure":
        return "" if _missing(row.get(col.text)) else str(row[col.text])
    value = row.get(col.key)
    if _missing(value):
        return "–" if col.kind in ("share", "progress") else ""
    if col.kind == "share":
        return writing.share(float(value))
    if col.kind == "progress":
        return writing.progress(float(value))
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
    if col.kind in ("share", "progress"):
        return float(value)
    if col.kind == "int":
        return int(value)
    return str(value)
