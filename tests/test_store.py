import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from indicators.access.identity import Identity
from indicators.store import ApprovedMoved, Store, StoreError, sha256
from tests.factories import ANA, MARKO, small_programme

PROJECT = Path(__file__).resolve().parent.parent


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "store")


def add(store: Store, data: bytes = b"workbook-1", user: Identity = ANA) -> str:
    return store.add_version(data, "monitoring.xlsx", user, small_programme(), base_version=store.approved_id())


def test_a_version_keeps_its_bytes_tables_and_record(store: Store) -> None:
    version = add(store, b"\x00raw bytes\xff")
    assert version == "000001"
    assert store.raw_bytes(version) == b"\x00raw bytes\xff"
    assert store.load(version).indicators["indicator_id"].tolist() == ["IND-01", "IND-02", "IND-03", "IND-04"]
    meta = store.meta(version)
    assert meta["uploaded_by"] == "ana" and meta["sha256"] == sha256(b"\x00raw bytes\xff")
    assert store.status(version) == "draft" and store.approved() is None


def test_review_cycle_and_log(store: Store) -> None:
    first = add(store, b"1")
    store.submit(first, ANA)
    store.approve(first, MARKO, "looks right")
    assert store.approved_id() == first and store.approved_meta()["approved_by"] == "marko"
    second = add(store, b"2")
    store.submit(second, ANA)
    store.return_version(second, MARKO, "Serbia's values are missing")
    assert store.status(second) == "returned"
    store.submit(second, ANA, "added Serbia")
    store.approve(second, MARKO)
    assert store.approved_id() == second
    versions = store.versions().set_index("id")
    assert versions.loc[first, "status"] == "approved" and not versions.loc[first, "is_approved"]
    assert versions.loc[second, "is_approved"]
    actions = store.log()["action"].tolist()
    assert actions == ["created", "submitted", "approved", "created", "submitted", "returned", "submitted", "approved"]


@pytest.mark.parametrize(
    ("steps", "action"),
    [([], "approve"), ([], "return"), (["submit", "approve"], "submit"), (["submit", "approve"], "approve")],
)
def test_transitions_that_make_no_sense_are_refused(store: Store, steps: list[str], action: str) -> None:
    version = add(store)
    do = {
        "submit": lambda: store.submit(version, ANA),
        "approve": lambda: store.approve(version, MARKO),
        "return": lambda: store.return_version(version, MARKO, "why"),
    }
    for step in steps:
        do[step]()
    before = store.log()
    with pytest.raises(StoreError):
        do[action]()
    assert store.log().equals(before)


def test_return_needs_a_note(store: Store) -> None:
    version = add(store)
    store.submit(version, ANA)
    with pytest.raises(StoreError, match="say why"):
        store.return_version(version, MARKO, "  ")


def test_same_bytes_are_recognised(store: Store) -> None:
    version = add(store, b"same")
    assert store.find_by_sha(sha256(b"same")) == version
    assert store.find_by_sha(sha256(b"other")) is None


def test_data_version_changes_with_every_action(store: Store) -> None:
    keys = [store.data_version()]
    version = add(store)
    keys.append(store.data_version())
    store.submit(version, ANA)
    keys.append(store.data_version())
    store.approve(version, MARKO)
    keys.append(store.data_version())
    assert len(set(keys)) == 4


def test_unknown_or_malformed_version_ids_are_refused(store: Store) -> None:
    with pytest.raises(StoreError):
        store.load("../../etc")
    with pytest.raises(StoreError):
        store.load("000099")


def test_a_torn_log_line_is_skipped(store: Store) -> None:
    version = add(store)
    with open(store.root / "log.jsonl", "ab") as handle:
        handle.write(b'{"action": "approv')
    assert store.status(version) == "draft" and len(store.log()) == 1


KILLER = textwrap.dedent(
    """
    import os, signal, sys
    sys.path.insert(0, {project!r})
    import pandas as pd
    from indicators.store import Store
    from tests.factories import ANA, MARKO, small_programme
    store = Store(__import__("pathlib").Path({root!r}))
    where = sys.argv[1]
    if where == "tables":
        calls = []
        original = pd.DataFrame.to_parquet
        def to_parquet(self, *a, **k):
            calls.append(1)
            if len(calls) == 3:
                os.kill(os.getpid(), signal.SIGKILL)
            return original(self, *a, **k)
        pd.DataFrame.to_parquet = to_parquet
        store.add_version(b"killed upload", "x.xlsx", ANA, small_programme(), base_version=store.approved_id())
    else:
        import indicators.storage.folder as module
        def replace(*a, **k):
            os.kill(os.getpid(), signal.SIGKILL)
        module.os.replace = replace
        version = store.add_version(b"second", "y.xlsx", ANA, small_programme(), base_version="000001")
        store.submit(version, ANA)
        store.approve(version, MARKO)
    """
)


@pytest.mark.parametrize("where", ["tables", "approve"])
def test_a_writer_killed_mid_write_loses_nothing(store: Store, where: str) -> None:
    first = add(store, b"approved upload")
    store.submit(first, ANA)
    store.approve(first, MARKO)
    before = store.load(first)
    script = KILLER.format(project=str(PROJECT), root=str(store.root))
    finished = subprocess.run([sys.executable, "-c", script, where], capture_output=True, timeout=60)
    assert finished.returncode == -9, finished.stderr.decode()
    assert store.approved_id() == first
    assert store.load(first).values.equals(before.values)
    assert store.raw_bytes(first) == b"approved upload"
    complete = store.version_ids()
    assert complete == ([first] if where == "tables" else [first, "000002"])
    for version in complete:
        store.load(version)  # every listed version is whole and readable
    assert add(store, b"after the crash") == f"{len(complete) + 1:06d}"


def test_the_reviewer_is_who_approved_or_returned_not_who_submitted(store: Store) -> None:
    version = add(store)
    store.submit(version, ANA, "new semester")
    row = store.versions().set_index("id").loc[version]
    assert row["reviewer"] is None and row["note"] == "new semester"
    store.return_version(version, MARKO, "Serbia missing")
    row = store.versions().set_index("id").loc[version]
    assert (row["reviewer"], row["note"]) == ("marko", "Serbia missing")


def test_a_version_built_on_an_older_approval_cannot_be_approved(store: Store) -> None:
    first = add(store, b"1")
    store.submit(first, ANA)
    store.approve(first, MARKO)
    second, third = add(store, b"2"), add(store, b"3")  # both built on the first
    for version in (second, third):
        store.submit(version, ANA)
    store.approve(second, MARKO)
    with pytest.raises(StoreError, match="has been approved since"):
        store.approve(third, MARKO)
    assert store.approved_id() == second
    store.return_version(third, MARKO, "built on old data: upload again")
    assert store.status(third) == "returned"


def test_a_staged_draft_is_no_version_until_committed_and_leaves_nothing_when_discarded(store: Store) -> None:
    staged = store.stage_version(b"staged bytes", small_programme())
    assert store.version_ids() == [] and staged.sha256 == sha256(b"staged bytes")
    store.discard(staged)
    assert not staged.path.exists() and store.version_ids() == []
    kept = store.stage_version(b"kept bytes", small_programme())
    version = store.commit_version(kept, "kept.xlsx", ANA, base_version=None, summary={"errors": 0})
    assert store.raw_bytes(version) == b"kept bytes" and store.meta(version)["summary"] == {"errors": 0}
    assert store.meta(version)["rows"] == small_programme().row_count and not kept.path.exists()


def test_approving_against_an_approval_that_moved_is_refused_and_changes_nothing(store: Store) -> None:
    first = add(store, b"1")
    store.submit(first, ANA)
    store.approve(first, MARKO)
    second = add(store, b"2")
    store.submit(second, ANA)
    before = store.log()
    with pytest.raises(ApprovedMoved, match="computed again"):
        store.approve(second, MARKO, onto=None)  # reviewed when nothing was approved yet
    assert store.approved_id() == first and store.log().equals(before)


def test_a_reapplied_version_is_stored_as_a_new_version_and_approved(store: Store) -> None:
    first = add(store, b"1")
    store.submit(first, ANA)
    store.approve(first, MARKO)
    besa, drita = Identity("besa", "analyst", "local"), Identity("drita", "analyst", "local")
    second, third = add(store, b"2", user=besa), add(store, b"3", user=drita)
    for version, analyst in ((second, besa), (third, drita)):
        store.submit(version, analyst)
    store.approve(second, MARKO)
    staged = store.stage_version(store.raw_bytes(third), small_programme())
    published = store.approve(third, MARKO, "merged", onto=second, reapplied=staged, overridden="values X: ...")
    assert published == "000004" and store.approved_id() == published
    meta = store.meta(published)
    assert (meta["reapplied_from"], meta["base_version"], meta["uploaded_by"]) == (third, second, "drita")
    assert store.raw_bytes(published) == b"3" and store.status(third) == "approved"
    log = store.log()
    assert log["action"].tolist()[-4:] == ["created", "conflicts overridden", "approved", "approved"]
    assert log["version"].tolist()[-4:] == [published, third, third, published]
