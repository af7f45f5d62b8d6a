"""The folder store is private and tidy: owner-only modes whatever the umask, a store written with wider
modes tightened when opened, orphan staging folders removed when the store is opened."""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from indicators.storage.folder import ORPHAN_AFTER_S
from indicators.store import Store
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
