"""Store backends benchmark: the folder store against PostgreSQL, on the same ingest and the same page reads.

    make bench            # or: .venv/bin/python benchmarks/store_bench.py [--sizes 10000 100000] [--runs 7]

Starts a throw-away PostgreSQL server (Debian's postgresql package, ``tests/postgres.py``) with its durable
settings (fsync on, as the folder store fsyncs), seeds the demo into a folder store and into a database,
then, in one process, alternates the two backends run by run so that both see the shared machine in the
same state:
- ingest: our full ingest of a generated workbook (checks, isolated parse, validation, diff, storing the
  draft) into a fresh copy of the seeded store;
- page: what a page reads from the store on its first visit after a change: the cache key, the approved
  version's tables (not cached), the versions list and the log.
It prints the medians and the median of the paired ratios (goal: PostgreSQL within 1.3x of the folder) and
writes them to ``benchmarks/store_results.md``. Tests never time anything.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indicators.access.identity import Identity  # noqa: E402 - after the project is on the path

BENCH_ANALYST = Identity("bench@example.org", "analyst", "cli")  # who uploads the benchmark's workbooks

GOAL = 1.3


def _fresh_folder(seeded: Path, where: Path) -> str:
    shutil.copytree(seeded, where)
    return str(where)


def _fresh_database(server, seeded: Path) -> str:  # noqa: ANN001 - tests.postgres.Server
    from indicators.storage import open_backend
    from indicators.storage.transfer import copy_store

    url = server.new_database()
    copy_store(open_backend(seeded), open_backend(url))
    return url


def _ingest(store, data: bytes) -> float:  # noqa: ANN001 - indicators.store.Store
    from indicators import ingest

    start = time.perf_counter()
    result = ingest.ingest(data, "bench.xlsx", BENCH_ANALYST, store)
    seconds = time.perf_counter() - start
    if not result.version_id:
        raise SystemExit(f"benchmark workbook did not ingest: {result.message or result.problems[:3]}")
    return seconds


def _page(store) -> float:  # noqa: ANN001 - indicators.store.Store
    from indicators import store as store_module

    store_module._load_tables.cache_clear()
    start = time.perf_counter()
    store.data_version()
    store.approved()
    store.versions()
    store.log()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000, 100000])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    from benchmarks.ingest_bench import build_workbook
    from indicators import ingest
    from indicators.read import worker
    from indicators.store import Store
    from tests import postgres

    os.environ["PPD_SEED_DEMO"] = "1"
    server = postgres.start(durable=True)
    rows = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            seeded = Path(tmp) / "seeded"
            ingest.seed_demo(Store(seeded))  # also warms the parsing workers, as a running app has them
            for size in args.sizes:
                data = build_workbook(size)
                times: dict[str, list[float]] = {"folder ingest": [], "pg ingest": [], "folder page": [], "pg page": []}
                for run in range(args.runs):
                    folder = _fresh_folder(seeded, Path(tmp) / f"{size}-{run}")
                    database = _fresh_database(server, seeded)
                    order = [("folder", Store(folder)), ("pg", Store(database))]  # one store per server, as the app
                    for name, store in order if run % 2 == 0 else order[::-1]:
                        store.data_version()  # a running server's connection is open already
                        times[f"{name} ingest"].append(_ingest(store, data))
                        times[f"{name} page"].append(_page(store))
                    order[1][1].backend.close()
                    server.drop_database(database)
                rows.append((size, times))
                print(f"measured {size:,} values", file=sys.stderr)
    finally:
        worker.shutdown_pool()
        server.stop()

    def paired(times: dict[str, list[float]], what: str) -> float:
        return statistics.median(p / f for p, f in zip(times[f"pg {what}"], times[f"folder {what}"], strict=True))

    lines = [
        "# Store backends benchmark",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; PostgreSQL "
        f"from Debian on the same machine (127.0.0.1, fsync on). {args.runs} runs per size in one process, the "
        "backends alternating; each run ingests into a fresh copy of the seeded demo store. Ratios are medians "
        "of the per-run ratios PostgreSQL / folder.",
        "",
        "| values | folder ingest s | PostgreSQL ingest s | ingest ratio | folder page s | PostgreSQL page s "
        "| page ratio |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for size, times in rows:
        m = {k: statistics.median(v) for k, v in times.items()}
        lines.append(
            f"| {size:,} | {m['folder ingest']:.3f} | {m['pg ingest']:.3f} | {paired(times, 'ingest'):.2f}x "
            f"| {m['folder page']:.3f} | {m['pg page']:.3f} | {paired(times, 'page'):.2f}x |"
        )
    size, times = rows[-1]
    ingest_ratio, page_ratio = paired(times, "ingest"), paired(times, "page")
    verdict = "met" if max(ingest_ratio, page_ratio) <= GOAL else "NOT met"
    lines += [
        "",
        f"Goal at {size:,} values: PostgreSQL within {GOAL}x of the folder store: ingest {ingest_ratio:.2f}x, "
        f"page {page_ratio:.2f}x ({verdict}).",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    (ROOT / "benchmarks" / "store_results.md").write_text(text)


if __name__ == "__main__":
    main()
