"""Reading uploads in warm, isolated worker processes with bounded memory and time.

calamine can abort the whole process on a hostile file, and any reader can be made to use all memory or
run for ever. So ``parse_isolated`` runs ``safety.check_upload`` and ``reader.read_workbook`` in a small
pool of worker processes (setting PARSE_WORKERS) started lazily through a forkserver that has the readers
already imported; the worker used last is used next, as it is the warmest. Each worker limits its address
space (PARSE_MEMORY_MB); the caller waits at most PARSE_TIMEOUT_S. A worker that aborts, is killed, runs
out of memory or times out is replaced, and the caller gets ``UnreadableWorkbook``; other callers' parses
carry on. The pool is thread-safe (Streamlit runs sessions in threads). The upload goes to the worker as
raw bytes and the result comes back as a pickle made by our own worker code; nothing a user sent is ever
unpickled.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import logging
import multiprocessing
import os
import queue
import resource
import threading
import time
import traceback
from dataclasses import dataclass
from multiprocessing import spawn
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

from indicators.domain import i18n
from indicators.domain.i18n import N_, _
from indicators.domain.problems import UnreadableWorkbook
from indicators.domain.settings import setting_float, setting_int
from indicators.read.reader import RawWorkbook, read_workbook
from indicators.read.safety import check_upload

log = logging.getLogger(__name__)

PRELOAD = ["indicators.read.reader"]  # imported once in the forkserver, so every worker starts warm
UNEXPECTED = N_(
    "The file could not be read because of an unexpected error in the reader; it may be damaged: "
    "open it in Excel, save it again as Excel Workbook (.xlsx) and upload that."
)
M_ARENA_MAX = -8  # glibc mallopt: few malloc arenas keep virtual memory (RLIMIT_AS) close to real use


def parse_inline(data: bytes, file_name: str = "") -> RawWorkbook:
    """The workbook read in this process, without isolation (for debugging; never for uploads in the app)."""
    return read_workbook(data, check_upload(data, file_name), file_name)


def parse_isolated(
    data: bytes, timeout_s: float | None = None, *, file_name: str = "", every_sheet: bool = False
) -> RawWorkbook:
    """The workbook read in a warm worker process within the memory and time bounds; raises UnreadableWorkbook.

    Only the sheets named like the template's are read in full, unless ``every_sheet`` (a workbook read
    through a mapping, whose sheets have the analyst's own names).
    """
    timeout = setting_float("PARSE_TIMEOUT_S") if timeout_s is None else timeout_s
    status, payload = _pool().request("parse-every-sheet" if every_sheet else "parse", data, file_name, timeout)
    if status == "ok":
        return payload
    raise UnreadableWorkbook(payload)


def worker_peak_mb() -> float:
    """The highest peak resident memory of the warm workers, in MB (the benchmark prints it)."""
    pool = _pool()
    replies = [pool.request("peak", b"", "", 10) for _ in range(max(1, setting_int("PARSE_WORKERS")))]
    return max((float(payload) for status, payload in replies if status == "ok"), default=0.0)


def shutdown_pool() -> None:
    """Stop the worker processes (the next parse starts them again)."""
    global _POOL
    with _POOL_LOCK:
        pool, _POOL = _POOL, None
    if pool is not None:
        pool.close()


# ---- the worker process ------------------------------------------------------------------------------------


def _worker_main(conn: Connection, memory_mb: int) -> None:
    """Serve parse requests on ``conn`` until told to stop or the connection closes; each request carries the
    language its problems and refusals are written in (the caller's)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").mallopt(M_ARENA_MAX, 2)
    limit = memory_mb << 20
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))
    while True:
        try:
            command, file_name, *language = conn.recv()
            data = conn.recv_bytes()
        except (EOFError, OSError):
            return
        if command == "stop":
            return
        with i18n.using(language[0] if language else i18n.SOURCE_LANGUAGE):
            conn.send(_handle(command, data, file_name, memory_mb))


def _handle(command: str, data: bytes, file_name: str, memory_mb: int) -> tuple[str, object]:
    """The reply to one request: ("ok", RawWorkbook), ("unreadable", sentence) or ("memory"/"bug", text)."""
    try:
        if command in ("parse", "parse-every-sheet", "parse-every-sheet-halved"):  # the last one for tests
            summary = check_upload(data, file_name)
            every_sheet, halved = command != "parse", command.endswith("halved")
            return "ok", read_workbook(data, summary, file_name, every_sheet, split_mb=1e-6 if halved else None)
        if command == "peak":  # for the benchmark: this worker's peak resident memory, in MB
            return "ok", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        if command == "abort":  # test hooks: a worker that dies, or one that hangs
            os.abort()
        if command == "sleep":
            time.sleep(float(data.decode()))
            return "ok", None
        if command == "allocate":
            return "ok", len(bytearray(int(data.decode()) << 20))
        return "bug", f"unknown command {command!r}"
    except UnreadableWorkbook as error:
        return "unreadable", str(error)
    except MemoryError:
        return "memory", ""
    except Exception:
        return "bug", traceback.format_exc()


# ---- starting workers without re-running the parent's main script ------------------------------------------


_STARTING = threading.local()
_preparation_data = spawn.get_preparation_data


def _worker_preparation_data(name: str) -> dict:
    """multiprocessing's preparation data, without the parent's main module when one of our workers starts.

    A new process normally re-runs the parent's ``__main__``; under Streamlit that is the page script being run,
    which a parsing worker must not run. The worker needs nothing from it (its target lives in this module).
    """
    data = _preparation_data(name)
    if getattr(_STARTING, "worker", False):
        data.pop("init_main_from_path", None)
        data.pop("init_main_from_name", None)
    return data


spawn.get_preparation_data = _worker_preparation_data


# ---- the pool ------------------------------------------------------------------------------------------------


@dataclass
class _Worker:
    process: BaseProcess
    conn: Connection

    def stop(self) -> None:
        """Ask the worker to stop, then make sure it has."""
        with contextlib.suppress(OSError, ValueError):
            self.conn.send(("stop", ""))
            self.conn.send_bytes(b"")
        self.process.join(timeout=2)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(timeout=2)
        self.conn.close()

    def kill(self) -> None:
        """End the worker at once."""
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()


class _Pool:
    """A fixed number of worker slots; an idle slot holds a live worker, or None to start one when needed."""

    def __init__(self, size: int, memory_mb: int) -> None:
        self.memory_mb = memory_mb
        self.context = multiprocessing.get_context("forkserver")
        self.context.set_forkserver_preload(PRELOAD)
        self.idle: queue.LifoQueue[_Worker | None] = queue.LifoQueue()  # the last worker used is the warmest
        self.closed = False
        for _slot in range(size):
            self.idle.put(self._start())

    def _start(self) -> _Worker:
        """A new worker process."""
        parent, child = self.context.Pipe(duplex=True)
        process = self.context.Process(target=_worker_main, args=(child, self.memory_mb), daemon=True, name="parse")
        _STARTING.worker = True
        try:
            process.start()
        finally:
            _STARTING.worker = False
        child.close()
        return _Worker(process, parent)

    def request(self, command: str, data: bytes, file_name: str, timeout: float) -> tuple[str, object]:
        """Run one request on an idle worker; a worker that fails is replaced and the failure put in words."""
        slot = self.idle.get()
        if slot is None:  # a slot whose worker went: use a warm worker if one is idle, and leave the slot
            with contextlib.suppress(queue.Empty):
                warm = self.idle.get_nowait()
                self.idle.put(slot)
                slot = warm
        worker, reply = None, None
        try:
            worker, reply = self._exchange(slot, command, data, file_name, timeout)
        finally:
            if worker is not None and self.closed:
                worker.stop()
                worker = None
            self.idle.put(worker)
        return reply

    def _exchange(
        self, slot: _Worker | None, command: str, data: bytes, file_name: str, timeout: float
    ) -> tuple[_Worker | None, tuple[str, object]]:
        """The worker to give back (None when it had to go) and the reply to one request."""
        worker = slot
        try:
            if worker is None or not worker.process.is_alive():
                if worker is not None:
                    worker.kill()
                worker = None
                worker = self._start()
            worker.conn.send((command, file_name, i18n.language()))
            worker.conn.send_bytes(data)
            if not worker.conn.poll(timeout):
                log.warning("parse worker %s timed out after %s s; replacing it", worker.process.pid, timeout)
                worker.kill()
                sentence = _(
                    "The file could not be read within {seconds} seconds; it may be damaged or far too large."
                ).format(seconds=f"{timeout:g}")
                return None, ("unreadable", sentence)
            status, payload = worker.conn.recv()
        except (EOFError, OSError, ValueError):
            if worker is not None:
                worker.kill()
                log.warning("parse worker died (exit code %s); replacing it", worker.process.exitcode)
            return None, ("unreadable", self._memory_sentence())
        if status == "bug":
            log.error("parse worker failed unexpectedly:\n%s", payload)
            worker.kill()
            return None, ("unreadable", _(UNEXPECTED))
        if status == "memory":  # the worker's heap may be in a poor state after MemoryError: replace it
            worker.kill()
            return None, ("unreadable", self._memory_sentence())
        return worker, (status, payload)

    def _memory_sentence(self) -> str:
        """The sentence for a worker that ran out of memory or crashed."""
        return _(
            "The file could not be read within the {memory} MB of memory allowed (the reader stopped); "
            "it may be damaged or far too large."
        ).format(memory=self.memory_mb)

    def close(self) -> None:
        """Stop every idle worker; busy ones end when their request does."""
        self.closed = True
        while True:
            try:
                worker = self.idle.get_nowait()
            except queue.Empty:
                return
            if worker is not None:
                worker.stop()


_POOL: _Pool | None = None
_POOL_LOCK = threading.Lock()


def _pool() -> _Pool:
    """The running pool, started on first use."""
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            _POOL = _Pool(max(1, setting_int("PARSE_WORKERS")), setting_int("PARSE_MEMORY_MB"))
        return _POOL


atexit.register(shutdown_pool)
