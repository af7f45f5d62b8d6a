"""The folder backend: a store kept in a folder on one host (the default, setting STORE_DIR).

Layout::

    versions/000001/meta.json          who uploaded what, when, from which base version (written once)
    versions/000001/upload.xlsx        the uploaded bytes, unchanged
    versions/000001/tables/<t>.parquet the whole programme after this upload (approved data + upload)
    log.jsonl                          append-only: one JSON line per action (created, submitted, ...)
    approved.json                      which version is approved; replaced atomically
    <documents>                        small documents (accounts.json, mappings/<key>.json), owner-only
    sessions/<sha256>.json             a signed-in session or a one-time hand-off code (never the data)
    throttle.json                      the sign-in throttle's counters, changed under the "throttle" lock

A version is written in a temporary folder and renamed into place in one step, so a process killed
mid-write leaves at most an orphan temporary folder, never a half version. The approved pointer and the
documents are replaced with ``os.replace`` after an fsync. Locks are ``flock`` on files in the folder: they
hold between the threads and processes of one host, not across hosts (use PostgreSQL for several servers).
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import json
import os
import re
import shutil
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from indicators.domain.i18n import _
from indicators.storage import UPLOAD, DiskFull, NoSuchVersion, StorageError, is_disk_full

RESERVED = {"versions", "tmp", "log.jsonl", "approved.json", "sessions", "throttle.json"}  # not documents
DIGEST = re.compile(r"[0-9a-z:]{1,80}")  # a session record's name: a SHA-256 in hex, maybe with a prefix
DOCUMENT_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]*(/[A-Za-z0-9_-][A-Za-z0-9_.-]*)*")


PRIVATE_FILE, PRIVATE_DIR = 0o600, 0o700
ORPHAN_AFTER_S = 3600  # a staging folder older than this belongs to no running upload


def _private_opener(file: str, flags: int) -> int:
    fd = os.open(file, flags, PRIVATE_FILE)
    os.fchmod(fd, PRIVATE_FILE)  # whatever the umask
    return fd


def private_dir(path: Path) -> None:
    """A folder only its owner may open, whatever the umask."""
    path.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    os.chmod(path, PRIVATE_DIR)


def fsync_write(path: Path, data: bytes, mode: int = PRIVATE_FILE) -> None:
    """Write a new owner-only file and fsync it (the store holds raw uploads: nothing in it is for others)."""
    with open(path, "wb", opener=_private_opener) as handle:
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


def _room(method: Callable) -> Callable:
    """A write that meets a full disk raises ``DiskFull`` with the space left (whatever it wrote is undone by the
    caller's own rules: a staged version is removed, a document or the pointer is replaced only when complete)."""

    @functools.wraps(method)
    def writing(self: FolderBackend, *args: object, **kwargs: object) -> object:
        try:
            return method(self, *args, **kwargs)
        except OSError as error:
            if is_disk_full(error):
                raise DiskFull(shutil.disk_usage(self.root).free) from None
            raise

    return writing


@dataclass(frozen=True)
class StagedFolder:
    """A version's files written and fsynced in a temporary folder."""

    path: Path


class FolderBackend:
    """The storage primitives on a folder (see ``indicators.storage``)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.location = str(self.root)
        known = [self.root / p for p in ("", "versions", "tmp", "log.jsonl")]
        loose = any(p.exists() and p.stat().st_mode & 0o077 for p in known)  # written before this rule
        for sub in ("", "versions", "tmp"):
            private_dir(self.root / sub)
        if loose:
            for folder, subfolders, files in os.walk(self.root):
                for name in subfolders:
                    os.chmod(Path(folder) / name, PRIVATE_DIR)
                for name in files:
                    os.chmod(Path(folder) / name, PRIVATE_FILE)

    def __eq__(self, other: object) -> bool:  # one folder, one store: caches are shared by its openers
        return isinstance(other, FolderBackend) and other.root == self.root

    def __hash__(self) -> int:
        return hash(("folder", self.root))

    # --- locks ---------------------------------------------------------------------------------------

    @contextlib.contextmanager
    def locked(self, name: str = "store") -> Iterator[None]:
        """Hold a named lock on the store, across threads and processes of this host."""
        with open(self.root / f".{name}.lock", "a+", opener=_private_opener) as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    # --- versions ------------------------------------------------------------------------------------

    @_room
    def stage(self, files: Mapping[str, bytes]) -> StagedFolder:
        """Write a version's files, fsynced, in a temporary folder (safe in another thread)."""
        staging = self.root / "tmp" / uuid.uuid4().hex
        private_dir(staging)
        try:
            for name, data in files.items():
                path = staging / name
                private_dir(path.parent)
                fsync_write(path, data)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return StagedFolder(staging)

    @staticmethod
    def discard(staged: StagedFolder) -> None:
        """Drop a staged version (nothing once it has been committed)."""
        shutil.rmtree(staged.path, ignore_errors=True)

    @_room
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
            raise NoSuchVersion(_("there is no version {version}").format(version=version_id))
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

    def remove_unapproved(self, version_id: str) -> list[str]:
        """Remove a version's raw workbook and tables (retention; the store checks it was never approved and is old
        enough); returns the names removed."""
        folder = self._version_dir(version_id)
        names = [UPLOAD] if (folder / UPLOAD).is_file() else []
        names += sorted(p.relative_to(folder).as_posix() for p in (folder / "tables").glob("*") if p.is_file())
        for name in names:
            (folder / name).unlink()
        if names:
            fsync_dir(folder)
        return names

    # --- the log -------------------------------------------------------------------------------------

    @_room
    def append_log(self, event: dict) -> None:
        line = (json.dumps(event, ensure_ascii=False, sort_keys=True) + "\n").encode()
        fd = _private_opener(str(self.root / "log.jsonl"), os.O_WRONLY | os.O_APPEND | os.O_CREAT)
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

    def last_log_event(self) -> dict | None:
        """The newest event (read from the end of the log: its last complete line)."""
        path = self.root / "log.jsonl"
        if not path.exists():
            return None
        with open(path, "rb") as handle:
            size = handle.seek(0, os.SEEK_END)
            block = 4096
            while True:
                start = max(0, size - block)
                handle.seek(start)
                lines = handle.read(size - start).splitlines()
                complete = lines if start == 0 else lines[1:]
                for line in reversed(complete):
                    with contextlib.suppress(ValueError):
                        return json.loads(line)
                if start == 0:
                    return None
                block *= 4

    # --- the approved pointer ------------------------------------------------------------------------

    def read_pointer(self) -> dict | None:
        path = self.root / "approved.json"
        return json.loads(path.read_bytes()) if path.exists() else None

    @_room
    def write_pointer(self, pointer: dict) -> None:
        """Replace the approved pointer atomically (hold ``locked()``)."""
        tmp = self.root / "tmp" / f"approved-{uuid.uuid4().hex}.json"
        fsync_write(tmp, json.dumps(pointer, indent=2).encode())
        os.replace(tmp, self.root / "approved.json")
        fsync_dir(self.root)

    def remove_orphans(self, older_than_s: float = ORPHAN_AFTER_S) -> int:
        """Remove staging folders a killed process left behind (older than ``older_than_s``: a younger one may
        be an upload being staged right now); returns how many."""
        removed = 0
        now = time.time()
        for entry in (self.root / "tmp").iterdir():
            if now - entry.stat().st_mtime <= older_than_s:
                continue
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
            removed += 1
        return removed

    def change_key(self) -> str:
        """Changes whenever a version is added, reviewed or approved: the pointer and the log's length."""
        log = self.root / "log.jsonl"
        size = log.stat().st_size if log.exists() else 0
        pointer = self.read_pointer()
        return f"{self.root}:{pointer['version'] if pointer else None}:{size}"

    # --- documents -----------------------------------------------------------------------------------

    def _document_path(self, name: str) -> Path:
        if not DOCUMENT_NAME.fullmatch(name) or ".." in name or name.split("/", 1)[0] in RESERVED:
            raise StorageError(_("'{name}' is not a document name").format(name=name))
        return self.root / name

    def read_document(self, name: str) -> bytes | None:
        path = self._document_path(name)
        return path.read_bytes() if path.exists() else None

    @_room
    def write_document(self, name: str, data: bytes, counted: bool = True) -> None:
        """Replace a document atomically with an owner-only file (``counted``: a folder's cache key never
        depends on documents)."""
        path = self._document_path(name)
        private_dir(path.parent)
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

    # --- sessions and the sign-in throttle (never the store's data) --------------------------------------

    def _session_path(self, digest: str) -> Path:
        if not DIGEST.fullmatch(digest):
            raise StorageError(_("'{name}' is not a session record").format(name=digest[:20]))
        return self.root / "sessions" / (digest.replace(":", "_") + ".json")

    def session_read(self, digest: str) -> dict | None:
        try:
            return json.loads(self._session_path(digest).read_bytes())
        except (FileNotFoundError, ValueError):
            return None

    @_room
    def session_write(self, digest: str, record: dict) -> None:
        """Replace a record atomically (an owner-only file; not fsynced: a session lost in a power cut only
        asks its person to sign in again)."""
        path = self._session_path(digest)
        private_dir(path.parent)
        tmp = path.with_name(f".{uuid.uuid4().hex}.tmp")
        with open(tmp, "wb", opener=_private_opener) as handle:
            handle.write(json.dumps(record).encode())
        os.replace(tmp, path)

    def session_take(self, digest: str) -> dict | None:
        """Read and remove a record in one step: of two processes taking it at once, one gets it."""
        path = self._session_path(digest)
        taken = path.with_name(f".{uuid.uuid4().hex}.taken")
        try:
            os.rename(path, taken)
        except FileNotFoundError:
            return None
        try:
            return json.loads(taken.read_bytes())
        except ValueError:
            return None
        finally:
            taken.unlink(missing_ok=True)

    def _session_records(self) -> Iterator[tuple[Path, dict]]:
        folder = self.root / "sessions"
        for path in folder.glob("*.json") if folder.is_dir() else ():
            with contextlib.suppress(FileNotFoundError, ValueError):
                yield path, json.loads(path.read_bytes())

    def session_delete_for(self, email: str, keep: str | None = None) -> int:
        kept = self._session_path(keep).name if keep else None
        removed = 0
        for path, record in self._session_records():
            if record.get("email") == email and path.name != kept and not path.name.startswith("ext_"):
                path.unlink(missing_ok=True)
                removed += 1
        return removed

    def session_sweep(self, now: float) -> int:
        removed = 0
        for path, record in self._session_records():
            if float(record.get("until", 0)) < now:
                path.unlink(missing_ok=True)
                removed += 1
        return removed

    def throttle_read(self, keys: list[str]) -> dict[str, tuple[int, float]]:
        path = self.root / "throttle.json"
        try:
            counts = json.loads(path.read_bytes())
        except (FileNotFoundError, ValueError):
            counts = {}
        return {k: (int(counts[k][0]), float(counts[k][1])) for k in keys if k in counts}

    @_room
    def throttle_write(self, counts: Mapping[str, tuple[int, float] | None]) -> None:
        """Change some counters (None removes one); hold ``locked("throttle")``. Counters older than a day go."""
        path = self.root / "throttle.json"
        try:
            kept = json.loads(path.read_bytes())
        except (FileNotFoundError, ValueError):
            kept = {}
        newest = max([float(v[1]) for v in kept.values()] + [float(v[1]) for v in counts.values() if v] + [0.0])
        kept = {k: v for k, v in kept.items() if newest - float(v[1]) < 86_400}
        for key, value in counts.items():
            if value is None:
                kept.pop(key, None)
            else:
                kept[key] = [int(value[0]), float(value[1])]
        tmp = self.root / "tmp" / f"throttle-{uuid.uuid4().hex}.json"
        fsync_write(tmp, json.dumps(kept).encode())
        os.replace(tmp, path)
