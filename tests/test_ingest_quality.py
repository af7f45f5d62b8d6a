"""Data-quality flags at upload (issue 13, item 5): warnings on the analyst's own row naming the figure and the
one it is compared with; they never block storing."""

from __future__ import annotations

import datetime as dt

import pytest

from indicators.domain.schema import TABLES_BY_NAME
from indicators.ingest import ingest
from indicators.store import Store
from tests.badfiles import xlsx_from_rows
from tests.factories import ANA

TODAY = dt.date(2026, 11, 21)
VALUES = [c.header for c in TABLES_BY_NAME["values"].columns]
TARGETS = [c.header for c in TABLES_BY_NAME["targets"].columns]


def quality(result) -> list:  # noqa: ANN001
    return [p for p in result.problems if p.code.startswith("quality-")]


@pytest.mark.parametrize(
    ("rows", "code", "row", "found"),
    [
        # The case: IND-06 ALB female changed from 9 to 90 (male 16, total 25).
        (
            [["IND-06", "ALB", "2023NovS2", "female", 90, None, None, None, "lists"]],
            "quality-sex_split",
            2,  # the total row is not in this upload: the female row, the one changed
            "female 90 + male 16 = 106, but the total is 25",
        ),
        (
            [
                ["IND-06", "ALB", "2023NovS2", "female", 90, None, None, None, "lists"],
                ["IND-06", "ALB", "2023NovS2", "total", 25, None, None, None, "lists"],
            ],
            "quality-sex_split",
            3,  # the total row, as Excel numbers it
            "female 90 + male 16 = 106, but the total is 25",
        ),
        # A semester value 10 times the previous one (IND-06 ALB: 25 new staff, then 250).
        (
            [["IND-06", "ALB", "2024NovS1", "total", 250, None, None, None, "lists"]],
            "quality-jump",
            2,
            "against 25 in May 2023 – Oct 2023, more than 3 times apart",
        ),
    ],
)
def test_a_questionable_figure_is_a_warning_on_its_row(demo_store: Store, rows, code, row, found) -> None:
    result = ingest(xlsx_from_rows({"Values": [VALUES, *rows]}), "albania.xlsx", ANA, demo_store, today=TODAY)
    assert result.ok and result.version_id, result.problems  # a warning never blocks storing
    flagged = [p for p in quality(result) if p.code == code]
    assert flagged, quality(result)
    assert flagged[0].severity == "warning" and flagged[0].sheet == "Values" and flagged[0].column == "Value"
    assert flagged[0].row == row
    assert found in flagged[0].found and "IND-06, ALB" in flagged[0].found
    assert demo_store.meta(result.version_id)["summary"]["warnings"] >= 1


def test_a_falling_cumulative_target_is_a_warning_on_the_targets_row(demo_store: Store) -> None:
    # IND-06 ALB's cumulative targets rise each semester; a later one set below the earlier ones falls.
    # the 4th meeting met before the end; with no note saying why, it is no documented revision (issue 23)
    rows = [TARGETS, ["IND-06", "ALB", "2024NovS2", 1, 4, None]]
    result = ingest(xlsx_from_rows({"Targets": rows}), "targets.xlsx", ANA, demo_store, today=TODAY)
    flagged = [p for p in quality(result) if p.code == "quality-target_falls"]
    assert flagged and flagged[0].sheet == "Targets" and flagged[0].row == 2, quality(result)
    assert "cumulative target 1, down from" in flagged[0].found


def test_figures_the_upload_does_not_touch_are_not_flagged_again(demo_store: Store) -> None:
    ok = [["IND-01", "SRB", "2026NovS2", "total", 2, None, None, "late report", "registry"]]
    result = ingest(xlsx_from_rows({"Values": [VALUES, *ok]}), "serbia.xlsx", ANA, demo_store, today=TODAY)
    assert result.ok and not [p for p in quality(result) if "SRB" not in p.found], quality(result)
