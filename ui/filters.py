"""Which semester and beneficiaries the pickers offer, and which they show first."""

from __future__ import annotations

import pandas as pd

from indicators.compute.progress import programme_semesters
from indicators.domain.schema import Programme
from indicators.present.charts import beneficiary_order, semester_order


def semester_options(programme: Programme) -> list[str]:
    """Every semester of the programme, newest first."""
    return list(reversed(programme_semesters(programme)))


def default_semester(programme: Programme) -> str | None:
    """The latest semester with a reported value (the one a steering committee assesses), else the latest."""
    reported = semester_order(programme.values["semester"].dropna())
    options = programme_semesters(programme)
    chosen = [s for s in reported if s in options]
    return chosen[-1] if chosen else (options[-1] if options else None)


def beneficiary_options(programme: Programme) -> list[str]:
    """The beneficiaries named in targets, values or activities, in the programme's order."""
    tables = (programme.targets, programme.values, programme.activities)
    return beneficiary_order(pd.concat([table["beneficiary"].dropna().drop_duplicates() for table in tables]))


def default_beneficiary(options: list[str], own: tuple[str, ...] = ()) -> str:
    """The beneficiary shown first: an analyst's own (the first of theirs among the options), else the first."""
    return next((code for code in own if code in options), options[0])
