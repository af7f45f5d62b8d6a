"""Checking a whole store (``python -m indicators store verify``): the log's hash chain, every version's files.

The log is tamper-evident: each event the store appends carries ``prev``, the SHA-256 of the event before it
(``event_hash``: its canonical JSON), so removing, changing or reordering a line breaks the chain at that line;
events written before the chain began (an older store) are counted apart. Every version's upload must still
have the SHA-256 its record gives (unless retention removed it, as the log says), every file the SHA-256
recorded when it was stored (PostgreSQL keeps one per file), and its tables the rows its record counts.

The report ends with one digest of everything checked (versions, files, log, approved pointer): a backup
restored into a new database gives the same digest as the store it was taken from.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from indicators.domain.i18n import _
from indicators.storage import UPLOAD, Backend
from indicators.storage.transfer import table_rows


def event_hash(event: dict | None) -> str:
    """The SHA-256 of a log event's canonical JSON (keys sorted); '' before the first event."""
    if event is None:
        return ""
    text = json.dumps(event, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class Verification:
    versions: int = 0
    files: int = 0
    events: int = 0
    unchained: int = 0  # events written before the chain began
    problems: list[str] = field(default_factory=list)
    digest: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_store(backend: Backend) -> Verification:
    """Check the log's chain and every version's files, records and row counts; never changes anything."""
    report = Verification()
    whole = hashlib.sha256()
    removed = {e.get("version") for e in backend.read_log() if e.get("action") == "removed"}
    recorded_digests = getattr(backend, "file_digests", None)
    for version_id, meta in backend.metas().items():
        files = backend.read_files(version_id, "")
        digests = {name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())}
        report.versions += 1
        report.files += len(files)
        if UPLOAD in digests:
            if digests[UPLOAD] != meta.get("sha256"):
                report.problems.append(
                    _("Version {version}'s workbook does not have the SHA-256 its record gives.").format(
                        version=version_id
                    )
                )
        elif version_id not in removed:
            report.problems.append(
                _("Version {version}'s workbook is missing, and the log records no removal.").format(version=version_id)
            )
        if recorded_digests is not None:
            recorded = recorded_digests(version_id)
            changed = sorted(name for name, value in digests.items() if recorded.get(name) != value)
            if changed:
                report.problems.append(
                    _("Version {version}'s files differ from the SHA-256 recorded when stored: {names}.").format(
                        version=version_id, names=", ".join(changed)
                    )
                )
        rows = sum(table_rows(files).values())
        if meta.get("rows") is not None and rows != int(meta["rows"]) and version_id not in removed:
            report.problems.append(
                _("Version {version}'s tables hold {rows} rows; its record says {recorded}.").format(
                    version=version_id, rows=rows, recorded=meta["rows"]
                )
            )
        whole.update(json.dumps([version_id, digests, meta], sort_keys=True, default=str).encode())
    previous: dict | None = None
    chained = False
    for number, event in enumerate(backend.read_log(), start=1):
        report.events += 1
        if not chained and "prev" not in event:
            report.unchained += 1
        else:
            chained = True
            if event.get("prev") != event_hash(previous):
                report.problems.append(
                    _("The log's event {number} ({action}) does not follow the one before: it was changed.").format(
                        number=number, action=event.get("action", "?")
                    )
                )
        previous = event
        whole.update(event_hash(event).encode())
    whole.update(json.dumps(backend.read_pointer(), sort_keys=True, default=str).encode())
    report.digest = whole.hexdigest()
    return report
