"""The layer contracts of `.importlinter` hold: imports run from pages to ui to indicators, and inside
indicators from orchestration down to the domain, never back up."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_import_contracts_are_kept() -> None:
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or "lint-imports"
    run = subprocess.run([lint, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "0 broken" in run.stdout


def test_a_stage_that_imports_upwards_breaks_the_contract(tmp_path: Path) -> None:
    """The contract can fail: a copy of the core whose domain imports compute is refused."""
    copy = tmp_path / "project"
    for part in ("indicators", "ui", "pages"):
        shutil.copytree(ROOT / part, copy / part, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / ".importlinter", copy / ".importlinter")
    schema = copy / "indicators" / "domain" / "schema.py"
    schema.write_text(schema.read_text() + "\nfrom indicators.compute import progress  # noqa\n")
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or "lint-imports"
    run = subprocess.run([lint, "--no-cache"], cwd=copy, capture_output=True, text=True, timeout=120)
    assert run.returncode != 0
    assert "indicators.domain.schema -> indicators.compute" in run.stdout.replace("\n", " ")
