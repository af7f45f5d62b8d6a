"""Sessions (kept in the store: idle and absolute expiry, sign-out, restart and failover, ended by account
changes, the one-time hand-off) and the throttle of sign-in attempts, on both backends."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from indicators.access.identity import Identity
from indicators.access.sessions import MAX_DELAY_S, Sessions, Throttle, client_address
from indicators.storage import open_backend
from indicators.store import Store

ADMIN = Identity("tests", "admin", "cli")


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    monkeypatch.setenv("PPD_SESSION_IDLE_MINUTES", "30")
    monkeypatch.setenv("PPD_SESSION_MAX_HOURS", "12")
    return Clock()


@pytest.fixture
def backend(store_location: str | Path):
    """A new store's backend, on each backend (a folder, a PostgreSQL database as the app's role)."""
    return open_backend(store_location)


def server(backend, clock: Clock) -> Sessions:
    """What one app server holds: sessions over the store's backend (a new one is a restart, or another server)."""
    return Sessions(lambda: backend, clock)


def test_a_session_lives_while_used_and_ends_after_the_idle_time(backend, clock: Clock) -> None:
    sessions = server(backend, clock)
    token = sessions.start("ana@example.org", "local")
    for _ in range(10):  # used every 29 minutes: still signed in after almost five hours
        clock.now += 29 * 60
        session, why = sessions.check(token)
        assert session and session.email == "ana@example.org" and why == ""
    clock.now += 31 * 60
    assert sessions.check(token) == (None, "idle")
    assert sessions.check(token) == (None, "ended")


def test_a_session_ends_at_its_maximum_age_even_when_used(backend, clock: Clock) -> None:
    sessions = server(backend, clock)
    token = sessions.start("ana@example.org", "local")
    for _ in range(25):
        clock.now += 29 * 60
        sessions.check(token)
    assert sessions.check(token)[0] is None  # 12 h 5 min after sign-in


def test_a_session_survives_a_restart_and_a_failover_with_its_idle_time(backend, clock: Clock) -> None:
    one = server(backend, clock)
    token = one.start("ana@example.org", "local")
    cookie = one.sign(token)
    clock.now += 20 * 60
    assert one.check(token)[0] is not None  # used on server one at minute 20
    two = server(backend, clock)  # server one stopped: another server (or the same one restarted)
    assert two.unsign(cookie) == token, "every server checks the same cookie"
    clock.now += 25 * 60
    session, why = two.check(two.unsign(cookie))
    assert session and session.email == "ana@example.org" and why == ""  # idle 25 min, counted from minute 20
    clock.now += 31 * 60
    assert one.check(token) == (None, "idle"), "idle time is the store's, whichever server counts it"


def test_sign_out_and_account_changes_end_sessions_on_every_server(backend, clock: Clock) -> None:
    one, two = server(backend, clock), server(backend, clock)
    first, second = one.start("ana@example.org", "local"), two.start("ana@example.org", "local")
    other = one.start("marko@example.org", "local")
    two.end(first)  # signed out on server two: ended on server one too
    assert one.check(first) == (None, "ended") and one.check(second)[0] is not None
    assert one.end_all("ana@example.org") == 1
    assert two.check(second)[0] is None and two.check(other)[0] is not None


@pytest.mark.parametrize("change", ["reset-password", "set-role", "disable", "change-password"])
def test_password_role_and_disabling_end_the_accounts_sessions(backend, clock: Clock, change: str) -> None:
    accounts = Store(backend).accounts
    accounts.add(ADMIN, "ana@example.org", "analyst", password="first passphrase 1")
    accounts.add(ADMIN, "marko@example.org", "manager", password="marko passphrase 1")
    one, two = server(backend, clock), server(backend, clock)
    here, elsewhere, other = (
        one.start("ana@example.org", "local"),
        two.start("ana@example.org", "local"),
        one.start("marko@example.org", "local"),
    )
    if change == "reset-password":
        accounts.reset_password(ADMIN, "ana@example.org")
    elif change == "set-role":
        accounts.set_role(ADMIN, "ana@example.org", "donor")
    elif change == "disable":
        accounts.disable(ADMIN, "ana@example.org")
    else:  # the person changes their own password on server one: that session goes on, the others end
        accounts.change_password("ana@example.org", "first passphrase 1", "second passphrase 2", keep=here)
    assert two.check(elsewhere) == (None, "ended")
    assert (one.check(here)[0] is not None) == (change == "change-password")
    assert two.check(other)[0] is not None, "another account's session goes on"


def test_the_cookie_value_is_signed_with_the_stores_key(backend, clock: Clock, tmp_path: Path) -> None:
    sessions = server(backend, clock)
    token = sessions.start("ana@example.org", "local")
    value = sessions.sign(token)
    assert sessions.unsign(value) == token
    assert sessions.unsign(value[:-1] + ("0" if value[-1] != "0" else "1")) is None
    assert sessions.unsign("forged." + value.rpartition(".")[2]) is None
    assert server(open_backend(tmp_path / "another-store"), clock).unsign(value) is None  # another store's key
    assert sessions.unsign(None) is None and sessions.unsign("") is None


def test_a_handoff_code_is_used_once_within_a_minute_by_the_same_client(backend, clock: Clock) -> None:
    sessions, other_server = server(backend, clock), server(backend, clock)
    token = sessions.start("ana@example.org", "local")
    code = sessions.handoff(token, "10.0.0.1")
    assert other_server.redeem(code, "10.0.0.1") == token and sessions.redeem(code, "10.0.0.1") is None
    elsewhere = sessions.handoff(token, "10.0.0.1")
    assert sessions.redeem(elsewhere, "10.6.6.6") is None and sessions.redeem(elsewhere, "10.0.0.1") is None
    late = sessions.handoff(token, "10.0.0.1")
    clock.now += 61
    assert sessions.redeem(late, "10.0.0.1") is None and sessions.redeem("made-up", "10.0.0.1") is None
    assert sessions.check(code) == (None, "ended"), "a code is not a session"


def test_an_external_session_is_tracked_for_idle_time(backend, clock: Clock) -> None:
    sessions = server(backend, clock)
    assert sessions.touch("cookie-1", "d@example.org", "oidc") == "new"  # the sign-in, to be logged
    clock.now += 10 * 60
    assert server(backend, clock).touch("cookie-1", "d@example.org", "oidc") == ""  # another server: not new
    clock.now += 31 * 60
    assert sessions.touch("cookie-1", "d@example.org", "oidc") == "idle"
    assert sessions.touch("cookie-1", "d@example.org", "oidc") == "idle"  # until a new sign-in
    assert sessions.touch("cookie-2", "d@example.org", "oidc") == "new"


@pytest.mark.parametrize(("failures", "delay"), [(0, 0), (2, 0), (3, 1), (4, 2), (5, 4), (8, 32), (30, MAX_DELAY_S)])
def test_delays_grow_after_a_few_failures(failures: int, delay: float) -> None:
    assert Throttle.delay(failures) == delay


def test_throttle_per_account_from_a_client_and_per_client(backend, clock: Clock) -> None:
    throttle = Throttle(lambda: backend, clock)
    guesser = throttle.keys("ana@example.org", "10.0.0.1")
    for _ in range(3):  # the free attempts
        assert throttle.attempt(guesser) == 0
    assert throttle.attempt(guesser) == 1.0  # the fourth must wait (and is not counted)
    assert throttle.wait(throttle.keys("other@example.org", "10.0.0.1")) == 1.0  # the client, for any account
    assert throttle.attempt(throttle.keys("ana@example.org", "10.0.0.2")) == 0, "Ana, from her own computer"
    clock.now += 1
    assert throttle.attempt(guesser) == 0
    assert throttle.attempt(guesser) == 2.0
    throttle.success(guesser)  # the fourth was right after all: the account's count goes, the client's drops
    assert throttle.wait(guesser) == 1.0
    clock.now += 1
    assert throttle.wait(guesser) == 0


def test_parallel_attempts_are_counted_one_after_the_other(backend) -> None:
    """Twelve guesses at once (threads, each with its own connection on PostgreSQL): only the free ones get to
    check a password."""
    throttle = Throttle(lambda: backend)
    keys = throttle.keys("ana@example.org", "10.9.9.9")
    allowed: list[float] = []
    start = threading.Barrier(12)

    def guess() -> None:
        start.wait()
        allowed.append(throttle.attempt(keys))

    threads = [threading.Thread(target=guess) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(allowed).count(0.0) == 3 and all(wait > 0 for wait in allowed if wait)


@pytest.mark.parametrize(
    ("peer", "forwarded", "trusted", "client"),
    [
        ("203.0.113.5", None, "", "203.0.113.5"),
        ("203.0.113.5", "198.51.100.7", "", "203.0.113.5"),  # no proxy named: the header is ignored
        ("203.0.113.5", "198.51.100.7", "127.0.0.1", "203.0.113.5"),  # not from the proxy: ignored
        ("127.0.0.1", "198.51.100.7", "127.0.0.1", "198.51.100.7"),  # from the proxy: its client
        (None, "198.51.100.7", "127.0.0.1", "198.51.100.7"),  # loopback as Streamlit gives it (None)
        ("10.0.0.2", "6.6.6.6, 198.51.100.7, 10.0.0.3", "10.0.0.0/8", "198.51.100.7"),  # right-most not a proxy
        ("::ffff:127.0.0.1", "2001:db8::1", "127.0.0.1", "2001:db8::1"),
        ("127.0.0.1", None, "127.0.0.1", "localhost"),
        ("::1", None, "", "localhost"),
        ("127.0.0.1", "garbage, 198.51.100.7", "127.0.0.1, nonsense", "198.51.100.7"),
    ],
)
def test_the_client_address_comes_from_x_forwarded_for_only_from_a_named_proxy(peer, forwarded, trusted, client):
    assert client_address(peer, forwarded, trusted) == client
