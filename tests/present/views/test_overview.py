"""The Overview's view, without Streamlit: every semester of the demo in both views, and an empty programme."""

from __future__ import annotations

from indicators.compute.progress import Thresholds, indicator_progress
from indicators.compute.suppression import donor_progress
from indicators.domain.schema import empty_programme
from indicators.present.views.overview import Overview, overview_view


def test_every_semester_in_both_views(seeded_store_dir):
    from indicators.store import Store
    from ui.filters import semester_options

    programme = Store(seeded_store_dir).approved()
    progress = indicator_progress(programme, Thresholds.from_settings())
    safe = donor_progress(progress)
    drawn = 0
    for semester in semester_options(programme):
        full, donor = overview_view(programme, semester, progress), overview_view(programme, semester, safe)
        assert isinstance(full, Overview)
        planned = (programme.activities["semester"] == semester).any()
        assert (full.delivery is None) == (not planned) == (donor.delivery is None)
        assert len(full.status) == len(donor.status), "the donor view hides figures, not rows"
        assert set(full.status["semester"]) <= {semester}
        drawn += full.delivery is not None
    assert drawn, "the demo plans activities in some semester"


def test_an_empty_programme_shows_nothing():
    programme = empty_programme()
    shown = overview_view(programme, "2025NovS1", indicator_progress(programme, Thresholds.from_settings()))
    assert shown.status.empty and shown.delivery is None
