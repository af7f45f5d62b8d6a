"""Issue 13, rule 5: data-quality flags, each check with a table of cases (the demo's quoted case included)."""

from __future__ import annotations

import pandas as pd
import pytest

from indicators.compute.quality import quality_flags
from indicators.demo import demo_programme
from indicators.domain.periods import semester_label
from indicators.domain.schema import TABLES_BY_NAME, Programme, conform
from tests.compute.test_progress import S1, S2, S3, make_programme
from tests.factories import indicator, programme

KEY = {"indicator_id": "I1", "beneficiary": "ALB"}


def flags_of(fields: dict, values: list[dict], targets: list[dict] = ()) -> pd.DataFrame:
    programme = make_programme(
        indicators=[indicator(**fields)],
        targets=[KEY | {"adopted_at": 4} | t for t in targets],
        values=[KEY | v for v in values],
    )
    return quality_flags(programme, factor=3)


CASES = [
    # (name, indicator fields, values, targets, expected (check, semester) flags)
    ("sex split adds up", {"disaggregation": "sex"},
     [{"semester": S1, "sex": "total", "value": 10}, {"semester": S1, "sex": "female", "value": 4},
      {"semester": S1, "sex": "male", "value": 6}], [], []),
    ("sex split does not add up", {"disaggregation": "sex"},
     [{"semester": S1, "sex": "total", "value": 10}, {"semester": S1, "sex": "female", "value": 40},
      {"semester": S1, "sex": "male", "value": 6}], [], [("sex_split", S1)]),
    ("steady", {}, [{"semester": S1, "value": 10}, {"semester": S2, "value": 12}], [], []),
    ("a jump up", {}, [{"semester": S1, "value": 10}, {"semester": S2, "value": 31}], [], [("jump", S2)]),
    ("a jump down", {}, [{"semester": S1, "value": 30}, {"semester": S2, "value": 9}], [], [("jump", S2)]),
    ("exactly the factor", {}, [{"semester": S1, "value": 10}, {"semester": S2, "value": 30}], [], []),
    ("against the previous reported semester", {},
     [{"semester": S1, "value": 10}, {"semester": S3, "value": 40}], [], [("jump", S3)]),
    ("cumulative target falls", {"cumulative": True}, [],
     [{"semester": S1, "value": 10}, {"semester": S2, "value": 8}], [("target_falls", S2)]),
    ("per-semester target may fall", {}, [], [{"semester": S1, "value": 10}, {"semester": S2, "value": 8}], []),
    # issue 23: a meeting's documented revision lowering a target is no data error; an undocumented one is flagged
    ("lowered by a documented revision", {"cumulative": True}, [],
     [{"semester": S1, "value": 10}, {"semester": S2, "value": 12},
      {"semester": S2, "value": 8, "adopted_at": 5, "note": "Lowered by the 5th meeting"}], []),
    ("lowered by a revision without a note", {"cumulative": True}, [],
     [{"semester": S1, "value": 10}, {"semester": S2, "value": 12}, {"semester": S2, "value": 8, "adopted_at": 5}],
     [("target_falls", S2)]),
    ("running total falls", {"cumulative": True},
     [{"semester": S1, "value": 10}, {"semester": S2, "value": -2}], [], [("running_total_falls", S2)]),
    ("milestone undone", {"measure": "milestone"},
     [{"semester": S1, "value": 1}, {"semester": S2, "value": 0}], [], [("milestone_undone", S2)]),
    ("milestone not yet done", {"measure": "milestone"},
     [{"semester": S1, "value": 0}, {"semester": S2, "value": 1}], [], []),
]  # fmt: skip


@pytest.mark.parametrize(("fields", "values", "targets", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_quality_flags(fields, values, targets, expected) -> None:
    flags = flags_of(fields, values, targets)
    assert sorted(zip(flags["check"], flags["semester"], strict=True)) == sorted(expected)
    assert flags["message"].str.len().gt(10).all()


def test_the_demo_revision_lowering_ind_13_is_not_flagged() -> None:
    demo = demo_programme()
    revised = demo.targets[demo.targets["note"].astype("string").str.startswith("Lowered", na=False)]
    assert list(revised["indicator_id"]) == ["IND-13"]  # the laggard's end target, lowered by the 6th meeting
    assert quality_flags(demo)[lambda f: f["check"] == "target_falls"].empty  # was flagged "target falls"


def test_the_reviews_case_female_5_to_50_is_flagged_with_the_figures() -> None:
    demo = demo_programme()
    assert quality_flags(demo)[lambda f: f["check"] == "sex_split"].empty
    values = demo.values.copy()
    row = (values["indicator_id"] == "IND-06") & (values["beneficiary"] == "ALB") & (values["sex"] == "female")
    row &= values["semester"] == "2025NovS1"
    assert values.loc[row, "value"].tolist() == [5]
    values.loc[row, "value"] = 50
    changed = Programme({**demo.tables, "values": conform(TABLES_BY_NAME["values"], values)})
    flags = quality_flags(changed)
    split = flags[flags["check"] == "sex_split"]
    assert list(zip(split["indicator_id"], split["beneficiary"], split["semester"], strict=True)) == [
        ("IND-06", "ALB", "2025NovS1")
    ]
    assert "female 50 + male" in split["message"].iloc[0]


def test_a_jump_names_the_previous_figure() -> None:
    flags = flags_of({}, [{"semester": S1, "value": 10}, {"semester": S2, "value": 31}])
    row = flags.iloc[0]
    assert (row["value"], row["previous_semester"], row["previous_value"]) == (31, S1, 10)
    assert row["message"].startswith("31 against 10 in ")


def test_an_undone_milestone_names_the_semester_as_people_read_it() -> None:
    flags = flags_of({"measure": "milestone"}, [{"semester": S1, "value": 1}, {"semester": S2, "value": 0}])
    assert flags["message"].tolist() == [
        f"reported not done, after done in an earlier semester (last: {semester_label(S1)})"
    ]
    assert S1 not in flags["message"].iloc[0]  # not the semester's id


@pytest.mark.parametrize(
    ("comment", "late"),
    [
        ("Reported after the deadline", True),
        ("late report", True),
        ("Delayed by the administration", True),
        ("Transmis en retard", True),
        ("Collated by the translator", False),  # 'late' inside a word is not a mark
        (None, False),
        ("On time", False),
    ],
)
def test_reports_marked_late_are_counted(comment, late) -> None:
    data = programme(
        indicators=[indicator("I1")],
        values=[{"indicator_id": "I1", "beneficiary": "ALB", "semester": "2025NovS1", "value": 3, "comment": comment}],
    )
    flags = quality_flags(data)
    assert (flags["check"] == "late").sum() == int(late)


@pytest.mark.parametrize("seed", [0, 3, 8, "demo"])
def test_one_semesters_flags_are_its_rows_of_every_flag(seed) -> None:
    """The Semester review asks for one semester's flags (sentences are written for those only): they are the
    rows of the whole frame whose semester it is, numbered from 0, in both languages."""
    from indicators.domain import i18n
    from tests.compute.random_programmes import random_programme

    data = demo_programme() if seed == "demo" else random_programme(seed, indicators=16)
    for language in ("en", "fr"):
        with i18n.using(language):
            every = quality_flags(data, factor=2)
            assert len(every)
            for semester in [*sorted(set(data.values["semester"].dropna())), "2099NovS1"]:
                expected = every[every["semester"] == semester].reset_index(drop=True)
                pd.testing.assert_frame_equal(quality_flags(data, factor=2, semester=semester), expected)
