"""The folder store is private and tidy: owner-only modes whatever the umask, a store written with wider
modes tightened when opened, orphan staging folders removed when the store is opened, and the raw workbooks
of drafts and returned versions never approved removed after RETAIN_UNAPPROVED_DAYS."""

from __future__ import annotations

import datetime as dt
import os
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from indicators.storage.folder import ORPHAN_AFTER_S
from indicators.storage.verify import verify_store
from indicators.store import Store, StoreError, sha256
from tests import postgres
from tests.factories import ANA, MARKO, small_programme


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The loosest umask: anything not made owner-only explicitly would be world-writable."""
    before = os.umask(0)
    try:
        yield
    finally:
        os.umask(before)


def add(store: Store, data: bytes) -> str:
    return store.add_version(data, "monitoring.xlsx", ANA, small_programme(), base_version=store.approved_id())


def modes(root: Path) -> dict[str, int]:
    found = {".": stat.S_IMODE(root.stat().st_mode)}
    for path in root.rglob("*"):
        found[str(path.relative_to(root))] = stat.S_IMODE(path.stat().st_mode)
    return found


def test_every_file_and_folder_is_owner_only_whatever_the_umask(tmp_path: Path, open_umask: None) -> None:
    store = Store(tmp_path / "store")
    first = add(store, b"one")
    store.submit(first, ANA)
    store.approve(first, MARKO)
    store.stage_version(b"two", small_programme())  # a staged draft too
    found = modes(store.root)
    assert len(found) > 10
    assert not {p: oct(m) for p, m in found.items() if m & 0o077}
    assert all(m == 0o700 for p, m in found.items() if (store.root / p).is_dir())
    assert all(m == 0o600 for p, m in found.items() if (store.root / p).is_file())


def test_a_store_written_with_wide_modes_is_tightened_when_opened(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    add(store, b"one")
    for path in [store.root, *store.root.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    Store(store.root)
    assert not {p: oct(m) for p, m in modes(store.root).items() if m & 0o077}


def test_orphan_staging_folders_are_removed_and_fresh_ones_kept(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    old, fresh = store.stage_version(b"old", small_programme()), store.stage_version(b"new", small_programme())
    long_ago = time.time() - ORPHAN_AFTER_S - 60
    os.utime(old.path, (long_ago, long_ago))
    assert store.backend.remove_orphans() == 1
    assert fresh.path.exists()  # may be an upload being staged right now


def aged(store: Store, days: int, request: pytest.FixtureRequest, retention: int = 30) -> None:
    """On PostgreSQL, as the database's owner: the versions stored ``days`` earlier, and the database's own
    retention set to ``retention`` days (what ``store migrate`` writes from RETAIN_UNAPPROVED_DAYS). A folder
    store has no clock of its own: ``tidy``'s ``now`` stands for the days gone by."""
    if not str(store.backend.location).startswith("postgres"):
        return
    server = request.getfixturevalue("postgres_server")
    with psycopg.connect(server.url(store.backend.url.rsplit("/", 1)[1], postgres.OWNER), autocommit=True) as conn:
        conn.execute("UPDATE versions SET created_at = created_at - make_interval(days => %s)", (days,))
        conn.execute("UPDATE retention SET days = %s", (retention,))


def test_raw_workbooks_of_old_unapproved_versions_are_removed_and_logged(
    store_location: str | Path, request: pytest.FixtureRequest
) -> None:
    store = Store(store_location)
    approved, draft, returned, submitted = (add(store, bytes([n])) for n in range(4))
    store.submit(approved, ANA)
    store.approve(approved, MARKO)
    store.submit(returned, ANA)
    store.return_version(returned, MARKO, "fix the totals")
    store.submit(submitted, ANA)

    assert store.tidy(retain_days=30) == []  # nothing is old yet
    aged(store, 31, request)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=31)
    assert store.tidy(retain_days=30, now=later) == [draft, returned]
    assert store.tidy(retain_days=30, now=later) == []  # once
    for kept in (approved, submitted):
        assert store.raw_bytes(kept)
    for gone in (draft, returned):
        with pytest.raises(StoreError, match="RETAIN_UNAPPROVED_DAYS"):
            store.raw_bytes(gone)
        assert store.meta(gone)["file_name"] == "monitoring.xlsx"  # its record stays
        with pytest.raises(StoreError, match="RETAIN_UNAPPROVED_DAYS"):
            store.load(gone)  # its tables are gone too
    log = store.log()
    removed = log[log["action"] == "removed"]
    assert list(removed["version"]) == [draft, returned] and removed["note"].str.contains("never approved").all()
    assert removed["note"].str.contains("the raw workbook and 7 table").all(), removed["note"].tolist()
    assert verify_store(store.backend).ok, verify_store(store.backend).problems
    assert store.status(returned) == "returned"
    with pytest.raises(StoreError, match="upload it again"):
        store.submit(returned, ANA)
    assert store.find_by_sha(sha256(bytes([1]))) is None  # the same workbook uploaded again is a new version


def test_a_version_approved_once_keeps_its_workbook(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    first, second = add(store, b"first"), add(store, b"second")
    for version in (first,):
        store.submit(version, ANA)
        store.approve(version, MARKO)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=400)
    assert store.tidy(retain_days=30, now=later) == [second]
    assert store.raw_bytes(first) == b"first"


def test_zero_keeps_every_workbook(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    draft = add(store, b"draft")
    assert store.tidy(retain_days=0, now=dt.datetime.now(dt.UTC) + dt.timedelta(days=3650)) == []
    assert store.raw_bytes(draft) == b"draft"


def test_a_store_with_removed_workbooks_copies_to_another_backend(tmp_path: Path) -> None:
    from indicators.storage import open_backend
    from indicators.storage.transfer import copy_store

    store = Store(tmp_path / "store")
    draft = add(store, b"draft")
    store.tidy(retain_days=1, now=dt.datetime.now(dt.UTC) + dt.timedelta(days=2))
    copy_store(store.backend, open_backend(tmp_path / "copy"))
    copied = Store(tmp_path / "copy")
    with pytest.raises(StoreError, match="RETAIN_UNAPPROVED_DAYS"):
        copied.raw_bytes(draft)


def test_the_database_role_can_remove_only_what_retention_lets_go(
    postgres_url: str, request: pytest.FixtureRequest
) -> None:
    """As the app's own role: the one function it may call removes an old never-approved draft's workbook and
    tables, and nothing else; the role cannot delete files, change the log or its retention itself."""
    store = Store(postgres_url)
    approved, submitted, draft = add(store, b"approved"), add(store, b"submitted"), add(store, b"draft")
    store.submit(approved, ANA)
    store.approve(approved, MARKO)
    store.submit(submitted, ANA)
    assert store.backend.remove_unapproved(draft) == []  # too recent for the database's retention (90 days)
    aged(store, 40, request, retention=30)
    recent = add(store, b"recent")
    for kept in (approved, submitted, recent):
        assert store.backend.remove_unapproved(kept) == [], kept
        assert store.raw_bytes(kept)
    assert "upload.xlsx" in store.backend.remove_unapproved(draft)
    with psycopg.connect(postgres_url, autocommit=True) as conn:  # the app's role, directly
        for statement in (
            "DELETE FROM version_files",
            "UPDATE log SET event = '{}'::json",
            "DELETE FROM log",
            "UPDATE retention SET days = 1",
            "UPDATE versions SET created_at = now() - interval '1000 days'",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)
