"""Saved mappings: by name, per analyst or shared; found again when a workbook with the same headers arrives."""

from __future__ import annotations

import datetime as dt

import pytest

from indicators.access.identity import Identity
from indicators.access.roles import PermissionRefused
from indicators.ingest import ingest
from indicators.read.mapping import MappingError, suggest_mapping, with_new_semesters
from indicators.read.reader import read_workbook
from indicators.saved_mappings import SavedMappings
from indicators.store import Store
from tests.badfiles import xlsx_from_rows
from tests.factories import ANA, MARKO, small_programme

TODAY = dt.date(2026, 11, 21)


def sheet(*semesters: str, rows: list[list] | None = None) -> bytes:
    """A wide-by-semester sheet under a title, as an analyst keeps it."""
    body = rows or [["IND-01", "Serbia", *[10 + i for i in range(len(semesters))]]]
    return xlsx_from_rows({"Monitoring": [["Serbia monitoring"], [], ["Indicator", "Country", *semesters], *body]})


def saved_mapping(store: Store, data: bytes, owner: Identity = ANA, shared: bool = False, name: str = "Serbia sheet"):
    raw = read_workbook(data, every_sheet=True)
    mapping = suggest_mapping(raw, store.approved().indicators).mapping
    return SavedMappings(store.root).save(mapping, raw, name, owner, shared)


def test_a_saved_mapping_reads_next_semesters_workbook_straight_away(demo_store: Store) -> None:
    saved_mapping(demo_store, sheet("Nov 2025 – Apr 2026"))
    later = sheet("Nov 2025 – Apr 2026", "May 2026 – Oct 2026")  # one more semester column, same layout
    result = ingest(later, "serbia-2026.xlsx", ANA, demo_store, today=TODAY)
    assert result.ok and result.version_id, result.message or result.problems
    assert result.mapping is not None and result.mapping.name == "Serbia sheet"
    assert [w.semester for w in result.mapping.wide] == ["2026NovS1", "2026NovS2"]
    assert result.rows == {"values": 2}
    stored = demo_store.load(result.version_id).values.set_index(["indicator_id", "beneficiary", "semester"])
    assert stored.loc[("IND-01", "SRB", "2026NovS2"), "value"] == 11.0
    assert demo_store.meta(result.version_id)["summary"]["mapping"]["name"] == "Serbia sheet"
    assert demo_store.raw_bytes(result.version_id) == later


def test_other_headers_are_not_read_through_a_saved_mapping(demo_store: Store) -> None:
    saved_mapping(demo_store, sheet("Nov 2025 – Apr 2026"))
    other = xlsx_from_rows(
        {"Monitoring": [["Serbia monitoring"], [], ["KPI", "Where", "S1 2026"], ["IND-01", "SRB", 3]]}
    )
    result = ingest(other, "other.xlsx", ANA, demo_store, today=TODAY)
    assert not result.ok and result.mapping is None and "mapping" in result.message


def test_mappings_are_per_analyst_unless_shared(demo_store: Store) -> None:
    saved_mapping(demo_store, sheet("Nov 2025 – Apr 2026"), owner=ANA, name="Mine")
    mappings = SavedMappings(demo_store.root)
    raw = read_workbook(sheet("Nov 2025 – Apr 2026"), every_sheet=True)
    assert mappings.find(raw, ANA.email).name == "Mine"
    assert mappings.find(raw, MARKO.email) is None
    assert [s.name for s in mappings.visible_to(MARKO.email)] == []
    saved_mapping(demo_store, sheet("Nov 2025 – Apr 2026"), owner=ANA, shared=True, name="Team sheet")
    assert mappings.find(raw, MARKO.email).name == "Team sheet"
    assert [s.name for s in mappings.visible_to(ANA.email)] == ["Mine", "Team sheet"]  # own first
    assert mappings.delete("Mine", ANA) and mappings.find(raw, ANA.email).name == "Team sheet"


def test_only_analysts_and_managers_save_mappings(demo_store: Store) -> None:
    with pytest.raises(PermissionRefused):
        saved_mapping(demo_store, sheet("S1 2026"), owner=Identity("dora", "donor", "local"))
    assert SavedMappings(demo_store.root).all() == []


def test_saving_again_under_the_same_name_replaces_it(demo_store: Store) -> None:
    saved_mapping(demo_store, sheet("S1 2026"), name="Serbia  sheet")
    saved_mapping(demo_store, sheet("S1 2026"), name="serbia sheet")
    assert len(SavedMappings(demo_store.root).all()) == 1


@pytest.mark.parametrize("name", ["", "   ", "x" * 81])
def test_a_mapping_needs_a_short_name(demo_store: Store, name: str) -> None:
    with pytest.raises(MappingError, match="name of 1 to 80 characters"):
        saved_mapping(demo_store, sheet("S1 2026"), name=name)


def test_new_semester_columns_are_added_only_to_semester_mappings() -> None:
    raw = read_workbook(sheet("S1 2026"), every_sheet=True)
    mapping = suggest_mapping(raw, small_programme().indicators).mapping
    later = read_workbook(sheet("S1 2026", "S2 2026"), every_sheet=True)
    assert [w.column for w in with_new_semesters(mapping, later).wide] == ["S1 2026", "S2 2026"]
    long = suggest_mapping(
        read_workbook(xlsx_from_rows({"L": [["Indicator", "Country", "Period", "Value"]]}), every_sheet=True),
        small_programme().indicators,
    ).mapping
    assert with_new_semesters(long, later) is long
