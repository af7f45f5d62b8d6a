"""The pack: every format for both audiences, named after programme, semester and audience, with progress."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import pytest

from indicators.present.reports import AUDIENCES, Report, build_pack


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


def test_each_pdf_printed_in_its_own_process_is_the_right_edition(pack: dict[tuple[str, str], Report]) -> None:
    """The session's pack (both PDFs printed in forked processes) gives each edition its own PDF."""
    texts = {}
    for audience in AUDIENCES:
        report = pack[(audience, "pdf")]
        assert report.file_name.endswith(f"_{audience}_report.pdf") and report.data.startswith(b"%PDF")
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / report.file_name
            path.write_bytes(report.data)
            texts[audience] = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    assert "Donors: approved data, small sensitive counts suppressed" in texts["donor"]
    assert "Programme management" in texts["manager"] and "<5" not in texts["manager"].replace("'<5'", "")


def test_a_pdf_that_cannot_be_printed_is_told_in_a_sentence(demo_source, monkeypatch) -> None:  # noqa: ANN001
    """A failure in the printing process reaches the caller as one sentence, not a traceback or a hang."""
    from indicators.present.reports import PrintFailed, _second_core

    if not _second_core():
        pytest.skip("the PDF is printed in this process on a machine with one core")
    from indicators.present.reports import pdf as pdf_module

    def broken(_content: object) -> bytes:
        raise RuntimeError("no fonts")

    monkeypatch.setattr(pdf_module, "pdf_bytes", broken)
    programme, source = demo_source
    with pytest.raises(PrintFailed, match="The PDF could not be printed: no fonts"):
        build_pack(programme, source, "2025NovS1", ["pdf"], ["donor"])
