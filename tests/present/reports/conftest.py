"""The demo programme's report content for both audiences, computed once per test session."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from indicators.present.reports import Report, ReportContent, Source, build_pack, report_content
from indicators.store import Store

SEMESTER = "2025NovS1"
FIXED = dt.datetime(2026, 11, 29, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="session")
def demo_source(seeded_store_dir: Path):  # noqa: ANN201
    store = Store(seeded_store_dir)
    meta = store.approved_meta()
    return store.approved(), Source(meta["id"], meta["approved_at"], bool(meta["illustrative"]))


@pytest.fixture(scope="session")
def contents(demo_source) -> dict[str, ReportContent]:  # noqa: ANN001
    programme, source = demo_source
    return {a: report_content(programme, source, SEMESTER, a, generated_at=FIXED) for a in ("manager", "donor")}


@pytest.fixture(scope="session")
def pack(demo_source) -> dict[tuple[str, str], Report]:  # noqa: ANN001
    """The whole English pack (4 formats x 2 audiences) built once per session, as the app and the command line
    build it (each PDF typeset by Typst in a process of its own while the other formats are written)."""
    programme, source = demo_source
    return {(r.audience, r.format): r for r in build_pack(programme, source, SEMESTER)}


@pytest.fixture(scope="session")
def pack_files(
    pack: dict[tuple[str, str], Report], tmp_path_factory: pytest.TempPathFactory
) -> dict[tuple[str, str], Path]:
    """The pack's files written to a folder (for the command-line readers: poppler, LibreOffice, pdfua)."""
    folder = tmp_path_factory.mktemp("pack")
    out = {}
    for key, report in pack.items():
        out[key] = folder / report.file_name
        out[key].write_bytes(report.data)
    return out
