"""Reference lists: beneficiaries and their spellings, the Kosovo* footnote, and the allowed codes.

Rules are tables here, not branches: to accept a new spelling, add it to ``BENEFICIARY_ALIASES``. The texts
people read (the footnote, the notice, the programme's title, beneficiary names) are catalogue messages in
English here: show them with ``_(KOSOVO_FOOTNOTE)``, ``beneficiary_name(code)`` or ``Beneficiary.name``, which
give the current language; codes never change.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from indicators.domain.i18n import N_, _

# The official wording in each language (French: « *Toute référence au Kosovo, ... statut du Kosovo. »).
KOSOVO_FOOTNOTE = N_(
    "*All references to Kosovo, whether to the territory, institutions or population, in this text shall "
    "be understood in full compliance with United Nations Security Council Resolution 1244 and without "
    "prejudice to the status of Kosovo."
)

ILLUSTRATIVE_NOTICE = N_(
    "Illustrative demo data: the figures, activities and most meetings shown are invented to demonstrate "
    "the tool. They are not official figures of the Regional Action, the Council of Europe or the EU."
)

PROGRAMME_TITLE = N_(
    "Regional Action “Enhancing co-operation in the Western Balkans in managing violent extremism in prisons "
    "and preventing further radicalisation after release”"
)


@dataclass(frozen=True)
class Beneficiary:
    code: str
    name_en: str  # the name's catalogue message (English); ``name`` is it in the current language
    footnote: bool = False

    @property
    def name(self) -> str:
        """The name people read, in the current language (Kosovo* keeps its asterisk)."""
        return _(self.name_en)


BENEFICIARIES: tuple[Beneficiary, ...] = (
    Beneficiary("ALB", N_("Albania")),
    Beneficiary("BIH", N_("Bosnia and Herzegovina")),
    Beneficiary("XKX", N_("Kosovo*"), footnote=True),
    Beneficiary("MNE", N_("Montenegro")),
    Beneficiary("MKD", N_("North Macedonia")),
    Beneficiary("SRB", N_("Serbia")),
    Beneficiary("REG", N_("Regional")),
)
BENEFICIARY_CODES: tuple[str, ...] = tuple(b.code for b in BENEFICIARIES)
COUNTRY_CODES: tuple[str, ...] = tuple(b.code for b in BENEFICIARIES if b.code != "REG")
BENEFICIARY_NAMES: dict[str, str] = {b.code: b.name_en for b in BENEFICIARIES}  # English; beneficiary_name translates

# Spellings seen in monitoring sheets, compared after folding case, accents and punctuation.
BENEFICIARY_ALIASES: dict[str, str] = {
    "albania": "ALB",
    "shqiperia": "ALB",
    "shqiperi": "ALB",
    "al": "ALB",
    "bosnia and herzegovina": "BIH",
    "bosnia herzegovina": "BIH",
    "bosnia": "BIH",
    "bih": "BIH",
    "ba": "BIH",
    "bosna i hercegovina": "BIH",
    "b h": "BIH",
    "bosnia i herzegovina": "BIH",
    "kosovo": "XKX",
    "kosova": "XKX",
    "kosovo*": "XKX",
    "xk": "XKX",
    "kos": "XKX",
    "ks": "XKX",
    "montenegro": "MNE",
    "crna gora": "MNE",
    "me": "MNE",
    "cg": "MNE",
    "north macedonia": "MKD",
    "macedonia": "MKD",
    "republic of north macedonia": "MKD",
    "mk": "MKD",
    "severna makedonija": "MKD",
    "makedonija": "MKD",
    "n macedonia": "MKD",
    "fyrom": "MKD",
    "serbia": "SRB",
    "srbija": "SRB",
    "rs": "SRB",
    "srb": "SRB",
    "regional": "REG",
    "region": "REG",
    "western balkans": "REG",
    "wb": "REG",
    "all": "REG",
    # French names (folded: no accents), as a French-speaking analyst writes them
    "albanie": "ALB",
    "bosnie herzegovine": "BIH",
    "bosnie et herzegovine": "BIH",
    "bosnie": "BIH",
    "macedoine du nord": "MKD",
    "macedoine": "MKD",
    "serbie": "SRB",
    "regionale": "REG",
    "balkans occidentaux": "REG",
}


def fold(text: str) -> str:
    """Text folded for matching: lower case, no accents, punctuation as single spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    no_accents = "".join(c for c in decomposed if not unicodedata.combining(c)).replace("đ", "d")
    return re.sub(r"[^a-z0-9*]+", " ", no_accents.lower()).strip()


def beneficiary_code(value: str) -> str | None:
    """The beneficiary code for a code or a common spelling ("Kosova", "BiH", "Srbija"), else None."""
    folded = fold(value)
    if folded.upper() in BENEFICIARY_CODES:
        return folded.upper()
    return BENEFICIARY_ALIASES.get(folded) or BENEFICIARY_ALIASES.get(folded.rstrip("*").strip())


def beneficiary_name(code: str) -> str:
    """The name people read for a beneficiary code, in the current language; Kosovo is always 'Kosovo*'. An
    unknown code is returned as it is."""
    name = BENEFICIARY_NAMES.get(code)
    return _(name) if name is not None else code


# Allowed values of coded columns: one home for the lists used by validation, template drop-downs and docs.
RESULT_LEVELS = ("objective", "outcome", "output")
MEASURES = ("count", "percentage", "milestone", "qualitative")
DIRECTIONS = ("increase", "decrease")
AGGREGATIONS = ("sum", "ratio", "count_meeting_target", "none")
DISAGGREGATIONS = ("none", "sex")
SEX_VALUES = ("total", "female", "male")
ACTIVITY_STATUSES = ("planned", "ongoing", "completed", "postponed", "cancelled")
YES_NO = ("yes", "no")
SUBMISSION_STATUSES = ("draft", "submitted", "approved", "returned")

# French words for the allowed values above (the template's words in French, and other spellings seen in
# sheets), read as the English value after ``fold``; keyed by the English value.
CHOICE_ALIASES: dict[str, tuple[str, ...]] = {
    "objective": ("objectif", "objectif global"),
    "outcome": ("effet", "résultat"),
    "output": ("produit", "extrant"),
    "count": ("nombre", "effectif", "comptage"),
    "percentage": ("pourcentage", "taux"),
    "milestone": ("jalon", "étape"),
    "qualitative": ("qualitatif", "qualitative"),
    "increase": ("hausse", "augmentation", "croissant"),
    "decrease": ("baisse", "diminution", "décroissant"),
    "sum": ("somme",),
    "ratio": ("ratio", "rapport"),
    "count_meeting_target": ("nombre atteignant la cible",),
    "none": ("aucune", "aucun", "sans"),
    "sex": ("sexe",),
    "total": ("total", "ensemble"),
    "female": ("femme", "femmes", "féminin", "f"),
    "male": ("homme", "hommes", "masculin", "h"),
    "planned": ("prévue", "prévu", "planifiée"),
    "ongoing": ("en cours",),
    "completed": ("réalisée", "réalisé", "achevée", "terminée"),
    "postponed": ("reportée", "reporté"),
    "cancelled": ("annulée", "annulé"),
}
