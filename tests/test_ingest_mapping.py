"""A workbook in the analyst's own layout through the whole upload path: isolated parse, mapping, validation, draft."""

from __future__ import annotations

import datetime as dt

from indicators.domain.schema import VALUES
from indicators.ingest import ingest
from indicators.read.mapping import Mapping
from indicators.store import Store
from tests.badfiles import xlsx_from_rows
from tests.factories import ANA, MARKO

TODAY = dt.date(2026, 11, 21)
WIDE = [
    ["Serbia: monitoring sheet", None, None],
    [None, None, None],
    ["Indicator", "May 2026 – Oct 2026", "Comment"],
    ["IND-01", 17, "late report"],
    ["IND-02", "yes", None],
]
MAPPING = Mapping.from_json(
    {
        "name": "Serbia sheet",
        "sheets": ["Sheet1"],
        "header_row": 3,
        "fields": {"indicator": {"column": "Indicator"}, "beneficiary": {"value": "SRB"}, "comment": "Comment"},
        "wide": [{"column": "May 2026 – Oct 2026", "semester": "2026NovS2"}],
    }
)


def test_a_mapped_workbook_becomes_a_draft_that_records_its_mapping(demo_store: Store) -> None:
    data = xlsx_from_rows({"Sheet1": WIDE})
    result = ingest(data, "serbia.xlsx", ANA, demo_store, today=TODAY, mapping=MAPPING)
    assert result.ok, result.problems
    assert result.rows == {"values": 2}
    stored = demo_store.load(result.version_id).values.set_index(["indicator_id", "beneficiary", "semester", "sex"])
    assert stored.loc[("IND-01", "SRB", "2026NovS2", "total"), "value"] == 17.0
    assert stored.loc[("IND-01", "SRB", "2026NovS2", "total"), "comment"] == "late report"
    assert stored.loc[("IND-02", "SRB", "2026NovS2", "total"), "value"] == 1.0  # a milestone: yes
    meta = demo_store.meta(result.version_id)
    assert meta["summary"]["mapping"]["name"] == "Serbia sheet"
    assert demo_store.raw_bytes(result.version_id) == data  # the raw bytes kept, as for every upload


def test_a_mapped_workbooks_problems_name_the_analysts_cells_and_nothing_is_stored(demo_store: Store) -> None:
    before = demo_store.version_ids()
    data = xlsx_from_rows({"Sheet1": [*WIDE[:3], ["IND-01", "seventeen", None], ["IND-404", 3, None]]})
    result = ingest(data, "serbia.xlsx", ANA, demo_store, today=TODAY, mapping=MAPPING)
    assert not result.ok and result.version_id is None
    where = {(p.sheet, p.row, p.column, p.code) for p in result.problems if p.severity == "error"}
    assert where == {
        ("Sheet1", 4, "May 2026 – Oct 2026", "wrong-measure"),
        ("Sheet1", 5, "Indicator", "unknown-indicator_id"),
    }
    assert demo_store.version_ids() == before


def test_a_workbook_in_another_layout_without_a_mapping_points_to_the_mapping_step(demo_store: Store) -> None:
    result = ingest(xlsx_from_rows({"Sheet1": WIDE}), "serbia.xlsx", ANA, demo_store, today=TODAY)
    assert not result.ok and result.needs_mapping and "mapping" in result.message


def test_a_mapped_version_is_reviewed_again_through_its_mapping_after_another_approval(demo_store: Store) -> None:
    from indicators import ingest as flow

    mine = ingest(xlsx_from_rows({"Sheet1": WIDE}), "serbia.xlsx", ANA, demo_store, today=TODAY, mapping=MAPPING)
    demo_store.submit(mine.version_id, ANA)
    other = xlsx_from_rows(
        {"Values": [[c.header for c in VALUES.columns], ["IND-01", "ALB", "2026NovS2", "total", 5, *[None] * 4]]}
    )
    theirs = ingest(other, "albania.xlsx", ANA, demo_store, today=TODAY)
    demo_store.submit(theirs.version_id, ANA)
    flow.approve(demo_store, theirs.version_id, MARKO, seen=flow.review(demo_store, theirs.version_id).fingerprint)
    again = flow.review(demo_store, mine.version_id, today=TODAY)  # the approval moved: checked again, as read
    assert again.moved and again.message is None and again.errors == 0, again.message or again.problems
    changed = again.changes[again.changes["table"] == "values"]
    assert changed["key"].str.startswith("IND-01 · SRB · 2026NovS2").any()
