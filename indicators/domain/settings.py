"""Settings, declared as a table of (name, default, help); each can be set by an environment variable.

The environment variable is the setting's name prefixed with ``PPD_`` (programme progress dashboard),
for example ``PPD_STORE_DIR=/srv/ppd-store``. A test fails when a setting is missing from the README.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
ENV_PREFIX = "PPD_"


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("STORE_DIR", str(PROJECT_ROOT / "data" / "store"), "Folder of the versioned store."),
    Setting(
        "STORE_URL",
        "",
        "Empty: the store is the folder STORE_DIR. A postgresql://user@host/database URL: the store is kept in that "
        "PostgreSQL database, shared by several app servers (keep the URL, which may hold a password, as a secret).",
    ),
    Setting(
        "DEMO_WORKBOOK",
        str(PROJECT_ROOT / "data" / "demo" / "monitoring_demo.xlsx"),
        "Workbook loaded as the first, illustrative version when the store is empty.",
    ),
    Setting("SEED_DEMO", "1", "1 loads the demo workbook into an empty store; 0 starts empty."),
    Setting("SEMESTER_ANCHOR_MONTH", "11", "Month the first semester of a year starts (11: Nov-Apr, May-Oct)."),
    Setting("MAX_UPLOAD_MB", "20", "Largest workbook accepted, in megabytes."),
    Setting("MAX_UNZIPPED_MB", "200", "Largest total uncompressed size of a workbook's zip entries, in megabytes."),
    Setting("MAX_ZIP_ENTRIES", "2000", "Most entries a workbook's zip may hold."),
    Setting("MAX_COMPRESSION_RATIO", "150", "Highest compression ratio of any zip entry (zip bombs go far beyond)."),
    Setting("MAX_CELLS", "2000000", "Most cells read from one workbook."),
    Setting("PARSE_TIMEOUT_S", "60", "Seconds a workbook may take to parse before it is refused."),
    Setting("PARSE_MEMORY_MB", "2048", "Memory a parsing worker may use, in megabytes."),
    Setting("PARSE_WORKERS", "2", "Warm parsing worker processes kept ready."),
    Setting(
        "PARSE_SPLIT_MB",
        "2",
        "A sheet with more XML than this, in megabytes, is read as two halves at once on a machine with two or "
        "more cores; 0 reads every sheet whole.",
    ),
    Setting("STATUS_ACHIEVED", "1.0", "Progress at or above which an indicator has achieved its target."),
    Setting("STATUS_ON_TRACK", "0.75", "Progress at or above which an indicator is on track."),
    Setting("STATUS_AT_RISK", "0.4", "Progress at or above which an indicator is at risk; below it, off track."),
    Setting(
        "REGIONAL_COVERAGE",
        "2/3",
        "Share of the beneficiaries with a target that must report for a regional figure to get a status, as a "
        "fraction (2/3: 4 of 6) or a decimal (0.75); below it the region reads 'incomplete reporting', never "
        "achieved.",
    ),
    Setting(
        "QUALITY_JUMP_FACTOR",
        "3",
        "Data quality: a value more than this many times above or below the previous semester's is flagged.",
    ),
    Setting(
        "IATI_REPORTING_ORG",
        "XI-IATI-EXAMPLE",
        "IATI organisation identifier of the reporting organisation in the IATI results file (replace the "
        "placeholder with your own before publishing).",
    ),
    Setting("IATI_REPORTING_ORG_NAME", "Council of Europe", "Name of the reporting organisation in the IATI file."),
    Setting(
        "IATI_REPORTING_ORG_TYPE", "40", "IATI OrganisationType code of the reporting organisation (40: multilateral)."
    ),
    Setting(
        "IATI_ACTIVITY_ID",
        "",
        "IATI activity identifier of the programme; empty: the reporting organisation's identifier followed by "
        "-HFIII-VEPRISONS.",
    ),
    Setting(
        "IATI_SECTORS",
        "1:15130",
        "Sectors of the IATI file as vocabulary:code pairs separated by semicolons, with :percentage when there "
        "are several of one vocabulary (1:15130: OECD DAC 5-digit 15130, Legal and judicial development, which "
        "covers prisons).",
    ),
    Setting(
        "OVER_ACHIEVED",
        "1.5",
        "Progress at or above which an indicator is over-achieved and, like one at risk or off track, needs an "
        "explanation.",
    ),
    Setting(
        "DEFAULT_LANGUAGE",
        "en",
        "Language of the interface when the browser asks for none we have: en (English) or fr (French).",
    ),
    Setting("SUPPRESS_BELOW", "5", "Sensitive counts from 1 to this value minus one are shown as '<N' to donors."),
    Setting(
        "FOUR_EYES",
        "1",
        "1: a programme manager cannot approve a version they uploaded; 0 allows it (a one-person team), and "
        "each such approval is logged.",
    ),
    Setting(
        "CLI_TRUSTED",
        "0",
        "0: the command line's approve and return need the --as account's password or personal token on standard "
        "input; 1: the shell is trusted to say who acts (the operating-system user is logged either way, and the "
        "four-eyes rule holds).",
    ),
    Setting("SESSION_IDLE_MINUTES", "30", "A signed-in session ends after this many minutes without activity."),
    Setting("SESSION_MAX_HOURS", "12", "A signed-in session ends this many hours after sign-in, however active."),
    Setting(
        "TRUSTED_PROXIES",
        "",
        "Addresses or networks (comma-separated, e.g. 127.0.0.1,10.0.0.0/8) of the reverse proxies in front of the "
        "app: only a request from one of them has its client's address read from X-Forwarded-For (the sign-in "
        "throttle counts per client). Empty: the address that connected.",
    ),
    Setting("SETUP_LINK_MINUTES", "60", "Minutes the one-time setup link printed by make run stays valid."),
    Setting(
        "PUBLIC_DONOR_VIEW",
        "0",
        "1 lets visitors who are not signed in see the donor view (a public results page); 0 asks them to sign in.",
    ),
    Setting(
        "PUBLIC_REPORTS_PER_HOUR",
        "20",
        "With PUBLIC_DONOR_VIEW on: report packs a visitor who is not signed in may ask for in an hour, per client "
        "(each file is built once per approved version, semester and language, then served from the store).",
    ),
    Setting(
        "ADDRESS",
        "127.0.0.1",
        "Address `make run` listens on: this machine only; 0.0.0.0 for every interface, behind a proxy (Deploying).",
    ),
    Setting(
        "RETAIN_UNAPPROVED_DAYS",
        "90",
        "Days after which the raw workbook of a draft or returned version never approved is removed (0 keeps it).",
    ),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def setting(name: str) -> str:
    """The value of a setting: its environment variable when set, else its default."""
    if name not in _BY_NAME:
        raise KeyError(f"unknown setting {name!r}; known: {', '.join(sorted(_BY_NAME))}")
    return os.environ.get(ENV_PREFIX + name, _BY_NAME[name].default)


def setting_int(name: str) -> int:
    """A setting read as an integer."""
    return int(setting(name))


def setting_float(name: str) -> float:
    """A setting read as a float (a fraction such as 2/3 too)."""
    text = setting(name).strip()
    if "/" in text:
        numerator, denominator = text.split("/", 1)
        return float(numerator) / float(denominator)
    return float(text)


def store_dir() -> Path:
    """The folder of the versioned store."""
    return Path(setting("STORE_DIR"))


def store_location() -> str | Path:
    """Where the versioned store is: the STORE_URL database when set, else the STORE_DIR folder."""
    return setting("STORE_URL").strip() or store_dir()
