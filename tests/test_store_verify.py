"""``store verify``: the log's hash chain and every version's files, on both backends; a change made behind the
store's back (as the files' or the database's owner) is found; a copy gives the same digest."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import psycopg
import pytest

from indicators.access.identity import Identity
from indicators.storage import open_backend
from indicators.storage.transfer import copy_store
from indicators.storage.verify import event_hash, verify_store
from indicators.store import Store
from tests import postgres

ADMIN = Identity("tests", "admin", "cli")


@pytest.fixture(params=["folder", "postgres"])
def demo(request: pytest.FixtureRequest, seeded_store_dir: Path, tmp_path: Path) -> Store:
    """The approved demo with a few more logged events, on each backend."""
    if request.param == "folder":
        shutil.copytree(seeded_store_dir, tmp_path / "store")
        store = Store(tmp_path / "store")
    else:
        url = request.getfixturevalue("postgres_url")
        copy_store(open_backend(seeded_store_dir), open_backend(url))
        store = Store(url)
    store.accounts.add(ADMIN, "ana@example.org", "analyst", password="a long passphrase")
    store.accounts.set_role(ADMIN, "ana@example.org", "manager")
    store.accounts.disable(ADMIN, "ana@example.org")
    return store


def owner_sql(store: Store, server: postgres.Server, statement: str) -> None:
    """Run SQL as the database's owner (what the app's role may not do)."""
    url = server.url(store.backend.url.rsplit("/", 1)[1], postgres.OWNER)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(statement)


def test_every_new_event_carries_the_hash_of_the_one_before(demo: Store) -> None:
    events = demo.backend.read_log()
    chained = [i for i, e in enumerate(events) if "prev" in e]
    assert len(chained) >= 3
    for i in chained[1:]:
        assert events[i]["prev"] == event_hash(events[i - 1])
    report = verify_store(demo.backend)
    assert report.ok, report.problems
    assert report.versions == 1 and report.events == len(events)


def test_a_changed_log_line_or_version_file_is_found(demo: Store, request: pytest.FixtureRequest) -> None:
    before = verify_store(demo.backend).digest
    if not demo.backend.location.startswith("postgres"):
        log = demo.root / "log.jsonl"
        lines = log.read_text().splitlines()
        changed = json.loads(lines[-2]) | {"note": "ana@example.org: donor"}
        log.write_text("\n".join([*lines[:-2], json.dumps(changed, sort_keys=True), lines[-1]]) + "\n")
    else:
        owner_sql(
            demo,
            request.getfixturevalue("postgres_server"),
            "UPDATE log SET event = json_build_object('action', 'role changed', 'note', 'ana: donor', 'prev', "
            "event->>'prev') WHERE id = (SELECT max(id) - 1 FROM log)",
        )
    report = verify_store(demo.backend)
    assert not report.ok and any("does not follow" in p for p in report.problems), report.problems
    assert report.digest != before


def test_a_changed_upload_is_found(demo: Store, request: pytest.FixtureRequest) -> None:
    if demo.backend.location.startswith("postgres"):
        owner_sql(
            demo,
            request.getfixturevalue("postgres_server"),
            "UPDATE version_files SET data = data || '\\x00'::bytea "
            "WHERE version_id = '000001' AND name = 'upload.xlsx'",
        )
    else:
        path = demo.root / "versions" / "000001" / "upload.xlsx"
        path.write_bytes(path.read_bytes() + b"\0")
    problems = verify_store(demo.backend).problems
    assert any("000001's workbook does not have the SHA-256" in p for p in problems), problems


def test_a_copy_has_the_same_digest(demo: Store, tmp_path: Path) -> None:
    target = open_backend(tmp_path / "copy")
    copy_store(demo.backend, target)
    assert verify_store(target).digest == verify_store(demo.backend).digest
