"""The Indicator page's view, without Streamlit: every indicator of the demo in every semester, in both views."""

from __future__ import annotations

import pytest

from indicators.compute.annotations import annotated
from indicators.compute.progress import Thresholds, indicator_progress
from indicators.compute.rollup import regional_rollup
from indicators.compute.suppression import donor_progress, donor_rollup
from indicators.domain import i18n
from indicators.present.charts import figure_caption
from indicators.present.views.indicator import IndicatorView, indicator_view


@pytest.fixture(scope="module")
def demo(seeded_store_dir):
    from indicators.store import Store

    programme = Store(seeded_store_dir).approved()
    thresholds = Thresholds.from_settings()
    progress = annotated(indicator_progress(programme, thresholds), programme, thresholds)
    rolled = regional_rollup(progress, thresholds)
    safe = donor_progress(progress)
    return programme, (progress, rolled), (safe, donor_rollup(rolled, progress, safe=safe))


@pytest.mark.parametrize("donor", [False, True])
def test_every_indicator_and_semester(demo, donor):
    programme, full, safe = demo
    progress, rolled = safe if donor else full
    semesters = sorted(set(progress["semester"]))
    for n, indicator in enumerate(programme.indicators["indicator_id"]):
        semester = semesters[n % len(semesters)]
        shown = indicator_view(programme, indicator, semester, progress, rolled, donor)
        assert isinstance(shown, IndicatorView) and shown.heading.startswith(f"{indicator} · ")
        rows = progress[progress["indicator_id"] == indicator]
        assert (shown.across is None) == (shown.qualitative or rows.empty)
        due = rows[(rows["semester"] == semester) & rows["explanation_due"].notna()]
        assert len(shown.explanations) == len(due) and len(shown.revisions) == rows["revision_text"].notna().sum()
        if donor:
            sensitive = bool(programme.indicators.set_index("indicator_id").loc[indicator, "sensitive"])
            assert shown.sex_split is None or not sensitive, "donors never see the split of a sensitive count"
            if shown.across is not None:
                assert " 0," not in figure_caption(shown.across) or not sensitive


def test_ind13_for_donors_reads_hidden_never_zero(demo):
    programme, _, (progress, rolled) = demo
    caption = figure_caption(indicator_view(programme, "IND-13", "2026NovS2", progress, rolled, True).across)
    assert "hidden" in caption and "Bosnia and Herzegovina 0" not in caption


def test_the_caption_of_an_indicator_reads_french(demo):
    programme, (progress, rolled), _ = demo
    with i18n.using("fr"):
        shown = indicator_view(programme, "IND-01", "2025NovS1", progress, rolled, False)
    assert shown.about.startswith("Mesure") and shown.semester_label.startswith("nov.")
