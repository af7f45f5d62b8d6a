"""Exports people open in spreadsheet programs: text can never become a formula there.

Any text cell that starts with = + - @, a tab or a carriage return is written with a leading apostrophe
(the OWASP advice against CSV injection), so Excel and LibreOffice show it as text and never run it.
Numbers stay numbers. The Kosovo* footnote ends every export that names Kosovo*, in the current language. The
header row is the frame's column names as the caller gives them (pages name them for people).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from indicators.domain.i18n import _
from indicators.domain.reference import KOSOVO_FOOTNOTE

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert_text(value: object) -> object:
    """Text that cannot start a formula; other values unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def inert_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A frame whose text cells (and column names) cannot be read as formulas."""
    text_columns = [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]
    out = frame.assign(**{c: frame[c].map(inert_text, na_action="ignore") for c in text_columns})
    return out.rename(columns=lambda c: inert_text(str(c)))


def csv_numbers(frame: pd.DataFrame) -> pd.DataFrame:
    """Figures as a spreadsheet reads them: decimals rounded to 2 places, and a column of whole numbers written
    without ".0" (7, not 7.0; 1.33, not 1.3333333333333333). Numbers stay numbers; text stays text."""
    floats = [c for c in frame.columns if pd.api.types.is_float_dtype(frame[c])]
    if not floats:
        return frame
    rounded = {c: frame[c].round(2) for c in floats}
    whole = {c: v.astype("Int64") for c, v in rounded.items() if (v.dropna() == v.dropna().round()).all()}
    return frame.assign(**{**rounded, **whole})


def csv_export(frame: pd.DataFrame, notes: Sequence[str] = ()) -> bytes:
    """A table as UTF-8 CSV (with a BOM for spreadsheet programs), inert text; then each note (e.g. that the
    data are illustrative) and, when Kosovo* is named, its footnote, each on a line of its own."""
    body = inert_frame(csv_numbers(frame)).to_csv(index=False)
    lines = [*notes, *([_(KOSOVO_FOOTNOTE)] if "Kosovo*" in body or "XKX" in body else [])]
    tail = "".join(f'\n"{line}"\n' for line in lines)
    return ("\ufeff" + body + tail).encode("utf-8")
