"""The semester report pack: PDF, PowerPoint, Excel and IATI 2.03 results, for managers or donors.

Imports compute and domain only (.importlinter). ``content.report_content`` computes what a report says,
once, from the approved programme (donor-safe frames for donors); each format module lays it out:
``pdf`` (WeasyPrint, tagged PDF/UA-1, charts as vector SVG written by ``svg``), ``pptx`` (python-pptx,
native charts), ``xlsx`` (XlsxWriter, native charts) and ``iati`` (lxml, validated against the schema).
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.process
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

import pandas as pd

from indicators.compute.progress import Thresholds
from indicators.domain import i18n
from indicators.domain.i18n import N_, _
from indicators.domain.problems import ProjectError
from indicators.present.reports.content import (
    AUDIENCES,
    NoApprovedData,
    ReportContent,
    Source,
    computed_frames,
    report_content,
)

FORMATS: dict[str, tuple[str, str]] = {  # format: (file extension, MIME type)
    "pdf": ("pdf", "application/pdf"),
    "pptx": ("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    "xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "iati": ("xml", "application/xml"),
}
FORMAT_LABELS = {  # shown with _() (format_label)
    "pdf": N_("Progress report (PDF)"),
    "pptx": N_("Steering Committee slides (PowerPoint)"),
    "xlsx": N_("Tables (Excel)"),
    "iati": N_("IATI 2.03 results (XML)"),
}
PROGRAMME_FILE_NAME = "HFIII-VE-prisons"  # the programme's short name in file names
# The words of file names in each language other than English (the English names stay as they always were:
# scripts may look for them). Plain ASCII: a file name travels through e-mail and zip files.
FILE_NAME_WORDS: dict[str, dict[str, str]] = {
    "fr": {"manager": "gestion", "donor": "bailleurs", "report": "rapport", "iati-results": "resultats-iati"},
}

__all__ = [
    "AUDIENCES",
    "FORMATS",
    "NoApprovedData",
    "PrintFailed",
    "Report",
    "ReportContent",
    "Source",
    "build_pack",
    "build_report",
    "file_name",
    "format_label",
    "report_content",
]


@dataclass(frozen=True)
class Report:
    """One file of the pack."""

    format: str
    audience: str
    file_name: str
    mime: str
    data: bytes
    seconds: float


def format_label(fmt: str) -> str:
    """A format as people read it in the current language, e.g. 'Progress report (PDF)'."""
    return _(FORMAT_LABELS[fmt])


def file_name(content: ReportContent, fmt: str) -> str:
    """The file's name: programme, semester, audience, e.g. HFIII-VE-prisons_2025NovS1_donor_report.pdf; in
    the report's language (French: HFIII-VE-prisons_2025NovS1_bailleurs_rapport.pdf)."""
    extension = FORMATS[fmt][0]
    kind = "iati-results" if fmt == "iati" else "report"
    words = FILE_NAME_WORDS.get(content.language, {})
    audience, kind = words.get(content.audience, content.audience), words.get(kind, kind)
    return re.sub(r"[^A-Za-z0-9._-]", "-", f"{PROGRAMME_FILE_NAME}_{content.semester}_{audience}_{kind}.{extension}")


def render(content: ReportContent, fmt: str) -> bytes:
    """The bytes of one format of the report."""
    if fmt == "xlsx":
        from indicators.present.reports.xlsx import workbook_bytes

        return workbook_bytes(content)
    if fmt == "iati":
        from indicators.present.reports.iati import iati_bytes

        return iati_bytes(content)
    if fmt == "pdf":
        from indicators.present.reports.pdf import pdf_bytes

        return pdf_bytes(content)
    if fmt == "pptx":
        from indicators.present.reports.slides import slides_bytes

        return slides_bytes(content)
    raise ValueError(f"format is one of {', '.join(FORMATS)}, not {fmt!r}")


def build_report(content: ReportContent, fmt: str) -> Report:
    """One format of the report, named and timed."""
    started = time.perf_counter()
    data = render(content, fmt)
    return Report(fmt, content.audience, file_name(content, fmt), FORMATS[fmt][1], data, time.perf_counter() - started)


# What build_pack tells its progress, per audience (shown with _()).
COMPUTING = {"manager": N_("Computing the manager edition"), "donor": N_("Computing the donor edition")}
WRITING = {"manager": N_("Writing the {format} for managers"), "donor": N_("Writing the {format} for donors")}


class PrintFailed(ProjectError):
    """A PDF printed in its own process failed; ``str(error)`` says why."""


def _second_core() -> bool:
    """Whether a PDF may be printed in a process of its own: two cores (see ``_Printing.start`` for how)."""
    return (os.cpu_count() or 1) > 1 and "fork" in multiprocessing.get_all_start_methods()


def _print_child(orders: Connection, send: Connection) -> None:
    """In the printing process (forked, or a new Python: ``_Printing.start``): WeasyPrint imported while the parent
    computes the content, then the PDF of the content the parent sends, sent back through the pipe (or why it
    failed)."""
    parent = os.getppid()
    try:
        import weasyprint  # noqa: F401 - imported before the content comes: the parent computes it meanwhile

        from indicators.present.reports import pdf

        # A forked process also holds the parent's end of this pipe (and of its siblings'), so a parent that dies
        # without closing it is noticed by its process id changing, not by the end of the pipe.
        while not orders.poll(1.0):
            if os.getppid() != parent:
                return
        content = orders.recv()
        send.send(("pdf", pdf.pdf_bytes(content)))
    except EOFError:  # the parent stopped before sending a content: nothing to print
        pass
    except Exception as error:  # noqa: BLE001 - the parent raises it as a sentence
        send.send(("error", str(error) or type(error).__name__))
    finally:
        send.close()


@dataclass
class _Python:
    """A new Python process running ``_print_child`` on two pipes it inherits (for ``_Printing``; the methods of
    a multiprocessing process that it uses)."""

    popen: subprocess.Popen

    @classmethod
    def start(cls, orders: Connection, send: Connection) -> _Python:
        fds = (orders.fileno(), send.fileno())
        root = str(Path(__file__).resolve().parents[3])  # where the ``indicators`` package is
        code = "import sys; from indicators.present.reports import _print_child_of_fds as p; p(*sys.argv[1:])"
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (root, os.environ.get("PYTHONPATH"))))}
        command = [sys.executable, "-P", "-c", code, *map(str, fds)]  # -P: the package of PYTHONPATH, not the cwd's
        return cls(subprocess.Popen(command, pass_fds=fds, env=env, stdin=subprocess.DEVNULL))

    def is_alive(self) -> bool:
        return self.popen.poll() is None

    def kill(self) -> None:
        self.popen.kill()

    def join(self) -> None:
        self.popen.wait()


def _print_child_of_fds(orders: str, send: str) -> None:
    """``_print_child`` in a new Python process, on the pipes' file descriptors it was given (``_Python``)."""
    _print_child(Connection(int(orders), writable=False), Connection(int(send), readable=False))


@dataclass
class _Printing:
    """A process of its own printing one PDF, started before the content is computed (it imports WeasyPrint and the
    PDF module meanwhile, on the other core) and then sent the content through a pipe; it sends back the bytes.
    The content and the PDF are the only things that cross the pipes, between this process and its own child."""

    process: multiprocessing.process.BaseProcess
    orders: Connection
    receive: Connection
    content: ReportContent | None = None
    started: float = 0.0

    @classmethod
    def start(cls) -> _Printing:
        """With only this thread running (the command line, the benchmark), the process is forked from this one.
        Beside other threads (the app server), a fork could leave a lock held by one of them locked forever in the
        child, so a new Python runs ``_print_child`` instead (``subprocess`` starts it safely beside threads): it
        imports WeasyPrint and the content's modules itself, on the other core, while this process computes."""
        context = multiprocessing.get_context("fork")
        child_orders, orders = context.Pipe(duplex=False)
        receive, send = context.Pipe(duplex=False)
        if threading.active_count() == 1:
            process: multiprocessing.process.BaseProcess | _Python = context.Process(
                target=_print_child, args=(child_orders, send), daemon=True
            )
            process.start()
        else:
            process = _Python.start(child_orders, send)
        child_orders.close()
        send.close()
        return cls(process, orders, receive)

    def print(self, content: ReportContent) -> None:
        """Sends the content to print (waits, at worst, for the process to have imported WeasyPrint)."""
        self.content, self.started = content, time.perf_counter()
        try:
            self.orders.send(content)
        except OSError:  # the process stopped before (WeasyPrint failed to import): ``report`` says why
            pass
        finally:
            self.orders.close()

    def report(self) -> Report:
        try:
            kind, data = self.receive.recv()
        except EOFError:
            kind, data = "error", _("the printing process stopped")
        finally:
            self.receive.close()
            self.process.join()
        if kind != "pdf" or self.content is None:
            raise PrintFailed(_("The PDF could not be printed: {reason}").format(reason=data))
        content = self.content
        seconds = time.perf_counter() - self.started
        return Report("pdf", content.audience, file_name(content, "pdf"), FORMATS["pdf"][1], data, seconds)

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.orders.close()
        self.receive.close()


def build_pack(
    programme: object,
    source: Source | None,
    semester: str,
    formats: Iterable[str] = tuple(FORMATS),
    audiences: Iterable[str] = AUDIENCES,
    progress: Callable[[float, str], None] | None = None,
    computed: tuple[pd.DataFrame, pd.DataFrame] | None = None,
    language: str | None = None,
) -> list[Report]:
    """Every requested format for every requested audience; ``progress(fraction, what)`` is told as it goes.

    The reports are written in ``language`` when given, else in the current language (``computed`` must then
    have been computed in that language); what ``progress`` is told is in the current language.

    Progress and roll-up are computed once for all audiences (or taken from ``computed``, the app's cached
    ``indicator_progress`` and ``regional_rollup`` of the same programme, never changed here). On a machine
    with two cores, each PDF (WeasyPrint's layout is the pack's largest cost) is printed in a process of its own
    started first (``_Printing.start``: forked, or a new Python beside other threads), which imports WeasyPrint
    while this one computes the contents, and is sent its content as soon as it is computed; this process writes
    the other formats meanwhile. The charts are SVG written directly
    (``svg.py``), so no browser is started.
    """
    formats, audiences = list(formats), list(audiences)
    steps = len(audiences) * (1 + len(formats))
    done = 0

    def tell(what: str) -> None:
        if progress:
            progress(min(done / steps, 1.0), what)

    thresholds = Thresholds.from_settings()
    language = language or i18n.language()
    fork = "pdf" in formats and _second_core()
    contents: list[ReportContent] = []
    printing: dict[str, _Printing] = {}
    reports: dict[tuple[str, str], Report] = {}
    try:
        # Started first: each printing process imports WeasyPrint while this one computes the figures and contents.
        try:
            for audience in audiences if fork else ():
                printing[audience] = _Printing.start()
        except OSError:  # no process could be started (the system's limits): the PDFs are printed here
            for child in printing.values():
                child.stop()
            printing, fork = {}, False
        if computed is None and programme is not None:
            with i18n.using(language):
                computed = computed_frames(programme, thresholds)  # type: ignore[arg-type]
        for audience in audiences:
            tell(_(COMPUTING[audience]))
            content = report_content(
                programme,  # type: ignore[arg-type]
                source,
                semester,
                audience,
                thresholds,
                computed=computed,
                language=language,
            )
            contents.append(content)
            if fork:
                printing[audience].print(content)
            done += 1
        for content in contents:
            for fmt in formats:
                if fmt == "pdf" and content.audience in printing:
                    continue
                tell(_(WRITING[content.audience]).format(format=format_label(fmt)))
                reports[(content.audience, fmt)] = build_report(content, fmt)
                done += 1
        for audience, child in printing.items():
            tell(_(WRITING[audience]).format(format=format_label("pdf")))
            reports[(audience, "pdf")] = child.report()
            done += 1
    finally:
        for child in printing.values():
            child.stop()
    tell(_("Done"))
    return [reports[(c.audience, fmt)] for c in contents for fmt in formats]
