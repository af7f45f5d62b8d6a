import datetime as dt

import pytest

from indicators.read.cells import CellError, date_from_text, number_from_text, yes_no_from_text


@pytest.mark.parametrize(
    ("text", "value", "noted"),
    [
        ("12", 12.0, False),
        ("12.5", 12.5, False),
        ("-3", -3.0, False),
        ("12,5", 12.5, True),
        ("1,234,567", 1234567.0, True),
        ("1.234,5", 1234.5, True),
        ("1,234.5", 1234.5, True),
        ("1 234", 1234.0, True),
        ("1\u00a0234", 1234.0, True),
        ("45%", 45.0, True),
    ],
)
def test_numbers_are_normalised_and_the_normalisation_is_said(text: str, value: float, noted: bool) -> None:
    got, note = number_from_text(text, allow_percent=True)
    assert got == value
    assert (note is not None) is noted


@pytest.mark.parametrize(("text", "phrase"), [("1,234", "ambiguity"), ("twelve", "a number"), ("nan", "a number")])
def test_numbers_that_would_be_guesses_are_refused(text: str, phrase: str) -> None:
    with pytest.raises(CellError, match=phrase):
        number_from_text(text, allow_percent=True)


def test_percent_sign_is_refused_where_percent_is_not_allowed() -> None:
    with pytest.raises(CellError, match="without a percent sign"):
        number_from_text("45%")


@pytest.mark.parametrize(
    ("text", "day", "noted"),
    [
        ("2024-05-01", dt.date(2024, 5, 1), False),
        ("2024-05-01 00:00:00", dt.date(2024, 5, 1), False),
        ("45413", dt.date(2024, 5, 1), True),
        ("15/03/2024", dt.date(2024, 3, 15), True),
        ("3/15/2024", dt.date(2024, 3, 15), True),
        ("05/05/2024", dt.date(2024, 5, 5), True),
    ],
)
def test_dates(text: str, day: dt.date, noted: bool) -> None:
    got, note = date_from_text(text)
    assert got == day and (note is not None) is noted


@pytest.mark.parametrize(("text", "phrase"), [("03/04/2024", "could be day/month"), ("31/31/2024", "real date")])
def test_ambiguous_or_impossible_dates_are_reported(text: str, phrase: str) -> None:
    with pytest.raises(CellError, match=phrase):
        date_from_text(text)


@pytest.mark.parametrize(("text", "flag"), [("yes", True), ("No", False), ("TRUE", True), ("0", False), ("Da", True)])
def test_yes_no(text: str, flag: bool) -> None:
    assert yes_no_from_text(text)[0] is flag


def test_yes_no_refuses_other_words() -> None:
    with pytest.raises(CellError, match="yes or no"):
        yes_no_from_text("maybe")
