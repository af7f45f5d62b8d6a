"""The ground floor: what a programme is, before anything is read, computed or shown.

Table schemas and the ``Programme`` type, semesters, the beneficiaries and the Kosovo* footnote, problems
and the project's errors, and the settings table. Modules here import nothing of the project outside
``indicators.domain``.
"""
