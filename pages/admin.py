"""Accounts: who may sign in and with which role; every change is written to the log (administrators only).
The tables and forms are in ui/account_forms.py; the rules are enforced in ``indicators.access``."""

import streamlit as st

from indicators.domain.i18n import _
from ui import account_forms, data, layout, view

layout.page_header(_("Accounts"), _("Who may sign in and with which role. Every change is written to the log."))
layout.show_flash()
accounts, me = data.store().accounts, view.identity()
emails = account_forms.accounts_table(accounts)
account_forms.one_time_password_shown()

st.subheader(_("Add an account"))
account_forms.add_form(accounts, me)

if emails:
    st.subheader(_("Change an account"))
    account_forms.change_form(accounts, me, emails)

st.subheader(_("Account and sign-in log"))
account_forms.account_log(data.store().log())
