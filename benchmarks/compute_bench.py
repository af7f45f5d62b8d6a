"""Compute benchmark: each computation on synthetic programmes, against a plain grouped-pandas reference, and
the app's pages at 100,000 values.

    make bench        # the ingest benchmark, then this one
    .venv/bin/python benchmarks/compute_bench.py [--sizes 10000 100000 1000000] [--runs 3] [--no-pages]

For each size, in a fresh process (so that peak memory is that size's own), it builds a synthetic programme
(benchmarks/synthetic.py: every measure, 6 beneficiaries plus regional, 14 semesters) and times each public
computation (median of ``--runs``, after one warm-up run) and a plain grouped-pandas statement of the same
arithmetic (``PLAIN`` below: no grid of missing semesters, no meeting dates, no edge cases), with the peak
memory of each call: the highest resident set seen while it ran (sampled every 2 ms) above the resident set
before it. Then, with the ingest benchmark's 100,000-value workbook approved on top of the demo, it opens
every page with Streamlit's AppTest, as a manager and as a donor: the first open after the caches are
cleared, and the median of three reruns. It prints the tables and writes ``benchmarks/compute_results.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

PAGE_SIZE = 100_000
PAGES = ["overview", "beneficiary", "indicator", "workplan", "semester_review", "upload", "review", "method"]


# --- plain grouped-pandas statements of the same arithmetic ------------------------------------------------

KEY2, KEY3 = ["indicator_id", "beneficiary"], ["indicator_id", "beneficiary", "semester"]


def plain_progress(p) -> pd.DataFrame:
    """Reported totals with the latest target, the baseline, a grouped running total, progress and status."""
    totals = p.values[p.values["sex"] == "total"]
    latest = p.targets.sort_values("adopted_at").drop_duplicates(KEY3, keep="last")[[*KEY3, "value"]]
    attributes = p.indicators[["indicator_id", "measure", "direction", "cumulative", "aggregation", "sensitive"]]
    frame = (
        totals[[*KEY3, "value", "numerator", "denominator"]]
        .merge(attributes, on="indicator_id")
        .merge(latest.rename(columns={"value": "target"}), how="left", on=KEY3)
        .merge(p.baselines[[*KEY2, "value"]].rename(columns={"value": "baseline"}), how="left", on=KEY2)
        .sort_values(KEY3)
    )
    figure = frame["value"].fillna(100 * frame["numerator"] / frame["denominator"])
    running = figure.groupby([frame["indicator_id"], frame["beneficiary"]]).cumsum()
    frame["actual"] = running.where(frame["cumulative"], figure) + frame["baseline"].where(frame["cumulative"], 0)
    frame["progress"] = (frame["actual"] - frame["baseline"]) / (frame["target"] - frame["baseline"])
    progress = frame["progress"].to_numpy(dtype=float, na_value=np.nan)
    frame["status"] = np.select(
        [progress >= 1, progress >= 0.75, progress >= 0.4],
        ["achieved", "on_track", "at_risk"],
        "off_track",
    )
    return frame


def plain_rollup(progress: pd.DataFrame) -> pd.DataFrame:
    """Sums per indicator and semester, the ratio of summed numerators, progress."""
    sums = progress.groupby(["indicator_id", "semester"])[["baseline", "target", "actual", "numerator", "denominator"]]
    out = sums.sum()
    out["ratio"] = 100 * out["numerator"] / out["denominator"]
    out["progress"] = (out["actual"] - out["baseline"]) / (out["target"] - out["baseline"])
    return out


def plain_completeness(p) -> pd.DataFrame:
    expected = p.targets[KEY3].drop_duplicates()
    reported = p.values.loc[p.values["sex"] == "total", KEY3].assign(reported=1)
    frame = expected.merge(reported, how="left", on=KEY3)
    return frame.groupby(["semester", "beneficiary"])["reported"].agg(["size", "count"])


def plain_workplan(activities: pd.DataFrame) -> pd.DataFrame:
    return activities.groupby(["semester", "beneficiary"])["status"].value_counts().unstack(fill_value=0)


def plain_headlines(p, semester: str, progress: pd.DataFrame) -> list[float]:
    completeness = plain_completeness(p).groupby("semester").sum()
    delivery = plain_workplan(p.activities).groupby("semester").sum()
    out = []
    for s in (semester, _previous(semester)):
        rows = progress[progress["semester"] == s]
        out.append(rows["status"].isin(["achieved", "on_track"]).mean())
        out.append(completeness.loc[s, "count"] / completeness.loc[s, "size"] if s in completeness.index else np.nan)
        out.append(delivery.loc[s].get("completed", 0) if s in delivery.index else np.nan)
    return out


def plain_donor_progress(progress: pd.DataFrame) -> pd.DataFrame:
    """Small sensitive counts hidden, and in each indicator and semester one more cell when one is hidden."""
    small = progress["sensitive"] & (progress["actual"] > 0) & (progress["actual"] < 5)
    hidden = small.groupby([progress["indicator_id"], progress["semester"]]).transform("sum")
    return progress.assign(actual=progress["actual"].mask(small), hidden_in_group=hidden)


def plain_donor_rollup(rollup: pd.DataFrame) -> pd.DataFrame:
    return rollup.assign(actual=rollup["actual"].mask((rollup["actual"] > 0) & (rollup["actual"] < 5)))


def _previous(semester: str) -> str:
    from indicators.domain.periods import semester_from_id

    return semester_from_id(semester).previous().id


# --- measuring ---------------------------------------------------------------------------------------------


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_mb(call: Callable[[], object]) -> float:
    """The highest resident set seen while ``call`` runs (sampled every 2 ms), above the one before it."""
    before, peak, done = _rss_mb(), [0.0], threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _rss_mb())
            time.sleep(0.002)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    call()
    peak[0] = max(peak[0], _rss_mb())
    done.set()
    sampler.join()
    return max(peak[0] - before, 0.0)


def timed(call: Callable[[], object], runs: int) -> float:
    """Median seconds of ``runs`` calls after one warm-up call."""
    call()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure_compute(size: int, runs: int) -> dict:
    """Each computation and its plain reference on a synthetic programme of ``size`` values (in a fresh process)."""
    from synthetic import SEMESTERS, synthetic_programme

    from indicators.compute.completeness import reporting_completeness
    from indicators.compute.headlines import headline_figures
    from indicators.compute.progress import Thresholds, indicator_progress
    from indicators.compute.rollup import regional_rollup
    from indicators.compute.suppression import donor_progress, donor_rollup
    from indicators.compute.workplan import workplan_delivery

    p = synthetic_programme(size)
    thresholds, semester = Thresholds(), SEMESTERS[-2]
    progress = indicator_progress(p, thresholds)
    rollup = regional_rollup(progress, thresholds)
    safe = donor_progress(progress)
    plain = plain_progress(p)
    functions = {
        "indicator_progress": (lambda: indicator_progress(p, thresholds), lambda: plain_progress(p)),
        "regional_rollup": (lambda: regional_rollup(progress, thresholds), lambda: plain_rollup(plain)),
        "reporting_completeness": (lambda: reporting_completeness(p), lambda: plain_completeness(p)),
        "workplan_delivery": (lambda: workplan_delivery(p.activities), lambda: plain_workplan(p.activities)),
        # As the app calls it: from the progress frame it has cached (and the plain statement from its own).
        "headline_figures": (
            lambda: headline_figures(p, semester, thresholds, progress=progress),
            lambda: plain_headlines(p, semester, plain),
        ),
        "donor_progress": (lambda: donor_progress(progress), lambda: plain_donor_progress(plain)),
        # As the app calls it: with the donor-safe progress frame it has cached.
        "donor_rollup": (
            lambda: donor_rollup(rollup, progress, safe=safe),
            lambda: plain_donor_rollup(plain_rollup(plain)),
        ),
    }
    out = {"values": len(p.values), "indicators": len(p.indicators), "progress_rows": len(progress), "functions": {}}
    for name, (ours, reference) in functions.items():
        out["functions"][name] = {
            "ours_s": timed(ours, runs),
            "plain_s": timed(reference, runs),
            "ours_mb": peak_mb(ours),
            "plain_mb": peak_mb(reference),
        }
    return out


def measure_cache(store, calls: int = 20) -> dict:
    """Seconds to get the approved programme and its progress frame from st.cache_data and from
    st.cache_resource once they are cached (median of ``calls``): cache_data unpickles a copy every time."""
    import streamlit as st

    from indicators.compute.progress import Thresholds, indicator_progress

    approved = store.approved()
    progress = indicator_progress(approved, Thresholds())
    made = {"approved programme": approved, "progress frame": progress}
    out = {}
    for what, value in made.items():
        for kind, cache in (("cache_data", st.cache_data), ("cache_resource", st.cache_resource)):

            @cache(show_spinner=False)
            def cached(data_version: str, role: str, _value=value) -> object:
                return _value

            cached("v1", "manager")
            out[f"{what}, {kind}"] = timed(lambda cached=cached: cached("v1", "manager"), calls)
    return out


def measure_pages(runs: int) -> dict:
    """AppTest times of every page at 100,000 values approved on top of the demo, as a manager and as a donor."""
    from ingest_bench import build_workbook
    from streamlit.testing.v1 import AppTest

    from indicators import ingest
    from indicators.access.identity import Identity
    from indicators.read import worker
    from indicators.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["PPD_STORE_DIR"] = tmp
        store = ingest.default_store()
        analyst = Identity("bench-analyst@example.org", "analyst", "cli")
        result = ingest.ingest(build_workbook(PAGE_SIZE), "bench.xlsx", analyst, store)
        store.submit(result.version_id, analyst)
        store.approve(result.version_id, Identity("bench-manager@example.org", "manager", "cli"))
        worker.shutdown_pool()
        values = len(Store(Path(tmp)).approved().values)
        out = {"values": values, "pages": {}, "cache": measure_cache(store)}
        admin = Identity("bench-admin@example.org", "admin", "cli")
        for role in ("manager", "donor"):  # signed in as an organisation account (AppTest's user), as the tests do
            store.accounts.add(admin, f"bench-{role}@example.org", role, password="a long bench passphrase")
        for role in ("Programme manager", "Donor"):
            for page in PAGES:
                if role == "Donor" and page in ("upload", "review"):
                    continue
                import streamlit as st

                st.cache_data.clear()
                st.cache_resource.clear()
                at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=600)
                who = "donor" if role == "Donor" else "manager"
                at.user = {"is_logged_in": True, "email": f"bench-{who}@example.org"}
                at.run()  # the router and the default page (Overview)
                st.cache_data.clear()
                st.cache_resource.clear()
                start = time.perf_counter()
                at.switch_page(f"pages/{page}.py").run()
                first = time.perf_counter() - start
                reruns = []
                for _ in range(runs):
                    start = time.perf_counter()
                    at.run()
                    reruns.append(time.perf_counter() - start)
                failed = [str(e.value)[:200] for e in at.exception]
                if not at.title or at.title[0].value in ("Sign in", "Se connecter"):  # the page itself, timed
                    failed.append("the page did not open (sign-in page shown)")
                out["pages"][f"{page} ({'donor' if role == 'Donor' else 'manager'})"] = {
                    "first_s": first,
                    "rerun_s": statistics.median(reruns),
                    "errors": failed,
                }
        return out


def _subprocess(kind: str, arg: int, runs: int) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--measure", kind, str(arg), "--runs", str(runs)],
        capture_output=True,
        text=True,
        env={**os.environ, "PPD_SEED_DEMO": "1"},
        check=False,
    )
    if done.returncode:
        raise SystemExit(f"{kind} {arg} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def report(compute: dict[int, dict], pages: dict | None, runs: int) -> str:
    lines = [
        "# Compute benchmark",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores (shared), Python {platform.python_version()}, "
        f"pandas {pd.__version__}. Medians of {runs} runs after a warm-up run, each size in its own fresh process. "
        "'plain' is a plain grouped-pandas statement of the same arithmetic (benchmarks/compute_bench.py, "
        "PLAIN): no grid of missing semesters, no targets in force by meeting date, no edge cases. Peak MB: the "
        "highest resident set seen during the call (sampled every 2 ms) above the one before it.",
        "",
        "| values | function | ours s | plain s | ours / plain | peak MB ours | peak MB plain |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for _size, figures in compute.items():
        total_ours = total_plain = 0.0
        for name, f in figures["functions"].items():
            total_ours, total_plain = total_ours + f["ours_s"], total_plain + f["plain_s"]
            lines.append(
                f"| {figures['values']:,} | {name} | {f['ours_s']:.3f} | {f['plain_s']:.3f} "
                f"| {f['ours_s'] / f['plain_s']:.1f}x | {f['ours_mb']:.0f} | {f['plain_mb']:.0f} |"
            )
        lines.append(
            f"| {figures['values']:,} | **all together** | **{total_ours:.3f}** | {total_plain:.3f} "
            f"| **{total_ours / total_plain:.1f}x** | | |"
        )
    lines += [
        "",
        "Goals: all computations together at most 3x the plain reference, under 0.5 s at 100,000 values "
        "and under 3 s at 1,000,000.",
    ]
    for _size, figures in compute.items():
        total = sum(f["ours_s"] for f in figures["functions"].values())
        plain = sum(f["plain_s"] for f in figures["functions"].values())
        lines.append(
            f"- {figures['values']:,} values ({figures['indicators']:,} indicators, {figures['progress_rows']:,} "
            f"progress rows): {total:.2f} s, {total / plain:.1f}x the plain reference."
        )
    if pages:
        lines += [
            "",
            f"## Pages at {pages['values']:,} values (AppTest)",
            "",
            "The ingest benchmark's 100,000-value workbook approved on top of the demo. First open: switching to the "
            "page after every cache was cleared (so it computes what it needs); rerun: median of "
            f"{runs} reruns. Goals: every rerun at most 150 ms, every first open at most 1 s. AppTest's own "
            "work (running the script in a thread, collecting the elements) is included.",
            "",
            "| page | first open s | rerun s | errors |",
            "|---|---:|---:|---|",
        ]
        for page, f in pages["pages"].items():
            lines.append(f"| {page} | {f['first_s']:.2f} | {f['rerun_s']:.3f} | {'; '.join(f['errors']) or '—'} |")
        lines += [
            "",
            "Getting a cached frame once it is cached (median of 20 calls): st.cache_data unpickles a copy on "
            "every call, st.cache_resource returns the same object (so pages must never change it).",
            "",
            "| frame, cache | s per call |",
            "|---|---:|",
            *(f"| {what} | {seconds:.4f} |" for what, seconds in pages["cache"].items()),
        ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-pages", action="store_true")
    parser.add_argument("--measure", nargs=2, metavar=("KIND", "ARG"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        kind, arg = args.measure
        figures = measure_compute(int(arg), args.runs) if kind == "compute" else measure_pages(args.runs)
        print(json.dumps(figures))
        return
    compute = {}
    for size in args.sizes:
        compute[size] = _subprocess("compute", size, args.runs)
        print(f"measured the computations at {size:,} values", file=sys.stderr)
    pages = None if args.no_pages else _subprocess("pages", PAGE_SIZE, args.runs)
    text = report(compute, pages, args.runs)
    print(text)
    (ROOT / "benchmarks" / "compute_results.md").write_text(text)


if __name__ == "__main__":
    main()
