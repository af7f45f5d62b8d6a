"""Figures and days as the report prints them, in the current language.

English keeps the pack's own formats exactly as they were (``1,234``, ``46%``, ``+5``, ``29 November 2026``,
``30 Oct 2024``); French is written by Babel through ``indicators.domain.i18n`` (``1 234``, ``46 %`` with
narrow no-break spaces, ``29 novembre 2026``, ``30 oct. 2024``). Every writer of the pack goes through these,
so the PDF, the slides and the workbook print a figure the same way.
"""

from __future__ import annotations

import datetime as dt
import math

from indicators.domain import i18n
from indicators.domain.settings import setting_float

NNBSP = i18n.NARROW_NBSP
OVER_MARK = "⇑"  # after a progress at or above OVER_ACHIEVED: over-achieved (the method annex says so)


def english() -> bool:
    """Whether the current language is the source language (the pack's English formats)."""
    return i18n.language() == i18n.SOURCE_LANGUAGE


def figure(value: float) -> str:
    """A number: whole numbers without decimals, others to one decimal (``1,234``; ``1 234,5``)."""
    whole = value == round(value)
    if english():
        return f"{value:,.0f}" if whole else f"{value:,.1f}"
    return i18n.number(value, decimals=0 if whole else 1)


def whole(value: float) -> str:
    """A number rounded to a whole one (``1,234``; ``1 234``)."""
    return f"{value:,.0f}" if english() else i18n.number(round(value), decimals=0)


def signed(value: float) -> str:
    """A change rounded to a whole number with its sign (``+1,234``, ``-5``; ``+1 234``)."""
    if english():
        return f"{value:+,.0f}"
    rounded = round(value)
    return ("+" if rounded >= 0 else "") + i18n.number(rounded, decimals=0)


def with_percent_sign(text: str) -> str:
    """A number already written, as a percentage (``46%``; ``46 %``)."""
    return f"{text}%" if english() else f"{text}{NNBSP}%"


def share(value: float) -> str:
    """A share from 0 to 1 as a whole percentage (``46%``; ``46 %``), halves rounded away from zero as a
    spreadsheet rounds them (112.5% prints 113%, as the workbook shows the same number)."""
    whole = math.copysign(math.floor(abs(100 * float(value)) + 0.5 + 1e-9), float(value)) + 0.0
    return f"{whole:.0f}%" if english() else i18n.percent(whole / 100)


def over_threshold() -> float:
    """The progress (1 = target reached) from which an indicator is over-achieved (setting OVER_ACHIEVED)."""
    return setting_float("OVER_ACHIEVED")


def over_achieved(value: float) -> bool:
    """Whether a progress (1 = target reached) is at or above the over-achievement mark (OVER_ACHIEVED)."""
    return value >= over_threshold()


def progress(value: float) -> str:
    """Progress as a whole percentage, never capped, with the over-achievement mark (``162% ⇑``;
    ``162 % ⇑``)."""
    text = share(value)
    return f"{text} {OVER_MARK}" if over_achieved(value) else text


def day(value: dt.date) -> str:
    """A day in full (``29 November 2026``; ``29 novembre 2026``)."""
    return f"{value.day} {value:%B %Y}" if english() else i18n.date(value)


def short_day(value: dt.date) -> str:
    """A day with the month abbreviated (``30 Oct 2024``; ``30 oct. 2024``)."""
    return f"{value.day} {value:%b %Y}" if english() else i18n.date(value, "d MMM y")


def moment(value: dt.datetime) -> str:
    """A day and time in UTC (``29 November 2026, 10:00 UTC``; ``29 novembre 2026, 10:00 UTC``)."""
    if english():
        return f"{value.day} {value:%B %Y, %H:%M} UTC"  # '7 December', as the days of ``day``
    return f"{i18n.date(value)}, {value:%H:%M} UTC"
