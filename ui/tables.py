"""Read-only tables: the column configurations of every table a page shows (defined once with ``N_``,
translated when shown), the table itself (cut to its columns in Python, gaps as words, percentages whole),
and the versions and log tables."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import streamlit as st

from indicators.domain import i18n
from indicators.domain.i18n import N_, _
from indicators.present.views.readable import once_each
from ui import data, language, style


def table(frame: pd.DataFrame, columns: Mapping[str, object], height: int | str = "auto", key: str | None = None):
    """A read-only table showing ``columns`` (name: column_config) in that order, without the index.

    The frame is cut to those columns here, in Python: column_config only hides columns in the browser, and
    whatever reaches st.dataframe is sent to it whole."""
    shown = [c for c in columns if c in frame.columns]
    sent = frame[shown].reset_index(drop=True)
    config = {c: translated(columns[c]) for c in shown}
    for name in shown:  # a number column with gaps is sent as text, so that a gap reads as words, not "None"
        kind = config[name].get("type_config", {}) if isinstance(config[name], dict) else {}
        if kind.get("type") == "number" and sent[name].isna().any():
            sent[name] = numbers_as_text(sent[name], kind.get("format"), _(MISSING_TEXT.get(name, "–")))
            config[name] = {**config[name], "alignment": "right", "type_config": {"type": "text"}}
        elif kind.get("format") == "percent" and kind.get("type") in ("number", "progress"):
            # one precision for every percentage a person reads: whole percents (73%, never 72.73%)
            sent[name] = (sent[name].astype("Float64") * 100).round(0)
            scaled = {"format": "%.0f%%"}
            if kind.get("type") == "progress":
                scaled |= {"min_value": 0.0, "max_value": 100.0}
            config[name] = {**config[name], "type_config": {**kind, **scaled}}
        elif kind.get("type") == "text" and sent[name].isna().any():  # an empty text cell is empty
            sent[name] = sent[name].astype("string").fillna("")
        elif kind.get("type") == "datetime" and i18n.language() != i18n.SOURCE_LANGUAGE:
            # the browser writes month names in English: a day is sent written for the language instead
            sent[name] = pd.to_datetime(sent[name]).map(lambda day: i18n.date(day, "d MMM y"), na_action="ignore")
            config[name] = {**config[name], "type_config": {"type": "text"}}
    config, row_height = style.fitted(sent, config)  # long texts wrap (and widen their column), never cut
    if row_height and height == "auto":  # as many rows in view as a table of single lines shows
        height = style.table_height(len(sent), row_height)
    return st.dataframe(
        sent,
        hide_index=True,
        column_order=shown,
        column_config=config,
        height=height,
        key=key,
        row_height=row_height,
    )


def translated(config: object) -> object:
    """A column_config entry with its label and help in the current language (tables of columns are defined
    once, with ``N_``, and translated when shown)."""
    if not isinstance(config, dict):
        return config
    words = {key: _(config[key]) for key in ("label", "help") if isinstance(config.get(key), str) and config[key]}
    return {**config, **words}


# What an empty cell of a number column says (other number columns: a dash). Streamlit's table shows "None"
# for a missing number and has no option to say otherwise, so such a column is sent as text (it then sorts
# as text).
MISSING_TEXT = {
    "actual": N_("not reported"),
    "value": N_("not reported"),
    "semester_value": N_("not reported"),
    "female": N_("not reported"),
    "male": N_("not reported"),
    "numerator": N_("not reported"),
    "denominator": N_("not reported"),
}


def numbers_as_text(values: pd.Series, number_format: str | None, missing: str) -> pd.Series:
    """Numbers written as a table shows them (``format`` of a NumberColumn), ``missing`` for a gap."""

    def one(value: object) -> str:
        if pd.isna(value):
            return missing
        number = float(value)  # type: ignore[arg-type]
        if number_format == "percent":
            return language.percent(number)
        if number_format and number_format.startswith("%"):
            return number_format % number
        if i18n.language() != i18n.SOURCE_LANGUAGE:
            return i18n.number(number, 2)
        return f"{number:,.2f}".rstrip("0").rstrip(".")

    return values.map(one).astype("string")


def column(label: str, help: str | None = None, kind: str = "text", **options: object) -> object:
    """A column_config entry: kind is text, number, percent (0-1 as a bar), date or list."""
    config = st.column_config
    if kind == "number":
        return config.NumberColumn(label, help=help, **options)
    if kind == "percent":
        return config.ProgressColumn(label, help=help, min_value=0.0, max_value=1.0, format="percent")
    if kind == "date":
        return config.DatetimeColumn(label, help=help, **options)
    if kind == "checkbox":
        return config.CheckboxColumn(label, help=help)
    return config.TextColumn(label, help=help, **options)


HIDDEN_HELP = N_("Sensitive counts from 1 to 4 are shown as '<5'; '[c]' is hidden so that a '<5' cannot be worked out.")


# The key columns of a table come first (a phone shows about 358 px of it: tests/test_style.py), the row's name
# pinned while the rest scrolls by; a status or an explanation has a set width, where its words wrap.
EXPLANATION_COLUMNS = {
    "indicator_id": column(N_("Indicator"), width="small", pinned=True),
    "beneficiary_name": column(N_("Beneficiary"), width=110),
    "status_text": column(N_("Status"), width=150),
    "explanation": column(N_("Explanation"), N_("The analyst's comment on the figure."), width="large"),
    "explanation_due": column(
        N_("Explanation needed because"), N_("At risk, off track, over-achieved or not reported.")
    ),
    "title": column(N_("Title"), width="large"),
}
REVISION_COLUMNS = {
    "indicator_id": column(N_("Indicator"), width="small", pinned=True),
    "beneficiary_name": column(N_("Beneficiary"), width=110),
    "semester_label": column(N_("Semester"), width=150),
    "original_target": column(N_("Original target"), kind="number"),
    "target": column(N_("Target in force"), kind="number"),
    "status_text": column(N_("Status"), width="medium"),
    "revision_text": column(N_("Revision"), N_("The meeting that revised the target, and its note."), width="large"),
}


def progress_columns(donor: bool = False, where: bool = False) -> dict[str, object]:
    """Columns of an indicator_progress table (readable), with the donor-safe actual when ``donor`` and the
    beneficiary and semester when ``where``."""
    actual = (
        {"actual_display": column(N_("Actual"), N_("Value to date; sensitive counts from 1 to 4 are shown as '<5'."))}
        if donor
        else {"actual": column(N_("Actual"), N_("Value to date: running total for cumulative counts."), "number")}
    )
    baseline = (
        {"baseline_display": column(N_("Baseline"), HIDDEN_HELP)}
        if donor
        else {"baseline": column(N_("Baseline"), kind="number")}
    )
    where_columns = {"beneficiary_name": column(N_("Beneficiary"), width=110), "semester_label": column(N_("Semester"))}
    return {
        "indicator_id": column(N_("Indicator"), width="small", pinned=True),
        **(where_columns if where else {}),
        "status_text": column(N_("Status"), N_("Symbol and words; see the Method page for the thresholds."), width=150),
        "title": column(N_("Title"), width="large"),
        "unit": column(N_("Unit")),
        **baseline,
        "target": column(
            N_("Target"), N_("The target in force in the semester (the latest adopted by then)."), "number"
        ),
        **actual,
        "carried": column(
            N_("Carried"),
            N_("Carried forward: no report this semester, so the running total to date, or a milestone done earlier."),
            "checkbox",
        ),
        "progress_display": column(
            N_("Progress"), N_("(actual − baseline) / (target − baseline), shown up to 100%."), "percent"
        ),
        "explanation": column(
            N_("Explanation"),
            N_(
                "The analyst's comment on the figure; one is expected when an indicator is at risk, off track, "
                "over-achieved or not reported."
            ),
            width="large",
        ),
        "revision_text": column(
            N_("Target revision"), N_("The original target, the meeting that revised it, and its note."), width="large"
        ),
        "end_target": column(
            N_("End target"), N_("The end-of-action target (of the last semester with a target)."), "number"
        ),
        "end_progress": column(
            N_("To end target"), N_("Progress of the actual to the end-of-action target."), "number", format="percent"
        ),
        "forecast_text": column(
            N_("Forecast"),
            N_(
                "On the current pace (a straight line from the baseline), whether the end target is reached, and "
                "when; see the Method page."
            ),
            width="medium",
        ),
        "text": column(N_("Reported text"), N_("What was reported for a qualitative indicator.")),
    }


QUALITY_COLUMNS: dict[str, object] = {
    "check_label": column(N_("Check")),
    "indicator_id": column(N_("Indicator"), width="small"),
    "beneficiary_name": column(N_("Beneficiary")),
    "message": column(N_("What was found"), width="large"),
}

ACTIVITY_COLUMNS: dict[str, object] = {
    "activity_id": column(N_("Activity"), width="small", pinned=True),
    "status_text": column(N_("Status"), width=150),
    "title": column(N_("Title"), width="large"),
    "beneficiary_name": column(N_("Beneficiary")),
    "semester_label": column(N_("Semester")),
    "result_id": column(N_("Result")),
    "adopted_at": column(N_("Adopted at meeting"), kind="number"),
    "notes": column(N_("Notes"), width="medium"),
}


ROLLUP_COLUMNS: dict[str, object] = {
    "semester_label": column(N_("Semester"), width=150, pinned=True),
    "status_text": column(N_("Status"), width=150),
    "aggregation": column(N_("Aggregation"), N_("sum, ratio (of sums) or count of beneficiaries meeting the target.")),
    "baseline": column(N_("Baseline"), kind="number"),
    "target": column(N_("Target"), kind="number"),
    "actual": column(N_("Actual"), kind="number"),
    "progress_display": column(N_("Progress"), kind="percent"),
    "beneficiaries_with_target": column(N_("With a target"), kind="number"),
    "beneficiaries_meeting_target": column(N_("Meeting it"), kind="number"),
    "beneficiaries_reported": column(N_("Reported"), kind="number"),
    "coverage": column(
        N_("Coverage"),
        N_(
            "n of m beneficiaries with a target reported; figures of the others are left out, or carried forward "
            "for running totals."
        ),
        width="large",
    ),
}


def rollup_columns(donor: bool = False) -> dict[str, object]:
    """Columns of a regional_rollup table; donors get the texts of donor_rollup, where a figure that depends
    on a hidden one is hidden too."""
    if not donor:
        return ROLLUP_COLUMNS
    texts = {
        "baseline": ("baseline_display", N_("Baseline")),
        "actual": ("actual_display", N_("Actual")),
        "beneficiaries_meeting_target": ("beneficiaries_meeting_target_display", N_("Meeting it")),
    }
    return {
        texts[name][0] if name in texts else name: column(texts[name][1], HIDDEN_HELP) if name in texts else config
        for name, config in ROLLUP_COLUMNS.items()
    }


DELIVERY_COLUMNS: dict[str, object] = {
    "semester_label": column(N_("Semester")),
    "beneficiary_name": column(N_("Beneficiary")),
    "planned": column(N_("Planned"), kind="number"),
    "completed": column(N_("✔ Completed"), kind="number"),
    "ongoing": column(N_("◐ Ongoing"), kind="number"),
    "not_started": column(N_("○ Not started"), kind="number"),
    "postponed": column(N_("→ Postponed"), kind="number"),
    "cancelled": column(N_("✖ Cancelled"), kind="number"),
    "delivery_rate": column(N_("Delivery rate"), N_("Completed / (planned − cancelled)."), "percent"),
}
CARRIED_COLUMNS: dict[str, object] = {
    "activity_id": column(N_("Activity"), width="small"),
    "title": column(N_("Title"), width="large"),
    "beneficiary_name": column(N_("Beneficiary")),
    "from_semester_label": column(N_("Postponed in")),
    "to_semester_label": column(N_("Carried over to")),
}
MEETING_COLUMNS: dict[str, object] = {
    "number": column(N_("Meeting"), kind="number"),
    "date": column(N_("Date"), kind="date", format="D MMM YYYY"),
    "place": column(N_("Place")),
    "semester_adopted_label": column(N_("Work plan adopted for")),
    "activities": column(N_("Activities adopted"), kind="number"),
}
VERSION_COLUMNS: dict[str, object] = {
    "id": column(N_("Version"), width="small"),
    "status": column(N_("Status")),
    "is_approved": column(N_("Shown now"), N_("The approved version every page shows."), "checkbox"),
    "file_name": column(N_("File")),
    "uploaded_by": column(N_("Uploaded by")),
    "uploaded_at": column(N_("Uploaded at")),
    "reviewer": column(N_("Reviewer")),
    "reviewed_at": column(N_("Reviewed at")),
    "note": column(N_("Note"), width="medium"),
    "base_version": column(N_("Checked against"), N_("The approved version the upload was checked against.")),
    "reapplied_from": column(N_("Re-applies"), N_("The version whose changes this one re-applies onto newer data.")),
    "illustrative": column(N_("Illustrative"), kind="checkbox"),
    "rows": column(N_("Rows"), kind="number"),
}
# A version's status (stored as these English words) as the tables show it.
VERSION_STATUS = {
    "draft": N_("draft"),
    "submitted": N_("submitted"),
    "approved": N_("approved"),
    "returned": N_("returned"),
}


def versions_table(versions: pd.DataFrame, key: str) -> None:
    """The versions table, with each status in the language shown."""
    shown = versions.assign(
        status=versions["status"].map(lambda s: _(VERSION_STATUS[s]) if s in VERSION_STATUS else s, na_action="ignore"),
        **{c: moments(versions[c]) for c in ("uploaded_at", "reviewed_at") if c in versions},
    )
    table(shown, VERSION_COLUMNS, key=key)


# The log's actions (stored as these English words) as the log tables show them.
LOG_ACTIONS = {
    "created": N_("created"),
    "submitted": N_("submitted"),
    "approved": N_("approved"),
    "returned": N_("returned"),
    "conflicts overridden": N_("conflicts overridden"),
    "four-eyes rule off": N_("four-eyes rule off"),
    "account added": N_("account added"),
    "role changed": N_("role changed"),
    "account disabled": N_("account disabled"),
    "account enabled": N_("account enabled"),
    "password reset": N_("password reset"),
    "password changed": N_("password changed"),
    "signed in": N_("signed in"),
    "sign-in failed": N_("sign-in failed"),
    "sign-in refused": N_("sign-in refused"),
    "signed out": N_("signed out"),
}


def moments(stamps: pd.Series) -> pd.Series:
    """Timestamps as the store writes them (ISO, UTC) written for the reader: in their language and their
    browser's time zone ("6 December 2026, 22:33 CET"), never ISO; empty where there is none."""
    zone = data.zone()
    return stamps.map(once_each(lambda stamp: i18n.moment(stamp, zone))).astype("string")


def log_table(log: pd.DataFrame, key: str) -> None:
    """The log, newest first as given, with each action in the language shown (notes stay as written) and each
    moment in the reader's time zone."""
    words = log["action"].map(lambda a: _(LOG_ACTIONS[a]) if a in LOG_ACTIONS else a, na_action="ignore")
    table(log.assign(action=words, at=moments(log["at"])), LOG_COLUMNS, key=key)


LOG_COLUMNS: dict[str, object] = {
    "at": column(N_("When")),
    "action": column(N_("Action")),
    "version": column(N_("Version")),
    "user": column(N_("Who")),
    "method": column(
        N_("Signed in by"), N_("local account, oidc (organisation account), cli (command line) or system.")
    ),
    "note": column(N_("Note"), width="large"),
}


PROVENANCE_COLUMNS: dict[str, object] = {
    "number": column(N_("Meeting"), kind="number"),
    "date": column(N_("Date"), kind="date", format="D MMM YYYY"),
    "place": column(N_("Place")),
    "semester_assessed_label": column(N_("Assessed")),
    "semester_adopted_label": column(N_("Adopted the work plan for")),
    "illustrative": column(N_("Illustrative"), kind="checkbox"),
    "source": column(N_("Source"), width="large"),
}
