"""Problems found in a workbook, and the one place that turns them into words for people.

An *error* blocks an upload; a *warning* is allowed and shown. A file that cannot be read as a monitoring
workbook at all raises ``UnreadableWorkbook`` with one sentence an analyst can act on. ``where``, ``message``
and ``quote`` are written in the current language (``found`` and ``expected`` come translated from the checks
that make problems).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import pandas as pd

from indicators.domain.i18n import _

ERROR = "error"
WARNING = "warning"


class ProjectError(Exception):
    """Base of the errors this project raises on purpose; pages catch these and nothing else."""


class UnreadableWorkbook(ProjectError):
    """The file cannot be read as a monitoring workbook; ``str(error)`` is one sentence for the analyst."""


@dataclass(frozen=True)
class Problem:
    severity: str  # ERROR or WARNING
    sheet: str
    row: int | None  # the row number as Excel shows it, None for a whole sheet or file
    column: str | None  # the column header as written in the template
    found: str  # what was found, quoted as text
    expected: str  # what was expected
    code: str = ""  # a stable short name of the rule, e.g. "unknown-beneficiary"

    @property
    def where(self) -> str:
        parts = [_("sheet '{sheet}'").format(sheet=self.sheet)] if self.sheet else []
        if self.row is not None:
            parts.append(_("row {row}").format(row=self.row))
        if self.column:
            parts.append(_("column '{column}'").format(column=self.column))
        return ", ".join(parts) or _("the workbook")

    @property
    def message(self) -> str:
        found = _("found {found}").format(found=self.found) if self.found else _("found nothing")
        return _("{where}: {found}; expected {expected}.").format(where=self.where, found=found, expected=self.expected)


def problems_frame(problems: list[Problem]) -> pd.DataFrame:
    """The problems as a table people can read, errors first, then by sheet and row."""
    columns = ["severity", "sheet", "row", "column", "found", "expected", "code"]
    if not problems:
        return pd.DataFrame({c: pd.Series([], dtype="string" if c != "row" else "Int64") for c in columns})
    frame = pd.DataFrame([asdict(p) for p in problems], columns=columns).astype({"row": "Int64"})
    order = frame["severity"].map({ERROR: 0, WARNING: 1})
    return frame.assign(_o=order).sort_values(["_o", "sheet", "row"], kind="stable").drop(columns="_o")


def has_errors(problems: list[Problem]) -> bool:
    """Whether any problem blocks the upload."""
    return any(p.severity == ERROR for p in problems)


def quote(value: object) -> str:
    """A found value as shown in a problem: quoted text, or 'an empty cell'."""
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
        return _("an empty cell")
    text = str(value)
    if len(text) > 80:
        text = text[:77] + "..."
    return f"'{text}'"
