"""Accounts and role assignments, kept with the store so that a backup of the store is a backup of them.

Two documents kept by the store's backend (``indicators/storage``: owner-only files replaced atomically in a
store folder, rows of the ``documents`` table in a PostgreSQL store), changed under the store's "accounts"
lock (one transaction with the log line that records the change, on PostgreSQL):

    accounts.json   one entry per email: role, beneficiaries (analysts), Argon2id password hash,
                    must-change flag, disabled flag, when created and changed
    setup.json      the SHA-256 of the one-time setup link's token and when it expires (only while no
                    account exists)

Rules:
- Passwords are hashed with Argon2id (argon2-cffi's defaults, RFC 9106); no password is ever stored,
  logged or shown in clear, and none is built in. A password set by someone else (``users add`` without
  ``--password-stdin``, ``reset-password``) is a one-time password that must be changed at first sign-in.
- An email is one account; emails are compared in lower case. Organisation accounts (OpenID Connect)
  take their role from the same assignment, by email.
- Every change to an account or a role is written to the store's log through the ``log`` callback, with
  who made it; checking a password for an unknown email costs as much as for a known one.
- A password reset, a role change or a disabled account ends every session the account has, on every server
  (``indicators/access/sessions.py``); a person changing their own password ends their other sessions.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Protocol

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from indicators.access.identity import Identity
from indicators.access.roles import ROLE_NAMES, ROLES, Action, require
from indicators.access.sessions import digest as session_digest
from indicators.domain.i18n import _
from indicators.domain.problems import ProjectError
from indicators.domain.reference import BENEFICIARY_CODES

PASSWORD_MIN, PASSWORD_MAX = 12, 1024
ONE_TIME_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread
LogEvent = Callable[[dict], None]

_hasher = PasswordHasher()  # Argon2id, time cost 3, 64 MiB, parallelism 4
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))  # verified against when no account matches


class AccountError(ProjectError):
    """An account change or a sign-in the accounts refuse; the message says why."""


@dataclass(frozen=True)
class Account:
    email: str
    role: str | None
    beneficiaries: tuple[str, ...] = ()
    password_hash: str | None = field(default=None, repr=False)
    must_change: bool = False
    disabled: bool = False
    created_at: str = ""
    changed_at: str = ""
    token_sha256: str | None = field(default=None, repr=False)  # a personal token for the command line

    def public(self) -> dict:
        """The account as shown to administrators: everything but the password hash."""
        return {
            "email": self.email,
            "role": self.role,
            "beneficiaries": list(self.beneficiaries),
            "has_password": self.password_hash is not None,
            "has_token": self.token_sha256 is not None,
            "must_change": self.must_change,
            "disabled": self.disabled,
            "created_at": self.created_at,
            "changed_at": self.changed_at,
        }


def normal_email(email: str) -> str:
    """An email as accounts are keyed: trimmed, lower case."""
    return email.strip().lower()


def email_problem(email: str) -> str | None:
    """Why a text is not an email an account can have, or None."""
    text = normal_email(email)
    local, _at, domain = text.partition("@")
    if not (local and domain and len(text) <= 254) or any(c.isspace() or c in "<>\"'`,;()[]\\" for c in text):
        return _("'{email}' is not an email address (name@organisation.org)").format(email=email.strip()[:80])
    return None


def password_problem(password: str, email: str = "") -> str | None:
    """Why a new password is refused, or None."""
    if len(password) < PASSWORD_MIN:
        return _("a password needs at least {count} characters").format(count=PASSWORD_MIN)
    if len(password) > PASSWORD_MAX:
        return _("a password may have at most {count} characters").format(count=PASSWORD_MAX)
    if email and normal_email(password) == normal_email(email):
        return _("the password may not be the email address")
    return None


def one_time_password() -> str:
    """A random password to give once (16 letters and digits in groups of four, about 79 bits)."""
    chars = "".join(secrets.choice(ONE_TIME_ALPHABET) for _ in range(16))
    return "-".join(chars[i : i + 4] for i in range(0, 16, 4))


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


class Documents(Protocol):
    """Where the accounts are kept: the store backend's document primitives and its named locks."""

    def locked(self, name: str = "store") -> AbstractContextManager[None]: ...

    def read_document(self, name: str) -> bytes | None: ...

    def write_document(self, name: str, data: bytes) -> None: ...

    def delete_document(self, name: str) -> bool: ...


ACCOUNTS, SETUP = "accounts.json", "setup.json"
PREFERENCES = "preferences.json"  # per email: the interface language chosen last


class Accounts:
    """The accounts kept with a store (its backend's documents); ``log`` receives one event per change (the
    store's log)."""

    def __init__(self, documents: Documents, log: LogEvent | None = None) -> None:
        self.documents = documents
        self._log = log or (lambda event: None)

    @property
    def root(self) -> Path | None:
        """The store's folder, when the accounts are kept in one."""
        return getattr(self.documents, "root", None)

    # --- reading and writing -------------------------------------------------------------------------

    def _locked(self) -> AbstractContextManager[None]:
        return self.documents.locked("accounts")

    def _read(self) -> dict[str, Account]:
        data = self.documents.read_document(ACCOUNTS)
        if data is None:
            return {}
        entries = json.loads(data)["accounts"]
        return {
            email: Account(**{**entry, "beneficiaries": tuple(entry.get("beneficiaries", ()))})
            for email, entry in entries.items()
        }

    def _write(self, accounts: dict[str, Account]) -> None:
        payload = {"accounts": {email: asdict(a) for email, a in sorted(accounts.items())}}
        self.documents.write_document(ACCOUNTS, json.dumps(payload, indent=2).encode())

    def _end_sessions(self, email: str, keep: str | None = None) -> None:
        """End the account's sessions kept in the store (but the one of the token ``keep``)."""
        end = getattr(self.documents, "session_delete_for", None)
        if end is not None:
            end(normal_email(email), session_digest(keep) if keep else None)

    def log_event(self, action: str, actor: Identity, note: str) -> None:
        """Write one event to the store's log, naming who acted and how they signed in."""
        event = {"at": _now(), "action": action, "version": None, "user": actor.email, "method": actor.method}
        self._log(event | {"note": note} | ({"os_user": actor.os_user} if actor.os_user else {}))

    def language(self, email: str) -> str | None:
        """The interface language a person chose last (kept apart from the accounts: organisation accounts
        have one too), or None."""
        data = self.documents.read_document(PREFERENCES)
        chosen = json.loads(data).get(normal_email(email), {}).get("language") if data else None
        return chosen if isinstance(chosen, str) else None

    def remember_language(self, email: str, language: str) -> None:
        """Keep a person's choice of interface language for their next visit."""
        with self.documents.locked("preferences"):
            data = self.documents.read_document(PREFERENCES)
            preferences = json.loads(data) if data else {}
            preferences.setdefault(normal_email(email), {})["language"] = language
            self.documents.write_document(PREFERENCES, json.dumps(preferences, indent=2, sort_keys=True).encode())

    def all(self) -> list[Account]:
        """Every account, by email."""
        return sorted(self._read().values(), key=lambda a: a.email)

    def get(self, email: str) -> Account | None:
        """The account of an email, or None."""
        return self._read().get(normal_email(email))

    def any(self) -> bool:
        """Whether any account exists."""
        return bool(self._read())

    def identity(self, email: str, method: str) -> Identity | None:
        """Who an email is now: their role and beneficiaries from the assignment; role None when the email has no
        account; None when the account is disabled (the session ends)."""
        account = self.get(email)
        if account is None:
            return Identity(normal_email(email), None, method)
        if account.disabled:
            return None
        return Identity(account.email, account.role, method, account.beneficiaries)

    # --- changes an administrator makes ------------------------------------------------------------

    @staticmethod
    def _checked(role: str | None, beneficiaries: tuple[str, ...]) -> tuple[str, ...]:
        if role not in ROLES:
            raise AccountError(
                _("'{role}' is not a role; the roles are {roles}").format(role=role, roles=", ".join(ROLES))
            )
        codes = tuple(dict.fromkeys(code.strip().upper() for code in beneficiaries))
        unknown = [code for code in codes if code not in BENEFICIARY_CODES]
        if unknown:
            raise AccountError(
                _("{codes} is not a beneficiary code; the codes are {known}").format(
                    codes=", ".join(unknown), known=", ".join(BENEFICIARY_CODES)
                )
            )
        if codes and role != "analyst":
            raise AccountError(_("only analysts are limited to some beneficiaries; leave the beneficiaries out"))
        return codes

    def _change(self, actor: Identity, email: str, what: str, change: Callable[[Account], Account]) -> Account:
        require(actor, Action.MANAGE_ACCOUNTS, what)
        with self._locked():
            accounts = self._read()
            key = normal_email(email)
            if key not in accounts:
                raise AccountError(
                    _("there is no account {email}; add it with: python -m indicators users add").format(email=key)
                )
            accounts[key] = replace(change(accounts[key]), changed_at=_now())
            self._write(accounts)
        return accounts[key]

    def add(
        self,
        actor: Identity,
        email: str,
        role: str,
        beneficiaries: tuple[str, ...] = (),
        password: str | None = None,
    ) -> str | None:
        """Add an account; returns the one-time password to give them, or None when ``password`` was given."""
        require(actor, Action.MANAGE_ACCOUNTS, _("add an account"))
        if problem := email_problem(email):
            raise AccountError(problem)
        codes = self._checked(role, beneficiaries)
        if password is not None and (problem := password_problem(password, email)):
            raise AccountError(problem)
        given = one_time_password() if password is None else None
        key = normal_email(email)
        with self._locked():
            accounts = self._read()
            if key in accounts:
                raise AccountError(
                    _("{email} already has an account; change its role with: users set-role").format(email=key)
                )
            at = _now()
            accounts[key] = Account(key, role, codes, _hasher.hash(password or given), given is not None, False, at, at)
            self._write(accounts)
        self.log_event("account added", actor, f"{key}: {_role_text(role, codes)}")
        return given

    def set_role(self, actor: Identity, email: str, role: str, beneficiaries: tuple[str, ...] | None = None) -> None:
        """Give an account another role (and, for an analyst, beneficiaries; None keeps an analyst's)."""
        require(actor, Action.MANAGE_ACCOUNTS, _("change a role"))
        current = self.get(email)
        kept = current.beneficiaries if current and beneficiaries is None and role == "analyst" else ()
        codes = self._checked(role, beneficiaries if beneficiaries is not None else kept)
        self._refuse_last_admin(actor, email, role)
        account = self._change(actor, email, _("change a role"), lambda a: replace(a, role=role, beneficiaries=codes))
        self._end_sessions(account.email)
        self.log_event("role changed", actor, f"{account.email}: {_role_text(role, codes)}")

    def disable(self, actor: Identity, email: str) -> None:
        """Disable an account: it cannot sign in, and a session it has ends at its next rerun."""
        self._refuse_last_admin(actor, email, None)
        account = self._change(actor, email, _("disable an account"), lambda a: replace(a, disabled=True))
        self._end_sessions(account.email)
        self.log_event("account disabled", actor, account.email)

    def enable(self, actor: Identity, email: str) -> None:
        """Enable a disabled account again."""
        account = self._change(actor, email, _("enable an account"), lambda a: replace(a, disabled=False))
        self.log_event("account enabled", actor, account.email)

    def reset_password(self, actor: Identity, email: str) -> str:
        """Replace an account's password with a one-time password (returned, to give them once)."""
        given = one_time_password()
        hashed = _hasher.hash(given)
        account = self._change(
            actor, email, _("reset a password"), lambda a: replace(a, password_hash=hashed, must_change=True)
        )
        self._end_sessions(account.email)
        self.log_event("password reset", actor, account.email)
        return given

    def issue_token(self, actor: Identity, email: str) -> str:
        """A new personal token for the command line's ``approve`` and ``return`` (returned to give once; only its
        SHA-256 is kept; it replaces the account's earlier token)."""
        token = "ppd-" + secrets.token_urlsafe(32)
        kept = hashlib.sha256(token.encode()).hexdigest()
        account = self._change(actor, email, _("issue a token"), lambda a: replace(a, token_sha256=kept))
        self.log_event("token issued", actor, account.email)
        return token

    def revoke_token(self, actor: Identity, email: str) -> None:
        """Remove an account's personal token."""
        account = self._change(actor, email, _("revoke a token"), lambda a: replace(a, token_sha256=None))
        self.log_event("token revoked", actor, account.email)

    def check_credential(self, email: str, secret: str) -> bool:
        """Whether ``secret`` is the enabled account's personal token or its password (a one-time password does
        not count: it must be changed first)."""
        account = self.get(email)
        if account is None or account.disabled:
            self.check_password("", secret)  # as slow either way
            return False
        if secret.startswith("ppd-") and account.token_sha256:
            given = hashlib.sha256(secret.encode()).hexdigest()
            return hmac.compare_digest(given, account.token_sha256)
        checked = self.check_password(account.email, secret)
        return checked is not None and not checked.must_change

    def _refuse_last_admin(self, actor: Identity, email: str, new_role: str | None) -> None:
        """An administrator cannot remove the last enabled administrator (nobody could manage accounts)."""
        admins = [a.email for a in self.all() if a.role == "admin" and not a.disabled]
        if admins == [normal_email(email)] and new_role != "admin":
            raise AccountError(
                _("{email} is the only administrator; make another administrator first").format(email=admins[0])
            )

    # --- sign-in and the person's own password --------------------------------------------------------

    def check_password(self, email: str, password: str) -> Account | None:
        """The enabled account when the password is right, else None (as slow either way)."""
        account = self.get(email) if len(password) <= PASSWORD_MAX else None
        usable = account is not None and not account.disabled and account.password_hash is not None
        try:
            _hasher.verify(account.password_hash if usable else _DUMMY_HASH, password[:PASSWORD_MAX])
        except (VerificationError, InvalidHashError):
            return None
        if not usable:
            return None
        if _hasher.check_needs_rehash(account.password_hash):
            with self._locked():
                accounts = self._read()
                if account.email in accounts:
                    accounts[account.email] = replace(accounts[account.email], password_hash=_hasher.hash(password))
                    self._write(accounts)
        return account

    def change_password(self, email: str, current: str, new: str, keep: str | None = None) -> None:
        """The person sets their own password, giving the current (or one-time) one; their other sessions end
        (all but the one of the token ``keep``, where they changed it)."""
        account = self.check_password(email, current)
        if account is None:
            raise AccountError(_("the current password is not right"))
        if problem := password_problem(new, email):
            raise AccountError(problem)
        if hmac.compare_digest(new.encode(), current.encode()):
            raise AccountError(_("choose a password other than the current one"))
        hashed = _hasher.hash(new)
        self._change_own(account.email, lambda a: replace(a, password_hash=hashed, must_change=False))
        self._end_sessions(account.email, keep)
        self.log_event("password changed", Identity(account.email, account.role, "local"), account.email)

    def replace_one_time_password(self, email: str, new: str, keep: str | None = None) -> None:
        """The person, signed in a moment ago with a one-time password (the session ``keep`` proves it), chooses
        their own without typing the one-time password again; refused once it has been replaced. Their other
        sessions end."""
        account = self.get(email)
        if account is None or account.disabled or not account.must_change:
            raise AccountError(_("this account has no one-time password to replace; change the password instead"))
        if problem := password_problem(new, email):
            raise AccountError(problem)
        if account.password_hash and self._same_as(account.password_hash, new):
            raise AccountError(_("choose a password other than the current one"))
        hashed = _hasher.hash(new)
        self._change_own(account.email, lambda a: replace(a, password_hash=hashed, must_change=False))
        self._end_sessions(account.email, keep)
        self.log_event("password changed", Identity(account.email, account.role, "local"), account.email)

    @staticmethod
    def _same_as(password_hash: str, password: str) -> bool:
        try:
            return _hasher.verify(password_hash, password[:PASSWORD_MAX])
        except (VerificationError, InvalidHashError):
            return False

    def _change_own(self, email: str, change: Callable[[Account], Account]) -> None:
        with self._locked():
            accounts = self._read()
            accounts[email] = replace(change(accounts[email]), changed_at=_now())
            self._write(accounts)

    # --- the first administrator, through a one-time setup link ---------------------------------------

    def new_setup_token(self, minutes: float, now: float | None = None) -> str | None:
        """A fresh one-time setup token valid for ``minutes`` while no account exists (None once one does);
        only its SHA-256 is kept, and it replaces any earlier token."""
        with self._locked():
            if self._read():
                self.documents.delete_document(SETUP)
                return None
            token = secrets.token_urlsafe(32)
            expires = (time.time() if now is None else now) + minutes * 60
            payload = {"sha256": hashlib.sha256(token.encode()).hexdigest(), "expires": expires}
            self.documents.write_document(SETUP, json.dumps(payload).encode())
        return token

    def setup_token_valid(self, token: str, now: float | None = None) -> bool:
        """Whether a setup token may still create the first administrator."""
        kept_bytes = self.documents.read_document(SETUP) if token and not self.any() else None
        if kept_bytes is None:
            return False
        kept = json.loads(kept_bytes)
        given = hashlib.sha256(token.encode()).hexdigest()
        return hmac.compare_digest(given, kept["sha256"]) and (time.time() if now is None else now) < kept["expires"]

    def create_first_admin(self, token: str, email: str, password: str, now: float | None = None) -> Identity:
        """Use the setup token (once) to create the first administrator; returns their identity."""
        if problem := email_problem(email) or password_problem(password, email):
            raise AccountError(problem)
        with self._locked():
            if not self.setup_token_valid(token, now):
                raise AccountError(
                    _(
                        "this setup link is not valid any more (used, expired, or an account exists); "
                        "start the app again with make run for a new link, or ask an administrator"
                    )
                )
            key = normal_email(email)
            at = _now()
            self._write({key: Account(key, "admin", (), _hasher.hash(password), False, False, at, at)})
            self.documents.delete_document(SETUP)
        admin = Identity(key, "admin", "local")
        self.log_event("account added", admin, f"{key}: administrator (first account, through the setup link)")
        return admin


def _role_text(role: str | None, beneficiaries: tuple[str, ...]) -> str:
    """A role as the account log records it: in English, whatever the language of the run (the log is data)."""
    return ROLE_NAMES.get(role or "", "no role") + (f" for {', '.join(beneficiaries)}" if beneficiaries else "")
