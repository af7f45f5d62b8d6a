"""Saved mappings: by name, per analyst or shared; found again when a workbook with the same headers arrives.

Every test that keeps a mapping runs on both backends (a folder store and a PostgreSQL store, each holding the
approved demo): saved mappings are documents of the store's backend."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest

from indicators.access.identity import Identity
from indicators.access.roles import PermissionRefused
from indicators.domain.reference import fold
from indicators.ingest import ingest
from indicators.read.mapping import MappingError, header_signature, suggest_mapping, with_new_semesters
from indicators.read.reader import read_workbook
from indicators.saved_mappings import SavedMappings
from indicators.storage.transfer import copy_store
from indicators.store import Store
from tests.badfiles import xlsx_from_rows
from tests.factories import ANA, MARKO, small_programme

TODAY = dt.date(2026, 11, 21)


def sheet(*semesters: str, rows: list[list] | None = None) -> bytes:
    """A wide-by-semester sheet under a title, as an analyst keeps it."""
    body = rows or [["IND-01", "Serbia", *[10 + i for i in range(len(semesters))]]]
    return xlsx_from_rows({"Monitoring": [["Serbia monitoring"], [], ["Indicator", "Country", *semesters], *body]})


@pytest.fixture
def store(store_location: str | Path, seeded_store_dir: Path) -> Store:
    """A store holding the approved demo on each backend: a folder, then a PostgreSQL database."""
    store = Store(store_location)
    copy_store(Store(seeded_store_dir).backend, store.backend)
    return store


def saved_mapping(store: Store, data: bytes, owner: Identity = ANA, shared: bool = False, name: str = "Serbia sheet"):
    raw = read_workbook(data, every_sheet=True)
    mapping = suggest_mapping(raw, store.approved().indicators).mapping
    return SavedMappings(store).save(mapping, raw, name, owner, shared)


def test_a_saved_mapping_reads_next_semesters_workbook_straight_away(store: Store) -> None:
    saved_mapping(store, sheet("Nov 2025 – Apr 2026"))
    later = sheet("Nov 2025 – Apr 2026", "May 2026 – Oct 2026")  # one more semester column, same layout
    result = ingest(later, "serbia-2026.xlsx", ANA, store, today=TODAY)
    assert result.ok and result.version_id, result.message or result.problems
    assert result.mapping is not None and result.mapping.name == "Serbia sheet"
    assert [w.semester for w in result.mapping.wide] == ["2026NovS1", "2026NovS2"]
    assert result.rows == {"values": 2}
    stored = store.load(result.version_id).values.set_index(["indicator_id", "beneficiary", "semester"])
    assert stored.loc[("IND-01", "SRB", "2026NovS2"), "value"] == 11.0
    assert store.meta(result.version_id)["summary"]["mapping"]["name"] == "Serbia sheet"
    assert store.raw_bytes(result.version_id) == later


def test_other_headers_are_not_read_through_a_saved_mapping(store: Store) -> None:
    saved_mapping(store, sheet("Nov 2025 – Apr 2026"))
    other = xlsx_from_rows(
        {"Monitoring": [["Serbia monitoring"], [], ["KPI", "Where", "S1 2026"], ["IND-01", "SRB", 3]]}
    )
    result = ingest(other, "other.xlsx", ANA, store, today=TODAY)
    assert not result.ok and result.mapping is None and "mapping" in result.message


def test_mappings_are_per_analyst_unless_shared(store: Store) -> None:
    saved_mapping(store, sheet("Nov 2025 – Apr 2026"), owner=ANA, name="Mine")
    mappings = SavedMappings(store)
    raw = read_workbook(sheet("Nov 2025 – Apr 2026"), every_sheet=True)
    assert mappings.find(raw, ANA.email).name == "Mine"
    assert mappings.find(raw, MARKO.email) is None
    assert [s.name for s in mappings.visible_to(MARKO.email)] == []
    saved_mapping(store, sheet("Nov 2025 – Apr 2026"), owner=ANA, shared=True, name="Team sheet")
    assert mappings.find(raw, MARKO.email).name == "Team sheet"
    assert [s.name for s in mappings.visible_to(ANA.email)] == ["Mine", "Team sheet"]  # own first
    assert mappings.delete("Mine", ANA) and mappings.find(raw, ANA.email).name == "Team sheet"


def test_only_analysts_and_managers_save_mappings(store: Store) -> None:
    with pytest.raises(PermissionRefused):
        saved_mapping(store, sheet("S1 2026"), owner=Identity("dora", "donor", "local"))
    assert SavedMappings(store).all() == []


def test_saving_again_under_the_same_name_replaces_it(store: Store) -> None:
    saved_mapping(store, sheet("S1 2026"), name="Serbia  sheet")
    saved_mapping(store, sheet("S1 2026"), name="serbia sheet")
    assert len(SavedMappings(store).all()) == 1


@pytest.mark.parametrize("name", ["", "   ", "x" * 81])
def test_a_mapping_needs_a_short_name(store: Store, name: str) -> None:
    with pytest.raises(MappingError, match="name of 1 to 80 characters"):
        saved_mapping(store, sheet("S1 2026"), name=name)


def test_a_mapping_saved_through_one_server_is_found_by_another(store: Store) -> None:
    saved_mapping(store, sheet("Nov 2025 – Apr 2026"), shared=True, name="Team sheet")
    other = Store(store.backend.location)  # a second app server on the same store (a folder, or the database)
    raw = read_workbook(sheet("Nov 2025 – Apr 2026"), every_sheet=True)
    assert SavedMappings(other).find(raw, MARKO.email).name == "Team sheet"
    assert other.backend.document_names("mappings/") == store.backend.document_names("mappings/")
    assert len(other.backend.document_names("mappings/")) == 1


def test_a_broken_mapping_document_is_skipped_never_read(store: Store) -> None:
    saved_mapping(store, sheet("S1 2026"), name="Good")
    store.backend.write_document("mappings/0123456789abcdef01234567.json", b'{"name": "half wri')
    store.backend.write_document("mappings/old/nested.json", b"{}")
    assert [s.name for s in SavedMappings(store).all()] == ["Good"]


def old_layout_file(root: Path, owner: str, name: str, signature: str, mapping: dict) -> Path:
    """A mapping written exactly as the folder-only code did before saved mappings were backend documents:
    ``<store>/mappings/<sha256(owner or "team", folded name)[:24]>.json``, plain ``write_text`` (the umask's
    mode), with a temporary file of an interrupted save beside it."""
    folder = root / "mappings"
    folder.mkdir(parents=True, exist_ok=True)
    key = hashlib.sha256(f"{owner}\n{fold(name)}".encode()).hexdigest()[:24]
    record = {
        "name": name,
        "owner": owner,
        "shared": owner == "team",
        "signature": signature,
        "saved_at": "2025-05-02T09:30:00.000000+00:00",
        "mapping": {**mapping, "name": name},  # the old code saved the mapping under its name too
    }
    path = folder / f"{key}.json"
    path.write_text(json.dumps(record, ensure_ascii=False, indent=2))
    (folder / ".5f0c2b7e.tmp").write_text("{")  # left by a save that was killed
    return path


def test_a_mapping_saved_by_the_folder_only_code_is_still_found(tmp_path: Path, seeded_store_dir: Path) -> None:
    root = tmp_path / "store"
    store = Store(root)
    copy_store(Store(seeded_store_dir).backend, store.backend)
    first = sheet("Nov 2025 – Apr 2026")
    raw = read_workbook(first, every_sheet=True)
    mapping = suggest_mapping(raw, store.approved().indicators).mapping
    signature = header_signature(raw, mapping)
    path = old_layout_file(root, ANA.email, "Serbia sheet", signature, mapping.to_json())

    mappings = SavedMappings(store)
    assert [s.name for s in mappings.all()] == ["Serbia sheet"]
    assert mappings.find(raw, ANA.email).signature == signature
    later = sheet("Nov 2025 – Apr 2026", "May 2026 – Oct 2026")
    result = ingest(later, "serbia-2026.xlsx", ANA, store, today=TODAY)
    assert result.ok and result.mapping is not None and result.mapping.name == "Serbia sheet", result.message

    saved_mapping(store, first, name="serbia SHEET")  # saving again under the same name replaces the old file
    assert [p.name for p in (root / "mappings").glob("*.json")] == [path.name]
    assert json.loads(path.read_text())["name"] == "serbia SHEET"
    assert path.stat().st_mode & 0o777 == 0o600  # now written as the store's documents are
    assert mappings.delete("Serbia sheet", ANA) and not path.exists()


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
