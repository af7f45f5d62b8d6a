"""The pages before the app, with sessions kept in the store: the setup page, choosing a password after a
one-time password, and a session ended by a change to its account at the next click (AppTest)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from indicators.access.identity import Identity
from indicators.store import Store
from tests.test_pages import APP, TIMEOUT, no_errors, texts
from ui.sessions import SESSIONS

ADMIN = Identity("tests", "admin", "cli")
EMAIL = "ana@example.org"


def signed_in(token: str) -> AppTest:
    """The app in a browser session that holds a local session's token (as after the sign-in form)."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state["_auth_token"] = token
    return at.run()


def test_the_setup_page_says_it_sets_up_the_first_account(demo_store: Store) -> None:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["setup"] = "not-a-valid-token"
    at.run()
    assert at.title[0].value == "Set up the first account"
    assert "This setup link is not valid any more" in " ".join(e.value for e in at.error)


def test_a_one_time_password_is_replaced_without_typing_it_again(demo_store: Store) -> None:
    demo_store.accounts.add(ADMIN, EMAIL, "analyst")  # a one-time password
    token, other = SESSIONS.start(EMAIL, "local"), SESSIONS.start(EMAIL, "local")
    at = signed_in(token)
    assert at.title[0].value == "Choose your password"
    assert [t.label for t in at.text_input] == ["New password (at least 12 characters)", "The new password again"]
    at.text_input[0].input("my own passphrase 2026")
    at.text_input[1].input("my own passphrase 2026")
    at.button[0].click().run()
    no_errors(at)
    assert at.title[0].value != "Choose your password" and "Signed in as" in " ".join(c.value for c in at.caption)
    assert demo_store.accounts.check_password(EMAIL, "my own passphrase 2026") is not None
    assert SESSIONS.check(other) == (None, "ended"), "the account's other sessions end"


@pytest.mark.parametrize("change", ["reset", "role", "disable"])
def test_an_account_change_ends_its_session_at_the_next_click(demo_store: Store, change: str) -> None:
    demo_store.accounts.add(ADMIN, EMAIL, "analyst", password="ana's passphrase 2026")
    at = signed_in(SESSIONS.start(EMAIL, "local"))
    no_errors(at)
    assert "Signed in as" in " ".join(c.value for c in at.sidebar.caption)
    if change == "reset":
        demo_store.accounts.reset_password(ADMIN, EMAIL)
    elif change == "role":
        demo_store.accounts.set_role(ADMIN, EMAIL, "donor")
    else:
        demo_store.accounts.disable(ADMIN, EMAIL)
    at.run()  # the next click
    assert at.title[0].value == "Sign in"
    assert "You were signed out" in texts(at) or "disabled" in texts(at)


def test_an_unreachable_database_is_said_in_a_sentence_before_any_session_is_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PPD_STORE_URL", "postgresql://nobody@127.0.0.1:9/nothing")  # nothing listens on port 9
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Cannot reach the store's database" in " ".join(e.value for e in at.error)
