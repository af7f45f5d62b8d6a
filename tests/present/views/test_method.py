"""The Method page's view: plain words, worked examples from the data shown, no code names, no ISO timestamps."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from indicators.compute.annotations import annotated
from indicators.compute.completeness import reporting_completeness
from indicators.compute.progress import STATUSES, Thresholds, indicator_progress
from indicators.compute.rollup import regional_rollup
from indicators.compute.suppression import donor_progress, donor_rollup
from indicators.domain import i18n
from indicators.present.views import method
from tests.factories import indicator, programme

SETTINGS = {"OVER_ACHIEVED": 1.5, "QUALITY_JUMP_FACTOR": 3.0, "SUPPRESS_BELOW": 5.0}
META = {
    "id": "000007",
    "file_name": "autumn.xlsx",
    "approved_at": "2026-12-06T21:33:08+00:00",
    "approved_by": "m@x.org",
}
CODE_NAMES = re.compile(r"progress_display|explanation_due|suppression\.|DERIVED_COLUMNS|STATUS_[A-Z]|_[a-z]+_|``")
ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def small() -> tuple:
    p = programme(
        indicators=[indicator("I1", cumulative=False), indicator("I2", sensitive=True)],
        baselines=[{"indicator_id": "I1", "beneficiary": b, "value": 0, "year": 2023} for b in ("ALB", "MNE")],
        targets=[
            {"indicator_id": i, "beneficiary": b, "semester": "2025NovS1", "value": 40, "adopted_at": 2}
            for i in ("I1", "I2")
            for b in ("ALB", "MNE")
        ],
        values=[
            {"indicator_id": "I1", "beneficiary": "ALB", "semester": "2025NovS1", "value": 30},
            {"indicator_id": "I1", "beneficiary": "MNE", "semester": "2025NovS1", "value": 10},
            {"indicator_id": "I2", "beneficiary": "ALB", "semester": "2025NovS1", "value": 3},
            {"indicator_id": "I2", "beneficiary": "MNE", "semester": "2025NovS1", "value": 20},
        ],
        activities=[
            {"activity_id": f"A{n}", "semester": "2025NovS1", "beneficiary": "ALB", "status": status}
            for n, status in enumerate(["completed", "completed", "ongoing", "cancelled"])
        ],
        meetings=[{"number": 2, "date": pd.Timestamp("2023-10-17"), "place": "Skopje"}],
    )
    thresholds = Thresholds(achieved=1.0, on_track=0.75, at_risk=0.4)
    progress = annotated(indicator_progress(p, thresholds), p, thresholds)
    return p, progress, regional_rollup(progress, thresholds), thresholds


def view(donor: bool = False, zone: str | None = "Europe/Podgorica") -> method.MethodView:
    p, progress, rolled, thresholds = small()
    if donor:
        safe = donor_progress(progress)
        progress, rolled = safe, donor_rollup(rolled, progress, safe=safe)
    return method.method_view(
        p, META, progress, rolled, reporting_completeness(p), "2025NovS1", thresholds, SETTINGS, zone
    )


def test_each_rule_has_a_worked_example_from_the_data_shown():
    shown = view()
    examples = {s.title: s.example for s in shown.sections}
    assert "I1 for Albania, Nov 2024 – Apr 2025: baseline 0, target 40, actual 30" in examples["Progress and status"]
    assert "= 75%, so the status is ● on track" in examples["Progress and status"]
    assert examples["Regional roll-ups"] == "Example: I1, Nov 2024 – Apr 2025: 30 + 10 = 40, from 2 beneficiaries."
    assert examples["Work-plan delivery"].endswith("2 completed of 4 planned, 1 cancelled: 2 ÷ (4 − 1) = 67%.")
    assert "4 of 4 expected reports arrived (100%)" in examples["Reporting completeness"]


def test_no_code_names_and_no_iso_timestamps_in_what_people_read():
    shown = view()
    everything = " ".join([shown.data_shown, *(s.rule + s.example for s in shown.sections)])
    assert not CODE_NAMES.search(everything), CODE_NAMES.search(everything)
    assert not ISO.search(everything)
    assert shown.data_shown == "Version 000007 (file “autumn.xlsx”), approved on 6 December 2026, 22:33 CET by m@x.org."
    assert "UTC" in view(zone=None).data_shown


def test_the_donor_view_takes_no_example_from_a_hidden_figure():
    shown = view(donor=True)
    regional = next(s for s in shown.sections if s.title == "Regional roll-ups")
    assert "I2" not in regional.example and "3" not in regional.example.replace("30", "")


def test_statuses_say_hidden_and_no_data_apart_and_what_each_means():
    statuses = view().statuses.set_index("label")
    assert statuses.loc["Hidden (small count)", "symbol"] != statuses.loc["No data", "symbol"]
    assert statuses["meaning"].str.len().min() > 20
    assert set(statuses.index) == {s.label for s in STATUSES}  # every status, the regional "incomplete" too


def test_the_regional_coverage_rule_is_said_with_its_example():
    regional = next(s for s in view().sections if s.title == "Regional roll-ups")
    assert "at least two thirds of the beneficiaries with a target reported" in regional.rule
    assert regional.rule.endswith('the region reads "incomplete reporting", not "achieved".')


@pytest.mark.parametrize("donor", [False, True])
def test_in_french_the_view_reads_french(donor):
    with i18n.using("fr"):
        shown = view(donor=donor, zone="Europe/Paris")
    assert "approuvée le 6 décembre 2026, 22:33" in shown.data_shown
    assert all(s.title and s.rule for s in shown.sections)
    assert "Progression = (" in shown.sections[0].example


def test_without_approved_data_the_view_says_so():
    empty = method.method_view(None, None, pd.DataFrame(), pd.DataFrame(), pd.DataFrame(), None, Thresholds(), SETTINGS)
    assert empty.data_shown == "No version is approved yet." and empty.meetings.empty
    assert all(s.example == "" for s in empty.sections)


def sums_that_do_not_add_up(count: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``count`` summed indicators in one semester whose regional total is not what their beneficiaries with a
    target reported (a running total carried forward, say), and one more, last in the page's order, whose is."""
    ids = [f"I{n:04d}" for n in range(count + 1)]  # "I0000" comes first; the one that adds up is the last
    figures = {"ALB": 1.0, "MNE": 2.0, "SRB": 3.0, "REG": 50.0}
    progress = pd.DataFrame(
        [
            {"indicator_id": i, "semester": "2025NovS1", "beneficiary": b, "actual": a, "target": 10.0}
            for i in ids
            for b, a in figures.items()
        ]
    )
    rollup = pd.DataFrame(
        {
            "indicator_id": ids,
            "semester": "2025NovS1",
            "beneficiary": "ALL",
            "aggregation": "sum",
            "actual": [7.0] * count + [6.0],
        }
    )
    return progress, rollup


def test_the_regional_example_scans_the_beneficiaries_figures_once_not_once_per_regional_sum(monkeypatch):
    """A large programme has thousands of regional sums; when few add up, comparing the whole progress frame
    once per sum made the Method page's first open take 15 s at 100,000 values. The comparisons over the whole
    frame must not grow with the number of sums (a count of operations, not a timing)."""

    def scans(count: int) -> tuple[str, int]:
        progress, rollup = sums_that_do_not_add_up(count)
        seen = []
        with monkeypatch.context() as patch:
            for name in ("__eq__", "__ne__"):
                compare = getattr(pd.Series, name)

                def counted(series, other, _compare=compare):
                    seen.append(len(series) == len(progress))  # a comparison over the whole frame
                    return _compare(series, other)

                patch.setattr(pd.Series, name, counted)
            example = method.rollup_example(progress, rollup, "2025NovS1")
        return example, sum(seen)

    few, many = scans(5), scans(400)
    expected = "Example: I{}, Nov 2024 – Apr 2025: 1 + 2 + 3 = 6, from 3 beneficiaries."
    assert few[0] == expected.format("0005") and many[0] == expected.format("0400")
    assert many[1] == few[1] <= 3


def test_the_regional_example_is_the_first_sum_that_adds_up_newest_semester_first():
    progress, rollup = sums_that_do_not_add_up(3)
    older = progress.assign(semester="2024NovS2", actual=progress["actual"] * 2)
    progress = pd.concat([older, progress], ignore_index=True)
    rollup = pd.concat([rollup.assign(semester="2024NovS2", actual=12.0), rollup], ignore_index=True)
    assert method.rollup_example(progress, rollup, None) == (
        "Example: I0003, Nov 2024 – Apr 2025: 1 + 2 + 3 = 6, from 3 beneficiaries."
    )
    assert method.rollup_example(progress, rollup, "2024NovS2") == (
        "Example: I0000, May 2024 – Oct 2024: 2 + 4 + 6 = 12, from 3 beneficiaries."
    )
    assert method.rollup_example(progress, rollup.assign(actual=7.0), None) == ""
    with i18n.using("fr"):
        assert method.rollup_example(progress, rollup, None) == (
            "Exemple : I0003, nov. 2024 – avr. 2025 : 1 + 2 + 3 = 6, pour 3 bénéficiaires."
        )
