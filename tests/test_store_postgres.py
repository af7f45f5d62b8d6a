"""The PostgreSQL store as a deployment uses it: migrations by command only, the least-privileged role, several
servers seeing each other's changes at once, and ``store copy`` between a folder and a database both ways.

The store's contract itself runs on both backends in ``tests/test_store.py``."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from indicators.__main__ import main
from indicators.ingest import ingest
from indicators.read.mapping import suggest_mapping
from indicators.read.reader import read_workbook
from indicators.saved_mappings import SavedMappings
from indicators.storage import StorageError
from indicators.storage.postgres import PostgresBackend
from indicators.store import Store
from tests import postgres
from tests.factories import ANA, MARKO, small_programme
from tests.test_saved_mappings import sheet as mapped_sheet

PROJECT = Path(__file__).resolve().parent.parent


def folder_files(root: Path) -> dict[str, str]:
    """SHA-256 of every file of every version of a folder store, by path."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted((root / "versions").rglob("*"))
        if p.is_file()
    }


def test_the_app_never_migrates_a_database_itself(postgres_server: postgres.Server) -> None:
    url = postgres_server.new_database(migrated=False)
    with pytest.raises(StorageError, match="has no store yet: run 'python -m indicators store migrate'"):
        Store(url)
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()[0] == 0
    postgres_server.drop_database(url)


def test_store_migrate_creates_the_tables_once_and_grants_the_app_role_the_least_it_needs(
    postgres_server: postgres.Server, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    app_url = postgres_server.new_database(migrated=False)
    owner_url = app_url.replace(f"{postgres.APP}@", f"{postgres.OWNER}@")
    monkeypatch.setenv("PPD_STORE_URL", owner_url)
    assert main(["store", "migrate", "--grant-to", postgres.APP]) == 0
    assert "applied 0001_store.sql" in capsys.readouterr().out
    assert main(["store", "migrate"]) == 0
    assert "nothing to apply" in capsys.readouterr().out
    store = Store(app_url)  # the app's role: reads and writes what the store's rules need
    version = store.add_version(b"bytes", "m.xlsx", ANA, small_programme(), base_version=None)
    store.submit(version, ANA)
    store.approve(version, MARKO)
    for statement in (
        "UPDATE log SET event = '{}'",
        "DELETE FROM log",
        "DELETE FROM versions",
        "UPDATE version_files SET data = ''",
        "TRUNCATE documents",
        "DROP TABLE approved",
        "CREATE TABLE intruder (x int)",
    ):
        with psycopg.connect(app_url, autocommit=True) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(statement)
    assert store.log()["action"].tolist() == ["created", "submitted", "approved"]
    postgres_server.drop_database(app_url)


def test_a_change_on_one_server_is_seen_by_another_at_once(postgres_url: str) -> None:
    """Two app servers = two backends with their own connections on one database: the cache key follows."""
    one, two = Store(postgres_url), Store(PostgresBackend(postgres_url))
    assert one.backend is not two.backend
    version = one.add_version(b"x", "m.xlsx", ANA, small_programme(), base_version=None)
    seen = two.data_version()
    one.submit(version, ANA)
    assert two.data_version() != seen
    seen = two.data_version()
    one.approve(version, MARKO)
    assert two.data_version() != seen and two.approved_id() == version
    assert two.load(version).values.equals(one.load(version).values)


def test_a_refused_approval_keeps_the_store_as_it_was(postgres_url: str) -> None:
    store = Store(postgres_url)
    version = store.add_version(b"x", "m.xlsx", ANA, small_programme(), base_version=None)
    key = store.data_version()
    with pytest.raises(Exception, match="only a submitted version can be approved"):
        store.approve(version, MARKO)
    assert store.approved_id() is None and store.data_version() == key


def test_copy_folder_to_database_and_back_keeps_every_byte(
    seeded_store_dir: Path, postgres_url: str, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    source = Store(seeded_store_dir)
    assert main(["store", "copy", "--from", str(seeded_store_dir), "--to", postgres_url]) == 0
    said = capsys.readouterr().out
    assert "Copied 1 version(s)" in said and "SHA-256 and row counts checked" in said
    database = Store(postgres_url)
    assert database.version_ids() == source.version_ids() and database.approved_id() == source.approved_id()
    assert database.log().equals(source.log())
    for version in source.version_ids():
        assert database.raw_bytes(version) == source.raw_bytes(version)
        for name, data in source.backend.read_files(version, "tables/").items():  # the same Parquet bytes
            assert database.backend.read_files(version, "tables/")[name] == data
    back = tmp_path / "back"
    assert main(["store", "copy", "--from", postgres_url, "--to", str(back)]) == 0
    capsys.readouterr()
    assert folder_files(back) == folder_files(seeded_store_dir)  # byte for byte, record files included
    assert Store(back).log().equals(source.log())
    assert Store(back).approved_meta() == source.approved_meta()


def test_a_saved_mapping_survives_a_copy_to_a_database_and_reads_the_next_workbook_there(
    seeded_store_dir: Path, postgres_url: str, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    folder = tmp_path / "store"
    shutil.copytree(seeded_store_dir, folder)
    source = Store(folder)
    first = mapped_sheet("Nov 2025 – Apr 2026")
    raw = read_workbook(first, every_sheet=True)
    mapping = suggest_mapping(raw, source.approved().indicators).mapping
    SavedMappings(source).save(mapping, raw, "Serbia sheet", ANA)
    assert len(list((folder / "mappings").glob("*.json"))) == 1  # kept in the folder as before

    assert main(["store", "copy", "--from", str(folder), "--to", postgres_url]) == 0
    assert "and 1 document(s)" in capsys.readouterr().out
    database = Store(postgres_url)
    assert database.backend.document_names("mappings/") == source.backend.document_names("mappings/")
    assert SavedMappings(database).find(raw, ANA.email).name == "Serbia sheet"
    later = mapped_sheet("Nov 2025 – Apr 2026", "May 2026 – Oct 2026")  # next semester, one more column
    result = ingest(later, "serbia-2026.xlsx", ANA, database, today=dt.date(2026, 11, 21))
    assert result.ok and result.version_id, result.message or result.problems
    assert result.mapping is not None and result.mapping.name == "Serbia sheet"
    assert database.meta(result.version_id)["summary"]["mapping"]["name"] == "Serbia sheet"


def test_copy_refuses_a_target_that_is_not_empty_and_changes_nothing(
    seeded_store_dir: Path, postgres_url: str, capsys: pytest.CaptureFixture
) -> None:
    target = Store(postgres_url)
    target.add_version(b"already here", "m.xlsx", ANA, small_programme(), base_version=None)
    key = target.data_version()
    assert main(["store", "copy", "--from", str(seeded_store_dir), "--to", postgres_url]) == 2
    assert "is not empty (1 version(s), 1 log event(s))" in capsys.readouterr().err
    assert target.data_version() == key and target.version_ids() == ["000001"]


def test_copy_from_a_folder_that_holds_no_store_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["store", "copy", "--from", str(tmp_path / "nothing"), "--to", str(tmp_path / "to")]) == 2
    assert "There is no store in the folder" in capsys.readouterr().err
    assert not (tmp_path / "nothing").exists()


def test_a_database_url_password_is_never_printed(postgres_server: postgres.Server) -> None:
    url = f"postgresql://{postgres.APP}:s3cret-pass@127.0.0.1:{postgres_server.port}/no_such_database"
    run = subprocess.run(
        [sys.executable, "-m", "indicators", "store", "copy", "--from", url, "--to", "/tmp/x-never"],
        capture_output=True,
        text=True,
        cwd=PROJECT,
        timeout=60,
    )
    assert run.returncode == 2 and "Cannot reach the store's database" in run.stderr
    assert "s3cret-pass" not in run.stdout + run.stderr and "***" in run.stderr
