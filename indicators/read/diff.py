"""What an upload changes against the approved data: rows added, changed and removed, cell by cell."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from indicators.domain.schema import TABLES, Programme, Table

CHANGE_COLUMNS = ["table", "key", "change", "column", "before", "after"]


def no_changes() -> pd.DataFrame:
    """An empty list of changes, with its columns."""
    return pd.DataFrame({c: pd.Series([], dtype="string") for c in CHANGE_COLUMNS})


def as_text(series: pd.Series) -> pd.Series:
    """Cells as the diff compares and shows them: text, '' when empty."""
    return series.astype("string").fillna("")


def key_text(frame: pd.DataFrame, key: list[str]) -> pd.Series:
    """Each row's key as one text, its parts joined by ' · ' (joined in Arrow: large uploads have many rows)."""
    parts = [pa.array(as_text(frame[k]).array).cast(pa.large_string()) for k in key]
    joined = pc.binary_join_element_wise(*parts, pa.scalar(" · ", pa.large_string())) if len(parts) > 1 else parts[0]
    return pd.Series(pd.arrays.ArrowStringArray(joined), index=frame.index)


def row_values(table: Table, rows: pd.DataFrame) -> pd.Series:
    """Each row's values besides its key, as a reviewer reads an added or removed row: "Value: 12 · Sex: female ·
    Comment: …" (the template's headers; empty cells left out). Joined in Arrow, column by column."""
    parts = []
    for column in table.columns:
        if column.name in table.key or column.name not in rows:
            continue
        text = pa.array(as_text(rows[column.name]).array).cast(pa.large_string())
        text = pc.replace_substring_regex(text, pattern=r"^(-?\d+)\.0$", replacement=r"\1")  # 3.0 reads 3
        labelled = pc.binary_join_element_wise(
            pa.scalar(column.header, pa.large_string()), text, pa.scalar(": ", pa.large_string())
        )
        # Each part ends with the separator, an empty cell is an empty part, and the last separator is cut off
        # below (binary_join_element_wise with null_handling="skip" drops rows in pyarrow 26: not used).
        ended = pc.binary_join_element_wise(
            labelled, pa.scalar(" · ", pa.large_string()), pa.scalar("", pa.large_string())
        )
        parts.append(pc.if_else(pc.equal(text, ""), pa.scalar("", pa.large_string()), ended))
    if not parts:
        return pd.Series("", index=rows.index, dtype="string")
    joined = pc.binary_join_element_wise(*parts, pa.scalar("", pa.large_string()))
    joined = pc.replace_substring_regex(joined, pattern=" · $", replacement="")
    return pd.Series(pd.arrays.ArrowStringArray(joined), index=rows.index)


def table_changes(table: Table, before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """One table's changes: one row per added or removed row (with its values: ``after`` of an added row,
    ``before`` of a removed one), one per changed cell."""
    key = list(table.key)
    if before.empty or after.empty:  # every row added, or every row removed: no need to pair rows up
        rows, change = (after, "added") if before.empty else (before, "removed")
        if rows.empty:
            return no_changes()
        values = row_values(table, rows)
        frame = pd.DataFrame(
            {
                "table": table.name,
                "key": key_text(rows, key),
                "change": change,
                "column": "",
                "before": values if change == "removed" else "",
                "after": values if change == "added" else "",
            }
        )
        return frame.reset_index(drop=True).astype("string")
    value_columns = [c for c in table.column_names if c not in key]
    left = before.assign(**{k: before[k].astype("string") for k in key})
    right = after.assign(**{k: after[k].astype("string") for k in key})
    both = left.merge(right, on=key, how="outer", suffixes=("_before", "_after"), indicator=True)
    keys = key_text(both, key)
    parts = []
    for side, change, suffix in (("right_only", "added", "_after"), ("left_only", "removed", "_before")):
        rows = both["_merge"] == side
        if rows.any():
            chosen = both[rows]
            values = row_values(table, chosen.rename(columns={f"{c}{suffix}": c for c in value_columns}))
            shown = {"before": values, "after": ""} if change == "removed" else {"before": "", "after": values}
            parts.append(pd.DataFrame({"key": keys[rows], "change": change, "column": "", **shown}))
    common = both[both["_merge"] == "both"]
    for column in value_columns:
        old, new = as_text(common[f"{column}_before"]), as_text(common[f"{column}_after"])
        differs = old != new
        if differs.any():
            parts.append(
                pd.DataFrame(
                    {
                        "key": keys[differs.index[differs]],
                        "change": "changed",
                        "column": column,
                        "before": old[differs],
                        "after": new[differs],
                    }
                )
            )
    if not parts:
        return no_changes()
    return pd.concat(parts, ignore_index=True).assign(table=table.name)[CHANGE_COLUMNS].astype("string")


def programme_changes(before: Programme, after: Programme) -> pd.DataFrame:
    """Every change from one programme to another, table by table (table, key, change, column, before, after)."""
    frames = [table_changes(t, before[t.name], after[t.name]) for t in TABLES]
    return pd.concat(frames, ignore_index=True)


def change_summary(changes: pd.DataFrame) -> pd.DataFrame:
    """Counts of rows added, changed and removed per table (a changed row counts once)."""
    rows_changed = changes[changes["change"] != "changed"]
    cells_changed = changes[changes["change"] == "changed"].drop_duplicates(["table", "key"])
    counts = pd.concat([rows_changed, cells_changed]).groupby(["table", "change"], observed=True).size()
    return pd.DataFrame(
        [
            {
                "table": table.sheet,
                **{change: int(counts.get((table.name, change), 0)) for change in ("added", "changed", "removed")},
            }
            for table in TABLES
        ]
    )


def upload_changes(base: Programme, upload: Programme) -> pd.DataFrame:
    """What merging an upload into ``base`` changes: the same rows as ``programme_changes(base, merged)``.

    An upload adds rows or replaces rows with the same key and never removes any, so only the base rows
    whose keys the upload carries need comparing; a large upload is compared without touching the rest.
    """
    frames = []
    for table in TABLES:
        after = upload[table.name]
        if after.empty:
            continue
        key = list(table.key)
        after = after.drop_duplicates(subset=key, keep="last")
        touched = base[table.name].merge(after[key].astype(base[table.name][key].dtypes.to_dict()), on=key)
        frames.append(table_changes(table, touched, after))
    return pd.concat(frames, ignore_index=True) if frames else no_changes()
