"""Where the store keeps things: the few storage primitives ``store.py`` is written on, and their backends.

``store.Store`` holds the rules (statuses, who may do what, stale approvals, merging); a ``Backend`` only
keeps bytes and small records, the same way for every rule:

- versions: ``stage`` a version's files (upload and Parquet tables, as bytes) apart from the store,
  ``commit`` them as the next numbered version with its record (``meta``), or ``discard`` them; read a
  version's record (``meta``, ``metas``), its files (``read_file``, ``read_files``), list ``version_ids``;
- the append-only log: ``append_log``, ``read_log``, ``last_log_event`` (the newest, for the hash chain);
- the approved pointer: ``read_pointer``, ``write_pointer`` (a compare-and-set made under ``locked``);
- ``locked(name)``: a whole-store lock across threads, processes and (PostgreSQL) servers. Everything
  done while it is held is one transaction on PostgreSQL: all of it is seen, or none of it;
- ``change_key``: a cache key that changes whenever anything is written (by any server);
- small documents (accounts, saved mappings): ``read_document``, ``write_document``, ``delete_document``,
  ``document_names``;
- short-lived records that are not the store's data and never change ``change_key`` (signed-in sessions and
  one-time hand-off codes, ``indicators/access/sessions.py``): ``session_read``, ``session_write``,
  ``session_take`` (read and remove at once: used once), ``session_delete_for`` (every local session of an
  email but one), ``session_sweep`` (records past their ``until`` time); and the counters of the sign-in
  throttle, ``throttle_read`` and ``throttle_write``, changed under ``locked("throttle")`` so that concurrent attempts,
  on one server or several, are counted one after the other. A backup need not hold them.

Two backends: ``folder.FolderBackend`` (the default, a folder under STORE_DIR) and
``postgres.PostgresBackend`` (STORE_URL ``postgresql://...``, through psycopg 3). Both keep a version's bytes
exactly as given, so the same Parquet is stored either way. Imports ``indicators.domain`` only.
"""

from __future__ import annotations

import errno
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Protocol

from indicators.domain.i18n import _
from indicators.domain.problems import ProjectError

UPLOAD = "upload.xlsx"  # a version's raw bytes
TABLES_PREFIX = "tables/"  # a version's tables: tables/<name>.parquet


class StorageError(ProjectError):
    """The store cannot be reached or is not ready; the message says what to do."""


class DiskFull(StorageError):
    """The store's disk (or the database's) has no room left: nothing was stored; the message says so."""

    def __init__(self, free_bytes: int | None = None) -> None:
        if free_bytes is None:
            text = _("The store's disk is full (the database server has no space left); nothing was stored.")
        else:
            text = _("The store's disk is full ({free} MB free); nothing was stored.").format(
                free=f"{free_bytes / 1_000_000:.0f}"
            )
        super().__init__(text + " " + _("Free some space on it (or ask its administrator to), then try again."))
        self.free_bytes = free_bytes


NO_SPACE = (errno.ENOSPC, errno.EDQUOT)


def is_disk_full(error: BaseException) -> bool:
    """Whether an error is the file system's "no space left" (or a quota reached)."""
    return isinstance(error, OSError) and error.errno in NO_SPACE


class NoSuchVersion(ProjectError):
    """A version identifier the store does not hold."""


class Staged(Protocol):
    """A version's files kept apart, not yet a version."""


class Backend(Protocol):
    """The storage primitives of a store (see the module docstring)."""

    location: str

    def locked(self, name: str = "store") -> AbstractContextManager[None]: ...

    def stage(self, files: Mapping[str, bytes]) -> Staged: ...

    def discard(self, staged: Staged) -> None: ...

    def commit(self, staged: Staged, meta: dict) -> str: ...

    def version_ids(self) -> list[str]: ...

    def has_version(self, version_id: str) -> bool: ...

    def meta(self, version_id: str) -> dict: ...

    def metas(self) -> dict[str, dict]: ...

    def read_file(self, version_id: str, name: str) -> bytes: ...

    def read_files(self, version_id: str, prefix: str) -> dict[str, bytes]: ...

    def remove_unapproved(self, version_id: str) -> list[str]: ...

    def append_log(self, event: dict) -> None: ...

    def read_log(self) -> list[dict]: ...

    def last_log_event(self) -> dict | None: ...

    def read_pointer(self) -> dict | None: ...

    def write_pointer(self, pointer: dict) -> None: ...

    def change_key(self) -> str: ...

    def read_document(self, name: str) -> bytes | None: ...

    def write_document(self, name: str, data: bytes, counted: bool = True) -> None: ...

    def delete_document(self, name: str) -> bool: ...

    def document_names(self, prefix: str = "") -> list[str]: ...

    def session_read(self, digest: str) -> dict | None: ...

    def session_write(self, digest: str, record: dict) -> None: ...

    def session_take(self, digest: str) -> dict | None: ...

    def session_delete_for(self, email: str, keep: str | None = None) -> int: ...

    def session_sweep(self, now: float) -> int: ...

    def throttle_read(self, keys: list[str]) -> dict[str, tuple[int, float]]: ...

    def throttle_write(self, counts: Mapping[str, tuple[int, float] | None]) -> None: ...


def is_url(location: str | Path) -> bool:
    """Whether a store location is a database URL rather than a folder."""
    return isinstance(location, str) and location.split("://", 1)[0] in ("postgresql", "postgres")


def open_backend(location: str | Path) -> Backend:
    """The backend of a store location: a ``postgresql://`` URL or a folder."""
    if is_url(location):
        from indicators.storage.postgres import PostgresBackend

        return PostgresBackend(str(location))
    from indicators.storage.folder import FolderBackend

    return FolderBackend(Path(location))


def version_file_names(files: Mapping[str, bytes]) -> Iterator[str]:
    """The names of a version's files in a fixed order (upload first, then the tables by name)."""
    yield from sorted(files, key=lambda name: (name != UPLOAD, name))
