"""The figures in French (issue 17): statuses, forecasts, coverage, explanations, revisions, data-quality flags,
headline figures, beneficiary names and charts computed under ``i18n.using("fr")`` read French, with French
number formats, and no English word of the catalogue's; codes and English output stay as they were."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from indicators.compute import annotations, completeness, forecast, progress, quality, rollup, suppression, workplan
from indicators.compute.annotations import annotated, status_word
from indicators.compute.headlines import headline_figures
from indicators.compute.progress import STATUS_BY_CODE, Thresholds, indicator_progress, status_table
from indicators.compute.quality import quality_flags
from indicators.compute.rollup import regional_rollup
from indicators.compute.suppression import donor_progress, donor_rollup
from indicators.domain import i18n
from indicators.domain.periods import PeriodError, parse_semester
from indicators.domain.problems import ERROR, Problem, quote
from indicators.domain.reference import (
    BENEFICIARIES,
    ILLUSTRATIVE_NOTICE,
    KOSOVO_FOOTNOTE,
    beneficiary_code,
    beneficiary_name,
)
from indicators.domain.schema import TABLES
from indicators.present import charts
from indicators.present.export import csv_export
from tests.compute.test_progress import S1, S2, S3, make_programme
from tests.factories import indicator

NNBSP = "\u202f"
# English words of the figures' texts that French never uses (checked as whole words, any case).
ENGLISH = (
    "achieved", "track", "risk", "reported", "beneficiaries", "carried", "forward", "reached", "pace", "target",
    "female", "male", "against", "times", "apart", "revised", "meeting", "status", "baseline", "actual", "hidden",
    "running", "only", "activities", "completed", "postponed", "the", "of", "and", "by", "but", "data", "due",
    "semester", "semesters", "reports", "share", "split", "sex", "trend", "marked", "late", "falls", "down",
)  # fmt: skip
ENGLISH_WORD = re.compile(r"\b(?:" + "|".join(ENGLISH) + r")\b", re.IGNORECASE)


def english_words(texts) -> list[str]:  # noqa: ANN001
    return [f"{word!r} in {text!r}" for text in texts if isinstance(text, str) for word in ENGLISH_WORD.findall(text)]


KEY = {"indicator_id": "I1", "beneficiary": "ALB"}
ACTIVITY = {"activity_id": "A1", "semester": S2, "beneficiary": "ALB", "title": "Training"}
MEETINGS = [
    {"number": 1, "date": pd.Timestamp("2023-04-26"), "place": "Tirana"},
    {"number": 3, "date": pd.Timestamp("2024-10-30"), "place": "Podgorica"},
]


def running_total(reports: dict[str, float], **fields) -> pd.DataFrame:
    """I1 for Albania (a running total, baseline 0, targets 10, 20, 30) reporting ``reports``."""
    programme = make_programme(
        indicators=[indicator("I1", cumulative=True, **fields)],
        baselines=[KEY | {"value": 0}],
        targets=[KEY | {"semester": s, "value": v, "adopted_at": 1} for s, v in {S1: 10, S2: 20, S3: 30}.items()],
        values=[KEY | {"semester": s, "value": v} for s, v in reports.items()],
    )
    return indicator_progress(programme, Thresholds()).set_index("semester")


def test_status_labels_are_french_in_frames_and_codes_stay() -> None:
    with i18n.using("fr"):
        rows = running_total({S1: 5, S2: 8})  # 13 of 20 in S2: progress 0.65, at risk
        table = status_table()
        assert STATUS_BY_CODE["at_risk"].label == "À risque"
        assert status_word("off_track") == "✖ Hors trajectoire"
    assert (rows.loc[S2, "status"], rows.loc[S2, "status_label"]) == ("at_risk", "À risque")
    assert list(table["label"]) == [
        "Atteint", "En bonne voie", "À risque", "Hors trajectoire", "Rapports incomplets", "Rapporté (qualitatif)",
        "Masqué (petit effectif)", "Pas de données", "Non échu",
    ]  # fmt: skip
    assert list(table["code"]) == [s.code for s in progress.STATUSES]
    assert running_total({S1: 5, S2: 8}).loc[S2, "status_label"] == "At risk"  # English as before


def test_forecast_text_is_french() -> None:
    with i18n.using("fr"):
        rows = running_total({S1: 8, S2: 8})  # pace 8: 24 by the end, 30 in the fourth semester
    assert rows.loc[S2, "forecast"] == "at_risk"
    text = rows.loc[S2, "forecast_text"]
    expected = "au rythme actuel, la cible de fin d'action serait atteinte en mai 2026 – oct. 2026"
    assert text == f"À risque{NNBSP}: {expected}"
    assert not english_words([text])


def test_coverage_and_donor_marks_are_french() -> None:
    programme = make_programme(
        indicators=[indicator("I1", cumulative=True, sensitive=True)],
        targets=[
            {"indicator_id": "I1", "beneficiary": b, "semester": s, "value": 40, "adopted_at": 1}
            for b in ("ALB", "SRB")
            for s in (S1, S2)
        ],
        values=[
            {"indicator_id": "I1", "beneficiary": "ALB", "semester": S1, "value": 30},
            {"indicator_id": "I1", "beneficiary": "SRB", "semester": S1, "value": 20},
            {"indicator_id": "I1", "beneficiary": "ALB", "semester": S2, "value": 10},
        ],
    )
    with i18n.using("fr"):
        rows = indicator_progress(programme, Thresholds())
        rolled = regional_rollup(rows, Thresholds()).set_index("semester")
        donor = donor_progress(rows, threshold=5)
        donor_rolled = donor_rollup(rolled.reset_index(), rows, threshold=5)
    assert rolled.loc[S1, "coverage"] == f"Bénéficiaires ayant rapporté{NNBSP}: 2 sur 2"
    assert (
        rolled.loc[S2, "coverage"] == f"Bénéficiaires ayant rapporté{NNBSP}: 1 sur 2 (valeur antérieure reprise pour 1)"
    )
    assert set(donor["semester_value_display"]) == {"total cumulé seulement"}  # running totals only
    assert "pas de rapport" in set(donor["actual_display"])  # Serbia's S2 total is carried, not reported
    shown = [*rolled["coverage"], *donor["actual_display"], *donor_rolled["coverage"]]
    assert not english_words(shown)
    with i18n.using("en"):
        assert regional_rollup(rows, Thresholds()).set_index("semester").loc[S1, "coverage"] == (
            "2 of 2 beneficiaries reported"
        )


def test_explanations_and_revisions_are_french() -> None:
    programme = make_programme(
        indicators=[indicator("I1")],
        baselines=[KEY | {"value": 0}],
        targets=[
            KEY | {"semester": S3, "value": 1234.5, "adopted_at": 1},
            KEY | {"semester": S3, "value": 10, "adopted_at": 3, "note": "Budget cut"},
        ],
        values=[KEY | {"semester": S3, "value": 5}],
        meetings=MEETINGS,
    )
    with i18n.using("fr"):
        rows = annotated(indicator_progress(programme, Thresholds()), programme, Thresholds())
    row = rows[rows["semester"] == S3].iloc[0]
    assert row["explanation_due"] == "à risque"
    assert row["revision_text"] == (
        f"Révisée de 1{NNBSP}234,5 (1re réunion) à 10 par la 3e réunion du 30 oct. 2024{NNBSP}: Budget cut"
    )  # the note is data: as written
    english = annotated(indicator_progress(programme, Thresholds()), programme, Thresholds())
    assert english.iloc[-1]["revision_text"] == (
        "Revised from 1,234.5 (1st meeting) to 10 by the 3rd meeting on 30 Oct 2024: Budget cut"
    )


def test_quality_flags_are_french_with_french_numbers() -> None:
    programme = make_programme(
        indicators=[indicator("I1", disaggregation="sex")],
        values=[
            KEY | {"semester": S1, "sex": "total", "value": 1234.5},
            KEY | {"semester": S1, "sex": "female", "value": 4.5},
            KEY | {"semester": S1, "sex": "male", "value": 6},
            KEY | {"semester": S2, "sex": "total", "value": 10, "comment": "Sent late"},
        ],
    )
    with i18n.using("fr"):
        flags = quality_flags(programme, factor=2.5).set_index("check")
    assert flags.loc["sex_split", "check_label"] == "Femmes + hommes diffère du total"
    assert flags.loc["sex_split", "message"] == f"femmes 4,5 + hommes 6 = 10,5, mais le total est de 1{NNBSP}234,5"
    assert flags.loc["jump", "message"] == (
        f"10 contre 1{NNBSP}234,5 en nov. 2024 – avr. 2025, soit un écart de plus de 2,5 fois"
    )
    assert flags.loc["late", "message"] == f"signalé en retard{NNBSP}: «{NNBSP}Sent late{NNBSP}»"
    labels = [*flags["check_label"], *flags["message"].str.replace("Sent late", "")]
    assert not english_words(labels)


def test_headline_figures_are_french_and_keep_their_keys() -> None:
    programme = make_programme(
        indicators=[indicator("I1")],
        targets=[KEY | {"semester": S2, "value": 10, "adopted_at": 1}],
        values=[KEY | {"semester": S2, "value": 10}],
        activities=[ACTIVITY | {"status": "postponed"}],
    )
    with i18n.using("fr"):
        table = headline_figures(programme, S2, Thresholds())
    english = headline_figures(programme, S2, Thresholds())
    assert list(table["key"]) == list(english["key"])
    assert "Activités reportées" in list(table["figure"]) and "activités" in list(table["unit"])
    assert not english_words([*table["figure"], *table["help"], *table["unit"]])


def test_beneficiary_names_and_notices_are_french() -> None:
    with i18n.using("fr"):
        assert beneficiary_name("MKD") == "Macédoine du Nord"
        assert [b.name for b in BENEFICIARIES] == [
            "Albanie", "Bosnie-Herzégovine", "Kosovo*", "Monténégro", "Macédoine du Nord", "Serbie", "Régional",
        ]  # fmt: skip
        assert beneficiary_name("XYZ") == "XYZ"  # an unknown code as it is
        assert i18n._(KOSOVO_FOOTNOTE).startswith("*Toute référence au Kosovo, que ce soit le territoire")
        assert i18n._(ILLUSTRATIVE_NOTICE).startswith("Données de démonstration fictives")
        csv = csv_export(pd.DataFrame({"beneficiary": [beneficiary_name("XKX")]})).decode()
    assert "sans préjuger du statut du Kosovo." in csv
    assert beneficiary_name("MKD") == "North Macedonia"
    assert [b.code for b in BENEFICIARIES] == ["ALB", "BIH", "XKX", "MNE", "MKD", "SRB", "REG"]


def test_charts_are_french() -> None:
    programme = make_programme(
        indicators=[indicator("I1", disaggregation="sex")],
        baselines=[KEY | {"value": 0}],
        targets=[KEY | {"semester": s, "value": 10, "adopted_at": 1} for s in (S1, S2)],
        values=[
            KEY | {"semester": S1, "value": 4},
            KEY | {"semester": S2, "sex": "total", "value": 8},
            KEY | {"semester": S2, "sex": "female", "value": 3},
            KEY | {"semester": S2, "sex": "male", "value": 5},
        ],
        activities=[ACTIVITY | {"status": "completed"}],
    )
    with i18n.using("fr"):
        rows = indicator_progress(programme, Thresholds())
        last = rows[rows["semester"] == S2]
        figures = [
            charts.status_matrix_figure(last),
            charts.trend_figure(rows),
            charts.indicator_across_figure(rows, regional_rollup(rows, Thresholds())),
            charts.sex_split_figure(programme.values),
            charts.delivery_figure(workplan.workplan_delivery(programme.activities)),
            charts.timeline_figure(programme.activities),
            charts.completeness_figure(completeness.reporting_completeness(programme)),
            charts.empty_figure("Titre"),
        ]
    matrix = figures[0]
    assert matrix.layout.title.text == "Statut des indicateurs par bénéficiaire, mai 2025 – oct. 2025"
    assert [t.name for t in matrix.data] == ["● En bonne voie"]
    assert (
        charts.figure_caption(figures[3]) == f"I1 par sexe{NNBSP}: 3 femmes et 5 hommes{NNBSP}; 38{NNBSP}% de femmes."
    )
    texts = []
    for fig in figures:
        texts += [fig.layout.title.text, charts.figure_caption(fig), fig.layout.yaxis.title.text]
        texts += [t.name for t in fig.data] + [t.hovertemplate for t in fig.data]
    assert not english_words(texts)


def test_method_texts_are_translated_and_english_is_the_docstring() -> None:
    modules = (progress, forecast, annotations, rollup, quality, workplan, completeness, suppression)
    for module in modules:
        assert module.__doc__ == module.METHOD_TEXT  # the Method page's English is unchanged
        with i18n.using("fr"):
            french = i18n._(module.METHOD_TEXT)
        assert french != module.METHOD_TEXT and len(french) > 0.8 * len(module.METHOD_TEXT), module.__name__


@pytest.mark.parametrize("code", list(quality.CHECKS))
def test_every_check_has_a_french_label(code: str) -> None:
    with i18n.using("fr"):
        assert i18n._(quality.CHECKS[code]) != quality.CHECKS[code]
    assert suppression.SECONDARY == "[c]"  # the confidential mark is the same in both languages


def test_french_names_are_read_as_beneficiary_codes() -> None:
    with i18n.using("fr"):
        names = [b.name for b in BENEFICIARIES]
    assert [beneficiary_code(n) for n in names] == [b.code for b in BENEFICIARIES]


def test_problems_and_period_errors_are_french() -> None:
    problem = Problem(ERROR, "Values", 7, "Semester", "'13/05/2025'", "a semester")
    with i18n.using("fr"):
        assert problem.message == (
            f"feuille «{NNBSP}Values{NNBSP}», ligne 7, colonne «{NNBSP}Semester{NNBSP}»{NNBSP}: valeur trouvée"
            f"{NNBSP}: '13/05/2025'{NNBSP}; attendu{NNBSP}: a semester."
        )  # "expected" comes from the check that made the problem
        assert quote(None) == "une cellule vide"
        with pytest.raises(PeriodError, match="n'est pas une date valide"):
            parse_semester("2025-02-30")
        helps = [i18n._(c.help) for t in TABLES for c in t.columns if c.help] + [i18n._(t.help) for t in TABLES]
    assert problem.message == "sheet 'Values', row 7, column 'Semester': found '13/05/2025'; expected a semester."
    untranslated = [h for h in helps if h in {c.help for t in TABLES for c in t.columns} | {t.help for t in TABLES}]
    assert not untranslated
