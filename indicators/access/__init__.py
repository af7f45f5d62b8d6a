"""Who may do what: accounts, roles and the permission table that the store and ingest check themselves.

Imports ``indicators.domain`` only.
"""
