"""What a semester report says, computed once and shared by every format (PDF, PPTX, XLSX, IATI).

``report_content`` takes the approved programme and returns a ``ReportContent``: every table of the report as
a frame, with numbers where they may be shown and the text people read beside them (``*_text`` columns).
For the donor audience every frame is built from the donor-safe frames the donor pages show
(``suppression.donor_progress`` and ``donor_rollup`` of the same progress and roll-up, and the donor view's
``headline_figures``) and nothing else: a hidden count or baseline is missing in its number column and reads
"<5" or "[c]" in its text column; its progress, status, comment and sex split go with it, and the counts of
beneficiaries meeting a target and reporting are left out. The writers only lay these frames out, so no
format can show a donor more than this module gives it.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np
import pandas as pd

from indicators.compute.annotations import annotated, status_word
from indicators.compute.completeness import completeness_table, expected_reports, missing_reports
from indicators.compute.headlines import headline_figures
from indicators.compute.progress import STATUSES, Thresholds, indicator_progress, programme_semesters
from indicators.compute.rollup import REGIONAL, regional_rollup
from indicators.compute.suppression import donor_progress, donor_rollup
from indicators.compute.workplan import activities_for, adopted_by_meeting, workplan_delivery
from indicators.domain import i18n
from indicators.domain.i18n import N_, _, ngettext
from indicators.domain.periods import PeriodError, semester_from_id
from indicators.domain.problems import ProjectError
from indicators.domain.reference import (
    BENEFICIARY_CODES,
    ILLUSTRATIVE_NOTICE,
    KOSOVO_FOOTNOTE,
    PROGRAMME_TITLE,
    beneficiary_name,
)
from indicators.domain.schema import Programme
from indicators.domain.settings import setting_int
from indicators.present.reports import writing

AUDIENCES = ("manager", "donor")
AUDIENCE_LABELS = {"manager": N_("Programme management"), "donor": N_("Donors")}  # shown with _()
AUDIENCE_WORDS = {"manager": N_("manager"), "donor": N_("donor")}  # in the files' titles, e.g. "... (donor)"
# The EU results chain as the logframe names its levels; IATI result types follow the same order.
LEVEL_LABELS = {
    "objective": N_("Impact (overall objective)"),
    "outcome": N_("Outcome (specific objective)"),
    "output": N_("Output"),
}
LEVEL_ORDER = {"objective": 0, "outcome": 1, "output": 2}
ACTIVITY_STATUS_TEXT = {
    "completed": N_("✔ Completed"),
    "ongoing": N_("◐ Ongoing"),
    "planned": N_("○ Planned, not started"),
    "postponed": N_("→ Postponed (carried over)"),
    "cancelled": N_("✖ Cancelled"),
}
DELIVERY_PARTS = {  # workplan_delivery column: label (shown with _())
    "completed": N_("✔ Completed"),
    "ongoing": N_("◐ Ongoing"),
    "not_started": N_("○ Not started"),
    "postponed": N_("→ Postponed"),
    "cancelled": N_("✖ Cancelled"),
}


class NoApprovedData(ProjectError):
    """The semester has no approved data to report; ``str(error)`` is one sentence for people."""


@dataclass(frozen=True)
class Source:
    """The approved version a report is made from."""

    version_id: str
    approved_at: str  # ISO date-time as the store records it
    illustrative: bool

    @property
    def approved_on(self) -> str:
        """The approval day as people read it in the current language, e.g. '29 November 2026'."""
        try:
            day = dt.datetime.fromisoformat(self.approved_at).date()
        except ValueError:
            return self.approved_at
        return writing.day(day)


@dataclass(frozen=True)
class ReportContent:
    """Every table of a semester report for one audience (see the module docstring)."""

    semester: str
    label: str
    next_semester: str
    next_label: str
    audience: str
    source: Source
    generated_at: dt.datetime
    thresholds: Thresholds
    suppress_below: int
    headlines: pd.DataFrame
    status: pd.DataFrame  # the semester's indicator x beneficiary rows (donor-safe for donors)
    status_counts: pd.DataFrame  # beneficiary x status code: number of indicators
    logframe: pd.DataFrame
    values: pd.DataFrame  # every semester up to this one, indicator x beneficiary (donor-safe for donors)
    sex_split: pd.DataFrame  # indicator x beneficiary x semester x sex (female/male) values, when shown
    delivery: pd.DataFrame
    activities: pd.DataFrame  # the semester's work plan
    next_activities: pd.DataFrame  # the work plan adopted for the next semester
    completeness: pd.DataFrame
    missing: pd.DataFrame
    meetings: pd.DataFrame
    rollup: pd.DataFrame  # regional figures of every semester up to this one (for IATI)
    results: pd.DataFrame
    indicators: pd.DataFrame
    first_semester: str  # the programme's first and last semesters (targets, values or activities)
    last_semester: str
    notes: list[str] = field(default_factory=list)
    language: str = i18n.SOURCE_LANGUAGE  # the report's language: its frames' texts and every format's words
    summary: tuple[str, ...] = ()  # the semester in sentences written from the figures (``summary_sentences``)
    decisions: tuple[str, ...] = ()  # what the Steering Committee is asked to decide

    @property
    def donor(self) -> bool:
        return self.audience == "donor"

    @property
    def title(self) -> str:
        with i18n.using(self.language):
            return _("Semester report, {semester}").format(semester=self.label)

    @property
    def audience_label(self) -> str:
        """The audience as people read it: 'Programme management' or 'Donors'."""
        with i18n.using(self.language):
            return _(AUDIENCE_LABELS[self.audience])

    @property
    def audience_word(self) -> str:
        """The audience in one word, as the files' properties name it: 'manager' or 'donor'."""
        with i18n.using(self.language):
            return _(AUDIENCE_WORDS[self.audience])

    @property
    def stamp(self) -> str:
        """The line every page or slide carries: version, audience, and the demo notice when illustrative."""
        with i18n.using(self.language):
            text = _("Approved version {version} of {day} · {audience}").format(
                version=self.source.version_id, day=self.source.approved_on, audience=self.audience_label
            )
            return text + (" · " + _("Illustrative demo data") if self.source.illustrative else "")

    @property
    def illustrative_notice(self) -> str:
        with i18n.using(self.language):
            return _(ILLUSTRATIVE_NOTICE) if self.source.illustrative else ""

    @property
    def programme_title(self) -> str:
        with i18n.using(self.language):
            return _(PROGRAMME_TITLE)

    @property
    def footnote(self) -> str:
        """The Kosovo* footnote in the report's language (the official wording of each language)."""
        with i18n.using(self.language):
            return _(KOSOVO_FOOTNOTE)


Writer = TypeVar("Writer", bound=Callable[..., object])


def in_its_language(write: Writer) -> Writer:
    """A writer ``write(content, ...)`` run in the content's language, whatever the caller's language is."""

    @functools.wraps(write)
    def written(content: ReportContent, *args: object, **kwargs: object) -> object:
        with i18n.using(content.language):
            return write(content, *args, **kwargs)

    return written  # type: ignore[return-value]


def number_text(value: object, measure: str = "count", unit: str = "") -> str:
    """A figure as the report prints it in the current language: whole numbers without decimals, others to
    one decimal; percentages with %, milestones as Yes/No; a dash when missing."""
    if value is None or pd.isna(value):
        return "–"
    number = float(value)  # type: ignore[arg-type]
    if measure == "milestone":
        return _("Yes") if number >= 1 else _("No")
    text = writing.figure(number)
    return writing.with_percent_sign(text) if measure == "percentage" or unit == "%" else text


def percent_text(value: object) -> str:
    """A share from 0 to 1 as a whole percentage."""
    return "–" if value is None or pd.isna(value) else writing.share(float(value))  # type: ignore[arg-type]


def progress_text(value: object) -> str:
    """Progress as printed, never capped: 162% with the over-achievement mark at OVER_ACHIEVED or more."""
    return "–" if value is None or pd.isna(value) else writing.progress(float(value))  # type: ignore[arg-type]


def _semester_index(semester: object) -> float:
    try:
        return semester_from_id(str(semester)).index
    except PeriodError:
        return np.nan


def _up_to(frame: pd.DataFrame, semester: str) -> pd.DataFrame:
    limit = semester_from_id(semester).index
    return frame[frame["semester"].map(_semester_index) <= limit].reset_index(drop=True)


def has_semester_data(programme: Programme, semester: str) -> bool:
    """Whether the programme has targets, values or activities in the semester."""
    return any((programme[t]["semester"] == semester).fillna(False).any() for t in ("targets", "values", "activities"))


def _headlines(
    programme: Programme, semester: str, thresholds: Thresholds, donor: bool, progress: pd.DataFrame
) -> pd.DataFrame:
    """The headline figures exactly as the app's pages show them (``headline_figures`` of the same progress as the
    app's, the donor view's for donors: a hidden status counts neither way), with the texts the report prints."""
    frame = headline_figures(programme, semester, thresholds, donor=donor, progress=progress)
    percent = frame["unit"] == "%"

    def text(values: pd.Series, change: bool = False) -> list[str]:
        out = []
        for value, is_percent in zip(values, percent, strict=True):
            if pd.isna(value):
                out.append("–")
            elif change:
                out.append(
                    _("{change} pts").format(change=writing.signed(value)) if is_percent else writing.signed(value)
                )
            else:
                out.append(writing.with_percent_sign(writing.whole(value)) if is_percent else writing.whole(value))
        return out

    return frame.assign(
        value_text=text(frame["value"]),
        previous_text=text(frame["previous"]),
        change_text=text(frame["change"], change=True),
    )


def _value_text(frame: pd.DataFrame, column: str, donor: bool) -> pd.Series:
    """The figure people read: the donor-safe display text when hidden, else the formatted number."""
    shown = [number_text(v, m) for v, m in zip(frame[column], frame["measure"], strict=True)]
    display = f"{column}_display"
    if donor and display in frame:
        shown = [
            str(d) if pd.isna(v) and not pd.isna(d) and str(d) else s
            for s, v, d in zip(shown, frame[column], frame[display], strict=True)
        ]
    return pd.Series(shown, index=frame.index, dtype="string")


NO_EXPLANATION = N_("No explanation given")  # shown with _()


def _explained(out: pd.DataFrame, hidden: pd.Series, donor: bool = False) -> pd.Series:
    """The comment a report prints: the analyst's explanation (or, for managers, that none was given when one
    is expected: workflow a donor does not read), then the target revision, and the status against the
    original target when the revision changed it. Of a row whose figure is hidden, only the revision (targets
    are not sensitive)."""
    comment = out["comment"].astype("string")
    due = out["explanation_due"].astype("string")
    if not donor:
        comment = comment.fillna((_(NO_EXPLANATION) + " (" + due + ")").where(due.notna()))
    comment = comment.mask(hidden)
    changed = out["status_by_revision"].astype("boolean").fillna(False).to_numpy(dtype=bool) & ~hidden.to_numpy()
    revision = out["revision_text"].astype("string")
    before = out["status_original"].map(status_word, na_action="ignore").astype("string")
    # "Target revised from 7 (1st ...) to 4 ...": the sentence of compute/annotations.py after the word "Target"
    revision = revision.str[:1].str.lower() + revision.str[1:]
    revision = revision.map(lambda text: _("Target {revision}").format(revision=text), na_action="ignore")
    against = revision.astype("string") + before.map(
        lambda word: _("; against the original target: {status}").format(status=word), na_action="ignore"
    ).astype("string")
    revision = revision.astype("string").mask(changed, against)
    both = comment.fillna("") + np.where(comment.notna() & revision.notna(), ". ", "") + revision.fillna("")
    return both.mask(both == "", pd.NA).astype("string")


def _described(progress: pd.DataFrame, programme: Programme, donor: bool) -> pd.DataFrame:
    """Progress rows with names, labels, texts, the reported comment and the baseline year."""
    if "comment" not in progress:  # the explanation and revision columns (compute/annotations.py)
        progress = annotated(progress, programme)
    years = programme.baselines[["indicator_id", "beneficiary", "year"]].drop_duplicates(
        ["indicator_id", "beneficiary"], keep="last"
    )
    out = progress.merge(years, how="left", on=["indicator_id", "beneficiary"])
    hidden = out["suppressed"].astype(bool) if donor and "suppressed" in out else pd.Series(False, index=out.index)
    out = out.assign(
        beneficiary_name=out["beneficiary"].map(beneficiary_name),
        semester_label=out["semester"].map(lambda s: semester_from_id(s).label),
        baseline_text=_value_text(out, "baseline", donor),
        target_text=[number_text(v, m) for v, m in zip(out["target"], out["measure"], strict=True)],
        semester_value_text=_value_text(out, "semester_value", donor),
        actual_text=_value_text(out, "actual", donor),
        progress_text=out["progress"].map(progress_text),
        status_text=out["status_symbol"].fillna("") + " " + out["status_label"].fillna(""),
        comment=_explained(out, hidden, donor),  # a comment may repeat a hidden figure: only the revision then
        suppressed=hidden,
    )
    qualitative = out["measure"] == "qualitative"
    return out.assign(
        actual_text=out["actual_text"].mask(qualitative & out["text"].notna(), out["text"]),
        baseline_year=out["year"].astype("Int64"),
    ).drop(columns="year")


def _logframe(
    status: pd.DataFrame, rollup: pd.DataFrame, programme: Programme, semester: str, donor: bool
) -> pd.DataFrame:
    """One row per indicator (per beneficiary when it is not rolled up and has no regional row), in the
    results chain's order: level, result, indicator, baseline and year, target, actual, progress, status,
    means of verification, comment."""
    results = programme.results.set_index("result_id")
    indicators = programme.indicators.drop_duplicates("indicator_id").set_index("indicator_id")
    regional = rollup[rollup["semester"] == semester].set_index("indicator_id")
    rows = []
    for indicator_id, info in indicators.iterrows():
        mine = status[status["indicator_id"] == indicator_id]
        result_id = str(info["result_id"])
        level = str(results["level"].get(result_id, "output")) if result_id in results.index else "output"
        base = {
            "level": level,
            "level_label": _(LEVEL_LABELS[level]) if level in LEVEL_LABELS else level,
            "result_id": result_id,
            "result_title": str(results["title"].get(result_id, "")) if result_id in results.index else "",
            "indicator_id": str(indicator_id),
            "indicator_title": str(info["title"]),
            "unit": "" if pd.isna(info["unit"]) else str(info["unit"]),
            "measure": str(info["measure"]),
            "verification": "" if pd.isna(info["source"]) else str(info["source"]),
        }
        years = mine["baseline_year"].dropna()
        year = int(years.max()) if len(years) else pd.NA
        if indicator_id in regional.index:
            r = regional.loc[indicator_id]
            counted = r["aggregation"] == "count_meeting_target"
            measure = "count" if counted or base["measure"] == "milestone" else base["measure"]
            comments, silent = [], []
            for name, comment in zip(mine["beneficiary_name"], mine["comment"], strict=True):
                if pd.isna(comment):
                    continue
                if str(comment).startswith(_(NO_EXPLANATION)):  # what follows it, if anything, is the revision
                    silent.append(str(name))
                    comment = str(comment).partition(". ")[2]
                if comment:
                    comments.append(_("{beneficiary}: {comment}").format(beneficiary=name, comment=comment))
            if silent:  # one sentence for the beneficiaries that owe an explanation
                comments.append(_("No explanation given by {beneficiaries}").format(beneficiaries=", ".join(silent)))
            actual_text = _shown(r, "actual", measure, donor)
            rows.append(
                base
                | {
                    "scope": _("All beneficiaries"),
                    "unit": _("beneficiaries meeting the target") if counted else base["unit"],
                    "baseline": r["baseline"],
                    "baseline_year": year,
                    "target": r["target"],
                    "actual": r["actual"],
                    "progress": r["progress"],
                    "status": r["status"],
                    "status_symbol": r["status_symbol"],
                    "status_label": r["status_label"],
                    "comment": "; ".join(comments),
                    "baseline_text": _shown(r, "baseline", measure, donor),
                    "target_text": number_text(r["target"], measure),
                    "actual_text": actual_text,
                    "number_measure": measure,
                }
            )
            continue
        own = mine[mine["beneficiary"] == "REG"] if (mine["beneficiary"] == "REG").any() else mine
        for _index, row in own.iterrows():
            comment = "" if pd.isna(row["comment"]) else str(row["comment"])
            actual_text = row["actual_text"]
            if base["measure"] == "qualitative" and not pd.isna(row["text"]):  # the words go where there is room
                comment = "; ".join(part for part in (str(row["text"]), comment) if part)
                actual_text = _("See comment")
            rows.append(
                base
                | {
                    "scope": str(row["beneficiary_name"]),
                    "baseline": row["baseline"],
                    "baseline_year": row["baseline_year"],
                    "target": row["target"],
                    "actual": row["actual"],
                    "progress": row["progress"],
                    "status": row["status"],
                    "status_symbol": row["status_symbol"],
                    "status_label": row["status_label"],
                    "comment": comment,
                    "baseline_text": row["baseline_text"],
                    "target_text": row["target_text"],
                    "actual_text": actual_text,
                    "number_measure": base["measure"],
                }
            )
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    frame = frame.assign(
        progress_text=frame["progress"].map(progress_text),
        status_text=frame["status_symbol"].fillna("") + " " + frame["status_label"].fillna(""),
        _level=frame["level"].map(LEVEL_ORDER).fillna(3),
    )
    return frame.sort_values(["_level", "result_id", "indicator_id"], kind="stable").drop(columns="_level")


def _shown(row: pd.Series, column: str, measure: str, donor: bool) -> str:
    """A regional figure as printed: the donor-safe display text where the figure is hidden."""
    display = row.get(f"{column}_display")
    if donor and pd.isna(row[column]) and display is not None and not pd.isna(display) and str(display):
        return str(display)
    return number_text(row[column], measure)


def _status_counts(status: pd.DataFrame) -> pd.DataFrame:
    """Number of indicators in each status per beneficiary (columns in status order)."""
    codes = [s.code for s in STATUSES]
    if status.empty:
        return pd.DataFrame(columns=["beneficiary", "beneficiary_name", *codes])
    table = pd.crosstab(status["beneficiary"], status["status"]).reindex(columns=codes, fill_value=0)
    order = [c for c in BENEFICIARY_CODES if c in table.index]
    table = table.loc[order].reset_index()
    return table.assign(beneficiary_name=table["beneficiary"].map(beneficiary_name))[
        ["beneficiary", "beneficiary_name", *codes]
    ]


def _sex_split(programme: Programme, progress: pd.DataFrame, semester: str, donor: bool) -> pd.DataFrame:
    """Female and male values of the indicators split by sex, up to the semester; for donors only for
    indicators that are not sensitive (a sex split of a sensitive count is a small cell of its own)."""
    split = programme.values[programme.values["sex"].isin(["female", "male"]).fillna(False)]
    split = _up_to(split, semester)
    if donor:
        sensitive = set(progress.loc[progress["sensitive"].astype(bool), "indicator_id"])
        split = split[~split["indicator_id"].isin(sensitive)]
    return split[["indicator_id", "beneficiary", "semester", "sex", "value"]].reset_index(drop=True)


def _in_beneficiary_order(frame: pd.DataFrame) -> pd.DataFrame:
    rank = {code: i for i, code in enumerate(BENEFICIARY_CODES)}
    order = frame["beneficiary"].map(lambda c: rank.get(c, len(rank)))
    return frame.assign(_o=order).sort_values("_o", kind="stable").drop(columns="_o").reset_index(drop=True)


def _meetings(programme: Programme) -> pd.DataFrame:
    meetings = adopted_by_meeting(programme.activities, programme.meetings)
    extra = programme.meetings[["number", "semester_assessed", "illustrative", "source"]]
    out = meetings.merge(extra, how="left", on="number")

    def label(s: object) -> str:
        try:
            return semester_from_id(str(s)).label
        except PeriodError:
            return "" if pd.isna(s) else str(s)

    return out.assign(
        date_text=out["date"].map(lambda d: "" if pd.isna(d) else writing.short_day(pd.Timestamp(d).date())),
        assessed_label=out["semester_assessed"].map(label),
        adopted_label=out["semester_adopted"].map(label),
        illustrative=out["illustrative"].astype("boolean").fillna(False).astype(bool),
    )


def _activities(activities: pd.DataFrame) -> pd.DataFrame:
    return activities.assign(
        beneficiary_name=activities["beneficiary"].map(beneficiary_name),
        status_text=activities["status"].map(
            lambda s: _(ACTIVITY_STATUS_TEXT[str(s)]) if str(s) in ACTIVITY_STATUS_TEXT else str(s)
        ),
    )


def computed_frames(programme: Programme, thresholds: Thresholds) -> tuple[pd.DataFrame, pd.DataFrame]:
    """indicator_progress and regional_rollup of the programme: what both audiences' content starts from."""
    full = annotated(indicator_progress(programme, thresholds), programme, thresholds)
    return full, regional_rollup(full, thresholds)


def report_content(
    programme: Programme | None,
    source: Source | None,
    semester: str,
    audience: str,
    thresholds: Thresholds | None = None,
    generated_at: dt.datetime | None = None,
    computed: tuple[pd.DataFrame, pd.DataFrame] | None = None,
    language: str | None = None,
) -> ReportContent:
    """The content of the semester report for an audience, from the approved programme only.

    ``computed`` may give ``computed_frames(programme, thresholds)`` already made (a pack makes them once for
    both audiences, computed in the same language). The report is written in ``language`` when given, else in
    the current language (the person asking); every format of it is then written in that language. Raises
    ``NoApprovedData`` when nothing is approved or the semester has no approved data.
    """
    if language is not None:
        with i18n.using(language):
            return report_content(programme, source, semester, audience, thresholds, generated_at, computed)
    if audience not in AUDIENCES:
        raise ValueError(f"audience is manager or donor, not {audience!r}")
    current = semester_from_id(semester)
    if programme is None or source is None:
        raise NoApprovedData(_("Nothing is approved yet, so there is no report to make."))
    if not has_semester_data(programme, semester):
        raise NoApprovedData(
            _("The approved data has nothing for {semester} ({id}).").format(semester=current.label, id=semester)
        )
    thresholds = thresholds or Thresholds.from_settings()
    span = programme_semesters(programme)
    donor = audience == "donor"
    suppress_below = setting_int("SUPPRESS_BELOW")
    full, rolled = computed or computed_frames(programme, thresholds)
    if donor:
        progress = donor_progress(full, suppress_below)
        seen = progress  # what the donor pages' headline figures count (``ui.data``): not computed again
        rollup = donor_rollup(rolled, full, suppress_below, safe=progress)
        rollup = rollup.drop(columns=["beneficiaries_meeting_target", "beneficiaries_reported"], errors="ignore")
    else:
        seen = full
        progress, rollup = full.assign(suppressed=False), rolled.assign(suppressed=False)
    progress = _up_to(progress, semester)
    rollup = _up_to(rollup, semester)
    described = _described(progress, programme, donor)
    status = described[described["semester"] == semester].reset_index(drop=True)  # as the app's status matrix
    delivery = workplan_delivery(activities_for(programme.activities, semester), by=("beneficiary",))
    delivery = _in_beneficiary_order(delivery.assign(beneficiary_name=delivery["beneficiary"].map(beneficiary_name)))
    expected = expected_reports(programme)
    completeness = completeness_table(expected[expected["semester"] == semester], by=("beneficiary",))
    completeness = _in_beneficiary_order(
        completeness.assign(beneficiary_name=completeness["beneficiary"].map(beneficiary_name))
    )
    missing = missing_reports(programme, semester)
    missing = missing.assign(beneficiary_name=missing["beneficiary"].map(beneficiary_name))
    rollup = rollup.assign(beneficiary=REGIONAL)
    logframe = _logframe(status, rollup, programme, semester, donor)
    status_counts = _status_counts(status)
    headlines = _headlines(programme, semester, thresholds, donor, seen)
    next_activities = _activities(activities_for(programme.activities, current.next().id))
    meetings = _meetings(programme)
    summary = summary_sentences(logframe, status, status_counts, headlines, completeness, delivery, donor)
    decisions = decision_sentences(programme, meetings, semester, current.next().label, next_activities)
    return ReportContent(
        semester=semester,
        label=current.label,
        next_semester=current.next().id,
        next_label=current.next().label,
        audience=audience,
        source=source,
        generated_at=generated_at or dt.datetime.now(dt.UTC).replace(microsecond=0),
        thresholds=thresholds,
        suppress_below=suppress_below,
        headlines=headlines,
        status=status,
        status_counts=status_counts,
        logframe=logframe,
        values=described,
        sex_split=_sex_split(programme, progress, semester, donor),
        delivery=delivery,
        activities=_activities(activities_for(programme.activities, semester)),
        next_activities=next_activities,
        completeness=completeness,
        missing=missing,
        meetings=meetings,
        rollup=rollup,
        results=programme.results,
        indicators=programme.indicators,
        first_semester=span[0],
        last_semester=span[-1],
        language=i18n.language(),
        summary=tuple(summary),
        decisions=tuple(decisions),
    )


SHORTFALL = ("at_risk", "off_track")  # the statuses the summary names one by one, with their reasons
MEETING_TARGET = ("achieved", "on_track")


def _clipped(text: str, limit: int = 90) -> str:
    """An analyst's reason as the summary quotes it: whole, or cut at a word with an ellipsis."""
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


def _names(counts: pd.Series, limit: int = 2) -> str:
    """The largest counts by name, e.g. 'Montenegro (3), North Macedonia (3)'."""
    top = counts[counts > 0].sort_values(ascending=False, kind="stable").head(limit)
    return ", ".join(f"{name} ({int(n)})" for name, n in top.items())


LISTED = 6  # indicators a summary sentence names; the others are counted ('and 12 more')


def _listed(frame: pd.DataFrame) -> str:
    """Indicators with their progress, e.g. 'IND-10 (73%), IND-05 (50%)': the first ``LISTED``, then how many
    more (a programme of 800 indicators filled two pages of the summary)."""
    shown = frame.head(LISTED)
    pairs = zip(shown["indicator_id"], shown["progress"], strict=True)
    named = ", ".join(f"{i} ({progress_text(p)})" for i, p in pairs)
    if len(frame) > LISTED:
        more = len(frame) - LISTED
        named += " " + ngettext("and {n} more", "and {n} more", more).format(n=more)
    return named


def summary_sentences(
    logframe: pd.DataFrame,
    status: pd.DataFrame,
    status_counts: pd.DataFrame,
    headlines: pd.DataFrame,
    completeness: pd.DataFrame,
    delivery: pd.DataFrame,
    donor: bool,
) -> list[str]:
    """The semester in a few sentences written from the report's own frames (so a donor's are written from
    donor-safe figures only): programme-level status, the change in the share on track, what is at risk and
    why, where, reporting completeness and work-plan delivery. Statuses are counted by the labels the
    computation gives, so a status it adds is counted and named as it is."""
    out: list[str] = []
    level = logframe[~logframe.duplicated("indicator_id", keep=False)] if len(logframe) else logframe
    measured = level[level["status"].notna() & (level["status"] != "not_due")] if len(level) else level
    if len(measured):
        order = {s.code: i for i, s in enumerate(STATUSES)}
        counted = (
            measured.assign(_o=measured["status"].map(lambda c: order.get(c, len(order))))
            .groupby(["_o", "status_symbol", "status_label"], dropna=False, sort=True)
            .size()
        )
        parts = ", ".join(  # "hidden (small count)" reads "hidden" inside the brackets
            f"{n} {'' if pd.isna(symbol) else symbol} {str(label).split(' (')[0].lower()}".replace("  ", " ")
            for (_o, symbol, label), n in counted.items()
        )
        meeting = int(measured["status"].isin(MEETING_TARGET).sum())
        sentence = _(
            "{meeting} of the {measured} indicators measured at programme level are achieved or on track ({parts})"
        ).format(meeting=meeting, measured=len(measured), parts=parts)
        over = measured[[writing.over_achieved(v) for v in measured["progress"].astype("Float64").fillna(0)]]
        if len(over):
            sentence += _("; {indicators} went well beyond the target").format(indicators=_listed(over))
        out.append(sentence + ".")
    share = headlines[headlines["key"] == "on_track_share"] if "key" in headlines else headlines.iloc[0:0]
    if len(share) and not pd.isna(share["value"].iloc[0]):
        row = share.iloc[0]
        sentence = _("Across beneficiaries, {value} of the figures are on track or achieved").format(
            value=row["value_text"]
        )
        if not pd.isna(row["previous"]):
            sentence += " " + _("({previous} in the previous semester, {change})").format(
                previous=row["previous_text"], change=row["change_text"]
            )
        behind = (
            status_counts.set_index("beneficiary_name")[[c for c in SHORTFALL if c in status_counts]].sum(axis=1)
            if len(status_counts)
            else pd.Series(dtype=float)
        )
        if behind.sum():
            sentence += _("; most of those at risk or off track are in {beneficiaries}").format(
                beneficiaries=_names(behind)
            )
        out.append(sentence + ".")
    short = measured[measured["status"].isin(SHORTFALL)] if len(measured) else measured
    if len(short):
        sentence = _("At programme level, {indicators} are at risk or off track").format(indicators=_listed(short))
        reasons = status[status["indicator_id"].isin(short["indicator_id"]) & status["comment"].notna()]
        reasons = reasons[~reasons["comment"].astype(str).str.startswith(_(NO_EXPLANATION))]
        given = list(dict.fromkeys(_clipped(str(c).split(". ")[0].rstrip(".")) for c in reasons["comment"]))[:3]
        if given:
            sentence += _("; the reasons reported include: {reasons}").format(reasons="; ".join(given))
        out.append(sentence + ".")
    if not donor:  # workflow: the manager edition only
        owed = status["comment"].astype("string").str.startswith(_(NO_EXPLANATION)).fillna(False)
        if owed.any():
            out.append(
                _("{count} figures that need an explanation have none yet; the beneficiary pages name them.").format(
                    count=int(owed.sum())
                )
            )
    if len(completeness):
        reported, expected = int(completeness["reported"].sum()), int(completeness["expected"].sum())
        sentence = _("{reported} of the {expected} values expected were reported ({share})").format(
            reported=reported, expected=expected, share=writing.share(reported / expected) if expected else "–"
        )
        missing = completeness.set_index("beneficiary_name")["missing"]
        if missing.sum():
            sentence += _("; most missing from {beneficiaries}").format(beneficiaries=_names(missing))
        out.append(sentence + ".")
    if len(delivery):
        planned, completed = int(delivery["planned"].sum()), int(delivery["completed"].sum())
        cancelled = int(delivery["cancelled"].sum())
        rate = completed / (planned - cancelled) if planned > cancelled else float("nan")
        sentence = _("{completed} of the {planned} activities planned were completed ({rate} delivery)").format(
            completed=completed, planned=planned, rate=percent_text(rate)
        )
        postponed, ongoing = int(delivery["postponed"].sum()), int(delivery["ongoing"].sum())
        if postponed or ongoing:
            sentence += _("; {postponed} and {ongoing}").format(  # each count with its own plural ('1 reportée')
                postponed=ngettext("{n} postponed", "{n} postponed", postponed).format(n=postponed),
                ongoing=ngettext("{n} still ongoing", "{n} still ongoing", ongoing).format(n=ongoing),
            )
        out.append(sentence + ".")
    return out


def proposed_revisions(programme: Programme, meeting: int) -> list[str]:
    """Indicators whose target a meeting adopts in place of one an earlier meeting adopted (same indicator,
    beneficiary and semester)."""
    targets = programme.targets.dropna(subset=["adopted_at"])
    key = ["indicator_id", "beneficiary", "semester"]
    now = targets[targets["adopted_at"] == meeting][key]
    before = targets[targets["adopted_at"] < meeting][key]
    replaced = now.merge(before.drop_duplicates(), how="inner", on=key)
    return sorted(set(replaced["indicator_id"].astype(str)))


def decision_sentences(
    programme: Programme, meetings: pd.DataFrame, semester: str, next_label: str, next_activities: pd.DataFrame
) -> list[str]:
    """What the Steering Committee meeting that assesses the semester is asked to decide: adopting the next
    work plan (its activities counted) and the target revisions proposed to it."""
    mine = meetings[meetings["semester_assessed"] == semester]
    out = []
    if len(mine):
        m = mine.iloc[0]
        where = _("meeting {number} ({day}, {place})").format(
            number=int(m["number"]), day=m["date_text"], place=m["place"]
        )
        out.append(
            _(
                "The Steering Committee, at its {meeting}, is asked to adopt the work plan for {next} "
                "({count} activities)."
            ).format(meeting=where, next=next_label, count=len(next_activities))
        )
        revised = proposed_revisions(programme, int(m["number"]))
        if revised:
            out[-1] = out[-1][:-1] + _(", and the revised targets proposed for {indicators}.").format(
                indicators=", ".join(revised)
            )
        else:
            out[-1] = out[-1][:-1] + _("; no target revision is proposed.")
    elif len(next_activities):
        out.append(
            _("The Steering Committee is asked to adopt the work plan for {next} ({count} activities).").format(
                next=next_label, count=len(next_activities)
            )
        )
    return out


def method_notes(content: ReportContent) -> list[tuple[str, str]]:
    """The method annex in the report's language: (heading, paragraph) pairs stating the rules the figures
    follow."""
    t = content.thresholds
    n = content.suppress_below
    with i18n.using(content.language):
        return [
            (
                _("Progress"),
                _(
                    "Progress = (actual − baseline) / (target − baseline), against the target in force in the "
                    "semester (the latest adopted by a Steering Committee meeting held by the semester's end). "
                    "Lower-is-better indicators go through the same formula. A missing baseline counts as 0. "
                    "Cumulative counts compare the running total (baseline plus every semester's new units) with a "
                    "running-total target. Percentages are 100 × numerator / denominator. Milestones are done (1) or "
                    "not (0). Progress is printed as computed, never capped: {over} or more is over-achieved and "
                    "marked {mark}, and needs an explanation as a figure at risk does."
                ).format(over=writing.share(writing.over_threshold()), mark=writing.OVER_MARK),
            ),
            (
                _("Status thresholds"),
                _(
                    "Achieved at {achieved} progress or more; on track from {on_track}; at risk from {at_risk}; "
                    "below that, off track. 'No data' when a target is in force and nothing usable was reported; "
                    "'not due' when no target is in force. Each status is printed as a symbol and a word: "
                    "✔ achieved, ● on track, ▲ at risk, ✖ off track, ✎ reported (qualitative), ⊘ hidden (small "
                    "count), ○ no data, – not due."
                ).format(
                    achieved=writing.share(t.achieved),
                    on_track=writing.share(t.on_track),
                    at_risk=writing.share(t.at_risk),
                ),
            ),
            (
                _("Regional roll-up"),
                _(
                    "'All beneficiaries' figures combine the six beneficiaries by each indicator's aggregation: "
                    "sums count the beneficiaries with a target in force; percentages are ratios of summed "
                    "numerators and denominators, never averages of percentages; milestones count the "
                    "beneficiaries that achieved them against those with a target. Indicators that are not "
                    "aggregated are reported for the region (REG) or per beneficiary."
                ),
            ),
            (
                _("Suppression of small counts"),
                _(
                    "In the donor edition, sensitive counts from 1 to {largest} are printed as '<{n}'; further "
                    "cells are hidden as '[c]' so that no total or difference gives a hidden count away; a hidden "
                    "count hides its progress, status, comment and split by sex as well. Sensitive cumulative "
                    "counts are shown as running totals only. Headline shares count only the figures shown."
                ).format(largest=n - 1, n=n),
            ),
            (
                _("Work plan and completeness"),
                _(
                    "Delivery rate = completed / (planned − cancelled) of the semester's activities; a postponed "
                    "activity appears again in the semester it was carried over to. Reporting completeness = "
                    "values received / values expected (every indicator and beneficiary with a target in the "
                    "semester)."
                ),
            ),
        ]
