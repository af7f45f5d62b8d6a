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

import pytest

from indicators.storage.folder import ORPHAN_AFTER_S
from indicators.store import Store, StoreError, sha256
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


def test_raw_workbooks_of_old_unapproved_versions_are_removed_and_logged(store_location: str | Path) -> None:
    store = Store(store_location)
    approved, draft, returned, submitted = (add(store, bytes([n])) for n in range(4))
    store.submit(approved, ANA)
    store.approve(approved, MARKO)
    store.submit(returned, ANA)
    store.return_version(returned, MARKO, "fix the totals")
    store.submit(submitted, ANA)

    assert store.tidy(retain_days=30) == []  # nothing is old yet
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=31)
    assert store.tidy(retain_days=30, now=later) == [draft, returned]
    assert store.tidy(retain_days=30, now=later) == []  # once
    for kept in (approved, submitted):
        assert store.raw_bytes(kept)
    for gone in (draft, returned):
        with pytest.raises(StoreError, match="RETAIN_UNAPPROVED_DAYS"):
            store.raw_bytes(gone)
        assert store.meta(gone)["file_name"] == "monitoring.xlsx"  # its record stays
        assert not store.load(gone).indicators.empty  # and its tables
    log = store.log()
    removed = log[log["action"] == "removed"]
    assert list(removed["version"]) == [draft, returned] and removed["note"].str.contains("never approved").all()
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


def test_the_database_role_cannot_remove_an_approved_workbook(postgres_url: str) -> None:
    store = Store(postgres_url)
    approved = add(store, b"approved")
    store.submit(approved, ANA)
    store.approve(approved, MARKO)
    assert store.backend.delete_upload(approved) is False  # the one function the role may call refuses it
    assert store.raw_bytes(approved) == b"approved"
