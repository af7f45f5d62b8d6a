"""The demo programme's report content for both audiences, computed once per test session."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from indicators.present.reports import ReportContent, Source, report_content
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
