import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from indicators.access.identity import Identity
from indicators.store import ApprovedMoved, Store, StoreError, sha256
from tests.factories import ANA, MARKO, small_programme

PROJECT = Path(__file__).resolve().parent.parent


@pytest.fixture
def store(store_location: str | Path) -> Store:
    """A new store on each backend (folder, PostgreSQL): the store's contract holds on both."""
    return Store(store_location)


def is_folder(store: Store) -> bool:
    return getattr(store.backend, "root", None) is not None


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
    if not is_folder(store):
        pytest.skip("a folder's log has lines a crash can tear; a database's log has rows")
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
    store = Store({root!r})
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
    elif {root!r}.startswith("postgresql://"):
        backend = type(store.backend)
        original = backend.write_pointer
        def write_pointer(self, pointer):
            original(self, pointer)  # written in the open transaction, then the process dies
            os.kill(os.getpid(), signal.SIGKILL)
        backend.write_pointer = write_pointer
    else:
        import indicators.storage.folder as module
        def replace(*a, **k):
            os.kill(os.getpid(), signal.SIGKILL)
        module.os.replace = replace
    if where == "approve":
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
    script = KILLER.format(project=str(PROJECT), root=store.backend.url if not is_folder(store) else str(store.root))
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
    assert (staged.path is None or not staged.path.exists()) and store.version_ids() == []
    kept = store.stage_version(b"kept bytes", small_programme())
    version = store.commit_version(kept, "kept.xlsx", ANA, base_version=None, summary={"errors": 0})
    assert store.raw_bytes(version) == b"kept bytes" and store.meta(version)["summary"] == {"errors": 0}
    assert store.meta(version)["rows"] == small_programme().row_count
    assert kept.path is None or not kept.path.exists()


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


def test_a_server_killed_mid_transaction_leaves_no_half_version(store: Store) -> None:
    """PostgreSQL: a process killed after numbering and inserting a version, before its transaction commits,
    leaves no trace of it (the folder store's version is one rename, tested above)."""
    if is_folder(store):
        pytest.skip("a folder store's version appears in one rename: nothing to kill in between")
    first = add(store, b"first")
    script = textwrap.dedent(
        f"""
        import os, signal, sys
        sys.path.insert(0, {str(PROJECT)!r})
        from indicators.store import Store
        from tests.factories import ANA, small_programme
        store = Store({store.backend.url!r})
        def append_log(event):
            os.kill(os.getpid(), signal.SIGKILL)  # the version's rows are inserted, the commit not yet made
        store._append_log = append_log
        store.add_version(b"killed", "k.xlsx", ANA, small_programme(), base_version=None)
        """
    )
    finished = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=60)
    assert finished.returncode == -9, finished.stderr.decode()
    assert store.version_ids() == [first] and store.find_by_sha(sha256(b"killed")) is None
    assert store.log()["action"].tolist() == ["created"]
    assert add(store, b"after") == "000002" and store.raw_bytes("000002") == b"after"


RACER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    sys.path.insert(0, {project!r})
    from indicators.access.identity import Identity
    from indicators.store import Store, StoreError
    from tests.factories import small_programme
    store = Store({location!r})
    what, arg, go = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    while not go.exists():
        time.sleep(0.005)
    if what == "approve":
        try:
            store.approve(arg, Identity("manager-" + arg, "manager", "local"))
            print("approved")
        except StoreError as error:
            print("refused: " + str(error))
    else:
        for n in range(3):
            data = f"upload {{arg}}-{{n}}".encode()
            analyst = Identity("analyst-" + arg, "analyst", "local")
            print(store.add_version(data, "u.xlsx", analyst, small_programme(), base_version="000001"))
    """
)


def _race(store: Store, tmp_path: Path, what: str, args: list[str]) -> list[str]:
    location = store.backend.url if not is_folder(store) else str(store.root)
    script = RACER.format(project=str(PROJECT), location=location)
    go = tmp_path / "go"
    racers = [
        subprocess.Popen([sys.executable, "-c", script, what, arg, str(go)], stdout=subprocess.PIPE, text=True)
        for arg in args
    ]
    time.sleep(1.5)  # every racer has started and waits
    go.touch()
    outputs = [racer.communicate(timeout=120)[0].strip() for racer in racers]
    assert all(racer.returncode == 0 for racer in racers), outputs
    return outputs


def test_concurrent_approvals_from_several_processes_one_wins_the_others_are_refused(
    store: Store, tmp_path: Path
) -> None:
    first = add(store, b"base")
    store.submit(first, ANA)
    store.approve(first, MARKO)
    rivals = [add(store, f"rival {n}".encode()) for n in range(4)]  # all checked against the first
    for version in rivals:
        store.submit(version, ANA)
    outputs = _race(store, tmp_path, "approve", rivals)
    assert sorted(o.split(":")[0] for o in outputs) == ["approved", "refused", "refused", "refused"]
    winner = rivals[outputs.index("approved")]
    assert store.approved_id() == winner and store.approved_meta()["approved_by"] == f"manager-{winner}"
    assert all("has been approved since" in o for o in outputs if o != "approved")
    approvals = store.log().query("action == 'approved'")["version"].tolist()
    assert approvals == [first, winner]
    assert [store.status(v) for v in rivals].count("approved") == 1


def test_concurrent_uploads_from_several_processes_lose_nothing(store: Store, tmp_path: Path) -> None:
    add(store, b"base")
    outputs = _race(store, tmp_path, "upload", ["a", "b", "c", "d"])
    created = [line for output in outputs for line in output.splitlines()]
    assert sorted(created) == [f"{n:06d}" for n in range(2, 14)]  # twelve versions, numbered without a gap
    assert store.version_ids() == [f"{n:06d}" for n in range(1, 14)]
    stored = {store.raw_bytes(v) for v in created}
    assert stored == {f"upload {a}-{n}".encode() for a in "abcd" for n in range(3)}
    assert store.log()["action"].tolist() == ["created"] * 13
    for version in created:
        assert store.meta(version)["sha256"] == sha256(store.raw_bytes(version))
