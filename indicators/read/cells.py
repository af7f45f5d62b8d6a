"""Reading one cell's text as a typed value: numbers, integers, yes/no, dates.

Each reader returns ``(value, note)``: ``note`` is None when the text was plain, a sentence saying how it
was normalised (shown as a warning), or raises ``CellError`` saying what was expected. Nothing is guessed
silently: a comma that could be a decimal or a thousands separator is refused.
"""

from __future__ import annotations

import datetime as dt
import re

from indicators.domain.i18n import _

SPACES = "\u00a0\u202f\u2009\u2007 \t"
_SPACE_RE = re.compile(f"[{SPACES}]")
_PLAIN_NUMBER_RE = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_THOUSANDS_COMMA_RE = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_THOUSANDS_DOT_RE = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$")
_DECIMAL_COMMA_RE = re.compile(r"^[+-]?\d+,\d+$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)
YES = {"yes", "y", "true", "1", "1.0", "da", "po", "oui"}
NO = {"no", "n", "false", "0", "0.0", "ne", "jo", "non"}


class CellError(ValueError):
    """A cell's text cannot be read as the kind its column expects; the message says what was expected."""


def number_from_text(text: str, allow_percent: bool = False) -> tuple[float, str | None]:
    """A number from a cell's text, normalising spaces, comma decimals, separators and a percent sign."""
    raw = text.strip()
    cleaned = _SPACE_RE.sub("", raw)
    notes = [_("spaces removed")] if cleaned != raw else []
    percent = cleaned.endswith("%")
    if percent:
        cleaned = cleaned[:-1]
    if _PLAIN_NUMBER_RE.match(cleaned):
        value = float(cleaned)
    elif (
        _THOUSANDS_COMMA_RE.match(cleaned)
        and cleaned.count(",") >= 2
        or (_THOUSANDS_COMMA_RE.match(cleaned) and "." in cleaned)
    ):
        value = float(cleaned.replace(",", ""))
        notes.append(_("comma read as a thousands separator"))
    elif _THOUSANDS_DOT_RE.match(cleaned) and (cleaned.count(".") >= 2 or "," in cleaned):
        value = float(cleaned.replace(".", "").replace(",", "."))
        notes.append(_("dot read as a thousands separator and comma as the decimal mark"))
    elif _THOUSANDS_COMMA_RE.match(cleaned):
        raise CellError(
            _(
                "a number without ambiguity: a comma followed by three digits could be a decimal mark or a "
                "thousands separator; write 1234 or 1.234"
            )
        )
    elif _DECIMAL_COMMA_RE.match(cleaned):
        value = float(cleaned.replace(",", "."))
        notes.append(_("comma read as the decimal mark"))
    else:
        raise CellError(_("a number"))
    if percent:
        if not allow_percent:
            raise CellError(_("a plain number without a percent sign"))
        notes.append(_("percent sign removed (percentages are written 0-100)"))
    if value != value or value in (float("inf"), float("-inf")):
        raise CellError(_("a finite number"))
    shown = str(int(value)) if value == int(value) and abs(value) < 1e15 else repr(value)
    note = _("read as {value} ({how})").format(value=shown, how="; ".join(notes)) if notes else None
    return value, note


def integer_from_text(text: str) -> tuple[int, str | None]:
    """A whole number from a cell's text."""
    value, note = number_from_text(text)
    if value != int(value):
        raise CellError(_("a whole number"))
    return int(value), note


def yes_no_from_text(text: str) -> tuple[bool, str | None]:
    """True or False from yes/no (and true/false, 1/0; oui/non as written in the template in French) in a cell."""
    folded = text.strip().lower()
    if folded in YES:
        return True, None if folded in ("yes", "true", "1", "oui") else _("read as yes")
    if folded in NO:
        return False, None if folded in ("no", "false", "0", "non") else _("read as no")
    raise CellError(_("yes or no"))


def excel_serial_date(value: float) -> dt.date:
    """The date of an Excel serial day number (1900 date system)."""
    return _EXCEL_EPOCH + dt.timedelta(days=int(value))


_ISO_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?$")
_DMY_RE = re.compile(r"^(\d{1,2})([./])(\d{1,2})\2(\d{4})$")


def date_from_text(text: str) -> tuple[dt.date, str | None]:
    """A date from ISO text, an Excel date cell, an Excel serial number or an unambiguous day.month.year."""
    raw = text.strip()
    iso = _ISO_RE.match(raw)
    dmy = _DMY_RE.match(raw)
    if dmy and dmy[2] == "/" and int(dmy[1]) <= 12 and int(dmy[3]) <= 12 and dmy[1] != dmy[3]:
        raise CellError(
            _("an unambiguous date: {text} could be day/month or month/day; write it as YYYY-MM-DD").format(text=raw)
        )
    try:
        if iso:
            return dt.date(int(iso[1]), int(iso[2]), int(iso[3])), None
        if dmy:
            a, b, year = int(dmy[1]), int(dmy[3]), int(dmy[4])
            if dmy[2] == "/" and b > 12:  # month/day/year
                return dt.date(year, a, b), _("read as month/day/year")
            return dt.date(year, b, a), _("read as day/month/year")
    except ValueError:
        raise CellError(_("a real date (YYYY-MM-DD)")) from None
    if _PLAIN_NUMBER_RE.match(raw):
        serial = float(raw)
        if 20000 <= serial <= 80000 and serial == int(serial):
            day = excel_serial_date(serial)
            return day, _("the number {number} read as the Excel date {date}").format(number=raw, date=day.isoformat())
    raise CellError(_("a date written YYYY-MM-DD"))
