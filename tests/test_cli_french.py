"""The command line in French (issue 17): ``--lang fr`` (or the setting DEFAULT_LANGUAGE) writes its messages in
French; commands, options, JSON keys and exit codes are the same as in English."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from indicators.store import Store
from tests.badfiles import xlsx_from_rows
from tests.test_cli import VALUES, run

PROJECT = Path(__file__).resolve().parent.parent
FRENCH_VALUES = [
    "Indicateur",
    "Bénéficiaire",
    "Semestre",
    "Sexe",
    "Valeur",
    "Numérateur",
    "Dénominateur",
    "Commentaire",
]


@pytest.fixture
def bad(tmp_path: Path) -> Path:
    path = tmp_path / "bad.xlsx"
    path.write_bytes(
        xlsx_from_rows({"Values": [VALUES, ["IND-99", "Narnia", "2026NovS2", "total", "x", None, None, None, None]]})
    )
    return path


def test_validate_in_french_keeps_its_exit_code_and_names_the_file_s_columns(demo_store: Store, bad: Path) -> None:
    english = run("validate", str(bad))
    french = run("--lang", "fr", "validate", str(bad))
    assert english.returncode == french.returncode == 1
    assert "ERROR" in english.stdout and "error(s)" not in french.stdout
    assert "ERREUR" in french.stdout
    assert "bad.xlsx : 2 erreur(s), 0 avertissement(s)." in french.stdout, french.stdout
    assert "un bénéficiaire : ALB (" in french.stdout
    assert re.search(r"colonne\W+Beneficiary\W", french.stdout)  # the file's header, as written
    assert "Traceback" not in french.stdout + french.stderr


def test_a_french_workbook_is_validated_in_french(demo_store: Store, tmp_path: Path) -> None:
    path = tmp_path / "valeurs.xlsx"
    path.write_bytes(
        xlsx_from_rows(
            {"Valeurs": [FRENCH_VALUES, ["IND-01", "Serbie", "2026NovS2", "femme", "douze", None, None, None]]}
        )
    )
    done = run("validate", str(path), "--lang", "fr")  # --lang may come after the command too
    assert done.returncode == 1, done.stdout + done.stderr
    assert re.search(r"feuille\W+Valeurs\W+ligne 2, colonne\W+Valeur\W", done.stdout), done.stdout
    assert "'douze'" in done.stdout and "un nombre ; cet indicateur est un effectif" in done.stdout


def test_json_keys_stay_and_the_footnote_and_messages_are_french(demo_store: Store, bad: Path) -> None:
    english = json.loads(run("validate", str(bad), "--json").stdout)
    french_run = run("--lang", "fr", "validate", str(bad), "--json")
    french = json.loads(french_run.stdout)
    assert french_run.returncode == 1
    assert french.keys() == english.keys()
    assert [p.keys() for p in french["problems"]] == [p.keys() for p in english["problems"]]
    assert [p["code"] for p in french["problems"]] == [p["code"] for p in english["problems"]]
    assert french["problems"][0]["expected"] != english["problems"][0]["expected"]


def test_an_unreadable_file_is_refused_in_french_with_exit_code_2(demo_store: Store, tmp_path: Path) -> None:
    page = tmp_path / "page.xlsx"
    page.write_text("<!DOCTYPE html><html><body>bonjour</body></html>")
    done = run("--lang", "fr", "validate", str(page))
    assert done.returncode == 2
    assert "est une page web (HTML), et non un classeur Excel" in done.stdout + done.stderr
    missing = run("--lang", "fr", "validate", str(tmp_path / "absent.xlsx"))
    assert missing.returncode == 2 and "Impossible d'ouvrir" in missing.stderr


def test_the_setting_default_language_chooses_french_and_lang_overrides_it(demo_store: Store, bad: Path) -> None:
    assert "ERREUR" in run("validate", str(bad), env={"PPD_DEFAULT_LANGUAGE": "fr"}).stdout
    assert "ERROR" in run("--lang", "en", "validate", str(bad), env={"PPD_DEFAULT_LANGUAGE": "fr"}).stdout


def test_help_is_in_french() -> None:
    done = run("--lang", "fr", "--help")
    assert done.returncode == 0
    assert "vérifier un classeur de suivi" in done.stdout
    assert "validate" in done.stdout and "--lang" in done.stdout
    refused = run("--lang", "de", "validate", "x.xlsx")
    assert refused.returncode == 2  # an unknown language is a bad argument, as argparse says
