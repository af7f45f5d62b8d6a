"""Tests of the isolated, bounded, warm parsing workers: hostile files, crashes, timeouts, threads, a corpus."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from indicators.domain.problems import UnreadableWorkbook
from indicators.read import worker
from indicators.read.reader import RawWorkbook
from tests import badfiles

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "spreadsheets"
GOOD = badfiles.xlsx_from_rows({"Values": [["Indicator ID", "Value"], ["IND-01", 3]]})


@pytest.fixture(autouse=True)
def fresh_pool() -> Iterator[None]:
    worker.shutdown_pool()
    yield
    worker.shutdown_pool()


def test_isolated_parse_gives_the_same_workbook_as_inline() -> None:
    isolated, inline = worker.parse_isolated(GOOD), worker.parse_inline(GOOD)
    assert isinstance(isolated, RawWorkbook)
    assert isolated.sheets["Values"].rows.equals(inline.sheets["Values"].rows)
    assert isolated.sheets["Values"].rows.loc[2, "Value"] == "3"
    assert isolated.problems == inline.problems == []


def test_refusals_come_back_as_unreadable_workbook_with_the_file_name() -> None:
    with pytest.raises(UnreadableWorkbook, match="^'old.xls' is an old-format Excel file"):
        worker.parse_isolated(badfiles.legacy_xls(), file_name="old.xls")


def test_far_cell_is_refused_before_calamine_sees_it() -> None:
    with pytest.raises(UnreadableWorkbook, match="reaches cell XFD1048576"):
        worker.parse_isolated(badfiles.far_cell())
    assert worker.parse_isolated(GOOD).sheets["Values"].headers == ["Indicator ID", "Value"]


def test_worker_that_aborts_is_replaced() -> None:
    status, sentence = worker._pool().request("abort", b"", "", 10)
    assert status == "unreadable"
    assert "could not be read within the 2048 MB of memory allowed" in sentence
    assert "may be damaged or far too large" in sentence
    assert worker.parse_isolated(GOOD).sheets["Values"].rows.shape == (1, 2)


def test_worker_that_runs_out_of_memory_is_replaced(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PPD_PARSE_MEMORY_MB", "1024")
    worker.shutdown_pool()
    status, sentence = worker._pool().request("allocate", b"2000", "", 20)
    assert status == "unreadable"
    assert "could not be read within the 1024 MB of memory allowed" in sentence
    assert worker.parse_isolated(GOOD).sheets["Values"].rows.shape == (1, 2)


def test_worker_that_times_out_is_replaced() -> None:
    status, sentence = worker._pool().request("sleep", b"30", "", 0.5)
    assert (status, sentence) == (
        "unreadable",
        "The file could not be read within 0.5 seconds; it may be damaged or far too large.",
    )
    assert worker.parse_isolated(GOOD, timeout_s=30).sheets["Values"].rows.shape == (1, 2)


def test_timeout_setting_is_used_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PPD_PARSE_TIMEOUT_S", "0.000001")
    with pytest.raises(UnreadableWorkbook, match="within 1e-06 seconds"):
        worker.parse_isolated(GOOD)


def test_a_crash_does_not_disturb_a_parse_in_another_thread() -> None:
    results: dict[str, object] = {}

    def crash() -> None:
        results["crash"] = worker._pool().request("abort", b"", "", 10)[0]

    def parse() -> None:
        results["parse"] = [worker.parse_isolated(GOOD).sheets["Values"].rows.shape for _ in range(5)]

    threads = [threading.Thread(target=crash), threading.Thread(target=parse)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert results == {"crash": "unreadable", "parse": [(1, 2)] * 5}


def test_concurrent_parses_from_two_threads() -> None:
    data = {
        name: badfiles.xlsx_from_rows({"Values": [["Indicator ID"]] + [[f"{name}-{i}"] for i in range(n)]})
        for name, n in (("a", 300), ("b", 500))
    }
    results: dict[str, list[int]] = {}

    def parse(name: str) -> None:
        results[name] = [len(worker.parse_isolated(data[name]).sheets["Values"].rows) for _ in range(4)]

    threads = [threading.Thread(target=parse, args=(name,)) for name in data]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert results == {"a": [300] * 4, "b": [500] * 4}


def test_shutdown_stops_the_workers_and_a_new_pool_starts_on_demand() -> None:
    worker.parse_isolated(GOOD)
    processes = [w.process for w in list(worker._pool().idle.queue) if w is not None]
    assert processes and all(p.is_alive() for p in processes)
    worker.shutdown_pool()
    assert not any(p.is_alive() for p in processes)
    assert worker.parse_isolated(GOOD).sheets["Values"].rows.shape == (1, 2)


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is not next to the project")
def test_corpus_ends_in_a_workbook_or_a_clear_sentence() -> None:
    outcomes: dict[str, str] = {}
    for path in sorted(CORPUS.iterdir()):
        data = path.read_bytes()
        try:
            raw = worker.parse_isolated(data, timeout_s=20, file_name=path.name)
            assert isinstance(raw, RawWorkbook)
            status, payload = worker._pool().request("parse-every-sheet", data, path.name, 20)
            assert status == "ok", payload  # every sheet read in full, not only the monitoring ones
            outcomes[path.name] = "read"
        except UnreadableWorkbook as error:
            sentence = str(error)
            assert sentence.endswith(".") and "Traceback" not in sentence
            assert sentence != worker.UNEXPECTED, path.name
            outcomes[path.name] = sentence
    assert len(outcomes) >= 133
    assert outcomes["pass_protected.xlsx"].endswith(
        "is protected by a password; remove the password in Excel, save again and upload it."
    )
    assert "old-format Excel file (.xls)" in outcomes["any_sheets.xls"]
    assert "OpenDocument spreadsheet (.ods)" in outcomes["any_sheets.ods"]
    assert "Excel Binary Workbook (.xlsb)" in outcomes["any_sheets.xlsb"]
    assert outcomes["vba.xlsm"] == outcomes["strict_iso_paths.xlsx"] == outcomes["issue_530.xlsx"] == "read"


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is not next to the project")
def test_corpus_reads_the_same_with_every_sheet_halved() -> None:
    compared = 0
    for path in sorted(CORPUS.iterdir()):
        data = path.read_bytes()
        status, whole = worker._pool().request("parse-every-sheet", data, path.name, 20)
        if status != "ok":
            continue
        halved_status, halved = worker._pool().request("parse-every-sheet-halved", data, path.name, 20)
        assert halved_status == "ok", (path.name, halved)
        assert halved.problems == whole.problems, path.name
        for name, sheet in whole.sheets.items():
            assert halved.sheets[name].headers == sheet.headers, (path.name, name)
            pd.testing.assert_frame_equal(halved.sheets[name].rows, sheet.rows, obj=f"{path.name} {name}")
        compared += 1
    assert compared >= 60  # the corpus files that read at all


def test_workers_report_their_peak_memory() -> None:
    worker.parse_isolated(GOOD)
    assert 10 < worker.worker_peak_mb() < 4096


def test_after_a_worker_dies_the_next_request_uses_a_warm_worker() -> None:
    worker.parse_isolated(GOOD)
    pool = worker._pool()
    warm = {w.process.pid for w in list(pool.idle.queue) if w is not None}
    assert pool.request("abort", b"", "", 10)[0] == "unreadable"
    survivors = {w.process.pid for w in list(pool.idle.queue) if w is not None}
    assert worker.parse_isolated(GOOD).sheets["Values"].rows.shape == (1, 2)
    assert len(survivors) == len(warm) - 1
    after = [w.process.pid for w in list(pool.idle.queue) if w is not None]
    assert set(after) == survivors  # the survivor served the parse; no new worker was started for it
