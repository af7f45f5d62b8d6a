"""The signed-in sessions and the sign-in throttle, kept in the store of the settings (shared by every server),
used by the app (``ui/auth.py``) and the routes that set and delete the session cookie (``ui/routes.py``).
Nothing here touches the data."""

from __future__ import annotations

from functools import lru_cache

from indicators.access import sessions
from indicators.access.sessions import Sessions, Throttle
from indicators.domain.settings import store_location
from indicators.storage import Backend, open_backend

COOKIE = "ppd_session"
SESSION_ROUTE, SIGNOUT_ROUTE = "auth/local/session", "auth/local/signout"


@lru_cache(maxsize=4)
def _backend_at(location: str) -> Backend:
    return open_backend(location)


def backend() -> Backend:
    """The backend of the store of the settings (STORE_URL, else STORE_DIR), opened once per process."""
    return _backend_at(str(store_location()))


SESSIONS = Sessions(backend)  # in the store: a restart or another server keeps everyone signed in
THROTTLE = Throttle(backend)


def client_address(peer: str | None, forwarded_for: str | None = None) -> str:
    """A client's address as both the app (st.context.ip_address and headers) and the routes (the request's
    client and headers) see it: X-Forwarded-For only from a proxy named in TRUSTED_PROXIES, IPv4-mapped IPv6
    unwrapped, every loopback address 'localhost'."""
    return sessions.client_address(peer, forwarded_for)
