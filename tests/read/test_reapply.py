"""The three-way merge of a version's changes onto approved data that moved since it was checked."""

from __future__ import annotations

import pandas as pd
import pytest

from indicators.read.reapply import conflict_note, fingerprint, reapplied
from indicators.read.validate import merge
from tests.factories import programme, small_programme

NA = None


def value(beneficiary: str, number: float | None, comment: str | None = None, sex: str = "total") -> dict:
    return {
        "indicator_id": "IND-01",
        "beneficiary": beneficiary,
        "semester": "2025NovS1",
        "sex": sex,
        "value": number,
        "comment": comment,
    }


def with_values(*rows: dict) -> object:
    return merge(small_programme(), programme(values=list(rows)))


def cells(result: object) -> dict[tuple[str, str], tuple]:
    frame = result.programme.values
    return {(r.beneficiary, r.sex): (r.value, r.comment) for r in frame.itertuples()}


def clean(number: object) -> object:
    return None if number is pd.NA else number


@pytest.mark.parametrize(
    ("base", "version", "approved", "expected", "conflicts"),
    [
        # the upload changes ALB, an approval since changed BIH: both kept
        ([("ALB", 1), ("BIH", 2)], [("ALB", 5), ("BIH", 2)], [("ALB", 1), ("BIH", 9)], {"ALB": 5, "BIH": 9}, []),
        # the workbook carries BIH as it was: that never undoes BIH's approval since
        ([("BIH", 2)], [("BIH", 2), ("MNE", 4)], [("BIH", 9)], {"BIH": 9, "MNE": 4}, []),
        # both changed ALB to the same value: no conflict
        ([("ALB", 1)], [("ALB", 5)], [("ALB", 5)], {"ALB": 5}, []),
        # both changed ALB differently: a conflict, the approved value kept
        ([("ALB", 1)], [("ALB", 5)], [("ALB", 7)], {"ALB": 7}, [("ALB", "1.0", "7.0", "5.0")]),
        # both added the same new row with different values: a conflict against no row
        ([], [("SRB", 3)], [("SRB", 4)], {"SRB": 4}, [("SRB", "(no row)", "4.0", "3.0")]),
        # a row the upload adds and nobody else did is added
        ([], [("XKX", 6)], [("ALB", 1)], {"ALB": 1, "XKX": 6}, []),
        # a row removed since that the upload changes is a conflict and stays removed
        ([("MKD", 1)], [("MKD", 2)], [], {}, [("MKD", "1.0", "(row removed)", "2.0")]),
        # an upload that emptied a cell changed it
        ([("ALB", 1)], [("ALB", NA)], [("ALB", 1)], {"ALB": NA}, []),
    ],
)
def test_three_way_cases(base, version, approved, expected, conflicts) -> None:  # noqa: ANN001 - tables of cases
    result = reapplied(
        with_values(*(value(b, n) for b, n in base)),
        with_values(*(value(b, n) for b, n in version)),
        with_values(*(value(b, n) for b, n in approved)),
    )
    assert {b: clean(v) for (b, _), (v, _) in cells(result).items()} == expected
    found = [(r.beneficiary, r.base, r.approved_since, r.upload) for r in result.conflicts.itertuples()]
    assert found == conflicts
    assert set(result.conflicts["column"]) <= {"value"}


def test_taking_the_upload_resolves_every_conflict_with_its_value() -> None:
    base = with_values(value("ALB", 1), value("MKD", 1))
    version = with_values(value("ALB", 5), value("MKD", 2))
    approved = with_values(value("ALB", 7))  # MKD removed since
    result = reapplied(base, version, approved, take_upload=True)
    assert {b: v for (b, _), (v, _) in cells(result).items()} == {"ALB": 5, "MKD": 2}
    assert len(result.conflicts) == 2  # still listed, so that the log can say what was overridden


def test_cells_of_one_row_merge_separately() -> None:
    base = with_values(value("ALB", 1, "first"))
    version = with_values(value("ALB", 5, "first"))  # the analyst changed the value
    approved = with_values(value("ALB", 1, "checked by the ministry"))  # a manager's upload changed the comment
    result = reapplied(base, version, approved)
    assert cells(result)[("ALB", "total")] == (5, "checked by the ministry") and result.conflicts.empty


def test_other_tables_and_the_keys_of_changed_rows() -> None:
    base = small_programme()
    indicators = base.indicators.copy()
    indicators.loc[indicators["indicator_id"] == "IND-02", "title"] = "Share of prisoners assessed"
    version = programme(
        **{t: base[t].to_dict("records") for t in base.tables} | {"indicators": indicators.to_dict("records")}
    )
    approved = merge(base, programme(meetings=[{"number": 3, "date": pd.Timestamp("2024-04-10"), "place": "Tirana"}]))
    result = reapplied(base, version, approved)
    assert result.programme.meetings["number"].tolist() == [2, 3]
    titles = result.programme.indicators.set_index("indicator_id")["title"]
    assert titles["IND-02"] == "Share of prisoners assessed" and titles["IND-01"] == "Staff trained"
    assert result.changed_keys["indicators"] == {"IND-02"} and result.changed_keys["values"] == set()


def test_conflicts_name_indicator_beneficiary_semester_sex_and_read_as_a_note() -> None:
    base = with_values(value("ALB", 1, sex="female"))
    result = reapplied(base, with_values(value("ALB", 2, sex="female")), with_values(value("ALB", 3, sex="female")))
    row = result.conflicts.iloc[0]
    assert (row["indicator_id"], row["beneficiary"], row["semester"], row["sex"], row["column"]) == (
        "IND-01",
        "ALB",
        "2025NovS1",
        "female",
        "value",
    )
    assert conflict_note(result.conflicts) == (
        "values IND-01 · ALB · 2025NovS1 · female, value: checked against 1.0, approved since 3.0, in the upload 2.0"
    )


def test_the_fingerprint_reads_contents_not_order() -> None:
    frame = pd.DataFrame({"a": ["1", "2"], "b": ["x", "y"]})
    assert fingerprint(frame) == fingerprint(frame.iloc[::-1])
    assert fingerprint(frame) != fingerprint(frame.assign(b=["x", "z"]))
