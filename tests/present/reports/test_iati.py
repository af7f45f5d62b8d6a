"""The IATI 2.03 results file: valid against the schema copied into the project, codes from the codelists,
figures equal to the computed roll-up, and nothing hidden from donors."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

import pytest
from lxml import etree

from indicators.domain.periods import semester_from_id
from indicators.present.reports import ReportContent, build_report
from indicators.present.reports.iati import SCHEMA_DIR, InvalidIati, iati_bytes, schema_problems

SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "iati-schemas"
SCHEMA_FILES = ("iati-activities-schema.xsd", "iati-common.xsd", "xml.xsd", "LICENSE", "README.md")


def parsed(content: ReportContent) -> etree._Element:
    return etree.fromstring(iati_bytes(content))


@pytest.mark.parametrize("audience", ["manager", "donor"])
def test_validates_against_the_iati_203_schema_with_lxml(contents: dict[str, ReportContent], audience: str) -> None:
    data = build_report(contents[audience], "iati").data
    schema = etree.XMLSchema(etree.parse(str(SCHEMA_DIR / "iati-activities-schema.xsd")))
    schema.assertValid(etree.fromstring(data))
    assert etree.fromstring(data).get("version") == "2.03"


def test_schema_files_are_copied_unchanged_with_provenance_and_licence_pointer() -> None:
    for name in SCHEMA_FILES:
        assert (SCHEMA_DIR / name).is_file(), name
    assert "4c9ba1e84815f57a4ffab03fdbd551ae4c71d08c" in (SCHEMA_DIR / "README.md").read_text()
    assert "license" in (SCHEMA_DIR / "LICENSE").read_text().lower()
    if not SHARED.is_dir():
        pytest.skip("../shared/iati-schemas is not next to the project")
    for name in SCHEMA_FILES:
        ours, theirs = (SCHEMA_DIR / name).read_bytes(), (SHARED / name).read_bytes()
        assert hashlib.sha256(ours).digest() == hashlib.sha256(theirs).digest(), name


def test_codes_come_from_the_iati_codelists(contents: dict[str, ReportContent]) -> None:
    root = parsed(contents["manager"])
    assert {r.get("type") for r in root.iter("result")} == {"1", "2", "3"}  # output, outcome, impact
    assert {i.get("measure") for i in root.iter("indicator")} == {"1", "2", "5"}  # unit, percentage, qualitative
    assert {i.get("ascending") for i in root.iter("indicator")} <= {"0", "1", None}
    assert root.find(".//activity-status").get("code") == "2"
    assert {c.get("code") for c in root.iter("recipient-country")} == {"AL", "BA", "XK", "ME", "MK", "RS"}
    kosovo = [c for c in root.iter("recipient-country") if c.get("code") == "XK"][0]
    assert kosovo.findtext("narrative") == "Kosovo*"
    assert any("Resolution 1244" in (n.text or "") for n in root.iter("narrative"))


def _indicator(root: etree._Element, indicator_id: str) -> etree._Element:
    return next(i for i in root.iter("indicator") if i.find("reference").get("code") == indicator_id)


def _period(indicator: etree._Element, start: str) -> etree._Element:
    return next(p for p in indicator.iter("period") if p.find("period-start").get("iso-date") == start)


def test_period_figures_equal_the_computed_regional_rollup(contents: dict[str, ReportContent]) -> None:
    content = contents["manager"]
    root = parsed(content)
    rolled = content.rollup[content.rollup["semester"] == content.semester]
    checked = 0
    for row in rolled.itertuples():
        period = _period(_indicator(root, row.indicator_id), "2024-11-01")
        totals = [a for a in period.findall("actual") if a.find("dimension") is None]
        if row.actual == row.actual:  # not NaN
            assert float(totals[0].get("value")) == pytest.approx(row.actual, abs=0.005)
            checked += 1
        if row.target == row.target:
            assert float(period.find("target").get("value")) == pytest.approx(row.target, abs=0.005)
    assert checked >= 10


def test_sex_dimensions_add_up_to_the_actual(contents: dict[str, ReportContent]) -> None:
    root = parsed(contents["manager"])
    split = 0
    for period in root.iter("period"):
        actuals = period.findall("actual")
        by_sex = {
            a.find("dimension").get("value"): float(a.get("value")) for a in actuals if a.find("dimension") is not None
        }
        if by_sex:
            assert set(by_sex) == {"female", "male"}
            assert {d.get("name") for a in actuals for d in a.iter("dimension")} == {"sex"}
            total = next(float(a.get("value")) for a in actuals if a.find("dimension") is None)
            assert sum(by_sex.values()) == pytest.approx(total)
            split += 1
    assert split > 0


def test_donor_file_leaves_out_hidden_actuals_and_sensitive_sex_splits(contents: dict[str, ReportContent]) -> None:
    content = contents["donor"]
    root = parsed(content)
    hidden = content.rollup[content.rollup["suppressed"]]
    assert len(hidden), "the demo has hidden regional figures for donors"
    for row in hidden.itertuples():
        start = semester_from_id(row.semester).start.isoformat()
        period = _period(_indicator(root, row.indicator_id), start)
        assert period.find("actual") is None
    sensitive = set(content.indicators.loc[content.indicators["sensitive"].fillna(False).astype(bool), "indicator_id"])
    for indicator_id in sensitive:
        assert not list(_indicator(root, indicator_id).iter("dimension"))


def test_an_invalid_file_is_refused_before_it_is_offered() -> None:
    assert schema_problems(b"<iati-activities version='2.03'/>")  # an activity is required
    assert schema_problems(b"<not-xml")
    assert schema_problems(b'<iati-activities version="2.03"><iati-activity/></iati-activities>')


def test_text_from_the_workbook_is_escaped(contents: dict[str, ReportContent]) -> None:
    content = contents["manager"]
    titles = content.indicators.assign(
        title=content.indicators["title"].where(content.indicators["indicator_id"] != "IND-01", "<b>x</b> & ]]>")
    )
    root = parsed(replace(content, indicators=titles))
    assert _indicator(root, "IND-01").find("title/narrative").text == "<b>x</b> & ]]>"
    assert not list(root.iter("b"))


def test_invalid_iati_raises(monkeypatch: pytest.MonkeyPatch, contents: dict[str, ReportContent]) -> None:
    monkeypatch.setattr("indicators.present.reports.iati.schema_problems", lambda data: ["line 1: broken"])
    with pytest.raises(InvalidIati, match="broken"):
        iati_bytes(contents["manager"])
