"""Tables show whole what a person must read: long texts wrap (or widen their column) and the key columns of
a table come first, within what a phone shows (ui/style.py, the column tables of ui/tables.py)."""

from __future__ import annotations

import pandas as pd
import pytest

from ui import style, tables, upload_report

UPLOAD_CHECK = "one of your beneficiaries (Albania, Bosnia and Herzegovina): your account uploads only their rows"


@pytest.mark.parametrize(
    ("text", "width", "lines"),
    [
        ("", 200, 1),
        (None, 200, 1),
        ("✔ Achieved", 150, 1),
        ("▲ At risk (target revised; against the original: ✔ achieved)", 150, 4),
        ("x" * 120, 200, 5),  # a word longer than a line is broken where it must be
        ("first line\nsecond line", 400, 2),
        (UPLOAD_CHECK, 400, 2),
    ],
)
def test_lines_a_text_takes_in_a_cell(text: object, width: int, lines: int) -> None:
    assert style.lines_needed(text, width) == lines


def test_a_table_of_short_texts_keeps_single_line_rows() -> None:
    frame = pd.DataFrame({"expected": ["a number", "a date"], "found": ["x", "y"]})
    config, height = style.fitted(frame, upload_report.PROBLEM_COLUMNS)
    assert height is None and config == upload_report.PROBLEM_COLUMNS


def test_the_upload_checks_expected_text_wraps_instead_of_being_cut() -> None:
    frame = pd.DataFrame({"severity_text": ["✖ Error"], "expected": [UPLOAD_CHECK], "found": ["ALB"]})
    config, height = style.fitted(frame, upload_report.PROBLEM_COLUMNS)
    assert style.column_width(config["expected"]) == 400  # it fits its column on two lines
    assert height is not None and height >= style.WRAP_MIN_PX > 64  # Streamlit wraps text in rows above 4rem
    assert height >= 2 * 8 + 2 * style.LINE_PX


def test_a_text_longer_than_the_lines_a_row_holds_widens_its_column() -> None:
    explanation = "The prison service postponed the training twice because of staff rotation. " * 4
    frame = pd.DataFrame({"indicator_id": ["IND-01"], "explanation": [explanation]})
    config, height = style.fitted(frame, tables.EXPLANATION_COLUMNS)
    width = style.column_width(config["explanation"])
    assert width > 400
    assert style.lines_needed(explanation, width) <= style.MAX_LINES
    assert height == 2 * 8 + style.LINE_PX * style.MAX_LINES
    assert config["indicator_id"] == tables.EXPLANATION_COLUMNS["indicator_id"]  # other columns as declared


def test_the_table_height_shows_a_screen_of_rows_whatever_their_height() -> None:
    assert style.table_height(3, 79) == style.HEADER_PX + 3 * 79 + 2
    assert style.table_height(400, 79) == style.HEADER_PX + style.ROWS_IN_VIEW * 79 + 2


# Each key table, with the columns a person must see first on a phone, in this order.
KEY_COLUMNS = [
    (tables.progress_columns(), ["indicator_id", "status_text"]),
    (tables.progress_columns(donor=True), ["indicator_id", "status_text"]),
    (tables.progress_columns(where=True), ["indicator_id", "beneficiary_name"]),
    (tables.EXPLANATION_COLUMNS, ["indicator_id", "beneficiary_name", "status_text"]),
    (tables.REVISION_COLUMNS, ["indicator_id", "beneficiary_name"]),
    (tables.ACTIVITY_COLUMNS, ["activity_id", "status_text"]),
    (tables.ROLLUP_COLUMNS, ["semester_label", "status_text"]),
    (tables.rollup_columns(donor=True), ["semester_label", "status_text"]),
]


@pytest.mark.parametrize(("columns", "key"), KEY_COLUMNS)
def test_a_tables_key_columns_come_first_and_fit_a_phone(columns: dict[str, object], key: list[str]) -> None:
    assert list(columns)[: len(key)] == key
    widths = [style.column_width(columns[name]) for name in key]
    assert None not in widths, "a key column has a set width, so that its words wrap instead of growing it"
    assert sum(widths) <= style.PHONE_CONTENT_PX  # type: ignore[arg-type]
    assert columns[key[0]].get("pinned") is True  # the row's name stays in view while the rest scrolls by


def test_every_status_column_has_a_width_where_its_words_wrap() -> None:
    tables = [c for c, _ in KEY_COLUMNS]
    assert all(style.column_width(t["status_text"]) for t in tables if "status_text" in t)


def test_the_style_sheet_wraps_metric_labels_and_shows_one_form_per_width() -> None:
    assert "stMetricLabel" in style.CSS and "white-space: normal" in style.CSS
    assert f"@media (max-width: {style.PHONE_MAX_PX}px)" in style.CSS
    assert style.PHONE_CONTENT_PX < 390 < style.PHONE_MAX_PX < 1440
