"""Ingest benchmark: pandas+openpyxl, fastexcel and our full ingest, side by side, medians of several runs.

    make bench            # or: .venv/bin/python benchmarks/ingest_bench.py [--sizes 1000 10000 100000] [--runs 7]

For each size it generates a monitoring workbook with that many values (plus the indicators they refer to),
then measures, each in a fresh process so that peak memory is its own:
- pandas+openpyxl: ``pd.read_excel(..., sheet_name=None, engine="openpyxl")`` (reading only);
- fastexcel: every sheet to Arrow (reading only: the practical floor);
- our ingest: checks, isolated parse in a warm worker, validation, diff and storing a draft version;
- paired: a fastexcel read and our ingest alternately in one process, for a ratio that the shared machine's
  drifting speed does not bias (the goal's ratio).
Then (issue 11) the same 100,000 values in the analyst's own layout: a wide workbook read through a mapping
(a title block, then one row per indicator and beneficiary and one column per semester), into a store whose
approved data already holds the workbook's indicators. pandas+openpyxl and fastexcel read that file, our
ingest reads it through its mapping (given, as ``import --mapping`` and the mapping step give it), and one
process alternates a fastexcel read of it, our ingest of the template-layout workbook of the same values, our
ingest through the mapping, and our ingest finding the saved mapping by its headers (the next semester's
upload), for paired ratios. It prints a table with the ratios and writes both to ``benchmarks/results.md``.
Tests never time anything.
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


def _value(n: int) -> int:
    """The n-th benchmark value (the same in every layout)."""
    return (n * 7919) % 500


def build_workbook(values: int, with_values: bool = True) -> bytes:
    """A monitoring workbook of ``values`` rows of values and the count indicators they refer to (only the
    indicators when ``with_values`` is False)."""
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
    if with_values:
        sheet = wb.create_sheet(VALUES.sheet)
        sheet.append([c.header for c in VALUES.columns])
        n = 0
        for i in range(indicators):
            for semester in SEMESTERS:
                for ben in BEN:
                    if n == values:
                        break
                    sheet.append([f"BENCH-{i:05d}", ben, semester, "total", _value(n), None, None, None, "bench"])
                    n += 1
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def build_wide_workbook(values: int) -> bytes:
    """The same ``values`` values as ``build_workbook`` in an analyst's own layout: a title block, then one row
    per indicator and beneficiary (by name) and one column per semester (by its label, "Nov 2023 – Apr 2024")."""
    from openpyxl import Workbook

    from indicators.domain.periods import semester_label
    from indicators.domain.reference import beneficiary_name

    per_indicator = len(BEN) * len(SEMESTERS)
    indicators = -(-values // per_indicator)
    cells: dict[tuple[int, str, str], int] = {}
    n = 0
    for i in range(indicators):  # the template workbook's order: indicator, semester, beneficiary
        for semester in SEMESTERS:
            for ben in BEN:
                if n < values:
                    cells[(i, ben, semester)] = _value(n)
                    n += 1
    wb = Workbook(write_only=True)
    sheet = wb.create_sheet("Monitoring")
    sheet.append(["Regional programme: monitoring sheet kept by the programme team"])
    sheet.append(["Counts of people, by semester; figures as reported by the beneficiaries"])
    sheet.append([])
    sheet.append(["Indicator", "Beneficiary", *(semester_label(s) for s in SEMESTERS)])
    for i in range(indicators):
        for ben in BEN:
            sheet.append([f"BENCH-{i:05d}", beneficiary_name(ben), *(cells.get((i, ben, s)) for s in SEMESTERS)])
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


ANALYST = "bench-analyst@example.org"


def _ingest_once(
    data: bytes, name: str, seeded: Path, store_dir: Path, mapping: object = None, expect_mapping: str | None = None
) -> tuple[float, list[tuple[str, float]]]:
    """Seconds our full ingest takes into a copy of the seeded store, and the seconds of each of its steps.

    ``mapping`` reads the workbook through that mapping; ``expect_mapping`` checks that it was read through
    the saved mapping of that name (found by its headers)."""
    from indicators import ingest
    from indicators.access.identity import Identity
    from indicators.store import Store

    shutil.copytree(seeded, store_dir)
    marks: list[tuple[float, str]] = []
    start = time.perf_counter()
    result = ingest.ingest(
        data,
        name,
        Identity(ANALYST, "analyst", "cli"),
        Store(store_dir),
        progress=lambda f, text: marks.append((time.perf_counter(), text)),
        mapping=mapping,
    )
    seconds = time.perf_counter() - start
    if not result.version_id:
        raise SystemExit(f"benchmark workbook did not ingest: {result.message or result.problems[:3]}")
    if expect_mapping is not None and (result.mapping is None or result.mapping.name != expect_mapping):
        raise SystemExit(f"the benchmark workbook was not read through the saved mapping '{expect_mapping}'")
    shutil.rmtree(store_dir)  # a 100,000-value version per run adds up
    return seconds, [(text, later - at) for (at, text), (later, _) in zip(marks, marks[1:], strict=False)]


def _seed_for_mapping(seeded_dir: Path, wide: bytes, values: int) -> object:
    """A store holding the approved demo and the benchmark's indicators (no values), and a saved mapping for
    the wide workbook; returns that mapping (as proposed for the workbook, nothing left to confirm)."""
    from indicators import ingest
    from indicators.access.identity import SYSTEM, Identity
    from indicators.read.mapping import suggest_mapping
    from indicators.read.reader import read_workbook
    from indicators.saved_mappings import SavedMappings
    from indicators.store import Store

    store = Store(seeded_dir)
    ingest.seed_demo(store)  # also warms the parsing workers, as a running app has them
    result = ingest.ingest(build_workbook(values, with_values=False), "indicators.xlsx", SYSTEM, store)
    if not result.version_id:
        raise SystemExit(f"the benchmark's indicators did not ingest: {result.message or result.problems[:3]}")
    store.submit(result.version_id, SYSTEM, "benchmark indicators")
    store.approve(result.version_id, SYSTEM, "benchmark indicators")
    raw = read_workbook(wide, every_sheet=True)
    suggestion = suggest_mapping(raw, store.approved().indicators)
    if suggestion.needs or len(suggestion.mapping.wide) != len(SEMESTERS):
        raise SystemExit(f"the wide workbook's mapping is not complete: {suggestion.needs}")
    analyst = Identity(ANALYST, "analyst", "cli")
    mapped = ingest.ingest(wide, "wide.xlsx", analyst, store, save=False, mapping=suggestion.mapping)
    template = ingest.ingest(build_workbook(values), "bench.xlsx", analyst, store, save=False)
    key = ["indicator_id", "beneficiary", "semester", "sex"]
    read = [r.upload.values.sort_values(key).reset_index(drop=True)[[*key, "value"]] for r in (mapped, template)]
    if not (mapped.ok and mapped.rows == {"values": values} and read[0].equals(read[1])):
        raise SystemExit("the wide workbook does not read as the same values as the template-layout workbook")
    return SavedMappings(store).save(suggestion.mapping, raw, "Benchmark sheet", analyst).mapping


def _template_path(wide: Path) -> Path:
    """The template-layout workbook of the same values as a wide one (written beside it)."""
    return wide.with_name(wide.name.replace("wide_", "bench_"))


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
    elif mode in ("mapped", "mapped-paired"):
        from indicators.read import worker

        template = _template_path(path).read_bytes()
        template_times, saved_times = [], []
        with tempfile.TemporaryDirectory() as tmp:
            seeded = Path(tmp) / "seeded"
            mapping = _seed_for_mapping(seeded, data, int(path.stem.split("_")[-1]))
            for _ in range(runs):
                if mode == "mapped-paired":
                    fastexcel_times.append(_fastexcel_read(data))
                    template_times.append(_ingest_once(template, "bench.xlsx", seeded, Path(tmp) / "t")[0])
                seconds, steps = _ingest_once(data, path.name, seeded, Path(tmp) / "m", mapping=mapping)
                times.append(seconds)
                if mode == "mapped-paired":
                    found = _ingest_once(data, path.name, seeded, Path(tmp) / "s", expect_mapping="Benchmark sheet")
                    saved_times.append(found[0])
            worker_peak = worker.worker_peak_mb()
            worker.shutdown_pool()
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
    ours = mode in ("ingest", "paired", "mapped", "mapped-paired")
    if ours:
        child_mb = max(child_mb, worker_peak)
    figures = {"median": statistics.median(times), "runs": len(times), "peak_mb": self_mb, "child_peak_mb": child_mb}
    if ours:
        figures["steps"] = steps  # of the last run
    if mode in ("paired", "mapped-paired"):
        figures["fastexcel_median"] = statistics.median(fastexcel_times)
        figures["ratio"] = statistics.median(i / f for i, f in zip(times, fastexcel_times, strict=True))
    if mode == "mapped-paired":
        figures["template_median"] = statistics.median(template_times)
        figures["saved_median"] = statistics.median(saved_times)
        figures["vs_template"] = statistics.median(m / t for m, t in zip(times, template_times, strict=True))
        figures["saved_vs_template"] = statistics.median(
            s / t for s, t in zip(saved_times, template_times, strict=True)
        )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument(
        "--wide", type=int, default=100000, help="values of the wide workbook read through a mapping (0: none)"
    )
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
                figures[mode] = _measure_in_fresh_process(mode, path, runs, size)
            rows.append((size, path.stat().st_size, figures))
            print(f"measured {size:,} values", file=sys.stderr)
        wide = None
        if args.wide:
            path = Path(tmp) / f"wide_{args.wide}.xlsx"
            path.write_bytes(build_wide_workbook(args.wide))
            _template_path(path).write_bytes(build_workbook(args.wide))
            wide_modes = ("pandas+openpyxl", "fastexcel", "mapped", "mapped-paired")
            figures = {mode: _measure_in_fresh_process(mode, path, max(3, args.runs), args.wide) for mode in wide_modes}
            wide = (args.wide, path.stat().st_size, figures)
            print(f"measured the wide workbook of {args.wide:,} values", file=sys.stderr)

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
    if wide is not None:
        lines += wide_lines(*wide)
    text = "\n".join(lines) + "\n"
    print(text)
    (ROOT / "benchmarks" / "results.md").write_text(text)


def _measure_in_fresh_process(mode: str, path: Path, runs: int, size: int) -> dict:
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
    return json.loads(done.stdout.strip().splitlines()[-1])


def wide_lines(size: int, file_bytes: int, f: dict) -> list[str]:
    """The results.md section of the wide workbook read through a mapping (issue 11)."""
    pandas_s, fast_s, ours_s = f["pandas+openpyxl"]["median"], f["fastexcel"]["median"], f["mapped"]["median"]
    paired = f["mapped-paired"]
    steps = "; ".join(f"{name.lower()} {seconds:.2f} s" for name, seconds in paired["steps"])
    return [
        "",
        "## A workbook in the analyst's own layout, read through a mapping",
        "",
        f"The same {size:,} values in a wide sheet under a title block: one row per indicator and beneficiary "
        f"(by name), one column per semester (by its label), {file_bytes / 1e6:.1f} MB; read through its mapping "
        "into a store whose approved data holds the demo and the workbook's indicators. Medians of "
        f"{f['mapped']['runs']} runs, each mode in its own fresh process; the paired figures come from one more "
        "process that alternates a fastexcel read of the wide file, our ingest of the template-layout workbook "
        "of the same values, our ingest through the mapping (given, as `import --mapping` and the mapping step "
        "give it), and our ingest finding the saved mapping by its headers (the next semester's upload).",
        "",
        "| values | file | pandas+openpyxl s | fastexcel s | our ingest through the mapping s | ingest vs pandas "
        "| ingest / fastexcel, paired | template-layout ingest s, paired | mapping / template, paired "
        "| saved mapping found s, paired | saved / template, paired | peak MB ingest (app + worker) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| {size:,} | {file_bytes / 1e6:.1f} MB | {pandas_s:.3f} | {fast_s:.3f} | {ours_s:.3f} "
        f"| {pandas_s / ours_s:.1f}x faster | {paired['ratio']:.2f}x | {paired['template_median']:.3f} "
        f"| {paired['vs_template']:.2f}x | {paired['saved_median']:.3f} | {paired['saved_vs_template']:.2f}x "
        f"| {f['mapped']['peak_mb']:.0f} + {f['mapped']['child_peak_mb']:.0f} |",
        "",
        f"Goals (the template's, issue 11 step 6): at least 8x faster than pandas+openpyxl reading the same file "
        f"({pandas_s / ours_s:.1f}x: {'met' if pandas_s / ours_s >= 8 else 'NOT met'}), and within 2x of the "
        f"fastexcel read of it (paired: {paired['ratio']:.2f}x, {paired['median']:.3f} s against "
        f"{paired['fastexcel_median']:.3f} s: {'met' if paired['ratio'] <= 2 else 'NOT met'}). Against our "
        f"ingest of the template-layout workbook of the same values: {paired['vs_template']:.2f}x through the "
        f"given mapping, {paired['saved_vs_template']:.2f}x when the saved mapping is found by its headers.",
        "",
        f"Where the time goes through the mapping (last paired run): {steps}.",
    ]


if __name__ == "__main__":
    main()
