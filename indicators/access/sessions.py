"""Signed-in sessions and the throttle of failed sign-ins, kept in the store (shared by every app server).

Sessions (local accounts): signing in starts a session with a random token (256 bits); the browser keeps it
in a signed (HMAC-SHA256), HttpOnly cookie, so being signed in survives a reload and a new tab. The store
keeps only the token's SHA-256 with the email, how they signed in, when the session started and when it was
last used (the backend's session records: files under ``sessions/`` in a folder store, the ``sessions`` table
on PostgreSQL). So a session survives a server restart, and a failover to another server of the same store.
The signing key is made once and kept as the store's document ``session-key.json`` (owner-only; not the
data), so every server checks the same cookies.

A session ends at sign-out, after SESSION_IDLE_MINUTES without use, or SESSION_MAX_HOURS after it started,
as the store's record says (whichever server checks it); and when its account's password is changed or
reset, its role changed, or the account disabled (``end_all``, called by ``Accounts``): at the person's next
click, on every server. Organisation accounts (OpenID Connect, Streamlit's own cookie) are tracked the same
way for idle expiry, keyed by a hash of that cookie (``touch``).

The token reaches the cookie through a one-time hand-off code valid for a minute: the app makes the code
when the password is right and sends the browser to a small route that swaps it for the cookie. The code's
record (its SHA-256, the token, the client's address) is taken out of the store when used, so it works once,
on whichever server the route request reaches.

Throttle: every sign-in attempt is counted before the password is checked (``attempt``), atomically in the
store under its "throttle" lock, so that parallel attempts, on one server or several, are counted one after
the other: after ``FREE_FAILURES`` attempts that did not succeed, each further one must wait twice as long
as the one before (1 s, 2 s, 4 s, ... up to 5 minutes). Attempts are counted per account *from one client*
(``account:EMAIL|client:ADDRESS``) and per client (``client:ADDRESS``): a client that keeps guessing is slowed
down, and its failures never lock anyone else out of their account. A success clears the account's count for
that client and takes the attempt off the client's. The client's address is the one ``client_address`` works
out (``X-Forwarded-For`` only from the proxies named in the setting TRUSTED_PROXIES).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import secrets
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Protocol

from indicators.domain.settings import setting, setting_float

Clock = Callable[[], float]
HANDOFF_SECONDS = 60
FREE_FAILURES = 3
FIRST_DELAY_S, MAX_DELAY_S = 1.0, 300.0
FORGET_AFTER_S = 3600.0
TOUCH_EVERY_S = 15.0  # a session's last use is written at most this often (the idle time is counted in minutes)
SWEEP_EVERY_S = 600.0
KEY_DOCUMENT = "session-key.json"


class SessionStorage(Protocol):
    """What sessions and the throttle need of the store's backend (``indicators.storage.Backend``)."""

    def locked(self, name: str = "store") -> AbstractContextManager[None]: ...

    def read_document(self, name: str) -> bytes | None: ...

    def write_document(self, name: str, data: bytes) -> None: ...

    def session_read(self, digest: str) -> dict | None: ...

    def session_write(self, digest: str, record: dict) -> None: ...

    def session_take(self, digest: str) -> dict | None: ...

    def session_delete_for(self, email: str, keep: str | None = None) -> int: ...

    def session_sweep(self, now: float) -> int: ...

    def throttle_read(self, keys: list[str]) -> dict[str, tuple[int, float]]: ...

    def throttle_write(self, counts: Mapping[str, tuple[int, float] | None]) -> None: ...


def digest(token: str) -> str:
    """How the store names a session: the SHA-256 of its token (the token is never kept)."""
    return hashlib.sha256(token.encode()).hexdigest()


def client_address(peer: str | None, forwarded_for: str | None = None, trusted: str | None = None) -> str:
    """The address of the client that made a request: ``peer`` (who connected), unless ``peer`` is one of the
    proxies named in ``trusted`` (the setting TRUSTED_PROXIES: addresses or networks, comma-separated), in
    which case the right-most address of ``X-Forwarded-For`` that is not a trusted proxy (a client can write
    anything to the left of what its proxy appends). IPv4-mapped IPv6 is unwrapped; loopback is 'localhost'."""
    trusted = setting("TRUSTED_PROXIES") if trusted is None else trusted
    networks = []
    for part in (trusted or "").split(","):
        try:
            networks.append(ipaddress.ip_network(part.strip(), strict=False))
        except ValueError:
            continue

    def clean(host: str | None) -> str:
        return (host or "").strip().removeprefix("::ffff:")

    def is_proxy(host: str) -> bool:
        try:
            address = ipaddress.ip_address(host if host != "localhost" else "127.0.0.1")
        except ValueError:
            return False
        return any(address in network for network in networks)

    host = clean(peer)
    if networks and is_proxy(host or "127.0.0.1") and forwarded_for:
        for hop in reversed([clean(h) for h in forwarded_for.split(",") if h.strip()]):
            host = hop
            if not is_proxy(hop):
                break
    return "localhost" if host in ("", "127.0.0.1", "::1") else host


@dataclass
class Session:
    email: str
    method: str
    started: float
    last_seen: float


class Sessions:
    """The signed-in sessions of the store that ``storage`` gives (called at each use: the store of the settings)."""

    def __init__(self, storage: Callable[[], SessionStorage], clock: Clock = time.time, key: bytes | None = None):
        self._storage = storage
        self._clock = clock
        self._fixed_key = key
        self._keys: dict[int, bytes] = {}
        self._swept = 0.0
        self._lock = threading.Lock()

    @staticmethod
    def idle_seconds() -> float:
        return setting_float("SESSION_IDLE_MINUTES") * 60

    @staticmethod
    def max_seconds() -> float:
        return setting_float("SESSION_MAX_HOURS") * 3600

    # --- the cookie's value ----------------------------------------------------------------------------

    def _key(self) -> bytes:
        """The signing key kept in the store (made once, by whichever server needs it first)."""
        if self._fixed_key is not None:
            return self._fixed_key
        store = self._storage()
        with self._lock:
            if id(store) in self._keys:
                return self._keys[id(store)]
        kept = store.read_document(KEY_DOCUMENT)
        if kept is None:
            with store.locked("session-key"):
                kept = store.read_document(KEY_DOCUMENT)
                if kept is None:
                    kept = json.dumps({"key": secrets.token_hex(32)}).encode()
                    store.write_document(KEY_DOCUMENT, kept)
        key = bytes.fromhex(json.loads(kept)["key"])
        with self._lock:
            self._keys[id(store)] = key
        return key

    def sign(self, token: str) -> str:
        """The cookie value: the token and its HMAC."""
        return f"{token}.{hmac.new(self._key(), token.encode(), hashlib.sha256).hexdigest()}"

    def unsign(self, value: str | None) -> str | None:
        """The token of a cookie value whose signature is right, else None."""
        token, _dot, mac = (value if isinstance(value, str) else "").rpartition(".")
        if not token:
            return None
        good = hmac.new(self._key(), token.encode(), hashlib.sha256).hexdigest()
        return token if hmac.compare_digest(mac, good) else None

    # --- sessions ------------------------------------------------------------------------------------

    def _record(self, email: str, method: str, started: float, last_seen: float) -> dict:
        return {
            "email": email,
            "method": method,
            "started": started,
            "last_seen": last_seen,
            "until": started + self.max_seconds(),
        }

    def _sweep(self, now: float) -> None:
        """Now and then, remove the records of sessions and codes past their use."""
        if now - self._swept > SWEEP_EVERY_S:
            self._swept = now
            self._storage().session_sweep(now)

    def start(self, email: str, method: str) -> str:
        """Start a session; returns its token (kept by the browser, never logged nor stored)."""
        token = secrets.token_urlsafe(32)
        now = self._clock()
        self._sweep(now)
        self._storage().session_write(digest(token), self._record(email, method, now, now))
        return token

    def _expired(self, record: dict, now: float) -> bool:
        return (
            now - float(record["last_seen"]) > self.idle_seconds()
            or now - float(record["started"]) > self.max_seconds()
        )

    def check(self, token: str | None) -> tuple[Session | None, str]:
        """The live session of a token, marked as used now; else None and why ('', 'idle' or 'ended')."""
        if not token:
            return None, ""
        now, key, store = self._clock(), digest(token), self._storage()
        record = store.session_read(key)
        if record is None or record.get("kind") == "handoff":
            return None, "ended"
        if self._expired(record, now):
            store.session_take(key)
            return None, "idle"
        if now - float(record["last_seen"]) > TOUCH_EVERY_S:
            store.session_write(key, {**record, "last_seen": now})
        return Session(record["email"], record["method"], float(record["started"]), now), ""

    def touch(self, key: str, email: str, method: str) -> str:
        """For a session kept elsewhere (an OpenID Connect cookie, by a hash of it): 'new' the first time the store
        sees it (the sign-in, to be logged), '' while in use, 'idle' once it has been idle too long or its account
        changed (and from then on: the next sign-in brings a new cookie)."""
        now, name, store = self._clock(), "ext:" + digest(key), self._storage()
        record = store.session_read(name)
        if record is None:
            store.session_write(name, self._record(email, method, now, now) | {"until": now + 400 * 86_400})
            return "new"
        if record.get("ended") or self._expired(record, now):
            if not record.get("ended"):
                store.session_write(name, {**record, "ended": True})
            return "idle"
        if now - float(record["last_seen"]) > TOUCH_EVERY_S:
            store.session_write(name, {**record, "last_seen": now})
        return ""

    def end(self, token: str | None) -> None:
        """End a session (sign-out)."""
        if token:
            self._storage().session_take(digest(token))

    def end_all(self, email: str, keep: str | None = None) -> int:
        """End every local session of an email but ``keep`` (a token: the person's own, when they change their
        password); returns how many. (An organisation account's role is read from the store at every click, and
        a disabled one is refused there.)"""
        store = self._storage()
        return store.session_delete_for(email, digest(keep) if keep else None)

    # --- the one-time hand-off code ----------------------------------------------------------------------

    def handoff(self, token: str, client: str) -> str:
        """A one-time code, valid for a minute and for this client's address only, that the cookie route swaps
        for the token (so a code sent to someone else signs nobody in)."""
        code = secrets.token_urlsafe(32)
        now = self._clock()
        record = {"kind": "handoff", "email": "", "token": token, "client": client, "until": now + HANDOFF_SECONDS}
        self._storage().session_write("handoff:" + digest(code), record)
        return code

    def redeem(self, code: str | None, client: str) -> str | None:
        """The token a hand-off code stands for, once, from the same client; None when unknown, used or expired."""
        if not code:
            return None
        record = self._storage().session_take("handoff:" + digest(code)) or {}
        token = record.get("token")
        fresh = self._clock() < float(record.get("until", 0))
        return token if token and record.get("client") == client and fresh else None


class Throttle:
    """Growing delays after sign-in attempts that did not succeed, counted in the store per key."""

    def __init__(self, storage: Callable[[], SessionStorage], clock: Clock = time.time) -> None:
        self._storage = storage
        self._clock = clock

    @staticmethod
    def delay(failures: int) -> float:
        """Seconds to wait after ``failures`` failed attempts: none for the first few, then doubling."""
        if failures < FREE_FAILURES:
            return 0.0
        return min(FIRST_DELAY_S * 2 ** (failures - FREE_FAILURES), MAX_DELAY_S)

    @staticmethod
    def keys(email: str, client: str) -> list[str]:
        """The counters an attempt on an account from a client goes to: that account from that client, and the
        client."""
        return [f"account:{email}|client:{client}", f"client:{client}"]

    def _waits(self, counts: dict[str, tuple[int, float]], keys: Iterable[str], now: float) -> float:
        live = {k: v for k, v in counts.items() if now - v[1] <= FORGET_AFTER_S}
        return max([0.0, *(last + self.delay(count) - now for count, last in (live.get(k, (0, now)) for k in keys))])

    def wait(self, keys: Iterable[str]) -> float:
        """Seconds before another attempt is allowed for all of these keys (0: now)."""
        keys = list(keys)
        return self._waits(self._storage().throttle_read(keys), keys, self._clock())

    def attempt(self, keys: Iterable[str]) -> float:
        """Count an attempt against each key, atomically, unless one of them must wait: then nothing is counted
        and the seconds to wait are returned (0: go on and check the password, then call ``success`` if right)."""
        keys, store = list(keys), self._storage()
        with store.locked("throttle"):
            now = self._clock()
            counts = store.throttle_read(keys)
            wait = self._waits(counts, keys, now)
            if wait > 0:
                return wait
            fresh = {k: v for k, v in counts.items() if now - v[1] <= FORGET_AFTER_S}
            store.throttle_write({k: (fresh.get(k, (0, now))[0] + 1, now) for k in keys})
        return 0.0

    def success(self, keys: Iterable[str]) -> None:
        """A right password: forget the first key's attempts (the account from this client) and take this
        attempt off the others' (the client's)."""
        keys, store = list(keys), self._storage()
        with store.locked("throttle"):
            counts = store.throttle_read(keys)
            changes: dict[str, tuple[int, float] | None] = {keys[0]: None}
            for key in keys[1:]:
                if key in counts:
                    count, last = counts[key]
                    changes[key] = (count - 1, last) if count > 1 else None
            store.throttle_write(changes)
