"""The semester report pack: PDF, PowerPoint, Excel and IATI 2.03 results, for managers or donors.

Imports compute and domain only (.importlinter). ``content.report_content`` computes what a report says,
once, from the approved programme (donor-safe frames for donors); each format module lays it out:
``pdf`` (Typst, tagged PDF/UA-1, charts as vector SVG written by ``svg``), ``pptx`` (python-pptx,
native charts), ``xlsx`` (XlsxWriter, native charts) and ``iati`` (lxml, validated against the schema).
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

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
log = logging.getLogger(__name__)


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
    """A PDF could not be typeset; ``str(error)`` says why."""

    @classmethod
    def because(cls, error: Exception) -> PrintFailed:
        reason = str(error) or type(error).__name__
        return cls(_("The PDF could not be printed: {reason}").format(reason=reason))


@dataclass
class _Printing:
    """One PDF typeset while this thread writes the other formats: a thread of its own waits for Typst's process
    (``pdf.print_pdf``, started with ``subprocess``: safe beside the app server's threads), which takes the second
    core. Its Typst source is written in the calling thread (the words in the content's language)."""

    content: ReportContent
    future: Future[tuple[bytes, float]]
    source_seconds: float

    @classmethod
    def start(cls, pool: ThreadPoolExecutor, content: ReportContent) -> _Printing:
        from indicators.present.reports import pdf

        started = time.perf_counter()
        try:
            source = pdf.report_source(content)
        except Exception as error:  # a fault of ours: logged in full, told as a sentence
            log.exception("Writing the report's Typst source failed")
            raise PrintFailed.because(error) from error
        return cls(content, pool.submit(_timed, pdf.print_pdf, source), time.perf_counter() - started)

    def report(self) -> Report:
        """The PDF, once typeset; its time is that of writing its source and of typesetting it (not the wait)."""
        try:
            data, seconds = self.future.result()
        except Exception as error:  # noqa: BLE001 - the caller gets it as a sentence
            raise PrintFailed.because(error) from error
        content, seconds = self.content, self.source_seconds + seconds
        return Report("pdf", content.audience, file_name(content, "pdf"), FORMATS["pdf"][1], data, seconds)


def _timed(typeset: Callable[[str], bytes], source: str) -> tuple[bytes, float]:
    started = time.perf_counter()
    return typeset(source), time.perf_counter() - started


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
    ``indicator_progress`` and ``regional_rollup`` of the same programme, never changed here). Each edition's
    PDF is typeset by Typst in a process of its own (``_Printing``) as soon as its content is computed, on the
    other core, while this thread computes the next edition and writes the other formats. The charts are SVG
    written directly (``svg.py``), so no browser is started.
    """
    formats, audiences = list(formats), list(audiences)
    steps = len(audiences) * (1 + len(formats))
    done = 0

    def tell(what: str) -> None:
        if progress:
            progress(min(done / steps, 1.0), what)

    thresholds = Thresholds.from_settings()
    language = language or i18n.language()
    contents: list[ReportContent] = []
    printing: dict[str, _Printing] = {}
    reports: dict[tuple[str, str], Report] = {}
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="pdf") as pool:
        try:
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
                if "pdf" in formats:  # typeset on the other core while the next edition and the other formats are made
                    printing[audience] = _Printing.start(pool, content)
                done += 1
            for content in contents:
                for fmt in formats:
                    if fmt == "pdf":
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
                child.future.cancel()
    tell(_("Done"))
    return [reports[(c.audience, fmt)] for c in contents for fmt in formats]
