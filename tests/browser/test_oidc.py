"""Organisation sign-in (OpenID Connect) end to end: ``st.login`` against a real OpenID provider started here.

The provider is ``oidc-provider-mock`` (a Flask app on a thread of this process, on localhost): the dashboard is
registered with it as a client (its redirect URI and a secret, which the provider then requires), and it asks
for a nonce. The app runs on a server of its own whose ``[auth]`` secrets are a throw-away file given with
Streamlit's ``secrets.files`` option (never the repository's .streamlit/). The browser uses ``localhost`` for the
app, as the registered redirect URI does, so the cookies of the sign-in stay on one origin.

Shown: the app's button sends the browser to the provider's authorisation page with the registered client and
redirect URI; the provider sends it back to ``/oauth2callback``, which sets Streamlit's signed HttpOnly cookie;
the role is the store's assignment for the email (a programme manager gets the Review page and the donor view
preview), not anything the provider says (an "admin" role claim gives nothing); an email with no role gets the
ask-an-administrator page and no data on any page, until an administrator gives it a role; an email the provider
did not verify gets no role even when it is a manager's; each sign-in is in the store's log with its method;
signing out is one click (then the provider's own end-of-session page).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, quote, urlparse

import httpx
import pytest

from tests.browser.conftest import ROOT, _free_port, assert_no_exception, goto, screenshot, serve, wait_for_app

pytestmark = pytest.mark.browser
MANAGER, STRANGER = "oidc.manager@example.org", "someone.else@example.org"
IMPOSTOR = "impostor"  # a subject whose provider account claims the manager's email, unverified
SIGN_IN = "Sign in with your organisation account"
DATA = ('[data-testid="stPlotlyChart"]', '[data-testid="stDataFrame"]', '[data-testid="stTable"]',
        '[data-testid="stMetric"]', '[data-testid="stSidebarNav"]')  # fmt: skip
PICKERS = '[data-testid="stSelectbox"]'  # the semester and beneficiary pickers (the language picker is for everyone)
LANGUAGE_PICKER = "Language / Langue"


def pickers(page) -> int:  # noqa: ANN001
    """How many data pickers a page shows (the language picker left out)."""
    return page.locator(PICKERS).filter(has_not_text=LANGUAGE_PICKER).count()


BENEFICIARIES = ("Albania", "Bosnia", "Kosovo", "Montenegro", "North Macedonia", "Serbia")


@dataclass
class Setup:
    app: str  # the app's base URL on localhost
    provider: str  # the provider's base URL (its issuer)
    client_id: str
    redirect_uri: str
    store_dir: Path


def users(store_dir: Path, *args: str) -> None:
    """``python -m indicators users ...`` on the app's store, as an administrator would run it."""
    subprocess.run(
        [sys.executable, "-m", "indicators", "users", *args],
        cwd=ROOT, env={**os.environ, "PPD_STORE_DIR": str(store_dir)}, capture_output=True, check=True,
    )  # fmt: skip


@pytest.fixture(scope="module")
def oidc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Setup]:
    """The provider on a free port, the app registered with it, and the app served with those secrets."""
    import oidc_provider_mock

    folder = tmp_path_factory.mktemp("oidc")
    port = _free_port()
    app = f"http://localhost:{port}"
    redirect_uri = f"{app}/oauth2callback"
    with oidc_provider_mock.run_server_in_thread(require_client_registration=True, require_nonce=True) as server:
        provider = f"http://localhost:{server.server_port}"
        client = httpx.post(f"{provider}/oauth2/clients", json={"redirect_uris": [redirect_uri]}, timeout=10)
        client.raise_for_status()
        client_id, client_secret = client.json()["client_id"], client.json()["client_secret"]
        for email, extra in ((MANAGER, {}), (STRANGER, {"roles": ["admin"], "groups": ["administrators"]})):
            claims = {"email": email, "email_verified": True, "name": email.split("@")[0], **extra}
            httpx.put(f"{provider}/users/{quote(email)}", json=claims, timeout=10).raise_for_status()
        claims = {"email": MANAGER, "email_verified": False, "name": "Not the manager"}
        httpx.put(f"{provider}/users/{IMPOSTOR}", json=claims, timeout=10).raise_for_status()
        secrets_file = folder / "secrets.toml"
        secrets_file.write_text(
            "[auth]\n"
            f'redirect_uri = "{redirect_uri}"\n'
            f'cookie_secret = "{secrets.token_urlsafe(32)}"\n'
            f'client_id = "{client_id}"\n'
            f'client_secret = "{client_secret}"\n'
            f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n'
        )
        users(folder / "store", "add", MANAGER, "--role", "manager")
        with serve(folder, port=port, options={"secrets.files": str(secrets_file)}) as running:
            yield Setup(app, provider, client_id, redirect_uri, running.store_dir)


def sign_in_with_provider(page, oidc: Setup, email: str, shot: str | None = None) -> None:
    """From the app's sign-in page: the organisation button, the provider's page, the callback, the app."""
    goto(page, oidc.app + "/")
    page.get_by_role("button", name=SIGN_IN).click()
    page.wait_for_url(f"{oidc.provider}/oauth2/authorize?**")
    asked = parse_qs(urlparse(page.url).query)
    assert asked["client_id"] == [oidc.client_id] and asked["redirect_uri"] == [oidc.redirect_uri]
    assert asked["response_type"] == ["code"] and {"openid", "email"} <= set(asked["scope"][0].split())
    assert asked["state"][0] and asked["nonce"][0]
    page.get_by_role("heading", name="Authorize Client").wait_for()
    if shot:
        screenshot(page, shot)
    page.get_by_placeholder("sub").fill(email)
    with page.expect_response(lambda r: r.url.startswith(oidc.redirect_uri + "?")) as callback:
        page.get_by_role("button", name="Authorize", exact=True).click()
    answer = callback.value
    assert parse_qs(urlparse(answer.url).query)["state"] == asked["state"]
    assert answer.status == 302 and answer.headers["location"] == "/", (answer.status, answer.headers)
    set_cookies = answer.header_values("set-cookie")
    assert any(c.startswith("_streamlit_user=") and "HttpOnly" in c for c in set_cookies), set_cookies
    page.wait_for_url(oidc.app + "/")
    wait_for_app(page)


def navigation(page) -> list[str]:
    """The titles of the pages in the sidebar's navigation."""
    page.locator('[data-testid="stSidebarNav"] a').first.wait_for()
    return [a.locator("span").last.inner_text().strip() for a in page.locator('[data-testid="stSidebarNav"] a').all()]


def main_text(page) -> str:
    return page.locator('[data-testid="stMain"]').inner_text()


def test_a_manager_signs_in_with_the_provider_and_gets_the_role_assigned_to_the_email(oidc, new_context) -> None:
    context = new_context(signed_in=False)
    page = context.new_page()
    goto(page, oidc.app + "/")
    page.get_by_role("button", name=SIGN_IN).wait_for()
    screenshot(page, "oidc-1-sign-in-page")
    sign_in_with_provider(page, oidc, MANAGER, shot="oidc-2-provider")
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text(f"Signed in as {MANAGER}, programme manager").wait_for()
    cookies = {c["name"]: c for c in context.cookies()}
    assert cookies["_streamlit_user"]["httpOnly"] and "ppd_session" not in cookies
    assert sidebar.get_by_role("switch", name="Preview the donor view").count() == 1  # a manager's preview
    nav = navigation(page)
    assert {"Overview", "Upload", "Review"} <= set(nav) and "Accounts" not in nav, nav
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name="Review", exact=True).click()
    page.get_by_role("heading", name="Review submitted versions").wait_for()
    wait_for_app(page)
    assert_no_exception(page)
    assert "Waiting for review" in main_text(page)
    screenshot(page, "oidc-3-manager-review")
    assert ("signed in", MANAGER, "oidc") in events(oidc), "an organisation sign-in is logged as a local one is"

    sidebar.get_by_role("button", name="Sign out").click()  # st.logout: the provider's end of session, then home
    page.wait_for_url(f"{oidc.provider}/oauth2/end_session?**")
    assert "_streamlit_user" not in {c["name"] for c in context.cookies()}
    page.get_by_role("button", name="End session").click()
    page.get_by_role("button", name=SIGN_IN).wait_for()
    wait_for_app(page)
    screenshot(page, "oidc-5-signed-out")
    assert page.locator('[data-testid="stSidebarNav"]').count() == 0
    assert ("signed out", MANAGER, "oidc") in events(oidc)


def events(oidc: Setup) -> list[tuple[str, str, str]]:
    """The store's log as (action, who, how they signed in), read as the app wrote it."""
    lines = (oidc.store_dir / "log.jsonl").read_text().splitlines()
    return [(e["action"], e["user"], e["method"]) for e in map(json.loads, filter(str.strip, lines))]


def test_an_email_with_no_role_gets_no_data_until_an_administrator_gives_it_one(oidc, new_context) -> None:
    context = new_context(signed_in=False)
    page = context.new_page()
    sign_in_with_provider(page, oidc, STRANGER)
    page.get_by_role("heading", name="No role yet").wait_for()
    screenshot(page, "oidc-4-no-role")
    assert ("signed in", STRANGER, "oidc") in events(oidc)
    for path in ("/", "/review-versions", "/beneficiaries?beneficiary=ALB", "/accounts"):
        goto(page, oidc.app + path)
        page.get_by_role("heading", name="No role yet").wait_for()
        text = page.locator("body").inner_text()
        assert f"You are signed in as {STRANGER}" in text and "Ask an administrator" in text, (path, text)
        shown = {selector: page.locator(selector).count() for selector in DATA} | {PICKERS: pickers(page)}
        assert not any(shown.values()), (path, shown)
        assert not re.search(r"IND-\d|" + "|".join(BENEFICIARIES), text), (path, text)
        assert_no_exception(page)
    users(oidc.store_dir, "add", STRANGER, "--role", "donor")  # the role is the store's, taken at the next rerun
    goto(page, oidc.app + "/")
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text(f"Signed in as {STRANGER}, donor").wait_for()
    wait_for_app(page)
    nav = navigation(page)
    assert "Overview" in nav and not {"Upload", "Review", "Accounts"} & set(nav), nav
    assert page.locator('[data-testid="stPlotlyChart"]').count() > 0


def test_an_email_the_provider_did_not_verify_gets_no_role_even_when_it_is_a_managers(oidc, new_context) -> None:
    page = new_context(signed_in=False).new_page()
    sign_in_with_provider(page, oidc, IMPOSTOR)
    page.get_by_text("did not verify the email address").wait_for()
    screenshot(page, "oidc-6-unverified-email")
    text = page.locator("body").inner_text()
    assert "programme manager" not in text and page.get_by_role("heading", name="Sign in").count() == 1
    assert not any(page.locator(selector).count() for selector in DATA) and not pickers(page)
    assert ("sign-in refused", MANAGER, "oidc") in events(oidc)
