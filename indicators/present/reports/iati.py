"""The programme's results as an IATI 2.03 activity file, validated against the IATI schema before it is offered.

One ``iati-activity`` (identifier and reporting organisation from the IATI_* settings) with a ``result`` per
result of the logframe that has indicators. Codes, checked against the IATI 2.03 codelists
(IATI/IATI-Codelists branch version-2.03 and IATI/IATI-Codelists-NonEmbedded):

- ``result/@type``: 3 Impact (the overall objective), 2 Outcome, 1 Output (ResultType);
- ``indicator/@measure``: 1 Unit (counts; milestones as 1 done / 0 not done), 2 Percentage, 5 Qualitative
  (IndicatorMeasure); ``@ascending`` 1 when higher is better, 0 when lower is better;
- ``indicator/reference/@vocabulary`` 99 Reporting Organisation, with the indicator's own id (IndicatorVocabulary);
- ``baseline/@year`` and ``@value``; one ``period`` per semester up to the report's (``period-start`` and
  ``period-end`` as iso-dates) with the ``target`` in force and the ``actual``; a split by sex as
  ``dimension name="sex"`` under a further target-free ``actual`` for female and for male;
- ``activity-status`` 2 Implementation (ActivityStatus); ``activity-date`` 2 Actual start and 3 Planned end
  (ActivityDateType); ``participating-org/@role`` 1 Funding and 4 Implementing (OrganisationRole);
  ``recipient-country`` AL BA XK ME MK RS (Country); ``description/@type`` 1 General, 4 Other (DescriptionType);
  ``activity-scope`` 2 Regional (ActivityScope).

The figures are the programme-level ones the logframe prints: the regional roll-up ("All beneficiaries")
where the indicator is rolled up, else the regional (REG) row. For the donor audience they come from the
donor-safe frames: a hidden actual is left out (IATI data is public), with its comment and split by sex.
The schema files are in ``iati_schema/`` (copied unchanged from IATI/IATI-Schemas, see its README).

Languages: the activity's default language (``xml:lang``) is English, the language the workbook's data is
written in. The narratives the pack writes itself (descriptions, the Kosovo* footnote, the organisations' and
beneficiaries' names, the "Unit:" of a description) are in the report's language; in a report in another
language than English each of them carries ``xml:lang`` of its own language (a text the catalogue does not
translate stays English and unmarked). Titles and comments from the workbook are data and are never marked.
"""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path

import pandas as pd
from lxml import etree

from indicators.domain import i18n
from indicators.domain.i18n import N_, _
from indicators.domain.periods import semester_from_id
from indicators.domain.problems import ProjectError
from indicators.domain.reference import (
    BENEFICIARY_NAMES,
    COUNTRY_CODES,
    KOSOVO_FOOTNOTE,
    PROGRAMME_TITLE,
    beneficiary_name,
)
from indicators.domain.settings import setting
from indicators.present.reports.content import ReportContent, in_its_language

SCHEMA_DIR = Path(__file__).parent / "iati_schema"
RESULT_TYPES = {"objective": "3", "outcome": "2", "output": "1"}
MEASURES = {"count": "1", "milestone": "1", "percentage": "2", "qualitative": "5"}
IATI_COUNTRIES = {"ALB": "AL", "BIH": "BA", "XKX": "XK", "MNE": "ME", "MKD": "MK", "SRB": "RS"}
DATA_LANGUAGE = "en"  # the activity's default language: that of the workbook's titles and comments
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
DESCRIPTION = N_(
    "Regional Action of the Horizontal Facility for the Western Balkans and Türkiye, Phase III, co-funded by the "
    "European Union and the Council of Europe."
)
EUROPEAN_UNION = N_("European Union")
COUNCIL_OF_EUROPE = N_("Council of Europe")


class InvalidIati(ProjectError):
    """The IATI file does not validate against the schema; ``str(error)`` lists the first problems."""


@lru_cache(maxsize=1)
def activity_schema() -> etree.XMLSchema:
    """The IATI 2.03 activity schema (read once; it imports iati-common.xsd and xml.xsd beside it)."""
    return etree.XMLSchema(etree.parse(str(SCHEMA_DIR / "iati-activities-schema.xsd")))


def schema_problems(data: bytes) -> list[str]:
    """Every way the file breaks the IATI 2.03 activity schema (empty when it is valid)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        doc = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        return [_("not well-formed XML: {error}").format(error=error)]
    schema = activity_schema()
    if schema.validate(doc):
        return []
    return [_("line {line}: {message}").format(line=e.line, message=e.message) for e in schema.error_log]


def _value(number: object) -> str:
    """A figure as IATI carries it: whole numbers without decimals, others to at most 2 decimals."""
    value = float(number)  # type: ignore[arg-type]
    if value == round(value):
        return str(int(round(value)))
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _present(value: object) -> bool:
    return value is not None and not pd.isna(value) and not (isinstance(value, float) and math.isnan(value))


def _narrative(parent: etree._Element, tag: str, text: str, lang: str | None = None, **attrs: str) -> etree._Element:
    """An element with one narrative (data unless ``lang`` names its language: see ``_composed``)."""
    element = etree.SubElement(parent, tag, **attrs)
    narrative = etree.SubElement(element, "narrative")
    narrative.text = text  # lxml escapes: workbook text stays text
    if lang:
        narrative.set(XML_LANG, lang)
    return element


def _composed(english: str | None = None) -> str | None:
    """The ``xml:lang`` of a narrative the pack writes in the report's language: none when that is the
    activity's default (English), or when the text is a catalogue message left in English (``english``)."""
    language = i18n.language()
    if language == DATA_LANGUAGE or (english is not None and _(english) == english):
        return None
    return language


def _figures(content: ReportContent) -> pd.DataFrame:
    """indicator_id, semester, baseline, target, actual, text, comment: the programme-level figure of every
    semester up to the report's (roll-up where there is one, else the REG row)."""
    rolled = content.rollup.assign(text=pd.NA, comment=pd.NA)
    rolled = rolled[["indicator_id", "semester", "baseline", "target", "actual", "text", "comment"]]
    reg = content.values[
        (content.values["beneficiary"] == "REG") & ~content.values["indicator_id"].isin(rolled["indicator_id"])
    ]
    reg = reg[["indicator_id", "semester", "baseline", "target", "actual", "text", "comment"]]
    return pd.concat([rolled, reg], ignore_index=True)


def _sex_actuals(content: ReportContent, indicator_id: str, semester: str, cumulative: bool) -> dict[str, float]:
    """Female and male figures that add up to the period's actual, over the beneficiaries the roll-up counts
    (those with a target in force that reported); empty when there is no split to give."""
    split = content.sex_split[content.sex_split["indicator_id"] == indicator_id]
    if split.empty:
        return {}
    rows = content.values[(content.values["indicator_id"] == indicator_id) & (content.values["semester"] == semester)]
    counted = rows[rows["beneficiary"].isin(COUNTRY_CODES) & rows["reported"]]
    due = counted["target"].notna()
    counted = counted[due] if due.any() else counted
    limit = semester_from_id(semester).index
    order = split["semester"].map(lambda s: semester_from_id(s).index)
    window = split[(order <= limit) if cumulative else (split["semester"] == semester)]
    window = window[window["beneficiary"].isin(counted["beneficiary"])]
    return {sex: float(window.loc[window["sex"] == sex, "value"].astype(float).sum()) for sex in ("female", "male")}


def _period(indicator: etree._Element, content: ReportContent, row: pd.Series, info: pd.Series) -> None:
    semester = semester_from_id(str(row["semester"]))
    period = etree.SubElement(indicator, "period")
    etree.SubElement(period, "period-start", **{"iso-date": semester.start.isoformat()})
    etree.SubElement(period, "period-end", **{"iso-date": semester.end.isoformat()})
    if _present(row["target"]):
        etree.SubElement(period, "target", value=_value(row["target"]))
    qualitative = info["measure"] == "qualitative"
    if qualitative and _present(row["text"]):
        actual = etree.SubElement(period, "actual")
        _narrative(actual, "comment", str(row["text"]))
    elif not qualitative and _present(row["actual"]):
        actual = etree.SubElement(period, "actual", value=_value(row["actual"]))
        if _present(row["comment"]) and str(row["comment"]).strip():
            _narrative(actual, "comment", str(row["comment"]))
        if str(info["disaggregation"]) == "sex":
            sexes = _sex_actuals(content, str(info.name), str(row["semester"]), bool(info["cumulative"]))
            if sexes and abs(sum(sexes.values()) - float(row["actual"])) < 0.005:
                for sex, value in sexes.items():
                    split = etree.SubElement(period, "actual", value=_value(value))
                    etree.SubElement(split, "dimension", name="sex", value=sex)


def _indicator(result: etree._Element, content: ReportContent, info: pd.Series, figures: pd.DataFrame) -> None:
    attrs = {"measure": MEASURES.get(str(info["measure"]), "1")}
    if info["measure"] != "qualitative":
        attrs["ascending"] = "0" if str(info["direction"]) == "decrease" else "1"
    indicator = etree.SubElement(result, "indicator", **attrs)
    _narrative(indicator, "title", str(info["title"]))
    definition = "" if pd.isna(info["definition"]) else str(info["definition"])
    unit = "" if pd.isna(info["unit"]) else str(info["unit"])
    unit_text = _("Unit: {unit}.").format(unit=unit) if unit else ""
    described = " ".join(part for part in (unit_text, definition) if part)
    if described:
        _narrative(indicator, "description", described)
    etree.SubElement(indicator, "reference", vocabulary="99", code=str(info.name))
    mine = figures[figures["indicator_id"] == info.name]
    mine = mine.assign(_o=mine["semester"].map(lambda s: semester_from_id(s).index)).sort_values("_o")
    now = mine[mine["semester"] == content.semester]
    years = content.values.loc[content.values["indicator_id"] == info.name, "baseline_year"].dropna()
    if len(now) and len(years) and info["measure"] != "qualitative":
        baseline = now["baseline"].iloc[0]
        attrs = {"year": str(int(years.max()))}
        if _present(baseline):
            attrs["value"] = _value(baseline)
        etree.SubElement(indicator, "baseline", **attrs)
    for _index, row in mine.iterrows():
        if _present(row["target"]) or _present(row["actual"]) or _present(row["text"]):
            _period(indicator, content, row, info)


@in_its_language
def iati_bytes(content: ReportContent) -> bytes:
    """The IATI 2.03 activity XML of the report's results, validated; raises InvalidIati when it is not valid.
    The narratives the pack writes are in the report's language, marked with it (see the module docstring)."""
    c = content
    org_ref = setting("IATI_REPORTING_ORG")
    activity_id = setting("IATI_ACTIVITY_ID") or f"{org_ref}-HFIII-VEPRISONS"
    generated = c.generated_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    root = etree.Element("iati-activities", version="2.03", **{"generated-datetime": generated})
    activity = etree.SubElement(
        root,
        "iati-activity",
        **{"last-updated-datetime": generated, XML_LANG: DATA_LANGUAGE},
    )
    etree.SubElement(activity, "iati-identifier").text = activity_id
    _narrative(
        activity,
        "reporting-org",
        setting("IATI_REPORTING_ORG_NAME"),
        ref=org_ref,
        type=setting("IATI_REPORTING_ORG_TYPE"),
    )
    _narrative(activity, "title", c.programme_title, _composed(PROGRAMME_TITLE))
    _narrative(activity, "description", _(DESCRIPTION), _composed(DESCRIPTION), type="1")
    stamp = _("Results up to {semester} ({id}) from {stamp}.").format(semester=c.label, id=c.semester, stamp=c.stamp)
    if c.illustrative_notice:
        stamp += " " + c.illustrative_notice
    if c.donor:
        stamp += " " + _(
            "Sensitive counts from 1 to {largest}, and figures that would give them away, are left out."
        ).format(largest=c.suppress_below - 1)
    _narrative(activity, "description", stamp, _composed(), type="4")
    _narrative(activity, "description", c.footnote, _composed(KOSOVO_FOOTNOTE), type="4")
    _narrative(activity, "participating-org", _(EUROPEAN_UNION), _composed(EUROPEAN_UNION), role="1")
    _narrative(activity, "participating-org", _(COUNCIL_OF_EUROPE), _composed(COUNCIL_OF_EUROPE), role="1")
    _narrative(activity, "participating-org", _(COUNCIL_OF_EUROPE), _composed(COUNCIL_OF_EUROPE), role="4")
    etree.SubElement(activity, "activity-status", code="2")
    etree.SubElement(
        activity, "activity-date", type="2", **{"iso-date": semester_from_id(c.first_semester).start.isoformat()}
    )
    etree.SubElement(
        activity, "activity-date", type="3", **{"iso-date": semester_from_id(c.last_semester).end.isoformat()}
    )
    etree.SubElement(activity, "activity-scope", code="2")
    for code, iati_code in IATI_COUNTRIES.items():
        _narrative(
            activity, "recipient-country", beneficiary_name(code), _composed(BENEFICIARY_NAMES[code]), code=iati_code
        )
    figures = _figures(c)
    indicators = c.indicators.drop_duplicates("indicator_id").set_index("indicator_id")
    results = c.results.assign(_o=c.results["level"].map({"objective": 0, "outcome": 1, "output": 2}))
    for _index, res in results.sort_values(["_o", "result_id"], kind="stable").iterrows():
        mine = indicators[indicators["result_id"] == res["result_id"]]
        if mine.empty:
            continue
        result = etree.SubElement(activity, "result", type=RESULT_TYPES.get(str(res["level"]), "1"))
        _narrative(result, "title", f"{res['result_id']}: {res['title']}")
        for _index, info in mine.iterrows():
            _indicator(result, c, info, figures)
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    problems = schema_problems(data)
    if problems:
        raise InvalidIati(
            _("The IATI file does not validate against the IATI 2.03 schema: {problems}").format(
                problems="; ".join(problems[:5])
            )
        )
    return data
