"""Reviewing and approving versions checked against an approval that moved since (ingest.review, ingest.approve)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from indicators import ingest
from indicators.access.identity import Identity
from indicators.domain.schema import TABLES, Programme, empty_programme
from indicators.present import template
from indicators.read import validate
from indicators.store import Store, StoreError
from tests.factories import MARKO

PROJECT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 11, 21)
BENEFICIARIES = ("ALB", "BIH", "XKX", "MNE", "MKD", "SRB")
SEMESTER = "2026NovS1"


def edited(programme: Programme, beneficiary: str, value: float, indicator: str = "IND-01") -> Programme:
    """The whole programme (as an analyst's workbook carries it) with one value of one beneficiary changed."""
    values = programme.values
    cell = (values["indicator_id"] == indicator) & (values["beneficiary"] == beneficiary)
    cell &= (values["semester"] == SEMESTER) & (values["sex"] == "total")
    assert cell.sum() == 1
    return Programme({**programme.tables, "values": values.assign(value=values["value"].mask(cell, value))})


def upload(store: Store, programme: Programme, who: str) -> str:
    """An analyst uploads a workbook of ``programme`` and submits it; returns the version."""
    data = template.write_workbook(programme, lists_from=programme)
    analyst = Identity(who, "analyst", "local")
    result = ingest.ingest(data, f"{who}.xlsx", analyst, store, today=TODAY)
    assert result.ok and result.version_id, result.problems[:3]
    store.submit(result.version_id, analyst)
    return result.version_id


def value_of(programme: Programme, beneficiary: str, indicator: str = "IND-01") -> float:
    values = programme.values.set_index(["indicator_id", "beneficiary", "semester", "sex"])["value"]
    return float(values.loc[(indicator, beneficiary, SEMESTER, "total")])


def assert_same_programme(left: Programme, right: Programme) -> None:
    for table in TABLES:
        key = list(table.key)
        a = left[table.name].sort_values(key).reset_index(drop=True)
        b = right[table.name].sort_values(key).reset_index(drop=True)
        pd.testing.assert_frame_equal(a, b, obj=table.name)


def test_six_disjoint_uploads_approved_one_after_another_are_all_applied(demo_store: Store) -> None:
    start = demo_store.approved()
    versions = {b: upload(demo_store, edited(start, b, 100 + i), f"analyst-{b}") for i, b in enumerate(BENEFICIARIES)}
    expected = start
    for i, (beneficiary, version) in enumerate(versions.items()):
        review = ingest.review(demo_store, version, today=TODAY)
        assert review.moved is (i > 0) and review.conflicts.empty and not review.problems
        assert len(review.changes) == 1  # the recomputed diff: only this analyst's cell, never the stale one
        row = review.changes.iloc[0]
        assert (row["column"], row["after"]) == ("value", f"{100 + i}.0") and beneficiary in row["key"]
        ingest.approve(demo_store, version, MARKO, "fine", seen=review.fingerprint)
        expected = validate.merge(expected, edited(expected, beneficiary, 100 + i))
    assert all(demo_store.status(v) == "approved" for v in versions.values())
    now = demo_store.approved()
    assert [value_of(now, b) for b in BENEFICIARIES] == [100.0 + i for i in range(6)]
    assert_same_programme(now, expected)
    published = demo_store.versions().set_index("id")
    later = published[published["reapplied_from"].notna()]
    assert sorted(later["reapplied_from"]) == sorted(list(versions.values())[1:])  # first was approved as it was


def test_the_same_cell_changed_twice_is_listed_as_a_conflict(demo_store: Store) -> None:
    start = demo_store.approved()
    before = value_of(start, "ALB")
    first = upload(demo_store, edited(start, "ALB", 30), "ana")
    second = upload(demo_store, edited(start, "ALB", 40), "besa")
    ingest.approve(demo_store, first, MARKO, seen=ingest.review(demo_store, first).fingerprint)
    review = ingest.review(demo_store, second, today=TODAY)
    conflicts = review.conflicts
    assert len(conflicts) == 1
    conflict = conflicts.iloc[0]
    assert (conflict["indicator_id"], conflict["beneficiary"], conflict["semester"], conflict["sex"]) == (
        "IND-01",
        "ALB",
        SEMESTER,
        "total",
    )
    assert (conflict["column"], conflict["base"], conflict["approved_since"], conflict["upload"]) == (
        "value",
        f"{before}",
        "30.0",
        "40.0",
    )
    assert "checked against 3.0, approved since 30.0, in the upload 40.0" in review.conflict_note
    with pytest.raises(StoreError, match="return it with the list of conflicts"):
        ingest.approve(demo_store, second, MARKO, seen=review.fingerprint)
    assert value_of(demo_store.approved(), "ALB") == 30.0
    ingest.approve(
        demo_store, second, MARKO, "Besa's figure is the audited one", seen=review.fingerprint, take_upload=True
    )
    assert value_of(demo_store.approved(), "ALB") == 40.0
    log = demo_store.log()
    overridden = log[log["action"] == "conflicts overridden"]
    assert overridden["version"].tolist() == [second] and "approved since 30.0" in overridden["note"].iloc[0]


def test_a_conflicting_version_can_be_returned_with_the_conflict_list(demo_store: Store) -> None:
    start = demo_store.approved()
    first, second = upload(demo_store, edited(start, "SRB", 7), "ana"), upload(demo_store, edited(start, "SRB", 8), "b")
    ingest.approve(demo_store, first, MARKO, seen=ingest.review(demo_store, first).fingerprint)
    review = ingest.review(demo_store, second)
    demo_store.return_version(second, MARKO, review.conflict_note)
    assert demo_store.status(second) == "returned"
    assert "approved since 7.0, in the upload 8.0" in demo_store.versions().set_index("id").loc[second, "note"]


def test_the_upload_of_a_cell_the_approval_since_left_alone_wins_and_rows_left_as_they_were_undo_nothing(
    demo_store: Store,
) -> None:
    start = demo_store.approved()
    first = upload(demo_store, edited(edited(start, "MKD", 11), "MNE", 12), "ana")
    second = upload(demo_store, edited(start, "MNE", 12), "besa")  # same value as approved since: no conflict
    ingest.approve(demo_store, first, MARKO, seen=ingest.review(demo_store, first).fingerprint)
    review = ingest.review(demo_store, second)
    assert review.conflicts.empty and review.changes.empty  # nothing left to change, MKD's 11 not undone
    ingest.approve(demo_store, second, MARKO, seen=review.fingerprint)
    assert (value_of(demo_store.approved(), "MKD"), value_of(demo_store.approved(), "MNE")) == (11.0, 12.0)


def test_approving_refuses_changes_the_reviewer_did_not_see(demo_store: Store) -> None:
    start = demo_store.approved()
    first, second = upload(demo_store, edited(start, "XKX", 91), "a"), upload(demo_store, edited(start, "XKX", 92), "b")
    seen = ingest.review(demo_store, second).fingerprint  # shown before the first is approved: no conflict then
    ingest.approve(demo_store, first, MARKO, seen=ingest.review(demo_store, first).fingerprint)
    with pytest.raises(StoreError, match="not the ones you saw"):
        ingest.approve(demo_store, second, MARKO, seen=seen, take_upload=True)
    assert demo_store.status(second) == "submitted" and value_of(demo_store.approved(), "XKX") == 91.0


def test_a_version_checked_again_against_new_data_shows_its_problems_by_row(demo_store: Store) -> None:
    """An upload valid against the data it was checked against can be invalid against the data of now."""
    start = demo_store.approved()
    indicator = start.indicators[start.indicators["indicator_id"] == "IND-06"]
    assert indicator["disaggregation"].tolist() == ["sex"]
    female = start.values[(start.values["indicator_id"] == "IND-06") & (start.values["sex"] == "female")].head(1)
    female = female.assign(value=female["value"] + 1)
    values_only = Programme({**empty_programme().tables, "values": female})
    analyst = upload(demo_store, values_only, "ana")
    no_split = Programme({**empty_programme().tables, "indicators": indicator.assign(disaggregation="none")})
    indicators_change = upload(demo_store, no_split, "marta")
    ingest.approve(demo_store, indicators_change, MARKO, seen=ingest.review(demo_store, indicators_change).fingerprint)
    review = ingest.review(demo_store, analyst, today=TODAY)
    assert review.moved and review.conflicts.empty
    assert [(p.sheet, p.row, p.column, p.code) for p in review.problems if p.severity == "error"] == [
        ("Values", 2, "Sex", "wrong-disaggregation")
    ]
    with pytest.raises(StoreError, match="1 error"):
        ingest.approve(demo_store, analyst, MARKO, seen=review.fingerprint)


APPROVER = textwrap.dedent(
    """
    import json, sys, time
    sys.path.insert(0, {project!r})
    from pathlib import Path
    from indicators import ingest
    from indicators.access.identity import Identity
    from indicators.store import Store, StoreError
    store = Store(Path({root!r}))
    version, ready, count = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
    review = ingest.review(store, version)  # what the manager was shown
    (ready / version).touch()
    while len(list(ready.iterdir())) < count:  # every process approves at the same moment
        time.sleep(0.01)
    out = {{"version": version, "reviewed_against": review.approved_version}}
    try:
        manager = Identity("m-" + version, "manager", "local")
        out["approved"] = ingest.approve(store, version, manager, seen=review.fingerprint)
    except StoreError as error:
        out["refused"] = str(error)
    print(json.dumps(out))
    """
)


def approve_at_once(store: Store, versions: list[str], ready: Path) -> list[dict]:
    """Each version reviewed by its own process, then all approved at once (each as its manager saw it)."""
    script = APPROVER.format(project=str(PROJECT), root=str(store.root))
    ready.mkdir()
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", script, v, str(ready), str(len(versions))],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for v in versions
    ]
    outcomes = []
    for run in runs:
        out, err = run.communicate(timeout=240)
        assert run.returncode == 0, err.decode()
        outcomes.append(json.loads(out.decode().strip().splitlines()[-1]))
    return outcomes


def test_processes_approving_at_once_lose_nothing_and_approve_nothing_unseen(demo_store: Store, tmp_path: Path) -> None:
    start, start_id = demo_store.approved(), demo_store.approved_id()
    disjoint = [upload(demo_store, edited(start, b, 200 + i), f"analyst-{b}") for i, b in enumerate(BENEFICIARIES[:4])]
    clashing = [upload(demo_store, edited(start, "SRB", v), f"srb-{v}") for v in (301, 302)]
    outcomes = approve_at_once(demo_store, disjoint + clashing, tmp_path / "ready")
    assert {o["reviewed_against"] for o in outcomes} == {start_id}  # all shown the diff against the same data
    by_version = {o["version"]: o for o in outcomes}
    assert all("approved" in by_version[v] for v in disjoint), outcomes
    winners = [v for v in clashing if "approved" in by_version[v]]
    assert len(winners) == 1, outcomes  # the other's diff changed (a conflict appeared): never approved unseen
    loser = next(v for v in clashing if v not in winners)
    assert "not the ones you saw" in by_version[loser]["refused"]
    now = demo_store.approved()
    assert [value_of(now, b) for b in BENEFICIARIES[:4]] == [200.0, 201.0, 202.0, 203.0]
    assert value_of(now, "SRB") == (301.0 if winners == [clashing[0]] else 302.0)
    expected = start
    for i, b in enumerate(BENEFICIARIES[:4]):
        expected = edited(expected, b, 200 + i)
    expected = edited(expected, "SRB", value_of(now, "SRB"))
    assert_same_programme(now, expected)
    assert demo_store.status(loser) == "submitted"
    published = demo_store.versions().set_index("id")
    reapplied = published[published["reapplied_from"].notna()]
    assert len(reapplied) == 4 and set(reapplied["reapplied_from"]) <= set(disjoint + winners)  # all but the first


def test_the_reviewer_reads_the_note_the_warnings_and_the_statuses_a_version_changes(demo_store):
    """Issue 22: beside the changes, the analyst's note and warnings, and which statuses approving changes."""
    approved = demo_store.approved()
    thresholds = ingest.Thresholds.from_settings()

    def status(programme: Programme) -> str:
        p = ingest.indicator_progress(programme, thresholds)
        cell = (p["indicator_id"] == "IND-01") & (p["beneficiary"] == "MNE") & (p["semester"] == SEMESTER)
        return str(p.loc[cell, "status"].iloc[0])

    before = status(approved)
    changed = next(c for c in (edited(approved, "MNE", v) for v in (0.0, 999.0, 1.0)) if status(c) != before)
    after = status(changed)
    data = template.write_workbook(changed, lists_from=changed)
    analyst = Identity("ana@example.org", "analyst", "local")
    result = ingest.ingest(data, "ana.xlsx", analyst, demo_store, today=TODAY)
    demo_store.submit(result.version_id, analyst, "Montenegro corrected its count")
    seen = ingest.review(demo_store, result.version_id, today=TODAY, for_reader=True)
    assert seen.note == "Montenegro corrected its count"
    assert len(seen.problems) == len(result.problems)  # the warnings the analyst saw, read again
    changes = seen.status_changes
    mine = changes[(changes["indicator_id"] == "IND-01") & (changes["beneficiary"] == "MNE")]
    assert mine[mine["semester"] == SEMESTER][["before", "after"]].values.tolist() == [[before, after]]
    assert set(changes["indicator_id"]) == {"IND-01"}, "only the indicator whose value changed"
    text = ingest.status_change_text(mine[mine["semester"] == SEMESTER].iloc[0])
    assert text.startswith("IND-01 Montenegro, Nov 2025 – Apr 2026: ") and " → " in text
    plain = ingest.review(demo_store, result.version_id, today=TODAY)
    assert plain.status_changes.empty and plain.note == "" and plain.fingerprint == seen.fingerprint


def test_status_changes_of_identical_programmes_are_none(demo_store):
    approved = demo_store.approved()
    assert ingest.status_changes(approved, approved).empty
    first = ingest.status_changes(empty_programme(), approved)
    assert len(first) and (first["before"] == "not_due").all()
