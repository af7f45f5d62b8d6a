"""Ingest benchmark: pandas+openpyxl, fastexcel and our full ingest, side by side, medians of several runs.

    make bench            # or: .venv/bin/python benchmarks/ingest_bench.py [--sizes 1000 10000 100000] [--runs 7]

For each size it generates a monitoring workbook with that many values (plus the indicators they refer to),
then measures, each in a fresh process so that peak memory is its own:
- pandas+openpyxl: ``pd.read_excel(..., sheet_name=None, engine="openpyxl")`` (reading only);
- fastexcel: every sheet to Arrow (reading only: the practical floor);
- our ingest: checks, isolated parse in a warm worker, validation, diff and storing a draft version;
- paired: a fastexcel read and our ingest alternately in one process, for a ratio that the shared machine's
  drifting speed does not bias (the goal's ratio).
It prints a table with the ratios and writes it to ``benchmarks/results.md``. Tests never time anything.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BEN = ("ALB", "BIH", "XKX", "MNE", "MKD", "SRB", "REG")
SEMESTERS = ("2023NovS2", "2024NovS1", "2024NovS2", "2025NovS1", "2025NovS2", "2026NovS1", "2026NovS2")


def build_workbook(values: int) -> bytes:
    """A monitoring workbook of ``values`` rows of values and the count indicators they refer to."""
    from openpyxl import Workbook

    from indicators.domain.schema import INDICATORS, VALUES

    per_indicator = len(BEN) * len(SEMESTERS)
    indicators = -(-values // per_indicator)
    wb = Workbook(write_only=True)
    sheet = wb.create_sheet(INDICATORS.sheet)
    sheet.append([c.header for c in INDICATORS.columns])
    for i in range(indicators):
        sheet.append(
            [
                f"BENCH-{i:05d}",
                "OP1.1",
                f"Benchmark count {i}",
                "people",
                "count",
                "increase",
                "no",
                "sum",
                "no",
                "none",
                None,
                None,
            ]
        )
    sheet = wb.create_sheet(VALUES.sheet)
    sheet.append([c.header for c in VALUES.columns])
    n = 0
    for i in range(indicators):
        for semester in SEMESTERS:
            for ben in BEN:
                if n == values:
                    break
                sheet.append([f"BENCH-{i:05d}", ben, semester, "total", (n * 7919) % 500, None, None, None, "bench"])
                n += 1
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _peak_mb() -> tuple[float, float]:
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return self_kb / 1024, child_kb / 1024


def _fastexcel_read(data: bytes) -> float:
    """Seconds fastexcel takes to read every sheet to Arrow (the practical floor)."""
    import fastexcel

    start = time.perf_counter()
    reader = fastexcel.read_excel(data)
    for name in reader.sheet_names:
        reader.load_sheet(name, schema_sample_rows=None).to_arrow()
    return time.perf_counter() - start


def _ingest_once(data: bytes, name: str, seeded: Path, store_dir: Path) -> tuple[float, list[tuple[str, float]]]:
    """Seconds our full ingest takes into a copy of the seeded store, and the seconds of each of its steps."""
    from indicators import ingest
    from indicators.access.identity import Identity
    from indicators.store import Store

    shutil.copytree(seeded, store_dir)
    marks: list[tuple[float, str]] = []
    start = time.perf_counter()
    result = ingest.ingest(
        data,
        name,
        Identity("bench-analyst@example.org", "analyst", "cli"),
        Store(store_dir),
        progress=lambda f, text: marks.append((time.perf_counter(), text)),
    )
    seconds = time.perf_counter() - start
    if not result.version_id:
        raise SystemExit(f"benchmark workbook did not ingest: {result.message or result.problems[:3]}")
    return seconds, [(text, later - at) for (at, text), (later, _) in zip(marks, marks[1:], strict=False)]


def measure(mode: str, path: Path, runs: int) -> dict:
    """Times one mode on one workbook in this process (called in a fresh subprocess).

    "paired" alternates a fastexcel read and our ingest in one process, so that both see the machine in the
    same state: on a shared machine whose speed drifts, the median of the paired ratios is the fair ratio.
    """
    data = path.read_bytes()
    times, fastexcel_times, steps = [], [], []
    if mode == "pandas+openpyxl":
        import pandas as pd

        for _ in range(runs):
            start = time.perf_counter()
            pd.read_excel(io.BytesIO(data), sheet_name=None, engine="openpyxl")
            times.append(time.perf_counter() - start)
    elif mode == "fastexcel":
        times = [_fastexcel_read(data) for _ in range(runs)]
    else:
        from indicators import ingest
        from indicators.read import worker
        from indicators.store import Store

        with tempfile.TemporaryDirectory() as tmp:
            seeded = Store(Path(tmp) / "seeded")
            ingest.seed_demo(seeded)  # also warms the parsing workers, as a running app has them
            for run in range(runs):
                if mode == "paired":
                    fastexcel_times.append(_fastexcel_read(data))
                seconds, steps = _ingest_once(data, path.name, seeded.root, Path(tmp) / f"run{run}")
                times.append(seconds)
            worker_peak = worker.worker_peak_mb()
            worker.shutdown_pool()
    self_mb, child_mb = _peak_mb()
    if mode in ("ingest", "paired"):
        child_mb = max(child_mb, worker_peak)
    figures = {"median": statistics.median(times), "runs": len(times), "peak_mb": self_mb, "child_peak_mb": child_mb}
    if mode in ("ingest", "paired"):
        figures["steps"] = steps  # of the last run
    if mode == "paired":
        figures["fastexcel_median"] = statistics.median(fastexcel_times)
        figures["ratio"] = statistics.median(i / f for i, f in zip(times, fastexcel_times, strict=True))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--measure", nargs=2, metavar=("MODE", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure[0], Path(args.measure[1]), args.runs)))
        return

    modes = ("pandas+openpyxl", "fastexcel", "ingest", "paired")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            path = Path(tmp) / f"bench_{size}.xlsx"
            path.write_bytes(build_workbook(size))
            figures = {}
            for mode in modes:
                runs = max(3, args.runs if size <= 10000 or mode != "pandas+openpyxl" else 3)
                env = {**os.environ, "PPD_SEED_DEMO": "1"}
                done = subprocess.run(
                    [sys.executable, __file__, "--measure", mode, str(path), "--runs", str(runs)],
                    capture_output=True,
                    text=True,
                    env=env,
                    check=False,
                )
                if done.returncode:
                    raise SystemExit(f"{mode} at {size} failed:\n{done.stderr[-2000:]}")
                figures[mode] = json.loads(done.stdout.strip().splitlines()[-1])
            rows.append((size, path.stat().st_size, figures))
            print(f"measured {size:,} values", file=sys.stderr)

    lines = [
        "# Ingest benchmark",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}. "
        f"Medians of {args.runs} runs (3 for pandas+openpyxl above 10,000 values), each mode in its own fresh "
        "process, the first run included; peak memory is the process's maximum resident set (for our ingest, "
        "the app process and, separately, its parsing worker). The paired ratio comes from one more process "
        "that alternates a fastexcel read and our ingest, so that both see the shared machine in the same state; "
        "it is the median of the per-pair ratios.",
        "",
        "| values | file | pandas+openpyxl s | fastexcel s | our ingest s | ingest vs pandas | ingest / fastexcel "
        "| ingest / fastexcel, paired | peak MB pandas | peak MB fastexcel | peak MB ingest (app + worker) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for size, file_bytes, f in rows:
        pandas_s, fast_s, ours_s = (f[m]["median"] for m in modes[:3])
        lines.append(
            f"| {size:,} | {file_bytes / 1e6:.1f} MB | {pandas_s:.3f} | {fast_s:.3f} | {ours_s:.3f} "
            f"| {pandas_s / ours_s:.1f}x faster | {ours_s / fast_s:.2f}x | {f['paired']['ratio']:.2f}x "
            f"| {f[modes[0]]['peak_mb']:.0f} | {f[modes[1]]['peak_mb']:.0f} "
            f"| {f['ingest']['peak_mb']:.0f} + {f['ingest']['child_peak_mb']:.0f} |"
        )
    size, _, f = rows[-1]
    pandas_s, fast_s, ours_s = (f[m]["median"] for m in modes[:3])
    paired = f["paired"]
    lines += [
        "",
        f"Goals at {size:,} values: our full ingest at least 8x faster than pandas+openpyxl reading "
        f"({pandas_s / ours_s:.1f}x: {'met' if pandas_s / ours_s >= 8 else 'NOT met'}), and within 2x of the "
        f"fastexcel read (paired: {paired['ratio']:.2f}x, {paired['median']:.3f} s against "
        f"{paired['fastexcel_median']:.3f} s: {'met' if paired['ratio'] <= 2 else 'NOT met'}; from the separate "
        f"processes: {ours_s / fast_s:.2f}x).",
    ]
    steps = "; ".join(f"{name.lower()} {seconds:.2f} s" for name, seconds in paired["steps"])
    lines += ["", f"Where our ingest's time goes at {size:,} values (last paired run): {steps}."]
    text = "\n".join(lines) + "\n"
    print(text)
    (ROOT / "benchmarks" / "results.md").write_text(text)


if __name__ == "__main__":
    main()
