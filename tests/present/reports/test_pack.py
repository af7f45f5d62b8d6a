"""The pack: every format for both audiences, named after programme, semester and audience, with progress."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from indicators.present.reports import AUDIENCES, build_pack


def test_pack_names_every_file_and_reports_progress(demo_source) -> None:  # noqa: ANN001
    programme, source = demo_source
    told: list[tuple[float, str]] = []
    reports = build_pack(programme, source, "2025NovS1", ["xlsx", "iati"], progress=lambda f, w: told.append((f, w)))
    assert [(r.audience, r.format) for r in reports] == [(a, f) for a in AUDIENCES for f in ("xlsx", "iati")]
    assert [r.file_name for r in reports][:2] == [
        "HFIII-VE-prisons_2025NovS1_manager_report.xlsx",
        "HFIII-VE-prisons_2025NovS1_manager_iati-results.xml",
    ]
    shares = [f for f, _ in told]
    assert shares == sorted(shares) and shares[-1] == 1.0 and len(told) >= 6
    assert any("donor" in w for _, w in told)


def test_the_second_pdf_printed_in_its_own_process_is_the_right_edition(demo_source) -> None:  # noqa: ANN001
    programme, source = demo_source
    reports = {r.audience: r for r in build_pack(programme, source, "2025NovS1", ["pdf"])}
    texts = {}
    for audience, report in reports.items():
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / report.file_name
            path.write_bytes(report.data)
            texts[audience] = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    assert "Donors: approved data, small sensitive counts suppressed" in texts["donor"]
    assert "Programme management" in texts["manager"] and "<5" not in texts["manager"].replace("'<5'", "")
