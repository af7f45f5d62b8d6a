"""The Beneficiary page's view, without Streamlit: every beneficiary of the demo in every semester, both views."""

from __future__ import annotations

import pytest

from indicators.compute.annotations import annotated
from indicators.compute.progress import Thresholds, indicator_progress
from indicators.compute.suppression import donor_progress
from indicators.present.charts import figure_caption
from indicators.present.views.beneficiary import BeneficiaryView, beneficiary_view, trend_view
from ui.filters import beneficiary_options, semester_options


@pytest.fixture(scope="module")
def demo(seeded_store_dir):
    from indicators.store import Store

    programme = Store(seeded_store_dir).approved()
    thresholds = Thresholds.from_settings()
    progress = annotated(indicator_progress(programme, thresholds), programme, thresholds)
    return programme, progress, donor_progress(progress)


@pytest.mark.parametrize("donor", [False, True])
def test_every_beneficiary_and_semester(demo, donor):
    programme, full, safe = demo
    progress = safe if donor else full
    for beneficiary in beneficiary_options(programme):
        for semester in semester_options(programme):
            shown = beneficiary_view(programme, beneficiary, semester, progress)
            assert isinstance(shown, BeneficiaryView)
            mine = progress[(progress["beneficiary"] == beneficiary) & (progress["semester"] == semester)]
            assert len(shown.rows) == len(mine)
            if len(shown.rows):
                assert shown.rows["status_text"].str.strip().str.len().min() > 0, "every status in words"
        for indicator in shown.indicators[:3]:
            caption = figure_caption(trend_view(progress, beneficiary, indicator))
            assert caption and "–," not in caption


def test_montenegro_for_donors_revisions_with_hidden_statuses(demo):
    programme, _, safe = demo
    shown = beneficiary_view(programme, "MNE", "2026NovS2", safe)
    assert len(shown.revisions) and shown.revisions["status_text"].notna().all()
