"""Property: no suppressed count survives anywhere in any donor format.

For random programmes (the demo generator with several seeds), two hidden counts ('<5') of the same
sensitive indicator and semester are swapped. Nothing a donor can see may change: every donor file must be
the same, byte for byte (IATI), part for part of the zip (XLSX, PPTX: cell values, chart data, sheets
hidden or not, speaker notes, document properties) and, for the PDF, the whole Typst source it is typeset from
(with the charts' SVG) and the text poppler reads back. The manager's files do change, so the test can fail.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
import tempfile
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from indicators.compute.progress import indicator_progress
from indicators.compute.suppression import donor_progress
from indicators.demo import demo_programme
from indicators.domain.schema import Programme
from indicators.present.reports import Source, render, report_content
from indicators.present.reports.pdf import report_source

SEMESTERS = ("2024NovS2", "2025NovS1", "2026NovS1")
FIXED = dt.datetime(2026, 11, 29, 10, 0, tzinfo=dt.UTC)
SOURCE = Source("000042", "2026-11-20T09:00:00+00:00", True)


def swappable(programme: Programme, semester: str) -> tuple[str, str, str] | None:
    """An indicator and two beneficiaries whose counts in the semester are both hidden as '<5', and differ."""
    donor = donor_progress(indicator_progress(programme))
    rows = donor[(donor["semester"] == semester) & (donor["actual_display"] == "<5") & ~donor["cumulative"]]
    full = indicator_progress(programme).set_index(["indicator_id", "beneficiary", "semester"])["semester_value"]
    for indicator_id, group in rows.groupby("indicator_id"):
        codes = list(group["beneficiary"])
        for i, a in enumerate(codes):
            for b in codes[i + 1 :]:
                if full[(indicator_id, a, semester)] != full[(indicator_id, b, semester)]:
                    return str(indicator_id), a, b
    return None


def swapped(programme: Programme, semester: str, indicator_id: str, a: str, b: str) -> Programme:
    values = programme.values.copy()
    total = (values["sex"].fillna("total") == "total") & (values["indicator_id"] == indicator_id)
    at = {c: total & (values["beneficiary"] == c) & (values["semester"] == semester) for c in (a, b)}
    va, vb = values.loc[at[a], "value"].iloc[0], values.loc[at[b], "value"].iloc[0]
    values.loc[at[a], "value"], values.loc[at[b], "value"] = vb, va
    return Programme({**programme.tables, "values": values})


_WRITTEN_AT = re.compile(rb"<dcterms:(created|modified)[^>]*>[^<]*</dcterms:(created|modified)>")


def parts(data: bytes, prefix: str = "") -> dict[str, bytes]:
    """Every part of a zip package, the chart workbooks embedded in slides opened too; only the time an
    embedded workbook was written (python-pptx stamps it) is set aside."""
    out = {}
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            blob = z.read(name)
            if name.endswith(".xlsx"):
                out |= parts(blob, f"{prefix}{name}!")
            elif prefix and name == "docProps/core.xml":
                out[prefix + name] = _WRITTEN_AT.sub(b"", blob)
            else:
                out[prefix + name] = blob
    return out


def pdf_text(data: bytes) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "r.pdf"
        path.write_bytes(data)
        return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def outputs(programme: Programme, semester: str, audience: str, pdf: bool) -> dict[str, object]:
    content = report_content(programme, SOURCE, semester, audience, generated_at=FIXED)
    out: dict[str, object] = {
        "iati": render(content, "iati"),
        "xlsx": parts(render(content, "xlsx")),
        "pptx": {k: v for k, v in parts(render(content, "pptx")).items()},
    }
    if pdf:
        out["pdf-source"] = report_source(content)
        out["pdf-text"] = pdf_text(render(content, "pdf"))
    return out


CASES = [(2023, "2025NovS1", True), (7, "2024NovS2", False), (11, "2026NovS1", False), (5, "2025NovS1", False)]


@pytest.mark.parametrize(("seed", "semester", "pdf"), CASES)
def test_swapping_two_hidden_counts_changes_nothing_a_donor_gets(seed: int, semester: str, pdf: bool) -> None:
    programme = demo_programme(seed)
    pair = swappable(programme, semester)
    if pair is None:
        pytest.skip(f"seed {seed} has no two different hidden counts in {semester}")
    other = swapped(programme, semester, *pair)
    donor_before, donor_after = outputs(programme, semester, "donor", pdf), outputs(other, semester, "donor", pdf)
    for fmt in donor_before:
        if isinstance(donor_before[fmt], dict):
            assert donor_before[fmt].keys() == donor_after[fmt].keys(), fmt
            changed = [k for k in donor_before[fmt] if donor_before[fmt][k] != donor_after[fmt][k]]
            assert not changed, (fmt, pair, changed)
        else:
            assert donor_before[fmt] == donor_after[fmt], (fmt, pair)
    manager_before = outputs(programme, semester, "manager", False)
    manager_after = outputs(other, semester, "manager", False)
    assert manager_before["iati"] != manager_after["iati"] or manager_before["xlsx"] != manager_after["xlsx"]


def test_the_cases_exercise_hidden_counts() -> None:
    found = [swappable(demo_programme(seed), semester) for seed, semester, _ in CASES]
    assert sum(f is not None for f in found) >= 2, found


def test_donor_workbook_has_no_hidden_sheet_rows_or_comments() -> None:
    content = report_content(demo_programme(2023), SOURCE, "2025NovS1", "donor", generated_at=FIXED)
    files = parts(render(content, "xlsx"))
    assert not [n for n in files if "comments" in n or "vbaProject" in n]
    workbook = files["xl/workbook.xml"].decode()
    assert 'state="hidden"' not in workbook and 'state="veryHidden"' not in workbook
    for name, data in files.items():
        if name.startswith("xl/worksheets/sheet"):
            assert b'hidden="1"' not in data, name
    values = pd.read_excel(io.BytesIO(render(content, "xlsx")), sheet_name="Values", header=3)
    hidden = content.values["suppressed"].to_numpy()
    assert hidden.any()
    for column in ("Semester value", "Actual (to date)"):
        shown = values[column].iloc[: len(hidden)][hidden]
        assert not any(isinstance(v, (int, float)) and 1 <= v < 5 for v in shown), column
