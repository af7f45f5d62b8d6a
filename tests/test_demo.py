"""Tests of the illustrative demo programme: its shape, its untidiness and its reproducibility."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from indicators.demo import demo_programme
from indicators.domain import reference as ref
from indicators.domain import schema
from indicators.domain.periods import semester_from_id


@pytest.fixture(scope="module")
def demo() -> schema.Programme:
    return demo_programme()


@pytest.mark.parametrize("table", schema.TABLES, ids=lambda t: t.name)
def test_every_table_has_the_declared_columns_and_dtypes(table: schema.Table, demo) -> None:
    frame = demo[table.name]
    assert list(frame.columns) == table.column_names
    assert {c: str(frame[c].dtype) for c in frame.columns} == {c.name: c.dtype for c in (*table.columns, *table.extra)}
    assert not frame.duplicated(list(table.key)).any(), f"{table.name} repeats a key"


@pytest.mark.parametrize(("level", "count"), [("objective", 1), ("outcome", 3), ("output", 8)])
def test_results_chain_has_one_objective_three_outcomes_eight_outputs(level: str, count: int, demo) -> None:
    assert (demo.results["level"] == level).sum() == count


def test_outputs_belong_to_outcomes_and_outcomes_to_the_objective(demo) -> None:
    levels = dict(zip(demo.results["result_id"], demo.results["level"], strict=True))
    for _, row in demo.results.iterrows():
        parent = row["parent_id"]
        expected = {"objective": None, "outcome": "objective", "output": "outcome"}[row["level"]]
        assert (levels[parent] if not pd.isna(parent) else None) == expected
    assert set(demo.indicators["result_id"]) <= set(levels)


@pytest.mark.parametrize(
    ("column", "value"),
    [
        *[("measure", m) for m in ref.MEASURES],
        *[("aggregation", a) for a in ref.AGGREGATIONS],
        ("direction", "decrease"),
        ("cumulative", True),
        ("sensitive", True),
        ("disaggregation", "sex"),
    ],
)
def test_indicators_cover_every_kind(column: str, value: object, demo) -> None:
    assert len(demo.indicators) == 20
    assert (demo.indicators[column] == value).any()


def test_no_title_claims_to_be_official(demo) -> None:
    titles = pd.concat([demo.results["title"], demo.indicators["title"], demo.activities["title"]])
    assert not titles.str.lower().str.contains("official").any()


def test_beneficiaries_are_the_six_and_regional(demo) -> None:
    assert set(demo.values["beneficiary"]) == set(ref.BENEFICIARY_CODES)
    assert set(demo.activities["beneficiary"]) == set(ref.BENEFICIARY_CODES)


def test_semesters_values_run_2023s2_to_2026s2_and_the_work_plan_adds_2027s1(demo) -> None:
    reported = sorted(set(demo.values["semester"]), key=lambda s: semester_from_id(s, 11))
    assert reported[0] == "2023NovS2" and reported[-1] == "2026NovS2" and len(reported) == 7
    planned = set(demo.activities["semester"])
    assert planned == {*reported, "2027NovS1"} and len(planned) == 8
    assert set(demo.targets["semester"]) == set(reported)


def test_sex_split_values_add_up(demo) -> None:
    split = set(demo.indicators.loc[demo.indicators["disaggregation"] == "sex", "indicator_id"])
    values = demo.values[demo.values["indicator_id"].isin(split) & demo.values["value"].notna()]
    wide = values.pivot_table(index=["indicator_id", "beneficiary", "semester"], columns="sex", values="value")
    assert len(wide) > 50
    assert (wide["total"] == wide["female"] + wide["male"]).all()
    others = demo.values[~demo.values["indicator_id"].isin(split)]
    assert set(others["sex"]) == {"total"}


def test_values_follow_the_conventions_of_each_measure(demo) -> None:
    measures = dict(zip(demo.indicators["indicator_id"], demo.indicators["measure"], strict=True))
    measure = demo.values["indicator_id"].map(measures)
    v = demo.values.assign(measure=measure)
    pct = v[v["measure"] == "percentage"].dropna(subset=["numerator"])
    assert pct["value"].isna().all() and (pct["numerator"] <= pct["denominator"]).all() and len(pct) > 0
    assert set(v.loc[v["measure"] == "milestone", "value"].dropna()) == {0.0, 1.0}
    qual = v[v["measure"] == "qualitative"]
    assert qual["value"].isna().all() and qual["text"].notna().sum() > 0
    counts = v.loc[v["measure"] == "count", "value"].dropna()
    assert (counts >= 0).all() and (counts == counts.round()).all()


def test_sensitive_counts_include_small_numbers(demo) -> None:
    sensitive = set(demo.indicators.loc[demo.indicators["sensitive"], "indicator_id"])
    values = demo.values.loc[demo.values["indicator_id"].isin(sensitive), "value"].dropna()
    assert values.between(1, 4).any()


def test_targets_baselines_and_a_revised_target(demo) -> None:
    assert set(demo.baselines["year"]) == {2023}
    pct = set(demo.indicators.loc[demo.indicators["measure"] == "percentage", "indicator_id"])
    for frame in (demo.baselines, demo.targets):
        assert frame.loc[frame["indicator_id"].isin(pct), "value"].between(0, 100).all()
    end = demo.targets[demo.targets["semester"] == "2026NovS2"]
    revised = end[end.duplicated(["indicator_id", "beneficiary", "semester"], keep=False)]
    assert len(revised) >= 2
    assert revised.groupby(["indicator_id", "beneficiary"])["adopted_at"].nunique().min() == 2
    assert set(demo.targets["adopted_at"]) <= set(demo.meetings["number"])


def test_missing_and_late_reports_exist_most_of_all_in_the_latest_semester(demo) -> None:
    keys = ["indicator_id", "beneficiary", "semester"]
    expected = demo.targets[keys].drop_duplicates()
    reported = demo.values.loc[demo.values["value"].notna() | demo.values["numerator"].notna(), keys]
    missing = expected.merge(reported.drop_duplicates(), how="left", indicator=True)
    missing = missing[missing["_merge"] == "left_only"]
    assert len(missing) > 0
    share = missing["semester"].value_counts() / expected["semester"].value_counts()
    assert share["2026NovS2"] == share.max()
    assert demo.values["comment"].str.contains("late|deadline|not yet", case=False).any()


@pytest.mark.parametrize(
    ("number", "day", "place", "assessed", "adopted"),
    [(2, dt.date(2023, 10, 17), "Skopje", "2023NovS2", "2024NovS1"),
     (4, dt.date(2024, 10, 30), "Podgorica", "2024NovS2", "2025NovS1")],
)  # fmt: skip
def test_meetings_from_the_news_releases(number, day, place, assessed, adopted, demo) -> None:
    row = demo.meetings.set_index("number").loc[number]
    assert row["date"] == pd.Timestamp(day)
    assert (row["place"], row["semester_assessed"], row["semester_adopted"]) == (place, assessed, adopted)
    assert not row["illustrative"]
    assert "news release" in row["source"]


def test_other_meetings_are_illustrative_and_adopt_consecutive_semesters(demo) -> None:
    meetings = demo.meetings
    others = meetings[~meetings["number"].isin([2, 4])]
    assert others["illustrative"].all() and set(others["source"]) == {"illustrative"}
    assert list(meetings["number"]) == list(range(1, 9))
    adopted = [semester_from_id(s, 11) for s in meetings["semester_adopted"]]
    assert [b.index - a.index for a, b in zip(adopted[:-1], adopted[1:], strict=True)] == [1] * 7
    assert meetings["date"].is_monotonic_increasing
    last = meetings.iloc[-1]
    assert (last["semester_assessed"], last["semester_adopted"]) == ("2026NovS2", "2027NovS1")


def test_work_plan_has_80_activities_with_every_status_and_carry_overs(demo) -> None:
    acts = demo.activities
    assert acts["activity_id"].nunique() >= 80
    assert set(acts["status"]) == set(ref.ACTIVITY_STATUSES)
    adopted_by = dict(zip(demo.meetings["semester_adopted"], demo.meetings["number"], strict=True))
    assert (acts["adopted_at"] == acts["semester"].map(adopted_by)).all()
    index = acts["semester"].map(lambda s: semester_from_id(s, 11).index)
    postponed = acts[acts["status"] == "postponed"]
    for _, row in postponed.iterrows():
        again = acts[
            (acts["activity_id"] == row["activity_id"]) & (index > semester_from_id(row["semester"], 11).index)
        ]
        assert len(again) >= 1, f"{row['activity_id']} postponed in {row['semester']} never reappears"
    upcoming = acts[acts["semester"] == "2027NovS1"]
    assert len(upcoming) > 0 and set(upcoming["status"]) == {"planned"} and set(upcoming["adopted_at"]) == {8}
    past = acts[acts["semester"] != "2027NovS1"]
    assert (past["status"] == "completed").mean() > 0.5
    assert "planned" not in set(past["status"])


def test_one_beneficiary_falls_behind(demo) -> None:
    acts = demo.activities[demo.activities["beneficiary"].isin(ref.COUNTRY_CODES)]
    postponed = acts.groupby("beneficiary")["status"].apply(lambda s: (s == "postponed").mean())
    assert postponed.max() >= 2 * postponed.median()
    laggard = postponed.idxmax()
    values = demo.values[demo.values["beneficiary"].isin(ref.COUNTRY_CODES) & (demo.values["sex"] == "total")]
    assert values["beneficiary"].value_counts().idxmin() == laggard  # it also reports least


@pytest.mark.parametrize("seed", [2023, 7])
def test_same_seed_gives_the_same_programme(seed: int) -> None:
    first, second = demo_programme(seed), demo_programme(seed)
    for table in schema.TABLES:
        pd.testing.assert_frame_equal(first[table.name], second[table.name])


def test_different_seeds_give_different_figures() -> None:
    assert not demo_programme(1).values.equals(demo_programme(2).values)
