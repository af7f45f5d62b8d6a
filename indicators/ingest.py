"""One upload from bytes to a stored draft: checks, isolated parse, validation, diff and storage.

The upload page and the command line both call ``ingest``, so a workbook is judged the same way wherever
it comes from. Nothing is stored when a step fails or the workbook has errors, and nothing already
stored is ever changed here. Storing needs the UPLOAD permission (checked here and by the store); an analyst
limited to some beneficiaries has every row outside them listed as a problem.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextvars import copy_context
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from indicators.access.identity import SYSTEM, Identity
from indicators.access.roles import Action
from indicators.compute.progress import SEMESTER_KEY, STATUS_BY_CODE, Thresholds, indicator_progress
from indicators.compute.quality import FLAG_SHEETS, KeySet, capped_upload_flags, unexplained_upload_figures
from indicators.domain import reference as ref
from indicators.domain.i18n import N_, _
from indicators.domain.periods import PeriodError, parse_semester, semester_label
from indicators.domain.problems import WARNING, Problem, ProjectError, UnreadableWorkbook, has_errors, problems_frame
from indicators.domain.reference import beneficiary_name
from indicators.domain.schema import Programme, empty_programme
from indicators.domain.settings import setting, setting_int, store_location
from indicators.present import template
from indicators.read import diff, reapply, validate, worker
from indicators.read.mapping import (
    MappedWorkbook,
    Mapping,
    Suggestion,
    apply_mapping,
    suggest_mapping,
    with_new_semesters,
)
from indicators.read.reader import TABLE_SHEETS, RawWorkbook
from indicators.saved_mappings import SavedMappings
from indicators.store import ApprovedMoved, Store, StoreError, sha256

Progress = Callable[[float, str], None]


class _Findings:
    """The tables both an upload check and a review show: problems by sheet, row and column, and changes."""

    problems: list[Problem]
    changes: pd.DataFrame

    @property
    def problems_table(self) -> pd.DataFrame:
        return problems_frame(self.problems)

    @property
    def change_summary(self) -> pd.DataFrame:
        return diff.change_summary(self.changes)


@dataclass
class IngestResult(_Findings):
    ok: bool
    message: str | None = None  # one sentence when the file cannot be read as a monitoring workbook
    problems: list[Problem] = field(default_factory=list)
    upload: Programme | None = None  # the rows the workbook holds
    merged: Programme | None = None  # the approved data with the upload applied
    changes: pd.DataFrame = field(default_factory=diff.no_changes)
    version_id: str | None = None
    duplicate_of: str | None = None
    base_version: str | None = None
    rows: dict[str, int] = field(default_factory=dict)  # rows read per table, e.g. {"values": 812}
    mapped: MappedWorkbook | None = None  # the workbook as read through a mapping, when one was used
    mapping: Mapping | None = None  # the mapping used: the one given, or a saved one for the same headers
    needs_mapping: bool = False  # not in the template's layout, and no saved mapping has its headers
    file_name: str = ""  # the file's name as given, for the report

    @property
    def errors(self) -> int:
        return sum(p.severity == "error" for p in self.problems)

    @property
    def warnings(self) -> int:
        return sum(p.severity == "warning" for p in self.problems)


def _no_progress(fraction: float, text: str) -> None:
    return None


def ingest(
    data: bytes,
    file_name: str,
    actor: Identity | None,
    store: Store,
    progress: Progress | None = None,
    save: bool = True,
    illustrative: bool = False,
    today: dt.date | None = None,
    mapping: Mapping | None = None,
) -> IngestResult:
    """Check, parse, validate and compare an uploaded workbook; store it as a draft when it has no errors.

    ``actor`` is who uploads; with ``save`` they need the UPLOAD permission (refused before anything is read);
    without it (a check only, as ``validate`` does) ``actor`` may be None.

    With a ``mapping`` the workbook is in the analyst's own layout: every sheet is read, reshaped to the
    Values table, and validated like the template's; problems name the analyst's own sheet, row and column,
    and the draft version records the mapping that read it. Without one, a workbook that is not in the
    template's layout is read through a saved mapping made for the same headers, when there is one.
    """
    step = progress or _no_progress
    if save:
        store.require(actor, Action.UPLOAD, file_name[:80])
    beneficiaries = actor.beneficiaries if actor else ()
    base_version = store.approved_id()
    needs_mapping = False
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest") as pool:
        try:
            step(0.05, _("Checking and reading the file"))
            parsing = pool.submit(  # the checks run in the worker too, in this thread's language (its context)
                copy_context().run, worker.parse_isolated, data, file_name=file_name, every_sheet=mapping is not None
            )
            base = store.load(base_version) if base_version else empty_programme()  # while the worker reads
            digest = sha256(data)
            raw = parsing.result()
            needs_mapping = mapping is None and not in_template_layout(raw)
            if needs_mapping:  # no template sheet was read: is there a saved mapping for these headers?
                every = worker.parse_isolated(data, file_name=file_name, every_sheet=True)
                saved = SavedMappings(store).find(every, actor.email if actor else "")
                if saved is not None:
                    step(0.5, _("Reading it through the saved mapping '{name}'").format(name=saved.name))
                    mapping, raw, needs_mapping = with_new_semesters(saved.mapping, every), every, False
            step(0.55, _("Checking every row"))
            mapped = None
            if mapping is None:
                checked = validate.validated_workbook(raw, base, today=today, beneficiaries=beneficiaries)
                upload, problems = checked.programme, checked.problems
            else:
                mapped = apply_mapping(raw, mapping, base.indicators)
                checked = validate.validated_workbook(
                    mapped.workbook, base, today=today, beneficiaries=beneficiaries, percent_values=True
                )
                upload, problems = checked.programme, mapped.problems + mapped.locate(checked.problems)
        except UnreadableWorkbook as error:
            step(1.0, _("Not in the template's layout") if needs_mapping else _("The file could not be read"))
            return IngestResult(ok=False, message=str(error), base_version=base_version, needs_mapping=needs_mapping)
        result = IngestResult(
            ok=not has_errors(problems),
            problems=problems,
            upload=upload,
            base_version=base_version,
            rows={name: len(frame) for name, frame in upload.tables.items() if len(frame)},
            mapped=mapped,
            mapping=mapping,
        )
        if not result.ok:
            step(1.0, _("The workbook has problems to fix"))
            return result
        step(0.7, _("Comparing with the approved data"))
        result.duplicate_of = store.find_by_sha(digest)
        store_it = save and result.duplicate_of is None
        merging = pool.submit(copy_context().run, validate.merge, base, upload)  # while the changes are listed
        staging = None
        try:
            result.changes = diff.upload_changes(base, upload)
            result.merged = merging.result()
            if store_it:  # the draft is written while the figures are checked for their quality
                staging = pool.submit(copy_context().run, store.stage_version, data, result.merged)
            result.problems = result.problems + quality_warnings(result.merged, upload, checked, mapped)
            staged = staging.result() if staging is not None else None
            if staged is not None:
                step(0.85, _("Storing a new draft version"))
                illustrative = illustrative or bool(base_version and store.meta(base_version).get("illustrative"))
                result.version_id = store.commit_version(
                    staged,
                    file_name,
                    actor,
                    base_version=base_version,
                    illustrative=illustrative,
                    summary={
                        "errors": result.errors,
                        "warnings": result.warnings,
                        "changes": result.change_summary.to_dict("records"),
                    }
                    | ({"mapping": mapping.to_json()} if mapping is not None else {}),
                )
        except BaseException:
            staged = None if staging is None or staging.exception() else staging.result()
            if staged is not None:
                store.discard(staged)  # a draft staged for an ingest that failed
            raise
    step(1.0, _("Done"))
    return result


QUALITY_WARNINGS_PER_CHECK = 100  # beyond this, one line says how many more (the Semester review lists them all)
# What a data-quality warning at upload expects instead (compute/quality.py gives what was found).
QUALITY_EXPECTED = {
    "sex_split": N_("female + male equal to the total, or a comment saying why not"),
    "jump": N_("a figure near the previous semester's, or a comment explaining the change"),
    "target_falls": N_("a cumulative target at least the previous semester's, or a meeting's revision"),
    "running_total_falls": N_("a running total that does not fall (a semester value of 0 or more)"),
    "milestone_undone": N_("a milestone done earlier reported done, unless it really was undone (say why)"),
}


def quality_warnings(
    merged: Programme, upload: Programme, checked: validate.Validated, mapped: MappedWorkbook | None
) -> list[Problem]:
    """Data-quality flags about the upload's rows, as warnings on the Excel row that holds each figure (the
    analyst's own sheet and row when a mapping read the workbook). Warnings never block storing.

    ``checked`` is the upload's validation: its rows' Excel rows and the file's names for sheets and headers."""
    flags, counts = capped_upload_flags(merged, upload, QUALITY_WARNINGS_PER_CHECK)  # as validation caps each rule
    explanations = explanation_warnings(merged, upload, checked)
    if flags.empty:
        return mapped.locate(explanations) if mapped is not None else explanations
    names = checked.names  # the sheets and headers as the file names them (a workbook in French)
    on_targets = flags["check"].isin(list(FLAG_SHEETS)).to_numpy(dtype=bool)
    rows: list[int | None] = [None] * len(flags)
    for table, chosen in (("values", ~on_targets), ("targets", on_targets)):
        if chosen.any():
            for at, row in zip(np.flatnonzero(chosen), _excel_rows(flags[chosen], checked.rows[table]), strict=True):
                rows[at] = row
    problems = []
    for flag, row in zip(flags.to_dict("records"), rows, strict=True):
        sheet = "Targets" if flag["check"] in FLAG_SHEETS else "Values"
        sheet = names.sheets.get(sheet, sheet)
        problems.append(
            Problem(
                WARNING,
                sheet,
                row,
                names.headers.get((sheet, "Value"), "Value"),
                f"{flag['indicator_id']}, {flag['beneficiary']}: {flag['message']}",
                _(QUALITY_EXPECTED.get(str(flag["check"]), N_("a figure consistent with the others"))),
                f"quality-{flag['check']}",
            )
        )
    for check, count in counts.items():
        if count > QUALITY_WARNINGS_PER_CHECK:
            problems.append(
                Problem(
                    WARNING,
                    "",
                    None,
                    None,
                    _("{count} more figures like these").format(count=count - QUALITY_WARNINGS_PER_CHECK),
                    _(QUALITY_EXPECTED.get(str(check), N_("a figure consistent with the others"))),
                    f"quality-{check}",
                )
            )
    problems += explanations
    return mapped.locate(problems) if mapped is not None else problems


def explanation_warnings(merged: Programme, upload: Programme, checked: validate.Validated) -> list[Problem]:
    """A warning on the Comment of each uploaded figure that would be at risk, off track or over-achieved and has
    no comment (what the semester workbook's Check column asks for), at most QUALITY_WARNINGS_PER_CHECK."""
    missing = unexplained_upload_figures(merged, upload)
    if missing.empty:
        return []
    shown = missing.head(QUALITY_WARNINGS_PER_CHECK)
    sheet = checked.names.sheets.get("Values", "Values")
    column = checked.names.headers.get((sheet, "Comment"), "Comment")
    rows = _excel_rows(shown, checked.rows["values"])
    problems = [
        Problem(
            WARNING,
            sheet,
            row,
            column,
            _("{indicator}, {beneficiary}: {reason}, no comment").format(
                indicator=flag["indicator_id"], beneficiary=flag["beneficiary"], reason=flag["explanation_due"]
            ),
            _("a comment saying why: the Steering Committee reads it beside the status"),
            "explanation-missing",
        )
        for flag, row in zip(shown.to_dict("records"), rows, strict=True)
    ]
    if len(missing) > len(shown):
        problems.append(
            Problem(
                WARNING,
                sheet,
                None,
                column,
                _("{count} more figures like these").format(count=len(missing) - len(shown)),
                _("an explanation in the Comment column"),
                "explanation-missing",
            )
        )
    return problems


def _excel_rows(flags: pd.DataFrame, rows: pd.DataFrame) -> list[int | None]:
    """The Excel row of each flag's figure: the first row of its indicator, beneficiary and semester, a total
    row before a female or male one (the total holds the figure a flag is about); None when there is none."""
    rows = rows[rows["indicator_id"].isin(flags["indicator_id"].unique()).to_numpy(dtype=bool)]  # in Arrow
    rows = rows[KeySet(flags, SEMESTER_KEY).holds(rows)]  # only the rows of a flagged key, by integer keys
    if "sex" in rows:
        sex_row = (rows["sex"].astype("string").fillna("total") != "total").to_numpy(dtype=bool)
        rows = rows.iloc[np.argsort(sex_row, kind="stable")]
    where: dict[tuple[str, str, str], int] = {}
    for indicator_id, beneficiary, semester, row in zip(*(rows[c] for c in [*SEMESTER_KEY, "_row"]), strict=True):
        where.setdefault((str(indicator_id), str(beneficiary), str(semester)), int(row))
    return [where.get(tuple(str(v) for v in key)) for key in zip(*(flags[c] for c in SEMESTER_KEY), strict=True)]


@dataclass(frozen=True)
class SemesterWorkbook:
    """A semester workbook made for someone: its bytes, a file name, and how many rows it asks for."""

    data: bytes
    file_name: str
    rows: int
    semester: str
    beneficiaries: tuple[str, ...]


def semester_workbook(
    store: Store, actor: Identity | None, semester: str, beneficiaries: Sequence[str] = ()
) -> SemesterWorkbook:
    """The workbook ``actor`` fills in for ``semester`` (an identifier, a label or a date inside it): the rows
    expected of ``beneficiaries`` (default: the actor's own, or every beneficiary for a manager or an analyst
    not limited to some), with the approved data beside them (``template.semester_workbook_bytes``).

    Only who may upload gets one (a donor is refused, and the refusal logged); an analyst limited to some
    beneficiaries gets only theirs. Its figures are the approved version's, never a draft's. Raises
    ProjectError with one sentence when the semester cannot be read, nothing is approved yet, a beneficiary
    is not the analyst's, or nothing is expected of them that semester."""
    store.require(actor, Action.UPLOAD, _("a semester workbook"))
    assert actor is not None  # require refused nobody signed in
    try:
        chosen_semester = parse_semester(semester).id
    except PeriodError as error:
        raise ProjectError(str(error)) from None
    codes = tuple(dict.fromkeys(ref.beneficiary_code(b) or b for b in beneficiaries))
    unknown = [b for b in codes if b not in ref.BENEFICIARY_CODES]
    if unknown:
        raise ProjectError(
            _("{found} is not a beneficiary: give one of {codes}.").format(
                found=", ".join(unknown), codes=", ".join(ref.BENEFICIARY_CODES)
            )
        )
    own = tuple(actor.beneficiaries)
    if own and not codes:
        codes = own
    elif own and set(codes) - set(own):
        raise ProjectError(
            _("{email} reports for {own} only, not for {others}.").format(
                email=actor.email,
                own=", ".join(ref.beneficiary_name(b) for b in own),
                others=", ".join(ref.beneficiary_name(b) for b in codes if b not in own),
            )
            + _footnote_for((*own, *codes))
        )
    codes = codes or tuple(ref.BENEFICIARY_CODES)
    approved_id = store.approved_id()
    if approved_id is None:
        raise ProjectError(_("No data has been approved yet: there is nothing to prepare a semester workbook from."))
    programme = store.load(approved_id)
    rows = template.semester_rows(programme, chosen_semester, codes)
    if rows.empty:
        raise ProjectError(
            _("Nothing is expected of {beneficiaries} in {semester}: no target is in force then.").format(
                beneficiaries=", ".join(ref.beneficiary_name(b) for b in codes),
                semester=semester_label(chosen_semester),
            )
            + _footnote_for(codes)
        )
    data = template.semester_workbook_bytes(
        programme, chosen_semester, codes, bool(store.meta(approved_id).get("illustrative")), rows=rows
    )
    return SemesterWorkbook(data, semester_workbook_name(chosen_semester, codes), len(rows), chosen_semester, codes)


def _footnote_for(codes: Sequence[str]) -> str:
    """The Kosovo* footnote on a line of its own, for a sentence that names Kosovo* (else nothing)."""
    return "\n" + _(ref.KOSOVO_FOOTNOTE) if "XKX" in codes else ""


def semester_workbook_name(semester: str, beneficiaries: Sequence[str]) -> str:
    """The file name of a semester workbook: semester_workbook_2026NovS2_MNE.xlsx (the number of beneficiaries
    when there are more than three)."""
    who = "-".join(beneficiaries) if 0 < len(beneficiaries) <= 3 else f"{len(beneficiaries) or 'all'}"
    return f"semester_workbook_{semester}_{who}.xlsx"


def in_template_layout(raw: RawWorkbook) -> bool:
    """Whether a workbook has any of the template's sheets (else it is read through a mapping)."""
    return any(name.strip().casefold() in TABLE_SHEETS for name in raw.sheets)


def mapping_suggestion(data: bytes, file_name: str, store: Store, sheet: str | None = None) -> Suggestion:
    """A mapping proposed for a workbook in another layout, read with every sheet in the isolated worker.

    Indicators are matched against the approved data's. Raises UnreadableWorkbook (or MappingError) with
    one sentence when the file cannot be read or has no filled sheet.
    """
    raw = worker.parse_isolated(data, file_name=file_name, every_sheet=True)
    base = store.approved() or empty_programme()
    return suggest_mapping(raw, base.indicators, sheet)


@dataclass
class Review(_Findings):
    """What approving a stored version would change now: its changes against the approved data of now.

    When another version has been approved since the version was checked (``moved``), its changes are
    re-applied onto the approved data of now (``reapply``), listed cell by cell where they conflict, and its
    workbook's changed rows are checked again against the new data (``problems``, as an upload's).
    """

    version_id: str
    base_version: str | None  # the approved version it was checked against
    approved_version: str | None  # the approved version of now, which ``changes`` are computed against
    programme: Programme  # the data approving it publishes (conflicting cells take the upload's values)
    changes: pd.DataFrame  # diff.CHANGE_COLUMNS against the approved data of now
    conflicts: pd.DataFrame  # reapply.CONFLICT_COLUMNS
    problems: list[Problem] = field(default_factory=list)
    message: str | None = None  # one sentence when the stored workbook cannot be read again
    # What a reviewer reads beside the changes (``review(..., for_reader=True)``): the statuses approving it
    # changes (STATUS_CHANGE_COLUMNS) and the analyst's note at submission.
    status_changes: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=STATUS_CHANGE_COLUMNS))
    note: str = ""

    @property
    def moved(self) -> bool:
        return self.base_version != self.approved_version

    @property
    def fingerprint(self) -> str:
        """Equal for two reviews exactly when they show the same changes and conflicts (what a reviewer saw)."""
        return reapply.fingerprint(self.changes, self.conflicts)

    @property
    def errors(self) -> int:
        return sum(p.severity == "error" for p in self.problems) + bool(self.message)

    @property
    def conflict_note(self) -> str:
        """The conflicts as text, to return the version with."""
        return reapply.conflict_note(self.conflicts)


STATUS_CHANGE_COLUMNS = ["indicator_id", "beneficiary", "semester", "before", "after"]


def status_changes(before: Programme, after: Programme, thresholds: Thresholds | None = None) -> pd.DataFrame:
    """The statuses that publishing ``after`` in place of ``before`` changes: one row per indicator, beneficiary
    and semester (STATUS_CHANGE_COLUMNS; ``before`` and ``after`` are status codes, "not_due" where a row was
    not there), newest semester first."""
    thresholds = thresholds or Thresholds.from_settings()

    def statuses(programme: Programme) -> pd.DataFrame:
        if programme.indicators.empty:
            return pd.DataFrame({c: pd.Series([], dtype="string") for c in [*SEMESTER_KEY, "status"]})
        return indicator_progress(programme, thresholds)[[*SEMESTER_KEY, "status"]].astype("string")

    both = statuses(before).merge(statuses(after), on=SEMESTER_KEY, how="outer", suffixes=("_before", "_after"))
    both = both.assign(before=both["status_before"].fillna("not_due"), after=both["status_after"].fillna("not_due"))
    changed = both[both["before"] != both["after"]]
    return changed.sort_values(["semester", "indicator_id", "beneficiary"], ascending=[False, True, True])[
        STATUS_CHANGE_COLUMNS
    ].reset_index(drop=True)


def status_change_text(row: object) -> str:
    """One status change as a reviewer reads it: "IND-06 Montenegro, Nov 2025 – Apr 2026: ● On track → ▲ At
    risk" (``row`` has the STATUS_CHANGE_COLUMNS as attributes)."""

    def word(code: str) -> str:
        status = STATUS_BY_CODE.get(code)
        return f"{status.symbol} {_(status.label)}" if status else code

    return _("{indicator} {beneficiary}, {semester}: {before} → {after}").format(
        indicator=row.indicator_id,
        beneficiary=beneficiary_name(str(row.beneficiary)),
        semester=_semester_label(row.semester),
        before=word(str(row.before)),
        after=word(str(row.after)),
    )


def _semester_label(semester: object) -> str:
    try:
        return semester_label(str(semester))
    except PeriodError:
        return str(semester)


def review(store: Store, version_id: str, today: dt.date | None = None, for_reader: bool = False) -> Review:
    """The changes approving a version would make to the approved data of now, recomputed (never the stale ones).

    With ``for_reader`` also what the reviewer reads beside them: the upload's warnings (its workbook read again
    when it was checked against the approved data of now), the statuses it changes, the analyst's note."""
    base_version, approved_version = store.meta(version_id).get("base_version"), store.approved_id()
    stored = store.load(version_id)
    approved = store.load(approved_version) if approved_version else empty_programme()
    if base_version == approved_version:
        result = Review(
            version_id,
            base_version,
            approved_version,
            stored,
            diff.programme_changes(approved, stored),
            reapply.no_conflicts(),
        )
        if for_reader:
            try:  # the warnings the analyst saw (no errors: it was stored), read as at the upload
                result.problems = _upload_warnings(store, version_id, approved, today)
            except UnreadableWorkbook as error:
                result.message = str(error)
            _for_reader(store, result, approved)
        return result
    base = store.load(base_version) if base_version else empty_programme()
    merged = reapply.reapplied(base, stored, approved, take_upload=True)
    result = Review(
        version_id,
        base_version,
        approved_version,
        merged.programme,
        diff.programme_changes(approved, merged.programme),
        merged.conflicts,
    )
    try:  # the same validation as an upload, of the rows it changes, against the approved data of now
        result.problems = _stored_problems(store, version_id, approved, today, merged.changed_keys)
    except UnreadableWorkbook as error:
        result.message = str(error)
    if for_reader:
        _for_reader(store, result, approved)
    return result


def _for_reader(store: Store, result: Review, approved: Programme) -> None:
    result.status_changes = status_changes(approved, result.programme)
    state = store.statuses().get(result.version_id, {})
    result.note = (state.get("note") or "") if state.get("status") == "submitted" else ""


def _stored_problems(
    store: Store, version_id: str, approved: Programme, today: dt.date | None, only: dict[str, set[str]] | None
) -> list[Problem]:
    """A stored upload's problems against ``approved``, read as it was read: through its mapping, if one."""
    meta = store.meta(version_id)
    recorded = (meta.get("summary") or {}).get("mapping")
    mapping = Mapping.from_json(recorded) if recorded else None
    raw = worker.parse_isolated(store.raw_bytes(version_id), file_name=meta["file_name"], every_sheet=bool(mapping))
    if mapping is None:
        return validate.validate_workbook(raw, approved, today=today, only=only)[1]
    mapped = apply_mapping(raw, mapping, approved.indicators)
    found = validate.validate_workbook(mapped.workbook, approved, today=today, only=only, percent_values=True)[1]
    return mapped.problems + mapped.locate(found)


def _upload_warnings(store: Store, version_id: str, approved: Programme, today: dt.date | None) -> list[Problem]:
    """The problems an upload checked against ``approved`` showed its analyst (validation and data quality), its
    stored workbook read again as it was read: through its mapping, if one."""
    meta = store.meta(version_id)
    recorded = (meta.get("summary") or {}).get("mapping")
    mapping = Mapping.from_json(recorded) if recorded else None
    raw = worker.parse_isolated(store.raw_bytes(version_id), file_name=meta["file_name"], every_sheet=bool(mapping))
    mapped = apply_mapping(raw, mapping, approved.indicators) if mapping else None
    if mapped is None:
        checked = validate.validated_workbook(raw, approved, today)
        problems = checked.problems
    else:
        checked = validate.validated_workbook(mapped.workbook, approved, today, None, (), True)
        problems = mapped.problems + mapped.locate(checked.problems)
    merged = validate.merge(approved, checked.programme)
    return problems + quality_warnings(merged, checked.programme, checked, mapped)


def approve(
    store: Store,
    version_id: str,
    actor: Identity,
    note: str = "",
    *,
    seen: str,
    take_upload: bool = False,
    attempts: int = 50,
) -> str:
    """Approve a version whose changes a reviewer saw (``seen``: the ``Review.fingerprint`` shown to them).

    The changes are recomputed against the approved data of now; when they differ from what was seen, or
    have errors, or conflict while ``take_upload`` is not given, nothing is approved and the error says why.
    A version checked against an older approval is re-applied onto the approved data of now and stored as a
    new version, which is approved. When another approval lands meanwhile, the changes are computed again
    and approved only if they still read as the ones seen. Returns the version now approved. ``actor`` needs
    the APPROVE permission and may not have uploaded the version (the store checks both).
    """
    store.require(actor, Action.APPROVE, _("version {version}").format(version=version_id), version_id)
    for _attempt in range(attempts):
        now = review(store, version_id)
        if now.fingerprint != seen:
            raise StoreError(
                _(
                    "the changes of version {version} against the approved data are not the ones you saw "
                    "(version {approved} has been approved since): look at them again before approving"
                ).format(version=version_id, approved=now.approved_version or _("(none)"))
            )
        if now.errors:
            raise StoreError(
                _(
                    "version {version} has {errors} error(s) against the approved data of now: return it so "
                    "that its analyst fixes them"
                ).format(version=version_id, errors=now.errors)
            )
        if len(now.conflicts) and not take_upload:
            raise StoreError(
                _(
                    "version {version} changes {count} cell(s) that were also changed by an approval "
                    "since: return it with the list of conflicts, or approve it taking the upload's values"
                ).format(version=version_id, count=len(now.conflicts))
            )
        staged = store.stage_version(store.raw_bytes(version_id), now.programme) if now.moved else None
        try:
            return store.approve(
                version_id,
                actor,
                note,
                onto=now.approved_version,
                reapplied=staged,
                overridden=now.conflict_note if take_upload else "",
            )
        except ApprovedMoved:
            continue  # another approval landed: compute again, approve only if it still reads the same
        finally:
            if staged is not None:
                store.discard(staged)
    raise StoreError(
        _("version {version} could not be approved: the approved data kept changing; try again").format(
            version=version_id
        )
    )


def seed_demo(store: Store) -> str | None:
    """Load the illustrative demo workbook into an empty store and approve it; returns its version."""
    path = Path(setting("DEMO_WORKBOOK"))
    if setting("SEED_DEMO") != "1" or not path.exists():
        return None
    with store.locked("seed"):  # one seeding even when two sessions open an empty store at once
        if store.version_ids():
            return None
        result = ingest(path.read_bytes(), path.name, SYSTEM, store, illustrative=True)
        if not result.version_id:
            problem = result.message or "; ".join(p.message for p in result.problems[:3])
            raise UnreadableWorkbook(
                _("The demo workbook {path} did not load: {problem}").format(path=path, problem=problem)
            )
        store.submit(result.version_id, SYSTEM, "illustrative demo data")
        store.approve(result.version_id, SYSTEM, "illustrative demo data, approved automatically")
        return result.version_id


def default_store() -> Store:
    """The store of the settings (STORE_URL, else STORE_DIR), seeded with the illustrative demo when it is empty."""
    store = Store(store_location())
    if not store.version_ids():
        seed_demo(store)
    if hasattr(store.backend, "remove_orphans"):  # staging folders a killed process left behind (folder stores)
        store.backend.remove_orphans()
    store.tidy(setting_int("RETAIN_UNAPPROVED_DAYS"))
    return store
