"""The mapping commands: suggest prints a mapping as JSON; validate and import read a workbook through it."""

from __future__ import annotations

import json
from pathlib import Path

from indicators.store import Store
from tests.badfiles import xlsx_from_rows
from tests.test_cli import VALUES, run

SHEET = [
    ["Monitoring sheet 2026", None, None, None],
    [None, None, None, None],
    ["Indicator", "Country", "Nov 2025 – Apr 2026", "May 2026 – Oct 2026"],
    ["IND-01", "Serbia", 11, 13],
    ["IND-03", "Kosova", 2, None],
    ["Prison staff trained in managing VEPs", "Albania", None, 5],
]


def test_suggest_validate_and_import_through_a_mapping(demo_store: Store, tmp_path: Path) -> None:
    workbook = tmp_path / "own-layout.xlsx"
    workbook.write_bytes(xlsx_from_rows({"Data": SHEET}))
    suggested = run("mapping", "suggest", str(workbook))
    assert suggested.returncode == 0, suggested.stderr
    mapping = json.loads(suggested.stdout)
    assert (mapping["sheets"], mapping["header_row"]) == (["Data"], 3)
    assert mapping["fields"] == {"indicator": {"column": "Indicator"}, "beneficiary": {"column": "Country"}}
    assert [w["semester"] for w in mapping["wide"]] == ["2026NovS1", "2026NovS2"]
    path = tmp_path / "map.json"
    path.write_text(suggested.stdout)

    checked = run("validate", str(workbook), "--mapping", str(path), "--json")
    report = json.loads(checked.stdout)
    assert checked.returncode == 0, report["problems"]
    assert report["rows"] == {"values": 4}

    assert run("users", "add", "ana@example.org", "--role", "analyst").returncode == 0
    imported = run("import", str(workbook), "--mapping", str(path), "--as", "ana@example.org")
    assert imported.returncode == 0, imported.stderr
    version = imported.stdout.strip()
    stored = demo_store.load(version).values.set_index(["indicator_id", "beneficiary", "semester", "sex"])["value"]
    assert stored[("IND-01", "SRB", "2026NovS2", "total")] == 13.0
    assert stored[("IND-03", "XKX", "2026NovS1", "total")] == 2.0  # a percentage given as one number
    assert stored[("IND-06", "ALB", "2026NovS2", "total")] == 5.0  # matched by its title
    assert demo_store.meta(version)["summary"]["mapping"]["sheets"] == ["Data"]


def test_a_problem_through_a_mapping_names_the_analysts_cell(demo_store: Store, tmp_path: Path) -> None:
    workbook = tmp_path / "own-layout.xlsx"
    workbook.write_bytes(xlsx_from_rows({"Data": [*SHEET[:4], ["IND-01", "Narnia", 1, 2]]}))
    path = tmp_path / "map.json"
    path.write_text(run("mapping", "suggest", str(workbook)).stdout)
    checked = run("validate", str(workbook), "--mapping", str(path))
    assert checked.returncode == 1
    assert "sheet 'Data', row 5, column 'Country'" in checked.stdout


def test_validate_json_counts_rows_read_per_table(demo_store: Store, tmp_path: Path) -> None:
    workbook = tmp_path / "template-layout.xlsx"
    workbook.write_bytes(xlsx_from_rows({"Values": [VALUES, ["IND-01", "BiH", "2026NovS2", "total", 9, *[None] * 4]]}))
    report = json.loads(run("validate", str(workbook), "--json").stdout)
    assert report["rows"] == {"values": 1}


def test_a_broken_mapping_file_or_sheet_is_one_sentence(demo_store: Store, tmp_path: Path) -> None:
    workbook = tmp_path / "own-layout.xlsx"
    workbook.write_bytes(xlsx_from_rows({"Data": SHEET}))
    broken = tmp_path / "broken.json"
    broken.write_text('{"sheets": ["Data"], "header_row": "three"}')
    done = run("validate", str(workbook), "--mapping", str(broken))
    assert done.returncode == 2 and "'header_row' must be a row number" in done.stderr
    assert "Traceback" not in done.stderr
    missing = run("mapping", "suggest", str(workbook), "--sheet", "Nope")
    assert missing.returncode == 2 and "no sheet named 'Nope'" in missing.stderr
