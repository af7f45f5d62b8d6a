"""Moving a whole store between backends (``python -m indicators store copy --from A --to B``).

Everything the store keeps is copied through the primitives, in order: each version (record and files,
under the same identifier), the log's events, the approved pointer, the documents (accounts, mappings).
The target must be empty. Afterwards every version is checked on the target: each file's SHA-256 and each
table's row count equal the source's, the upload's digest equals its record, the log and the pointer are
equal. On PostgreSQL the copy is one transaction: a failed copy leaves the target empty.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

import pyarrow.parquet as pq

from indicators.domain.i18n import _
from indicators.domain.problems import ProjectError
from indicators.storage import TABLES_PREFIX, UPLOAD, Backend


class CopyRefused(ProjectError):
    """A copy that was not made or did not check out; the message says why."""


class _Abort(Exception):  # noqa: N818 - not a ProjectError, so that a PostgreSQL target rolls the copy back
    """Raised inside the target's transaction; becomes ``CopyRefused`` outside it."""


@dataclass(frozen=True)
class CopyReport:
    versions: int
    files: int
    rows: int
    log_events: int
    documents: int


def document_names(backend: Backend) -> list[str]:
    return backend.document_names("")


def emptiness_problem(backend: Backend) -> str | None:
    """Why a store is not empty, or None."""
    what = []
    if versions := backend.version_ids():
        what.append(_("{count} version(s)").format(count=len(versions)))
    if events := backend.read_log():
        what.append(_("{count} log event(s)").format(count=len(events)))
    if backend.read_pointer() is not None:
        what.append(_("an approved version"))
    if documents := document_names(backend):
        what.append(_("{count} document(s)").format(count=len(documents)))
    return ", ".join(what) or None


def table_rows(files: dict[str, bytes]) -> dict[str, int]:
    """Rows of each Parquet table among a version's files (read from the Parquet footers)."""
    return {
        name: pq.ParquetFile(io.BytesIO(data)).metadata.num_rows
        for name, data in files.items()
        if name.startswith(TABLES_PREFIX)
    }


def copy_store(source: Backend, target: Backend) -> CopyReport:
    """Copy every version, the log, the pointer and the documents from ``source`` into the empty ``target``,
    then check the copy; raises ``CopyRefused`` with a sentence when it cannot or the check fails (a PostgreSQL
    target is then left empty: the copy is one transaction)."""
    try:
        return _copy(source, target)
    except _Abort as abort:
        raise CopyRefused(str(abort)) from None


def _copy(source: Backend, target: Backend) -> CopyReport:
    with target.locked():
        problem = emptiness_problem(target)
        if problem:
            raise _Abort(
                _("The target store at {location} is not empty ({problem}); copy only into an empty store.").format(
                    location=target.location, problem=problem
                )
            )
        files = rows = 0
        for version_id, meta in source.metas().items():
            version_files = source.read_files(version_id, "")
            given = target.commit(target.stage(version_files), meta)
            if given != version_id:
                raise _Abort(
                    _(
                        "Version {version} of {location} would become version {given} in the target: the "
                        "source's versions are not numbered from 000001 without a gap, so nothing is copied."
                    ).format(version=version_id, location=source.location, given=given)
                )
            files += len(version_files)
            rows += sum(table_rows(version_files).values())
        events = source.read_log()
        for event in events:
            target.append_log(event)
        pointer = source.read_pointer()
        if pointer is not None:
            target.write_pointer(pointer)
        documents = document_names(source)
        for name in documents:
            target.write_document(name, source.read_document(name) or b"")
        check_copy(source, target)
    return CopyReport(len(source.version_ids()), files, rows, len(events), len(documents))


def check_copy(source: Backend, target: Backend) -> None:
    """Every version's files (SHA-256) and tables (row counts), the log, the pointer and the documents of the
    target equal the source's."""
    if source.version_ids() != target.version_ids():
        raise _Abort(_("The copy holds other versions than the source."))
    for version_id, meta in source.metas().items():
        before = source.read_files(version_id, "")
        after = target.read_files(version_id, "")
        digests = {name: hashlib.sha256(data).hexdigest() for name, data in before.items()}
        if digests != {name: hashlib.sha256(data).hexdigest() for name, data in after.items()}:
            raise _Abort(_("Version {version}'s files differ after the copy (SHA-256).").format(version=version_id))
        if UPLOAD in digests and digests[UPLOAD] != meta.get("sha256"):  # absent: removed by retention
            raise _Abort(
                _("Version {version}'s upload does not have the SHA-256 its record gives.").format(version=version_id)
            )
        if table_rows(before) != table_rows(after):
            raise _Abort(
                _("Version {version}'s tables have other row counts after the copy.").format(version=version_id)
            )
        if target.meta(version_id) != meta:
            raise _Abort(_("Version {version}'s record differs after the copy.").format(version=version_id))
    if source.read_log() != target.read_log():
        raise _Abort(_("The log differs after the copy."))
    if source.read_pointer() != target.read_pointer():
        raise _Abort(_("The approved version differs after the copy."))
    for name in document_names(source):
        if source.read_document(name) != target.read_document(name):
            raise _Abort(_("The document {name} differs after the copy.").format(name=name))
