"""Signing in as a person would, on a server of its own (a short idle time, no account at first): the one-time
setup link creates the first administrator once; local sign-in through the real form survives a reload and a
new tab; a wrong password gets the same message as an unknown account; repeated failures are throttled;
sign-out is one click; an idle session ends."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator

import pytest

from tests.browser.conftest import ROOT, App, assert_no_exception, goto, screenshot, serve, sign_in, wait_for_app

pytestmark = pytest.mark.browser
IDLE_MINUTES = "0.5"
ADMIN, PASSWORD = "first.admin@example.org", "a passphrase for the first admin"


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[App, str]]:
    """A server on an empty store (no account), with its one-time setup link as make run prints it."""
    folder = tmp_path_factory.mktemp("sign-in")
    with serve(folder, SESSION_IDLE_MINUTES=IDLE_MINUTES) as app:
        printed = subprocess.run(
            [sys.executable, "-m", "indicators", "setup-link", "--url", app.url],
            capture_output=True, text=True, cwd=ROOT, env={"PPD_STORE_DIR": str(app.store_dir), "PATH": ""},
            check=True,
        ).stdout  # fmt: skip
        yield app, re.search(r"(http://\S+\?setup=\S+)", printed).group(1)


def main_text(page) -> str:
    return page.locator('[data-testid="stMain"]').inner_text()


def test_the_setup_link_creates_the_first_administrator_once(fresh, new_context) -> None:
    app, link = fresh
    page = new_context(signed_in=False).new_page()
    goto(page, app.url + "/")
    assert "No account exists yet" in main_text(page)
    goto(page, link)
    page.get_by_role("textbox", name="Your email").fill(ADMIN)
    page.get_by_role("textbox", name="Choose a password (at least 12 characters)").fill(PASSWORD)
    page.get_by_role("textbox", name="The same password again").fill(PASSWORD)
    page.get_by_role("button", name="Create the administrator account").click()
    page.locator('[data-testid="stSidebar"]').get_by_text(ADMIN).wait_for()
    screenshot(page, "sign-in-1-first-admin")
    assert "setup=" not in page.url
    accounts = app.store().accounts.all()
    assert [(a.email, a.role) for a in accounts] == [(ADMIN, "admin")]
    other = new_context(signed_in=False).new_page()
    goto(other, link)
    assert "This setup link is not valid any more" in main_text(other)
    assert other.get_by_role("textbox", name="Your email").count() == 0
    assert PASSWORD not in (app.store_dir / "log.jsonl").read_text() + app.log.read_text()


def test_sign_in_survives_a_reload_and_a_new_tab_and_sign_out_is_one_click(fresh, new_context) -> None:
    app, _ = fresh
    context = new_context(signed_in=False)
    page = context.new_page()
    goto(page, app.url + "/")
    sign_in(page, ADMIN, PASSWORD)
    for _ in range(100):  # set by the sign-in route the page is sent to, which may answer just after the page
        if [c for c in context.cookies() if c["name"] == "ppd_session"]:
            break
        page.wait_for_timeout(100)
    cookie = next(c for c in context.cookies() if c["name"] == "ppd_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and page.evaluate("document.cookie").find(
        "ppd_session") < 0  # fmt: skip
    page.reload()
    wait_for_app(page)
    page.locator('[data-testid="stSidebar"]').get_by_text(ADMIN).wait_for()
    tab = context.new_page()
    goto(tab, app.url + "/accounts")
    tab.get_by_role("heading", name="Accounts").wait_for()
    assert_no_exception(tab)
    screenshot(tab, "sign-in-2-new-tab-accounts")
    page.locator('[data-testid="stSidebar"]').get_by_role("button", name="Sign out").click()
    page.get_by_role("heading", name="Sign in").wait_for()
    wait_for_app(page)
    for _ in range(100):  # the browser drops the cookie when the sign-out route answers, just after the page
        if not [c for c in context.cookies() if c["name"] == "ppd_session"]:
            break
        page.wait_for_timeout(100)
    assert not [c for c in context.cookies() if c["name"] == "ppd_session"]
    goto(tab, app.url + "/accounts")  # the other tab's session was the same one: it has ended too
    tab.get_by_role("heading", name="Sign in").wait_for()
    assert app.store().log()["action"].tolist()[-1] == "signed out"


def test_a_wrong_password_and_an_unknown_account_get_the_same_message_then_are_throttled(fresh, new_context) -> None:
    app, _ = fresh
    page = new_context(signed_in=False).new_page()
    goto(page, app.url + "/")
    messages = []
    for email in (ADMIN, "nobody@example.org"):
        page.get_by_role("textbox", name="Email").fill(email)
        page.get_by_role("textbox", name="Password").fill("not the password at all")
        page.get_by_role("button", name="Sign in", exact=True).click()
        wait_for_app(page)
        messages.append(page.locator('[data-testid="stAlert"]').inner_text())
    assert messages[0] == messages[1] and "The email or the password is not right." in messages[0]
    # Further failures from this client: after three, each waits twice as long as the one before (1 s, 2 s,
    # 4 s, ...), so a click soon comes before its wait is over, however slow a loaded machine answers.
    for _ in range(8):
        page.get_by_role("button", name="Sign in", exact=True).click()
        wait_for_app(page)
        if "Too many failed sign-ins: wait" in main_text(page):
            break
    text = main_text(page)
    assert "Too many failed sign-ins: wait" in text
    screenshot(page, "sign-in-3-throttled")
    waited = re.search(r"wait (\d+) seconds", text)
    page.wait_for_timeout(1000 * (int(waited.group(1)) + 1) if waited else 0)  # the next test's client is free
    log = app.store().log()
    failed = log[log["action"] == "sign-in failed"]
    assert len(failed) >= 3 and "not the password" not in (app.store_dir / "log.jsonl").read_text()


def test_an_idle_session_ends(fresh, new_context) -> None:
    app, _ = fresh
    page = new_context(signed_in=False).new_page()
    goto(page, app.url + "/")
    page.wait_for_timeout(8000)  # the throttle of the test before lets this client try again
    sign_in(page, ADMIN, PASSWORD)
    page.wait_for_timeout(float(IDLE_MINUTES) * 60_000 + 5000)
    page.reload()
    page.get_by_role("heading", name="Sign in").wait_for()
    assert f"You were signed out after {IDLE_MINUTES} minutes without activity." in main_text(page)
    screenshot(page, "sign-in-4-idle")
