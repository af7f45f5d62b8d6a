"""Tests of the pre-parse checks: every hostile or odd file gets its one clear sentence."""

from __future__ import annotations

import pytest

from indicators.domain.problems import UnreadableWorkbook
from indicators.read import safety
from indicators.read.safety import check_upload, column_letters, column_number, sheet_extent
from tests import badfiles

REFUSALS = [
    ("empty", "is empty"),
    ("html_named_xlsx", "a web page (HTML), not an Excel workbook"),
    ("csv_text", "CSV export, not an Excel workbook"),
    ("pdf_header", "a PDF document, not an Excel workbook"),
    ("xml_spreadsheet_2003", "an XML file, not an Excel workbook"),
    ("legacy_xls", "old-format Excel file (.xls); open it in Excel and save it as Excel Workbook (.xlsx)"),
    ("encrypted_ooxml", "protected by a password; remove the password"),
    ("ods_file", "OpenDocument spreadsheet (.ods); open it in Excel and save it as Excel Workbook (.xlsx)"),
    ("xlsb_file", "Excel Binary Workbook (.xlsb); open it in Excel and save it as Excel Workbook (.xlsx)"),
    ("plain_zip", "a zip archive, not an Excel workbook"),
    ("word_document", "a Word document, not an Excel workbook"),
    ("truncated_zip", "is damaged or incomplete; save it again from Excel and upload it again"),
    ("corrupt_entry", "is damaged or incomplete"),
    ("zip_bomb", "unpacks to 300 MB, more than the 200 MB allowed"),
    ("zip_bomb_lying_sizes", "is damaged or incomplete"),
    ("too_many_entries", "holds 2505 parts, more than the 2000"),
    ("far_cell", "The sheet 'Values' reaches cell XFD1048576"),
    ("far_dimension", "The sheet 'Values' reaches cell XFD1048576"),
    ("billion_laughs", "contains XML constructs that are not allowed in a workbook"),
    ("billion_laughs_in_sheet", "contains XML constructs that are not allowed in a workbook"),
    ("external_entity", "contains XML constructs that are not allowed in a workbook"),
    ("not_utf8_between_elements", "its sheet 'Values' holds bytes that are not text (not UTF-8)"),
    ("control_byte_in_sheet", "its sheet 'Values' holds bytes that are not text"),
]


@pytest.mark.parametrize(("factory", "phrase"), REFUSALS)
def test_refusals_give_one_clear_sentence(factory: str, phrase: str) -> None:
    with pytest.raises(UnreadableWorkbook) as refused:
        check_upload(badfiles.FACTORIES[factory](), "report.xlsx")
    message = str(refused.value)
    assert phrase in message
    assert message.endswith(".") and message.count(". ") == 0  # one sentence
    assert "Traceback" not in message


def test_refusal_names_the_file_when_given() -> None:
    with pytest.raises(UnreadableWorkbook, match="^'q3.xlsx' is an old-format Excel file"):
        check_upload(badfiles.legacy_xls(), "q3.xlsx")
    with pytest.raises(UnreadableWorkbook, match="^The file is an old-format Excel file"):
        check_upload(badfiles.legacy_xls(), "")


def test_format_comes_from_the_bytes_not_the_name() -> None:
    good = badfiles.xlsx_from_rows({"Values": [["Indicator ID"], ["IND-01"]]})
    assert check_upload(good, "values.csv").sheets == [("Values", "xl/worksheets/sheet1.xml", True)]
    with pytest.raises(UnreadableWorkbook, match="web page"):
        check_upload(badfiles.html_named_xlsx(), "values.xlsx")


def test_compression_ratio_bomb_within_total_size_is_refused() -> None:
    with pytest.raises(UnreadableWorkbook, match="zip bomb"):
        check_upload(badfiles.zip_bomb(150), "bomb.xlsx")


@pytest.mark.parametrize(
    ("variable", "value", "phrase"),
    [
        ("PPD_MAX_UPLOAD_MB", "0.001", "more than the 0.001 MB allowed"),
        ("PPD_MAX_ZIP_ENTRIES", "3", "more than the 3 a workbook may hold"),
        ("PPD_MAX_CELLS", "3", "reaches cell B2, more than the 3 cells allowed"),
    ],
)
def test_bounds_follow_settings(monkeypatch: pytest.MonkeyPatch, variable: str, value: str, phrase: str) -> None:
    monkeypatch.setenv(variable, value)
    data = badfiles.xlsx_from_rows({"Values": [["Indicator ID", "Value"], ["IND-01", 3]]})
    with pytest.raises(UnreadableWorkbook, match=phrase.replace(".", r"\.")):
        check_upload(data, "")


def test_bounds_are_checked_before_the_bomb_is_inflated(monkeypatch: pytest.MonkeyPatch) -> None:
    def inflate(*args: object, **kwargs: object) -> None:
        raise AssertionError("the bomb was inflated before its declared sizes were checked")

    monkeypatch.setattr(safety, "_inflated_parts", inflate)
    with pytest.raises(UnreadableWorkbook):
        check_upload(badfiles.zip_bomb(2000), "")


def test_summary_lists_sheets_visibility_and_notes() -> None:
    summary = check_upload(badfiles.hidden_sheet(), "")
    assert summary.sheets == [
        ("Values", "xl/worksheets/sheet1.xml", True),
        ("Targets", "xl/worksheets/sheet2.xml", False),
    ]
    assert not (summary.has_macros or summary.has_external_links or summary.has_connections)
    assert summary.notes == []
    flagged = check_upload(badfiles.macro_workbook(), "")
    assert (flagged.has_macros, flagged.has_external_links, flagged.has_connections) == (True, True, True)
    assert len(flagged.notes) == 3 and "not run" in flagged.notes[0]


def test_summary_counts_entries_and_keeps_sheet_xml() -> None:
    summary = check_upload(badfiles.error_cells(), "")
    assert summary.entries == 5
    assert summary.uncompressed_bytes == sum(len(v) for v in summary.parts.values())
    assert b'<c r="B2" t="e">' in summary.parts["xl/worksheets/sheet1.xml"]


@pytest.mark.parametrize(("letters", "number"), [("A", 1), ("Z", 26), ("AA", 27), ("AZ", 52), ("XFD", 16384)])
def test_column_letters_and_numbers(letters: str, number: int) -> None:
    assert column_number(letters) == number
    assert column_letters(number) == letters


@pytest.mark.parametrize(
    ("xml", "extent"),
    [
        (badfiles.sheet_xml('<row r="3"><c r="C3"><v>1</v></c></row>', "C3"), (3, 3)),
        (badfiles.sheet_xml('<row r="2"><c r="B2"><v>1</v></c></row>', "A1:D9"), (9, 4)),
        (badfiles.sheet_xml('<row r="7"><c r="AB7"><v>1</v></c></row>', "A1"), (7, 28)),
        (badfiles.sheet_xml('<x:row r="5"><x:c r="E5"><x:v>1</x:v></x:c></x:row>', "A1", prefix="x"), (5, 5)),
    ],
)
def test_sheet_extent_takes_dimension_and_cells(xml: bytes, extent: tuple[int, int]) -> None:
    assert sheet_extent(xml) == extent


@pytest.mark.parametrize(
    ("content", "needles", "found"),
    [
        (b"<x>Great!</x>", safety._FORBIDDEN_XML, False),
        (b"!" * 5000, safety._FORBIDDEN_XML, False),
        (b"!" * 5000 + b"<!DOCTYPE x>", safety._FORBIDDEN_XML, True),
        (b"<!ENTITY a 'b'>" + b"!" * 5000, safety._FORBIDDEN_XML, True),
        (b"<!-- note! -->" * 2000 + b"<!ENTITY a 'b'>", safety._FORBIDDEN_XML, True),
        (b"<t>" + b"?" * 3000 + b"</t><?pi x?>", (b"<!", b"<?"), True),
        (b"<t>" + b"?" * 3000 + b"</t>", (b"<!", b"<?"), False),
        (b"<!x", (b"<!",), True),
    ],
)
def test_markup_is_found_however_many_marks_come_first(content: bytes, needles: tuple, found: bool) -> None:
    assert safety.holds(content, needles) is found


def test_markup_is_looked_for_only_between_the_given_places() -> None:
    content = b"<a><!-- x --><b>" + b"!" * 3000 + b"</b><?pi?>"
    assert not safety.holds(content, (b"<!", b"<?"), 14, len(content) - 6)
    assert safety.holds(content, (b"<!", b"<?"), 0, 14) and safety.holds(content, (b"<?",), 14)


@pytest.mark.parametrize(
    ("xml", "text"),
    [
        (b"<row><c><v>1</v></c></row>", True),
        ("<row><c t='inlineStr'><is><t>Kosova é ш</t></is></c></row>".encode(), True),
        (b"<row>\t\r\n</row>", True),
        (b"<row></row>\xff<row></row>", False),  # not UTF-8, between elements
        (b"<row><c><v>caf\xe9</v></c></row>", False),  # Latin-1, not UTF-8
        (b"<row></row>\x00<row></row>", False),  # control characters are never XML text
        (b"<row></row>\x1b", False),
        ("<row>é</row>".encode("utf-16"), True),  # UTF-16 with its byte-order mark
    ],
)
def test_sheet_xml_must_be_text(xml: bytes, text: bool) -> None:
    assert safety.sheet_is_well_formed_text(xml) is text
