"""The Review page on versions checked against an approval that moved since: recomputed changes, conflicts."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from indicators import ingest
from indicators.store import Store
from tests.factories import MARKO
from tests.test_pages import APP, TIMEOUT, add_accounts, no_errors, texts
from tests.test_review import edited, upload, value_of


@pytest.fixture
def review_page(demo_store: Store):
    """The Review page on a throw-away demo store (PPD_STORE_DIR points at it), as a programme manager."""
    add_accounts(demo_store)

    def open_on(version: str) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=TIMEOUT)
        at.user = {"is_logged_in": True, "email": "manager@example.org"}
        at.run()
        at.switch_page("pages/review.py").run()
        at.selectbox(key="review_version").set_value(version).run()
        no_errors(at)
        return at

    return open_on


def table_with(at: AppTest, column: str):
    """The first table on the page that has ``column``."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_a_disjoint_version_shows_only_its_own_changes_and_is_approved_re_applied(
    demo_store: Store, review_page
) -> None:
    start = demo_store.approved()
    first, second = (
        upload(demo_store, edited(start, "ALB", 51), "ana"),
        upload(demo_store, edited(start, "BIH", 52), "b"),
    )
    ingest.approve(demo_store, first, MARKO, seen=ingest.review(demo_store, first).fingerprint)
    at = review_page(second)
    assert any("re-applied onto the approved data of now" in i.value for i in at.info)
    assert "Changes against the approved data of now (1 change)" in texts(at)
    changes = table_with(at, "after")
    assert changes["after"].tolist() == ["52.0"] and "BIH" in changes["key"].iloc[0]
    next(b for b in at.button if b.label == "Approve and publish").click().run()
    no_errors(at)
    now = demo_store.approved()
    assert (value_of(now, "ALB"), value_of(now, "BIH")) == (51.0, 52.0)
    assert f"Version {second} is approved (its changes re-applied, stored as version" in texts(at)


def test_conflicts_are_listed_and_the_version_approved_taking_the_upload(demo_store: Store, review_page) -> None:
    start = demo_store.approved()
    first, second = (
        upload(demo_store, edited(start, "XKX", 61), "ana"),
        upload(demo_store, edited(start, "XKX", 62), "b"),
    )
    ingest.approve(demo_store, first, MARKO, seen=ingest.review(demo_store, first).fingerprint)
    at = review_page(second)
    assert any("1 cell changed by this version was" in w.value for w in at.warning)
    conflicts = table_with(at, "approved_since")
    row = conflicts.iloc[0]
    assert (row["beneficiary_name"], row["approved_since"], row["upload"]) == ("Kosovo*", "61.0", "62.0")
    next(b for b in at.button if b.label == "Approve, taking the upload's values").click().run()
    no_errors(at)
    assert value_of(demo_store.approved(), "XKX") == 62.0
    assert "conflicts overridden" in demo_store.log()["action"].tolist()


def test_a_conflicting_version_is_returned_with_the_conflict_list(demo_store: Store, review_page) -> None:
    start = demo_store.approved()
    first, second = (
        upload(demo_store, edited(start, "MNE", 71), "ana"),
        upload(demo_store, edited(start, "MNE", 72), "b"),
    )
    ingest.approve(demo_store, first, MARKO, seen=ingest.review(demo_store, first).fingerprint)
    at = review_page(second)
    at.text_area(key="review_note").input("Please check with Marko's figure").run()
    next(b for b in at.button if b.label == "Return with the note and the conflicts").click().run()
    no_errors(at)
    note = demo_store.versions().set_index("id").loc[second, "note"]
    assert note.startswith("Please check with Marko's figure") and "approved since 71.0, in the upload 72.0" in note
    assert demo_store.status(second) == "returned" and value_of(demo_store.approved(), "MNE") == 71.0
