"""Cached loading of the approved data and of the frames computed from it.

Caches are keyed on ``store.data_version()``, a string that changes whenever anything is stored, reviewed
or approved, so a new approval shows at once and nothing stale is served. The store itself is passed with
a leading underscore so Streamlit does not hash it. The donor view has functions (so cache entries) of its
own: the role is part of the key, and a donor is never served a frame computed for a manager.

The approved programme and the frames computed from it are kept with ``st.cache_resource``: every rerun gets
the same object. ``st.cache_data`` would unpickle a fresh copy on every call (at 100,000 values that costs
more than the rest of a rerun: see benchmarks/compute_results.md). So pages never change a frame they get
from here (``assign``, filters and ``readable`` make new frames); tests/test_pages.py checks that every page
leaves them as computed.

What pages draw from these frames (figures, frames made readable, the rows a page selects) is kept the same way
by ``built``, keyed by data version, view (donor or not), language and the page's choices, so that a rerun
with nothing changed draws what was made before instead of making it again.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import NamedTuple, TypeVar

import pandas as pd
import streamlit as st

from indicators.access.roles import Action, PermissionRefused, require
from indicators.compute.annotations import annotated
from indicators.compute.completeness import (
    completeness_table,
    expected_reports,
    of_semesters,
    reporting_completeness,
)
from indicators.compute.headlines import headline_figures
from indicators.compute.progress import Thresholds, indicator_progress
from indicators.compute.quality import quality_flags
from indicators.compute.rollup import regional_rollup
from indicators.compute.suppression import donor_progress, donor_rollup, own_progress
from indicators.domain import i18n
from indicators.domain.i18n import _
from indicators.domain.schema import Programme
from indicators.domain.settings import store_location
from indicators.ingest import Review, default_store, review
from indicators.present.reports import Report, Source, build_pack
from indicators.public_reports import public_pack
from indicators.storage import StorageError
from indicators.store import Store
from ui import filters, view
from ui.sessions import client_address

T = TypeVar("T")


@st.cache_resource(show_spinner=False)
def _store_at(root: str) -> Store:
    return default_store()


def store() -> Store:
    """The store of the settings (STORE_URL, else STORE_DIR), opened (and seeded with the demo when empty) once per
    process."""
    try:
        return _store_at(str(store_location()))
    except StorageError as error:  # the database is unreachable or not migrated: say so, show no traceback
        st.error(str(error))
        st.stop()


@st.cache_resource(show_spinner=False, max_entries=4)
def _approved(data_version: str, _store: Store) -> Programme | None:
    return _store.approved()


@st.cache_resource(show_spinner=False, max_entries=4)
def _indicator_progress(data_version: str, lang: str, _store: Store) -> pd.DataFrame:
    programme = _approved(data_version, _store)
    return indicator_progress(programme, Thresholds.from_settings()) if programme is not None else pd.DataFrame()


@st.cache_resource(show_spinner=False, max_entries=4)
def _progress(data_version: str, lang: str, _store: Store) -> pd.DataFrame:
    programme = _approved(data_version, _store)
    if programme is None:
        return pd.DataFrame()
    # The same rows with the explanation and revision columns (the frame above, cached, is not computed again).
    return annotated(_indicator_progress(data_version, lang, _store), programme, Thresholds.from_settings())


@st.cache_resource(show_spinner=False, max_entries=4)
def _donor_progress(data_version: str, lang: str, _store: Store) -> pd.DataFrame:
    progress = _progress(data_version, lang, _store)
    return donor_progress(progress) if len(progress) else progress


@st.cache_resource(show_spinner=False, max_entries=4)
def _rollup(data_version: str, lang: str, _store: Store) -> pd.DataFrame:
    progress = _progress(data_version, lang, _store)
    return regional_rollup(progress, Thresholds.from_settings()) if len(progress) else pd.DataFrame()


def approved() -> Programme | None:
    """The approved programme, or None before anything is approved."""
    s = store()
    return _approved(s.data_version(), s)


def approved_meta() -> dict | None:
    """Which version is approved, when and by whom; None before anything is approved."""
    return store().approved_meta()


@st.cache_resource(show_spinner=False, max_entries=8)
def _own_progress(data_version: str, lang: str, own: tuple[str, ...], _store: Store) -> pd.DataFrame:
    progress = _progress(data_version, lang, _store)
    return own_progress(progress, _donor_progress(data_version, lang, _store), own) if len(progress) else progress


def progress(donor: bool = False, explained: bool = True) -> pd.DataFrame:
    """indicator_progress of the approved data with its annotations (explanations, target revisions); with
    ``donor`` the small sensitive counts are suppressed (always for whoever sees the donor view, whatever the page
    asks: the donor frame is cached apart). An analyst limited to some beneficiaries gets those unsuppressed and
    the others' as donors see them (need to know). A page that shows no explanation nor revision may ask for
    ``explained=False``: the full view's frame is then indicator_progress alone (the donor ones are unchanged)."""
    donor = donor or view.is_donor()
    s = store()
    if donor and (own := view.own_beneficiaries()):
        return _own_progress(s.data_version(), i18n.language(), own, s)
    if donor:
        return _donor_progress(s.data_version(), i18n.language(), s)
    return (_progress if explained else _indicator_progress)(s.data_version(), i18n.language(), s)


@st.cache_resource(show_spinner=False, max_entries=4)
def _donor_rollup(data_version: str, lang: str, _store: Store) -> pd.DataFrame:
    rolled = _rollup(data_version, lang, _store)
    if not len(rolled):
        return rolled
    progress, safe = _progress(data_version, lang, _store), _donor_progress(data_version, lang, _store)
    return donor_rollup(rolled, progress, safe=safe)  # the donor frame is cached: not computed again


def rollup(donor: bool = False) -> pd.DataFrame:
    """regional_rollup of the approved data's progress; with ``donor`` small sensitive totals are suppressed (always
    for whoever sees the donor view)."""
    donor = donor or view.is_donor()
    s = store()
    return (_donor_rollup if donor else _rollup)(s.data_version(), i18n.language(), s)


@st.cache_resource(show_spinner=False, max_entries=16)
def _quality(data_version: str, lang: str, semester: str, _store: Store) -> pd.DataFrame:
    programme = _approved(data_version, _store)
    return quality_flags(programme, semester=semester) if programme is not None else pd.DataFrame()


def quality(semester: str) -> pd.DataFrame:
    """quality_flags of the approved data in a semester (before any suppression: never for donors), computed
    once per data version, language and semester (sentences are written for the semester's flags only)."""
    s = store()
    return _quality(s.data_version(), i18n.language(), semester, s)


@st.cache_resource(show_spinner=False, max_entries=16)
def _expected(data_version: str, semester: str, _store: Store) -> pd.DataFrame:
    """expected_reports of one semester, from its own targets and values (what its completeness and its missing
    reports are counted from)."""
    return expected_reports(of_semesters(_approved(data_version, _store), [semester]))


@st.cache_resource(show_spinner=False, max_entries=16)
def _completeness(data_version: str, lang: str, semester: str | None, _store: Store) -> pd.DataFrame:
    programme = _approved(data_version, _store)
    if programme is None:
        return pd.DataFrame()
    if semester is None:
        return reporting_completeness(programme)
    # The pages show one semester's: counted from its expected reports (the same rows as every semester's).
    return completeness_table(_expected(data_version, semester, _store))


def completeness(semester: str | None) -> pd.DataFrame:
    """reporting_completeness of the approved data in a semester (every semester's with None), computed once per
    data version, language and semester."""
    s = store()
    return _completeness(s.data_version(), i18n.language(), semester, s)


class Options(NamedTuple):
    """What the pickers offer: every semester (newest first), the one shown first, and the beneficiaries."""

    semesters: list[str]
    default_semester: str | None
    beneficiaries: list[str]


@st.cache_resource(show_spinner=False, max_entries=4)
def _options(data_version: str, _store: Store) -> Options:
    programme = _approved(data_version, _store)
    if programme is None:
        return Options([], None, [])
    return Options(
        filters.semester_options(programme),
        filters.default_semester(programme),
        filters.beneficiary_options(programme),
    )


def options() -> Options:
    """The pickers' semesters and beneficiaries of the approved data (ui/filters.py), worked out once per data
    version: they read every value, and every page shows the pickers at every rerun."""
    s = store()
    return _options(s.data_version(), s)


# What pages draw, kept with st.cache_resource like the frames above: the same object at every rerun, so pages
# never change what they get. Small things (figures, selections, one indicator's rows) and large ones (the rows
# of a whole semester or beneficiary: ``large``) are kept apart, so a few large frames do not push out the many
# small ones, and at most 24 large ones are kept.
@st.cache_resource(show_spinner=False, max_entries=256)
def _built(what: str, choices: tuple, data_version: str, viewpoint: str, lang: str, _make: Callable) -> object:
    return _make()


@st.cache_resource(show_spinner=False, max_entries=24)
def _built_large(what: str, choices: tuple, data_version: str, viewpoint: str, lang: str, _make: Callable) -> object:
    return _make()


def built(what: str, choices: tuple[Hashable, ...], make: Callable[[], T], large: bool = False) -> T:
    """What a page draws from the approved data (a figure, a frame made readable, a selection of rows) made by
    ``make`` once per data version, view (``view.viewpoint``: full, donor, an analyst's own), language and ``choices``,
    then the same object at every rerun (pages never change it).

    ``what`` names the thing made (the same name is the same thing on every page). ``make`` reads the approved
    data through this module, for the view shown (``progress(donor=view.is_donor())``), and ``choices`` must
    name everything else it depends on (the semester, the beneficiary, the indicator, filter choices). With
    ``large`` it is kept among fewer entries (frames of a whole semester or beneficiary)."""
    s = store()
    cached = _built_large if large else _built
    return cached(what, tuple(choices), s.data_version(), view.viewpoint(), i18n.language(), make)  # type: ignore[return-value]


def clear() -> None:
    """Forget cached frames (after an upload or a review, the data version changes anyway)."""
    st.cache_data.clear()
    for cached in (
        _approved,
        _indicator_progress,
        _progress,
        _donor_progress,
        _own_progress,
        _rollup,
        _donor_rollup,
        _quality,
        _completeness,
        _expected,
        _options,
        _built,
        _built_large,
        _headlines,
    ):
        cached.clear()
    from ui import page_views  # made from the frames here (ui/page_views.py imports this module)

    page_views.clear()


@st.cache_resource(show_spinner=False, max_entries=16)  # the same frame at every run (st.cache_data: a new copy)
def _headlines(data_version: str, semester: str, donor: bool, lang: str, _store: Store) -> pd.DataFrame:
    programme = _approved(data_version, _store)
    if programme is None:
        return pd.DataFrame()
    done = (_donor_progress if donor else _indicator_progress)(data_version, lang, _store)  # cached, as computed
    return headline_figures(programme, semester, Thresholds.from_settings(), donor=donor, progress=done)


def headlines(semester: str, donor: bool = False) -> pd.DataFrame:
    """headline_figures of the approved data for a semester; with ``donor`` from the donor view only (always for
    whoever sees the donor view, whatever the page asks)."""
    s = store()
    return _headlines(s.data_version(), semester, donor or view.is_donor(), i18n.language(), s)


@st.cache_data(show_spinner=False, max_entries=16)
def _review(data_version: str, version_id: str, lang: str, _store: Store) -> Review:
    return review(_store, version_id, for_reader=True)


def version_review(version_id: str) -> Review:
    """A stored version's changes recomputed against the approved data of now (re-applied when it moved since
    the version was checked), its conflicts and problems; ``fingerprint`` is what approving it requires."""
    s = store()
    with st.spinner(_("Comparing with the approved data")):
        return _review(s.data_version(), version_id, i18n.language(), s)


def zone() -> str | None:
    """The reader's time zone as their browser gives it (an IANA name), None when it is not known."""
    try:
        return st.context.timezone
    except Exception:  # noqa: BLE001 (no browser context: a script run without a session)
        return None


_REPORTS = "_report_pack"


def build_reports(semester: str, audience: str, formats: list[str], progress=None) -> list[Report]:  # noqa: ANN001
    """Build the report pack of the approved version for one audience and keep it for this session.

    The edition must be one this person may make now (``view.report_audiences``: the donor edition only for
    whoever sees the donor view). Both editions start from the frames the pages use (the cached progress and
    roll-up of the approved data); the donor edition is computed from them by the same ``donor_progress``,
    ``donor_rollup`` and donor headline figures as the donor pages.
    """
    audiences = view.report_audiences()
    require(view.identity(), Action.MAKE_REPORTS)
    if audience not in audiences:  # the page offers none other; a stale choice is refused, never made
        only = {
            ("donor",): _("Only the donor edition is made for the view you see."),
            ("manager", "donor"): _("Only the manager or donor edition is made for the view you see."),
        }
        raise PermissionRefused(
            only.get(audiences, f"Only the {' or '.join(audiences)} edition is made for the view you see.")
        )
    s = store()
    version = s.data_version()
    meta = s.approved_meta()
    source = Source(meta["id"], meta.get("approved_at", ""), bool(meta.get("illustrative"))) if meta else None
    programme = _approved(version, s)
    computed = (
        (_progress(version, i18n.language(), s), _rollup(version, i18n.language(), s))
        if programme is not None
        else None
    )

    def build(chosen: list[str]) -> list[Report]:
        return build_pack(programme, source, semester, chosen, [audience], progress, computed=computed)

    who = view.identity()
    if who is not None and who.method == "public":  # built once per semester and audience, served from the store
        headers = st.context.headers
        client = client_address(st.context.ip_address, headers.get("X-Forwarded-For") if headers else None)
        reports = public_pack(s, semester, audience, formats, i18n.language(), client, build)
    else:
        reports = build(formats)
    st.session_state[_REPORTS] = {"key": (version, semester, audience), "reports": reports}
    return reports


def built_reports(semester: str, audience: str) -> list[Report]:
    """The pack built in this session for this semester and audience from the current approved data, if any
    (and only while this person may still make that edition)."""
    kept = st.session_state.get(_REPORTS)
    if not kept or kept["key"] != (store().data_version(), semester, audience):
        return []
    if audience not in view.report_audiences():
        return []
    return list(kept["reports"])
