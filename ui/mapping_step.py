"""The Upload page's mapping step: read a workbook kept in the analyst's own layout, and save how.

Five numbered steps, each saying what it needs: the sheet and header row, the columns, the indicators to
confirm, a preview of the first rows as they will be stored (with every problem by the analyst's own
sheet, row and column), and saving the mapping. Everything is proposed by ``indicators.read.mapping``;
this module only lays it out and keeps the analyst's choices in the session, keyed by the file, so that
nothing they confirmed is asked again while they work.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import replace

import pandas as pd
import streamlit as st

from indicators.access.identity import Identity
from indicators.access.roles import Action, allowed
from indicators.domain.i18n import N_, _, ngettext
from indicators.domain.periods import semester_label
from indicators.domain.reference import BENEFICIARY_CODES, SEX_VALUES, beneficiary_name
from indicators.domain.schema import Programme, empty_programme
from indicators.ingest import IngestResult, ingest
from indicators.read import worker
from indicators.read.mapping import (
    FIELDS,
    PARTS,
    Mapping,
    Source,
    Suggestion,
    WideColumn,
    sheet_grid,
    sheets_with_data,
    suggest_mapping,
)
from indicators.read.reader import RawWorkbook
from indicators.saved_mappings import SavedMappings
from indicators.store import Store
from ui import layout, mapping_preview

# Choices besides the sheet's columns: kept as these English words in the session, shown in the page's language.
NOT_IN_SHEET = N_("(not in the sheet)")
ONE_FOR_ALL = N_("(one for the whole sheet)")
SHEET_NAME = N_("(the sheet's name)")
FIELD_LABELS = {
    "indicator": N_("Indicator (its ID or title)"),
    "beneficiary": N_("Beneficiary"),
    "semester": N_("Semester"),
    "value": N_("Value"),
    "numerator": N_("Numerator (percentages)"),
    "denominator": N_("Denominator (percentages)"),
    "sex": N_("Sex (female, male or total)"),
    "comment": N_("Comment"),
}
# What a wide column's cells hold, and the sexes, as the table of wide columns shows them (stored as the keys).
PART_WORDS = {"value": N_("value"), "numerator": N_("numerator"), "denominator": N_("denominator")}
SEX_WORDS = {"total": N_("total"), "female": N_("female"), "male": N_("male")}


def _raw(key: str, data: bytes, file_name: str) -> RawWorkbook:
    """The workbook with every sheet read (in the isolated worker), once per file."""
    cache = st.session_state.setdefault("mapping_raw", {})
    if key not in cache:
        cache.clear()  # one workbook at a time
        cache[key] = worker.parse_isolated(data, file_name=file_name, every_sheet=True)
    return cache[key]


def mapping_step(
    key: str,
    data: bytes,
    file_name: str,
    store: Store,
    actor: Identity | None,
    on_checked: Callable[[IngestResult], None],
) -> None:
    """Lay out the mapping step for one uploaded file; on saving, ``on_checked`` receives the checked result.

    ``key`` identifies the file (its upload id).
    """
    approved = store.approved()
    indicators = (approved or empty_programme()).indicators
    with layout.project_errors_shown():
        raw = _raw(key, data, file_name)
        sheets = sheets_with_data(raw)
        if not sheets:
            st.error(_("The workbook has no filled cells on any sheet; nothing can be read from it."))
            return

        st.subheader(_("1. Sheet and header row"))
        st.caption(
            _(
                "Choose the sheet that holds your values and the row with the column headers (as Excel numbers "
                "it). Rows above it, such as a title block, are skipped. When merged cells stand above sub-headers "
                "(Female / Male, Numerator / Denominator), the header takes two rows."
            )
        )
        first = suggest_mapping(raw, indicators)
        sheet = st.selectbox(_("Sheet"), sheets, index=sheets.index(first.mapping.sheets[0]), key=f"{key}:sheet")
        proposed = first if sheet == first.mapping.sheets[0] else suggest_mapping(raw, indicators, sheet=sheet)
        left, right = st.columns(2)
        header_row = left.number_input(
            _("Header row"), min_value=1, max_value=1000, value=proposed.mapping.header_row, key=f"{key}:{sheet}:row"
        )
        header_rows = right.radio(
            _("The header takes"),
            (1, 2),
            index=proposed.mapping.header_rows - 1,
            format_func=lambda n: _("one row") if n == 1 else _("two rows"),
            horizontal=True,
            key=f"{key}:{sheet}:rows",
        )
        suggestion = suggest_mapping(raw, indicators, sheet=sheet, header_row=int(header_row), header_rows=header_rows)
        with st.expander(_("The first rows of '{sheet}' as read").format(sheet=inert(sheet)), expanded=False):
            grid = sheet_grid(raw.sheets[sheet]).head(15)
            st.dataframe(grid, key=f"{key}:grid")
        many = len(suggestion.mapping.sheets) > 1
        together = many and st.checkbox(
            _("Read every sheet laid out like this one: {sheets} (one per beneficiary)").format(
                sheets=inert(", ".join(suggestion.mapping.sheets))
            ),
            value=True,
            key=f"{key}:{sheet}:together",
        )
        mapping = replace(suggestion.mapping, sheets=suggestion.mapping.sheets if together else (sheet,))

        st.subheader(_("2. Columns"))
        st.caption(
            _(
                "Say which column holds each field, or choose one beneficiary or semester for the whole sheet. "
                "In a wide sheet, columns *are* semesters or beneficiaries: say what each stands for in the table "
                "below; columns left blank there are not read."
            )
        )
        scope = f"{key}:{sheet}:{header_row}:{header_rows}"
        mapping = _columns(mapping, suggestion, scope, approved)

        st.subheader(_("3. Indicators"))
        mapping = _indicators(mapping, raw, indicators, scope)

        st.subheader(_("4. Preview"))
        needs = mapping.missing()
        if needs:
            st.warning(" ".join(needs), icon=":material/edit_note:")
            return
        preview = mapping_preview.checked(mapping, data, file_name, store)
        mapping_preview.shown(preview)

        st.subheader(_("5. Save the mapping"))
        st.caption(
            _(
                "Saved by name, the mapping reads the next workbook with the same headers straight away "
                "(next semester's added column included)."
            )
        )
        name = st.text_input(_("Name of the mapping"), value=_default_name(file_name, sheet), key=f"{key}:name")
        may_save = allowed(actor, Action.MANAGE_MAPPINGS)
        if not may_save:
            st.caption(_("Saving a mapping is for analysts and programme managers; you can still check the workbook."))
        shared = may_save and st.radio(
            _("Who uses it"),
            (False, True),
            format_func=lambda s: _("the whole team") if s else _("only me"),
            horizontal=True,
            key=f"{key}:shared",
        )
        blocked = preview.errors > 0
        if blocked:
            st.caption(
                _("Fix the errors listed in the preview (in your file, or in the steps above) to save and store.")
            )
        if st.button(
            _("Save the mapping and store the workbook"),
            type="primary",
            disabled=blocked or not may_save,
            key=f"{key}:save",
        ):
            saved = SavedMappings(store).save(mapping, raw, name, actor, shared=bool(shared))
            with st.spinner(_("Storing the workbook")):
                result = ingest(data, file_name, actor, store, mapping=saved.mapping)
            on_checked(result)
            st.rerun()


_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=&])")


def inert(text: str) -> str:
    """Text from a workbook or a user, escaped so that a markdown label or caption shows it as written."""
    return _MARKDOWN.sub(r"\\\1", " ".join(str(text).split()))


def _default_name(file_name: str, sheet: str) -> str:
    stem = file_name.rsplit(".", 1)[0]
    return f"{stem} ({sheet})"[:80]


def _columns(mapping: Mapping, suggestion: Suggestion, scope: str, approved: Programme | None) -> Mapping:
    """The field and wide-column choices, starting from the suggestion."""
    labels = [c.label for c in suggestion.columns]
    fields: dict[str, Source] = {}
    semesters = _semester_choices(approved, mapping)
    for name in FIELDS:
        extra = [ONE_FOR_ALL] if name in ("beneficiary", "semester") else []
        extra += [SHEET_NAME] if name == "beneficiary" else []
        options = [NOT_IN_SHEET, *labels, *extra]
        current = mapping.fields.get(name)
        start = (
            current.column
            if current and current.column in labels
            else SHEET_NAME
            if current and current.sheet_name
            else ONE_FOR_ALL
            if current and current.value
            else NOT_IN_SHEET
        )
        left, right = st.columns(2)
        chosen = left.selectbox(
            _(FIELD_LABELS[name]),
            options,
            index=options.index(start),
            format_func=lambda option: _(option) if option in (NOT_IN_SHEET, ONE_FOR_ALL, SHEET_NAME) else option,
            key=f"{scope}:{name}",
        )
        if chosen == ONE_FOR_ALL:
            choices = list(BENEFICIARY_CODES) if name == "beneficiary" else semesters
            fixed = current.value if current and current.value in choices else choices[0]
            value = right.selectbox(
                _("{field} of every row").format(field=_(FIELD_LABELS[name])),
                choices,
                index=choices.index(fixed),
                format_func=beneficiary_name if name == "beneficiary" else semester_label,
                key=f"{scope}:{name}:value",
            )
            fields[name] = Source(value=value)
        elif chosen == SHEET_NAME:
            fields[name] = Source(sheet_name=True)
        elif chosen != NOT_IN_SHEET:
            fields[name] = Source(column=chosen)
            if name in suggestion.evidence and chosen == suggestion.mapping.fields[name].column:
                right.caption(_("Recognised by its cells: {cells}").format(cells=inert(suggestion.evidence[name])))
    used = {s.column for s in fields.values() if s.column}
    by_column = {w.column: w for w in mapping.wide}
    table = pd.DataFrame(
        [
            {
                "column": label,
                "semester": by_column[label].semester if label in by_column else None,
                "beneficiary": by_column[label].beneficiary if label in by_column else None,
                "sex": by_column[label].sex if label in by_column else None,
                "part": by_column[label].part if label in by_column else "value",
            }
            for label in labels
            if label not in used
        ],
        columns=["column", "semester", "beneficiary", "sex", "part"],
    )
    wide: list[WideColumn] = []
    if len(table):
        st.markdown(_("**Columns that are semesters, beneficiaries or sexes** (a wide sheet)"))
        edited = st.data_editor(
            table,
            hide_index=True,
            disabled=["column"],
            key=f"{scope}:wide",
            column_config={
                "column": st.column_config.TextColumn(_("Column in your sheet")),
                "semester": st.column_config.SelectboxColumn(_("Semester"), options=semesters),
                "beneficiary": st.column_config.SelectboxColumn(_("Beneficiary"), options=list(BENEFICIARY_CODES)),
                "sex": st.column_config.SelectboxColumn(
                    _("Sex"), options=list(SEX_VALUES), format_func=lambda s: _(SEX_WORDS.get(s, s))
                ),
                "part": st.column_config.SelectboxColumn(
                    _("Holds"), options=list(PARTS), required=True, format_func=lambda p: _(PART_WORDS.get(p, p))
                ),
            },
        )
        for row in edited.itertuples(index=False):
            keys = {k: getattr(row, k) for k in ("semester", "beneficiary", "sex") if _given(getattr(row, k))}
            if keys and ({"semester", "beneficiary"} & set(keys) or row.part != "value"):
                wide.append(WideColumn(str(row.column), part=str(row.part or "value"), **keys))
    if wide:
        for part in PARTS:
            fields.pop(part, None)
    fraction = st.checkbox(
        _("Percentages are written as fractions (0.45 for 45 %, as Excel's percent format stores them)"),
        value=mapping.percent_as_fraction,
        key=f"{scope}:fraction",
    )
    return replace(mapping, fields=fields, wide=tuple(wide), percent_as_fraction=fraction)


def _digest(text: str) -> str:
    """A short, safe widget key part for a text from the workbook."""
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def _given(value: object) -> bool:
    return isinstance(value, str) and bool(value)


def _semester_choices(approved: Programme | None, mapping: Mapping) -> list[str]:
    """Semester identifiers to choose from: the approved data's and those the suggestion recognised."""
    found = {w.semester for w in mapping.wide if w.semester}
    if approved is not None:
        found |= set(approved.targets["semester"].dropna()) | set(approved.values["semester"].dropna())
    return sorted(found) or ["2025NovS1"]


def _indicators(mapping: Mapping, raw: RawWorkbook, indicators: pd.DataFrame, scope: str) -> Mapping:
    """Matches by ID or title listed; near matches confirmed one by one, unknown texts given an indicator."""
    from indicators.read.mapping import apply_mapping  # the matches as the mapping reads them

    mapped = apply_mapping(raw, mapping, indicators)
    matches = list(mapped.matches.values())
    exact = [m for m in matches if m.how in ("id", "title", "confirmed")]
    near = [m for m in matches if m.how == "suggested"]
    unknown = [m for m in matches if m.how == "unknown"]
    if not matches:
        st.caption(_("Choose the indicator column above to match its indicators."))
        return mapping
    st.caption(
        ngettext(
            "{n} indicator matched by ID or title. A near match is used only once you confirm it; an indicator "
            "you do not confirm is reported as an error at its cells.",
            "{n} indicators matched by ID or title. A near match is used only once you confirm it; an indicator "
            "you do not confirm is reported as an error at its cells.",
            len(exact),
        ).format(n=len(exact))
    )
    confirmed = dict(mapping.indicators)
    for match in near:
        label = _("“{text}” is {indicator}: {title}").format(
            text=inert(match.text), indicator=inert(match.suggestion), title=inert(match.title)
        )
        if st.checkbox(label, key=f"{scope}:confirm:{_digest(match.text)}"):
            confirmed[match.text.strip()] = str(match.suggestion)
    if unknown:
        ids = [""] + indicators["indicator_id"].astype(str).tolist()
        titles = dict(zip(indicators["indicator_id"].astype(str), indicators["title"].astype(str), strict=True))
        with st.expander(
            ngettext("{n} text matching no indicator", "{n} texts matching no indicator", len(unknown)).format(
                n=len(unknown)
            )
        ):
            for match in unknown:
                chosen = st.selectbox(
                    f"“{inert(match.text)}”",
                    ids,
                    format_func=lambda i: (
                        _("not an indicator: report it as an error") if not i else f"{i}: {titles[i]}"
                    ),
                    key=f"{scope}:pick:{_digest(match.text)}",
                )
                if chosen:
                    confirmed[match.text.strip()] = chosen
    return replace(mapping, indicators=confirmed)
