"""The Semester review's view, without Streamlit: what the page draws for each semester, in both views."""

from __future__ import annotations

import pytest

from indicators.compute.annotations import annotated
from indicators.compute.completeness import reporting_completeness
from indicators.compute.progress import Thresholds, indicator_progress
from indicators.compute.quality import quality_flags
from indicators.compute.suppression import donor_progress
from indicators.domain.schema import empty_programme
from indicators.present.views.semester_review import SemesterReview, semester_review_view
from tests.compute.random_programmes import random_programme


@pytest.fixture(scope="module")
def demo(seeded_store_dir):
    from indicators.store import Store

    programme = Store(seeded_store_dir).approved()
    thresholds = Thresholds.from_settings()
    progress = annotated(indicator_progress(programme, thresholds), programme, thresholds)
    return programme, progress, reporting_completeness(programme), quality_flags(programme)


def test_every_semester_in_both_views(demo):
    programme, progress, completeness, flags = demo
    from ui.filters import semester_options

    for semester in semester_options(programme):
        full = semester_review_view(programme, semester, progress, completeness, flags)
        safe = semester_review_view(programme, semester, donor_progress(progress), completeness, None)
        assert isinstance(full, SemesterReview) and full.semester == semester
        assert safe.quality is None and safe.late == 0, "donors never see data-quality flags"
        assert len(full.status) == len(safe.status) == (progress["semester"] == semester).sum()
        assert full.explanations_missing <= len(full.explanations)
        assert (full.delivery_figure is None) == full.delivery.empty
        if len(full.explanations):
            first = full.explanations["comment"].isna().to_numpy()
            assert list(first) == sorted(first, reverse=True), "those without an explanation come first"


def test_a_semester_reads_as_people_read_it_with_the_next_one(demo):
    programme, progress, completeness, flags = demo
    review = semester_review_view(programme, "2025NovS1", progress, completeness, flags)
    assert review.label == "Nov 2024 – Apr 2025" and review.following_label == "May 2025 – Oct 2025"
    assert {"beneficiary_name", "semester_label"} <= set(review.missing_reports.columns) or review.missing_reports.empty


@pytest.mark.parametrize("seed", [12, 13])
def test_random_programmes_and_a_programme_without_anything(seed):
    programme = random_programme(seed, indicators=6)
    progress = annotated(indicator_progress(programme, Thresholds.from_settings()), programme, Thresholds())
    for semester in ("2024NovS1", "2026NovS2", "2030NovS1"):
        review = semester_review_view(
            programme, semester, donor_progress(progress), reporting_completeness(programme), None
        )
        assert review.completeness_figure is not None
    empty = empty_programme()
    review = semester_review_view(
        empty, "2025NovS1", indicator_progress(empty, Thresholds()), reporting_completeness(empty), None
    )
    assert review.status.empty and review.delivery_figure is None and review.adopted.empty
