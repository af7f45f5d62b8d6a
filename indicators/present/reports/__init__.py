"""The semester report pack: PDF, PowerPoint, Excel and IATI 2.03 results, for managers or donors.

Imports compute and domain only (.importlinter). ``content.report_content`` computes what a report says,
once, from the approved programme (donor-safe frames for donors); each format module lays it out:
``pdf`` (WeasyPrint, charts as vector SVG from the app's own plotly figures), ``pptx`` (python-pptx,
native charts), ``xlsx`` (XlsxWriter, native charts) and ``iati`` (lxml, validated against the schema).
"""

from __future__ import annotations

import multiprocessing
import os
import re
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import pandas as pd

from indicators.compute.progress import Thresholds
from indicators.domain import i18n
from indicators.domain.i18n import N_, _
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
DRAWING = {"manager": N_("Drawing the charts of the manager PDF"), "donor": N_("Drawing the charts of the donor PDF")}
WRITING = {"manager": N_("Writing the {format} for managers"), "donor": N_("Writing the {format} for donors")}


def _warm_up_charts() -> None:
    from indicators.present.reports.figures import warm_up

    try:
        warm_up()
    except Exception:  # noqa: BLE001 - drawing the first chart reports the problem in words
        return


def _second_core() -> bool:
    return (os.cpu_count() or 1) > 1 and "fork" in multiprocessing.get_all_start_methods()


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
    ``indicator_progress`` and ``regional_rollup`` of the same programme, never changed here), and the charts'
    browser starts in a thread meanwhile. With two audiences and PDFs on a machine with two cores, the second
    PDF (its charts already drawn) is printed in a forked process while this one writes the rest: WeasyPrint's
    layout is the pack's largest cost.
    """
    formats, audiences = list(formats), list(audiences)
    if "pdf" in formats:  # the charts' browser starts (about 2 s) while the figures are computed
        threading.Thread(target=_warm_up_charts, daemon=True).start()
    steps = len(audiences) * (1 + len(formats))
    done = 0

    def tell(what: str) -> None:
        if progress:
            progress(min(done / steps, 1.0), what)

    thresholds = Thresholds.from_settings()
    language = language or i18n.language()
    if computed is None and programme is not None:
        with i18n.using(language):
            computed = computed_frames(programme, thresholds)  # type: ignore[arg-type]
    contents = []
    for audience in audiences:
        tell(_(COMPUTING[audience]))
        contents.append(
            report_content(programme, source, semester, audience, thresholds, computed=computed, language=language)  # type: ignore[arg-type]
        )
        done += 1
    reports: dict[tuple[str, str], Report] = {}
    pending = None
    if "pdf" in formats and len(contents) > 1 and _second_core():
        from indicators.present.reports.pdf import print_args, print_pdf

        last = contents[-1]
        tell(_(DRAWING[last.audience]))
        started = time.perf_counter()
        args = print_args(last)
        pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"))
        pending = (last, started, pool, pool.submit(print_pdf, *args))
    try:
        for content in contents:
            for fmt in formats:
                if pending and content is pending[0] and fmt == "pdf":
                    continue
                tell(_(WRITING[content.audience]).format(format=format_label(fmt)))
                reports[(content.audience, fmt)] = build_report(content, fmt)
                done += 1
        if pending:
            last, started, pool, future = pending
            tell(_(WRITING[last.audience]).format(format=format_label("pdf")))
            data = future.result()
            seconds = time.perf_counter() - started
            reports[(last.audience, "pdf")] = Report(
                "pdf", last.audience, file_name(last, "pdf"), FORMATS["pdf"][1], data, seconds
            )
            done += 1
    finally:
        if pending:
            pending[2].shutdown(wait=True, cancel_futures=True)
    tell(_("Done"))
    return [reports[(c.audience, fmt)] for c in contents for fmt in formats]
