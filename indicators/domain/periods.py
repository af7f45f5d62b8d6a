"""Semesters: six-month periods identified as DHIS2's SixMonthlyNov rule does.

``2025NovS1`` is 1 Nov 2024 - 30 Apr 2025 and ``2024NovS2`` is 1 May 2024 - 31 Oct 2024: the year is the
year the semester ends. The anchor month (November here) is a setting, so a programme that runs Jan-Jun
gets ``2025JanS1`` = 1 Jan 2025 - 30 Jun 2025.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache, total_ordering

from indicators.domain import i18n
from indicators.domain.i18n import _
from indicators.domain.settings import setting_int

_MONTHS_EN = ("", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_ID_RE = re.compile(r"^\s*(\d{4})\s*([A-Za-z]{3})\s*[Ss]\s*([12])\s*$")
_LABEL_RE = re.compile(r"^\s*([^\W\d_]{3,})\.?\s+(\d{4})\s*(?:-|–|—|to|à)\s*([^\W\d_]{3,})\.?\s+(\d{4})\s*$")
# Month names as French labels write them ("nov. 2024 – avr. 2025", "mai 2026 – oct. 2026"), accents removed.
_MONTHS_FR = {
    "janv": 1, "janvier": 1, "fevr": 2, "fevrier": 2, "mars": 3, "avr": 4, "avril": 4, "mai": 5, "juin": 6,
    "juil": 7, "juillet": 7, "aout": 8, "sept": 9, "septembre": 9, "oct": 10, "octobre": 10, "nov": 11,
    "novembre": 11, "dec": 12, "decembre": 12,
}  # fmt: skip


def _month_number(word: str) -> int:
    """The month a label's word names: French (``févr``, ``mai``) or English (its first three letters)."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", word.lower()) if not unicodedata.combining(c))
    if folded in _MONTHS_FR:
        return _MONTHS_FR[folded]
    return _MONTHS_EN.index(folded[:3].title())  # ValueError when it names no month


_ISO_DATE_RE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00(?:\.0+)?)?)?\s*$")
_DMY_RE = re.compile(r"^\s*(\d{1,2})[./](\d{1,2})[./](\d{4})\s*$")


class PeriodError(ValueError):
    """A value that cannot be read as a semester; the message says what is accepted."""


def anchor_month() -> int:
    """The month a programme year's first semester starts (a setting, 11 by default)."""
    month = setting_int("SEMESTER_ANCHOR_MONTH")
    if not 1 <= month <= 12:
        raise PeriodError(_("SEMESTER_ANCHOR_MONTH must be 1-12, found {month}").format(month=month))
    return month


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


@total_ordering
@dataclass(frozen=True)
class Semester:
    """A six-month period: ``year`` is the year the semester ends, ``half`` is 1 or 2."""

    year: int
    half: int
    anchor: int = 11

    def __post_init__(self) -> None:
        if self.half not in (1, 2):
            raise PeriodError(_("a semester's half is 1 or 2, found {half}").format(half=self.half))

    @property
    def id(self) -> str:
        return f"{self.year}{_MONTHS_EN[self.anchor]}S{self.half}"

    @property
    def start(self) -> dt.date:
        # S1 starts at the anchor month; when the anchor is not January, S1 starts in the previous year.
        first_year = self.year if self.anchor == 1 else self.year - 1
        y, m = _add_months(first_year, self.anchor, 6 * (self.half - 1))
        return dt.date(y, m, 1)

    @property
    def end(self) -> dt.date:
        y, m = _add_months(self.start.year, self.start.month, 5)
        return dt.date(y, m, calendar.monthrange(y, m)[1])

    @property
    def label(self) -> str:
        """The semester as people read it, in the current language ("Nov 2024 – Apr 2025"; "nov. 2024 – avr.
        2025"); the identifier (``id``) never changes."""
        s, e = self.start, self.end
        if i18n.language() == i18n.SOURCE_LANGUAGE:
            return f"{_MONTHS_EN[s.month]} {s.year} – {_MONTHS_EN[e.month]} {e.year}"
        return f"{i18n.month_year(s)} – {i18n.month_year(e)}"

    @property
    def index(self) -> int:
        return self.year * 2 + self.half - 1

    def shift(self, semesters: int) -> Semester:
        """The semester ``semesters`` later (or earlier when negative)."""
        index = self.index + semesters
        return Semester(index // 2, index % 2 + 1, self.anchor)

    def next(self) -> Semester:
        return self.shift(1)

    def previous(self) -> Semester:
        return self.shift(-1)

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Semester):
            return NotImplemented
        return self.index < other.index

    def __str__(self) -> str:
        return self.id


def semester_of(day: dt.date, anchor: int | None = None) -> Semester:
    """The semester that contains a date."""
    anchor = anchor_month() if anchor is None else anchor
    months_since_anchor = (day.month - anchor) % 12
    half = 1 if months_since_anchor < 6 else 2
    y, m = _add_months(day.year, day.month, -months_since_anchor)  # start of the anchor year
    end_year = y if anchor == 1 else y + 1
    return Semester(end_year, half, anchor)


def semester_from_id(value: str, anchor: int | None = None) -> Semester:
    """A semester from its identifier such as ``2025NovS1``."""
    anchor = anchor_month() if anchor is None else anchor
    match = _ID_RE.match(value)
    if not match:
        raise PeriodError(
            _("{value} is not a semester identifier such as {example}").format(
                value=repr(value), example=f"2025{_MONTHS_EN[anchor]}S1"
            )
        )
    year, month_name, half = int(match[1]), match[2].title(), int(match[3])
    if month_name != _MONTHS_EN[anchor]:
        raise PeriodError(
            _(
                "{value} uses the anchor month {month}, but this programme's semesters start in {anchor} "
                "(identifiers such as {example})"
            ).format(
                value=repr(value),
                month=month_name,
                anchor=_MONTHS_EN[anchor],
                example=f"{year}{_MONTHS_EN[anchor]}S{half}",
            )
        )
    return Semester(year, half, anchor)


def parse_semester(value: object, anchor: int | None = None) -> Semester:
    """A semester from an identifier, a label ("Nov 2024 – Apr 2025") or any date inside it.

    Dates are accepted as ``datetime.date``, ISO text (2024-12-01) or day.month.year text; a date written
    with slashes such as 03/04/2024 is refused as ambiguous unless the day is above 12 and the semester
    would be the same either way.
    """
    anchor = anchor_month() if anchor is None else anchor
    if isinstance(value, Semester):
        return value
    if isinstance(value, dt.datetime):
        return semester_of(value.date(), anchor)
    if isinstance(value, dt.date):
        return semester_of(value, anchor)
    if not isinstance(value, str):
        raise PeriodError(_("{value} is not a semester").format(value=repr(value)))
    text = value.strip()
    if _ID_RE.match(text):
        return semester_from_id(text, anchor)
    label = _LABEL_RE.match(text)
    if label:
        try:
            start_month, end_month = _month_number(label[1]), _month_number(label[3])
        except ValueError:
            raise PeriodError(
                _("{value}: month names are written in English or French, e.g. Nov 2024 – Apr 2025").format(
                    value=repr(value)
                )
            ) from None
        start = dt.date(int(label[2]), start_month, 1)
        semester = semester_of(start, anchor)
        if semester.start != start or (semester.end.month, semester.end.year) != (end_month, int(label[4])):
            raise PeriodError(
                _("{value} is not one of this programme's semesters (e.g. {example})").format(
                    value=repr(value), example=semester.label
                )
            )
        return semester
    iso = _ISO_DATE_RE.match(text)
    if iso:
        try:
            return semester_of(dt.date(int(iso[1]), int(iso[2]), int(iso[3])), anchor)
        except ValueError:
            raise PeriodError(_("{value} is not a valid date").format(value=repr(value))) from None
    dmy = _DMY_RE.match(text)
    if dmy:
        a, b, year = int(dmy[1]), int(dmy[2]), int(dmy[3])
        if "/" in text and a <= 12 and b <= 12 and a != b:
            raise PeriodError(
                _(
                    "{value} is ambiguous: it could be day/month or month/day; write the date as {iso} or give the "
                    "semester identifier"
                ).format(value=repr(value), iso=f"{year}-{b:02d}-{a:02d}")
            )
        try:
            return semester_of(dt.date(year, b, a) if a <= 31 and b <= 12 else dt.date(year, a, b), anchor)
        except ValueError:
            raise PeriodError(_("{value} is not a valid date").format(value=repr(value))) from None
    raise PeriodError(
        _(
            "{value} is not a semester: give an identifier such as {example}, a label such as 'Nov 2024 – Apr 2025', "
            "or a date inside the semester"
        ).format(value=repr(value), example=f"2025{_MONTHS_EN[anchor]}S1")
    )


def semester_range(first: Semester, last: Semester) -> list[Semester]:
    """Every semester from ``first`` to ``last``, both included."""
    return [first.shift(i) for i in range(last.index - first.index + 1)]


def semester_label(semester_id: str) -> str:
    """The label people read for a semester identifier, e.g. 'Nov 2024 – Apr 2025' (in the current language)."""
    return _label(str(semester_id), i18n.language(), setting_int("SEMESTER_ANCHOR_MONTH"))


@lru_cache(maxsize=4096)
def _label(semester_id: str, language: str, anchor: int) -> str:
    """A label made once per identifier, language and anchor month (tables ask for the same few thousands of
    times); an identifier that is not one raises every time, uncached."""
    return semester_from_id(semester_id).label
