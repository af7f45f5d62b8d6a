"""Sessions (idle and absolute expiry, sign-out, the one-time hand-off) and the throttle of failed sign-ins."""

from __future__ import annotations

import pytest

from indicators.access.sessions import MAX_DELAY_S, Sessions, Throttle


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


def test_a_session_lives_while_used_and_ends_after_the_idle_time(clock: Clock) -> None:
    sessions = Sessions(clock)
    token = sessions.start("ana@example.org", "local")
    for _ in range(10):  # used every 29 minutes: still signed in after almost five hours
        clock.now += 29 * 60
        session, why = sessions.check(token)
        assert session and session.email == "ana@example.org" and why == ""
    clock.now += 31 * 60
    assert sessions.check(token) == (None, "idle")
    assert sessions.check(token) == (None, "ended")


def test_a_session_ends_at_its_maximum_age_even_when_used(clock: Clock) -> None:
    sessions = Sessions(clock)
    token = sessions.start("ana@example.org", "local")
    for _ in range(25):
        clock.now += 29 * 60
        sessions.check(token)
    assert sessions.check(token)[0] is None  # 12 h 5 min after sign-in


def test_sign_out_and_disabling_end_sessions(clock: Clock) -> None:
    sessions = Sessions(clock)
    first, second = sessions.start("ana@example.org", "local"), sessions.start("ana@example.org", "local")
    other = sessions.start("marko@example.org", "local")
    sessions.end(first)
    assert sessions.check(first)[0] is None and sessions.check(second)[0] is not None
    assert sessions.end_all("ana@example.org") == 1
    assert sessions.check(second)[0] is None and sessions.check(other)[0] is not None


def test_the_cookie_value_is_signed(clock: Clock) -> None:
    sessions = Sessions(clock)
    token = sessions.start("ana@example.org", "local")
    value = sessions.sign(token)
    assert sessions.unsign(value) == token
    assert sessions.unsign(value[:-1] + ("0" if value[-1] != "0" else "1")) is None
    assert sessions.unsign("forged." + value.rpartition(".")[2]) is None
    assert Sessions(clock).unsign(value) is None  # another process's key
    assert sessions.unsign(None) is None and sessions.unsign("") is None


def test_a_handoff_code_is_used_once_within_a_minute_by_the_same_client(clock: Clock) -> None:
    sessions = Sessions(clock)
    token = sessions.start("ana@example.org", "local")
    code = sessions.handoff(token, "10.0.0.1")
    assert sessions.redeem(code, "10.0.0.1") == token and sessions.redeem(code, "10.0.0.1") is None
    elsewhere = sessions.handoff(token, "10.0.0.1")
    assert sessions.redeem(elsewhere, "10.6.6.6") is None and sessions.redeem(elsewhere, "10.0.0.1") is None
    late = sessions.handoff(token, "10.0.0.1")
    clock.now += 61
    assert sessions.redeem(late, "10.0.0.1") is None and sessions.redeem("made-up", "10.0.0.1") is None


def test_an_external_session_is_tracked_for_idle_time(clock: Clock) -> None:
    sessions = Sessions(clock)
    assert sessions.touch("cookie-1", "d@example.org", "oidc") == "new"  # the sign-in, to be logged
    clock.now += 10 * 60
    assert sessions.touch("cookie-1", "d@example.org", "oidc") == ""
    clock.now += 31 * 60
    assert sessions.touch("cookie-1", "d@example.org", "oidc") == "idle"
    assert sessions.touch("cookie-1", "d@example.org", "oidc") == "idle"  # until a new sign-in
    assert sessions.touch("cookie-2", "d@example.org", "oidc") == "new"


@pytest.mark.parametrize(("failures", "delay"), [(0, 0), (2, 0), (3, 1), (4, 2), (5, 4), (8, 32), (30, MAX_DELAY_S)])
def test_delays_grow_after_a_few_failures(failures: int, delay: float) -> None:
    assert Throttle.delay(failures) == delay


def test_throttle_per_account_and_per_client(clock: Clock) -> None:
    throttle = Throttle(clock)
    ana, here, there = "account:ana@example.org", "client:10.0.0.1", "client:10.0.0.2"
    for _ in range(4):
        throttle.failure([ana, here])
    assert throttle.wait([ana, there]) == 2.0  # the account is throttled from any client
    assert throttle.wait(["account:other@example.org", here]) == 2.0  # and the client for any account
    assert throttle.wait(["account:other@example.org", there]) == 0.0
    clock.now += 2
    assert throttle.wait([ana, here]) == 0.0
    throttle.success([ana])
    assert throttle.wait([ana, there]) == 0.0 and throttle.wait([here]) == 0.0
