"""The pack: every format for both audiences, named after programme, semester and audience, with progress."""

from __future__ import annotations

import multiprocessing
import subprocess
import tempfile
import threading
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
    """A failure while printing reaches the caller as one sentence, not a traceback or a hang: the printing side
    (``_print_child``, run here in a thread so that the broken printer below applies) tells it through the pipe."""
    from indicators.present.reports import PrintFailed, _print_child, _Printing
    from indicators.present.reports import pdf as pdf_module
    from indicators.present.reports.content import report_content

    def broken(_content: object) -> bytes:
        raise RuntimeError("no fonts")

    monkeypatch.setattr(pdf_module, "pdf_bytes", broken)
    programme, source = demo_source
    child_orders, orders = multiprocessing.Pipe(duplex=False)
    receive, send = multiprocessing.Pipe(duplex=False)
    printer = threading.Thread(target=_print_child, args=(child_orders, send), daemon=True)
    printer.start()
    printing = _Printing(printer, orders, receive)  # type: ignore[arg-type] - a thread joins like a process
    printing.print(report_content(programme, source, "2025NovS1", "donor"))
    with pytest.raises(PrintFailed, match="^The PDF could not be printed: no fonts$"):
        printing.report()


def test_a_printing_process_that_stops_is_told_in_a_sentence(demo_source) -> None:  # noqa: ANN001
    """The real printing process (forked, or a new Python beside this test runner's threads) stopped before it
    printed: the caller gets one sentence, not a broken pipe or a hang."""
    from indicators.present.reports import PrintFailed, _Printing
    from indicators.present.reports.content import report_content

    programme, source = demo_source
    printing = _Printing.start()
    printing.process.kill()
    printing.process.join()
    printing.print(report_content(programme, source, "2025NovS1", "donor"))
    with pytest.raises(PrintFailed, match="^The PDF could not be printed: the printing process stopped$"):
        printing.report()


def test_beside_other_threads_each_pdf_is_printed_by_a_new_python(demo_source) -> None:  # noqa: ANN001
    """Beside other threads (the app server's), a printing process is never forked from this one (a lock held by
    another thread could stay locked forever in the child): a new Python prints it, and it is the right edition."""
    from indicators.present.reports import _Printing, _Python
    from indicators.present.reports.content import report_content

    programme, source = demo_source
    running = threading.Event()
    other = threading.Thread(target=running.wait, daemon=True)  # as the app server's threads
    other.start()
    try:
        printing = _Printing.start()
        assert isinstance(printing.process, _Python)
        printing.print(report_content(programme, source, "2025NovS1", "donor"))
        report = printing.report()
    finally:
        running.set()
    assert report.data.startswith(b"%PDF") and report.file_name.endswith("_donor_report.pdf")
    text = subprocess.run(["pdftotext", "-", "-"], input=report.data, capture_output=True, check=True).stdout.decode()
    assert "Donors: approved data, small sensitive counts suppressed" in text  # what the new Python printed
