"""An upload's changes re-applied onto approved data that moved since it was checked: a three-way merge.

A stored version holds the approved data it was checked against (its *base*) with its upload applied.
When another version has been approved since, approving the stored tables as they are would undo that
approval, so the version's *changes* are re-applied onto the approved data of now instead, as version
control does for a branch:

- the upload's changes are the cells where the version differs from its base, and the rows it adds;
  rows the workbook carried as they were change nothing, so they never undo what was approved since;
- a cell the upload changes and no approval since touched takes the upload's value;
- a cell approved since and not changed by the upload keeps the approved value;
- a cell both changed, to the same value, is no conflict; to different values, it is a *conflict*: listed
  with the three values (checked against, approved since, in the upload), and kept as approved unless the
  person deciding takes the upload's values (``take_upload``);
- a row the upload adds that was also added since is merged cell by cell the same way (its base is empty);
- a row removed since that the upload changes is a conflict in each changed cell.

Uploads never remove rows (``validate.merge`` adds or replaces), so removals by the upload do not arise.
Cells are compared as text, as ``diff`` lists them. Pure: programmes in, programme and conflicts out.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pandas as pd

from indicators.domain.i18n import N_, _
from indicators.domain.schema import TABLES, Programme, Table, conform
from indicators.read.diff import as_text, key_text

CONFLICT_COLUMNS = [
    "table",
    "key",
    "indicator_id",
    "beneficiary",
    "semester",
    "sex",
    "column",
    "base",
    "approved_since",
    "upload",
]
NO_ROW, REMOVED = N_("(no row)"), N_("(row removed)")  # shown in the conflicts' cells, in the language
_DESCRIBED_BY = ("indicator_id", "beneficiary", "semester", "sex")


def no_conflicts() -> pd.DataFrame:
    """An empty list of conflicts, with its columns."""
    return pd.DataFrame({c: pd.Series([], dtype="string") for c in CONFLICT_COLUMNS})


@dataclass(frozen=True)
class Reapplied:
    """The approved data of now with an upload's changes re-applied, and the cells that conflict."""

    programme: Programme
    conflicts: pd.DataFrame  # CONFLICT_COLUMNS, one row per conflicting cell
    changed_keys: dict[str, set[str]]  # per table, the keys (as diff writes them) of the rows the upload changes


def _by_key(frame: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    keys = key_text(frame, key) if len(frame) else pd.Series([], dtype="string")
    indexed = frame.set_index(pd.Index(keys.astype(object), name=None))
    return indexed[~indexed.index.duplicated(keep="last")]


def _cells(frame: pd.DataFrame, columns: list[str], index: pd.Index) -> pd.DataFrame:
    """The cells of ``columns`` on the rows of ``index`` (empty where the row is absent)."""
    return frame[columns].reindex(index)


def _differ(left: pd.DataFrame, right: pd.DataFrame) -> pd.DataFrame:
    """Cell by cell, whether two aligned frames of the same columns differ (empty equals empty; for text,
    an empty cell equals ''), as ``diff`` sees it, compared in each column's own type."""
    out = {}
    for c in left.columns:
        x, y = left[c], right[c]
        if pd.api.types.is_string_dtype(x.dtype):
            x, y = x.fillna(""), y.fillna("")
        same = (x == y).fillna(False).to_numpy(dtype=bool) | (x.isna().to_numpy() & y.isna().to_numpy())
        out[c] = ~same
    return pd.DataFrame(out, index=left.index)


def _every_cell(rows: pd.Series, columns: list[str]) -> pd.DataFrame:
    """A row-wise flag spread over every column."""
    return pd.DataFrame({c: rows.to_numpy(dtype=bool) for c in columns}, index=rows.index)


def table_reapplied(
    table: Table, base: pd.DataFrame, version: pd.DataFrame, approved: pd.DataFrame, take_upload: bool = False
) -> tuple[pd.DataFrame, pd.DataFrame, set[str]]:
    """One table three ways: the merged rows, the conflicts, and the keys of the rows the upload changes."""
    key = list(table.key)
    columns = [c for c in table.column_names if c not in key]
    b, v, a = _by_key(base, key), _by_key(version, key), _by_key(approved, key)
    v_cells, b_cells = v[columns], _cells(b, columns, v.index)
    in_base = pd.Series(v.index.isin(b.index), index=v.index)
    changed_cells = _differ(v_cells, b_cells)
    changed_rows = changed_cells.any(axis=1) | ~in_base
    if not changed_rows.any():
        return approved, no_conflicts(), set()
    rows = v.index[changed_rows.to_numpy()]
    v_cells, b_cells, ours = v_cells.loc[rows], b_cells.loc[rows], changed_cells.loc[rows]
    a_cells = _cells(a, columns, rows)
    in_approved = pd.Series(rows.isin(a.index), index=rows)
    in_base = in_base.loc[rows]
    removed_since = _every_cell(~in_approved & in_base, columns)  # a row removed since: all of it changed
    absent = _every_cell(~in_approved, columns)
    theirs = _differ(a_cells, b_cells) | removed_since
    conflict = ours & theirs & (_differ(a_cells, v_cells) | absent)
    take = (ours & (~theirs | take_upload)) | absent
    if not take_upload:  # a row removed since is not brought back by a conflicting upload
        take &= ~_every_cell(conflict.any(axis=1) & ~in_approved, columns)
    kept_rows = in_approved | take.any(axis=1)
    merged = pd.DataFrame(
        {c: a_cells[c].mask(take[c], v_cells[c]) for c in columns} | {k: v.loc[rows, k] for k in key},
        index=rows,
    )[kept_rows.to_numpy()]
    untouched = a[~a.index.isin(rows)]
    frames = [f for f in (untouched, merged) if len(f)]
    both = pd.concat([conform(table, f) for f in frames], ignore_index=True) if frames else table.empty()
    result = conform(table, both.sort_values(key, kind="stable"))
    clashes = _conflict_rows(table, v.loc[rows], conflict, b_cells, a_cells, v_cells, in_base, in_approved)
    return result, clashes, set(rows)


def _conflict_rows(
    table: Table,
    rows: pd.DataFrame,
    conflict: pd.DataFrame,
    base: pd.DataFrame,
    approved: pd.DataFrame,
    upload: pd.DataFrame,
    in_base: pd.Series,
    in_approved: pd.Series,
) -> pd.DataFrame:
    parts = []
    for column in conflict.columns:
        hit = conflict[column]
        if not hit.any():
            continue
        keys = hit.index[hit.to_numpy()]
        described = {
            d: as_text(rows.loc[keys, d]) if d in rows.columns else pd.Series("", index=keys, dtype="string")
            for d in _DESCRIBED_BY
        }
        parts.append(
            pd.DataFrame(
                {
                    "table": table.name,
                    "key": pd.Series(keys, index=keys, dtype="string"),
                    **described,
                    "column": column,
                    "base": as_text(base.loc[keys, column]).where(in_base.loc[keys], _(NO_ROW)),
                    "approved_since": as_text(approved.loc[keys, column]).where(
                        in_approved.loc[keys], in_base.loc[keys].map({True: _(REMOVED), False: _(NO_ROW)})
                    ),
                    "upload": as_text(upload.loc[keys, column]),
                },
                index=keys,
            )
        )
    if not parts:
        return no_conflicts()
    return pd.concat(parts, ignore_index=True)[CONFLICT_COLUMNS].astype("string")


def reapplied(base: Programme, version: Programme, approved: Programme, take_upload: bool = False) -> Reapplied:
    """``approved`` with the changes ``version`` makes to ``base``; conflicts listed cell by cell.

    With ``take_upload`` a conflicting cell takes the upload's value, otherwise it keeps the approved one.
    """
    tables, conflicts, changed = {}, [], {}
    for table in TABLES:
        merged, clashes, keys = table_reapplied(
            table, base[table.name], version[table.name], approved[table.name], take_upload
        )
        tables[table.name] = merged
        changed[table.name] = keys
        if len(clashes):
            conflicts.append(clashes)
    frame = pd.concat(conflicts, ignore_index=True) if conflicts else no_conflicts()
    return Reapplied(Programme(tables), frame, changed)


def fingerprint(*frames: pd.DataFrame) -> str:
    """A short digest of some frames' contents (e.g. a diff and its conflicts): equal when they hold the same
    rows, in whatever order."""
    digest = hashlib.sha256()
    for frame in frames:
        rows = frame.astype("string").fillna("")
        digest.update(rows.sort_values(list(rows.columns), kind="stable").to_csv(index=False).encode())
        digest.update(b"\x00")
    return digest.hexdigest()[:16]


def conflict_note(conflicts: pd.DataFrame) -> str:
    """The conflicts as plain text, one line a cell, for a return note or the log."""
    empty = _("(empty)")
    lines = [
        _("{table} {key}, {column}: checked against {base}, approved since {approved}, in the upload {upload}").format(
            table=r.table,
            key=r.key,
            column=r.column,
            base=r.base or empty,
            approved=r.approved_since or empty,
            upload=r.upload or empty,
        )
        for r in conflicts.itertuples()
    ]
    return "\n".join(lines)
