"""Languages: every text a person reads comes from the message catalogues, in English or French.

- ``_("text")`` translates a message into the current language. The catalogues are
  ``indicators/locale/<lang>/LC_MESSAGES/<domain>.po``, one per part of the code (``DOMAINS``), compiled to
  ``.mo`` by ``make i18n-compile`` and merged when loaded. English is the source language: the English text
  is the message id, so an English reader sees it unchanged.
- ``N_("text")`` only marks a text for extraction where it is defined (a module constant, a table of labels);
  it is translated with ``_`` where it is shown.
- ``ngettext(singular, plural, n)`` for texts with a count.
- Placeholders are named (``_("Version {id} is approved").format(id=...)``), never f-strings, so that a
  translator sees the whole sentence and may move the figure.
- Numbers, percentages and dates are written for the language with Babel (``number``, ``percent``, ``date``):
  French ``1 234,5``, ``46 %`` (narrow no-break spaces), ``30 octobre 2024``.

The current language is a context variable: the app sets it at the start of every run of a session's script
(``ui/language.py``), the command line from ``--lang`` or the setting DEFAULT_LANGUAGE. Data is never
translated: indicator titles, comments and activity names stay as the analyst wrote them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
from collections.abc import Iterator
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from babel.support import NullTranslations, Translations

LANGUAGES: dict[str, str] = {"en": "English", "fr": "Français"}
SOURCE_LANGUAGE = "en"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
# One catalogue per part of the code (its own .po, so that parts are translated apart), merged when loaded.
DOMAINS: dict[str, tuple[str, ...]] = {
    "interface": ("dashboard.py", "pages", "ui", "indicators/present/views"),
    "figures": (
        "indicators/compute",
        "indicators/domain",
        "indicators/present/charts.py",
        "indicators/present/export.py",
    ),
    "workbooks": (
        "indicators/read",
        "indicators/present/template.py",
        "indicators/access",
        "indicators/storage",
        "indicators/ingest.py",
        "indicators/store.py",
        "indicators/saved_mappings.py",
        "indicators/demo.py",
        "indicators/__main__.py",
        "indicators/public_reports.py",
    ),
    "reports": ("indicators/present/reports",),
}
NARROW_NBSP = "\u202f"

_language: ContextVar[str] = ContextVar("language", default=SOURCE_LANGUAGE)


def supported(code: object) -> str | None:
    """The supported language a code or a browser locale names (``fr``, ``fr-BE``, ``FR_ca``), else None."""
    text = str(code or "").strip().replace("_", "-").lower()
    first = text.split("-", 1)[0]
    return first if first in LANGUAGES else None


def language() -> str:
    """The current language code."""
    return _language.get()


def set_language(code: str) -> None:
    """Make ``code`` the current language (an unsupported code: the source language)."""
    _language.set(supported(code) or SOURCE_LANGUAGE)


@contextlib.contextmanager
def using(code: str) -> Iterator[None]:
    """Run a block in another language, then go back."""
    token = _language.set(supported(code) or SOURCE_LANGUAGE)
    try:
        yield
    finally:
        _language.reset(token)


@lru_cache(maxsize=len(LANGUAGES))
def translations(code: str) -> NullTranslations:
    """The compiled catalogue of a language (English: the messages as written)."""
    if code == SOURCE_LANGUAGE:
        return NullTranslations()
    merged = Translations()
    for domain in DOMAINS:
        merged.merge(Translations.load(str(LOCALE_DIR), [code], domain))
    return merged


def _(message: str) -> str:
    """``message`` in the current language."""
    return translations(language()).gettext(message)


def N_(message: str) -> str:  # noqa: N802 (the conventional name xgettext and Babel look for)
    """Mark ``message`` for the catalogue without translating it here."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for ``n`` in the current language."""
    return translations(language()).ngettext(singular, plural, n)


BABEL_LOCALES = {"en": "en_GB", "fr": "fr_FR"}  # the Council of Europe writes British English: 30 October 2024


def _locale() -> Locale:
    return Locale.parse(BABEL_LOCALES[language()])


def number(value: float, decimals: int = 1) -> str:
    """A number written for the language, with at most ``decimals`` decimals (``1,234.5``; ``1 234,5``)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    pattern = "#,##0" + ("." + "#" * decimals if decimals > 0 else "")
    text = babel_numbers.format_decimal(value, format=pattern, locale=_locale())
    return text.replace("\xa0", NARROW_NBSP)


def percent(value: float, decimals: int = 0) -> str:
    """A share (0.46) written as a percentage for the language (``46%``; ``46 %`` with a narrow space)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "") + "%"
    text = babel_numbers.format_percent(value, format=pattern, locale=_locale())
    if language() == "fr":  # French sets the sign apart with a narrow no-break space
        text = text.replace("\xa0", NARROW_NBSP)
        if not text.endswith(NARROW_NBSP + "%"):
            text = text[:-1].rstrip() + NARROW_NBSP + "%"
    return text


def date(day: dt.date | dt.datetime, form: str = "long") -> str:
    """A day written for the language (``30 October 2024``; ``30 octobre 2024``)."""
    return babel_dates.format_date(day, form, locale=_locale())


def month_year(day: dt.date) -> str:
    """A month and year, abbreviated (``Nov 2024``; ``nov. 2024``)."""
    return babel_dates.format_date(day, "MMM y", locale=_locale())


def moment(stamp: object, zone: str | None = None) -> str:
    """A moment (an ISO timestamp as the store writes it, or a datetime) written for the language in the reader's
    time zone (an IANA name such as ``Europe/Podgorica``; UTC when unknown): ``6 December 2026, 22:33 +0100``;
    ``6 décembre 2026, 22:33 +0100``. Empty for no moment; a text that is no timestamp is returned as written."""
    if stamp is None or (isinstance(stamp, float) and math.isnan(stamp)) or str(stamp).strip() in ("", "NaT", "<NA>"):
        return ""
    try:
        value = stamp if isinstance(stamp, dt.datetime) else dt.datetime.fromisoformat(str(stamp).strip())
    except ValueError:
        return str(stamp)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    try:
        where = ZoneInfo(zone) if zone else dt.UTC
    except (ZoneInfoNotFoundError, ValueError):
        where = dt.UTC
    return babel_dates.format_datetime(value, "d MMMM y, HH:mm z", tzinfo=where, locale=_locale())
