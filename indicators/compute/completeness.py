"""Reporting completeness: reports expected (a target in force) against reports received (the rule is
METHOD_TEXT below)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from indicators.compute.progress import SEMESTER_KEY, _Keys, _semester_values, indicator_attributes
from indicators.domain.i18n import N_
from indicators.domain.schema import Programme

# The rules, in words people read: the Method page shows them in the reader's language (``_(METHOD_TEXT)``).
METHOD_TEXT = N_(
    """Reporting completeness: reports expected (a target in force) against reports received.

A report is expected for every indicator, beneficiary and semester with a row in Targets. It counts as
received when a usable total was reported (a figure; a non-zero denominator for percentages; text for
qualitative indicators), as ``progress.semester_values`` decides."""
)
__doc__ = METHOD_TEXT  # help() and inspect read the rules too

EXPECTED_COLUMNS = [*SEMESTER_KEY, "result_id", "title", "measure", "reported"]


def expected_reports(programme: Programme) -> pd.DataFrame:
    """Indicator x beneficiary x semester with a target in force, and whether a report came in."""
    frame, keys = _expected(programme, EXPECTED_COLUMNS)
    # In key order (sorted by the keys' integer ranks rather than by text).
    return frame.iloc[keys.sorting()].reset_index(drop=True)


def _expected(programme: Programme, columns: Sequence[str]) -> tuple[pd.DataFrame, _Keys]:
    """expected_reports' ``columns`` in the order of the Targets rows (and their keys): only what is asked for
    is copied with the rows."""
    # 1. Each indicator, beneficiary and semester with a row in Targets, once.
    expected = programme.targets[SEMESTER_KEY].dropna().astype("string")
    keys = _Keys.of(expected, SEMESTER_KEY)
    once = ~pd.Series(keys.key()).duplicated().to_numpy()
    # 2. Its indicator's result, title and measure (keys of indicators not in the Indicators sheet are left out).
    attributes = indicator_attributes(programme)
    indicator = keys.codes("indicator_id", pd.Index(attributes["indicator_id"]))
    kept = once & (indicator >= 0)
    wanted = [c for c in SEMESTER_KEY if c in columns]
    expected, keys, indicator = expected.loc[kept, wanted], keys.rows(kept), indicator[kept]
    # 3. Received: a usable total was reported for the key. Only the values of the expected keys' indicators,
    #    beneficiaries and semesters are read (every row of such a key among them): most values of a large
    #    programme have no target.
    values = programme.values
    near = np.ones(len(values), dtype=bool)
    for column in SEMESTER_KEY:
        near &= values[column].isin(keys.distinct[column]).to_numpy(dtype=bool, na_value=False)
    nearby = Programme({**programme.tables, "values": values[near]}) if not near.all() else programme
    received, received_keys = _semester_values(nearby, attributes)
    report = keys.matching(received_keys)
    reported = np.append(received["reported"].to_numpy(dtype=bool), False)[report]
    described = [c for c in ("result_id", "title", "measure") if c in columns]
    frame = expected.assign(**{c: attributes[c].array.take(indicator) for c in described}, reported=reported)
    return frame[list(columns)], keys


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
    # The table is grouped and sorted by ``by``: the expected reports are read with those columns only, unsorted.
    return completeness_table(_expected(programme, [*dict.fromkeys(by), "reported"])[0], by)


def of_semesters(programme: Programme, semesters: list[str]) -> Programme:
    """The programme with only the targets and values of ``semesters`` (whether a report is expected and received
    for an indicator, beneficiary and semester depends on that semester's rows only)."""
    tables = dict(programme.tables)
    for name in ("targets", "values"):
        tables[name] = tables[name][tables[name]["semester"].isin(semesters).to_numpy(dtype=bool)]
    return Programme(tables)


def missing_reports(programme: Programme, semester: str | None = None) -> pd.DataFrame:
    """The expected reports not received, optionally for one semester (then only its rows are read)."""
    return not_received(
        expected_reports(programme if semester is None else of_semesters(programme, [semester])), semester
    )


def not_received(expected: pd.DataFrame, semester: str | None = None) -> pd.DataFrame:
    """The rows of an expected_reports frame not received (of one semester), as missing_reports gives them."""
    missing = ~expected["reported"]
    if semester is not None:
        missing &= expected["semester"] == semester
    return expected[missing].drop(columns="reported").reset_index(drop=True)
