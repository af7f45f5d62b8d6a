"""The Accounts page's tables and forms: every account with its role and state, the forms that add and change
one, the one-time password shown once, and the account and sign-in log. The rules (who may do what, the log)
are enforced in ``indicators.access``; these only lay them out."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from indicators.access.accounts import Accounts
from indicators.access.identity import Identity
from indicators.access.roles import ROLES, role_name
from indicators.domain.i18n import N_, _
from indicators.domain.reference import BENEFICIARY_CODES, beneficiary_name
from ui import auth, layout, sessions, tables

ACCOUNT_ACTIONS = ("account added", "role changed", "account disabled", "account enabled", "password reset",
                   "password changed", "signed in", "sign-in failed", "signed out")  # fmt: skip
COLUMNS = {
    "email": tables.column(N_("Email"), width="medium"),
    "role_text": tables.column(N_("Role")),
    "beneficiaries_text": tables.column(
        N_("Beneficiaries"), N_("An analyst limited to these uploads only their rows.")
    ),
    "state": tables.column(N_("State")),
    "created_at": tables.column(N_("Created")),
    "changed_at": tables.column(N_("Changed")),
}
FIELDS = ["email", "role", "beneficiaries", "disabled", "must_change", "created_at", "changed_at"]


def accounts_table(accounts: Accounts) -> list[str]:
    """Every account, its role, beneficiaries and state; the e-mails listed."""
    rows = pd.DataFrame([a.public() for a in accounts.all()], columns=FIELDS)
    rows = rows.assign(
        role_text=rows["role"].map(role_name),
        beneficiaries_text=rows["beneficiaries"].map(lambda codes: ", ".join(codes) or _("all")),
        state=[(_("disabled") if off else _("must change password") if new else _("active"))
               for off, new in zip(rows["disabled"], rows["must_change"], strict=True)],
        created_at=tables.moments(rows["created_at"]), changed_at=tables.moments(rows["changed_at"]),
    )  # fmt: skip
    tables.table(rows, COLUMNS, key="accounts")
    return rows["email"].tolist()


def one_time_password_shown() -> None:
    """The one-time password just made (once: it is never shown again)."""
    if given := st.session_state.pop("_one_time_password", None):
        st.warning(
            _(
                "One-time password for {email}: `{password}`. Give it to them once (it is shown only now); "
                "they choose their own at first sign-in."
            ).format(email=auth.text(given[0]), password=given[1]),
            icon=":material/key:",
        )


def add_form(accounts: Accounts, me: Identity | None) -> None:
    """Add an account: its e-mail, role and (for analysts) beneficiaries; a one-time password is made."""
    with st.form("add_account", clear_on_submit=True):
        email = st.text_input(_("Email"))
        role = st.selectbox(_("Role"), ROLES, format_func=role_name)
        codes = st.multiselect(_("Only these beneficiaries (analysts; none means all)"), BENEFICIARY_CODES,
                               format_func=beneficiary_name)  # fmt: skip
        if st.form_submit_button(_("Add the account"), type="primary"):
            with layout.project_errors_shown():
                password = accounts.add(me, email, role, tuple(codes))
                st.session_state["_one_time_password"] = (email.strip().lower(), password)
                layout.flash(_("Added {email} as {role}.").format(email=email.strip().lower(), role=role_name(role)))


def change_form(accounts: Accounts, me: Identity | None, emails: list[str]) -> None:
    """Change an account's role, enable or disable it (ending its sessions), or reset its password."""
    chosen = st.selectbox(_("Account"), emails, key="account_email")
    account = accounts.get(chosen)
    new_role = st.selectbox(
        _("Role"), ROLES, index=ROLES.index(account.role), format_func=role_name, key="account_role"
    )
    new_codes = st.multiselect(_("Only these beneficiaries (analysts; none means all)"), BENEFICIARY_CODES,
                               default=list(account.beneficiaries), format_func=beneficiary_name,
                               key="account_codes")  # fmt: skip
    save, toggle, reset = st.columns(3)
    with layout.project_errors_shown():
        if save.button(_("Save the role"), type="primary"):
            accounts.set_role(me, chosen, new_role, tuple(new_codes) if new_role == "analyst" else ())
            layout.flash(_("{email} is now {role}.").format(email=chosen, role=role_name(new_role)))
        if account.disabled and toggle.button(_("Enable the account")):
            accounts.enable(me, chosen)
            layout.flash(_("{email} may sign in again.").format(email=chosen))
        if not account.disabled and toggle.button(_("Disable the account")):
            accounts.disable(me, chosen)
            sessions.SESSIONS.end_all(chosen)
            layout.flash(_("{email} is disabled; their sessions have ended.").format(email=chosen))
        if reset.button(_("Reset the password")):
            st.session_state["_one_time_password"] = (chosen, accounts.reset_password(me, chosen))
            layout.flash(_("{email} has a new one-time password.").format(email=chosen))


def account_log(log: pd.DataFrame) -> None:
    """The account and sign-in entries of the log, newest first."""
    tables.log_table(log[log["action"].isin(ACCOUNT_ACTIONS)].iloc[::-1], key="account_log")
