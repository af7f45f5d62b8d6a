"""Ingest benchmark: pandas+openpyxl, fastexcel and our full ingest, side by side, medians of several runs.

    make bench            # or: .venv/bin/python benchmarks/ingest_bench.py [--sizes 1000 10000 100000] [--runs 7]

For each size it generates a monitoring workbook with that many values (plus the indicators they refer to),
then measures, each in a fresh process so that peak memory is its own:
- pandas+openpyxl: ``pd.read_excel(..., sheet_name=None, engine="openpyxl")`` (reading only);
- fastexcel: every sheet to Arrow (reading only: the practical floor);
- our ingest: checks, isolated parse in a warm worker, validation, diff and storing a draft version.
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

    from indicators.schema import INDICATORS, VALUES

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


def measure(mode: str, path: Path, runs: int) -> dict:
    """Times one mode on one workbook in this process (called in a fresh subprocess)."""
    data = path.read_bytes()
    times = []
    if mode == "pandas+openpyxl":
        import pandas as pd

        for _ in range(runs):
            start = time.perf_counter()
            pd.read_excel(io.BytesIO(data), sheet_name=None, engine="openpyxl")
            times.append(time.perf_counter() - start)
    elif mode == "fastexcel":
        import fastexcel

        for _ in range(runs):
            start = time.perf_counter()
            reader = fastexcel.read_excel(data)
            for name in reader.sheet_names:
                reader.load_sheet(name, schema_sample_rows=None).to_arrow()
            times.append(time.perf_counter() - start)
    else:
        from indicators import ingest, worker
        from indicators.store import Store

        with tempfile.TemporaryDirectory() as tmp:
            seeded = Store(Path(tmp) / "seeded")
            ingest.seed_demo(seeded)  # also warms the parsing workers, as a running app has them
            for run in range(runs):
                store_dir = Path(tmp) / f"run{run}"
                shutil.copytree(seeded.root, store_dir)
                store = Store(store_dir)
                marks: list[tuple[float, str]] = []
                start = time.perf_counter()
                result = ingest.ingest(
                    data,
                    path.name,
                    "bench",
                    store,
                    progress=lambda f, text, marks=marks: marks.append((time.perf_counter(), text)),
                )
                times.append(time.perf_counter() - start)
                steps = [(text, later - at) for (at, text), (later, _) in zip(marks, marks[1:], strict=False)]
                if not result.version_id:
                    raise SystemExit(f"benchmark workbook did not ingest: {result.message or result.problems[:3]}")
            worker_peak = getattr(worker, "worker_peak_mb", lambda: 0.0)()
            worker.shutdown_pool()
    self_mb, child_mb = _peak_mb()
    if mode == "ingest":
        child_mb = max(child_mb, worker_peak)
    figures = {"median": statistics.median(times), "runs": len(times), "peak_mb": self_mb, "child_peak_mb": child_mb}
    if mode == "ingest":
        figures["steps"] = steps  # of the last run
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

    modes = ("pandas+openpyxl", "fastexcel", "ingest")
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
        "process, the first run included; peak memory is the process's maximum "
        "resident set (for our ingest, the app process and, separately, its parsing worker).",
        "",
        "| values | file | pandas+openpyxl s | fastexcel s | our ingest s | ingest vs pandas | ingest / fastexcel "
        "| peak MB pandas | peak MB fastexcel | peak MB ingest (app + worker) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for size, file_bytes, f in rows:
        pandas_s, fast_s, ours_s = (f[m]["median"] for m in modes)
        lines.append(
            f"| {size:,} | {file_bytes / 1e6:.1f} MB | {pandas_s:.3f} | {fast_s:.3f} | {ours_s:.3f} "
            f"| {pandas_s / ours_s:.1f}x faster | {ours_s / fast_s:.2f}x "
            f"| {f[modes[0]]['peak_mb']:.0f} | {f[modes[1]]['peak_mb']:.0f} "
            f"| {f['ingest']['peak_mb']:.0f} + {f['ingest']['child_peak_mb']:.0f} |"
        )
    size, _, f = rows[-1]
    pandas_s, fast_s, ours_s = (f[m]["median"] for m in modes)
    lines += [
        "",
        f"Goals at {size:,} values: our full ingest at least 8x faster than pandas+openpyxl reading "
        f"({pandas_s / ours_s:.1f}x: {'met' if pandas_s / ours_s >= 8 else 'NOT met'}), and within 2x of the "
        f"fastexcel read ({ours_s / fast_s:.2f}x: {'met' if ours_s / fast_s <= 2 else 'NOT met'}).",
    ]
    steps = "; ".join(f"{name.lower()} {seconds:.2f} s" for name, seconds in f["ingest"]["steps"])
    lines += ["", f"Where our ingest's time goes at {size:,} values (last run): {steps}."]
    text = "\n".join(lines) + "\n"
    print(text)
    (ROOT / "benchmarks" / "results.md").write_text(text)


if __name__ == "__main__":
    main()
