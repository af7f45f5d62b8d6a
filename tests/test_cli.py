import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from indicators.domain.schema import TABLES_BY_NAME
from indicators.store import Store
from tests.badfiles import xlsx_from_rows

PROJECT = Path(__file__).resolve().parent.parent
VALUES = [c.header for c in TABLES_BY_NAME["values"].columns]


def run(*args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """``python -m indicators`` with ``args``, what to type in, and settings added to the environment."""
    return subprocess.run(
        [sys.executable, "-m", "indicators", *args],
        capture_output=True,
        text=True,
        cwd=PROJECT,
        timeout=120,
        check=False,
        input=stdin,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    good = tmp_path / "good.xlsx"
    good.write_bytes(
        xlsx_from_rows({"Values": [VALUES, ["IND-01", "BiH", "2026NovS2", "total", 9, None, None, None, None]]})
    )
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(
        xlsx_from_rows({"Values": [VALUES, ["IND-99", "Narnia", "2026NovS2", "total", "x", None, None, None, None]]})
    )
    html = tmp_path / "page.xlsx"
    html.write_text("<!DOCTYPE html><html><body>hello</body></html>")
    return {"good": good, "bad": bad, "html": html, "missing": tmp_path / "nope.xlsx"}


@pytest.mark.parametrize(
    ("name", "code", "phrase"),
    [
        ("good", 0, "0 error(s)"),
        ("bad", 1, "row 2, column 'Indicator ID'"),
        ("html", 2, "not an Excel workbook"),
        ("missing", 2, "Cannot open"),
    ],
)
def test_validate_exit_codes_and_messages(
    demo_store: Store, files: dict[str, Path], name: str, code: int, phrase: str
) -> None:
    done = run("validate", str(files[name]))
    assert done.returncode == code, done.stdout + done.stderr
    assert phrase in done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr


def test_validate_json(demo_store: Store, files: dict[str, Path]) -> None:
    done = run("validate", str(files["bad"]), "--json")
    report = json.loads(done.stdout)
    assert done.returncode == 1 and report["valid"] is False and report["errors"] >= 2
    assert {"sheet", "row", "column", "found", "expected", "severity"} <= set(report["problems"][0])


def test_import_prints_the_version_id_and_stores_a_draft(demo_store: Store, files: dict[str, Path]) -> None:
    assert run("users", "add", "ana@example.org", "--role", "analyst").returncode == 0
    done = run("import", str(files["good"]), "--as", "ana@example.org")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "000002"
    meta = demo_store.meta("000002")
    assert demo_store.status("000002") == "draft" and meta["uploaded_by"] == "ana@example.org"
    assert meta["uploaded_method"] == "cli"
    again = run("import", str(files["good"]), "--as", "ana@example.org")
    assert again.stdout.strip() == "000002" and "already stored" in again.stderr
    assert demo_store.version_ids() == ["000001", "000002"]


def test_import_of_a_bad_workbook_stores_nothing(demo_store: Store, files: dict[str, Path]) -> None:
    assert run("users", "add", "ana@example.org", "--role", "analyst").returncode == 0
    done = run("import", str(files["bad"]), "--as", "ana@example.org")
    assert done.returncode == 1 and demo_store.version_ids() == ["000001"]


@pytest.mark.parametrize(
    ("role", "phrase"),
    [("donor", "Only an analyst or a programme manager may upload a workbook (good.xlsx); d@example.org is signed "
      "in as a donor."), (None, "d@example.org has no role yet: ask an administrator")],
)  # fmt: skip
def test_import_is_refused_to_a_role_that_may_not_upload(
    demo_store: Store, files: dict[str, Path], role: str | None, phrase: str
) -> None:
    if role:
        assert run("users", "add", "d@example.org", "--role", role).returncode == 0
    done = run("import", str(files["good"]), "--as", "d@example.org")
    assert done.returncode == 2 and phrase in done.stderr and "Traceback" not in done.stderr
    assert demo_store.version_ids() == ["000001"]
    assert demo_store.log()["action"].iloc[-1] == "refused"


def test_users_commands_manage_accounts_and_log_each_change(demo_store: Store) -> None:
    added = run("users", "add", "Ana@Example.org", "--role", "analyst", "--beneficiary", "ALB", "--beneficiary", "SRB")
    assert added.returncode == 0, added.stderr
    one_time = added.stdout.strip().rsplit(" ", 1)[-1]
    assert len(one_time) == 19 and one_time.count("-") == 3
    assert run("users", "add", "marko@example.org", "--role", "manager", "--password-stdin",
               stdin="a long enough passphrase\n").stdout.count("One-time") == 0  # fmt: skip
    listed = json.loads(run("users", "list", "--json").stdout)
    assert [(a["email"], a["role"], a["beneficiaries"], a["must_change"]) for a in listed] == [
        ("ana@example.org", "analyst", ["ALB", "SRB"], True),
        ("marko@example.org", "manager", [], False),
    ]
    assert "password" not in json.dumps(listed).replace("has_password", "")
    assert run("users", "set-role", "ana@example.org", "manager").returncode == 0
    assert run("users", "disable", "marko@example.org").returncode == 0
    reset = run("users", "reset-password", "ana@example.org")
    assert reset.returncode == 0 and reset.stdout.strip().rsplit(" ", 1)[-1] != one_time
    text = run("users", "list").stdout
    assert "ana@example.org" in text and "programme manager" in text and "disabled" in text
    log = demo_store.log()
    assert log["action"].tolist()[-5:] == [
        "account added", "account added", "role changed", "account disabled", "password reset"
    ]  # fmt: skip
    assert set(log["method"].iloc[-5:]) == {"cli"}
    assert one_time not in (demo_store.root / "log.jsonl").read_text()
    assert one_time not in (demo_store.root / "accounts.json").read_text()
    assert (demo_store.root / "accounts.json").stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize(
    ("args", "phrase"),
    [
        (("users", "add", "not-an-email", "--role", "analyst"), "is not an email address"),
        (("users", "add", "x@example.org", "--role", "donor", "--beneficiary", "ALB"), "only analysts are limited"),
        (("users", "add", "x@example.org", "--role", "analyst", "--beneficiary", "XYZ"), "XYZ is not a beneficiary"),
        (("users", "set-role", "nobody@example.org", "donor"), "there is no account nobody@example.org"),
        (("users", "disable", "nobody@example.org"), "there is no account"),
    ],
)
def test_users_commands_explain_what_they_refuse(demo_store: Store, args: tuple[str, ...], phrase: str) -> None:
    done = run(*args)
    assert done.returncode == 2 and phrase in done.stderr and "Traceback" not in done.stderr


def test_short_password_on_stdin_is_refused(demo_store: Store) -> None:
    done = run("users", "add", "x@example.org", "--role", "admin", "--password-stdin", stdin="short\n")
    assert done.returncode == 2 and "at least 12 characters" in done.stderr
    assert not (demo_store.root / "accounts.json").exists()


def test_setup_link_is_printed_only_while_no_account_exists(demo_store: Store) -> None:
    first = run("setup-link", "--url", "http://localhost:9999")
    assert "http://localhost:9999/?setup=" in first.stdout
    assert run("users", "add", "admin@example.org", "--role", "admin").returncode == 0
    assert "setup=" not in run("setup-link").stdout


def test_template_is_written_and_reads_back_as_valid(demo_store: Store, tmp_path: Path) -> None:
    out = tmp_path / "template.xlsx"
    done = run("template", str(out))
    assert done.returncode == 0 and out.stat().st_size > 5000
    assert run("validate", str(out)).returncode == 0


def test_kosovo_named_in_a_report_carries_the_footnote(demo_store: Store, tmp_path: Path) -> None:
    path = tmp_path / "kosova.xlsx"
    path.write_bytes(xlsx_from_rows({"Values": [VALUES, ["IND-01", "Kosova", "2026NovS2", "total", 2, None, None,
                                                         None, None]]}))  # fmt: skip
    done = run("validate", str(path))
    assert done.returncode == 0 and "Kosovo*" in done.stdout
    assert "United Nations Security Council Resolution 1244" in done.stdout


REPORT = ["report", "--semester", "2025NovS1", "--format", "xlsx", "--audience", "donor"]


@pytest.mark.parametrize("fmt", ["xlsx", "iati", "pptx"])
def test_report_writes_the_file_and_exits_0(demo_store: Store, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"pack.{fmt}"
    result = run("report", "--semester", "2025NovS1", "--format", fmt, "--audience", "manager", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert out.stat().st_size > 1000
    assert "Nov 2024 – Apr 2025" in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["--semester", "2025S1", "--format", "xlsx", "--audience", "donor"],  # not a semester identifier
        ["--semester", "2025NovS1", "--format", "docx", "--audience", "donor"],
        ["--semester", "2025NovS1", "--format", "xlsx", "--audience", "public"],
        ["--semester", "2025NovS1", "--format", "xlsx"],  # audience missing
    ],
)
def test_report_bad_argument_exits_2(demo_store: Store, tmp_path: Path, args: list[str]) -> None:
    result = run("report", *args, "--out", str(tmp_path / "x"))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and result.stderr.strip()
    assert not (tmp_path / "x").exists()


def test_report_into_a_missing_folder_exits_2(demo_store: Store, tmp_path: Path) -> None:
    result = run(*REPORT, "--out", str(tmp_path / "no" / "such" / "folder.xlsx"))
    assert result.returncode == 2 and "does not exist" in result.stderr


def test_report_of_a_semester_without_approved_data_exits_1(demo_store: Store, tmp_path: Path) -> None:
    result = run(
        "report", "--semester", "2031NovS1", "--format", "xlsx", "--audience", "donor", "--out", str(tmp_path / "x")
    )
    assert result.returncode == 1
    assert "nothing for Nov 2030 – Apr 2031" in result.stderr
    assert not (tmp_path / "x").exists()


def test_report_before_anything_is_approved_exits_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PPD_STORE_DIR", str(tmp_path / "empty"))
    monkeypatch.setenv("PPD_SEED_DEMO", "0")
    result = run(*REPORT, "--out", str(tmp_path / "x"))
    assert result.returncode == 1 and "Nothing is approved yet" in result.stderr
