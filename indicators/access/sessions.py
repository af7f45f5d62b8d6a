"""Signed-in sessions and the throttle of failed sign-ins, kept in the server process's memory.

Sessions (local accounts): signing in starts a session with a random token (256 bits); the browser keeps it
in a signed (HMAC-SHA256 with a key made at process start), HttpOnly cookie, so being signed in survives a
reload and a new tab. The server keeps only the token's SHA-256 with the email, when the session started and
when it was last used. A session ends at sign-out, after SESSION_IDLE_MINUTES without use, or
SESSION_MAX_HOURS after it started; restarting the server ends every session. Organisation accounts
(OpenID Connect, Streamlit's own cookie) are tracked the same way for idle expiry, keyed by a hash of that
cookie (``touch``).

The token reaches the cookie through a one-time hand-off code valid for a minute: the app makes the code
when the password is right and sends the browser to a small route that swaps it for the cookie.

Throttle: failed sign-ins are counted per account (the email typed, whether or not it exists) and per
client; after ``FREE_FAILURES`` each further attempt waits twice as long as the one before (1 s, 2 s, 4 s,
... up to 5 minutes). A success clears the account's count.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from indicators.domain.settings import setting_float

Clock = Callable[[], float]
HANDOFF_SECONDS = 60
FREE_FAILURES = 3
FIRST_DELAY_S, MAX_DELAY_S = 1.0, 300.0
FORGET_AFTER_S = 3600.0
MAX_TRACKED = 10_000


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass
class Session:
    email: str
    method: str
    started: float
    last_seen: float


class Sessions:
    """The signed-in sessions of this server process (thread-safe)."""

    def __init__(self, clock: Clock = time.time, key: bytes | None = None) -> None:
        self._clock = clock
        self._key = key or secrets.token_bytes(32)
        self._sessions: dict[str, Session] = {}
        self._handoffs: dict[str, tuple[str, str, float]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def idle_seconds() -> float:
        return setting_float("SESSION_IDLE_MINUTES") * 60

    @staticmethod
    def max_seconds() -> float:
        return setting_float("SESSION_MAX_HOURS") * 3600

    # --- the cookie's value ----------------------------------------------------------------------------

    def sign(self, token: str) -> str:
        """The cookie value: the token and its HMAC."""
        return f"{token}.{hmac.new(self._key, token.encode(), hashlib.sha256).hexdigest()}"

    def unsign(self, value: str | None) -> str | None:
        """The token of a cookie value whose signature is right, else None."""
        token, _dot, mac = (value if isinstance(value, str) else "").rpartition(".")
        good = hmac.new(self._key, token.encode(), hashlib.sha256).hexdigest()
        return token if token and hmac.compare_digest(mac, good) else None

    # --- sessions ------------------------------------------------------------------------------------

    def start(self, email: str, method: str) -> str:
        """Start a session; returns its token (kept by the browser, never logged)."""
        token = secrets.token_urlsafe(32)
        now = self._clock()
        with self._lock:
            self._sessions[_digest(token)] = Session(email, method, now, now)
        return token

    def _expired(self, session: Session, now: float) -> bool:
        return now - session.last_seen > self.idle_seconds() or now - session.started > self.max_seconds()

    def check(self, token: str | None) -> tuple[Session | None, str]:
        """The live session of a token, marked as used now; else None and why ('', 'idle' or 'ended')."""
        if not token:
            return None, ""
        now, key = self._clock(), _digest(token)
        with self._lock:
            session = self._sessions.get(key)
            if session is None:
                return None, "ended"
            if self._expired(session, now):
                del self._sessions[key]
                return None, "idle"
            session.last_seen = now
            return session, ""

    def touch(self, key: str, email: str, method: str) -> str:
        """For a session kept elsewhere (an OpenID Connect cookie, by a hash of it): 'new' the first time this
        process sees it (the sign-in, to be logged), '' while in use, 'idle' once it has been idle too long (and
        from then on, until ``forget``)."""
        now, digest = self._clock(), "ext:" + _digest(key)
        with self._lock:
            session = self._sessions.get(digest)
            if session is None:
                self._sessions[digest] = Session(email, method, now, now)
                return "new"
            if self._expired(session, now):
                session.last_seen = float("-inf")  # stays idle: the next sign-in brings a new cookie
                return "idle"
            session.last_seen = now
            return ""

    def end(self, token: str | None) -> None:
        """End a session (sign-out)."""
        if token:
            with self._lock:
                self._sessions.pop(_digest(token), None)

    def end_all(self, email: str) -> int:
        """End every session of an email (a disabled account); returns how many."""
        with self._lock:
            keys = [k for k, s in self._sessions.items() if s.email == email]
            for k in keys:
                del self._sessions[k]
        return len(keys)

    # --- the one-time hand-off code ----------------------------------------------------------------------

    def handoff(self, token: str, client: str) -> str:
        """A one-time code, valid for a minute and for this client's address only, that the cookie route swaps
        for the token (so a code sent to someone else signs nobody in)."""
        code = secrets.token_urlsafe(32)
        now = self._clock()
        with self._lock:
            self._handoffs = {c: v for c, v in self._handoffs.items() if v[2] > now}
            self._handoffs[_digest(code)] = (token, client, now + HANDOFF_SECONDS)
        return code

    def redeem(self, code: str | None, client: str) -> str | None:
        """The token a hand-off code stands for, once, from the same client; None when unknown, used or expired."""
        if not code:
            return None
        with self._lock:
            token, made_for, expires = self._handoffs.pop(_digest(code), (None, "", 0.0))
        return token if token and made_for == client and self._clock() < expires else None


class Throttle:
    """Growing delays after failed sign-ins, per key (an account's email, a client's address)."""

    def __init__(self, clock: Clock = time.time) -> None:
        self._clock = clock
        self._failures: dict[str, tuple[int, float]] = {}  # key -> (failures, time of the last one)
        self._lock = threading.Lock()

    @staticmethod
    def delay(failures: int) -> float:
        """Seconds to wait after ``failures`` failed attempts: none for the first few, then doubling."""
        if failures < FREE_FAILURES:
            return 0.0
        return min(FIRST_DELAY_S * 2 ** (failures - FREE_FAILURES), MAX_DELAY_S)

    def wait(self, keys: Iterable[str]) -> float:
        """Seconds before another attempt is allowed for all of these keys (0: now)."""
        now = self._clock()
        with self._lock:
            waits = [last + self.delay(count) - now for count, last in (self._failures.get(k, (0, now)) for k in keys)]
        return max([0.0, *waits])

    def failure(self, keys: Iterable[str]) -> None:
        """Count a failed attempt against each key."""
        now = self._clock()
        with self._lock:
            if len(self._failures) > MAX_TRACKED:
                self._failures = {k: v for k, v in self._failures.items() if now - v[1] < FORGET_AFTER_S}
            for key in keys:
                count, last = self._failures.get(key, (0, now))
                self._failures[key] = (0 if now - last > FORGET_AFTER_S else count) + 1, now

    def success(self, keys: Iterable[str]) -> None:
        """Forget the failures of these keys."""
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)
