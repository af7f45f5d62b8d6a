"""One upload from bytes to a stored draft: checks, isolated parse, validation, diff and storage.

The upload page and the command line both call ``ingest``, so a workbook is judged the same way wherever
it comes from. Nothing is stored when a step fails or the workbook has errors, and nothing already
stored is ever changed here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from indicators.domain.problems import Problem, UnreadableWorkbook, has_errors, problems_frame
from indicators.domain.schema import Programme, empty_programme
from indicators.domain.settings import setting, store_dir
from indicators.read import diff, validate, worker
from indicators.store import StagedVersion, Store, sha256

Progress = Callable[[float, str], None]
DEMO_USER = "demo seed"


@dataclass
class IngestResult:
    ok: bool
    message: str | None = None  # one sentence when the file cannot be read as a monitoring workbook
    problems: list[Problem] = field(default_factory=list)
    upload: Programme | None = None  # the rows the workbook holds
    merged: Programme | None = None  # the approved data with the upload applied
    changes: pd.DataFrame = field(default_factory=diff.no_changes)
    version_id: str | None = None
    duplicate_of: str | None = None
    base_version: str | None = None

    @property
    def problems_table(self) -> pd.DataFrame:
        return problems_frame(self.problems)

    @property
    def change_summary(self) -> pd.DataFrame:
        return diff.change_summary(self.changes)

    @property
    def errors(self) -> int:
        return sum(p.severity == "error" for p in self.problems)

    @property
    def warnings(self) -> int:
        return sum(p.severity == "warning" for p in self.problems)


def _no_progress(fraction: float, text: str) -> None:
    return None


def ingest(
    data: bytes,
    file_name: str,
    user: str,
    store: Store,
    progress: Progress | None = None,
    save: bool = True,
    illustrative: bool = False,
    today: dt.date | None = None,
) -> IngestResult:
    """Check, parse, validate and compare an uploaded workbook; store it as a draft when it has no errors."""
    step = progress or _no_progress
    base_version = store.approved_id()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest") as pool:
        try:
            step(0.05, "Checking and reading the file")
            parsing = pool.submit(worker.parse_isolated, data, file_name=file_name)  # the checks run in the worker too
            base = store.load(base_version) if base_version else empty_programme()  # while the worker reads
            digest = sha256(data)
            raw = parsing.result()
            step(0.55, "Checking every row")
            upload, problems = validate.validate_workbook(raw, base, today=today)
        except UnreadableWorkbook as error:
            step(1.0, "The file could not be read")
            return IngestResult(ok=False, message=str(error), base_version=base_version)
        result = IngestResult(ok=not has_errors(problems), problems=problems, upload=upload, base_version=base_version)
        if not result.ok:
            step(1.0, "The workbook has problems to fix")
            return result
        step(0.7, "Comparing with the approved data")
        result.duplicate_of = store.find_by_sha(digest)
        store_it = save and result.duplicate_of is None
        merging = pool.submit(_merge_and_stage, store, data, base, upload, store_it)  # while the changes are listed
        try:
            result.changes = diff.upload_changes(base, upload)
            result.merged, staged = merging.result()
            if staged is not None:
                step(0.85, "Storing a new draft version")
                illustrative = illustrative or bool(base_version and store.meta(base_version).get("illustrative"))
                result.version_id = store.commit_version(
                    staged,
                    file_name,
                    user,
                    base_version=base_version,
                    illustrative=illustrative,
                    summary={
                        "errors": result.errors,
                        "warnings": result.warnings,
                        "changes": result.change_summary.to_dict("records"),
                    },
                )
        except BaseException:
            staged = None if merging.exception() else merging.result()[1]
            if staged is not None:
                store.discard(staged)  # a draft staged for an ingest that failed
            raise
    step(1.0, "Done")
    return result


def _merge_and_stage(
    store: Store, data: bytes, base: Programme, upload: Programme, stage: bool
) -> tuple[Programme, StagedVersion | None]:
    """The approved data with the upload applied and, when it is to be stored, the draft written but not committed."""
    merged = validate.merge(base, upload)
    return merged, store.stage_version(data, merged) if stage else None


def seed_demo(store: Store) -> str | None:
    """Load the illustrative demo workbook into an empty store and approve it; returns its version."""
    path = Path(setting("DEMO_WORKBOOK"))
    if setting("SEED_DEMO") != "1" or not path.exists():
        return None
    with store.locked("seed"):  # one seeding even when two sessions open an empty store at once
        if store.version_ids():
            return None
        result = ingest(path.read_bytes(), path.name, DEMO_USER, store, illustrative=True)
        if not result.version_id:
            problem = result.message or "; ".join(p.message for p in result.problems[:3])
            raise UnreadableWorkbook(f"The demo workbook {path} did not load: {problem}")
        store.submit(result.version_id, DEMO_USER, "illustrative demo data")
        store.approve(result.version_id, DEMO_USER, "illustrative demo data, approved automatically")
        return result.version_id


def default_store() -> Store:
    """The store in the STORE_DIR setting, seeded with the illustrative demo when it is empty."""
    store = Store(store_dir())
    if not store.version_ids():
        seed_demo(store)
    return store
