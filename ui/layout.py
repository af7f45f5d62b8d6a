"""Page furniture: header with the illustrative-data banner, the Kosovo* footnote, figures with captions,
readable tables, empty states, and the one place pages turn the project's own errors into messages."""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import html
import re
import secrets
from collections.abc import Callable, Iterator, Mapping

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from indicators.domain import i18n
from indicators.domain.i18n import N_, _, ngettext
from indicators.domain.problems import ProjectError
from indicators.domain.reference import ILLUSTRATIVE_NOTICE, KOSOVO_FOOTNOTE, beneficiary_name
from indicators.domain.schema import Programme
from indicators.present.charts import figure_caption
from indicators.present.export import csv_export
from indicators.present.views.readable import activity_status_text, label, once_each, readable  # noqa: F401 (used by pages)
from ui import data, language, style, view

# No "download as PNG": a saved picture would lose the caption, the Kosovo* footnote and the demo notice.
PLOTLY_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d", "toImage"]}


_PUNCTUATION = re.compile(r"[!-/:-@\[-`{-~]")  # every ASCII punctuation character
# Streamlit finds bare addresses, e-mail addresses, emoji and colour directives in the text itself, after
# markdown is read; an invisible word joiner (U+2060) where they would start keeps them plain text.
_FOUND_IN_TEXT = re.compile(r"(?=://)|(?i:(?<=www)(?=\.))|(?=@)|(?<=:)(?=[\w+/-]+[:\[])")


def md(value: object) -> str:
    """Text from a workbook, a file name or an identity made literal inside Streamlit markdown (st.markdown,
    captions, alerts, widget labels): every ASCII punctuation character becomes a numeric character reference
    (``&#58;`` for ``:``), which markdown shows as the character but never reads as syntax, so no link, image,
    HTML, code span or LaTeX can start; a word joiner keeps bare addresses, e-mail addresses, emoji and colour
    directives from being found in the text; line breaks become spaces so no heading or list can start."""
    text = _FOUND_IN_TEXT.sub("\u2060", " ".join(plain(value).split()))
    return _PUNCTUATION.sub(lambda m: f"&#{ord(m.group())};", text)


def page_header(title: str, intro: str | None = None) -> None:
    """The page title, a one-line introduction, and the banner when the data shown are illustrative."""
    st.title(title)
    if intro:
        st.caption(intro)
    meta = data.approved_meta()
    if meta and meta.get("illustrative"):
        st.info(_(ILLUSTRATIVE_NOTICE), icon=":material/info:")
    if own := view.own_beneficiaries():
        st.caption(
            _(
                "Approved data; sensitive counts of {beneficiaries} as reported, those of the other beneficiaries "
                "(and the regional totals) as donors see them, from 1 to 4 shown as '<5'."
            ).format(beneficiaries=", ".join(beneficiary_name(code) for code in own))
        )
    elif view.is_donor():
        st.caption(_("Viewing as a donor: approved data only; sensitive counts from 1 to 4 are shown as '<5'."))


def page_footer() -> None:
    """The Kosovo* footnote, at the foot of every page."""
    st.divider()
    st.caption(_(KOSOVO_FOOTNOTE))


def programme_or_stop() -> Programme:
    """The approved programme; when nothing is approved yet, say so and stop the page here."""
    programme = data.approved()
    if programme is None:
        st.info(
            _(
                "No approved data yet. An analyst uploads a workbook on the Upload page and a programme "
                "manager approves it on the Review page."
            )
        )
        st.stop()
    return programme


def nothing_to_show(message: str) -> None:
    """The empty state of a section."""
    st.info(message, icon=":material/inbox:")


def figure(fig: go.Figure, key: str, narrow: go.Figure | None = None) -> None:
    """A chart with its one-line description under it (also given to screen readers as alt text). On a phone its
    title is written above it, where it wraps (plotly's single line would be cut), and ``narrow``, when given, is
    drawn instead of ``fig`` (the form that fits a phone; ui/style.py shows one or the other by the width)."""
    title = fig.layout.title.text
    if title:
        with st.container(key=f"{style.PHONE}title-{key}"):
            st.markdown(f"**{md(html.unescape(title))}**")  # plotly's title text is escaped (charts.inert)
    if narrow is None:
        _chart(fig, key)
        return
    with st.container(key=f"{style.WIDE}{key}"):
        _chart(fig, key)
    with st.container(key=f"{style.PHONE}{key}"):
        _chart(narrow, f"{key}-narrow")


def _chart(fig: go.Figure, key: str) -> None:
    """A chart and, right under it, its one-line description."""
    caption = figure_caption(fig)
    st.plotly_chart(fig, config=PLOTLY_CONFIG, key=key, alt=caption or None)
    if caption:
        st.caption(md(caption))  # captions name indicators and units from the workbook


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


_SAFE_NAME = re.compile(r"[^\w.-]+")


def download(label: str, make: Callable[[], bytes], file_name: str, mime: str, key: str) -> None:
    """A download made when it is asked for, for the person asking, and handed to their browser only.

    st.download_button stores the file on the server at a /media/<hash> address that anyone holding it can
    fetch without a session, for as long as the server keeps it (a deferred callable does the same once
    clicked). Here the button reruns the page; ``make`` builds the file then (from what this person may see),
    and the bytes travel over this session's own connection to a script that saves them from a blob: address,
    which exists only in this browser tab. Nothing is ever at a server address."""
    if not st.button(label, key=key, icon=":material/download:"):
        return
    payload = base64.b64encode(make()).decode("ascii")
    name = _SAFE_NAME.sub("_", file_name)
    nonce = secrets.token_hex(8)
    st.html(
        f"""<script>
(() => {{
  const seen = (window.ppdDownloads ??= new Set());
  if (seen.has("{nonce}")) return;
  seen.add("{nonce}");
  const bytes = Uint8Array.from(atob("{payload}"), c => c.charCodeAt(0));
  const url = URL.createObjectURL(new Blob([bytes], {{type: "{mime}"}}));
  const link = document.createElement("a");
  link.href = url;
  link.download = "{name}";
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}})();
</script>""",
        unsafe_allow_javascript=True,  # our own script; the only data in it is base64 and a cleaned file name
    )


_label = label  # the semester label of views.readable, for the tables below


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


@contextlib.contextmanager
def project_errors_shown() -> Iterator[None]:
    """Show the project's own errors (ProjectError) as a message; any other error is a bug and propagates."""
    try:
        yield
    except ProjectError as error:
        st.error(md(error), icon=":material/error:")  # messages may quote a file name, a cell or an e-mail


# Headline figures where a rise is bad news, so st.metric colours the change the other way round.
RISE_IS_BAD = frozenset({"activities_postponed"})  # headline keys (the figure's name is in the reader's language)


def headline_metrics(headlines: pd.DataFrame) -> None:
    """One st.metric per headline figure, with the change against the previous semester."""
    for place, row in zip(st.columns(max(len(headlines), 1)), headlines.itertuples(), strict=False):
        percent = row.unit == "%"
        value = "–" if pd.isna(row.value) else (_percent_figure(row.value) if percent else language.number(row.value))
        delta = (
            None
            if pd.isna(row.change)
            else (
                _("{change} pts").format(change=language.signed(row.change, "+.0f"))
                if percent
                else language.signed(row.change)
            )
        )
        place.metric(
            row.figure,
            value,
            delta=delta,
            help=row.help,
            border=True,
            delta_color="inverse" if row.key in RISE_IS_BAD else "normal",
        )


def _percent_figure(value: float) -> str:
    """A headline percentage (46, not 0.46): ``46%``; in French ``46 %``."""
    return f"{value:.0f}%" if i18n.language() == i18n.SOURCE_LANGUAGE else i18n.percent(value / 100)


def plain(value: object) -> str:
    """A cell as text for a sentence: empty for a missing value (pd.NA has no truth value)."""
    return "" if value is None or pd.isna(value) else str(value)


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """A table as CSV with inert text, the demo notice when the data are illustrative, and the footnote."""
    meta = data.approved_meta()
    return csv_export(frame, notes=[_(ILLUSTRATIVE_NOTICE)] if meta and meta.get("illustrative") else [])


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
SUMMARY_HEADERS = {  # the CSV a person opens in Excel: headers in the language of the page
    "indicator_id": N_("Indicator"),
    "title": N_("Title"),
    "beneficiary_name": N_("Beneficiary"),
    "semester_label": N_("Semester"),
    "unit": N_("Unit"),
    "baseline": N_("Baseline"),
    "baseline_display": N_("Baseline"),
    "target": N_("Target"),
    "actual": N_("Actual"),
    "actual_display": N_("Actual"),
    "progress_percent": N_("Progress (%, 100 = target reached)"),
    "status_label": N_("Status"),
    "text": N_("Reported text"),
}


def summary_csv(status: pd.DataFrame, donor: bool = False) -> bytes:
    """The semester's indicator rows (from ``readable``) as CSV; donors get the texts of the donor view
    ('<5' and '[c]' where a figure is hidden), others the figures."""
    dropped = ("baseline", "actual") if donor else ("baseline_display", "actual_display")
    if "progress" in status:  # a share (1.33) as a whole percentage (133), the unit in the header
        status = status.assign(progress_percent=(status["progress"].astype("Float64") * 100).round(0))
    headers = {k: _(v) for k, v in SUMMARY_HEADERS.items() if k in status.columns and k not in dropped}
    return csv_bytes(status[list(headers)].rename(columns=headers))


def flash(message: str) -> None:
    """Keep a success message for the next run, then rerun so every table shows the new state."""
    st.session_state["_flash"] = message
    st.rerun()


def show_flash() -> bool:
    """Show (once) the message kept by ``flash``; whether there was one."""
    message = st.session_state.pop("_flash", None)
    if message:
        st.success(message, icon=":material/check_circle:")
    return bool(message)


SEVERITY_TEXT = {"error": N_("✖ Error"), "warning": N_("▲ Warning")}


def severity_text(severity: pd.Series) -> pd.Series:
    """Problems' severities as symbol and word, in the language shown."""
    return severity.map(lambda s: _(SEVERITY_TEXT[s]) if s in SEVERITY_TEXT else s, na_action="ignore")


PROBLEM_COLUMNS: dict[str, object] = {  # where, then what is expected (on a phone: in view after a short scroll)
    "severity_text": column(N_("Severity"), N_("Errors block the upload; warnings are allowed."), width=90),
    "sheet": column(N_("Sheet")),
    "row": column(N_("Row"), N_("The row number as Excel shows it."), "number", format="%d"),
    "column": column(N_("Column"), width=110),
    "expected": column(N_("Expected"), width="large"),
    "found": column(N_("Found"), width="medium"),
}
SUMMARY_COLUMNS: dict[str, object] = {
    "table": column(N_("Sheet")),
    "added": column(N_("Rows added"), kind="number"),
    "changed": column(N_("Rows changed"), kind="number"),
    "removed": column(N_("Rows removed"), kind="number"),
}
CHANGE_COLUMNS: dict[str, object] = {
    "table": column(N_("Table")),
    "key": column(N_("Row"), N_("The row's key, e.g. indicator, beneficiary and semester."), width="medium"),
    "change": column(N_("Change")),
    "column": column(N_("Column")),
    "before": column(N_("Before")),
    "after": column(N_("After")),
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
CONFLICT_COLUMNS: dict[str, object] = {
    "table": column(N_("Table")),
    "indicator_id": column(N_("Indicator")),
    "beneficiary_name": column(N_("Beneficiary")),
    "semester_label": column(N_("Semester")),
    "sex": column(N_("Sex")),
    "column": column(N_("Column")),
    "base": column(N_("Checked against"), N_("The value when the upload was checked.")),
    "approved_since": column(N_("Approved since"), N_("The value another version approved since then.")),
    "upload": column(N_("In the upload"), N_("The value the upload gives.")),
    "key": column(
        N_("Row"), N_("The row's key, for tables without indicator, beneficiary or semester."), width="medium"
    ),
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


CHANGES_SHOWN = 5000  # a browser table of 100,000 rows helps nobody; the CSV has them all


def report_only(result, file_name: str):  # an indicators.ingest.IngestResult
    """What ingest_report shows of a check, without the workbook's tables (kept in the session)."""
    return dataclasses.replace(result, upload=None, merged=None, file_name=file_name)


def ingest_report(result) -> None:  # an indicators.ingest.IngestResult
    """What an upload check found: the one-sentence refusal, or problems by sheet/row/column and the changes."""
    if result.message:
        st.error(md(result.message), icon=":material/block:")  # it names the file and its sheets
        return
    errors, warnings = result.errors, result.warnings
    st.markdown(
        ngettext(
            "**{n} error** (to fix before the workbook can be stored)",
            "**{n} errors** (to fix before the workbook can be stored)",
            errors,
        ).format(n=errors)
        + " · "
        + ngettext("**{n} warning** (allowed)", "**{n} warnings** (allowed)", warnings).format(n=warnings)
    )
    problems_table(result)
    if not result.ok:
        st.error(_("Nothing was stored: fix the errors listed above and upload the workbook again."))
        return
    named = bool(getattr(result, "file_name", ""))
    name = md(result.file_name) if named else ""
    if result.duplicate_of:
        st.info(
            (
                _("This exact file “{name}” is already stored as version {version}; nothing new was stored.")
                if named
                else _("This exact file is already stored as version {version}; nothing new was stored.")
            ).format(name=name, version=result.duplicate_of)
        )
    elif result.version_id:
        st.success(
            (
                _("No errors: the workbook “{name}” is stored as draft version {version}. Submit it below.")
                if named
                else _("No errors: the workbook is stored as draft version {version}. Submit it below.")
            ).format(name=name, version=result.version_id)
        )
    changes_shown(result)


def problems_table(result) -> None:  # an IngestResult or an ingest.Review: problems by sheet, row and column
    """The problems of a workbook, errors first, with where they are, what was found and what was expected."""
    if result.problems:
        problems = result.problems_table
        table(problems.assign(severity_text=severity_text(problems["severity"])), PROBLEM_COLUMNS, key="problems")


def changes_shown(result, title: str | None = None) -> None:  # IngestResult or Review
    """The change summary by table and every change (the first CHANGES_SHOWN in a table, all in a CSV); the
    title (already in the language shown) is "Changes against the approved data" unless given."""
    st.subheader(title or _("Changes against the approved data"))
    table(result.change_summary, SUMMARY_COLUMNS, key="change_summary")
    count = len(result.changes)
    every = ngettext("Every change ({rows} row)", "Every change ({rows} rows)", count)
    with st.expander(every.format(rows=language.number(count, ","))):
        shown = result.changes.head(CHANGES_SHOWN)
        if len(result.changes) > CHANGES_SHOWN:
            st.caption(
                _("The first {count} changes; download them all below.").format(
                    count=language.number(CHANGES_SHOWN, ",")
                )
            )
        table(shown, CHANGE_COLUMNS, key="changes")
        download(
            _("Download every change (CSV)"),
            lambda: csv_bytes(result.changes),
            file_name="changes.csv",
            mime="text/csv",
            key="changes_csv",
        )


def conflicts_table(conflicts: pd.DataFrame) -> None:
    """Cells changed both by a version and by an approval since: the three values side by side."""
    shown = conflicts.assign(
        beneficiary_name=conflicts["beneficiary"].map(lambda c: beneficiary_name(c) if c else ""),
        semester_label=conflicts["semester"].map(lambda s: _label(s) if s else ""),
    )
    table(shown, CONFLICT_COLUMNS, key="conflicts")


PROVENANCE_COLUMNS: dict[str, object] = {
    "number": column(N_("Meeting"), kind="number"),
    "date": column(N_("Date"), kind="date", format="D MMM YYYY"),
    "place": column(N_("Place")),
    "semester_assessed_label": column(N_("Assessed")),
    "semester_adopted_label": column(N_("Adopted the work plan for")),
    "illustrative": column(N_("Illustrative"), kind="checkbox"),
    "source": column(N_("Source"), width="large"),
}
