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


def test_each_pdf_typeset_in_its_thread_is_the_right_edition(pack: dict[tuple[str, str], Report]) -> None:
    """The session's pack (both PDFs typeset in a thread while the other formats are written) gives each edition
    its own PDF."""
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
    """A failure while typesetting (in the printing thread) reaches the caller as one sentence, not a traceback or
    a hang, and the other formats are not half-written."""
    from indicators.present.reports import PrintFailed
    from indicators.present.reports import pdf as pdf_module

    def broken(_source: str) -> bytes:
        raise RuntimeError("no fonts")

    monkeypatch.setattr(pdf_module, "print_pdf", broken)
    programme, source = demo_source
    with pytest.raises(PrintFailed, match="^The PDF could not be printed: no fonts$"):
        build_pack(programme, source, "2025NovS1", ["pdf", "iati"], audiences=["donor"])


def test_typst_errors_become_a_sentence_not_a_traceback() -> None:
    """Typst's own error (a fault of the report's source, never of the data) is raised as ``TypesetFailed`` with
    Typst's message, which the pack tells as a sentence."""
    from indicators.present.reports.pdf import TypesetFailed, print_pdf

    with pytest.raises(TypesetFailed, match="unknown variable: nowhere"):
        print_pdf("#nowhere")


def test_data_is_never_markup() -> None:
    """Texts from the workbook are Typst strings: markup, code, quotes, backslashes and control characters print
    as themselves."""
    from indicators.present.reports.pdf import print_pdf, q

    hostile = 'Close" + read("/etc/passwd") + "\\ #panic("x") *bold* $x$ <label> @ref `raw`\x00\x1b line\nnext'
    data = print_pdf('#set document(title: "Test")\n#set text(font: "DejaVu Sans")\n#par(' + q(hostile) + ")")
    text = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
    flat = " ".join(text.split())
    assert 'Close" + read("/etc/passwd") + "\\ #panic("x") *bold* $x$ <label> @ref `raw` line next' in flat


def test_a_pdf_is_typeset_in_a_process_that_ends_with_it(demo_source) -> None:  # noqa: ANN001
    """The PDF is typeset in a process of its own (Typst's cache of its last documents and its memory go with
    it; a time limit can stop it), waited for by a thread, and no process is left behind."""
    from concurrent.futures import ThreadPoolExecutor

    from indicators.present.reports import _Printing
    from indicators.present.reports.content import report_content

    programme, source = demo_source
    content = report_content(programme, source, "2025NovS1", "donor")
    before = _children()
    with ThreadPoolExecutor(max_workers=1) as pool:
        printing = _Printing.start(pool, content)
        report = printing.report()
    assert set(_children()) <= set(before)
    assert report.data.startswith(b"%PDF") and report.file_name.endswith("_donor_report.pdf")
    text = subprocess.run(["pdftotext", "-", "-"], input=report.data, capture_output=True, check=True).stdout.decode()
    assert "Donors: approved data, small sensitive counts suppressed" in text


def _children() -> list[str]:
    """This process's child processes (of every thread), from /proc."""
    return [pid for task in Path("/proc/self/task").iterdir() for pid in (task / "children").read_text().split()]


def test_a_pdf_that_takes_too_long_is_stopped_and_told_in_a_sentence() -> None:
    from indicators.present.reports.pdf import TypesetFailed, print_pdf

    before = _children()
    with pytest.raises(TypesetFailed, match="^it took longer than 0 s$"):
        print_pdf('#set document(title: "Test")\n' + "#lorem(100)\n" * 2000, seconds=0.01)
    assert set(_children()) <= set(before)  # the process was stopped
