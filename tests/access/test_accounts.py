"""Accounts: Argon2id hashes, owner-only atomic files, one-time passwords, disabling, the setup link; on both
store backends (a folder, a PostgreSQL database)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from indicators.access.accounts import AccountError, Accounts, one_time_password, password_problem
from indicators.access.identity import Identity
from indicators.access.roles import PermissionRefused
from indicators.storage import open_backend

ADMIN = Identity("root@example.org", "admin", "local")
PASSWORD = "correct horse battery"


@pytest.fixture
def events() -> list[dict]:
    return []


@pytest.fixture
def accounts(store_location: str | Path, events: list[dict]) -> Accounts:
    return Accounts(open_backend(store_location), events.append)


def stored(accounts: Accounts, name: str = "accounts.json") -> str:
    """The document as the store keeps it (empty when there is none)."""
    return (accounts.documents.read_document(name) or b"").decode()


def owner_only(accounts: Accounts, name: str) -> bool:
    """In a folder store, the document is a file only its owner may read (a database has no file modes)."""
    return accounts.root is None or (accounts.root / name).stat().st_mode & 0o777 == 0o600


def test_passwords_are_kept_as_argon2id_hashes_in_an_owner_only_file(accounts: Accounts) -> None:
    old = os.umask(0)
    try:
        accounts.add(ADMIN, "Ana@Example.org ", "analyst", ("alb",), PASSWORD)
    finally:
        os.umask(old)
    text = stored(accounts)
    entry = json.loads(text)["accounts"]["ana@example.org"]
    assert entry["password_hash"].startswith("$argon2id$") and PASSWORD not in text
    assert entry["beneficiaries"] == ["ALB"] and entry["must_change"] is False
    assert owner_only(accounts, "accounts.json")
    assert accounts.root is None or [p.name for p in accounts.root.iterdir() if p.name.endswith(".tmp")] == []


def test_a_password_is_checked_and_the_same_refusal_comes_for_an_unknown_email(accounts: Accounts) -> None:
    accounts.add(ADMIN, "ana@example.org", "analyst", password=PASSWORD)
    assert accounts.check_password("ANA@example.org", PASSWORD).email == "ana@example.org"
    assert accounts.check_password("ana@example.org", PASSWORD + "x") is None
    assert accounts.check_password("nobody@example.org", PASSWORD) is None
    assert accounts.check_password("ana@example.org", "x" * 100_000) is None


def test_a_one_time_password_must_be_changed_and_is_never_stored(accounts: Accounts, events: list[dict]) -> None:
    given = accounts.add(ADMIN, "ana@example.org", "analyst")
    assert given and given not in stored(accounts) and given not in json.dumps(events)
    assert accounts.check_password("ana@example.org", given).must_change
    with pytest.raises(AccountError, match="at least 12"):
        accounts.change_password("ana@example.org", given, "short")
    with pytest.raises(AccountError, match="current password is not right"):
        accounts.change_password("ana@example.org", "wrong", PASSWORD)
    accounts.change_password("ana@example.org", given, PASSWORD)
    assert accounts.check_password("ana@example.org", given) is None
    assert not accounts.check_password("ana@example.org", PASSWORD).must_change
    assert [e["action"] for e in events] == ["account added", "password changed"]


def test_a_one_time_password_is_replaced_once_without_typing_it_again(accounts: Accounts) -> None:
    """Signed in a moment ago with the one-time password, the person chooses their own (issue 22): once only."""
    given = accounts.add(ADMIN, "ana@example.org", "analyst")
    with pytest.raises(AccountError, match="at least 12"):
        accounts.replace_one_time_password("ana@example.org", "short")
    with pytest.raises(AccountError, match="other than the current one"):
        accounts.replace_one_time_password("ana@example.org", given)
    accounts.replace_one_time_password("ana@example.org", PASSWORD)
    assert not accounts.check_password("ana@example.org", PASSWORD).must_change
    with pytest.raises(AccountError, match="no one-time password to replace"):
        accounts.replace_one_time_password("ana@example.org", "another passphrase here")
    assert accounts.check_password("ana@example.org", PASSWORD) is not None
    with pytest.raises(AccountError, match="no one-time password"):
        accounts.replace_one_time_password("nobody@example.org", PASSWORD)


def test_a_disabled_account_cannot_sign_in_and_its_session_ends(accounts: Accounts) -> None:
    accounts.add(ADMIN, "ana@example.org", "analyst", password=PASSWORD)
    assert accounts.identity("ana@example.org", "local") == Identity("ana@example.org", "analyst", "local")
    accounts.disable(ADMIN, "ana@example.org")
    assert accounts.check_password("ana@example.org", PASSWORD) is None
    assert accounts.identity("ana@example.org", "local") is None
    accounts.enable(ADMIN, "ana@example.org")
    assert accounts.identity("ana@example.org", "oidc").role == "analyst"


def test_a_changed_role_is_what_identity_gives_next(accounts: Accounts, events: list[dict]) -> None:
    accounts.add(ADMIN, "ana@example.org", "analyst", ("SRB",), PASSWORD)
    assert accounts.identity("ana@example.org", "local").beneficiaries == ("SRB",)
    accounts.set_role(ADMIN, "ana@example.org", "donor")
    assert accounts.identity("ana@example.org", "local") == Identity("ana@example.org", "donor", "local")
    assert events[-1]["note"] == "ana@example.org: donor" and events[-1]["user"] == ADMIN.email
    assert events[-1]["method"] == "local"


def test_an_email_without_an_account_has_no_role(accounts: Accounts) -> None:
    assert accounts.identity("Someone@Example.org", "oidc") == Identity("someone@example.org", None, "oidc")


@pytest.mark.parametrize(
    ("call", "phrase"),
    [
        (lambda a: a.add(ADMIN, "ana@example.org", "analyst"), "already has an account"),
        (lambda a: a.add(ADMIN, "a b@example.org", "analyst"), "is not an email address"),
        (lambda a: a.add(ADMIN, "x@example.org", "owner"), "'owner' is not a role"),
        (lambda a: a.add(ADMIN, "x@example.org", "manager", ("ALB",)), "only analysts are limited"),
        (lambda a: a.set_role(ADMIN, "root@example.org", "manager"), "only administrator"),
        (lambda a: a.disable(ADMIN, "root@example.org"), "only administrator"),
        (lambda a: a.reset_password(ADMIN, "nobody@example.org"), "there is no account nobody@example.org"),
    ],
)
def test_account_changes_that_are_refused_say_why(accounts: Accounts, call, phrase: str) -> None:
    accounts.add(ADMIN, "root@example.org", "admin", password=PASSWORD)
    accounts.add(ADMIN, "ana@example.org", "analyst", password=PASSWORD)
    before = stored(accounts)
    with pytest.raises(AccountError, match=phrase):
        call(accounts)
    assert stored(accounts) == before


@pytest.mark.parametrize("role", ["analyst", "manager", "donor", None])
def test_only_an_administrator_manages_accounts(accounts: Accounts, role: str | None) -> None:
    accounts.add(ADMIN, "ana@example.org", "analyst", password=PASSWORD)
    before = stored(accounts)
    someone = Identity("x@example.org", role, "local")
    for call in (
        lambda: accounts.add(someone, "new@example.org", "admin"),
        lambda: accounts.set_role(someone, "ana@example.org", "admin"),
        lambda: accounts.disable(someone, "ana@example.org"),
        lambda: accounts.reset_password(someone, "ana@example.org"),
    ):
        with pytest.raises(PermissionRefused, match="Only an administrator may manage accounts and roles"):
            call()
    assert stored(accounts) == before


def test_the_setup_link_creates_the_first_administrator_once(accounts: Accounts, events: list[dict]) -> None:
    token = accounts.new_setup_token(minutes=5, now=1000.0)
    assert token and stored(accounts, "setup.json") and token not in stored(accounts, "setup.json")
    assert owner_only(accounts, "setup.json")
    assert not accounts.setup_token_valid(token + "x", now=1001.0)
    assert not accounts.setup_token_valid(token, now=1000.0 + 5 * 60)
    admin = accounts.create_first_admin(token, "root@example.org", PASSWORD, now=1001.0)
    assert admin == Identity("root@example.org", "admin", "local")
    assert events[-1]["action"] == "account added" and "setup link" in events[-1]["note"]
    with pytest.raises(AccountError, match="not valid any more"):
        accounts.create_first_admin(token, "eve@example.org", PASSWORD, now=1002.0)
    assert [a.email for a in accounts.all()] == ["root@example.org"]
    assert accounts.new_setup_token(minutes=5) is None


def test_an_expired_setup_link_is_refused(accounts: Accounts) -> None:
    token = accounts.new_setup_token(minutes=1, now=0.0)
    with pytest.raises(AccountError, match="not valid any more"):
        accounts.create_first_admin(token, "root@example.org", PASSWORD, now=61.0)
    assert not accounts.any()


def test_one_time_passwords_are_random_and_acceptable():
    given = {one_time_password() for _ in range(50)}
    assert len(given) == 50 and all(password_problem(p) is None for p in given)


def test_the_app_hashes_with_argon2id_at_rfc_9106_costs():
    from argon2 import Type

    from tests.conftest import DEFAULT_HASHER

    params = DEFAULT_HASHER._parameters
    assert (params.type, params.time_cost, params.memory_cost) == (Type.ID, 3, 65536)
