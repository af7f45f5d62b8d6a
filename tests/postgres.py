"""A throw-away PostgreSQL server from Debian's ``postgresql`` package, in a temporary folder (tests, benchmark).

PostgreSQL refuses to run as root, and CI runs as root: then the server runs as the ``postgres`` system user
(created by the Debian package) through ``runuser``, in a folder handed to that user. It listens on
127.0.0.1 on a free port and trusts local connections (a test server holds no secret). Two roles, as a
deployment has them: ``ppd_owner`` owns the store's tables and runs the migrations, ``ppd_app`` (what the
app connects as) gets only what ``indicators.storage.postgres.grant`` gives it.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql

from indicators.storage.postgres import migrate

OWNER, APP = "ppd_owner", "ppd_app"


def binaries() -> Path | None:
    """The folder of Debian's PostgreSQL server programs (the newest installed), or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    """A running throw-away server; ``url(db, role)`` for a database on it."""

    folder: Path
    port: int
    bin: Path
    run_as: list[str]

    def url(self, database: str = "postgres", role: str = OWNER) -> str:
        return f"postgresql://{role}@127.0.0.1:{self.port}/{database}"

    def admin(self) -> psycopg.Connection:
        return psycopg.connect(self.url("postgres", "postgres_admin"), autocommit=True)

    def new_database(self, migrated: bool = True) -> str:
        """A new, empty database owned by ppd_owner (migrated, with ppd_app's grants); returns ppd_app's URL."""
        name = f"store_{uuid.uuid4().hex[:12]}"
        with self.admin() as conn:
            conn.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(sql.Identifier(name), sql.Identifier(OWNER)))
        if migrated:
            migrate(self.url(name, OWNER), grant_to=APP)
        return self.url(name, APP)

    def drop_database(self, url: str) -> None:
        name = url.rsplit("/", 1)[1]
        with self.admin() as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    def stop(self) -> None:
        subprocess.run(
            [*self.run_as, str(self.bin / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "immediate", "stop"],
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(self.folder, ignore_errors=True)


def start(durable: bool = False) -> Server:
    """Start a server in a new temporary folder. ``durable`` keeps PostgreSQL's fsyncs (the benchmark);
    tests turn them off, as nothing they check depends on surviving a power cut."""
    bin_dir = binaries()
    if bin_dir is None:
        raise RuntimeError("PostgreSQL's server programs are not installed (Debian package postgresql)")
    folder = Path(tempfile.mkdtemp(prefix="ppd-pg-"))
    run_as: list[str] = []
    if os.geteuid() == 0:
        run_as = ["runuser", "-u", "postgres", "--"]
        shutil.chown(folder, "postgres", "postgres")
    folder.chmod(0o700)
    data = folder / "data"
    subprocess.run(
        [*run_as, str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres_admin", "--auth=trust", "-E", "UTF8"]
        + ["--no-locale", "--no-sync"],
        check=True,
        capture_output=True,
        timeout=120,
    )
    port = _free_port()
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {folder} -c max_connections=200"
    if not durable:
        options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    started = subprocess.run(
        [*run_as, str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(folder / "server.log"), "-o", options]
        + ["-w", "-t", "60", "start"],
        capture_output=True,
        timeout=90,
    )
    if started.returncode != 0:
        log = (folder / "server.log").read_text(errors="replace") if (folder / "server.log").exists() else ""
        raise RuntimeError(f"PostgreSQL did not start: {started.stderr.decode()} {log[-2000:]}")
    server = Server(folder, port, bin_dir, run_as)
    with server.admin() as conn:
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(OWNER)))
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(APP)))
    return server
