import pandas as pd

from indicators.domain.schema import Programme
from indicators.read.diff import change_summary, programme_changes
from tests.factories import small_programme


def test_added_changed_and_removed_rows_are_listed() -> None:
    before = small_programme()
    baselines = before.baselines.copy()
    baselines.loc[baselines["indicator_id"] == "IND-02", "value"] = 25.0
    extra = pd.DataFrame([{"indicator_id": "IND-01", "beneficiary": "SRB", "value": 3.0, "year": 2023}])
    baselines = pd.concat([baselines[baselines["indicator_id"] != "IND-01"], extra]).astype(before.baselines.dtypes)
    after = Programme({**before.tables, "baselines": baselines})
    changes = programme_changes(before, after)
    rows = {(r.change, r.key, r.column, r.before, r.after) for r in changes.itertuples()}
    assert ("changed", "IND-02 · ALB", "value", "20.0", "25.0") in rows
    assert ("added", "IND-01 · SRB", "", "", "Value: 3 · Year: 2023") in rows  # a reviewer sees what is added
    assert ("removed", "IND-01 · ALB", "", "Value: 0 · Year: 2023", "") in rows
    summary = change_summary(changes).set_index("table")
    assert summary.loc["Baselines"].tolist() == [1, 1, 1]
    assert summary.drop("Baselines").sum().sum() == 0


def test_no_change_gives_an_empty_list() -> None:
    assert programme_changes(small_programme(), small_programme()).empty


def test_upload_changes_equal_the_changes_of_the_merged_programme() -> None:
    from indicators.read.diff import upload_changes
    from indicators.read.validate import merge
    from tests.factories import programme

    base = small_programme()
    upload = programme(
        baselines=[
            {"indicator_id": "IND-02", "beneficiary": "ALB", "value": 30, "year": 2024},  # changed
            {"indicator_id": "IND-01", "beneficiary": "MNE", "value": 2, "year": 2023},  # added
            {"indicator_id": "IND-01", "beneficiary": "ALB", "value": 0, "year": 2023},  # unchanged
        ]
    )
    expected = programme_changes(base, merge(base, upload)).sort_values(["table", "key", "column"])
    got = upload_changes(base, upload).sort_values(["table", "key", "column"])
    assert len(got) == 3
    assert got.reset_index(drop=True).equals(expected.reset_index(drop=True))


def test_a_row_with_two_changed_cells_counts_once_in_the_summary() -> None:
    before = small_programme()
    baselines = before.baselines.copy()
    row = baselines["indicator_id"] == "IND-02"
    baselines.loc[row, "value"] = 25.0
    baselines.loc[row, "note"] = "re-measured"
    changes = programme_changes(before, Programme({**before.tables, "baselines": baselines}))
    assert (changes["change"] == "changed").sum() == 2 * row.sum()
    summary = change_summary(changes).set_index("table")
    assert summary.loc["Baselines", "changed"] == row.sum()
    assert summary[["added", "removed"]].sum().sum() == 0


def test_an_added_value_row_shows_its_value_parts_sex_and_comment() -> None:
    from indicators.domain.schema import empty_programme
    from tests.factories import programme

    after = programme(
        values=[
            {"indicator_id": "IND-02", "beneficiary": "MNE", "semester": "2026NovS2", "numerator": 3,
             "denominator": 4, "comment": "two prisons", "sex": "total"},
            {"indicator_id": "IND-01", "beneficiary": "MNE", "semester": "2026NovS2", "value": 2, "sex": "female"},
        ]
    )  # fmt: skip
    before = Programme({**after.tables, "values": empty_programme().values})
    added = programme_changes(before, after).set_index("key")["after"]
    assert "Numerator: 3" in added["IND-02 · MNE · 2026NovS2 · total"]
    assert "Denominator: 4" in added["IND-02 · MNE · 2026NovS2 · total"]
    assert "Comment: two prisons" in added["IND-02 · MNE · 2026NovS2 · total"]
    assert "Value: 2" in added["IND-01 · MNE · 2026NovS2 · female"]
    mixed = programme_changes(small_programme(), Programme({**small_programme().tables, "values": after.values}))
    assert (mixed[mixed["change"] == "added"]["after"].str.len() > 0).all()


def test_row_values_keep_one_text_per_row_when_most_cells_are_empty() -> None:
    """An added row with every value cell empty reads as '' and never shifts or drops another row (pyarrow 26's
    binary_join_element_wise with null_handling='skip' drops rows: the round trip of a semester workbook failed)."""
    from indicators.domain.schema import VALUES
    from indicators.read.diff import row_values

    table = VALUES
    rows = pd.DataFrame({c: pd.array([""] * 25, dtype="string") for c in table.column_names})
    rows.loc[0, "value"] = "12"
    rows.loc[24, "comment"] = "late"
    got = row_values(table, rows)
    assert len(got) == 25
    assert got.iloc[0] == "Value: 12"
    assert got.iloc[24].endswith(": late") and " · " not in got.iloc[24]
    assert (got.iloc[1:24] == "").all()


def test_an_added_row_with_nothing_besides_its_key_is_listed_with_the_others() -> None:
    # pyarrow 26 dropped such a row from a join that skips nulls: the upload then failed with a ValueError
    from indicators.domain.schema import empty_programme
    from tests.factories import programme

    after = programme(
        values=[
            {"indicator_id": "IND-01", "beneficiary": "MNE", "semester": "2026NovS2", "value": 2, "sex": "total"},
            {"indicator_id": "IND-03", "beneficiary": "MNE", "semester": "2026NovS2", "sex": "female"},
            {"indicator_id": "IND-04", "beneficiary": "MNE", "semester": "2026NovS2", "comment": "x", "sex": "total"},
        ]
    )  # fmt: skip
    before = Programme({**after.tables, "values": empty_programme().values})
    added = programme_changes(before, after).set_index("key")["after"]
    assert added["IND-01 · MNE · 2026NovS2 · total"] == "Value: 2"
    assert added["IND-03 · MNE · 2026NovS2 · female"] == ""
    assert added["IND-04 · MNE · 2026NovS2 · total"] == "Comment: x"
