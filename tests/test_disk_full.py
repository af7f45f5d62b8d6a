"""A full disk is named, on both backends, in the command line and in the app, and nothing is stored.

The fault is injected where it happens: on a folder store, the file system's "No space left on device"
(ENOSPC) from the write of the upload's bytes; on PostgreSQL, the server's own ``disk_full`` error (SQLSTATE
53100) raised by a trigger on the table of versions' files, added as the database's owner.
"""

from __future__ import annotations

import errno
import html
import re
from pathlib import Path

import psycopg
import pytest
from streamlit.testing.v1 import AppTest

from indicators.__main__ import main
from indicators.access.identity import Identity
from indicators.storage import folder
from indicators.store import Store
from tests import postgres
from tests.badfiles import xlsx_from_rows
from tests.test_cli import VALUES
from tests.test_cli_backends import location  # noqa: F401 - the fixture: the demo on a folder or in a database
from tests.test_pages import APP, TIMEOUT

ANALYST = "analyst@example.org"
FULL = re.compile(
    r"The store's disk is full \((\d+ MB free|the database server has no space left)\); nothing was stored"
)


@pytest.fixture
def full_disk(location: str | Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> Store:  # noqa: F811
    """The store of the settings, with an analyst's account, whose disk is full for a version's files."""
    store = Store(location)
    store.accounts.add(Identity("tests", "admin", "cli"), ANALYST, "analyst", password="a long passphrase")
    if isinstance(location, Path):
        write = folder.fsync_write

        def no_space(path: Path, data: bytes, mode: int = 0o600) -> None:
            if path.name == "upload.xlsx":
                write(path, data[: len(data) // 2], mode)  # half written, then the disk is full
                raise OSError(errno.ENOSPC, "No space left on device", str(path))
            write(path, data, mode)

        monkeypatch.setattr(folder, "fsync_write", no_space)
    else:
        server: postgres.Server = request.getfixturevalue("postgres_server")
        owner = server.url(location.rsplit("/", 1)[1], postgres.OWNER)
        with psycopg.connect(owner, autocommit=True) as conn:
            conn.execute(
                "CREATE FUNCTION no_space() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                "RAISE EXCEPTION 'could not extend file: No space left on device' USING ERRCODE = 'disk_full'; "
                "END $$"
            )
            conn.execute(
                "CREATE TRIGGER full_disk BEFORE INSERT ON version_files FOR EACH ROW EXECUTE FUNCTION no_space()"
            )
    return store


def workbook(tmp_path: Path) -> Path:
    path = tmp_path / "values.xlsx"
    path.write_bytes(
        xlsx_from_rows({"Values": [VALUES, ["IND-01", "BiH", "2026NovS2", "total", 9, None, None, None, None]]})
    )
    return path


def nothing_stored(store: Store) -> None:
    assert store.version_ids() == ["000001"]
    assert "created" not in store.log()["action"].tolist()[1:]
    if isinstance(store.backend, folder.FolderBackend):
        assert not any((store.root / "tmp").iterdir()), "the half-written draft is removed"


def test_the_command_line_names_a_full_disk(full_disk: Store, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    code = main(["import", str(workbook(tmp_path)), "--as", ANALYST])
    err = capsys.readouterr().err
    assert code == 2 and FULL.search(err), err
    assert "Unexpected problem" not in err and "Traceback" not in err
    nothing_stored(full_disk)


def test_the_upload_page_names_a_full_disk(full_disk: Store, tmp_path: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.user = {"is_logged_in": True, "email": ANALYST}
    at.run()
    at.switch_page("pages/upload.py").run()
    at.file_uploader[0].set_value(("values.xlsx", workbook(tmp_path).read_bytes(), "application/octet-stream")).run()
    assert not at.exception, [e.value for e in at.exception]
    errors = html.unescape(" ".join(e.value for e in at.error))
    assert FULL.search(errors), errors
    nothing_stored(full_disk)
