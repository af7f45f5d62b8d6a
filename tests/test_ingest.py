import datetime as dt

import pytest

from indicators.domain.schema import TABLES_BY_NAME
from indicators.ingest import ingest
from indicators.present import template
from indicators.store import Store
from tests.badfiles import xlsx_from_rows
from tests.factories import ANA

TODAY = dt.date(2026, 11, 21)
VALUES = [c.header for c in TABLES_BY_NAME["values"].columns]


def values_workbook(*rows: list) -> bytes:
    return xlsx_from_rows({"Values": [VALUES, *rows]})


def test_a_new_semesters_values_become_a_draft_with_their_changes(demo_store: Store) -> None:
    approved = demo_store.approved_id()
    data = values_workbook(["IND-01", "Srbija", "2026NovS2", "total", 17, None, None, "late report", "registry"])
    steps: list[tuple[float, str]] = []
    result = ingest(data, "serbia.xlsx", ANA, demo_store, progress=lambda f, t: steps.append((f, t)), today=TODAY)
    assert result.ok and result.version_id == "000002", result.problems
    assert [f for f, _ in steps] == sorted(f for f, _ in steps) and steps[-1][0] == 1.0
    changes = result.changes
    row = changes[(changes["table"] == "values") & changes["key"].str.startswith("IND-01 · SRB · 2026NovS2")]
    assert "17.0" in row["after"].tolist()
    stored = demo_store.load(result.version_id).values
    mine = stored[
        (stored["indicator_id"] == "IND-01")
        & (stored["beneficiary"] == "SRB")
        & (stored["semester"] == "2026NovS2")
        & (stored["sex"] == "total")
    ]
    assert mine["value"].tolist() == [17.0]
    assert demo_store.approved_id() == approved and demo_store.status("000002") == "draft"
    assert demo_store.meta("000002")["illustrative"] is True  # built on the illustrative demo


def test_a_workbook_with_errors_stores_nothing(demo_store: Store) -> None:
    before = demo_store.version_ids()
    data = values_workbook(["IND-99", "Narnia", "spring", "total", "lots", None, None, None, None])
    result = ingest(data, "bad.xlsx", ANA, demo_store, today=TODAY)
    assert not result.ok and result.version_id is None
    assert {"Indicator ID", "Beneficiary", "Semester"} <= {p.column for p in result.problems}
    assert demo_store.version_ids() == before


def test_the_same_bytes_twice_are_recognised(demo_store: Store) -> None:
    data = values_workbook(["IND-01", "ALB", "2026NovS2", "total", 5, None, None, None, None])
    first = ingest(data, "a.xlsx", ANA, demo_store, today=TODAY)
    second = ingest(data, "a-again.xlsx", ANA, demo_store, today=TODAY)
    assert first.version_id and second.version_id is None and second.duplicate_of == first.version_id
    assert len(demo_store.version_ids()) == 2


def test_unreadable_file_gives_one_sentence_and_stores_nothing(demo_store: Store) -> None:
    result = ingest(b"<html><body>not a workbook</body></html>", "report.xlsx", ANA, demo_store)
    assert not result.ok and result.message and "\n" not in result.message
    assert demo_store.version_ids() == ["000001"]


def test_the_demo_round_trips_through_the_template_writer(demo_store: Store) -> None:
    approved = demo_store.approved()
    data = template.write_workbook(approved, lists_from=approved)
    result = ingest(data, "round-trip.xlsx", ANA, demo_store, save=False, today=TODAY)
    assert result.ok, result.problems[:5]
    assert result.changes.empty, result.changes.head()


def test_the_blank_template_reads_as_an_empty_valid_workbook(demo_store: Store) -> None:
    result = ingest(template.template_bytes(demo_store.approved()), "blank.xlsx", ANA, demo_store, save=False)
    assert result.ok and result.changes.empty
    assert result.upload is not None and result.upload.row_count == 0


@pytest.mark.parametrize("save", [True, False])
def test_validation_only_never_stores(demo_store: Store, save: bool) -> None:
    data = values_workbook(["IND-01", "BIH", "2026NovS2", "total", 8, None, None, None, None])
    result = ingest(data, "b.xlsx", ANA, demo_store, save=save, today=TODAY)
    assert result.ok and (result.version_id is not None) is save


def test_a_step_failing_after_the_draft_is_written_leaves_no_version_and_no_staged_files(
    demo_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("diff broke")

    monkeypatch.setattr("indicators.read.diff.upload_changes", broken)
    data = values_workbook(["IND-01", "Srbija", "2026NovS2", "total", 17, None, None, "late report", "registry"])
    with pytest.raises(RuntimeError, match="diff broke"):
        ingest(data, "serbia.xlsx", ANA, demo_store, today=TODAY)
    assert demo_store.version_ids() == ["000001"]
    assert not any((demo_store.root / "tmp").iterdir())


def test_a_quality_check_failing_while_the_draft_is_written_leaves_no_version_and_no_staged_files(
    demo_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The draft is written in the pool while the figures are checked for their quality: a failure there drops it."""

    def broken(*args: object) -> None:
        raise RuntimeError("quality check broke")

    monkeypatch.setattr("indicators.ingest.quality_warnings", broken)
    data = values_workbook(["IND-01", "Srbija", "2026NovS2", "total", 17, None, None, "late report", "registry"])
    with pytest.raises(RuntimeError, match="quality check broke"):
        ingest(data, "serbia.xlsx", ANA, demo_store, today=TODAY)
    assert demo_store.version_ids() == ["000001"]
    assert not any((demo_store.root / "tmp").iterdir())
