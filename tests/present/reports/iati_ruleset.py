"""The IATI Standard Ruleset (``iati_rules/standard.json``, IATI/IATI-Rulesets branch version-2.03, the rules the
IATI Validator runs) applied to an IATI activity file, in Python, as its specification (SPEC.rst of that
repository) states each rule; and the codelist check of every coded value (``iati_rules/mapping.xml``).

Readings where the specification leaves a choice, each the stricter or the XPath one:
- ``condition``, ``if`` and ``then`` are XPath expressions read as XPath's boolean() reads them (a node-set is
  true when it is not empty);
- ``idCondition`` (NOT_EXISTING_ORG_ID, NOT_EXISTING_ORG_ID_PREFIX) asks the IATI Registry's list of publishers,
  which this offline test does not have: every identifier counts as not registered, so those rules always
  apply;
- the ORG-ID-PREFIX list of ``startswith`` is the OrganisationRegistrationAgency codelist
  (``codelists/OrganisationRegistrationAgency.codes.txt``);
- a rule name the specification does not list for activities fails the test (a newer ruleset is read again
  before it is trusted).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from lxml import etree

RULES_DIR = Path(__file__).parent / "iati_rules"
NS = {"xml": "http://www.w3.org/XML/1998/namespace"}


@dataclass(frozen=True)
class Finding:
    """A rule a file breaks: the rule's id and severity, its message, and where (the context's line)."""

    rule_id: str
    severity: str
    message: str
    line: int | None

    def __str__(self) -> str:
        return f"{self.severity} {self.rule_id} (line {self.line}): {self.message}"


@lru_cache(maxsize=1)
def standard_ruleset() -> dict:
    return json.loads((RULES_DIR / "standard.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def org_id_prefixes() -> frozenset[str]:
    return frozenset((RULES_DIR / "codelists" / "OrganisationRegistrationAgency.codes.txt").read_text().split())


def _xpath(node: etree._Element, expression: str) -> object:
    return node.xpath(expression, namespaces=NS)


def _truthy(found: object) -> bool:
    if isinstance(found, list):
        return len(found) > 0
    if isinstance(found, float):
        return found == found and found != 0  # NaN is false
    return bool(found)


def _text(found: object) -> str:
    if isinstance(found, etree._Element):
        return "".join(found.itertext())
    return str(found)


def _matches(node: etree._Element, paths: list[str]) -> list[object]:
    out: list[object] = []
    for path in paths:
        found = _xpath(node, path)
        out.extend(found if isinstance(found, list) else [found])
    return out


def _date(node: etree._Element, path: str) -> dt.datetime | None:
    if path == "NOW":
        return dt.datetime.now(dt.UTC)
    found = _xpath(node, path)
    if not isinstance(found, list) or not found:
        return None
    text = _text(found[0]).strip()
    try:
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _one_or_all(node: etree._Element, case: dict) -> bool:
    if _xpath(node, case["one"]):
        return True
    every = {
        "lang": ("descendant::narrative", "@xml:lang"),
        "sector": ("transaction", "sector"),
        "recipient-country|recipient-region": ("transaction", "recipient-country|recipient-region"),
        "currency": ("descendant::value | descendant::forecast | descendant::loan-status", "@currency"),
    }
    if case["all"] not in every:
        raise NotImplementedError(f"one_or_all with all={case['all']!r}")
    each, needs = every[case["all"]]
    return all(_xpath(found, needs) for found in _xpath(node, each))


def _passes(rule: str, node: etree._Element, case: dict) -> bool | None:
    """Whether ``node`` passes one case of a rule; None when the rule does not apply."""
    if "condition" in case and not _truthy(_xpath(node, case["condition"])):
        return None
    texts = [_text(m) for m in _matches(node, case.get("paths", []))]
    if rule == "atleast_one":
        return len(texts) >= 1
    if rule == "no_more_than_one":
        return len(texts) <= 1
    if rule == "unique":
        return len(texts) == len(set(texts))
    if rule == "one_or_all":
        return _one_or_all(node, case)
    if rule in ("date_order", "date_now", "time_limit", "between_dates"):
        dates = {k: _date(node, case[k]) for k in ("less", "more", "date", "start", "end") if k in case}
        if any(d is None for d in dates.values()):
            return None  # a date not found: the rule is ignored
        if rule == "date_order":
            return dates["less"] <= dates["more"]
        if rule == "date_now":
            return dates["date"] <= dt.datetime.now(dt.UTC)
        if rule == "time_limit":
            return (dates["end"] - dates["start"]).days <= 365
        return dates["start"] <= dates["date"] <= dates["end"]
    if rule in ("regex_matches", "regex_no_matches"):
        wanted = rule == "regex_matches"
        return all(t == "" or (re.search(case["regex"], t) is not None) == wanted for t in texts)
    if rule == "startswith":
        if case["prefix"] == ["ORG-ID-PREFIX"]:
            return all("-".join(t.split("-")[:2]) in org_id_prefixes() for t in texts)
        starts = [_text(m) + case.get("separator", "") for m in _matches(node, case["prefix"])]
        return all(any(t.startswith(s) for s in starts) for t in texts)
    if rule == "if_then":
        return not _truthy(_xpath(node, case["if"])) or _truthy(_xpath(node, case["then"]))
    if rule == "range":
        return all(case.get("min", float(t)) <= float(t) <= case.get("max", float(t)) for t in texts)
    if rule in ("strict_sum", "sum"):
        if rule == "sum" and not texts:
            return True
        return round(sum(float(t) for t in texts), 4) == float(case["sum"])
    if rule == "no_spaces":
        return all(t == t.strip() for t in texts)
    raise NotImplementedError(f"rule {rule!r} is not in the ruleset specification this test implements")


def _cases(rule: str, node: etree._Element, case: dict) -> list[tuple[str, dict]]:
    """The (rule, case) pairs a case stands for: a loop's ``do`` cases once per distinct ``foreach`` value."""
    if rule != "loop":
        return [(rule, case)]
    values = list(dict.fromkeys(_text(v) for v in _matches(node, [case["foreach"]])))
    out = []
    for inner, body in case["do"].items():
        for inner_case in body["cases"]:
            for value in values:
                done = dict(inner_case)
                for key in case.get("subs", []):
                    if isinstance(done.get(key), str):
                        done[key] = done[key].replace("$1", value)
                    elif isinstance(done.get(key), list):
                        done[key] = [p.replace("$1", value) for p in done[key]]
                out.append((inner, done))
    return out


def ruleset_findings(data: bytes, ruleset: dict | None = None) -> list[Finding]:
    """Every case of the ruleset the file breaks (errors and warnings)."""
    root = etree.fromstring(data)
    tree = root.getroottree()
    findings = []
    for context, rules in (ruleset or standard_ruleset()).items():
        for node in tree.xpath(context, namespaces=NS):
            for rule, body in rules.items():
                for case in body["cases"]:
                    for name, one in _cases(rule, node, case):
                        if _passes(name, node, one) is False:
                            info = one.get("ruleInfo", {})
                            findings.append(
                                Finding(info.get("id", name), info.get("severity", "error"), info.get("message", ""),
                                        node.sourceline)
                            )  # fmt: skip
    return findings


@cache
def codelist(name: str) -> frozenset[str] | None:
    """The codes of a codelist kept in ``iati_rules/codelists`` (None when it is not kept)."""
    folder = RULES_DIR / "codelists"
    if (folder / f"{name}.codes.txt").is_file():
        return frozenset((folder / f"{name}.codes.txt").read_text().split())
    if (folder / f"{name}.xml").is_file():
        tree = etree.parse(str(folder / f"{name}.xml"))
        return frozenset(c.text.strip() for c in tree.iter("code") if c.text)
    return None


def codelist_findings(data: bytes) -> list[str]:
    """Every coded value of the file that is not in its codelist (by IATI-Codelists' mapping.xml), and every
    codelist the file uses that is not kept as test data."""
    root = etree.fromstring(data)
    mapping = etree.parse(str(RULES_DIR / "mapping.xml"))
    problems = []
    for entry in mapping.iter("mapping"):
        path, name = entry.findtext("path"), entry.find("codelist").get("ref")
        condition = entry.findtext("condition")
        attribute = path.rsplit("/@", 1)
        if len(attribute) == 2:  # judge the condition on the element that holds the attribute
            elements = root.xpath(attribute[0], namespaces=NS)
            if condition:
                elements = [e for e in elements if _truthy(e.xpath(condition, namespaces=NS))]
            values = [e.get(_attribute_name(attribute[1])) for e in elements]
            values = [v for v in values if v is not None]
        else:
            values = [_text(v).strip() for v in root.xpath(path, namespaces=NS)]
        if not values:
            continue
        codes = codelist(name)
        if codes is None:
            problems.append(f"{path}: codelist {name} is not kept in tests/present/reports/iati_rules/codelists")
            continue
        problems += [f"{path}: {v!r} is not in {name}" for v in sorted(set(values)) if v not in codes]
    return problems


def _attribute_name(name: str) -> str:
    return "{http://www.w3.org/XML/1998/namespace}lang" if name == "xml:lang" else name
