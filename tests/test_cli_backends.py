"""The whole command line on both backends: every command works on the store of the settings (STORE_URL, else
STORE_DIR), ``users`` and ``setup-link`` included, so an account added on the command line is the one the
servers read.

The commands run in this process (``indicators.__main__.main``, as ``python -m indicators`` runs it), which
keeps the test cheap; ``tests/test_cli.py`` runs the real program for the folder store.
"""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest

from indicators.__main__ import main
from indicators.storage import open_backend
from indicators.storage.transfer import copy_store
from indicators.store import Store
from tests.badfiles import xlsx_from_rows
from tests.test_cli import VALUES

ADMIN, MANAGER, ANALYST = "admin@example.org", "marko@example.org", "ana@example.org"
PASSWORDS = {ADMIN: "admin passphrase 2026", MANAGER: "manager passphrase 2026", ANALYST: "analyst passphrase 2026"}


@pytest.fixture(params=["folder", "postgres"])
def location(
    request: pytest.FixtureRequest, seeded_store_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> str | Path:
    """The approved demo in a folder (STORE_DIR) or in a database as the app's role sees it (STORE_URL); the
    other setting points somewhere that must stay untouched."""
    unused = tmp_path / "unused-folder"
    if request.param == "folder":
        where: str | Path = tmp_path / "store"
        shutil.copytree(seeded_store_dir, where)
        monkeypatch.setenv("PPD_STORE_DIR", str(where))
        monkeypatch.delenv("PPD_STORE_URL", raising=False)
    else:
        where = request.getfixturevalue("postgres_url")
        copy_store(open_backend(seeded_store_dir), open_backend(where))
        monkeypatch.setenv("PPD_STORE_URL", where)
        monkeypatch.setenv("PPD_STORE_DIR", str(unused))
    yield where
    if request.param == "postgres":
        assert not unused.exists(), "a command wrote to the folder store although STORE_URL is set"


def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, *args: str, stdin: str = "") -> tuple:
    """Run one command; (exit code, stdout, stderr)."""
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_every_command_works_on_the_store_of_the_settings(
    location: str | Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, tmp_path: Path
) -> None:
    def run(*args: str, stdin: str = "", code: int = 0) -> tuple[str, str]:
        done, out, err = cli(monkeypatch, capsys, *args, stdin=stdin)
        assert done == code, f"{args}: exit {done}\n{out}\n{err}"
        assert "Traceback" not in out + err
        return out, err

    store = Store(location)
    assert "/?setup=" in run("setup-link", "--url", "http://localhost:9")[0]  # no account yet in *this* store
    for email, role in ((ADMIN, "admin"), (MANAGER, "manager"), (ANALYST, "analyst")):
        extra = ("--beneficiary", "BIH") if role == "analyst" else ()
        run("users", "add", email, "--role", role, *extra, "--password-stdin", stdin=PASSWORDS[email] + "\n")
    assert "setup=" not in run("setup-link")[0]
    assert {a.email: a.role for a in store.accounts.all()} == {ADMIN: "admin", MANAGER: "manager", ANALYST: "analyst"}
    listed = json.loads(run("users", "list", "--json")[0])
    assert [(a["email"], a["beneficiaries"]) for a in listed] == [(ADMIN, []), (ANALYST, ["BIH"]), (MANAGER, [])]

    good = tmp_path / "good.xlsx"
    good.write_bytes(
        xlsx_from_rows({"Values": [VALUES, ["IND-01", "BiH", "2026NovS2", "total", 9, None, None, None, None]]})
    )
    assert "0 error(s)" in run("validate", str(good))[0]
    version = run("import", str(good), "--as", ANALYST)[0].strip()
    assert version == "000002" and store.status(version) == "draft"
    run("submit", version, "--as", ANALYST, "--note", "for review")
    listed = {v["id"]: v for v in json.loads(run("versions", "--json")[0])["versions"]}
    assert listed[version]["status"] == "submitted" and listed[version]["changes"] >= 1
    approved = run("approve", version, "--as", MANAGER, "--note", "checked", stdin=PASSWORDS[MANAGER] + "\n")[0]
    assert "is approved" in approved and store.approved_id() == version

    run("users", "set-role", ANALYST, "donor")
    assert store.accounts.get(ANALYST).role == "donor"
    run("users", "set-role", ANALYST, "analyst", "--beneficiary", "BIH")
    assert "One-time password" in run("users", "reset-password", ANALYST)[0]
    assert store.accounts.get(ANALYST).must_change
    run("users", "disable", ANALYST)
    assert store.accounts.get(ANALYST).disabled
    refused = run("import", str(good), "--as", ANALYST, code=2)[1]
    assert "disabled" in refused
    run("users", "enable", ANALYST)
    assert not store.accounts.get(ANALYST).disabled

    template = tmp_path / "template.xlsx"
    run("template", str(template))
    assert template.stat().st_size > 5000
    report = tmp_path / "donor.xlsx"
    run("report", "--semester", "2026NovS2", "--format", "xlsx", "--audience", "donor", "--out", str(report))
    assert report.stat().st_size > 5000

    token = run("users", "issue-token", MANAGER)[0].strip().rsplit(" ", 1)[-1]
    second = run("import", str(good), "--as", ANALYST)[0].strip()
    assert second == version  # the same bytes again: the version they were stored as
    other = tmp_path / "other.xlsx"
    other.write_bytes(
        xlsx_from_rows({"Values": [VALUES, ["IND-01", "BiH", "2026NovS2", "total", 7, None, None, None, None]]})
    )
    third = run("import", str(other), "--as", ANALYST)[0].strip()
    run("submit", third, "--as", ANALYST)
    assert "password or personal token" in run("return", third, "--as", MANAGER, "--note", "no", code=2)[1]
    run("return", third, "--as", MANAGER, "--note", "check the totals", stdin=token + "\n")
    assert store.status(third) == "returned"
    assert json.loads(run("mapping", "suggest", str(other))[0])["sheets"] == ["Values"]
    verified = json.loads(run("store", "verify", "--json")[0])
    assert verified["ok"] and verified["versions"] == 3 and verified["unchained"] <= 3

    actions = store.log()["action"].tolist()
    assert actions.count("account added") == 3 and "approved" in actions and "account disabled" in actions
