"""Workbooks in French (issue 17): French sheet names, headers and choice words read as the English ones, and
problems are written in the reader's language, naming the sheet, row and column as the file does."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from indicators.domain import i18n, schema
from indicators.domain import reference as ref
from indicators.domain.problems import ERROR
from indicators.read.validate import validate_workbook
from tests.factories import headers, raw_workbook, small_programme

TODAY = dt.date(2026, 11, 21)
FRENCH_HEADERS = {
    "Indicators": [
        "ID de l'indicateur", "ID du résultat", "Titre", "Unité", "Mesure", "Sens", "Cumulatif", "Agrégation",
        "Sensible", "Ventilation", "Définition", "Sources de vérification",
    ],
    "Values": [
        "Indicateur", "Bénéficiaire", "Semestre", "Sexe", "Valeur", "Numérateur", "Dénominateur", "Commentaire",
        "Source",
    ],
    "Activities": [
        "ID de l'activité", "Semestre", "ID du résultat", "Bénéficiaire", "Titre", "Statut", "Réunion", "Notes",
    ],
}  # fmt: skip
FRENCH_SHEETS = {"Indicators": "Indicateurs", "Values": "Valeurs", "Activities": "Activités"}

# The same rows, with the words of each language (identifiers and data as they are).
INDICATOR = {
    "en": ["IND-05", "OC1", "Prisons visited", "visits", "count", "decrease", "yes", "sum", "no", "sex", None, None],
    "fr": ["IND-05", "OC1", "Prisons visited", "visits", "nombre", "baisse", "oui", "somme", "non", "sexe", None, None],
}
VALUES = {
    "en": [
        ["IND-05", "ALB", "2025NovS1", "female", "3", None, None, "on track", None],
        ["IND-05", "ALB", "2025NovS1", "male", "4", None, None, None, None],
        ["IND-05", "ALB", "2025NovS1", "total", "7", None, None, None, None],
        ["IND-03", "SRB", "2025NovS1", None, "yes", None, None, None, None],
        ["IND-02", "BIH", "2025NovS1", "total", None, "12", "40", None, None],
    ],
    "fr": [
        ["IND-05", "Albanie", "2025NovS1", "femme", "3", None, None, "on track", None],
        ["IND-05", "ALB", "2025NovS1", "Homme", "4", None, None, None, None],
        ["IND-05", "ALB", "2025NovS1", "total", "7", None, None, None, None],
        ["IND-03", "SRB", "2025NovS1", None, "oui", None, None, None, None],
        ["IND-02", "BIH", "2025NovS1", "total", None, "12", "40", None, None],
    ],
}
ACTIVITIES = {
    "en": [
        ["A1", "2025NovS1", "OC1", "ALB", "Training", "completed", "2", None],
        ["A2", "2025NovS1", "OC1", "REG", "Study visit", "postponed", None, "moved"],
        ["A3", "2025NovS1", "OC1", "MNE", "Manual", "ongoing", None, None],
    ],
    "fr": [
        ["A1", "2025NovS1", "OC1", "ALB", "Training", "réalisée", "2", None],
        ["A2", "2025NovS1", "OC1", "REG", "Study visit", "Reportée", None, "moved"],
        ["A3", "2025NovS1", "OC1", "MNE", "Manual", "en cours", None, None],
    ],
}


def workbook(lang: str):
    if lang == "en":
        names, heads = {s: s for s in FRENCH_SHEETS}, {s: headers(s) for s in FRENCH_SHEETS}
    else:
        names, heads = FRENCH_SHEETS, FRENCH_HEADERS
    return raw_workbook(
        {
            names["Indicators"]: [heads["Indicators"], INDICATOR[lang]],
            names["Values"]: [heads["Values"], *VALUES[lang]],
            names["Activities"]: [heads["Activities"], *ACTIVITIES[lang]],
        }
    )


def test_a_french_workbook_reads_as_the_same_data_as_the_english_one() -> None:
    english, english_problems = validate_workbook(workbook("en"), small_programme(), today=TODAY)
    french, french_problems = validate_workbook(workbook("fr"), small_programme(), today=TODAY)
    assert [p for p in english_problems if p.code != "normalised"] == []
    assert [p for p in french_problems if p.severity == ERROR] == []
    for table in schema.TABLES:
        pd.testing.assert_frame_equal(french[table.name], english[table.name])
    assert french.indicators.loc[0, "measure"] == "count" and french.indicators.loc[0, "cumulative"]
    assert set(french.values["sex"]) == {"female", "male", "total"}
    assert list(french.activities["status"]) == ["completed", "postponed", "ongoing"]


def test_french_choice_words_need_no_normalisation_warning() -> None:
    _, problems = validate_workbook(workbook("fr"), small_programme(), today=TODAY)
    columns = {(p.sheet, p.column) for p in problems}
    assert ("Valeurs", "Bénéficiaire") in columns  # 'Albanie' read as ALB is said, as for 'Albania'
    assert not {c for c in columns if c[1] in ("Sexe", "Statut", "Mesure", "Cumulatif", "Sens")}


def problems_of(lang: str, reader: str):
    rows = [row.copy() for row in VALUES[lang]]
    rows[0][1] = "Narnia"  # Excel row 2: an unknown beneficiary
    rows[1][4] = "douze"  # Excel row 3: a count that is not a number
    rows[3][4] = "peut-être"  # Excel row 5: a milestone neither yes nor no
    raw = workbook(lang)
    sheet = FRENCH_SHEETS["Values"] if lang == "fr" else "Values"
    raw = raw_workbook(
        {
            **{name: [s.headers, *s.rows.astype(object).where(s.rows.notna(), None).values.tolist()]
               for name, s in raw.sheets.items() if name != sheet},
            sheet: [FRENCH_HEADERS["Values"] if lang == "fr" else headers("Values"), *rows],
        }
    )  # fmt: skip
    with i18n.using(reader):
        _, problems = validate_workbook(raw, small_programme(), today=TODAY)
    return {(p.sheet, p.row, p.column, p.code): p for p in problems if p.severity == ERROR}


def test_problems_in_a_french_workbook_are_in_french_and_name_the_file_s_sheet_and_columns() -> None:
    found = problems_of("fr", "fr")
    beneficiary = found[("Valeurs", 2, "Bénéficiaire", "bad-beneficiary")]
    assert beneficiary.found == "'Narnia'"
    assert beneficiary.expected.startswith("un bénéficiaire : ALB (")
    count = found[("Valeurs", 3, "Valeur", "wrong-measure")]
    assert count.expected == "un nombre ; cet indicateur est un effectif"
    milestone = found[("Valeurs", 5, "Valeur", "wrong-measure")]
    assert milestone.expected == "oui ou non (un jalon est atteint ou non) ; cet indicateur est un jalon"


def test_problems_of_an_english_workbook_for_a_french_reader_keep_the_file_s_names() -> None:
    found = problems_of("en", "fr")
    assert ("Values", 2, "Beneficiary", "bad-beneficiary") in found
    assert found[("Values", 3, "Value", "wrong-measure")].expected == "un nombre ; cet indicateur est un effectif"


def test_problems_of_an_english_workbook_for_an_english_reader_are_unchanged() -> None:
    found = problems_of("en", "en")
    assert found[("Values", 3, "Value", "wrong-measure")].expected == "a number; this indicator is a count"
    assert found[("Values", 5, "Value", "wrong-measure")].expected == (
        "yes or no (a milestone is reached or not); this indicator is a milestone"
    )


def test_a_french_reader_is_told_in_french_that_a_file_is_not_a_workbook_of_the_template() -> None:
    from indicators.domain.problems import UnreadableWorkbook

    raw = raw_workbook({"Données": [["Pays", "Chiffre"], ["ALB", "3"]]})
    with i18n.using("fr"), pytest.raises(UnreadableWorkbook) as refused:
        validate_workbook(raw, small_programme(), today=TODAY)
    assert str(refused.value).startswith("Ce n'est pas un classeur de suivi dans la présentation du modèle")
    assert "Valeurs de référence" in str(refused.value)


def test_a_missing_column_of_a_french_sheet_is_named_in_french() -> None:
    raw = raw_workbook({"Valeurs": [FRENCH_HEADERS["Values"][1:], ["ALB", "2025NovS1", "total", "3"] + [None] * 4]})
    with i18n.using("fr"):
        _, problems = validate_workbook(raw, small_programme(), today=TODAY)
    missing = [p for p in problems if p.code == "missing-column"]
    assert [(p.sheet, p.column, p.found) for p in missing] == [("Valeurs", "ID de l'indicateur", "colonne introuvable")]


@pytest.mark.parametrize(
    "choice", sorted({c for t in schema.TABLES for col in t.columns if col.kind == "choice" for c in col.choices})
)
def test_every_choice_has_a_french_word_that_reads_back(choice: str) -> None:
    """The template's French word for each allowed value is accepted (catalogue and aliases agree)."""
    with i18n.using("fr"):
        word = i18n._(choice)
    assert word != choice or choice in ("ratio", "total")
    assert ref.fold(word) in {ref.fold(a) for a in ref.CHOICE_ALIASES.get(choice, ())}
