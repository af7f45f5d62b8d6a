"""The two HTTP routes that keep a local account signed in across reloads and tabs (served by ``app.py``).

- ``/auth/local/session?code=…&next=/page``: swaps a one-time hand-off code (made by the sign-in form for
  this client's address, valid for a minute) for the session cookie ``ppd_session``: signed, HttpOnly,
  SameSite=Strict, Secure when the request came over HTTPS, expiring after SESSION_MAX_HOURS; then sends
  the browser back to the page it was on.
- ``/auth/local/signout``: deletes that cookie (the session itself was ended by the app) and goes home.

A Streamlit script cannot set an HttpOnly cookie itself; ``st.login`` keeps its cookie through routes of its
own in the same way (``/auth/login``, ``/oauth2callback``).
"""

from __future__ import annotations

import re

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from indicators.access.sessions import Sessions
from ui.sessions import COOKIE, SESSION_ROUTE, SESSIONS, SIGNOUT_ROUTE, client_address

SAFE_PATH = re.compile(r"/[A-Za-z0-9_\-/]{0,200}")  # a page of this app: no scheme, no host, no '//'


def _home(request: Request) -> str:
    return str(request.scope.get("root_path", "")).rstrip("/") + "/"


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


async def session_cookie(request: Request) -> Response:
    client = client_address(request.client.host if request.client else None, request.headers.get("X-Forwarded-For"))
    token = SESSIONS.redeem(request.query_params.get("code"), client)
    target = request.query_params.get("next", "/")
    target = target if SAFE_PATH.fullmatch(target) and "//" not in target else "/"
    response = RedirectResponse(target, status_code=303)
    if token:
        response.set_cookie(
            COOKIE,
            SESSIONS.sign(token),
            max_age=int(Sessions.max_seconds()),
            path="/",
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
        )
    return _no_store(response)


async def sign_out(request: Request) -> Response:
    response = RedirectResponse(_home(request), status_code=303)
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict")
    return _no_store(response)


ROUTES = [
    Route("/" + SESSION_ROUTE, session_cookie, methods=["GET"]),
    Route("/" + SIGNOUT_ROUTE, sign_out, methods=["GET"]),
]
