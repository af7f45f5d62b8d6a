"""The folder backend: a store kept in a folder on one host (the default, setting STORE_DIR).

Layout::

    versions/000001/meta.json          who uploaded what, when, from which base version (written once)
    versions/000001/upload.xlsx        the uploaded bytes, unchanged
    versions/000001/tables/<t>.parquet the whole programme after this upload (approved data + upload)
    log.jsonl                          append-only: one JSON line per action (created, submitted, ...)
    approved.json                      which version is approved; replaced atomically
    <documents>                        small documents (accounts.json, mappings/<key>.json), owner-only

A version is written in a temporary folder and renamed into place in one step, so a process killed
mid-write leaves at most an orphan temporary folder, never a half version. The approved pointer and the
documents are replaced with ``os.replace`` after an fsync. Locks are ``flock`` on files in the folder: they
hold between the threads and processes of one host, not across hosts (use PostgreSQL for several servers).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import shutil
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from indicators.storage import NoSuchVersion, StorageError

RESERVED = {"versions", "tmp", "log.jsonl", "approved.json"}  # not documents
DOCUMENT_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]*(/[A-Za-z0-9_-][A-Za-z0-9_.-]*)*")


def fsync_write(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Write a new file and fsync it."""
    with open(path, "wb", opener=lambda file, flags: os.open(file, flags, mode)) as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def fsync_dir(path: Path) -> None:
    """Make a rename inside a folder durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@dataclass(frozen=True)
class StagedFolder:
    """A version's files written and fsynced in a temporary folder."""

    path: Path


class FolderBackend:
    """The storage primitives on a folder (see ``indicators.storage``)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.location = str(self.root)
        for sub in ("versions", "tmp"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)

    def __eq__(self, other: object) -> bool:  # one folder, one store: caches are shared by its openers
        return isinstance(other, FolderBackend) and other.root == self.root

    def __hash__(self) -> int:
        return hash(("folder", self.root))

    # --- locks ---------------------------------------------------------------------------------------

    @contextlib.contextmanager
    def locked(self, name: str = "store") -> Iterator[None]:
        """Hold a named lock on the store, across threads and processes of this host."""
        with open(self.root / f".{name}.lock", "a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    # --- versions ------------------------------------------------------------------------------------

    def stage(self, files: Mapping[str, bytes]) -> StagedFolder:
        """Write a version's files, fsynced, in a temporary folder (safe in another thread)."""
        staging = self.root / "tmp" / uuid.uuid4().hex
        staging.mkdir(parents=True)
        try:
            for name, data in files.items():
                path = staging / name
                path.parent.mkdir(parents=True, exist_ok=True)
                fsync_write(path, data)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return StagedFolder(staging)

    @staticmethod
    def discard(staged: StagedFolder) -> None:
        """Drop a staged version (nothing once it has been committed)."""
        shutil.rmtree(staged.path, ignore_errors=True)

    def commit(self, staged: StagedFolder, meta: dict) -> str:
        """Make a staged version the next numbered version in one rename (hold ``locked()``)."""
        fsync_write(staged.path / "meta.json", json.dumps(meta, indent=2).encode())
        ids = self.version_ids()
        version_id = f"{int(ids[-1]) + 1 if ids else 1:06d}"
        os.rename(staged.path, self.root / "versions" / version_id)
        fsync_dir(self.root / "versions")
        return version_id

    def version_ids(self) -> list[str]:
        """Identifiers of every complete version, oldest first."""
        return sorted(
            p.name for p in (self.root / "versions").iterdir() if p.name.isdigit() and (p / "meta.json").exists()
        )

    def _version_dir(self, version_id: str) -> Path:
        path = self.root / "versions" / version_id
        if not (version_id.isdigit() and (path / "meta.json").exists()):
            raise NoSuchVersion(f"there is no version {version_id}")
        return path

    def has_version(self, version_id: str) -> bool:
        return version_id.isdigit() and (self.root / "versions" / version_id / "meta.json").exists()

    def meta(self, version_id: str) -> dict:
        return json.loads((self._version_dir(version_id) / "meta.json").read_bytes())

    def metas(self) -> dict[str, dict]:
        return {version_id: self.meta(version_id) for version_id in self.version_ids()}

    def read_file(self, version_id: str, name: str) -> bytes:
        return (self._version_dir(version_id) / name).read_bytes()

    def read_files(self, version_id: str, prefix: str) -> dict[str, bytes]:
        """Every file of a version whose name starts with ``prefix`` (e.g. ``tables/``; "" for all)."""
        folder = self._version_dir(version_id)
        names = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
        return {n: (folder / n).read_bytes() for n in names if n.startswith(prefix) and n != "meta.json"}

    # --- the log -------------------------------------------------------------------------------------

    def append_log(self, event: dict) -> None:
        line = (json.dumps(event, ensure_ascii=False, sort_keys=True) + "\n").encode()
        fd = os.open(self.root / "log.jsonl", os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line)
            os.fsync(fd)
        finally:
            os.close(fd)

    def read_log(self) -> list[dict]:
        """Every event, oldest first (a line torn by a crash is skipped)."""
        events = []
        path = self.root / "log.jsonl"
        if path.exists():
            for line in path.read_bytes().splitlines():
                with contextlib.suppress(ValueError):
                    events.append(json.loads(line))
        return events

    # --- the approved pointer ------------------------------------------------------------------------

    def read_pointer(self) -> dict | None:
        path = self.root / "approved.json"
        return json.loads(path.read_bytes()) if path.exists() else None

    def write_pointer(self, pointer: dict) -> None:
        """Replace the approved pointer atomically (hold ``locked()``)."""
        tmp = self.root / "tmp" / f"approved-{uuid.uuid4().hex}.json"
        fsync_write(tmp, json.dumps(pointer, indent=2).encode())
        os.replace(tmp, self.root / "approved.json")
        fsync_dir(self.root)

    def change_key(self) -> str:
        """Changes whenever a version is added, reviewed or approved: the pointer and the log's length."""
        log = self.root / "log.jsonl"
        size = log.stat().st_size if log.exists() else 0
        pointer = self.read_pointer()
        return f"{self.root}:{pointer['version'] if pointer else None}:{size}"

    # --- documents -----------------------------------------------------------------------------------

    def _document_path(self, name: str) -> Path:
        if not DOCUMENT_NAME.fullmatch(name) or ".." in name or name.split("/", 1)[0] in RESERVED:
            raise StorageError(f"'{name}' is not a document name")
        return self.root / name

    def read_document(self, name: str) -> bytes | None:
        path = self._document_path(name)
        return path.read_bytes() if path.exists() else None

    def write_document(self, name: str, data: bytes) -> None:
        """Replace a document atomically with an owner-only file."""
        path = self._document_path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
        try:
            fsync_write(tmp, data, 0o600)
            os.chmod(tmp, 0o600)  # whatever the umask
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        fsync_dir(path.parent)

    def delete_document(self, name: str) -> bool:
        path = self._document_path(name)
        if not path.exists():
            return False
        path.unlink()
        return True

    def document_names(self, prefix: str = "") -> list[str]:
        """The documents whose names start with ``prefix``: every file but the versions, the log, the pointer,
        temporary and lock files."""
        names = []
        for path in self.root.rglob("*"):
            name = path.relative_to(self.root).as_posix()
            if (
                path.is_file()
                and name.startswith(prefix)
                and name.split("/", 1)[0] not in RESERVED
                and DOCUMENT_NAME.fullmatch(name)
            ):
                names.append(name)
        return sorted(names)
