"""The donor edition says what the donor pages say: the same donor-safe frames and headline figures.

The app's donor view is ``donor_progress`` / ``donor_rollup`` of the approved data's progress and roll-up and
``headline_figures(..., donor=True)`` (ui/data.py); the report's content must be built from exactly those, so
no figure of the donor edition comes from unsuppressed statuses or values.
"""

from __future__ import annotations

import pandas as pd
import pytest

from indicators.compute.headlines import headline_figures
from indicators.compute.progress import Thresholds, indicator_progress
from indicators.compute.rollup import regional_rollup
from indicators.compute.suppression import donor_progress, donor_rollup
from indicators.present.reports import ReportContent
from tests.present.reports.conftest import SEMESTER

KEY = ["indicator_id", "beneficiary"]


@pytest.fixture(scope="module")
def app_view(demo_source) -> dict[str, pd.DataFrame]:  # noqa: ANN001
    """What the app's pages compute from the approved programme (ui/data.py), for both views."""
    programme, _ = demo_source
    thresholds = Thresholds.from_settings()
    progress = indicator_progress(programme, thresholds)
    rollup = regional_rollup(progress, thresholds)
    return {
        "manager": progress,
        "donor": donor_progress(progress),
        "donor_rollup": donor_rollup(rollup, progress),
        "manager_headlines": headline_figures(programme, SEMESTER, thresholds),
        "donor_headlines": headline_figures(programme, SEMESTER, thresholds, donor=True),
    }


@pytest.mark.parametrize("audience", ["manager", "donor"])
def test_headline_figures_are_the_pages_own(
    contents: dict[str, ReportContent], app_view: dict[str, pd.DataFrame], audience: str
) -> None:
    got = contents[audience].headlines
    want = app_view[f"{audience}_headlines"]
    assert list(got["figure"]) == list(want["figure"])
    for column in ("value", "previous", "change"):
        pd.testing.assert_series_equal(got[column], want[column], check_names=False)


def test_donor_share_on_track_leaves_hidden_statuses_out(
    contents: dict[str, ReportContent], app_view: dict[str, pd.DataFrame]
) -> None:
    donor, manager = (contents[a].headlines.set_index("figure")["value"] for a in ("donor", "manager"))
    figure = "Indicators on track or achieved"
    semester = app_view["donor"][app_view["donor"]["semester"] == SEMESTER]
    if not (semester["status"] == "suppressed").any():
        pytest.skip("no hidden status in the demo's semester")
    assert donor[figure] == app_view["donor_headlines"].set_index("figure").loc[figure, "value"]
    assert contents["donor"].headlines.set_index("figure").loc[figure, "value_text"] == f"{donor[figure]:.0f}%"
    assert donor[figure] != manager[figure] or semester["suppressed"].sum() == 0


def test_donor_rows_are_the_donor_views_rows(
    contents: dict[str, ReportContent], app_view: dict[str, pd.DataFrame]
) -> None:
    status = contents["donor"].status.set_index(KEY)
    view = app_view["donor"]
    view = view[view["semester"] == SEMESTER].set_index(KEY).loc[status.index]
    assert status["suppressed"].any(), "the demo's semester has hidden figures"
    for column in ("baseline", "semester_value", "actual", "target", "status", "progress_display"):
        pd.testing.assert_series_equal(status[column], view[column], check_names=False, check_dtype=False)
    hidden = status[status["actual"].isna() & view["actual_display"].str.match(r"^(<|\[c\])", na=False)]
    assert len(hidden) and (hidden["actual_text"] == view.loc[hidden.index, "actual_display"]).all()
    hidden_baselines = view["baseline"].isna() & view["baseline_display"].str.match(r"^(<|\[c\])", na=False)
    assert (status.loc[hidden_baselines, "baseline_text"] == view.loc[hidden_baselines, "baseline_display"]).all()


def test_donor_regional_rows_are_the_donor_rollups(
    contents: dict[str, ReportContent], app_view: dict[str, pd.DataFrame]
) -> None:
    regional = contents["donor"].logframe
    regional = regional[regional["scope"] == "All beneficiaries"].set_index("indicator_id")
    rollup = app_view["donor_rollup"]
    rollup = rollup[rollup["semester"] == SEMESTER].set_index("indicator_id").loc[regional.index]
    for column in ("baseline", "actual", "status"):
        pd.testing.assert_series_equal(
            regional[column], rollup[column], check_names=False, check_dtype=False, check_index_type=False
        )
    hidden = rollup["actual"].isna() & rollup["actual_display"].str.match(r"^(<|\[c\])", na=False)
    assert (regional.loc[hidden, "actual_text"] == rollup.loc[hidden, "actual_display"]).all()
    assert "beneficiaries_meeting_target" not in contents["donor"].rollup.columns


@pytest.mark.parametrize("audience", ["manager", "donor"])
def test_the_logframe_gives_explanations_and_target_revisions(demo_source, audience: str) -> None:
    """Issue 13: the analyst's explanation beside an at-risk, off-track, over-achieved or missing figure, or
    that none was given; a revised target with the meeting that revised it and its note."""
    from indicators.present.reports import report_content

    programme, source = demo_source
    content = report_content(programme, source, "2026NovS2", audience)
    status = content.status.set_index(KEY)
    revised = status.loc[("IND-13", "MNE"), "comment"]
    assert "Target revised from 7 (1st meeting) to 4 by the 6th meeting on 21 Oct 2025" in revised
    assert "pre-release programme started later than planned" in revised
    needing = content.status[content.status["explanation_due"].notna() & ~content.status["suppressed"].astype(bool)]
    logframe = " ".join(content.logframe["comment"].astype(str))
    if audience == "manager":  # an explanation, or the words saying none was given
        assert len(needing) and needing["comment"].notna().all()
        assert needing["comment"].str.contains("No explanation given").any()
    else:  # issue 24: workflow text is not for donors
        words = " ".join(content.status["comment"].dropna().astype(str)) + logframe + " ".join(content.summary)
        assert "No explanation given" not in words and "explanation" not in words
    assert "Target revised from 7 (1st meeting) to 4" in logframe


# Issue 24: the summary is written from the report's own figures.


@pytest.mark.parametrize("audience", ["manager", "donor"])
def test_the_summary_is_written_from_the_figures(contents: dict[str, ReportContent], audience: str) -> None:
    content = contents[audience]
    sentences = [*content.summary, *content.decisions]
    assert 5 <= len(sentences) <= 8
    reported, expected = int(content.completeness["reported"].sum()), int(content.completeness["expected"].sum())
    assert any(f"{reported} of the {expected} values expected were reported" in s for s in sentences)
    completed, planned = int(content.delivery["completed"].sum()), int(content.delivery["planned"].sum())
    assert any(f"{completed} of the {planned} activities planned were completed" in s for s in sentences)
    level = content.logframe[~content.logframe.duplicated("indicator_id", keep=False)]
    measured = level[level["status"] != "not_due"]
    meeting = int(measured["status"].isin(["achieved", "on_track"]).sum())
    assert sentences[0].startswith(f"{meeting} of the {len(measured)} indicators measured at programme level")
    at_risk = measured[measured["status"].isin(["at_risk", "off_track"])]["indicator_id"]
    assert all(i in sentences[2] for i in at_risk) and "at risk or off track" in sentences[2]
    assert f"work plan for {content.next_label} ({len(content.next_activities)} activities)" in sentences[-1]
    workflow = any("need an explanation" in s for s in sentences)
    assert workflow == (audience == "manager")  # the donor edition has no workflow text


def test_a_status_the_computation_adds_is_counted_under_its_own_label(contents: dict[str, ReportContent]) -> None:
    """The other engineer's coverage rule adds statuses such as 'incomplete reporting': the summary counts and
    names them as the computed frames label them, without a change here."""
    from indicators.present.reports.content import summary_sentences

    content = contents["manager"]
    logframe = content.logframe.copy()
    first = logframe.index[logframe["status"] == "achieved"][0]
    logframe.loc[first, ["status", "status_symbol", "status_label"]] = ["incomplete", "◍", "Incomplete reporting"]
    sentences = summary_sentences(
        logframe, content.status, content.status_counts, content.headlines, content.completeness,
        content.delivery, donor=False,
    )  # fmt: skip
    assert "1 ◍ incomplete reporting" in sentences[0]
    assert sentences[0] != content.summary[0]


def test_a_long_list_of_indicators_is_cut_with_a_count(contents: dict[str, ReportContent]) -> None:
    """A programme of 800 indicators filled two pages of the summary with every indicator at risk: a sentence
    names the first LISTED and counts the others."""
    from indicators.present.reports.content import LISTED, summary_sentences

    content = contents["manager"]
    logframe = content.logframe
    at_risk = logframe[logframe["status"] == "at_risk"].iloc[0]
    many = pd.concat([logframe, *[at_risk.to_frame().T.assign(indicator_id=f"IND-9{n:02d}") for n in range(20)]])
    sentences = summary_sentences(
        many, content.status, content.status_counts, content.headlines, content.completeness,
        content.delivery, donor=False,
    )  # fmt: skip
    sentence = next(s for s in sentences if s.startswith("At programme level"))
    shortfall = logframe["status"].isin(["at_risk", "off_track"]) & logframe["scope"].eq("All beneficiaries")
    assert sentence.count("(") - sentence.count("(note") >= LISTED
    assert f"and {20 + int(shortfall.sum()) - LISTED} more are at risk or off track" in sentence, sentence
    assert "IND-919" not in sentence


def test_the_decisions_name_the_target_revisions_proposed(demo_source, contents: dict[str, ReportContent]) -> None:  # noqa: ANN001
    from indicators.present.reports.content import proposed_revisions

    programme, _ = demo_source
    meeting = contents["manager"].meetings
    number = int(meeting.loc[meeting["semester_assessed"] == SEMESTER, "number"].iloc[0])
    revised = proposed_revisions(programme, number)
    assert revised == ["IND-06"]  # the demo: the raised end target of Bosnia and Herzegovina
    targets = programme.targets
    for indicator in revised:  # each one replaces a target an earlier meeting adopted for the same cell
        mine = targets[targets["indicator_id"] == indicator]
        again = mine[mine["adopted_at"] == number].merge(
            mine[mine["adopted_at"] < number], on=["beneficiary", "semester"]
        )
        assert len(again)
    assert all(i in contents["manager"].decisions[-1] for i in revised)
