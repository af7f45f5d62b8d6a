import csv
import io

import pandas as pd
import pytest

from indicators.domain.reference import KOSOVO_FOOTNOTE
from indicators.present.export import csv_export, inert_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [("=1+1", "'=1+1"), ("+SUM(A1)", "'+SUM(A1)"), ("-2+3", "'-2+3"), ("@cmd", "'@cmd"), ("\tx", "'\tx"),
     ("\rx", "'\rx"), ("plain", "plain"), ("a=b", "a=b")],
)  # fmt: skip
def test_formula_like_text_is_made_inert(text: str, expected: str) -> None:
    assert inert_text(text) == expected


def test_csv_keeps_numbers_and_neutralises_text_and_adds_the_footnote() -> None:
    frame = pd.DataFrame({"beneficiary": ["Kosovo*", "Serbia"], "comment": ['=HYPERLINK("http://x")', "ok"],
                          "value": [-3.0, 4.0]})  # fmt: skip
    text = csv_export(frame).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["beneficiary", "comment", "value"]
    assert rows[1] == ["Kosovo*", '\'=HYPERLINK("http://x")', "-3"]  # a whole number without ".0"
    assert rows[-1] == [KOSOVO_FOOTNOTE]


def test_csv_numbers_are_rounded_and_whole_numbers_stay_whole() -> None:
    frame = pd.DataFrame({"progress": [1.3333333333333333, None], "target": [7.0, None], "text": ["a", "b"]})
    rows = list(csv.reader(io.StringIO(csv_export(frame).decode("utf-8-sig"))))
    assert rows[1:3] == [["1.33", "7", "a"], ["", "", "b"]]


def test_no_footnote_when_kosovo_is_not_named() -> None:
    assert KOSOVO_FOOTNOTE not in csv_export(pd.DataFrame({"beneficiary": ["Serbia"]})).decode()


def test_notes_such_as_the_demo_notice_end_the_export() -> None:
    text = csv_export(pd.DataFrame({"beneficiary": ["XKX"]}), notes=["Illustrative demo data."]).decode("utf-8-sig")
    rows = [r for r in csv.reader(io.StringIO(text)) if r]
    assert rows[-2:] == [["Illustrative demo data."], [KOSOVO_FOOTNOTE]]
