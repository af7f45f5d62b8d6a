"""The signed-in sessions and the sign-in throttle of this server process, shared by the app (``ui/auth.py``)
and the routes that set and delete the session cookie (``ui/routes.py``). Nothing here touches the data."""

from indicators.access.sessions import Sessions, Throttle

COOKIE = "ppd_session"
SESSION_ROUTE, SIGNOUT_ROUTE = "auth/local/session", "auth/local/signout"
SESSIONS = Sessions()  # one per server process: restarting the server ends every session
THROTTLE = Throttle()


def client_address(host: str | None) -> str:
    """A client's address as both the app (st.context.ip_address, None for localhost) and the routes
    (the request's client) see it: IPv4-mapped IPv6 unwrapped, every loopback address 'localhost'."""
    host = (host or "").removeprefix("::ffff:")
    return "localhost" if host in ("", "127.0.0.1", "::1") else host
