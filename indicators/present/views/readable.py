"""Frames made readable: people's names next to codes (beneficiaries, semesters, statuses), figures rounded.
Pure pandas; ``ui.layout`` re-exports ``readable`` for the pages that still make frames readable themselves."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from indicators.compute.annotations import status_word
from indicators.domain.i18n import _
from indicators.domain.periods import PeriodError, semester_label
from indicators.domain.reference import beneficiary_name
from indicators.present.charts import ACTIVITY_STYLES


def label(semester: object) -> str:
    """A semester identifier as people read it (anything else as written)."""
    try:
        return semester_label(str(semester))
    except PeriodError:
        return str(semester)


def once_each(make: Callable[[object], object]) -> Callable[[object], object]:
    """``make`` worked out once per distinct value within one ``Series.map`` (a column holds few distinct codes
    and many rows)."""
    made: dict[object, object] = {}

    def one(value: object) -> object:
        if value not in made:
            made[value] = make(value)
        return made[value]

    return one


def activity_status_text(activities: pd.DataFrame) -> pd.DataFrame:
    """Activities with ``status_text``: the status's symbol and words, e.g. '✔ Completed'."""

    def text(status: object) -> str:
        style = ACTIVITY_STYLES.get(str(status))
        return f"{style.symbol} {_(style.label)}" if style else str(status)

    return activities.assign(status_text=activities["status"].map(once_each(text), na_action="ignore"))


def readable(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with people's names next to codes: beneficiary_name, *_label for semesters, and status_text
    (symbol and words) for indicator or activity statuses."""
    out = frame
    if "beneficiary" in out:
        out = out.assign(
            beneficiary_name=out["beneficiary"].map(
                once_each(lambda c: _("All beneficiaries") if c == "ALL" else beneficiary_name(str(c))),
                na_action="ignore",
            )
        )
    for column in ("semester", "from_semester", "to_semester", "semester_adopted", "semester_assessed"):
        if column in out:
            out = out.assign(**{f"{column}_label": out[column].map(once_each(label), na_action="ignore")})
    if "status_symbol" in out and "status_label" in out:
        out = out.assign(status_text=out["status_symbol"].fillna("") + " " + out["status_label"].fillna(""))
        if "status_by_revision" in out:  # a status the target revision alone changed says so
            by_revision = out["status_by_revision"].astype("boolean").fillna(False).to_numpy(dtype=bool)
            # as text first: a column with no value at all (every original status hidden) holds Arrow nulls,
            # which take no "" (ArrowInvalid)
            before = out["status_original"].astype("string").map(once_each(status_word), na_action="ignore")
            before = before.astype("string").fillna("")
            revised = _("{status} (target revised; against the original: {original})")
            out = out.assign(
                status_text=out["status_text"].mask(
                    by_revision,
                    [revised.format(status=s, original=b) for s, b in zip(out["status_text"], before, strict=True)],
                )
            )
    if "explanation_due" in out and "comment" in out:
        none_given = _("none given ({reason})")
        out = out.assign(
            explanation=out["comment"].fillna(
                out["explanation_due"].map(
                    once_each(lambda reason: none_given.format(reason=reason)), na_action="ignore"
                )
            )
        )
    elif "activity_id" in out and "status" in out:
        out = activity_status_text(out)
    figures = [c for c in ("baseline", "target", "actual", "semester_value") if c in out]
    return out.assign(**{c: out[c].round(1) for c in figures})
