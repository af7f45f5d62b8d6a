"""The programme's results as an IATI 2.03 activity file, validated against the IATI schema before it is offered.

One ``iati-activity`` (identifier and reporting organisation from the IATI_* settings) with a ``result`` per
result of the logframe that has indicators. Codes, checked against the IATI 2.03 codelists
(IATI/IATI-Codelists branch version-2.03 and IATI/IATI-Codelists-NonEmbedded):

- ``result/@type``: 3 Impact (the overall objective), 2 Outcome, 1 Output (ResultType);
- ``indicator/@measure``: 1 Unit (counts; milestones as 1 done / 0 not done), 2 Percentage, 5 Qualitative
  (IndicatorMeasure); ``@ascending`` 1 when higher is better, 0 when lower is better;
- ``indicator/reference/@vocabulary`` 99 Reporting Organisation, with the indicator's own id (IndicatorVocabulary);
- ``indicator/@aggregation-status`` 1 for counts (units that add up across activities), 0 for percentages,
  milestones and qualitative indicators;
- ``baseline/@year`` and ``@value`` (the programme's fixed baseline, the same in every semester's file; an
  indicator without a baseline figure has no ``baseline``); one ``period`` per semester up to the report's
  (``period-start`` and ``period-end`` as iso-dates) with the ``target`` in force and the ``actual``; a split by
  sex as ``dimension name="sex"`` under a further target-free ``actual`` for female and for male (the
  beneficiaries carried forward included, as in the roll-up);
- each period's comment says the coverage ("3 of 6 beneficiaries reported") and the regional status, with the
  like-for-like figure when not all reported; a figure not reported says so, and a figure hidden from donors
  says it is hidden, without the number (on the ``actual``, else on the ``target``); a qualitative indicator
  without a regional row has a period per semester with each beneficiary's text;
- ``activity-status`` 2 Implementation (ActivityStatus); ``activity-date`` 2 Actual start and 3 Planned end,
  the end of the semester of the end-of-action targets (ActivityDateType); ``participating-org/@role`` 1
  Funding and 4 Implementing (OrganisationRole); ``recipient-country`` AL BA XK ME MK RS (Country) with equal
  percentages adding up to 100; ``sector`` from the IATI_SECTORS setting with its ``@vocabulary``
  (SectorVocabulary; 1 OECD DAC CRS 5-digit: 15130 Legal and judicial development, which covers prisons);
  ``description/@type`` 1 General, 4 Other (DescriptionType); ``activity-scope`` 2 Regional (ActivityScope).

The file passes the IATI Standard Ruleset (IATI/IATI-Rulesets, ``rulesets/standard.json``, the rules the IATI
Validator runs) with no error: ``tests/present/reports/test_iati_rules.py`` applies them to every semester
for both audiences.

The figures are the programme-level ones the logframe prints: the regional roll-up ("All beneficiaries")
where the indicator is rolled up, else the regional (REG) row. For the donor audience they come from the
donor-safe frames: a hidden actual is left out (IATI data is public), with its comment and split by sex, and
the period says it is hidden.
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
from indicators.present.reports.content import ReportContent, in_its_language, percent_text

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
HIDDEN = N_(
    "The actual is hidden in this edition: a small sensitive count, or a figure that would reveal one (it was "
    "reported; the number is not published)."
)
NOT_REPORTED = N_("Not reported.")
NOT_REPORTED_COVERAGE = N_("Not reported: {coverage}.")
REGIONAL_STATUS = N_("{coverage}. Regional status: {status}.")
LIKE_FOR_LIKE = N_(
    "Like for like, the reporting beneficiaries against their own targets: target {target}, progress {progress}."
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


FIGURE_COLUMNS = [
    "indicator_id",
    "semester",
    "baseline",
    "target",
    "actual",
    "text",
    "comment",
    "coverage",
    "coverage_share",
    "status_label",
    "target_reporting",
    "progress_reporting",
    "suppressed",
]


def _figures(content: ReportContent) -> pd.DataFrame:
    """FIGURE_COLUMNS: the programme-level figure of every semester up to the report's (roll-up where there is
    one, else the REG row; for a qualitative indicator with neither, each beneficiary's text together)."""
    rolled = content.rollup.assign(text=pd.NA, comment=pd.NA)
    rolled = rolled.reindex(columns=FIGURE_COLUMNS)
    values = content.values
    reg = values[(values["beneficiary"] == "REG") & ~values["indicator_id"].isin(rolled["indicator_id"])]
    reg = reg.reindex(columns=FIGURE_COLUMNS)
    qualitative = set(content.indicators.loc[content.indicators["measure"] == "qualitative", "indicator_id"])
    done = set(rolled["indicator_id"]) | set(reg["indicator_id"])
    texts = values[values["indicator_id"].isin(qualitative - done) & values["reported"].astype(bool)]
    rows = []
    for (indicator_id, semester), group in texts.groupby(["indicator_id", "semester"], sort=False):
        group = group.assign(_o=group["beneficiary"].map(_beneficiary_rank)).sort_values("_o")
        said = [f"{beneficiary_name(b)}: {t}" for b, t in zip(group["beneficiary"], group["text"], strict=True)]
        rows.append({"indicator_id": indicator_id, "semester": semester, "text": " ".join(said)})
    by_beneficiary = pd.DataFrame(rows, columns=FIGURE_COLUMNS)
    frames = [f for f in (rolled, reg, by_beneficiary) if len(f)]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=FIGURE_COLUMNS)


def _beneficiary_rank(code: object) -> int:
    order = list(BENEFICIARY_NAMES)
    return order.index(code) if code in order else len(order)


def planned_end(content: ReportContent) -> str:
    """The planned end date: the end of the latest semester of the end-of-action targets (else of the last
    semester of the programme), as an iso-date."""
    ends = content.values["end_semester"].dropna().astype(str).unique()
    semesters = [semester_from_id(s) for s in ends] or [semester_from_id(content.last_semester)]
    return max(semesters, key=lambda s: s.index).end.isoformat()


def sectors() -> list[dict[str, str]]:
    """The activity's sectors from IATI_SECTORS ("vocabulary:code" or "vocabulary:code:percentage", separated by
    semicolons), as the attributes of each ``sector``."""
    found = []
    for part in setting("IATI_SECTORS").split(";"):
        pieces = [p.strip() for p in part.split(":")]
        if pieces == [""]:
            continue
        if len(pieces) not in (2, 3) or not all(pieces):
            raise InvalidIati(
                _("IATI_SECTORS is {value}: write vocabulary:code pairs separated by semicolons, e.g. 1:15130.").format(
                    value=setting("IATI_SECTORS")
                )
            )
        attrs = {"vocabulary": pieces[0], "code": pieces[1]}
        if len(pieces) == 3:
            attrs["percentage"] = pieces[2]
        found.append(attrs)
    return found


def country_shares(count: int) -> list[str]:
    """Equal percentages of ``count`` recipient countries, to two decimals, adding up to exactly 100."""
    if count <= 0:
        return []
    cents = [10000 // count] * count
    for i in range(10000 - sum(cents)):
        cents[i] += 1
    return [f"{c / 100:.2f}" for c in cents]


def _sex_actuals(content: ReportContent, indicator_id: str, semester: str, cumulative: bool) -> dict[str, float]:
    """Female and male figures that add up to the period's actual, over the beneficiaries the roll-up counts
    (those with a target in force that reported or whose running total is carried forward); empty when there is
    no split to give."""
    split = content.sex_split[content.sex_split["indicator_id"] == indicator_id]
    if split.empty:
        return {}
    rows = content.values[(content.values["indicator_id"] == indicator_id) & (content.values["semester"] == semester)]
    carried = rows["carried"].astype("boolean").fillna(False).astype(bool) if "carried" in rows else False
    counted = rows[rows["beneficiary"].isin(COUNTRY_CODES) & (rows["reported"].astype(bool) | carried)]
    due = counted["target"].notna()
    counted = counted[due] if due.any() else counted[counted["reported"].astype(bool)]
    limit = semester_from_id(semester).index
    order = split["semester"].map(lambda s: semester_from_id(s).index)
    window = split[(order <= limit) if cumulative else (split["semester"] == semester)]
    window = window[window["beneficiary"].isin(counted["beneficiary"])]
    return {sex: float(window.loc[window["sex"] == sex, "value"].astype(float).sum()) for sex in ("female", "male")}


def _present_text(value: object) -> bool:
    return _present(value) and bool(str(value).strip())


def _said(parent: etree._Element, data: object, composed: str) -> None:
    """A ``comment`` under ``parent``: the workbook's comment (data, unmarked) and the pack's sentence (in the
    report's language); one narrative when both are in the activity's language."""
    lang = _composed()
    comment = etree.SubElement(parent, "comment")
    parts = [str(data).strip()] if _present_text(data) else []
    if lang is None:
        narrative = etree.SubElement(comment, "narrative")
        narrative.text = " ".join([*(p if p.endswith(".") else p + "." for p in parts), composed]).strip()
        return
    for text, language in ((" ".join(parts), None), (composed, lang)):
        if text:
            narrative = etree.SubElement(comment, "narrative")
            narrative.text = text
            if language:
                narrative.set(XML_LANG, language)


def _regional_sentence(row: pd.Series, info: pd.Series) -> str:
    """Coverage and regional status of a roll-up row, with the like-for-like figure when not all reported."""
    if not _present_text(row["coverage"]):
        return ""
    sentence = _(REGIONAL_STATUS).format(coverage=row["coverage"], status=row["status_label"])
    share, target = row["coverage_share"], row["target_reporting"]
    if _present(share) and float(share) < 1 and _present(target) and _present(row["progress_reporting"]):
        unit = "%" if info["measure"] == "percentage" else ""
        sentence += " " + _(LIKE_FOR_LIKE).format(
            target=_value(target) + unit, progress=percent_text(row["progress_reporting"])
        )
    return sentence


def _period(indicator: etree._Element, content: ReportContent, row: pd.Series, info: pd.Series) -> None:
    semester = semester_from_id(str(row["semester"]))
    period = etree.SubElement(indicator, "period")
    etree.SubElement(period, "period-start", **{"iso-date": semester.start.isoformat()})
    etree.SubElement(period, "period-end", **{"iso-date": semester.end.isoformat()})
    target = etree.SubElement(period, "target", value=_value(row["target"])) if _present(row["target"]) else None
    qualitative = info["measure"] == "qualitative"
    if qualitative and _present(row["text"]):
        actual = etree.SubElement(period, "actual")
        _narrative(actual, "comment", str(row["text"]))
        return
    regional = _regional_sentence(row, info)
    if not qualitative and _present(row["actual"]):
        actual = etree.SubElement(period, "actual", value=_value(row["actual"]))
        if _present_text(row["comment"]) or regional:
            _said(actual, row["comment"], regional)
        if str(info["disaggregation"]) == "sex":
            sexes = _sex_actuals(content, str(info.name), str(row["semester"]), bool(info["cumulative"]))
            if sexes and abs(sum(sexes.values()) - float(row["actual"])) < 0.005:
                for sex, value in sexes.items():
                    split = etree.SubElement(period, "actual", value=_value(value))
                    etree.SubElement(split, "dimension", name="sex", value=sex)
        return
    if target is None:
        return
    hidden = content.donor and bool(row["suppressed"]) if _present(row["suppressed"]) else False
    if hidden:
        _said(target, None, _(HIDDEN))
    elif _present_text(row["coverage"]) and not qualitative:
        _said(target, None, _(NOT_REPORTED_COVERAGE).format(coverage=row["coverage"]))
    else:
        _said(target, None, _(NOT_REPORTED))


def _indicator(result: etree._Element, content: ReportContent, info: pd.Series, figures: pd.DataFrame) -> None:
    attrs = {"measure": MEASURES.get(str(info["measure"]), "1")}
    if info["measure"] != "qualitative":
        attrs["ascending"] = "0" if str(info["direction"]) == "decrease" else "1"
    attrs["aggregation-status"] = "1" if info["measure"] == "count" else "0"
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
    years = content.values.loc[content.values["indicator_id"] == info.name, "baseline_year"].dropna()
    baselines = mine["baseline"].dropna()  # the programme's, fixed: the same in every semester
    baseline = baselines.iloc[0] if len(baselines) else None
    if baseline is None and str(info["aggregation"]) == "count_meeting_target" and len(mine):
        baseline = 0.0  # no beneficiary meets its target at the start: counts as 0
    if len(years) and info["measure"] != "qualitative" and baseline is not None:
        etree.SubElement(indicator, "baseline", year=str(int(years.max())), value=_value(baseline))
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
    etree.SubElement(activity, "activity-date", type="3", **{"iso-date": planned_end(c)})
    etree.SubElement(activity, "activity-scope", code="2")
    shares = country_shares(len(IATI_COUNTRIES))
    for (code, iati_code), share in zip(IATI_COUNTRIES.items(), shares, strict=True):
        _narrative(
            activity,
            "recipient-country",
            beneficiary_name(code),
            _composed(BENEFICIARY_NAMES[code]),
            code=iati_code,
            percentage=share,
        )
    for attrs in sectors():
        etree.SubElement(activity, "sector", **attrs)
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
