"""Reporting completeness: reports expected (a target in force) against reports received.

A report is expected for every indicator, beneficiary and semester with a row in Targets. It counts as
received when a usable total was reported (a figure; a non-zero denominator for percentages; text for
qualitative indicators), as ``progress.semester_values`` decides.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from indicators.compute.progress import SEMESTER_KEY, indicator_attributes, semester_values
from indicators.domain.schema import Programme

EXPECTED_COLUMNS = [*SEMESTER_KEY, "result_id", "title", "measure", "reported"]


def expected_reports(programme: Programme) -> pd.DataFrame:
    """Indicator x beneficiary x semester with a target in force, and whether a report came in."""
    expected = programme.targets[SEMESTER_KEY].dropna().astype("string").drop_duplicates()
    attributes = indicator_attributes(programme)[["indicator_id", "result_id", "title", "measure"]]
    received = semester_values(programme)[[*SEMESTER_KEY, "reported"]]
    frame = expected.merge(attributes, on="indicator_id").merge(received, how="left", on=SEMESTER_KEY)
    frame = frame.assign(reported=frame["reported"].astype("boolean").fillna(False).astype(bool))
    return frame[EXPECTED_COLUMNS].sort_values(SEMESTER_KEY, kind="stable").reset_index(drop=True)


def completeness_table(expected: pd.DataFrame, by: Sequence[str] = ("semester", "beneficiary")) -> pd.DataFrame:
    """Expected, reported, missing and completeness per group of an expected_reports frame."""
    by = list(by)
    counts = expected.assign(expected=1, reported=expected["reported"].astype(int))[[*by, "expected", "reported"]]
    if by:
        table = counts.groupby(by, as_index=False, sort=True).sum()
    else:
        table = counts[["expected", "reported"]].sum().to_frame().T
    table = table.astype({"expected": int, "reported": int})
    table["missing"] = table["expected"] - table["reported"]
    table["completeness"] = (table["reported"] / table["expected"].where(table["expected"] > 0)).astype(float)
    return table.reset_index(drop=True)


def reporting_completeness(programme: Programme, by: Sequence[str] = ("semester", "beneficiary")) -> pd.DataFrame:
    """Expected, reported, missing and completeness (reported / expected) per group of ``by``."""
    return completeness_table(expected_reports(programme), by)


def missing_reports(programme: Programme, semester: str | None = None) -> pd.DataFrame:
    """The expected reports not received, optionally for one semester."""
    expected = expected_reports(programme)
    missing = ~expected["reported"]
    if semester is not None:
        missing &= expected["semester"] == semester
    return expected[missing].drop(columns="reported").reset_index(drop=True)
