import datetime as dt

import pytest

from indicators.domain.periods import (
    PeriodError,
    Semester,
    parse_semester,
    semester_from_id,
    semester_of,
    semester_range,
)


@pytest.mark.parametrize(
    ("semester_id", "start", "end", "label"),
    [
        ("2025NovS1", dt.date(2024, 11, 1), dt.date(2025, 4, 30), "Nov 2024 – Apr 2025"),
        ("2024NovS2", dt.date(2024, 5, 1), dt.date(2024, 10, 31), "May 2024 – Oct 2024"),
        ("2023NovS2", dt.date(2023, 5, 1), dt.date(2023, 10, 31), "May 2023 – Oct 2023"),
        ("2026NovS2", dt.date(2026, 5, 1), dt.date(2026, 10, 31), "May 2026 – Oct 2026"),
    ],
)
def test_dhis2_six_monthly_nov_rule(semester_id: str, start: dt.date, end: dt.date, label: str) -> None:
    semester = semester_from_id(semester_id)
    assert (semester.start, semester.end, semester.label, semester.id) == (start, end, label, semester_id)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025NovS1", "2025NovS1"),
        (" 2025novs1 ", "2025NovS1"),
        ("Nov 2024 – Apr 2025", "2025NovS1"),
        ("Nov 2024 - Apr 2025", "2025NovS1"),
        ("November 2024 to April 2025", "2025NovS1"),
        ("2024-11-01", "2025NovS1"),
        ("2025-04-30 00:00:00", "2025NovS1"),
        ("2025-05-01", "2025NovS2"),
        (dt.date(2024, 10, 31), "2024NovS2"),
        (dt.datetime(2024, 12, 24, 10, 0), "2025NovS1"),
        ("15/03/2025", "2025NovS1"),
        ("15.03.2025", "2025NovS1"),
    ],
)
def test_semester_is_accepted_as_id_label_or_date(value: object, expected: str) -> None:
    assert parse_semester(value).id == expected


@pytest.mark.parametrize(
    ("value", "phrase"),
    [
        ("03/04/2024", "ambiguous"),
        ("2025JanS1", "anchor month"),
        ("Dec 2024 – May 2025", "not one of this programme's semesters"),
        ("spring", "not a semester"),
        ("2024-02-30", "not a valid date"),
    ],
)
def test_unreadable_semesters_say_what_is_accepted(value: str, phrase: str) -> None:
    with pytest.raises(PeriodError, match=phrase):
        parse_semester(value)


def test_anchor_month_is_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PPD_SEMESTER_ANCHOR_MONTH", "1")
    semester = parse_semester("2025-07-15")
    assert (semester.id, semester.start, semester.end) == ("2025JanS2", dt.date(2025, 7, 1), dt.date(2025, 12, 31))


def test_order_shift_and_range() -> None:
    first, last = semester_from_id("2023NovS2"), semester_from_id("2026NovS2")
    ids = [s.id for s in semester_range(first, last)]
    assert ids[0] == "2023NovS2" and ids[-1] == "2026NovS2" and len(ids) == 7
    assert first < last and first.next().id == "2024NovS1" and first.previous().id == "2023NovS1"
    assert semester_of(dt.date(2023, 10, 17)).id == "2023NovS2"  # the 2nd Steering Committee assessed May-Oct 2023


def test_half_must_be_one_or_two() -> None:
    with pytest.raises(PeriodError):
        Semester(2025, 3)
