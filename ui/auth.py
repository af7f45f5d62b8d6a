"""Sign-in, before any page is routed: who is looking, the sign-in and setup forms, sign-out.

Who is looking is worked out again at every rerun (so a disabled account or a changed role takes effect at
once), in this order:

1. a local account's session, kept in the store (``indicators/access/sessions.py``, so it survives a restart
   and a failover to another server): the token kept for this Streamlit session, or the signed HttpOnly
   cookie ``ppd_session`` set by the route in ``ui/routes.py``, which is how being signed in survives a
   reload and a new tab; the store's record is checked at every click (idle and maximum lifetimes, a
   password changed or reset, a role changed, an account disabled);
2. an organisation account signed in with ``st.login`` (OpenID Connect; Streamlit keeps its own signed
   HttpOnly cookie): the role is the store's assignment for the email, unless the provider says it did not
   verify that address (``indicators.access.identity.oidc_email``); the sign-in is logged once;
3. a visitor not signed in, shown the donor view when PUBLIC_DONOR_VIEW is 1;
4. nobody: the sign-in page.

The role comes from ``indicators/access``; this module draws forms and keeps nothing secret in the page.
"""

from __future__ import annotations

import math
import re
from urllib.parse import quote

import streamlit as st

from indicators.access.accounts import AccountError, password_problem
from indicators.access.identity import PUBLIC, Identity, oidc_email
from indicators.access.roles import Action, allowed, role_name
from indicators.domain import i18n
from indicators.domain.i18n import N_, _
from indicators.domain.settings import setting, setting_float
from ui import data, language, view
from ui.sessions import COOKIE, SESSION_ROUTE, SESSIONS, SIGNOUT_ROUTE, THROTTLE, client_address

OIDC_COOKIE = "_streamlit_user"
WRONG = N_("The email or the password is not right.")  # the same whether or not the account exists
IDLE = N_("You were signed out after {minutes} minutes without activity.")
DISABLED = N_("This account is disabled: ask an administrator.")
ENDED = N_(
    "You were signed out: the session was ended elsewhere, or this account's password or role was changed. Sign in "
    "again."
)
_WHO, _PREVIEW = view.IDENTITY, view.DONOR_PREVIEW
_TOKEN, _NOTICE, _SIGN_IN = "_auth_token", "_auth_notice", "_sign_in"


def text(value: object) -> str:
    """Text from a person or an identity, escaped so markdown shows it as written."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~$:@])", r"\\\1", str(value))


def route(path: str, **query: str) -> str:
    """The URL of one of the app's own routes (served at the root of the host, see ui/routes.py)."""
    return f"/{path}" + ("?" + "&".join(f"{k}={quote(v, safe='')}" for k, v in query.items()) if query else "")


def _go(url: str) -> None:
    """Send the browser to one of the app's routes: the same message ``st.login`` uses to reach its own."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    context = get_script_run_ctx()
    if context is not None:
        message = ForwardMsg()
        message.auth_redirect.url = url
        context.enqueue(message)


def _client() -> str:
    """The client's address (only text is taken: a test's stand-in context may give other objects)."""
    headers = st.context.headers
    peer, forwarded = st.context.ip_address, headers.get("X-Forwarded-For") if headers else None
    return client_address(peer if isinstance(peer, str) else None, forwarded if isinstance(forwarded, str) else None)


def _notice(message: str, **figures: float) -> None:
    """Keep a notice for the sign-in page: the English message (marked with ``N_``) and its figures, put in
    the page's language when shown (who is looking is worked out before the language of the run is set)."""
    st.session_state[_NOTICE] = (message, figures)


def _notice_text(notice: object) -> str:
    message, figures = notice if isinstance(notice, tuple) else (str(notice), {})
    return _(message).format(**{name: language.number(value, "g", 2) for name, value in figures.items()})


def oidc_providers() -> list[str]:
    """The OpenID Connect providers configured in .streamlit/secrets.toml ([auth] or [auth.NAME])."""
    if not st.secrets.load_if_toml_exists() or "auth" not in st.secrets:
        return []
    section = st.secrets["auth"]
    named = [name for name in section if hasattr(section[name], "keys")]
    return named or (["default"] if "client_id" in section else [])


# --- who is looking ------------------------------------------------------------------------------------


def _local_identity() -> Identity | None:
    token = st.session_state.get(_TOKEN) or SESSIONS.unsign(st.context.cookies.get(COOKIE))
    session, why = SESSIONS.check(token)
    if session is None:
        if why == "idle":
            _notice(IDLE, minutes=setting_float("SESSION_IDLE_MINUTES"))
        elif why == "ended" and st.session_state.get(_TOKEN):  # signed in a moment ago, here
            _notice(ENDED)
        st.session_state.pop(_TOKEN, None)
        return None
    who = data.store().accounts.identity(session.email, "local")
    if who is None:  # disabled since: the session ends now
        SESSIONS.end(token)
        st.session_state.pop(_TOKEN, None)
        _notice(DISABLED)
        return None
    st.session_state[_TOKEN] = token
    return who


def _oidc_identity() -> Identity | None:
    if not st.user.get("is_logged_in"):
        return None
    email, why = oidc_email(st.user)
    given = str(st.user.get("email") or "")
    if email is None and why == "no email":
        _notice(N_("Your organisation account did not give an email address: ask an administrator."))
        return None
    cookie = st.context.cookies.get(OIDC_COOKIE)
    key = cookie if isinstance(cookie, str) and cookie else f"email:{(email or given).lower()}"  # AppTest: no cookie
    seen = SESSIONS.touch(key, (email or given).lower(), "oidc")  # 'new': this sign-in, logged once
    if seen == "idle":
        _notice(IDLE, minutes=setting_float("SESSION_IDLE_MINUTES"))
        return None
    if email is None:  # not verified: the address may be anyone's, so no role comes with it
        if seen == "new":
            _log(
                "sign-in refused",
                Identity(given, None, "oidc"),
                f"email not verified by the provider; from {_client()}",
            )
        _notice(
            N_(
                "Your organisation's sign-in service did not verify the email address of this account, so the "
                "dashboard cannot tell whose it is: verify it with your organisation, or ask an administrator."
            )
        )
        return None
    who = data.store().accounts.identity(email, "oidc")
    if seen == "new":  # an email with no account signs in with no role; a disabled account is refused
        action, note = ("signed in", "") if who else ("sign-in refused", "account disabled; ")
        _log(action, who or Identity(email, None, "oidc"), f"{note}from {_client()}")
    if who is None:
        _notice(DISABLED)
    return who


def signed_in() -> Identity | None:
    """Who is looking at this rerun (also kept for ``ui.view.identity``); None: nobody is signed in."""
    data.store()  # a store that cannot be reached is said in a sentence (and the run stops) before any session is read
    who = _local_identity() or _oidc_identity()
    if who is None and setting("PUBLIC_DONOR_VIEW") == "1" and not st.session_state.get(_SIGN_IN):
        who = PUBLIC
    st.session_state[_WHO] = who
    return who


def current() -> Identity | None:
    """The identity worked out at the start of this rerun."""
    return view.identity()


# --- pages shown before the app ---------------------------------------------------------------------------


def _log(action: str, who: Identity, note: str) -> None:
    data.store().accounts.log_event(action, who, note)


def _start_local_session(email: str) -> None:
    if i18n.supported(st.query_params.get(language.KEY)):
        # the language chosen on the sign-in page (?lang=fr) outlives the hand-off, which keeps only the path
        data.store().accounts.remember_language(email, i18n.language())
    token = SESSIONS.start(email, "local")
    st.session_state[_TOKEN] = token
    path = "/" + (st.context.url or "").split("//", 1)[-1].partition("/")[2].partition("?")[0]
    _go(route(SESSION_ROUTE, code=SESSIONS.handoff(token, _client()), next=path))
    # Stop, not rerun: a rerun at once could start the next run before the browser got the redirect, which
    # was then lost now and then (the cookie never set); the route's answer reloads the page signed in.
    st.stop()


def _sign_in_form() -> None:
    with st.form("sign_in", enter_to_submit=True):
        email = st.text_input(_("Email"), key="signin_email", autocomplete="username")
        password = st.text_input(_("Password"), type="password", key="signin_password", autocomplete="current-password")
        submitted = st.form_submit_button(_("Sign in"), type="primary")
    if not submitted:
        return
    typed = email.strip().lower()[:254]
    keys = THROTTLE.keys(typed, _client())
    wait = THROTTLE.attempt(keys)  # counted before the password is checked: parallel guesses wait their turn
    if wait > 0:
        st.error(
            _("Too many failed sign-ins: wait {seconds} seconds and try again.").format(seconds=math.ceil(wait)),
            icon=":material/timer:",
        )
        return
    account = data.store().accounts.check_password(typed, password)
    if account is None:
        _log("sign-in failed", Identity(typed or "(empty)", None, "local"), f"from {_client()}")
        st.error(_(WRONG), icon=":material/error:")
        return
    THROTTLE.success(keys)
    _log("signed in", Identity(account.email, account.role, "local"), f"from {_client()}")
    _start_local_session(account.email)


def _setup_form(token: str) -> None:
    accounts = data.store().accounts
    if not accounts.setup_token_valid(token):
        st.error(
            _(
                "This setup link is not valid any more (it was used, it expired, or an account exists). Sign in, "
                "or start the app again with make run for a new link."
            ),
            icon=":material/link_off:",
        )
        return
    st.subheader(_("Create the first administrator"))
    st.caption(_("This link works once. The administrator then adds the other accounts on the Accounts page."))
    with st.form("setup"):
        email = st.text_input(_("Your email"), autocomplete="username")
        password = st.text_input(_("Choose a password (at least 12 characters)"), type="password")
        again = st.text_input(_("The same password again"), type="password")
        submitted = st.form_submit_button(_("Create the administrator account"), type="primary")
    if not submitted:
        return
    if password != again:
        st.error(_("The two passwords differ; type them again."))
        return
    try:
        admin = accounts.create_first_admin(token, email, password)
    except AccountError as error:
        st.error(str(error))
        return
    st.query_params.pop("setup", None)
    _log("signed in", admin, f"from {_client()}")
    _start_local_session(admin.email)


def sign_in_page() -> None:
    """The page for someone not signed in: the setup form (first start), organisation sign-in, local sign-in."""
    setup = st.query_params.get("setup")
    st.title(_("Set up the first account") if setup else _("Sign in"))
    st.caption(_("Programme progress dashboard of the Regional Action on violent extremism in prisons."))
    if notice := st.session_state.pop(_NOTICE, None):
        st.info(_notice_text(notice), icon=":material/info:")
    if setup:
        _setup_form(str(setup))
        return
    providers = oidc_providers()
    for provider in providers:
        label = _("your organisation account") if provider == "default" else provider.replace("_", " ").title()
        if st.button(
            _("Sign in with {account}").format(account=label),
            type="primary",
            key=f"login_{provider}",
            icon=":material/login:",
        ):
            st.login(provider)
    if providers:
        with st.expander(_("Sign in with a local account")):
            _sign_in_form()
    else:
        _sign_in_form()
    if not data.store().accounts.any():
        st.info(
            _(
                "No account exists yet. Open the one-time setup link printed where the app was started (make run), "
                "or add an administrator with: python -m indicators users add EMAIL --role admin"
            ),
            icon=":material/key:",
        )


def change_password_page(who: Identity) -> None:
    """A one-time password must be replaced before anything else."""
    st.title(_("Choose your password"))
    st.caption(
        _("Signed in as {email} with a one-time password; choose your own to go on.").format(email=text(who.email))
    )
    with st.form("change_password"):
        new = st.text_input(_("New password (at least 12 characters)"), type="password", autocomplete="new-password")
        again = st.text_input(_("The new password again"), type="password", autocomplete="new-password")
        submitted = st.form_submit_button(_("Save my password"), type="primary")
    if submitted:
        if new != again:
            st.error(_("The two new passwords differ; type them again."))
        elif problem := password_problem(new, who.email):
            st.error(_("The password was not accepted: {problem}.").format(problem=problem))
        else:
            try:
                keep = st.session_state.get(_TOKEN)  # this session goes on; the account's others end
                data.store().accounts.replace_one_time_password(who.email, new, keep=keep)
            except AccountError as error:
                st.error(_("The password was not changed: {error}.").format(error=error))
            else:
                st.rerun()
    sign_out_button(st)


def must_change_password(who: Identity) -> bool:
    """Whether a local account still has a one-time password."""
    if who.method != "local":
        return False
    account = data.store().accounts.get(who.email)
    return bool(account and account.must_change)


def no_role_page(who: Identity) -> None:
    """Signed in, but no role: nothing of the data is shown."""
    st.title(_("No role yet"))
    st.info(
        _(
            "You are signed in as {email}, but this account has no role in the dashboard yet. Ask an "
            "administrator to give you one (analyst, programme manager, donor or administrator)."
        ).format(email=text(who.email)),
        icon=":material/person_off:",
    )
    sign_out_button(st)


def not_available_page() -> None:
    """What a page the person's role may not open shows instead (and nothing else)."""
    st.info(_("This page is not available for your role."), icon=":material/block:")


# --- the sidebar ---------------------------------------------------------------------------------------------


def sign_out(who: Identity) -> None:
    """End the session here and in the browser's cookie."""
    _log("signed out", who, f"from {_client()}")
    if who.method == "oidc":
        st.session_state.clear()
        st.logout()
        return
    SESSIONS.end(st.session_state.pop(_TOKEN, None))
    st.session_state.clear()
    _go(route(SIGNOUT_ROUTE))
    st.stop()  # as after signing in: the route's answer (the cookie deleted) reloads the page


def sign_out_button(place) -> None:  # place: st or st.sidebar
    who = current()
    if who is not None and who.method in ("local", "oidc") and place.button(_("Sign out"), icon=":material/logout:"):
        sign_out(who)


def sidebar(who: Identity) -> None:
    """Who is signed in, one-click sign-out, and a manager's donor-view preview."""
    box = st.sidebar.container()
    if who.method == "public":
        box.caption(_("Public results: approved data, sensitive counts from 1 to 4 shown as '<5'."))
        if box.button(_("Sign in"), icon=":material/login:"):
            st.session_state[_SIGN_IN] = True
            st.rerun()
        return
    signed = _("Signed in as **{email}**, {role}").format(email=text(who.email), role=role_name(who.role))
    if who.beneficiaries:
        signed = _("Signed in as **{email}**, {role} for {beneficiaries}").format(
            email=text(who.email), role=role_name(who.role), beneficiaries=", ".join(who.beneficiaries)
        )
    box.caption(signed)
    if allowed(who, Action.PREVIEW_DONOR_VIEW):
        box.toggle(
            _("Preview the donor view"),
            key=_PREVIEW,
            help=_("Show every page as a donor sees it: approved data only, sensitive counts from 1 to 4 as '<5'."),
        )
    sign_out_button(box)
