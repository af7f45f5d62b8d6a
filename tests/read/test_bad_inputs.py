"""The bad-input suite: hostile, broken and odd uploads through the real upload path (ingest).

Each case ends in one clear sentence or a validation report naming sheet, row and column, and never
changes what is stored. Files are built in code (tests/badfiles.py); the shared corpus of real files that
broke readers runs in tests/test_worker.py and below.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest

from indicators.domain.schema import TABLES_BY_NAME
from indicators.ingest import ingest
from indicators.present import template
from indicators.present.export import csv_export
from indicators.store import Store
from tests import badfiles, factories
from tests.factories import ANA, MARKO

TODAY = dt.date(2026, 11, 21)
VALUES = [c.header for c in TABLES_BY_NAME["values"].columns]
MEETINGS = [c.header for c in TABLES_BY_NAME["meetings"].columns]
CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "spreadsheets"


def values(*rows: list) -> bytes:
    return badfiles.xlsx_from_rows({"Values": [VALUES, *rows]})


def row(indicator="IND-01", ben="ALB", sem="2026NovS2", sex="total", value=3, comment=None) -> list:
    return [indicator, ben, sem, sex, value, None, None, comment, None]


def _duplicate_entries() -> bytes:
    """A workbook whose sheet part appears twice: readers may disagree on which copy is the sheet."""
    import warnings
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(values(row())))
    out = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(out, "w") as target:
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate name, which is the point
        for info in source.infolist():
            target.writestr(info.filename, source.read(info))
        target.writestr("xl/worksheets/sheet1.xml", source.read("xl/worksheets/sheet1.xml"))
    return out.getvalue()


def _missing_sheet_part() -> bytes:
    parts = badfiles.workbook_parts({"Values": badfiles.sheet_xml("", "A1")})
    return badfiles.zip_from_parts({k: v for k, v in parts.items() if not k.startswith("xl/worksheets/")})


UNREADABLE = [
    ("empty", badfiles.empty, "is empty (0 bytes)"),
    ("html named .xlsx", badfiles.html_named_xlsx, "is a web page (HTML), not an Excel workbook"),
    ("csv text", badfiles.csv_text, "such as a CSV export, not an Excel workbook"),
    ("pdf", badfiles.pdf_header, "is a PDF document"),
    ("xml spreadsheet 2003", badfiles.xml_spreadsheet_2003, "is an XML file, not an Excel workbook"),
    ("renamed .xls", badfiles.legacy_xls, "old-format Excel file (.xls); open it in Excel and save it as"),
    ("encrypted", badfiles.encrypted_ooxml, "protected by a password; remove the password"),
    ("ods", badfiles.ods_file, "OpenDocument spreadsheet (.ods)"),
    ("xlsb", badfiles.xlsb_file, "Excel Binary Workbook (.xlsb)"),
    ("plain zip", badfiles.plain_zip, "is a zip archive, not an Excel workbook"),
    ("word document", badfiles.word_document, "is a Word document"),
    ("truncated zip", badfiles.truncated_zip, "is damaged or incomplete"),
    ("corrupt entry", badfiles.corrupt_entry, "is damaged or incomplete"),
    ("zip bomb", badfiles.zip_bomb, "unpacks to 300 MB, more than the 200 MB allowed"),
    ("zip bomb with lying sizes", badfiles.zip_bomb_lying_sizes, "damaged or incomplete"),
    ("too many zip entries", badfiles.too_many_entries, "more than the 2000 a workbook may hold"),
    ("far cell", badfiles.far_cell, "reaches cell XFD1048576"),
    ("far dimension", badfiles.far_dimension, "reaches cell XFD1048576"),
    ("billion laughs", badfiles.billion_laughs, "XML constructs that are not allowed"),
    ("billion laughs in a sheet", badfiles.billion_laughs_in_sheet, "XML constructs that are not allowed"),
    ("external entity", badfiles.external_entity, "XML constructs that are not allowed"),
    ("duplicate zip entries", lambda: _duplicate_entries(), "is damaged or incomplete"),
    ("sheet part missing", lambda: _missing_sheet_part(), "its sheet 'Values' cannot be found"),
    ("bytes not UTF-8 in a sheet", badfiles.not_utf8_between_elements, "its sheet 'Values' holds bytes that are not"),
    ("control byte in a sheet", badfiles.control_byte_in_sheet, "its sheet 'Values' holds bytes that are not"),
    ("no monitoring sheet", lambda: badfiles.xlsx_from_rows({"Sheet1": [["a"], [1]]}), "not a monitoring workbook"),
]

REPORTED = [
    ("formulas without values", badfiles.formulas_without_values, "formula-without-value", "error", 3),
    ("error cells", badfiles.error_cells, "error-cell", "error", 2),
    ("merged cells", badfiles.merged_cells, "merged-cells", "error", 2),
    ("hidden sheet", badfiles.hidden_sheet, "hidden-sheet", "warning", None),
    ("hidden rows", badfiles.hidden_rows, "hidden-row", "warning", 3),
    ("macros, links, connections", badfiles.macro_workbook, "macros", "warning", None),
    ("missing columns", lambda: badfiles.xlsx_from_rows({"Values": [["Indicator ID", "Value"], ["IND-01", 3]]}),
     "missing-column", "error", 1),
    ("wrong column", lambda: values(row()[:-1] + ["x"]) if False else badfiles.xlsx_from_rows(
        {"Values": [[*VALUES, "Colour"], [*row(), "red"]]}), "unknown-column", "warning", 1),
    ("unknown beneficiary", lambda: values(row(ben="Atlantis")), "bad-beneficiary", "error", 2),
    ("unknown indicator", lambda: values(row(indicator="IND-404")), "unknown-indicator_id", "error", 2),
    ("duplicates", lambda: values(row(), row(value=4)), "duplicate", "error", 3),
    ("ambiguous comma number", lambda: values(row(value="1,234")), "wrong-measure", "error", 2),
    ("ambiguous date", lambda: badfiles.xlsx_from_rows({"Meetings": [MEETINGS, [9, "03/04/2027", "Tirana", None,
                                                                               None, "yes", None]]}),
     "bad-date", "error", 2),
    ("text in a number column", lambda: values(row(value="pending")), "wrong-measure", "error", 2),
]  # fmt: skip


@pytest.fixture
def before(demo_store: Store) -> tuple[list[str], str | None]:
    return demo_store.version_ids(), demo_store.approved_id()


def _unchanged(store: Store, before: tuple[list[str], str | None]) -> None:
    assert (store.version_ids(), store.approved_id()) == before
    store.load(before[1])  # the approved data still reads


@pytest.mark.parametrize(("name", "factory", "phrase"), UNREADABLE, ids=[c[0] for c in UNREADABLE])
def test_unreadable_files_give_one_sentence(demo_store: Store, before, name: str, factory, phrase: str) -> None:
    result = ingest(factory(), "upload.xlsx", ANA, demo_store, today=TODAY)
    assert not result.ok and result.message and phrase in result.message
    assert result.message.endswith(".") and "\n" not in result.message and "Traceback" not in result.message
    _unchanged(demo_store, before)


@pytest.mark.parametrize(("name", "factory", "code", "severity", "row"), REPORTED, ids=[c[0] for c in REPORTED])
def test_problems_are_reported_by_cell(demo_store: Store, before, name: str, factory, code: str, severity: str,
                                       row: int | None) -> None:  # fmt: skip
    result = ingest(factory(), "upload.xlsx", ANA, demo_store, today=TODAY)
    assert result.message is None
    found = [p for p in result.problems if p.code == code]
    assert found, result.problems
    assert found[0].severity == severity and found[0].row == row
    assert found[0].expected
    if any(p.severity == "error" for p in result.problems):
        _unchanged(demo_store, before)


def test_locale_numbers_are_normalised_and_said(demo_store: Store) -> None:
    result = ingest(values(row(value="12,0"), row(ben="BIH", value="1 234"), row(ben="SRB", value="1.234,0")),
                    "locale.xlsx", ANA, demo_store, today=TODAY)  # fmt: skip
    assert result.ok and result.version_id
    notes = sorted(p.expected for p in result.problems if p.code == "normalised")
    assert len(notes) == 3 and all(n.startswith("read as") for n in notes)
    stored = demo_store.load(result.version_id).values
    latest = stored[(stored["indicator_id"] == "IND-01") & (stored["semester"] == "2026NovS2")]
    assert set(latest.set_index("beneficiary").loc[["ALB", "BIH", "SRB"], "value"]) == {12.0, 1234.0}


def test_formula_like_text_is_stored_as_text_and_exported_inert(demo_store: Store) -> None:
    attack = '=HYPERLINK("http://example.com","click")'
    upload = factories.programme(
        values=[{"indicator_id": "IND-01", "beneficiary": "ALB", "semester": "2026NovS2", "sex": "total",
                 "value": 3, "comment": attack}]
    )  # fmt: skip
    result = ingest(template.write_workbook(upload), "formula.xlsx", ANA, demo_store, today=TODAY)
    assert result.ok and result.version_id, result.problems
    stored = demo_store.load(result.version_id)
    assert stored.values["comment"].eq(attack).any()
    exported = openpyxl.load_workbook(io.BytesIO(template.write_workbook(stored)))["Values"]
    cells = [c for r in exported.iter_rows() for c in r if c.value == attack]
    assert cells and all(c.data_type == "s" for c in cells)
    assert "'=HYPERLINK" in csv_export(stored.values).decode("utf-8-sig")


def test_the_same_file_twice_is_recognised(demo_store: Store) -> None:
    data = values(row(value=7))
    first = ingest(data, "a.xlsx", ANA, demo_store, today=TODAY)
    second = ingest(data, "b.xlsx", MARKO, demo_store, today=TODAY)
    assert first.version_id and second.duplicate_of == first.version_id and second.version_id is None


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is not next to the project")
def test_every_corpus_workbook_ends_in_a_sentence_or_a_report(demo_store: Store, before) -> None:
    for path in sorted(CORPUS.iterdir()):
        result = ingest(path.read_bytes(), path.name, ANA, demo_store, save=False, today=TODAY)
        if result.message:
            assert result.message.endswith(".") and "Traceback" not in result.message, path.name
        else:
            assert all(p.expected for p in result.problems), path.name
    _unchanged(demo_store, before)
