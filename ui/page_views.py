"""The pages' views (indicators/present/views/), each made once per data version, view, language and the
page's choices from the cached frames of ui/data.py, and the same object at every rerun (pages never change it).
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from indicators.compute.annotations import annotated
from indicators.compute.completeness import not_received
from indicators.compute.progress import Thresholds, latest_status
from indicators.compute.rollup import regional_rollup
from indicators.compute.suppression import donor_progress, donor_rollup
from indicators.domain import i18n
from indicators.domain.settings import setting_float
from indicators.present.views import beneficiary as beneficiary_views
from indicators.present.views import indicator as indicator_views
from indicators.present.views import method as method_views
from indicators.present.views import overview as overview_views
from indicators.present.views import semester_review as semester_review_views
from indicators.present.views import workplan as workplan_views
from indicators.store import Store
from ui import data, view
from ui.data import (
    _approved,
    _completeness,
    _donor_progress,
    _donor_rollup,
    _expected,
    _indicator_progress,
    _options,
    _progress,
    _quality,
    _rollup,
    store,
    zone,
)


@st.cache_resource(show_spinner=False, max_entries=16)
def _method_view(data_version: str, donor: bool, lang: str, zone: str | None, _store: Store) -> method_views.MethodView:
    programme = _approved(data_version, _store)
    progress = (_donor_progress if donor else _progress)(data_version, lang, _store)
    rolled = (_donor_rollup if donor else _rollup)(data_version, lang, _store)
    settings = {name: setting_float(name) for name in ("OVER_ACHIEVED", "QUALITY_JUMP_FACTOR", "SUPPRESS_BELOW")}
    semester = _options(data_version, _store).default_semester
    completeness = _completeness(data_version, lang, semester, _store)  # the example reads the semester's only
    return method_views.method_view(
        programme, _store.approved_meta(), progress, rolled, completeness, semester,
        Thresholds.from_settings(), settings, zone,
    )  # fmt: skip


@st.cache_resource(show_spinner=False, max_entries=24)
def _semester_review_view(
    data_version: str, donor: bool, lang: str, semester: str, _store: Store
) -> semester_review_views.SemesterReview:
    programme = _approved(data_version, _store)
    if donor:
        progress = _donor_progress(data_version, lang, _store)
    else:  # the view reads the semester's rows only: only theirs are annotated (each row's annotations are its own)
        progress = _indicator_progress(data_version, lang, _store)
        if len(progress):
            progress = annotated(latest_status(progress, semester), programme, Thresholds.from_settings())
    flags = None if donor else _quality(data_version, lang, semester, _store)  # as reported: never for donors
    completeness = _completeness(data_version, lang, semester, _store)
    missing = not_received(_expected(data_version, semester, _store), semester)  # the reports completeness counts
    return semester_review_views.semester_review_view(programme, semester, progress, completeness, flags, missing)


def semester_review_view(semester: str) -> semester_review_views.SemesterReview:
    """The Semester review page's view (indicators/present/views/semester_review.py) for the data, view, language
    and semester."""
    s = store()
    return _semester_review_view(s.data_version(), view.is_donor(), i18n.language(), semester, s)


@st.cache_resource(show_spinner=False, max_entries=64)
def _indicator_view(
    data_version: str, donor: bool, lang: str, indicator: str, semester: str, _store: Store
) -> indicator_views.IndicatorView:
    programme = _approved(data_version, _store)
    progress, rolled = _one_indicator(data_version, donor, lang, indicator, _store)
    return indicator_views.indicator_view(programme, indicator, semester, progress, rolled, donor)


@st.cache_resource(show_spinner=False, max_entries=64)
def _one_indicator(
    data_version: str, donor: bool, lang: str, indicator: str, _store: Store
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One indicator's rows of the progress frame and of its regional roll-up (the donor view's for donors). The
    donor view and the roll-up are computed from its own rows only: each suppression and roll-up rule reads the
    rows of one indicator (tests/compute/test_per_indicator.py), and a page showing one indicator need not
    compute them for thousands."""
    progress = _progress(data_version, lang, _store)  # every indicator's, cached: shared with the other pages
    rows = (
        progress[(progress["indicator_id"] == indicator).to_numpy(dtype=bool, na_value=False)]
        if len(progress)
        else progress
    )
    if not len(rows):  # nothing to compute: the whole frames' (empty) rows, as they are
        full = (_donor_progress if donor else _progress)(data_version, lang, _store)
        return full, (_donor_rollup if donor else _rollup)(data_version, lang, _store)
    rolled = regional_rollup(rows, Thresholds.from_settings())
    if not donor:
        return rows, rolled
    safe = donor_progress(rows)
    return safe, donor_rollup(rolled, rows, safe=safe) if len(rolled) else rolled


def indicator_view(indicator: str, semester: str) -> indicator_views.IndicatorView:
    """The Indicator page's view (indicators/present/views/indicator.py) for the data, view, language, indicator
    and semester."""
    s = store()
    return _indicator_view(s.data_version(), view.is_donor(), i18n.language(), indicator, semester, s)


@st.cache_resource(show_spinner=False, max_entries=4)
def _indicator_choices(data_version: str, _store: Store) -> tuple[list[str], dict[str, str]]:
    programme = _approved(data_version, _store)
    if programme is None:
        return [], {}
    titles = programme.indicators.set_index("indicator_id")["title"].fillna("")
    return list(titles.index), dict(titles)


def indicator_choices() -> tuple[list[str], dict[str, str]]:
    """The indicators the Indicator page offers, in the workbook's order, and their titles."""
    s = store()
    return _indicator_choices(s.data_version(), s)


@st.cache_resource(show_spinner=False, max_entries=24)
def _beneficiary_view(
    data_version: str, donor: bool, lang: str, beneficiary: str, semester: str, _store: Store
) -> beneficiary_views.BeneficiaryView:
    progress = (_donor_progress if donor else _progress)(data_version, lang, _store)
    return beneficiary_views.beneficiary_view(_approved(data_version, _store), beneficiary, semester, progress)


def beneficiary_view(beneficiary: str, semester: str) -> beneficiary_views.BeneficiaryView:
    """The Beneficiary page's view (indicators/present/views/beneficiary.py) for the data, view, language,
    beneficiary and semester."""
    s = store()
    return _beneficiary_view(s.data_version(), view.is_donor(), i18n.language(), beneficiary, semester, s)


@st.cache_resource(show_spinner=False, max_entries=256)
def _trend(data_version: str, donor: bool, lang: str, beneficiary: str, indicator: str, _store: Store) -> go.Figure:
    progress = (_donor_progress if donor else _progress)(data_version, lang, _store)
    return beneficiary_views.trend_view(progress, beneficiary, indicator)


def trend(beneficiary: str, indicator: str) -> go.Figure:
    """One indicator's trend for one beneficiary, for the data, view and language."""
    s = store()
    return _trend(s.data_version(), view.is_donor(), i18n.language(), beneficiary, indicator, s)


@st.cache_resource(show_spinner=False, max_entries=16)
def _workplan_view(data_version: str, lang: str, whose: str, _store: Store) -> workplan_views.Workplan:
    return workplan_views.workplan_view(_approved(data_version, _store), whose)


def workplan_view(whose: str) -> workplan_views.Workplan:
    """The Work plan page's view (indicators/present/views/workplan.py) for the data, language and beneficiary
    (activities are the same in every view)."""
    s = store()
    return _workplan_view(s.data_version(), i18n.language(), whose, s)


def method_view() -> method_views.MethodView:
    """The Method page's view (indicators/present/views/method.py) for the data, view, language and time zone."""
    s = store()
    return _method_view(s.data_version(), view.is_donor(), i18n.language(), zone(), s)


def clear() -> None:
    """Forget the cached views (ui/data.py ``clear`` calls this)."""
    for cached in (
        _method_view,
        _semester_review_view,
        _indicator_view,
        _one_indicator,
        _indicator_choices,
        _beneficiary_view,
        _trend,
        _workplan_view,
        _overview_view,
    ):
        cached.clear()


@st.cache_resource(show_spinner=False, max_entries=24)
def _overview_view(
    data_version: str, viewpoint: str, lang: str, semester: str, _store: Store, _progress: pd.DataFrame
) -> overview_views.Overview:
    return overview_views.overview_view(_approved(data_version, _store), semester, _progress)


def overview_view(semester: str) -> overview_views.Overview:
    """The Overview page's view (indicators/present/views/overview.py) for the data, view (``view.viewpoint``:
    full, donor, an analyst's own), language and semester."""
    s = store()
    # Cached in ui/data.py; the viewpoint names which frame. The Overview shows no explanation nor revision.
    progress = data.progress(donor=view.is_donor(), explained=False)
    return _overview_view(s.data_version(), view.viewpoint(), i18n.language(), semester, s, progress)
