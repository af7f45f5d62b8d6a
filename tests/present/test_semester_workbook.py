"""The semester workbook: the rows expected of a beneficiary in a semester, the approved data beside the cells to
fill, a rule and an input message on each, formulas that ask for explanations, and a round trip through the
upload check (also after LibreOffice opened and saved it)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from openpyxl.utils import range_boundaries

from indicators.access.identity import Identity
from indicators.access.roles import PermissionRefused
from indicators.compute.progress import indicator_progress
from indicators.domain import i18n
from indicators.domain.periods import semester_from_id
from indicators.domain.problems import ProjectError
from indicators.domain.schema import Programme
from indicators.ingest import IngestResult, ingest, semester_workbook
from indicators.present.template import SEMESTER_SHEET_COLUMNS, SHEET_COLUMN, semester_rows
from indicators.store import Store

SEMESTER = "2026NovS2"  # May - Oct 2026: the demo's Montenegro has not reported it yet
ANALYST = Identity("ana@example.org", "analyst", "local", ("MNE",))
MANAGER = Identity("marko@example.org", "manager", "local")
DONOR = Identity("dora@example.org", "donor", "local")
COL = SHEET_COLUMN
ID_PATTERN = re.compile(r"\b\d{4}[A-Z][a-z]{2}S[12]\b")


@pytest.fixture(scope="module")
def store(seeded_store_dir: Path) -> Store:
    """The seeded demo store, only read here (uploads are checked with save=False)."""
    return Store(seeded_store_dir)


@pytest.fixture(scope="module")
def approved(store: Store) -> Programme:
    programme = store.approved()
    assert programme is not None
    return programme


@pytest.fixture(scope="module")
def made(store: Store) -> bytes:
    return semester_workbook(store, ANALYST, SEMESTER).data


def sheet(data: bytes, data_only: bool = False):  # noqa: ANN201 - openpyxl worksheet
    return openpyxl.load_workbook(io.BytesIO(data), data_only=data_only).worksheets[1]


def fill(data: bytes, yes: str = "yes") -> tuple[bytes, dict[tuple[str, str], object]]:
    """The workbook filled in as an analyst would (plausible figures in the open cells, a comment on every third
    row), and what was written, by (indicator, sex)."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb.worksheets[1]
    written: dict[tuple[str, str], object] = {}
    for r in range(2, ws.max_row + 1):
        key = (ws.cell(r, COL["indicator_id"]).value, ws.cell(r, COL["sex"]).value)
        if not ws.cell(r, COL["numerator"]).protection.locked:
            ws.cell(r, COL["numerator"]).value, ws.cell(r, COL["denominator"]).value = 7 + r % 5, 14
            written[key] = (7 + r % 5, 14)
        else:
            cell = ws.cell(r, COL["value"])
            assert not cell.protection.locked
            measure = str(ws.cell(r, COL["measure"]).value)
            if measure.startswith(("milestone", "jalon")):
                cell.value = yes
            elif measure.startswith(("qualitative", "qualitatif")):
                cell.value = "Second cohort started; follow-up after release agreed with probation."
            else:
                cell.value = 2 + r % 4
            written[key] = cell.value
        if r % 3 == 0:
            ws.cell(r, COL["comment"]).value = "Two trainings moved to spring."
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue(), written


def checked(store: Store, data: bytes) -> IngestResult:
    return ingest(data, "semester.xlsx", None, store, save=False)


def test_one_row_per_indicator_beneficiary_and_sex_expected(approved: Programme) -> None:
    rows = semester_rows(approved, SEMESTER, ["MNE"])
    progress = indicator_progress(approved)
    due = progress[(progress["semester"] == SEMESTER) & (progress["beneficiary"] == "MNE")]
    due = due[due["status"] != "not_due"]
    split = set(approved.indicators.loc[approved.indicators["disaggregation"] == "sex", "indicator_id"])
    assert len(rows) == len(due) + 2 * len(set(due["indicator_id"]) & split) == 25
    assert set(rows["beneficiary"]) == {"MNE"}
    assert not rows.duplicated(["indicator_id", "sex"]).any()
    total = rows[rows["sex"] == "total"].set_index("indicator_id")
    assert total["target"].astype(float).fillna(-1).to_dict() == (
        due.set_index("indicator_id")["target"].astype(float).fillna(-1).to_dict()
    )
    # previous semester's figure: the approved actual (a running total for cumulative counts)
    before = progress[(progress["semester"] == "2026NovS1") & (progress["beneficiary"] == "MNE")].set_index(
        "indicator_id"
    )
    assert total.loc["IND-06", "previous"] == before.loc["IND-06", "actual"] == 24
    assert total.loc["IND-03", "previous"] == pytest.approx(before.loc["IND-03", "actual"])


def test_reference_cells_locked_and_shaded_only_cells_to_fill_open(made: bytes) -> None:
    ws = sheet(made)
    assert ws.protection.sheet
    headers = [ws.cell(1, c).value for c in range(1, len(SEMESTER_SHEET_COLUMNS) + 1)]
    assert headers[:3] == ["Indicator ID", "Indicator title", "Unit"]
    for r in range(2, ws.max_row + 1):
        measure = str(ws.cell(r, COL["measure"]).value)
        figures = {"numerator", "denominator"} if measure == "percentage" else {"value"}
        opened = {c.name for c in SEMESTER_SHEET_COLUMNS if not ws.cell(r, COL[c.name]).protection.locked}
        assert opened == figures | {"comment", "source"}, r
        for column in SEMESTER_SHEET_COLUMNS:
            cell = ws.cell(r, COL[column.name])
            assert (cell.fill.fgColor.rgb[-6:] == "FFFFFF") == (column.name in opened)
    # labels, not identifiers
    texts = [str(c.value) for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert not [t for t in texts if ID_PATTERN.search(t)]
    assert {ws.cell(r, COL["semester"]).value for r in range(2, ws.max_row + 1)} == {"May 2026 – Oct 2026"}


def _rules(ws) -> dict[str, object]:  # noqa: ANN001
    found = {}
    for dv in ws.data_validations.dataValidation:
        for cell_range in dv.sqref.ranges:
            min_col, min_row, max_col, max_row = range_boundaries(cell_range.coord)
            for row in range(min_row, max_row + 1):
                for col in range(min_col, max_col + 1):
                    found[f"{col}:{row}"] = dv
    return found


def test_a_rule_and_an_input_message_on_each_cell_to_fill(made: bytes) -> None:
    ws = sheet(made)
    rules = _rules(ws)
    kinds = set()
    for r in range(2, ws.max_row + 1):
        measure = str(ws.cell(r, COL["measure"]).value)
        for name in ("value", "numerator", "denominator", "comment", "source"):
            if ws.cell(r, COL[name]).protection.locked:
                assert f"{COL[name]}:{r}" not in rules
                continue
            dv = rules[f"{COL[name]}:{r}"]
            assert dv.showInputMessage and dv.prompt and dv.showErrorMessage
            kinds.add((measure, name, dv.type, dv.formula1))
    assert ("count", "value", "whole", "0") in kinds
    assert ("count, cumulative", "value", "whole", "0") in kinds
    assert ("milestone", "value", "list", '"yes,no"') in kinds
    numerators = [k for k in kinds if k[1] == "numerator"]
    assert numerators and all(k[2] == "custom" and "<=" in k[3] for k in numerators)


def test_instructions_say_each_column_once_in_the_readers_language(store: Store) -> None:
    for language, header in (("en", "Previous semester"), ("fr", "Semestre précédent")):
        with i18n.using(language):
            data = semester_workbook(store, ANALYST, SEMESTER).data
        wb = openpyxl.load_workbook(io.BytesIO(data))
        lines = [str(c.value) for c in wb.worksheets[0]["A"] if c.value]
        headers = [wb.worksheets[1].cell(1, c).value for c in range(1, len(SEMESTER_SHEET_COLUMNS) + 1)]
        assert header in headers
        for text in headers:
            assert sum(bool(re.match(rf"{re.escape(text)} ?: ", line)) for line in lines) == 1, text
        assert not [line for line in lines if "Empty means" in line or "(required)" in line]


def test_round_trip_gives_exactly_the_values_filled_in(store: Store, approved: Programme, made: bytes) -> None:
    filled, written = fill(made)
    result = checked(store, filled)
    assert result.ok and result.errors == 0, [p.message for p in result.problems]
    assert set(result.changes["change"]) == {"added"} and set(result.changes["table"]) == {"values"}
    assert len(result.changes) == len(written) == 25
    values = result.upload.values.set_index(["indicator_id", "sex"])
    for (indicator, sex), value in written.items():
        row = values.loc[(indicator, sex)]
        if isinstance(value, tuple):
            assert (row["numerator"], row["denominator"]) == value
        elif value == "yes":
            assert row["value"] == 1
        elif isinstance(value, str):
            assert row["text"] == value
        else:
            assert row["value"] == value
    assert set(result.upload.values["semester"]) == {SEMESTER}
    assert set(result.upload.values["beneficiary"]) == {"MNE"}
    # a warning on the Comment of each figure at risk, off track or over-achieved that has no comment on any row
    progress = indicator_progress(result.merged)
    progress = progress[(progress["semester"] == SEMESTER) & (progress["beneficiary"] == "MNE")]
    judged = progress[progress["measure"] != "qualitative"]
    due = judged[judged["status"].isin(["at_risk", "off_track"]) | (judged["progress"].astype(float) >= 1.5)]
    explained = set(result.upload.values.loc[result.upload.values["comment"].notna(), "indicator_id"])
    warned = [p for p in result.problems if p.code == "explanation-missing"]
    assert {p.found.split(",")[0] for p in warned} == set(due["indicator_id"]) - explained != set()
    assert {p.column for p in warned} == {"Comment"}


def test_downloaded_and_uploaded_unchanged_changes_nothing(store: Store) -> None:
    """A semester already reported comes pre-filled with its approved values: uploading it back changes nothing."""
    data = semester_workbook(store, ANALYST, "2026NovS1").data
    result = checked(store, data)
    assert result.ok and result.changes.empty, result.changes.head()
    assert not [p for p in result.problems if p.code in ("unknown-column", "normalised", "not-reported")]


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_round_trip_after_libreoffice_opened_and_saved_it(store: Store, made: bytes, tmp_path: Path) -> None:
    filled, written = fill(made)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "semester.xlsx").write_bytes(filled)
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to", "xlsx",
         "--outdir", str(tmp_path / "out"), str(tmp_path / "in" / "semester.xlsx")],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    saved = (tmp_path / "out" / "semester.xlsx").read_bytes()
    direct, through = checked(store, filled), checked(store, saved)
    assert through.ok and through.errors == 0, [p.message for p in through.problems]
    key = ["indicator_id", "beneficiary", "semester", "sex"]
    assert (
        through.upload.values.sort_values(key)
        .reset_index(drop=True)
        .equals(direct.upload.values.sort_values(key).reset_index(drop=True))
    )
    assert through.changes.equals(direct.changes)
    # LibreOffice calculated the workbook's own formulas: the progress the dashboard will compute, and
    # "explanation needed" exactly on the rows the upload check then warns about.
    ws = sheet(saved, data_only=True)
    progress = indicator_progress(through.merged)
    progress = progress[(progress["semester"] == SEMESTER) & (progress["beneficiary"] == "MNE")]
    expected = progress.set_index("indicator_id")["progress"]
    needed = set()
    for r in range(2, ws.max_row + 1):
        indicator, shown = ws.cell(r, COL["indicator_id"]).value, ws.cell(r, COL["progress"]).value
        if isinstance(shown, float | int):
            assert shown == pytest.approx(float(expected[indicator])), indicator
        if "explanation needed" in str(ws.cell(r, COL["check"]).value or ""):
            needed.add(indicator)
    warned = {p.found.split(",")[0] for p in through.problems if p.code == "explanation-missing"}
    assert needed and warned == needed
    assert {p.row for p in through.problems if p.code == "explanation-missing"} <= set(range(2, ws.max_row + 1))


def test_french_workbook_reads_back(store: Store) -> None:
    with i18n.using("fr"):
        data = semester_workbook(store, ANALYST, SEMESTER).data
        ws = sheet(data)
        assert ws.title == "Valeurs"
        assert ws.cell(2, COL["semester"]).value == semester_from_id(SEMESTER).label == "mai 2026 – oct. 2026"
        filled, written = fill(data, yes="oui")
        result = checked(store, filled)
    assert result.ok and len(result.changes) == len(written), [p.message for p in result.problems]
    assert not [p for p in result.problems if p.code in ("unknown-column", "normalised")]


def test_who_gets_which_workbook(store: Store) -> None:
    with pytest.raises(PermissionRefused, match="donor"):
        semester_workbook(store, DONOR, SEMESTER)
    with pytest.raises(ProjectError, match="Montenegro only"):
        semester_workbook(store, ANALYST, SEMESTER, ["SRB"])
    everyone = semester_workbook(store, MANAGER, SEMESTER)
    assert len(everyone.beneficiaries) == 7 and everyone.rows > 100
    assert semester_workbook(store, MANAGER, SEMESTER, ["Serbia"]).beneficiaries == ("SRB",)
    with pytest.raises(ProjectError, match="not a semester"):
        semester_workbook(store, ANALYST, "someday")


def test_only_approved_figures_of_the_analysts_own_beneficiaries(demo_store: Store, tmp_path: Path) -> None:
    """Nothing of another beneficiary, and nothing of a draft, is in an analyst's workbook."""
    before = semester_workbook(demo_store, ANALYST, SEMESTER).data
    filled, _written = fill(before)
    filled = filled.replace(b"Two trainings moved to spring.", b"DRAFT-ONLY comment, not approved.")
    assert ingest(filled, "draft.xlsx", ANALYST, demo_store).version_id  # a draft, not approved
    data = semester_workbook(demo_store, ANALYST, SEMESTER).data
    assert data == before
    wb = openpyxl.load_workbook(io.BytesIO(data))
    texts = {str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None}
    others = ["ALB", "BIH", "XKX", "MKD", "SRB", "REG", "Albania", "Bosnia", "Kosovo", "Macedonia", "Serbia"]
    assert not [(word, t) for t in texts for word in others if re.search(rf"\b{word}\b", t)]
    assert not [t for t in texts if "DRAFT-ONLY" in t]
    frame = pd.DataFrame(
        [[c.value for c in row] for row in wb.worksheets[1].iter_rows(min_row=2)],
        columns=[c.name for c in SEMESTER_SHEET_COLUMNS],
    )
    assert set(frame["beneficiary"]) == {"MNE"}


def test_command_line_writes_the_semester_workbook_and_still_the_blank_template(
    demo_store: Store, tmp_path: Path
) -> None:
    from tests.test_cli import run

    demo_store.accounts.add(
        Identity("tests", "admin", "cli"), ANALYST.email, "analyst", ("MNE",), password="a long passphrase"
    )
    mine = run("template", str(tmp_path / "mine.xlsx"), "--for", ANALYST.email, "--semester", "May 2026 – Oct 2026")
    assert mine.returncode == 0, mine.stderr
    assert "MNE, May 2026 – Oct 2026 (25 rows to fill)" in mine.stdout
    assert sheet((tmp_path / "mine.xlsx").read_bytes()).max_row == 26
    kosovo = run("template", str(tmp_path / "xkx.xlsx"), "--beneficiary", "XKX", "--semester", SEMESTER)
    assert kosovo.returncode == 0 and "Security Council Resolution 1244" in kosovo.stdout, kosovo.stderr
    blank = run("template", str(tmp_path / "blank.xlsx"))
    assert blank.returncode == 0 and "template" in blank.stdout
    assert "Values" in openpyxl.load_workbook(tmp_path / "blank.xlsx").sheetnames
    refused = run("template", str(tmp_path / "no.xlsx"), "--for", ANALYST.email, "--semester", "someday")
    assert refused.returncode == 2 and "not a semester" in refused.stderr and not (tmp_path / "no.xlsx").exists()
