"""The monitoring workbook's tables, declared once: sheet names, headers, kinds, keys and help text.

Each table is one sheet of the workbook and one tidy frame in the store (one row per fact). The loader,
the validator, the template writer, the store and the Method page all read these declarations; a header
or an allowed value is changed here and nowhere else. Help texts are catalogue messages (``N_``): show them
with ``_(column.help)`` / ``_(table.help)``; sheet names, headers and choices are identifiers and stay as written.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from indicators.domain import reference as ref
from indicators.domain.i18n import N_

# Kinds of column and the dtype each takes in a frame.
KIND_DTYPES: dict[str, str] = {
    "id": "string",
    "text": "string",
    "choice": "string",
    "semester": "string",  # a semester identifier such as 2025NovS1
    "beneficiary": "string",  # a beneficiary code such as XKX
    "number": "Float64",
    "integer": "Int64",
    "yesno": "boolean",
    "date": "datetime64[ms]",
    "value": "Float64",  # Values.Value: a number, yes/no (1/0) or, for qualitative indicators, text
}


@dataclass(frozen=True)
class Column:
    name: str
    header: str
    kind: str
    required: bool = True
    choices: tuple[str, ...] = ()
    help: str = ""
    aliases: tuple[str, ...] = ()
    default: str | None = None

    @property
    def dtype(self) -> str:
        return KIND_DTYPES[self.kind]


@dataclass(frozen=True)
class Table:
    name: str
    sheet: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    help: str
    extra: tuple[Column, ...] = field(default=())  # columns the store adds, not read from the sheet

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns] + [c.name for c in self.extra]

    def column(self, name: str) -> Column:
        for c in (*self.columns, *self.extra):
            if c.name == name:
                return c
        raise KeyError(f"{self.name} has no column {name!r}")

    def empty(self) -> pd.DataFrame:
        """An empty frame of this table with its declared dtypes."""
        return pd.DataFrame({c.name: pd.Series([], dtype=c.dtype) for c in (*self.columns, *self.extra)})


_IND = Column(
    "indicator_id",
    "Indicator ID",
    "id",
    help=N_("Identifier from the Indicators sheet, e.g. IND-01."),
    aliases=("indicator", "indicator code", "ind id"),
)
_BEN = Column(
    "beneficiary",
    "Beneficiary",
    "beneficiary",
    choices=ref.BENEFICIARY_CODES,
    help=N_("ALB, BIH, XKX (Kosovo*), MNE, MKD, SRB or REG (regional); common names are accepted."),
    aliases=("country", "beneficiary code", "economy"),
)
_SEM = Column(
    "semester",
    "Semester",
    "semester",
    help=N_("Identifier such as 2025NovS1, a label such as 'Nov 2024 – Apr 2025', or a date inside it."),
    aliases=("period", "semester id", "six months"),
)
_RES = Column(
    "result_id",
    "Result ID",
    "id",
    help=N_("Identifier from the Results sheet, e.g. OC1 or OP1.2."),
    aliases=("result", "result code"),
)

RESULTS = Table(
    "results",
    "Results",
    (
        Column("result_id", "Result ID", "id", help=N_("Identifier, e.g. OBJ, OC1, OP1.2."), aliases=("result", "id")),
        Column("level", "Level", "choice", choices=ref.RESULT_LEVELS, help=N_("objective, outcome or output.")),
        Column(
            "parent_id",
            "Parent ID",
            "id",
            required=False,
            help=N_("The result this one contributes to."),
            aliases=("parent",),
        ),
        Column("title", "Title", "text", help=N_("The result as written in the action document.")),
    ),
    key=("result_id",),
    help=N_("The results chain: one overall objective, its outcomes and their outputs."),
)

INDICATORS = Table(
    "indicators",
    "Indicators",
    (
        Column("indicator_id", "Indicator ID", "id", help=N_("Identifier, e.g. IND-01."), aliases=("indicator", "id")),
        _RES,
        Column("title", "Title", "text", help=N_("The indicator as worded in the logframe.")),
        Column("unit", "Unit", "text", required=False, help=N_("What is counted, e.g. 'prison staff'.")),
        Column(
            "measure",
            "Measure",
            "choice",
            choices=ref.MEASURES,
            help=N_("count; percentage (report numerator and denominator); milestone (yes/no); qualitative."),
        ),
        Column(
            "direction",
            "Direction",
            "choice",
            choices=ref.DIRECTIONS,
            default="increase",
            help=N_("increase when higher is better, decrease when lower is better."),
        ),
        Column(
            "cumulative",
            "Cumulative",
            "yesno",
            default="no",
            help=N_("yes when each semester reports new units and progress counts the running total."),
        ),
        Column(
            "aggregation",
            "Aggregation",
            "choice",
            choices=ref.AGGREGATIONS,
            default="sum",
            help=N_("How beneficiaries add up regionally: sum, ratio (of sums), count_meeting_target, none."),
        ),
        Column(
            "sensitive",
            "Sensitive",
            "yesno",
            default="no",
            help=N_("yes when small counts could identify people; donors then see 1-4 as '<5'."),
        ),
        Column(
            "disaggregation",
            "Disaggregation",
            "choice",
            choices=ref.DISAGGREGATIONS,
            default="none",
            help=N_("sex when values are reported for female and male as well as the total."),
        ),
        Column("definition", "Definition", "text", required=False, help=N_("How the indicator is measured.")),
        Column("source", "Means of verification", "text", required=False, aliases=("source", "verification")),
    ),
    key=("indicator_id",),
    help=N_("The logframe's indicators, one row each, with how they are measured and added up."),
)

BASELINES = Table(
    "baselines",
    "Baselines",
    (
        _IND,
        _BEN,
        Column("value", "Value", "number", help=N_("The baseline value; for percentages, the percentage (0-100).")),
        Column("year", "Year", "integer", required=False, help=N_("The year the baseline was measured.")),
        Column("note", "Note", "text", required=False),
    ),
    key=("indicator_id", "beneficiary"),
    help=N_("The baseline of each indicator for each beneficiary."),
)

TARGETS = Table(
    "targets",
    "Targets",
    (
        _IND,
        _BEN,
        _SEM,
        Column(
            "value",
            "Value",
            "number",
            help=N_(
                "The target for that semester (a milestone) or the end of the action; cumulative "
                "indicators give the running total to reach; percentages as 0-100; milestones 1 = done."
            ),
        ),
        Column(
            "adopted_at",
            "Adopted at meeting",
            "integer",
            help=N_(
                "The number of the Steering Committee meeting that adopted this target; a later meeting "
                "revising it adds a row."
            ),
            aliases=("adopted at", "meeting", "adopted_by"),
        ),
        Column("note", "Note", "text", required=False),
    ),
    key=("indicator_id", "beneficiary", "semester", "adopted_at"),
    help=N_("Targets in force per semester, versioned by the meeting that adopted them."),
)

VALUES = Table(
    "values",
    "Values",
    (
        _IND,
        _BEN,
        _SEM,
        Column(
            "sex",
            "Sex",
            "choice",
            required=False,
            choices=ref.SEX_VALUES,
            default="total",
            help=N_("total (default), female or male, for indicators split by sex."),
            aliases=("disaggregation", "gender"),
        ),
        Column(
            "value",
            "Value",
            "value",
            required=False,
            help=N_(
                "A number for counts, yes/no for milestones, text for qualitative indicators; leave empty "
                "for percentages and fill Numerator and Denominator."
            ),
        ),
        Column("numerator", "Numerator", "number", required=False, help=N_("For percentages: the part.")),
        Column("denominator", "Denominator", "number", required=False, help=N_("For percentages: the whole.")),
        Column(
            "comment",
            "Comment",
            "text",
            required=False,
            help=N_(
                "Why, when the indicator is at risk, off track, over-achieved or not reported: the Steering "
                "Committee reads it beside the status."
            ),
        ),
        Column("source", "Source", "text", required=False, help=N_("Where the figure comes from.")),
    ),
    key=("indicator_id", "beneficiary", "semester", "sex"),
    help=N_("Reported actuals: one row per indicator, beneficiary, semester and sex."),
    extra=(Column("text", "Text", "text", required=False, help=N_("The text of a qualitative value.")),),
)

ACTIVITIES = Table(
    "activities",
    "Activities",
    (
        Column("activity_id", "Activity ID", "id", help=N_("Identifier, e.g. A1.2.3."), aliases=("activity", "id")),
        _SEM,
        _RES,
        _BEN,
        Column("title", "Title", "text"),
        Column(
            "status",
            "Status",
            "choice",
            choices=ref.ACTIVITY_STATUSES,
            help=N_("planned, ongoing, completed, postponed (carried over) or cancelled."),
        ),
        Column(
            "adopted_at",
            "Adopted at meeting",
            "integer",
            required=False,
            help=N_("The meeting whose work plan included the activity for this semester."),
            aliases=("adopted at", "meeting"),
        ),
        Column("notes", "Notes", "text", required=False),
    ),
    key=("activity_id", "semester"),
    help=N_(
        "The work plan: one row per activity and semester it was planned for; a postponed activity "
        "appears again in the semester it was carried over to."
    ),
)

MEETINGS = Table(
    "meetings",
    "Meetings",
    (
        Column(
            "number",
            "Number",
            "integer",
            help=N_("1 for the 1st Steering Committee meeting, and so on."),
            aliases=("meeting", "meeting number", "no"),
        ),
        Column("date", "Date", "date", help=N_("The day of the meeting (YYYY-MM-DD).")),
        Column("place", "Place", "text", required=False),
        Column("semester_assessed", "Semester assessed", "semester", required=False),
        Column(
            "semester_adopted",
            "Semester adopted",
            "semester",
            required=False,
            help=N_("The semester whose work plan the meeting adopted."),
        ),
        Column(
            "illustrative",
            "Illustrative",
            "yesno",
            default="no",
            help=N_("yes when the meeting is invented for the demo and not taken from a public source."),
        ),
        Column("source", "Source", "text", required=False),
    ),
    key=("number",),
    help=N_("Steering Committee meetings: each assesses the semester ending and adopts the next work plan."),
)

TABLES: tuple[Table, ...] = (RESULTS, INDICATORS, BASELINES, TARGETS, VALUES, ACTIVITIES, MEETINGS)
TABLES_BY_NAME: dict[str, Table] = {t.name: t for t in TABLES}
TABLES_BY_SHEET: dict[str, Table] = {t.sheet: t for t in TABLES}
# Reference columns of the semester workbook's Values sheet (present/template.py, ``semester_workbook_bytes``):
# the approved data shown beside the cells to fill, locked, and passed over without a warning when the workbook
# is read back (they are read from the approved data, never from an upload). Catalogue messages: read in the
# language the workbook was written in too.
REFERENCE_HEADERS: tuple[str, ...] = (
    N_("Indicator title"),
    N_("Unit"),
    N_("Measure"),
    N_("Direction"),
    N_("Baseline"),
    N_("Previous semester"),
    N_("Target in force"),
    N_("End target"),
    N_("Figure against the target"),
    N_("Progress"),
    N_("Check"),
)
INSTRUCTIONS_SHEET = "Instructions"
LISTS_SHEET = "Lists"

# French names the template is written with in French, and other French spellings seen in sheets; they are
# read as the English ones (compared after ``reference.fold``). Keyed by sheet name and by column name.
SHEET_ALIASES: dict[str, tuple[str, ...]] = {
    "Results": ("Résultats",),
    "Indicators": ("Indicateurs",),
    "Baselines": ("Valeurs de référence", "Références"),
    "Targets": ("Cibles",),
    "Values": ("Valeurs", "Valeurs réalisées"),
    "Activities": ("Activités",),
    "Meetings": ("Réunions",),
    "Instructions": ("Mode d'emploi",),
    "Lists": ("Listes",),
}
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "indicator_id": ("ID de l'indicateur", "Indicateur", "Code de l'indicateur", "ID indicateur"),
    "beneficiary": ("Bénéficiaire", "Pays", "Code du bénéficiaire"),
    "semester": ("Semestre", "Période", "ID du semestre"),
    "result_id": ("ID du résultat", "Résultat", "Code du résultat"),
    "level": ("Niveau",),
    "parent_id": ("ID du parent", "Parent"),
    "title": ("Titre", "Intitulé"),
    "unit": ("Unité",),
    "measure": ("Mesure", "Type de mesure"),
    "direction": ("Sens", "Sens souhaité"),
    "cumulative": ("Cumulatif", "Cumulé"),
    "aggregation": ("Agrégation",),
    "sensitive": ("Sensible",),
    "disaggregation": ("Ventilation", "Désagrégation"),
    "definition": ("Définition",),
    "source": ("Sources de vérification", "Source", "Moyens de vérification"),
    "value": ("Valeur",),
    "year": ("Année",),
    "note": ("Note", "Remarque"),
    "adopted_at": ("Adoptée à la réunion", "Adopté à la réunion", "Réunion"),
    "sex": ("Sexe", "Genre"),
    "numerator": ("Numérateur",),
    "denominator": ("Dénominateur",),
    "comment": ("Commentaire", "Explication"),
    "activity_id": ("ID de l'activité", "Activité", "Code de l'activité"),
    "status": ("Statut", "État"),
    "notes": ("Notes", "Remarques"),
    "number": ("Numéro", "Numéro de la réunion", "N°"),
    "date": ("Date",),
    "place": ("Lieu",),
    "semester_assessed": ("Semestre évalué",),
    "semester_adopted": ("Semestre adopté",),
    "illustrative": ("Fictive", "Illustratif"),
}


@dataclass(frozen=True)
class Programme:
    """A whole monitoring dataset: one tidy frame per table, with the declared columns and dtypes."""

    tables: dict[str, pd.DataFrame]

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]

    @property
    def results(self) -> pd.DataFrame:
        return self.tables["results"]

    @property
    def indicators(self) -> pd.DataFrame:
        return self.tables["indicators"]

    @property
    def baselines(self) -> pd.DataFrame:
        return self.tables["baselines"]

    @property
    def targets(self) -> pd.DataFrame:
        return self.tables["targets"]

    @property
    def values(self) -> pd.DataFrame:
        return self.tables["values"]

    @property
    def activities(self) -> pd.DataFrame:
        return self.tables["activities"]

    @property
    def meetings(self) -> pd.DataFrame:
        return self.tables["meetings"]

    @property
    def row_count(self) -> int:
        return sum(len(f) for f in self.tables.values())


def empty_programme() -> Programme:
    """A programme with every table present and empty."""
    return Programme({t.name: t.empty() for t in TABLES})


def conform(table: Table, frame: pd.DataFrame) -> pd.DataFrame:
    """A frame with exactly the table's columns, in order, with the declared dtypes (missing ones empty)."""
    out = {}
    for c in (*table.columns, *table.extra):
        series = frame[c.name] if c.name in frame.columns else pd.Series([pd.NA] * len(frame), index=frame.index)
        out[c.name] = series.astype(c.dtype)
    return pd.DataFrame(out).reset_index(drop=True)
