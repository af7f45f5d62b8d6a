"""Languages (issue 17): numbers, percentages, dates and semester labels per language; the catalogues complete,
compiled and up to date with the source."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from indicators.domain import i18n
from indicators.domain.periods import semester_from_id

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "indicators" / "locale"
NNBSP = "\u202f"


@pytest.mark.parametrize(
    ("lang", "number", "percent", "day", "label"),
    [
        ("en", "1,234.5", "46%", "30 October 2024", "Nov 2024 – Apr 2025"),
        ("fr", f"1{NNBSP}234,5", f"46{NNBSP}%", "30 octobre 2024", "nov. 2024 – avr. 2025"),
    ],
)
def test_figures_and_dates_are_written_for_the_language(lang, number, percent, day, label) -> None:
    with i18n.using(lang):
        assert i18n.number(1234.5) == number
        assert i18n.percent(0.46) == percent
        assert i18n.date(dt.date(2024, 10, 30)) == day
        assert semester_from_id("2025NovS1").label == label
        assert semester_from_id("2025NovS1").id == "2025NovS1"  # identifiers never change


@pytest.mark.parametrize(
    ("given", "code"),
    [("fr", "fr"), ("fr-BE", "fr"), ("FR_ca", "fr"), ("en-GB", "en"), ("de", None), (None, None), ("", None)],
)
def test_a_browser_locale_names_a_supported_language(given, code) -> None:
    assert i18n.supported(given) == code


def test_an_unsupported_language_falls_back_to_english() -> None:
    with i18n.using("de"):
        assert i18n.language() == "en"


def catalogue(domain: str):  # noqa: ANN201
    with (LOCALE / "fr" / "LC_MESSAGES" / f"{domain}.po").open("rb") as handle:
        return read_po(handle, locale="fr")


@pytest.mark.parametrize("domain", i18n.DOMAINS)
def test_the_french_catalogue_is_complete(domain: str) -> None:
    """No entry untranslated or fuzzy: the French interface never falls back to English text."""
    untranslated = [m.id for m in catalogue(domain) if m.id and not (all(m.string) if m.pluralizable else m.string)]
    fuzzy = [m.id for m in catalogue(domain) if m.id and m.fuzzy]
    assert not untranslated, untranslated[:20]
    assert not fuzzy, fuzzy[:20]


def _key(text):  # noqa: ANN001, ANN202
    """A message id or text; plural forms as a tuple (read_mo gives lists, read_po tuples)."""
    return tuple(text) if isinstance(text, (list, tuple)) else text


@pytest.mark.parametrize("domain", i18n.DOMAINS)
def test_the_compiled_catalogue_is_the_french_catalogue(domain: str) -> None:
    """<domain>.mo (what the app reads) holds exactly <domain>.po: `make i18n-compile` was run."""
    with (LOCALE / "fr" / "LC_MESSAGES" / f"{domain}.mo").open("rb") as handle:
        compiled = {_key(m.id): _key(m.string) for m in read_mo(handle) if m.id}
    source = {_key(m.id): _key(m.string) for m in catalogue(domain) if m.id}
    assert compiled == source


@pytest.mark.parametrize("domain", i18n.DOMAINS)
def test_every_text_in_the_source_is_in_the_catalogue(domain: str, tmp_path: Path) -> None:
    """`make i18n-update` was run: each _(), N_() and ngettext() text of the code has its French entry."""
    pot = tmp_path / f"{domain}.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "-q", "extract", "-F", "babel.cfg", "-k", "N_",
         "-k", "ngettext:1,2", "--no-location", "-o", str(pot), *i18n.DOMAINS[domain]],
        cwd=ROOT, check=True,
    )  # fmt: skip
    with pot.open("rb") as handle:
        extracted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    known = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue(domain) if m.id}
    assert not extracted - known, sorted(extracted - known)[:20]


def test_the_makefile_and_the_code_name_the_same_catalogues() -> None:
    makefile = (ROOT / "Makefile").read_text()
    for domain, paths in i18n.DOMAINS.items():
        assert f"I18N_{domain} := " in makefile
        for path in paths:
            assert path in makefile, path


@pytest.mark.parametrize(
    ("language", "stamp", "zone", "expected"),
    [
        ("en", "2026-12-06T21:33:08+00:00", "Europe/Podgorica", "6 December 2026, 22:33 CET"),
        ("en", "2026-12-06T21:33:08+00:00", None, "6 December 2026, 21:33 UTC"),
        ("en", "2026-12-06T21:33:08+00:00", "Not/AZone", "6 December 2026, 21:33 UTC"),
        ("fr", "2026-12-06T21:33:08+00:00", "Europe/Paris", "6 décembre 2026, 22:33 +0100"),
        ("en", "2026-07-01T10:00:00", "UTC", "1 July 2026, 10:00 UTC"),  # no offset written: UTC
        ("en", None, "UTC", ""),
        ("en", "", "UTC", ""),
        ("en", "not a time", "UTC", "not a time"),
    ],
)
def test_a_moment_is_written_for_the_reader_never_as_iso(language, stamp, zone, expected):
    with i18n.using(language):
        assert i18n.moment(stamp, zone) == expected
