"""Every page of the app runs on the demo data in a throw-away store, as each role sees it.

AppTest drives ``dashboard.py`` (the router); pages are reached with ``switch_page``. People are signed in as
an organisation account would be (``AppTest.user``, what ``st.login`` gives), with accounts and roles in the
store. A separate test checks that nothing in ``indicators/`` imports Streamlit.
"""

from __future__ import annotations

import ast
import copy
import dataclasses
import html
import io
import json
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from indicators.access.identity import Identity
from indicators.domain.reference import KOSOVO_FOOTNOTE
from indicators.domain.schema import Programme
from indicators.ingest import default_store
from indicators.present.template import write_workbook
from tests.factories import ANA, MARKO
from ui import view

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "dashboard.py")
PAGES = [
    "overview",
    "beneficiary",
    "indicator",
    "workplan",
    "semester_review",
    "upload",
    "review",
    "method",
    "admin",
    "reports",
]
TIMEOUT = 120
ROLES = ("analyst", "manager", "donor", "admin")
READERS = {"overview", "beneficiary", "indicator", "workplan", "semester_review", "method"}
OPENS = {  # the pages each role may open; the others say "not available for your role" and nothing else
    "analyst": READERS | {"upload", "review"},
    "manager": READERS | {"upload", "review", "reports"},
    "donor": READERS | {"reports"},
    "admin": READERS | {"admin"},
}
NOT_AVAILABLE = "This page is not available for your role."
ADMIN = Identity("tests", "admin", "cli")


def add_accounts(store) -> None:
    """One account per role, role@example.org, in the store."""
    for role in ROLES:
        if store.accounts.get(f"{role}@example.org") is None:
            store.accounts.add(ADMIN, f"{role}@example.org", role, password="a long passphrase")


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """A store of its own, seeded with the demo on first use (PPD_STORE_DIR is read at every call), with one
    account per role."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PPD_STORE_DIR", str(tmp_path_factory.mktemp("store")))
        seeded = default_store()
        add_accounts(seeded)
        yield seeded


def app(as_role: str | None = "manager", email: str | None = None, **query: str) -> AppTest:
    """The app as someone signed in with an organisation account (``as_role``'s account, or ``email``)."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if as_role or email:
        at.user = {"is_logged_in": True, "email": email or f"{as_role}@example.org"}
    at.query_params.update(query)
    return at.run()


def texts(at: AppTest) -> str:
    """Every piece of text on the page, to look for a figure or a name."""
    parts = [e.value for kind in ("title", "subheader", "markdown", "caption", "info", "success") for e in at.get(kind)]
    return html.unescape("\n".join(str(p) for p in parts)).replace("\u2060", "")  # as read (see layout.md)


def no_errors(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


@pytest.mark.parametrize("page", sorted(OPENS["manager"]))
def test_every_page_runs_with_the_banner_and_the_footnote(store, page):
    at = app()
    at.switch_page(f"pages/{page}.py").run()
    no_errors(at)
    assert at.title, "every page has a title"
    assert KOSOVO_FOOTNOTE in [c.value for c in at.caption]
    assert any("Illustrative demo data" in i.value for i in at.info)
    assert "manager@example.org" in " ".join(c.value for c in at.sidebar.caption).replace("\\", "")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", PAGES)
def test_every_role_on_every_page(store, role, page):
    at = app(role)
    at.switch_page(f"pages/{page}.py").run()
    no_errors(at)
    if page in OPENS[role]:
        assert at.title and NOT_AVAILABLE not in texts(at)
        assert KOSOVO_FOOTNOTE in [c.value for c in at.caption]
    else:
        assert [i.value for i in at.info] == [NOT_AVAILABLE] and not at.title and not at.dataframe
        assert not at.metric and not at.get("plotly_chart") and not at.main.button and not at.text_input
    nav = " ".join(str(c.value) for c in at.sidebar.caption).replace("\\", "")
    assert f"{role}@example.org" in nav


@pytest.mark.parametrize("page", PAGES)
def test_not_signed_in_sees_only_the_sign_in_form(store, page):
    at = app(None)
    at.switch_page(f"pages/{page}.py").run()
    no_errors(at)
    assert [t.value for t in at.title] == ["Sign in"]
    assert [t.label for t in at.text_input] == ["Email", "Password"]
    assert not at.dataframe and not at.metric and not at.get("plotly_chart") and KOSOVO_FOOTNOTE not in texts(at)


def test_a_person_without_a_role_is_told_to_ask_an_administrator(store):
    at = app(None, email="stranger@example.org")
    at.switch_page("pages/indicator.py").run()
    no_errors(at)
    assert [t.value for t in at.title] == ["No role yet"]
    assert "Ask an administrator" in at.info[0].value and not at.dataframe and not at.metric


def test_an_organisation_sign_in_is_logged_once_with_its_method(store):
    store.accounts.add(ADMIN, "logged.once@example.org", "analyst", password="a long passphrase")
    at = app(None, email="logged.once@example.org")
    at.run()
    no_errors(at)
    log = store.log()
    signed_in = log[(log["action"] == "signed in") & (log["user"] == "logged.once@example.org")]
    assert signed_in["method"].tolist() == ["oidc"]


@pytest.mark.parametrize("verified", [False, "false"])
def test_an_email_the_provider_did_not_verify_brings_no_role(store, verified):
    email = f"unverified.{str(verified).lower()}.{type(verified).__name__}@example.org"
    store.accounts.add(ADMIN, email, "manager", password="a long passphrase")
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.user = {"is_logged_in": True, "email": email, "email_verified": verified}
    at.run()
    no_errors(at)
    assert [t.value for t in at.title] == ["Sign in"] and "did not verify the email address" in texts(at)
    assert not at.dataframe and not at.metric and not at.get("plotly_chart") and email not in texts(at)
    last = store.log().iloc[-1]
    assert (last["action"], last["user"], last["method"]) == ("sign-in refused", email, "oidc")


def test_the_public_donor_view_setting(store, monkeypatch):
    monkeypatch.setenv("PPD_PUBLIC_DONOR_VIEW", "1")
    at = app(None)
    no_errors(at)
    assert at.title[0].value == "Programme progress" and "Viewing as a donor" in texts(at)
    at.switch_page("pages/upload.py").run()
    assert [i.value for i in at.info] == [NOT_AVAILABLE]
    monkeypatch.setenv("PPD_PUBLIC_DONOR_VIEW", "0")
    assert app(None).title[0].value == "Sign in"


def test_a_changed_role_and_a_disabled_account_take_effect_at_the_next_rerun(store):
    store.accounts.add(ADMIN, "changing@example.org", "manager", password="a long passphrase")
    at = app(None, email="changing@example.org")
    at.switch_page("pages/upload.py").run()
    assert NOT_AVAILABLE not in texts(at)
    store.accounts.set_role(ADMIN, "changing@example.org", "donor")
    at.run()
    assert [i.value for i in at.info] == [NOT_AVAILABLE]
    store.accounts.disable(ADMIN, "changing@example.org")
    at.run()
    assert [t.value for t in at.title] == ["Sign in"] and "disabled" in texts(at)


def test_overview_shows_headline_figures_for_the_semester_in_the_url(store):
    at = app(semester="2025NovS1")
    no_errors(at)
    assert "Headline figures, Nov 2024 – Apr 2025" in [s.value for s in at.subheader]
    assert [m.label for m in at.metric][:3] == [
        "Indicators on track or achieved",
        "Work-plan delivery",
        "Reporting completeness",
    ]
    assert at.query_params["semester"] == ["2025NovS1"] or at.query_params["semester"] == "2025NovS1"


@pytest.mark.parametrize("given", ["bogus", "2025NovS1'; import os", "1999NovS1", ""])
def test_unknown_semester_in_the_url_falls_back_to_the_default(store, given):
    at = app(semester=given)
    no_errors(at)
    assert at.sidebar.selectbox(key="semester").value != given


def test_beneficiary_from_the_url_names_kosovo_with_the_asterisk(store):
    at = app(beneficiary="XKX")
    at.switch_page("pages/beneficiary.py").run()
    no_errors(at)
    assert at.title[0].value == "Beneficiary: Kosovo*"
    assert at.sidebar.selectbox(key="beneficiary").value == "XKX"
    assert at.dataframe, "the indicators table is shown"


def test_indicator_page_shows_the_demo_indicator_title(store):
    title = str(store.approved().indicators.set_index("indicator_id").loc["IND-01", "title"])
    at = app(indicator="IND-01")
    at.switch_page("pages/indicator.py").run()
    no_errors(at)
    assert f"IND-01 · {title}" in texts(at)
    assert "Kosovo*" in texts(at)  # the chart caption names beneficiaries


def test_donor_view_on_every_page_a_donor_opens(store):
    at = app("donor")
    no_errors(at)
    for page in ("overview", "beneficiary", "indicator", "workplan", "semester_review", "method", "reports"):
        at.switch_page(f"pages/{page}.py").run()
        no_errors(at)
        assert "Viewing as a donor" in texts(at)


def test_a_manager_previews_the_donor_view(store):
    at = app("manager")
    at.switch_page("pages/indicator.py").run()
    assert "Viewing as a donor" not in texts(at)
    at.sidebar.toggle(key="donor_preview").set_value(True).run()
    no_errors(at)
    assert "Viewing as a donor" in texts(at)
    assert not app("analyst").sidebar.toggle, "only managers preview the donor view"


def test_donor_does_not_see_the_sex_split_of_a_sensitive_count(store):
    sensitive = store.approved().indicators.query("sensitive and disaggregation == 'sex'")["indicator_id"]
    at = app("donor", indicator=str(sensitive.iloc[0]))
    at.switch_page("pages/indicator.py").run()
    no_errors(at)
    assert "Not shown to donors" in texts(at)


def cells(at: AppTest) -> set[str]:
    """Every cell of every table on the page, as text."""
    return {str(v) for frame in at.dataframe for v in frame.value.to_numpy().ravel()}


def test_caches_never_cross_roles_a_donor_after_a_manager_sees_suppressed_counts(store):
    progress = data_progress(store)
    small = progress[progress["sensitive"] & progress["actual"].between(1, 4) & (progress["measure"] == "count")]
    row = small.iloc[0]
    query = {"beneficiary": str(row["beneficiary"]), "semester": str(row["semester"])}
    manager = app("manager", **query)
    manager.switch_page("pages/beneficiary.py").run()  # fills the cache with the manager's frames first
    no_errors(manager)
    assert "<5" not in cells(manager) and f"{row['actual']:g}" in {c.removesuffix(".0") for c in cells(manager)}
    donor = app("donor", **query)
    donor.switch_page("pages/beneficiary.py").run()
    no_errors(donor)
    assert "<5" in cells(donor)
    again = app("manager", **query)
    again.switch_page("pages/beneficiary.py").run()
    assert "<5" not in cells(again)


def data_progress(store):
    from indicators.compute.progress import Thresholds, indicator_progress

    return indicator_progress(store.approved(), Thresholds.from_settings())


def workbook_with_place(store, place: str) -> bytes:
    """The approved data written back as a workbook, with the last meeting's place changed."""
    programme = store.approved()
    meetings = programme.meetings.copy()
    meetings.loc[meetings.index[-1], "place"] = place
    return write_workbook(Programme({**programme.tables, "meetings": meetings}))


def test_upload_submit_and_approve(store):
    workbook = workbook_with_place(store, "Skopje (to be confirmed)")
    at = app("analyst")
    at.switch_page("pages/upload.py").run()
    at.file_uploader[0].set_value(("resubmission.xlsx", workbook, "application/octet-stream")).run()
    no_errors(at)
    assert "stored as draft version" in texts(at)
    assert [d for d in at.dataframe if d.value.get("changed") is not None], "the change summary is shown"
    at.text_area(key="submit_note").input("same figures, checked again")
    next(b for b in at.button if b.label.startswith("Submit version")).click().run()
    no_errors(at)
    assert not [b for b in at.button if b.label.startswith("Submit version")], "after Submit the button goes away"
    assert "is submitted; a programme manager reviews it" in texts(at) and "is submitted; the Review" not in texts(at)
    at.run()  # the next rerun: the state in a sentence, still no button
    assert not [b for b in at.button if b.label.startswith("Submit version")]
    assert "is submitted; the Review page shows it" in texts(at)
    version = store.versions().query("status == 'submitted'")["id"].iloc[0]
    assert store.meta(version)["uploaded_by"] == "analyst@example.org"
    mine = app("analyst")
    mine.switch_page("pages/review.py").run()
    assert mine.title[0].value == "Your versions" and not mine.main.button, "an analyst: their versions, no buttons"

    at = app("manager")
    at.switch_page("pages/review.py").run()
    no_errors(at)
    assert at.selectbox(key="review_version").value == version
    next(b for b in at.button if b.label == "Approve and publish").click().run()
    no_errors(at)
    assert store.approved_id() == version
    assert f"Version {version} is approved" in texts(at)


def test_returning_a_version_without_a_note_is_explained(store):
    workbook = workbook_with_place(store, "Online")
    at = app("manager")
    at.switch_page("pages/upload.py").run()
    at.file_uploader[0].set_value(("second.xlsx", workbook, "application/octet-stream")).run()
    next(b for b in at.button if b.label.startswith("Submit version")).click().run()
    at.switch_page("pages/review.py").run()
    approve = next(b for b in at.button if b.label == "Approve and publish")
    assert approve.disabled and "someone else approves it" in texts(at), "the four-eyes rule, on the page too"
    next(b for b in at.button if b.label == "Return with the note").click().run()
    assert not at.exception
    assert any("say why" in e.value for e in at.error)


def imported_modules(path: Path) -> set[str]:
    """Top-level names of every module a Python file imports."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", sorted((ROOT / "indicators").glob("*.py")), ids=lambda p: p.name)
def test_indicators_never_import_streamlit(path):
    assert "streamlit" not in imported_modules(path)


def test_import_check_would_see_streamlit():
    assert "streamlit" in imported_modules(ROOT / "dashboard.py")


def test_indicator_without_unit_or_definition_shows_without_error(tmp_path, monkeypatch):
    monkeypatch.setenv("PPD_STORE_DIR", str(tmp_path / "store"))
    own = default_store()
    add_accounts(own)
    demo = own.approved()
    indicators = demo.indicators.copy()
    indicators.loc[indicators["indicator_id"] == "IND-01", ["unit", "definition"]] = None
    version = own.add_version(b"blank", "blank.xlsx", ANA, Programme({**demo.tables, "indicators": indicators}),
                              base_version=own.approved_id())  # fmt: skip
    own.submit(version, ANA)
    own.approve(version, MARKO)
    at = app(indicator="IND-01")
    at.switch_page("pages/indicator.py").run()
    no_errors(at)
    assert "unit: —" in texts(at)


def test_pages_leave_the_cached_frames_as_computed(store, monkeypatch):
    """Cached frames are shared objects (st.cache_resource): every page, as a manager and as a donor, must leave
    them exactly as computed, and a rerun gets the same object rather than a copy."""
    from indicators.compute.annotations import annotated
    from indicators.compute.progress import Thresholds, indicator_progress
    from indicators.compute.rollup import regional_rollup
    from indicators.compute.suppression import donor_progress
    from ui import data

    for role in ("manager", "donor"):
        at = app(role)
        for page in sorted(OPENS[role]):
            at.switch_page(f"pages/{page}.py").run()
            no_errors(at)
    monkeypatch.setattr(view, "is_donor", lambda: False)  # out of a session nobody is signed in: the donor view
    programme = store.approved()
    progress = annotated(indicator_progress(programme, Thresholds.from_settings()), programme)
    pd.testing.assert_frame_equal(data.progress(), progress)
    pd.testing.assert_frame_equal(data.progress(donor=True), donor_progress(progress))
    pd.testing.assert_frame_equal(data.rollup(), regional_rollup(progress, Thresholds.from_settings()))
    for name, table in programme.tables.items():
        pd.testing.assert_frame_equal(data.approved()[name], table)
    assert data.progress() is data.progress() and data.approved() is data.approved()
    assert data.progress(donor=True) is not data.progress()  # the role is part of the cache key


def _same_as_made(found: object, made: object, what: str) -> None:
    """``found`` equals ``made`` (frames and indexes cell by cell, figures by what their JSON says, containers item
    by item)."""
    if isinstance(found, pd.DataFrame):
        pd.testing.assert_frame_equal(found, made, obj=what)
    elif isinstance(found, pd.Series):
        pd.testing.assert_series_equal(found, made, obj=what)
    elif isinstance(found, pd.Index):
        pd.testing.assert_index_equal(found, made, obj=what)
    elif hasattr(found, "to_plotly_json"):
        assert json.loads(found.to_json()) == json.loads(made.to_json()), what  # a copy may order keys otherwise
    elif isinstance(found, (tuple, list)):
        assert len(found) == len(made), what
        for one, other in zip(found, made, strict=True):
            _same_as_made(one, other, what)
    else:
        assert found == made, what


def test_pages_leave_what_they_draw_as_made(store, monkeypatch):
    """What data.built keeps (figures, frames made readable, selections) is shared by every rerun and every
    session of the same view: every page, opened and rerun as a manager and as a donor, leaves it as made."""
    from ui import data, page_views

    kept, real = [], data.built

    def recording(what, choices, make, large=False):
        found = real(what, choices, make, large)
        kept.append((what, found, copy.deepcopy(found)))
        return found

    monkeypatch.setattr(data, "built", recording)
    views = {
        name: getattr(page_views, name)
        for name in (
            "semester_review_view",
            "method_view",
            "indicator_view",
            "beneficiary_view",
            "trend",
            "workplan_view",
            "overview_view",
        )
    }

    def recording_view(name):
        def one(*args):
            found = views[name](*args)
            kept.append((name, found, copy.deepcopy(found)))
            return found

        return one

    for name in views:  # the views pages draw (frozen dataclasses of frames and figures) are kept the same way
        monkeypatch.setattr(page_views, name, recording_view(name))
    for role in ("manager", "donor"):
        at = app(role)
        for page in sorted(OPENS[role]):
            at.switch_page(f"pages/{page}.py").run()
            at.run()
            no_errors(at)
    names = {what for what, _, _ in kept}
    assert {"status_matrix", *views} <= names, names
    for what, found, made in kept:
        if dataclasses.is_dataclass(found):
            for field in dataclasses.fields(found):
                _same_as_made(getattr(found, field.name), getattr(made, field.name), f"{what}.{field.name}")
        else:
            _same_as_made(found, made, what)


def test_what_pages_draw_is_kept_apart_by_data_version_view_language_and_choice(store, monkeypatch):
    """data.built keeps figures and frames for reruns: a donor is never given what was made for a manager, nor
    one language's text in another, nor one semester's for another, nor anything made before new data."""
    from indicators.domain import i18n
    from ui import data

    made = []

    def make() -> list[str]:
        made.append(view.is_donor())
        return [f"made {len(made)}"]

    monkeypatch.setattr(view, "is_donor", lambda: False)
    manager = data.built("thing", ("2024AprS1",), make)
    assert data.built("thing", ("2024AprS1",), make) is manager and made == [False]  # a rerun: the same object
    monkeypatch.setattr(view, "is_donor", lambda: True)
    donor = data.built("thing", ("2024AprS1",), make)
    assert donor is not manager and made == [False, True]
    assert data.built("thing", ("2024NovS2",), make) not in (manager, donor)
    with i18n.using("fr"):
        assert data.built("thing", ("2024AprS1",), make) not in (manager, donor)
    assert len(made) == 4
    approved = data.store()
    monkeypatch.setattr(data, "store", lambda: SimpleNamespace(data_version=lambda: approved.data_version() + "+1"))
    assert data.built("thing", ("2024AprS1",), make) not in (manager, donor) and len(made) == 5  # new data


def _many_indicators_page():
    """A page drawing the status of 120 indicators (see the test below)."""
    import pandas as pd
    import streamlit as st

    from indicators.domain.schema import TABLES_BY_NAME, Programme, conform, empty_programme
    from ui import shown

    statuses = ["achieved", "on_track", "at_risk", "off_track", "no_data", "not_due"]
    rows = pd.DataFrame(
        {
            "indicator_id": [f"I{i:03d}" for i in range(120) for _ in range(2)],
            "beneficiary": ["ALB", "BIH"] * 120,
            "result_id": [("OP1.1", "OP2.1")[i % 2] for i in range(120) for _ in range(2)],
            "status": [statuses[(i * 7 + j) % 6] for i in range(120) for j in range(2)],
        }
    ).astype("string")
    tables = empty_programme().tables
    tables["results"] = conform(
        TABLES_BY_NAME["results"],
        pd.DataFrame({"result_id": ["OC1", "OP1.1", "OP2.1"], "parent_id": [None, "OC1", None], "title": "R"}),
    )
    chosen = shown.worst_first(rows, Programme(tables), 40, "many")
    st.markdown(f"drawn: {chosen['indicator_id'].nunique()} · first: {chosen['indicator_id'].iloc[0]}")
    st.markdown("statuses: " + ",".join(sorted(set(chosen["status"]))))


def test_many_indicators_show_the_worst_first_with_filters_and_say_how_many_are_not_shown():
    at = AppTest.from_function(_many_indicators_page).run()
    no_errors(at)
    assert "drawn: 40" in texts(at)
    assert "Showing 40 of 120 indicators, worst first; 80 are not shown." in texts(at)
    assert "off_track" in texts(at) and "not_due" not in texts(at)  # the worst come first
    at.multiselect(key="many_results").set_value(["OC1"]).run()  # an outcome brings its outputs (OP1.1)
    assert "drawn: 40" in texts(at)
    at.multiselect(key="many_statuses").set_value(["not_due"]).run()
    assert "Showing 20 of 120 indicators, worst first matching the filters; 100 are not shown." in texts(at)
    assert "not_due" in texts(at)


def test_donor_indicator_page_hides_regional_figures_that_depend_on_hidden_cells(store):
    """Review: IND-10, May-Oct 2023: the regional actual (9) and 'meeting the target' (4) pinned the four '<5'."""
    at = app("donor", indicator="IND-10", semester="2023NovS2")
    at.switch_page("pages/indicator.py").run()
    no_errors(at)
    regional = next(d.value for d in at.dataframe if "beneficiaries_meeting_target_display" in d.value.columns)
    row = regional.set_index("semester_label").loc["May 2023 – Oct 2023"]
    assert row["actual_display"] == "[c]" and "actual" not in regional.columns
    assert row["beneficiaries_meeting_target_display"] == "[c]"
    assert "Hidden" in row["status_text"]


def test_donor_overview_share_is_the_one_the_shown_statuses_give(store):
    from indicators.compute.headlines import headline_figures

    at = app("donor", semester="2023NovS2")
    no_errors(at)
    donor = headline_figures(store.approved(), "2023NovS2", donor=True).set_index("figure")
    manager = headline_figures(store.approved(), "2023NovS2").set_index("figure")
    figure = "Indicators on track or achieved"
    assert donor.loc[figure, "value"] != manager.loc[figure, "value"]  # hidden statuses are left out
    assert at.metric[0].label == figure and at.metric[0].value == f"{donor.loc[figure, 'value']:.0f}%"


@pytest.mark.parametrize("page", ["overview", "beneficiary", "indicator", "workplan", "semester_review", "method"])
@pytest.mark.parametrize("donor", [False, True])
def test_tables_send_only_the_columns_they_show(store, page, donor):
    """column_config hides columns only in the browser: a frame reaching st.dataframe is sent whole."""
    at = app("donor" if donor else "manager", indicator="IND-10", semester="2023NovS2")
    at.switch_page(f"pages/{page}.py").run()
    no_errors(at)
    for frame in at.dataframe:
        assert list(frame.value.columns) == list(frame.proto.column_order), page
        if donor:
            assert "actual" not in frame.value.columns or "actual_display" not in frame.value.columns


def downloaded(at: AppTest) -> bytes:
    """The file a download button handed to the browser in this run (base64 in the session's own script)."""
    import base64
    import re

    scripts = [h.proto.body for h in at.get("html") if "ppdDownloads" in h.proto.body]
    assert len(scripts) == 1, "one download script after the click"
    return base64.b64decode(re.search(r'atob\("([A-Za-z0-9+/=]*)"\)', scripts[0]).group(1))


@pytest.mark.parametrize("donor", [False, True])
def test_semester_summary_is_made_on_click_for_the_viewer(store, donor):
    at = app("donor" if donor else "manager", semester="2023NovS2")
    at.switch_page("pages/semester_review.py").run()
    assert not [h for h in at.get("html") if "ppdDownloads" in h.proto.body], "nothing is sent before the click"
    at.button(key="semester_summary").click().run()
    no_errors(at)
    text = downloaded(at).decode("utf-8-sig")
    rows = [line for line in text.splitlines() if line.startswith("IND-10,")]
    assert rows, text[:500]
    assert any(",<5," in line for line in rows) == donor  # hidden for donors, the figures for managers


def test_a_stored_upload_is_let_go_and_its_report_kept_without_tables(store):
    """Once stored, the uploader is emptied (Streamlit drops the file's bytes) and the session keeps only the
    report: no workbook, no tables; choosing nothing more keeps nothing else."""
    workbook = workbook_with_place(store, "Skopje (checked twice)")
    at = app()
    at.switch_page("pages/upload.py").run()
    at.file_uploader[0].set_value(("kept.xlsx", workbook, "application/octet-stream")).run()
    no_errors(at)
    assert at.file_uploader[0].value is None  # a new, empty uploader
    assert "stored as draft version" in texts(at) and "kept.xlsx" in html.unescape(texts(at))  # as markdown source
    stored = at.session_state["stored"]
    assert stored.upload is None and stored.merged is None and stored.version_id
    assert "checking" not in at.session_state
    assert any(b.label.startswith("Submit version") for b in at.button)


@pytest.mark.parametrize("page", ["overview", "beneficiary", "indicator", "workplan", "semester_review", "method"])
def test_a_missing_figure_reads_as_words_never_none(store, page):
    """Streamlit shows a missing number as "None"; tables say "not reported" (a value) or "–" instead."""
    at = app("manager", indicator="IND-10", semester="2023NovS2")
    at.switch_page(f"pages/{page}.py").run()
    no_errors(at)
    for frame in at.dataframe:
        configs = json.loads(frame.proto.columns)
        for name in frame.value.columns:
            if configs.get(name, {}).get("type_config", {}).get("type") == "number":
                assert not frame.value[name].isna().any(), (page, name)


def test_a_semester_without_reports_says_not_reported(store):
    """Nothing is reported yet for Nov 2026 – Apr 2027 (the demo's last semester): its regional actual reads
    "not reported" and its missing target a dash, not "None"."""
    at = app("manager", indicator="IND-06", semester="2023NovS2")
    at.switch_page("pages/indicator.py").run()
    table = next(f.value for f in at.dataframe if "coverage" in f.value.columns).set_index("semester_label")
    assert table.loc["Nov 2026 – Apr 2027", ["actual", "target"]].tolist() == ["not reported", "–"]
    assert table.loc["May 2023 – Oct 2023", "actual"] == "104"


def built(at: AppTest, formats: list[str]) -> list[str]:
    """Build these files of the pack on the Reports page; the labels of the download buttons offered."""
    at.multiselect(key="report_formats").set_value(formats).run()
    at.button(key="report_build").click().run()
    no_errors(at)
    assert not at.get("download_button"), "files are handed over by downloads.download, never st.download_button"
    return [b.label for b in at.button if (b.key or "").startswith("report_") and b.key != "report_build"]


def test_reports_page_builds_the_pack_and_hands_a_file_over_only_when_asked(store, monkeypatch):
    from indicators.compute.annotations import annotated
    from indicators.compute.progress import Thresholds, indicator_progress
    from indicators.compute.rollup import regional_rollup
    from ui import data

    at = app("manager", semester="2025NovS1")
    at.switch_page("pages/reports.py").run()
    no_errors(at)
    assert list(at.radio(key="report_edition").options) == [
        "Programme management (all approved figures)",
        "Donor edition (small counts hidden)",
    ]
    names = built(at, ["xlsx", "iati"])
    assert any("HFIII-VE-prisons_2025NovS1_manager_report.xlsx" in n for n in names), names
    assert any("HFIII-VE-prisons_2025NovS1_manager_iati-results.xml" in n for n in names), names
    assert not [h for h in at.get("html") if "ppdDownloads" in h.proto.body], "nothing is sent before the click"
    at.button(key="report_iati").click().run()
    no_errors(at)
    xml = downloaded(at)
    assert xml.startswith(b"<?xml") and b"<iati-activities" in xml
    # The pack starts from the page's cached frames (shared objects) and leaves them as computed.
    monkeypatch.setattr(view, "is_donor", lambda: False)
    progress = annotated(indicator_progress(store.approved(), Thresholds.from_settings()), store.approved())
    pd.testing.assert_frame_equal(data.progress(), progress)
    pd.testing.assert_frame_equal(data.rollup(), regional_rollup(progress, Thresholds.from_settings()))


def test_reports_page_gives_donors_the_donor_edition_only(store):
    at = app("donor", semester="2025NovS1")
    at.switch_page("pages/reports.py").run()
    no_errors(at)
    assert not at.radio and "Viewing as a donor" in texts(at)
    names = built(at, ["xlsx"])
    assert len(names) == 1 and "_donor_report.xlsx" in names[0]
    at.button(key="report_xlsx").click().run()
    workbook = openpyxl.load_workbook(io.BytesIO(downloaded(at)), read_only=True)
    cells = {str(v) for row in workbook["Values"].iter_rows(values_only=True) for v in row if v is not None}
    assert "<5" in cells  # the donor view's texts, not the figures


def test_reports_page_gives_a_manager_previewing_the_donor_view_the_donor_edition_only(store):
    at = app("manager", semester="2025NovS1")
    at.switch_page("pages/reports.py").run()
    assert any("_manager_report.xlsx" in n for n in built(at, ["xlsx"]))
    at.sidebar.toggle(key="donor_preview").set_value(True).run()
    no_errors(at)
    assert not at.radio, "no edition to choose while previewing the donor view"
    assert not [b for b in at.button if (b.key or "").startswith("report_") and b.key != "report_build"]
    names = built(at, ["xlsx"])
    assert len(names) == 1 and "_donor_report.xlsx" in names[0]


def test_an_analyst_sees_unsuppressed_counts_only_for_their_own_beneficiaries(store):
    """Need to know: an analyst limited to one beneficiary reads its small sensitive counts as reported, and
    another beneficiary's as donors do ('<5'), on the same page and after a manager filled the caches."""
    progress = data_progress(store)
    small = progress[progress["sensitive"] & progress["actual"].between(1, 4) & (progress["measure"] == "count")]
    mine, theirs = small.iloc[0], small[small["beneficiary"] != small.iloc[0]["beneficiary"]].iloc[0]
    email = "limited.analyst@example.org"
    if store.accounts.get(email) is None:
        store.accounts.add(ADMIN, email, "analyst", (str(mine["beneficiary"]),), password="a long passphrase")
    app("manager", beneficiary=str(theirs["beneficiary"]), semester=str(theirs["semester"])).switch_page(
        "pages/beneficiary.py"
    ).run()
    own = app(email=email, beneficiary=str(mine["beneficiary"]), semester=str(mine["semester"]))
    own.switch_page("pages/beneficiary.py").run()
    no_errors(own)
    assert f"{mine['actual']:g}" in {c.removesuffix(".0") for c in cells(own)}
    assert "as donors see them" in texts(own)
    other = app(email=email, beneficiary=str(theirs["beneficiary"]), semester=str(theirs["semester"]))
    other.switch_page("pages/beneficiary.py").run()
    no_errors(other)
    assert "<5" in cells(other)


def test_an_administrator_adds_changes_and_disables_an_account(store):
    """The Accounts page's forms (ui/account_forms.py) change the accounts in the store and say so."""
    at = app("admin")
    at.switch_page("pages/admin.py").run()
    no_errors(at)
    at.text_input[0].set_value("new.analyst@example.org")
    at.selectbox[0].set_value("analyst")
    at.button[0].click().run()  # the form's submit button
    no_errors(at)
    assert store.accounts.get("new.analyst@example.org").role == "analyst"
    assert any("One-time password for new" in w.value for w in at.warning), "shown once, right after"
    at.selectbox(key="account_email").set_value("new.analyst@example.org").run()
    at.selectbox(key="account_role").set_value("donor").run()
    next(b for b in at.button if b.label == "Save the role").click().run()
    no_errors(at)
    assert store.accounts.get("new.analyst@example.org").role == "donor"
    assert any("is now" in s.value for s in at.success)
    next(b for b in at.button if b.label == "Disable the account").click().run()
    no_errors(at)
    assert store.accounts.get("new.analyst@example.org").disabled
    log = store.log()
    assert {"account added", "role changed", "account disabled"} <= set(log["action"])
