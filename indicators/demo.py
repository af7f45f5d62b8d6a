"""An illustrative monitoring programme, reproducible from a seed, for the demo workbook and for tests.

The results chain follows the themes of the Regional Action (risk assessment and management of violent
extremist prisoners, staff training, rehabilitation and disengagement, pre-release and exit programmes,
post-penal support, regional exchange), but every figure, activity and most meetings are invented. Only
the 2nd and 4th Steering Committee meetings are taken from the Council of Europe's news releases.

The data is deliberately untidy, as real monitoring data is: late and missing reports, postponed and
cancelled activities, one beneficiary falling behind and revised targets.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

import pandas as pd

from indicators.domain import reference as ref
from indicators.domain import schema
from indicators.domain.periods import Semester, semester_from_id, semester_range
from indicators.domain.schema import Programme

DEMO_ANCHOR = 11
FIRST_SEMESTER = semester_from_id("2023NovS2", DEMO_ANCHOR)  # May - Oct 2023, adopted by the 1st meeting
LAST_SEMESTER = semester_from_id("2026NovS2", DEMO_ANCHOR)  # May - Oct 2026, end of the action's targets
REPORTED_SEMESTERS: tuple[Semester, ...] = tuple(semester_range(FIRST_SEMESTER, LAST_SEMESTER))
NEXT_SEMESTER = LAST_SEMESTER.next()  # Nov 2026 - Apr 2027, adopted by the 8th meeting
WORKPLAN_SEMESTERS: tuple[Semester, ...] = (*REPORTED_SEMESTERS, NEXT_SEMESTER)
BASELINE_YEAR = 2023

# Relative size of each beneficiary's prison system, to keep invented figures in plausible proportion.
SIZE: dict[str, float] = {"ALB": 1.2, "BIH": 1.3, "XKX": 0.9, "MNE": 0.6, "MKD": 1.0, "SRB": 1.6, "REG": 1.0}
# Invented numbers of violent extremist prisoners (VEPs) held, used as denominators.
VEPS_HELD: dict[str, int] = {"ALB": 24, "BIH": 31, "XKX": 36, "MNE": 9, "MKD": 22, "SRB": 27}

NEWS_SOURCE_2 = (
    "Council of Europe news release “Good coordination is essential for success of joint efforts to prevent "
    "and address radicalisation and violent extremism” (2nd Steering Committee, Skopje, 17 October 2023)"
)
NEWS_SOURCE_4 = (
    "Council of Europe news release “Commitment to cooperation is essential for success in preventing "
    "radicalisation and countering violent extremism in prisons in the Western Balkans” (4th Steering "
    "Committee, Podgorica, 30 October 2024)"
)

# (number, date, place, illustrative, source); meeting n adopts the n-th work-plan semester.
MEETINGS: tuple[tuple[int, dt.date, str, bool, str], ...] = (
    (1, dt.date(2023, 4, 26), "Tirana", True, "illustrative"),
    (2, dt.date(2023, 10, 17), "Skopje", False, NEWS_SOURCE_2),
    (3, dt.date(2024, 4, 23), "Belgrade", True, "illustrative"),
    (4, dt.date(2024, 10, 30), "Podgorica", False, NEWS_SOURCE_4),
    (5, dt.date(2025, 4, 15), "Sarajevo", True, "illustrative"),
    (6, dt.date(2025, 10, 21), "Online (videoconference)", True, "illustrative"),
    (7, dt.date(2026, 4, 22), "Tirana", True, "illustrative"),
    (8, dt.date(2026, 10, 20), "Skopje", True, "illustrative"),
)

RESULTS: tuple[tuple[str, str, str | None, str], ...] = (
    (
        "OBJ",
        "objective",
        None,
        "Violent extremism in prisons is managed more effectively and further radicalisation "
        "after release is prevented in the Western Balkans",
    ),
    (
        "OC1",
        "outcome",
        "OBJ",
        "Prison and probation services assess and manage the risks and needs of violent "
        "extremist prisoners (VEPs) in line with European standards",
    ),
    ("OP1.1", "output", "OC1", "Risk and needs assessment tools for VEPs are adapted and introduced"),
    ("OP1.2", "output", "OC1", "Prison and probation staff are trained to manage VEPs and recognise radicalisation"),
    ("OP1.3", "output", "OC1", "Dynamic security and information management procedures in prisons are improved"),
    (
        "OC2",
        "outcome",
        "OBJ",
        "Rehabilitation, disengagement and pre-release programmes prepare VEPs for a safe return to the community",
    ),
    ("OP2.1", "output", "OC2", "Rehabilitation and disengagement programmes for VEPs are developed and piloted"),
    ("OP2.2", "output", "OC2", "Pre-release and exit programmes for VEPs are in place"),
    ("OP2.3", "output", "OC2", "Post-penal support is organised through multi-agency cooperation"),
    (
        "OC3",
        "outcome",
        "OBJ",
        "Regional cooperation and exchange of practice on managing violent extremism in prisons are strengthened",
    ),
    ("OP3.1", "output", "OC3", "Prison and probation administrations exchange practice regionally"),
    ("OP3.2", "output", "OC3", "Regional knowledge products on managing VEPs are shared with practitioners"),
)


@dataclass(frozen=True)
class IndicatorSpec:
    """An invented indicator and how its figures are generated."""

    indicator_id: str
    result_id: str
    title: str
    unit: str
    measure: str
    direction: str = "increase"
    cumulative: bool = False
    aggregation: str = "sum"
    sensitive: bool = False
    sex: bool = False
    regional: bool = False
    source: str = "Semester report of the prison administration"
    baseline: float = 0.0  # per unit of size for counts; a percentage for percentages
    end: float = 0.0  # end-of-action target: per unit of size (counts; per semester when cumulative) or percent
    female_share: float = 0.0
    due: int = 0  # milestones: index of the reported semester the milestone is due in
    denominator: str = "veps"  # percentages: "veps" (VEPs held) or "trained" (staff trained in the semester)


INDICATORS: tuple[IndicatorSpec, ...] = (
    IndicatorSpec(
        "IND-01",
        "OBJ",
        "Incidents of radicalisation-related violence reported in prisons",
        "incidents",
        "count",
        direction="decrease",
        baseline=4.0,
        end=2.0,
        source="Incident registers of the prison administration",
    ),
    IndicatorSpec(
        "IND-02",
        "OBJ",
        "National framework for managing VEPs aligned with European standards adopted",
        "framework",
        "milestone",
        aggregation="count_meeting_target",
        due=5,
        source="Official gazette; Steering Committee minutes",
    ),
    IndicatorSpec(
        "IND-03",
        "OC1",
        "Share of VEPs with an up-to-date risk and needs assessment",
        "VEPs",
        "percentage",
        aggregation="ratio",
        baseline=25.0,
        end=85.0,
        source="Case files; prison administration report",
    ),
    IndicatorSpec(
        "IND-04",
        "OC1",
        "Share of VEPs placed in a solitary or segregated regime",
        "VEPs",
        "percentage",
        direction="decrease",
        aggregation="ratio",
        baseline=55.0,
        end=25.0,
        source="Allocation records of the prison administration",
    ),
    IndicatorSpec(
        "IND-05",
        "OP1.1",
        "Risk and needs assessment tool for VEPs adapted and in use",
        "tool",
        "milestone",
        aggregation="count_meeting_target",
        due=3,
        source="Tool; training records",
    ),
    IndicatorSpec(
        "IND-06",
        "OP1.2",
        "Prison staff trained in managing VEPs",
        "prison staff",
        "count",
        cumulative=True,
        sex=True,
        end=18.0,
        female_share=0.3,
        source="Training attendance lists",
    ),
    IndicatorSpec(
        "IND-07",
        "OP1.2",
        "Probation staff trained in radicalisation awareness",
        "probation staff",
        "count",
        cumulative=True,
        sex=True,
        end=6.0,
        female_share=0.55,
        source="Training attendance lists",
    ),
    IndicatorSpec(
        "IND-08",
        "OP1.2",
        "Share of trained staff passing the post-training knowledge test",
        "staff",
        "percentage",
        aggregation="ratio",
        baseline=50.0,
        end=80.0,
        denominator="trained",
        source="Pre- and post-training tests",
    ),
    IndicatorSpec(
        "IND-09",
        "OP1.3",
        "Prisons applying revised dynamic security procedures",
        "prisons",
        "count",
        baseline=0.5,
        end=4.0,
        source="Prison inspection reports",
    ),
    IndicatorSpec(
        "IND-10",
        "OC2",
        "VEPs taking part in rehabilitation or disengagement programmes",
        "VEPs",
        "count",
        sensitive=True,
        sex=True,
        baseline=1.0,
        end=7.0,
        female_share=0.08,
        source="Programme registers (aggregate figures only)",
    ),
    IndicatorSpec(
        "IND-11",
        "OP2.1",
        "Rehabilitation and disengagement programme piloted in at least one prison",
        "programme",
        "milestone",
        aggregation="count_meeting_target",
        due=4,
        source="Pilot evaluation report",
    ),
    IndicatorSpec(
        "IND-12",
        "OP2.1",
        "Quality of rehabilitation programmes as assessed by an external review",
        "assessment",
        "qualitative",
        aggregation="none",
        source="External review",
    ),
    IndicatorSpec(
        "IND-13",
        "OP2.2",
        "VEPs completing a pre-release or exit programme before release",
        "VEPs",
        "count",
        cumulative=True,
        sensitive=True,
        end=1.0,
        source="Programme registers (aggregate figures only)",
    ),
    IndicatorSpec(
        "IND-14",
        "OP2.2",
        "Pre-release and exit protocol for VEPs adopted",
        "protocol",
        "milestone",
        aggregation="count_meeting_target",
        due=5,
        source="Adopted protocol",
    ),
    IndicatorSpec(
        "IND-15",
        "OP2.3",
        "Released VEPs receiving post-penal support",
        "persons",
        "count",
        cumulative=True,
        sensitive=True,
        end=0.8,
        source="Probation service records (aggregate)",
    ),
    IndicatorSpec(
        "IND-16",
        "OP2.3",
        "Multi-agency case conferences held on VEPs due for release",
        "case conferences",
        "count",
        cumulative=True,
        end=3.0,
        source="Minutes of case conferences",
    ),
    IndicatorSpec(
        "IND-17",
        "OC3",
        "Share of participants in regional events reporting use of the practice exchanged in their work",
        "participants",
        "percentage",
        aggregation="none",
        regional=True,
        baseline=40.0,
        end=75.0,
        denominator="participants",
        source="Follow-up survey of participants",
    ),
    IndicatorSpec(
        "IND-18",
        "OP3.1",
        "Regional exchange events held",
        "events",
        "count",
        cumulative=True,
        aggregation="none",
        regional=True,
        end=2.0,
        source="Event reports",
    ),
    IndicatorSpec(
        "IND-19",
        "OP3.1",
        "Beneficiaries' assessment of regional cooperation",
        "assessment",
        "qualitative",
        aggregation="none",
        regional=True,
        source="Steering Committee minutes",
    ),
    IndicatorSpec(
        "IND-20",
        "OP3.2",
        "Practitioners taking part in regional exchange and using regional knowledge products",
        "practitioners",
        "count",
        cumulative=True,
        sex=True,
        end=5.0,
        female_share=0.45,
        source="Attendance lists; download statistics",
    ),
)

QUALITATIVE_TEXTS: dict[str, tuple[str, ...]] = {
    "IND-12": (
        "Programme design under preparation; no review yet.",
        "Draft programme reviewed: clear aims, but facilitator guidance needs more detail.",
        "Pilot under way; review notes good motivation of participants and gaps in follow-up after transfer.",
        "Pilot reviewed positively; individual sessions and family involvement recommended.",
        "Programme revised after the review; now part of the regular offer in the pilot prison.",
    ),
    "IND-19": (
        "Beneficiaries value the regional format; exchange mostly through meetings.",
        "Exchange extends to peer visits; beneficiaries ask for more practitioner-level contact.",
        "Regular contact between prison administrations between meetings; joint training materials in use.",
        "Cooperation described as established; beneficiaries propose a standing network of focal points.",
    ),
}

ACTIVITY_TEMPLATES: dict[str, tuple[str, ...]] = {
    "OP1.1": (
        "Adaptation of the risk and needs assessment tool for VEPs",
        "Workshop on risk assessment of VEPs",
        "Expert review of classification and allocation of VEPs",
    ),
    "OP1.2": (
        "Training of prison staff on managing VEPs",
        "Training of probation staff on radicalisation awareness",
        "Training of trainers on recognising signs of radicalisation",
    ),
    "OP1.3": ("Review of dynamic security procedures", "Workshop on information management and security"),
    "OP2.1": (
        "Development of a disengagement programme for VEPs",
        "Pilot of the rehabilitation programme",
        "Training of programme facilitators",
    ),
    "OP2.2": ("Drafting of a pre-release and exit protocol", "Workshop on release planning for VEPs"),
    "OP2.3": (
        "Multi-agency round table on post-penal support",
        "Workshop with social services and local communities on reintegration",
        "Training on multi-agency case conferences",
    ),
    "OP3.1": ("Regional peer exchange visit", "Regional conference on managing violent extremism in prisons"),
    "OP3.2": ("Regional handbook on managing VEPs", "Regional online exchange of P/CVE coordinators"),
}
REGIONAL_OUTPUTS = ("OP3.1", "OP3.2")
NEW_ACTIVITIES_PER_SEMESTER = 10


def meeting_adopting(semester: Semester) -> int:
    """The number of the demo meeting that adopted the work plan (and milestones) of a semester."""
    return semester.index - FIRST_SEMESTER.index + 1


def _beneficiaries(spec: IndicatorSpec) -> tuple[str, ...]:
    return ("REG",) if spec.regional else ref.COUNTRY_CODES


def _results_frame() -> pd.DataFrame:
    rows = [{"result_id": r, "level": lv, "parent_id": p, "title": t} for r, lv, p, t in RESULTS]
    return schema.conform(schema.RESULTS, pd.DataFrame(rows))


def _indicators_frame() -> pd.DataFrame:
    rows = [
        {
            "indicator_id": s.indicator_id,
            "result_id": s.result_id,
            "title": s.title,
            "unit": s.unit,
            "measure": s.measure,
            "direction": s.direction,
            "cumulative": s.cumulative,
            "aggregation": s.aggregation,
            "sensitive": s.sensitive,
            "disaggregation": "sex" if s.sex else "none",
            "definition": _definition(s),
            "source": s.source,
        }
        for s in INDICATORS
    ]
    return schema.conform(schema.INDICATORS, pd.DataFrame(rows))


def _definition(spec: IndicatorSpec) -> str:
    if spec.measure == "percentage":
        return f"Numerator: {spec.unit} meeting the condition in the semester; denominator: all {spec.unit} concerned."
    if spec.measure == "milestone":
        return "yes once the document is adopted or the tool is in use; no before."
    if spec.measure == "qualitative":
        return "A short summary of the assessment in the semester."
    if spec.cumulative:
        return f"New {spec.unit} in the semester; progress counts the running total."
    return f"Number of {spec.unit} in the semester."


def _meetings_frame() -> pd.DataFrame:
    rows = []
    for number, day, place, illustrative, source in MEETINGS:
        adopted = WORKPLAN_SEMESTERS[number - 1]
        rows.append(
            {
                "number": number,
                "date": pd.Timestamp(day),
                "place": place,
                "semester_assessed": adopted.previous().id if number > 1 else None,
                "semester_adopted": adopted.id,
                "illustrative": illustrative,
                "source": source,
            }
        )
    return schema.conform(schema.MEETINGS, pd.DataFrame(rows))


@dataclass
class _Demo:
    """The random state of one demo: the generator, the beneficiary falling behind and each one's pace."""

    rng: random.Random
    laggard: str
    late_last: tuple[str, ...]
    pace: dict[str, float]

    def noise(self, scale: float) -> float:
        return self.rng.uniform(-scale, scale)


Paths = dict[tuple[str, str], tuple[float, list[float]]]


def _baselines_and_targets(demo: _Demo) -> tuple[pd.DataFrame, pd.DataFrame, Paths]:
    """Baselines, targets, and each indicator/beneficiary's baseline and planned path per reported semester."""
    baselines, targets = [], []
    paths: Paths = {}
    n = len(REPORTED_SEMESTERS)
    for spec in INDICATORS:
        if spec.measure == "qualitative":
            continue
        for ben in _beneficiaries(spec):
            size = SIZE[ben]
            if spec.measure == "milestone":
                base, path = 0.0, [1.0 if i >= spec.due else 0.0 for i in range(n)]
            elif spec.measure == "percentage":
                base = round(spec.baseline + demo.noise(8), 0)
                end = round(spec.end + demo.noise(5), 0)
                path = [round(base + (end - base) * (i + 1) / n, 0) for i in range(n)]
            elif spec.cumulative:
                base = 0.0
                per_semester = max(1.0, round(spec.end * size))
                path = [per_semester * (i + 1) for i in range(n)]
            else:
                base = float(max(0, round(spec.baseline * size + demo.noise(1))))
                end = float(max(0, round(spec.end * size)))
                path = [round(base + (end - base) * (i + 1) / n, 0) for i in range(n)]
            paths[(spec.indicator_id, ben)] = (base, path)
            baselines.append(
                {
                    "indicator_id": spec.indicator_id,
                    "beneficiary": ben,
                    "value": base,
                    "year": BASELINE_YEAR,
                    "note": None,
                }
            )
            for i, semester in enumerate(REPORTED_SEMESTERS):
                if spec.measure == "milestone" and i < spec.due:
                    continue  # not due yet: no milestone target
                last = semester == LAST_SEMESTER
                targets.append(
                    {
                        "indicator_id": spec.indicator_id,
                        "beneficiary": ben,
                        "semester": semester.id,
                        "value": path[i],
                        "adopted_at": 1 if last else meeting_adopting(semester),
                        "note": "End-of-action target" if last else "Semester milestone",
                    }
                )
    targets.extend(_revised_targets(demo, paths))
    return (
        schema.conform(schema.BASELINES, pd.DataFrame(baselines)),
        schema.conform(schema.TARGETS, pd.DataFrame(targets)),
        paths,
    )


def _revised_targets(demo: _Demo, paths: Paths) -> list[dict[str, object]]:
    """Later meetings revising end-of-action targets: raised for two fast beneficiaries, lowered for the laggard."""
    fast = [b for b in ref.COUNTRY_CODES if b != demo.laggard]
    demo.rng.shuffle(fast)
    rows: list[dict[str, object]] = []
    for ben in sorted(fast[:2]):
        end = paths[("IND-06", ben)][1][-1]
        rows.append(
            {
                "indicator_id": "IND-06",
                "beneficiary": ben,
                "semester": LAST_SEMESTER.id,
                "value": float(round(end * 1.2)),
                "adopted_at": 5,
                "note": "Raised by the 5th meeting: training delivered faster than planned",
            }
        )
    end = paths[("IND-13", demo.laggard)][1][-1]
    rows.append(
        {
            "indicator_id": "IND-13",
            "beneficiary": demo.laggard,
            "semester": LAST_SEMESTER.id,
            "value": float(max(1, round(end * 0.6))),
            "adopted_at": 6,
            "note": "Lowered by the 6th meeting: pre-release programme started later than planned",
        }
    )
    return rows


def _values_frame(demo: _Demo, paths: Paths) -> pd.DataFrame:
    rows: list[dict[str, object]] = []
    rng = demo.rng
    for spec in INDICATORS:
        for ben in _beneficiaries(spec):
            pace = demo.pace[ben]
            achieved_at = spec.due + (2 if ben == demo.laggard else rng.choice((0, 0, 1)))
            for i, semester in enumerate(REPORTED_SEMESTERS):
                last = semester == LAST_SEMESTER
                if last and ben in demo.late_last:
                    continue  # report not received yet
                if rng.random() < (0.15 if last else 0.1 if ben == demo.laggard else 0.03):
                    continue  # missing report
                key = {"indicator_id": spec.indicator_id, "beneficiary": ben, "semester": semester.id}
                comment = "Reported after the deadline" if rng.random() < 0.05 else None
                if rng.random() < 0.02:
                    rows.append(
                        {
                            **key,
                            "sex": "total",
                            "comment": "Figure not yet available from the administration",
                            "source": spec.source,
                        }
                    )
                    continue
                if spec.measure == "qualitative":
                    texts = QUALITATIVE_TEXTS[spec.indicator_id]
                    stage = min(len(texts) - 1, int(i * len(texts) / len(REPORTED_SEMESTERS) * pace))
                    rows.append(
                        {**key, "sex": "total", "text": texts[stage], "comment": comment, "source": spec.source}
                    )
                elif spec.measure == "milestone":
                    rows.append(
                        {
                            **key,
                            "sex": "total",
                            "value": 1.0 if i >= achieved_at else 0.0,
                            "comment": comment,
                            "source": spec.source,
                        }
                    )
                elif spec.measure == "percentage":
                    den = _denominator(spec, ben, rng)
                    base, path = paths[(spec.indicator_id, ben)]
                    pct = base + (path[i] - base) * pace + demo.noise(6)
                    num = min(den, max(0, round(den * pct / 100)))
                    rows.append(
                        {
                            **key,
                            "sex": "total",
                            "numerator": float(num),
                            "denominator": float(den),
                            "comment": comment,
                            "source": spec.source,
                        }
                    )
                else:
                    base, path = paths[(spec.indicator_id, ben)]
                    if spec.cumulative:
                        planned_new = path[i] - (path[i - 1] if i else 0.0)
                        total = max(0, round(planned_new * pace + demo.noise(max(1.0, planned_new * 0.4))))
                    else:
                        total = max(0, round(base + (path[i] - base) * pace + demo.noise(1.0)))
                    rows.extend(_count_rows(spec, key, float(total), comment, rng))
    return schema.conform(schema.VALUES, pd.DataFrame(rows))


def _denominator(spec: IndicatorSpec, ben: str, rng: random.Random) -> int:
    if spec.denominator == "veps":
        return max(3, VEPS_HELD[ben] + rng.randint(-3, 3))
    if spec.denominator == "trained":
        return max(5, round(20 * SIZE[ben]) + rng.randint(-6, 6))
    return rng.randint(35, 70)


def _count_rows(
    spec: IndicatorSpec, key: dict[str, object], total: float, comment: str | None, rng: random.Random
) -> list[dict[str, object]]:
    """The rows of one count: the total alone, or female, male and total (total = female + male)."""
    if not spec.sex:
        return [{**key, "sex": "total", "value": total, "comment": comment, "source": spec.source}]
    female = float(sum(1 for _ in range(int(total)) if rng.random() < spec.female_share))
    return [
        {**key, "sex": "female", "value": female, "comment": None, "source": spec.source},
        {**key, "sex": "male", "value": total - female, "comment": None, "source": spec.source},
        {**key, "sex": "total", "value": total, "comment": comment, "source": spec.source},
    ]


def _activities_frame(demo: _Demo) -> pd.DataFrame:
    """The work plan: new activities each semester, some running on, postponed (carried over) or cancelled."""
    rng = demo.rng
    counters: dict[str, int] = {}
    rows: list[dict[str, object]] = []
    pending: dict[int, list[tuple[str, str, str, str, str]]] = {}  # semester index -> carried activities

    def new_id(output: str) -> str:
        counters[output] = counters.get(output, 0) + 1
        return f"A{output[2:]}.{counters[output]}"

    outputs = [r for r, level, _, _ in RESULTS if level == "output"]
    turn: list[str] = []
    for semester in WORKPLAN_SEMESTERS:
        meeting = meeting_adopting(semester)
        todo = list(pending.pop(semester.index, []))
        todo.append((new_id("OP3.1"), "OP3.1", "REG", f"Steering Committee meeting {meeting + 1}", ""))
        titles = {t[3] for t in todo}
        added = 0
        while added < NEW_ACTIVITIES_PER_SEMESTER:
            output = rng.choice(outputs)
            if not turn:  # each beneficiary gets its turn, in a new order every round
                turn = rng.sample(ref.COUNTRY_CODES, len(ref.COUNTRY_CODES))
            ben = "REG" if output in REGIONAL_OUTPUTS else turn[-1]
            template = rng.choice(ACTIVITY_TEMPLATES[output])
            title = template if ben == "REG" else f"{template} ({ref.beneficiary_name(ben)})"
            if title not in titles:  # no two activities of the same title in one semester
                if ben != "REG":
                    turn.pop()
                titles.add(title)
                todo.append((new_id(output), output, ben, title, ""))
                added += 1
        for activity_id, output, ben, title, note in todo:
            if title.startswith("Steering Committee meeting"):
                status, later, why = ("planned" if semester == NEXT_SEMESTER else "completed"), 0, ""
            else:
                status, later, why = _activity_outcome(demo, semester, ben)
            later = min(later, NEXT_SEMESTER.index - semester.index)
            rows.append(
                {
                    "activity_id": activity_id,
                    "semester": semester.id,
                    "result_id": output,
                    "beneficiary": ben,
                    "title": title,
                    "status": status,
                    "adopted_at": meeting,
                    "notes": "; ".join(n for n in (note, why) if n) or None,
                }
            )
            if later:
                carried = (
                    f"Carried over from {semester.id}" if status == "postponed" else f"Continued from {semester.id}"
                )
                pending.setdefault(semester.index + later, []).append((activity_id, output, ben, title, carried))
    rows.sort(key=lambda r: (semester_from_id(str(r["semester"]), DEMO_ANCHOR).index, _id_numbers(r["activity_id"])))
    return schema.conform(schema.ACTIVITIES, pd.DataFrame(rows))


def _id_numbers(activity_id: object) -> tuple[int, ...]:
    return tuple(int(p) for p in str(activity_id)[1:].split("."))


def _activity_outcome(demo: _Demo, semester: Semester, ben: str) -> tuple[str, int, str]:
    """(status, semesters until it appears again or 0, note) for an activity in a semester."""
    if semester == NEXT_SEMESTER:
        return "planned", 0, ""
    draw = demo.rng.random()
    postpone = 0.45 if ben == demo.laggard else 0.08
    if draw < postpone:
        later = 1 if demo.rng.random() < 0.75 else 2
        reason = demo.rng.choice(
            (
                "at the request of the beneficiary",
                "experts not available",
                "awaiting the beneficiary's nominations of participants",
            )
        )
        return "postponed", later, f"Postponed: {reason}"
    if draw < postpone + 0.04:
        return (
            "cancelled",
            0,
            demo.rng.choice(
                (
                    "Cancelled: covered by another partner's programme",
                    "Cancelled: no longer a priority for the beneficiary",
                )
            ),
        )
    if draw < postpone + 0.12:
        return "ongoing", 1, "Runs over two semesters"
    return "completed", 0, ""


def demo_programme(seed: int = 2023) -> Programme:
    """An illustrative, untidy monitoring programme, the same for the same seed."""
    rng = random.Random(seed)
    laggard = rng.choice(ref.COUNTRY_CODES)
    others = [b for b in ref.COUNTRY_CODES if b != laggard]
    late_last = (laggard, rng.choice(others))
    pace = {b: round(rng.uniform(0.85, 1.1), 3) for b in ref.BENEFICIARY_CODES}
    pace[laggard] = 0.6
    demo = _Demo(rng, laggard, late_last, pace)
    baselines, targets, paths = _baselines_and_targets(demo)
    tables = {
        "results": _results_frame(),
        "indicators": _indicators_frame(),
        "baselines": baselines,
        "targets": targets,
        "values": _values_frame(demo, paths),
        "activities": _activities_frame(demo),
        "meetings": _meetings_frame(),
    }
    return Programme(tables)
