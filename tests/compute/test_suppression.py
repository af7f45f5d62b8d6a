"""Small-cell suppression of sensitive counts for donors, and that hidden cells cannot be recovered."""

from __future__ import annotations

import itertools
import math

import pandas as pd
import pytest

from indicators.compute.progress import Thresholds, indicator_progress
from indicators.compute.rollup import regional_rollup
from indicators.compute.suppression import (
    SECONDARY,
    donor_progress,
    donor_rollup,
    own_progress,
    suppress_small_counts,
)
from indicators.domain.schema import TABLES, TABLES_BY_NAME, Programme, conform

S1 = "2025NovS1"
COUNTRIES = ("ALB", "BIH", "XKX", "MNE", "MKD", "SRB")


def cells(values: list[float | None], sensitive: bool = True, measure: str = "count") -> pd.DataFrame:
    """One indicator and semester across beneficiaries."""
    return pd.DataFrame(
        {
            "indicator_id": "I1",
            "semester": S1,
            "beneficiary": list(COUNTRIES[: len(values)]),
            "measure": measure,
            "sensitive": sensitive,
            "value": pd.Series(values, dtype="Float64"),
        }
    )


def suppressed(values: list[float | None], **kwargs: object) -> pd.DataFrame:
    return suppress_small_counts(cells(values, **kwargs), "value", ["indicator_id", "semester"], threshold=5)


@pytest.mark.parametrize(
    ("values", "display"),
    [
        ([10, 20, 30], ["10", "20", "30"]),
        ([0, 20, 30], ["0", "20", "30"]),  # zero stays 0
        ([3, 20, 30], ["<5", SECONDARY, "30"]),  # one small cell: the next smallest non-zero goes too
        ([3, 4, 30], ["<5", "<5", "30"]),  # two small cells protect each other
        ([1, 2, 30, 40], ["<5", "<5", SECONDARY, "40"]),  # 1 + 2 = 3 would give both away: a third cell goes
        ([3, 0, 30], ["<5", "0", SECONDARY]),  # zero is not a hiding place
        ([1, 5, 6], ["<5", SECONDARY, "6"]),  # 5 is not small, but it is the partner
        ([2], ["<5"]),  # alone: nothing else to hide
        ([2, None, 8], ["<5", "", SECONDARY]),  # not reported stays empty
        ([2.5, 7.25, 30], ["<5", SECONDARY, "30"]),
        ([7.25, 30], ["7.2", "30"]),
    ],
)
def test_primary_and_secondary_suppression(values: list[float | None], display: list[str]) -> None:
    out = suppressed(values)
    assert list(out["display"]) == display
    hidden = [d.startswith("<") or d == SECONDARY for d in display]
    assert list(out["suppressed"]) == hidden
    assert all(pd.isna(v) for v, h in zip(out["value"], hidden, strict=True) if h)


@pytest.mark.parametrize(("sensitive", "measure"), [(False, "count"), (True, "percentage"), (True, "milestone")])
def test_only_sensitive_counts_are_suppressed(sensitive: bool, measure: str) -> None:
    out = suppressed([3, 20], sensitive=sensitive, measure=measure)
    assert list(out["display"]) == ["3", "20"] and not out["suppressed"].any()


def test_threshold_defaults_to_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PPD_SUPPRESS_BELOW", "10")
    out = suppress_small_counts(cells([7, 9, 30]), "value", ["indicator_id"])
    assert list(out["display"]) == ["<10", "<10", "30"]


def test_sex_within_a_total_cannot_be_derived() -> None:
    frame = pd.DataFrame(
        {"beneficiary": "ALB", "sex": ["total", "female", "male"], "sensitive": True, "value": [23.0, 3.0, 20.0]}
    )
    out = suppress_small_counts(frame, "value", ["beneficiary"], threshold=5)
    assert list(out["display"]) == ["23", "<5", SECONDARY]  # the next smallest is the male cell


def _recoverable(values: list[float], shown_values: list[float | None]) -> bool:
    """Whether a group total and the shown cells pin down one hidden non-zero cell exactly."""
    hidden = [v for v, s in zip(values, shown_values, strict=True) if s is None or pd.isna(s)]
    return len(hidden) == 1 and sum(values) >= 5  # a total below 5 is itself suppressed wherever it is shown


@pytest.mark.parametrize(
    "values", list(itertools.product([0, 1, 3, 4, 5, 9], repeat=3)) + [(2, 0, 0, 0, 40, 50), (1, 6, 6, 6, 0, 100)]
)
def test_no_suppressed_value_can_be_recovered_from_the_total(values: tuple[int, ...]) -> None:
    out = suppressed(list(values))
    shown = [None if pd.isna(v) else v for v in out["value"]]
    assert not _recoverable(list(values), shown)
    assert all(s is None for v, s in zip(values, shown, strict=True) if 0 < v < 5)  # every small cell hidden
    hidden = [v for v, s in zip(values, shown, strict=True) if s is None and v]
    if hidden and len([v for v in values if v]) > len(hidden):  # something was left to hide and stayed shown
        assert len(hidden) >= 2 and sum(hidden) >= 5  # total minus shown cells bounds no single small count


# --- the donor view of indicator progress ---------------------------------------------------------------------


def make_programme(**rows: list[dict]) -> Programme:
    tables = {t.name: t.empty() for t in TABLES}
    meetings = [{"number": 4, "date": "2024-10-30"}]
    for name, records in {"meetings": meetings, **rows}.items():
        tables[name] = conform(TABLES_BY_NAME[name], pd.DataFrame(records))
    return Programme(tables)


def test_donor_progress_hides_small_sensitive_counts_and_their_progress() -> None:
    def ind(i: str, sensitive: bool) -> dict:
        return {
            "indicator_id": i,
            "result_id": "OC1",
            "title": i,
            "measure": "count",
            "sensitive": sensitive,
            "aggregation": "sum",
            "cumulative": False,
            "direction": "increase",
        }

    figures = {"ALB": 2, "BIH": 12, "SRB": 30, "REG": 9}
    programme = make_programme(
        indicators=[ind("SENS", True), ind("OPEN", False)],
        targets=[
            {"indicator_id": i, "beneficiary": b, "semester": S1, "value": 10, "adopted_at": 4}
            for i in ("SENS", "OPEN")
            for b in figures
        ],
        values=[
            {"indicator_id": i, "beneficiary": b, "semester": S1, "value": v}
            for i in ("SENS", "OPEN")
            for b, v in figures.items()
        ],
    )
    progress = indicator_progress(programme, Thresholds())
    donor = donor_progress(progress, threshold=5).set_index(["indicator_id", "beneficiary"])
    assert donor.loc[("SENS", "ALB"), "semester_value_display"] == "<5"
    assert donor.loc[("SENS", "ALB"), "actual_display"] == "<5"
    assert math.isnan(donor.loc[("SENS", "ALB"), "progress"])  # progress would give the actual back
    assert donor.loc[("SENS", "BIH"), "semester_value_display"] == SECONDARY  # the countries' next smallest
    assert donor.loc[("SENS", "REG"), "semester_value_display"] == "9"  # REG is not added to the countries
    assert donor.loc[("SENS", "SRB"), "semester_value_display"] == "30"
    assert not donor.loc["OPEN", "suppressed"].any()
    assert donor.loc[("OPEN", "ALB"), "actual"] == 2
    assert set(donor.index[donor["suppressed"]]) == {("SENS", "ALB"), ("SENS", "BIH")}
    assert set(progress.columns) <= set(donor.reset_index().columns)


@pytest.mark.parametrize(
    ("alb", "srb", "display"),
    [(1, 2, "<5"), (0, 0, "0"), (5, 9, "14"), (3, 9, SECONDARY)],  # 3 + 9: hidden with the cells it adds up
)
def test_donor_rollup_hides_small_regional_totals(alb: int, srb: int, display: str) -> None:
    programme = make_programme(
        indicators=[
            {
                "indicator_id": "SENS",
                "result_id": "OC1",
                "title": "s",
                "measure": "count",
                "sensitive": True,
                "aggregation": "sum",
            }
        ],
        targets=[
            {"indicator_id": "SENS", "beneficiary": b, "semester": S1, "value": 10, "adopted_at": 4}
            for b in ("ALB", "SRB")
        ],
        values=[
            {"indicator_id": "SENS", "beneficiary": b, "semester": S1, "value": v}
            for b, v in (("ALB", alb), ("SRB", srb))
        ],
    )
    progress = indicator_progress(programme, Thresholds())
    row = donor_rollup(regional_rollup(progress, Thresholds()), progress, threshold=5).iloc[0]
    assert row["actual_display"] == display
    assert row["suppressed"] == (display in ("<5", SECONDARY))
    assert math.isnan(row["progress"]) == (display in ("<5", SECONDARY))


def test_donor_views_of_an_empty_programme_are_empty() -> None:
    progress = indicator_progress(make_programme(), Thresholds())
    assert donor_progress(progress).empty and "suppressed" in donor_progress(progress).columns
    assert donor_rollup(regional_rollup(progress, Thresholds()), progress).empty


# --- leaks found in review: status and running totals -------------------------------------------------------


def _sensitive_programme(values: dict[str, float], cumulative: bool, target: float = 3):
    from tests.factories import programme

    semesters = list(values)
    return programme(
        indicators=[{"indicator_id": "S1", "result_id": "OC1", "title": "VEPs in programmes", "measure": "count",
                     "direction": "increase", "cumulative": cumulative, "aggregation": "sum", "sensitive": True,
                     "disaggregation": "none"}],
        baselines=[{"indicator_id": "S1", "beneficiary": "ALB", "value": 0, "year": 2023}],
        targets=[{"indicator_id": "S1", "beneficiary": "ALB", "semester": s, "value": target, "adopted_at": 1}
                 for s in semesters],
        values=[{"indicator_id": "S1", "beneficiary": "ALB", "semester": s, "sex": "total", "value": v}
                for s, v in values.items()],
        meetings=[{"number": 1, "date": pd.Timestamp("2023-01-01")}],
    )  # fmt: skip


def test_a_hidden_count_hides_its_status_too() -> None:
    from indicators.compute.progress import indicator_progress

    shown = donor_progress(indicator_progress(_sensitive_programme({"2024NovS1": 2}, cumulative=False)))
    row = shown.iloc[0]
    assert row["actual_display"] == "<5"
    assert row["status"] == "suppressed" and pd.isna(row["progress"])  # "at risk" with target 3 would give 2 away


def test_running_totals_cannot_be_differenced_into_a_small_count() -> None:
    from indicators.compute.progress import indicator_progress

    values = {"2024NovS1": 17, "2024NovS2": 3, "2025NovS1": 9}
    shown = donor_progress(indicator_progress(_sensitive_programme(values, cumulative=True, target=40)))
    shown = shown.set_index("semester").loc[list(values)]
    assert shown["semester_value"].isna().all()  # donors see running totals only
    totals = shown["actual"].tolist()
    assert totals[0] == 17 and pd.isna(totals[1])  # 20 would give away the 3 added that semester
    assert totals[2] == 29  # 29 - 17 = 12 is the sum of two semesters, not one small count


def test_own_progress_shows_only_the_own_beneficiaries_unsuppressed(demo_store) -> None:
    """Need to know: an analyst limited to some beneficiaries sees their counts as reported and every other
    beneficiary's as donors do."""
    progress = indicator_progress(demo_store.approved(), Thresholds.from_settings())
    safe = donor_progress(progress)
    hidden = safe[safe["suppressed"]]
    own, other = hidden["beneficiary"].value_counts().index[:2]  # two beneficiaries with hidden counts
    mixed = own_progress(progress, safe, (own,))
    assert list(mixed.columns) == list(safe.columns) and mixed.index.equals(progress.index)
    mine = (mixed["beneficiary"] == own).to_numpy()
    pd.testing.assert_series_equal(mixed["actual"][mine], progress["actual"][mine], check_dtype=False)
    assert not mixed["suppressed"][mine].any()
    reported = hidden.index[(hidden["beneficiary"] == own) & progress.loc[hidden.index, "actual"].notna()]
    assert len(reported) and mixed.loc[reported, "actual_display"].str.match(r"^\d").all()
    theirs = ~mine
    pd.testing.assert_frame_equal(mixed[theirs], safe[theirs], check_dtype=False)
    assert mixed.loc[hidden.index[hidden["beneficiary"] == other], "suppressed"].all()
    shown_anyway = ~safe["suppressed"].to_numpy() & mine  # what donors see of the own rows reads the same
    assert (mixed["actual_display"][shown_anyway] == safe["actual_display"][shown_anyway]).all()
