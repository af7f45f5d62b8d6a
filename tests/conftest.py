"""Shared fixtures: a store seeded once with the demo, copied for each test that changes it."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from hypothesis import settings

from indicators import ingest
from indicators.access import accounts
from indicators.read import worker
from indicators.store import Store
from tests import postgres

# Property tests: a few dozen examples in the suite (two shared cores); HYPOTHESIS_PROFILE=thorough for more.
settings.register_profile("suite", max_examples=30)
settings.register_profile("thorough", max_examples=1000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "suite"))


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


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[postgres.Server]:
    """One throw-away PostgreSQL server for the session (Debian's postgresql package; never skipped in CI)."""
    if postgres.binaries() is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL's server programs are missing: scripts/ensure-test-tools installs them")
        pytest.skip("PostgreSQL's server programs are not installed (Debian package postgresql): make test-tools")
    server = postgres.start()
    yield server
    server.stop()


@pytest.fixture
def postgres_url(postgres_server: postgres.Server) -> Iterator[str]:
    """A new, migrated database on the session's server, as the app's least-privileged role sees it."""
    url = postgres_server.new_database()
    yield url
    postgres_server.drop_database(url)


@pytest.fixture(params=["folder", "postgres"])
def store_location(request: pytest.FixtureRequest, tmp_path: Path) -> str | Path:
    """A new store's location on each backend: a folder, then a PostgreSQL database."""
    if request.param == "folder":
        return tmp_path / "store"
    return request.getfixturevalue("postgres_url")
