"""The PostgreSQL backend: one store shared by several app servers (setting STORE_URL ``postgresql://...``).

Tables (``migrations/*.sql``, applied in order by ``migrate``, run by ``python -m indicators store migrate``
and never implicitly): ``versions`` (a version's record) and ``version_files`` (its upload and Parquet
tables, byte for byte), ``log`` (append-only), ``approved`` (the pointer, one row), ``documents`` (accounts,
saved mappings), ``store_state`` (the store's id and a change counter), ``sessions`` and ``throttle``
(signed-in sessions and the sign-in throttle, shared by the servers; never the data) and
``ppd_schema_migrations``.

- ``locked(name)`` is a transaction holding a transaction-level advisory lock: everything the store does
  while it holds it (checking a status, moving the pointer, numbering a version, logging) is committed
  together or not at all, and two servers wait for each other exactly as two processes wait on ``flock``.
  Primitives called outside ``locked`` run in their own short transaction.
- Every write bumps ``store_state.change_counter`` in the same transaction; ``change_key`` reads it, so a
  change committed on one server changes the cache key on every other at once (one small query per call).
- Every statement is parameterised; identifiers (the application role) go through ``psycopg.sql``.
- ``migrate(url, grant_to=ROLE)`` grants the application's role only what it needs: read everything;
  insert versions, their files and log rows (never update or delete them); move the pointer; keep documents,
  sessions and the throttle; remove an old never-approved draft's workbook and tables through
  ``remove_unapproved`` (migration 0004), within the retention the owner's RETAIN_UNAPPROVED_DAYS sets.

Connections are kept in a small pool per backend (threads of one process share it); a transaction is bound
to the thread that opened it.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
import urllib.parse
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources

import psycopg
from psycopg import sql
from psycopg.types.json import Json

from indicators.domain.i18n import N_, _
from indicators.domain.problems import ProjectError
from indicators.domain.settings import setting_int
from indicators.storage import DiskFull, NoSuchVersion, StorageError

MIGRATIONS_TABLE = "ppd_schema_migrations"
POOL_SIZE = 8
CONNECT_TIMEOUT_S = 10
MIGRATE_HINT = N_("run 'python -m indicators store migrate' with STORE_URL set to it (as the database's owner)")


def migrations() -> list[tuple[int, str, str]]:
    """The schema's migrations in order: (number, name, SQL)."""
    found = []
    for entry in resources.files("indicators.storage").joinpath("migrations").iterdir():
        if entry.name.endswith(".sql"):
            number = int(entry.name.split("_", 1)[0])
            found.append((number, entry.name, entry.read_text()))
    return sorted(found)


def latest_schema() -> int:
    return migrations()[-1][0]


def redacted(url: str) -> str:
    """A database URL without its password, safe to show or log."""
    parts = urllib.parse.urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)
    user = netloc[0].split(":", 1)[0]
    return urllib.parse.urlunsplit(parts._replace(netloc=f"{user}:***@{netloc[1]}"))


def lock_key(name: str) -> int:
    """The advisory lock number of a named store lock (a signed 64-bit integer)."""
    return int.from_bytes(hashlib.sha256(f"ppd-store:{name}".encode()).digest()[:8], "big", signed=True)


def connect(url: str, autocommit: bool = True) -> psycopg.Connection:
    """A connection to the store's database, or a sentence saying why there is none."""
    try:
        return psycopg.connect(url, autocommit=autocommit, connect_timeout=CONNECT_TIMEOUT_S)
    except psycopg.Error as error:
        reason = str(error).strip().splitlines()[-1] if str(error).strip() else type(error).__name__
        raise StorageError(
            _("Cannot reach the store's database at {url}: {reason}").format(url=redacted(url), reason=reason)
        ) from None


def schema_version(conn: psycopg.Connection) -> int:
    """The newest migration applied to a database (0 when none)."""
    exists = conn.execute("SELECT to_regclass(%s) IS NOT NULL", (MIGRATIONS_TABLE,)).fetchone()[0]
    if not exists:
        return 0
    query = sql.SQL("SELECT coalesce(max(version), 0) FROM {}").format(sql.Identifier(MIGRATIONS_TABLE))
    return conn.execute(query).fetchone()[0]


def migrate(url: str, grant_to: str | None = None) -> list[str]:
    """Apply the migrations a database lacks, all in one transaction (all or none); returns their names.

    Two servers running it at once wait for each other (an advisory lock). ``grant_to`` names the
    application's role, which is granted the least it needs (again on every run, so new tables get theirs).
    """
    applied = []
    with connect(url, autocommit=False) as conn, conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (lock_key("migrate"),))
        conn.execute(
            sql.SQL(
                "CREATE TABLE IF NOT EXISTS {} (version integer PRIMARY KEY, name text NOT NULL, "
                "applied_at timestamptz NOT NULL DEFAULT now())"
            ).format(sql.Identifier(MIGRATIONS_TABLE))
        )
        have = schema_version(conn)
        for number, name, text in migrations():
            if number <= have:
                continue
            with conn.transaction():
                conn.execute(text.encode())
                conn.execute(
                    sql.SQL("INSERT INTO {} (version, name) VALUES (%s, %s)").format(sql.Identifier(MIGRATIONS_TABLE)),
                    (number, name),
                )
            applied.append(name)
        conn.execute("UPDATE retention SET days = %s", (max(0, setting_int("RETAIN_UNAPPROVED_DAYS")),))
        if grant_to:
            grant(conn, grant_to)
            conn.execute(
                sql.SQL("GRANT EXECUTE ON FUNCTION remove_unapproved(text) TO {}").format(sql.Identifier(grant_to))
            )
    return applied


GRANTS = {  # table -> privileges of the application's role
    MIGRATIONS_TABLE: ("SELECT",),
    "store_state": ("SELECT", "UPDATE"),
    "versions": ("SELECT", "INSERT"),
    "version_files": ("SELECT", "INSERT"),
    "log": ("SELECT", "INSERT"),
    "approved": ("SELECT", "INSERT", "UPDATE"),
    "documents": ("SELECT", "INSERT", "UPDATE", "DELETE"),
    "sessions": ("SELECT", "INSERT", "UPDATE", "DELETE"),
    "throttle": ("SELECT", "INSERT", "UPDATE", "DELETE"),
    "retention": ("SELECT",),  # set by the owner's `store migrate`, never by the app
}


def grant(conn: psycopg.Connection, role: str) -> None:
    """Give the application's role the least it needs on the store's tables (and take away anything else)."""
    for table, privileges in GRANTS.items():
        conn.execute(sql.SQL("REVOKE ALL ON {} FROM {}").format(sql.Identifier(table), sql.Identifier(role)))
        conn.execute(
            sql.SQL("GRANT {} ON {} TO {}").format(
                sql.SQL(", ").join(map(sql.SQL, privileges)), sql.Identifier(table), sql.Identifier(role)
            )
        )


@dataclass(frozen=True)
class StagedMemory:
    """A version's files held in memory until they are committed in one transaction."""

    files: Mapping[str, bytes] = field(repr=False)


class PostgresBackend:
    """The storage primitives on a PostgreSQL database (see ``indicators.storage`` and this module's docstring)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.location = redacted(url)
        self._idle: list[psycopg.Connection] = []
        self._mutex = threading.Lock()
        self._local = threading.local()
        self._metas: dict[str, dict] = {}  # versions' records: written once, so kept once read (committed only)
        with self._connection() as conn:
            have = schema_version(conn)
            if have < latest_schema():
                what = (
                    _("has no store yet")
                    if have == 0
                    else _("holds an older store (schema {schema})").format(schema=have)
                )
                raise StorageError(
                    _("The database at {location} {what}: {hint}.").format(
                        location=self.location, what=what, hint=_(MIGRATE_HINT)
                    )
                )
            self.store_id = str(conn.execute("SELECT store_id FROM store_state").fetchone()[0])

    def __eq__(self, other: object) -> bool:  # one database store, one cache of its versions
        return isinstance(other, PostgresBackend) and (other.url, other.store_id) == (self.url, self.store_id)

    def __hash__(self) -> int:
        return hash(("postgres", self.url, self.store_id))

    # --- connections and transactions ----------------------------------------------------------------

    @contextlib.contextmanager
    def _connection(self) -> Iterator[psycopg.Connection]:
        """The thread's transaction's connection, or a pooled autocommit one."""
        current = getattr(self._local, "conn", None)
        if current is not None:
            yield current
            return
        with self._mutex:
            conn = self._idle.pop() if self._idle else None
        if conn is None or conn.closed:
            conn = connect(self.url)
        try:
            yield conn
        except BaseException as error:
            conn.close()  # its state is unknown; never reused
            if isinstance(error, psycopg.errors.DiskFull):  # SQLSTATE 53100: rolled back, nothing was stored
                raise DiskFull() from None
            raise
        if conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE:
            with self._mutex:
                if len(self._idle) < POOL_SIZE:
                    self._idle.append(conn)
                    return
        conn.close()

    @contextlib.contextmanager
    def _write(self) -> Iterator[psycopg.Connection]:
        """A connection in a transaction (the thread's own, or a new short one) whose change is counted."""
        with self._connection() as conn, conn.transaction():
            yield conn
            conn.execute("UPDATE store_state SET change_counter = change_counter + 1")

    @contextlib.contextmanager
    def locked(self, name: str = "store") -> Iterator[None]:
        """A transaction holding the named lock: all it writes is committed at the end, or nothing is.

        A refusal (``ProjectError``, e.g. approving a stale version) commits what was written before it (a
        'refused' log line), exactly as the folder store keeps it; any other error rolls everything back.
        """
        if getattr(self._local, "conn", None) is not None:  # nested: same transaction, one more lock
            self._local.conn.execute("SELECT pg_advisory_xact_lock(%s)", (lock_key(name),))
            yield
            return
        refused = None
        with self._connection() as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (lock_key(name),))
            self._local.conn = conn
            try:
                yield
            except ProjectError as error:  # a refusal: keep what the rules wrote before it, as a folder does
                refused = error
            finally:
                self._local.conn = None
        if refused is not None:
            raise refused

    # --- versions ------------------------------------------------------------------------------------

    def stage(self, files: Mapping[str, bytes]) -> StagedMemory:
        return StagedMemory(dict(files))

    @staticmethod
    def discard(staged: StagedMemory) -> None:
        """Nothing was written: a staged version lives in memory until it is committed."""

    def commit(self, staged: StagedMemory, meta: dict) -> str:
        """Insert a staged version as the next numbered version, with its files, in one transaction."""
        with self.locked(), self._write() as conn:
            last = conn.execute("SELECT max(id) FROM versions").fetchone()[0]
            version_id = f"{int(last) + 1 if last else 1:06d}"
            conn.execute(
                "INSERT INTO versions (id, sha256, meta) VALUES (%s, %s, %s)",
                (version_id, meta["sha256"], Json(meta)),
            )
            with conn.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO version_files (version_id, name, data, sha256) VALUES (%s, %s, %s, %s)",
                    [(version_id, name, data, hashlib.sha256(data).hexdigest()) for name, data in staged.files.items()],
                )
        return version_id

    def version_ids(self) -> list[str]:
        with self._connection() as conn:
            return [row[0] for row in conn.execute("SELECT id FROM versions ORDER BY id")]

    def _keep(self, metas: dict[str, dict]) -> None:
        """Remember committed versions' records (never one read inside a transaction that may roll back)."""
        if getattr(self._local, "conn", None) is None:
            with self._mutex:
                self._metas.update(metas)

    def has_version(self, version_id: str) -> bool:
        if version_id in self._metas:
            return True
        with self._connection() as conn:
            return conn.execute("SELECT 1 FROM versions WHERE id = %s", (version_id,)).fetchone() is not None

    def meta(self, version_id: str) -> dict:
        if version_id in self._metas:
            return dict(self._metas[version_id])
        with self._connection() as conn:
            row = conn.execute("SELECT meta FROM versions WHERE id = %s", (version_id,)).fetchone()
        if row is None:
            raise NoSuchVersion(_("there is no version {version}").format(version=version_id))
        self._keep({version_id: row[0]})
        return dict(row[0])

    def metas(self) -> dict[str, dict]:
        """Every version's record, oldest first (only the records not read before are fetched)."""
        with self._mutex:
            known = dict(self._metas)
        newest = max(known, default="")
        with self._connection() as conn:
            rows = conn.execute("SELECT id, meta FROM versions WHERE id > %s ORDER BY id", (newest,)).fetchall()
        self._keep(dict(rows))
        return {version_id: dict(meta) for version_id, meta in sorted({**known, **dict(rows)}.items())}

    def read_file(self, version_id: str, name: str) -> bytes:
        with self._connection() as conn:
            row = conn.execute(  # binary: bytea comes as bytes, not as hex text to decode
                "SELECT data FROM version_files WHERE version_id = %s AND name = %s", (version_id, name), binary=True
            ).fetchone()
        if row is None:
            raise NoSuchVersion(_("there is no version {version}").format(version=version_id))
        return bytes(row[0])

    def read_files(self, version_id: str, prefix: str) -> dict[str, bytes]:
        with self._connection() as conn:
            rows = conn.execute(
                "SELECT name, data FROM version_files WHERE version_id = %s AND starts_with(name, %s) ORDER BY name",
                (version_id, prefix),
                binary=True,
            ).fetchall()
        if not rows and not self.has_version(version_id):
            raise NoSuchVersion(_("there is no version {version}").format(version=version_id))
        return {name: bytes(data) for name, data in rows}

    def remove_unapproved(self, version_id: str) -> list[str]:
        """Remove a version's raw workbook and tables (retention) through the one function the application's role
        may call for it, which checks in the database what the README says: never approved, a draft or returned
        version, stored longer ago than the retention the owner set. Returns the names removed (none: refused)."""
        with self._write() as conn:
            return sorted(row[0] for row in conn.execute("SELECT remove_unapproved(%s)", (version_id,)))

    def file_digests(self, version_id: str) -> dict[str, str]:
        """Each file's SHA-256 as recorded when it was stored (checked by ``store copy``)."""
        with self._connection() as conn:
            return dict(
                conn.execute(
                    "SELECT name, sha256 FROM version_files WHERE version_id = %s ORDER BY name", (version_id,)
                ).fetchall()
            )

    # --- the log -------------------------------------------------------------------------------------

    def append_log(self, event: dict) -> None:
        with self._write() as conn:
            conn.execute(
                "INSERT INTO log (version_id, action, event) VALUES (%s, %s, %s)",
                (event.get("version"), str(event.get("action", "")), Json(event)),
            )

    def read_log(self) -> list[dict]:
        with self._connection() as conn:
            return [row[0] for row in conn.execute("SELECT event FROM log ORDER BY id")]

    def last_log_event(self) -> dict | None:
        with self._connection() as conn:
            row = conn.execute("SELECT event FROM log ORDER BY id DESC LIMIT 1").fetchone()
        return row[0] if row else None

    # --- the approved pointer ------------------------------------------------------------------------

    def read_pointer(self) -> dict | None:
        with self._connection() as conn:
            row = conn.execute("SELECT pointer FROM approved").fetchone()
        return row[0] if row else None

    def write_pointer(self, pointer: dict) -> None:
        with self._write() as conn:
            conn.execute(
                "INSERT INTO approved (one, version_id, pointer) VALUES (true, %s, %s) ON CONFLICT (one) DO UPDATE "
                "SET version_id = EXCLUDED.version_id, pointer = EXCLUDED.pointer, changed_at = now()",
                (pointer["version"], Json(pointer)),
            )

    def change_key(self) -> str:
        with self._connection() as conn:
            store_id, counter = conn.execute("SELECT store_id, change_counter FROM store_state").fetchone()
        return f"{store_id}:{counter}"

    # --- documents -----------------------------------------------------------------------------------

    def read_document(self, name: str) -> bytes | None:
        with self._connection() as conn:
            row = conn.execute("SELECT data FROM documents WHERE name = %s", (name,)).fetchone()
        return bytes(row[0]) if row else None

    def write_document(self, name: str, data: bytes, counted: bool = True) -> None:
        """Keep a document; ``counted=False`` for one that changes no figure (a public report file already made
        from the approved data): the change counter, every server's cache key, stays."""
        try:
            with self._write() if counted else self._connection() as conn:
                conn.execute(
                    "INSERT INTO documents (name, data) VALUES (%s, %s) ON CONFLICT (name) DO UPDATE "
                    "SET data = EXCLUDED.data, changed_at = now()",
                    (name, data),
                )
        except psycopg.errors.CheckViolation:
            raise StorageError(_("'{name}' is not a document name").format(name=name)) from None

    def delete_document(self, name: str) -> bool:
        with self._write() as conn:
            return conn.execute("DELETE FROM documents WHERE name = %s", (name,)).rowcount > 0

    def document_names(self, prefix: str = "") -> list[str]:
        with self._connection() as conn:
            rows = conn.execute(
                "SELECT name FROM documents WHERE starts_with(name, %s) ORDER BY name", (prefix,)
            ).fetchall()
        return [row[0] for row in rows]

    # --- sessions and the sign-in throttle (never the store's data: the change counter stays) ---------------

    def session_read(self, digest: str) -> dict | None:
        with self._connection() as conn:
            row = conn.execute("SELECT record FROM sessions WHERE digest = %s", (digest,)).fetchone()
        return row[0] if row else None

    def session_write(self, digest: str, record: dict) -> None:
        with self._connection() as conn:
            conn.execute(
                "INSERT INTO sessions (digest, email, until, record) VALUES (%s, %s, %s, %s) ON CONFLICT (digest) "
                "DO UPDATE SET email = EXCLUDED.email, until = EXCLUDED.until, record = EXCLUDED.record",
                (digest, str(record.get("email", "")), float(record.get("until", 0)), Json(record)),
            )

    def session_take(self, digest: str) -> dict | None:
        with self._connection() as conn:
            row = conn.execute("DELETE FROM sessions WHERE digest = %s RETURNING record", (digest,)).fetchone()
        return row[0] if row else None

    def session_delete_for(self, email: str, keep: str | None = None) -> int:
        with self._connection() as conn:
            return conn.execute(
                "DELETE FROM sessions WHERE email = %s AND digest IS DISTINCT FROM %s "
                "AND NOT starts_with(digest, 'ext:')",
                (email, keep),
            ).rowcount

    def session_sweep(self, now: float) -> int:
        with self._connection() as conn:
            return conn.execute("DELETE FROM sessions WHERE until < %s", (now,)).rowcount

    def throttle_read(self, keys: list[str]) -> dict[str, tuple[int, float]]:
        with self._connection() as conn:
            rows = conn.execute("SELECT key, failures, last FROM throttle WHERE key = ANY(%s)", (list(keys),))
            return {key: (int(failures), float(last)) for key, failures, last in rows}

    def throttle_write(self, counts: Mapping[str, tuple[int, float] | None]) -> None:
        """Change some counters (None removes one); hold ``locked("throttle")``. Counters older than a day go."""
        with self._connection() as conn:
            for key, value in counts.items():
                if value is None:
                    conn.execute("DELETE FROM throttle WHERE key = %s", (key,))
                else:
                    conn.execute(
                        "INSERT INTO throttle (key, failures, last) VALUES (%s, %s, %s) ON CONFLICT (key) "
                        "DO UPDATE SET failures = EXCLUDED.failures, last = EXCLUDED.last",
                        (key, int(value[0]), float(value[1])),
                    )
            newest = max([float(v[1]) for v in counts.values() if v] + [0.0])
            if newest:
                conn.execute("DELETE FROM throttle WHERE last < %s", (newest - 86_400,))

    def close(self) -> None:
        """Close the pooled connections (a transaction in progress keeps its own)."""
        with self._mutex:
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()
