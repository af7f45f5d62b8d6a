"""Shared fixtures: a store seeded once with the demo, copied for each test that changes it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from indicators import ingest
from indicators.access import accounts
from indicators.read import worker
from indicators.store import Store


@pytest.fixture(scope="session")
def seeded_store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = Store(tmp_path_factory.mktemp("seeded") / "store")
    assert ingest.seed_demo(store) == "000001"
    return store.root


@pytest.fixture
def demo_store(seeded_store_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    """A throw-away copy of a store holding the approved, illustrative demo (also set as PPD_STORE_DIR)."""
    root = tmp_path / "store"
    shutil.copytree(seeded_store_dir, root)
    monkeypatch.setenv("PPD_STORE_DIR", str(root))
    return Store(root)


DEFAULT_HASHER = accounts._hasher


@pytest.fixture(autouse=True)
def _cheap_password_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2id with tiny costs in unit tests (the real ones take about 0.1 s a hash); the app keeps its own."""
    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))


@pytest.fixture(scope="session", autouse=True)
def _stop_workers() -> Iterator[None]:
    yield
    worker.shutdown_pool()
