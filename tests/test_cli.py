import json
import subprocess
import sys
from pathlib import Path

import pytest

from indicators.domain.schema import TABLES_BY_NAME
from indicators.store import Store
from tests.badfiles import xlsx_from_rows

PROJECT = Path(__file__).resolve().parent.parent
VALUES = [c.header for c in TABLES_BY_NAME["values"].columns]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "indicators", *args],
        capture_output=True,
        text=True,
        cwd=PROJECT,
        timeout=120,
        check=False,
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
    done = run("import", str(files["good"]), "--user", "ana")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "000002"
    assert demo_store.status("000002") == "draft" and demo_store.meta("000002")["uploaded_by"] == "ana"
    again = run("import", str(files["good"]))
    assert again.stdout.strip() == "000002" and "already stored" in again.stderr
    assert demo_store.version_ids() == ["000001", "000002"]


def test_import_of_a_bad_workbook_stores_nothing(demo_store: Store, files: dict[str, Path]) -> None:
    done = run("import", str(files["bad"]))
    assert done.returncode == 1 and demo_store.version_ids() == ["000001"]


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
