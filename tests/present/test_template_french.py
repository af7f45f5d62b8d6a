"""The template in French (issue 17): French sheets, headers, drop-down words and instructions, read back as the
same data as the English template; identifiers and data are written as they are."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from indicators.demo import demo_programme
from indicators.domain import i18n, schema
from indicators.present.template import TEMPLATE_WORDS, instructions_paragraphs, template_bytes, write_workbook
from indicators.read.validate import validate_workbook
from indicators.read.worker import parse_inline


@pytest.fixture(scope="module")
def demo() -> schema.Programme:
    return demo_programme()


@pytest.fixture(scope="module")
def french_filled(demo: schema.Programme) -> bytes:
    with i18n.using("fr"):
        return write_workbook(demo, lists_from=demo)


def test_every_sheet_header_and_choice_of_the_schema_is_in_the_catalogue() -> None:
    names = {t.sheet for t in schema.TABLES} | {schema.INSTRUCTIONS_SHEET, schema.LISTS_SHEET}
    names |= {c.header for t in schema.TABLES for c in t.columns}
    names |= {v for t in schema.TABLES for c in t.columns if c.kind == "choice" for v in c.choices}
    assert names - set(TEMPLATE_WORDS) == set()


def test_the_french_template_has_french_sheets_headers_and_drop_down_words() -> None:
    with i18n.using("fr"):
        wb = openpyxl.load_workbook(io.BytesIO(template_bytes()))
    assert wb.sheetnames == [
        "Instructions", "Résultats", "Indicateurs", "Valeurs de référence", "Cibles", "Valeurs", "Activités",
        "Réunions", "Listes",
    ]  # fmt: skip
    assert wb["Listes"].sheet_state == "hidden"
    values = [c.value for c in wb["Valeurs"][1]]
    assert values[:5] == ["ID de l'indicateur", "Bénéficiaire", "Semestre", "Sexe", "Valeur"]
    assert wb["Valeurs"]["A1"].comment.text.startswith("ID de l'indicateur (obligatoire)")
    lists = {wb["Listes"].cell(row=1, column=c).value: c for c in range(1, wb["Listes"].max_column + 1)}
    column = [wb["Listes"].cell(row=r, column=lists["status"]).value for r in range(2, 7)]
    assert column == ["prévue", "en cours", "réalisée", "reportée", "annulée"]
    assert [wb["Listes"].cell(row=r, column=lists["yesno"]).value for r in (2, 3)] == ["oui", "non"]
    formulas = [dv.formula1 for dv in wb["Valeurs"].data_validations.dataValidation]
    assert formulas and all(f.startswith("'Listes'!") for f in formulas)
    assert wb["Valeurs"].data_validations.dataValidation[0].errorTitle.endswith(": valeur absente de la liste")


def test_the_french_instructions_are_french_and_keep_identifiers() -> None:
    with i18n.using("fr"):
        lines = dict(enumerate(text for _style, text in instructions_paragraphs()))
    text = "\n".join(lines.values())
    assert lines[0] == "Classeur de suivi"
    assert "Feuille « Valeurs »" in text and "Comment soumettre" in text
    assert "2025NovS1" in text and "nov. 2024 – avr. 2025" in text
    assert "Écrivez le code : ALB (" in text


def test_the_english_template_is_unchanged_by_the_french_one() -> None:
    english = template_bytes()
    with i18n.using("fr"):
        template_bytes()
    assert template_bytes() == english
    assert openpyxl.load_workbook(io.BytesIO(english)).sheetnames[1] == "Results"


def test_a_filled_workbook_in_french_reads_back_as_the_programme(demo: schema.Programme, french_filled: bytes) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(french_filled))
    assert wb["Indicateurs"]["E1"].value == "Mesure" and wb["Indicateurs"]["E2"].value in ("nombre", "pourcentage")
    assert {wb["Réunions"].cell(row=r, column=6).value for r in range(2, wb["Réunions"].max_row + 1)} <= {"oui", "non"}
    with i18n.using("fr"):
        read, problems = validate_workbook(parse_inline(french_filled, "suivi.xlsx"))
    english, english_problems = validate_workbook(parse_inline(write_workbook(demo, lists_from=demo), "x.xlsx"))
    assert [p for p in problems if p.severity == "error"] == []
    assert sorted((p.code, p.row) for p in problems) == sorted((p.code, p.row) for p in english_problems)
    for table in schema.TABLES:
        pd.testing.assert_frame_equal(read[table.name], english[table.name], check_dtype=True)
        assert len(read[table.name]) == len(demo[table.name])


def test_a_blank_french_template_reads_back_with_no_problem() -> None:
    with i18n.using("fr"):
        blank = template_bytes()
        read, problems = validate_workbook(parse_inline(blank, "modele.xlsx"))
    assert problems == [] and read.row_count == 0
