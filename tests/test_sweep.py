"""The sweep: every page, in every view (analyst, manager, manager previewing the donor view, donor,
administrator, public visitor), for the semesters, beneficiaries and indicators the pickers offer, in English
and in French, on the demo and on randomly generated programmes, runs without an exception or an error box
and never writes a placeholder ("nan", "None", "<NA>") where words or a figure belong.

Cost (AppTest reruns at about 0.1 s of CPU each): on the demo every semester, beneficiary and indicator is
chosen at least once in every view and language, and which semester goes with which indicator or beneficiary
turns with the view, so that across the twelve runs most pairs are met; the random programmes run in two
views. The whole file takes about two minutes of CPU (measured in the report of issue 22).
"""

from __future__ import annotations

import html
import itertools
import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from indicators.access.identity import SYSTEM, Identity
from indicators.domain import i18n
from indicators.domain.periods import PeriodError, semester_from_id
from indicators.domain.schema import TABLES, Programme, conform
from indicators.ingest import default_store
from indicators.store import Store
from tests.compute.random_programmes import random_programme
from ui import filters

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "dashboard.py")
PAGES = ("overview", "indicator", "beneficiary", "semester_review", "workplan", "method", "reports", "upload",
         "review", "admin")  # fmt: skip
# view: (the account's role, previewing the donor view); "public" is nobody signed in with PUBLIC_DONOR_VIEW on
VIEWS = {
    "analyst": ("analyst", False),
    "manager": ("manager", False),
    "preview": ("manager", True),
    "donor": ("donor", False),
    "admin": ("admin", False),
    "public": (None, False),
}
ADMIN = Identity("tests", "admin", "cli")
CLOSED_FR = "Cette page n’est pas accessible avec votre rôle."
# What must never stand where a reader expects words or a figure.
PLACEHOLDER = re.compile(r"(?<![\w-])(nan|NaN|None|<NA>|NaT|null)(?![\w-])")


def add_accounts(store: Store) -> None:
    for role in ("analyst", "manager", "donor", "admin"):
        if store.accounts.get(f"{role}@example.org") is None:
            store.accounts.add(ADMIN, f"{role}@example.org", role, password="a long passphrase")


def valid(programme: Programme) -> Programme:
    """A random programme as validation would let it through: rows of known indicators and real semesters,
    one value per key (the last), and the Steering Committee meetings its targets name."""
    known = set(programme.indicators["indicator_id"])

    def real(semester: object) -> bool:
        try:
            semester_from_id(str(semester))
        except PeriodError:
            return False
        return True

    tables = {}
    for table in TABLES:
        frame = programme[table.name]
        if "indicator_id" in frame and table.name != "indicators":
            frame = frame[frame["indicator_id"].isin(known)]
        if "semester" in frame:
            frame = frame[frame["semester"].map(real)]
        frame = frame.drop_duplicates(subset=list(table.key), keep="last")
        tables[table.name] = conform(table, frame.reset_index(drop=True))
    return Programme(tables)


def sweep_programme(seed: int) -> Programme:
    """A random programme with every kind of row (revised targets, hidden small counts, missing reports,
    qualitative and yes/no indicators) and a beneficiary with no data at all: Serbia has targets, nothing
    reported, and North Macedonia only an activity."""
    programme = valid(random_programme(seed, indicators=8))
    values, targets = programme.values, programme.targets
    activities = programme.activities
    tables = {t.name: programme[t.name] for t in TABLES}
    tables["values"] = values[~values["beneficiary"].isin(["SRB", "MKD"])].reset_index(drop=True)
    tables["targets"] = targets[targets["beneficiary"] != "MKD"].reset_index(drop=True)
    tables["baselines"] = programme.baselines[programme.baselines["beneficiary"] != "MKD"].reset_index(drop=True)
    extra = pd.DataFrame(
        [
            {
                "activity_id": "MKD-1",
                "semester": "2025NovS1",
                "beneficiary": "MKD",
                "title": "Study visit",
                "status": "planned",
                "result_id": "OC1",
            }
        ]  # fmt: skip
    )
    tables["activities"] = conform(
        next(t for t in TABLES if t.name == "activities"),
        pd.concat([activities[activities["beneficiary"] != "MKD"], extra], ignore_index=True),
    )
    return Programme(tables)


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    """Store folders: the demo, and two random programmes approved as the system would."""
    with pytest.MonkeyPatch.context() as patch:
        demo = tmp_path_factory.mktemp("demo")
        patch.setenv("PPD_STORE_DIR", str(demo))
        add_accounts(default_store())
        out = {"demo": demo}
        patch.setenv("PPD_SEED_DEMO", "0")
        for seed in (12, 13):
            root = tmp_path_factory.mktemp(f"random{seed}")
            store = Store(root)
            version = store.add_version(b"random", "random.xlsx", SYSTEM, sweep_programme(seed), base_version=None)
            store.submit(version, SYSTEM)
            store.approve(version, SYSTEM)
            add_accounts(store)
            out[f"random{seed}"] = root
        yield out


def texts(at: AppTest) -> str:
    kinds = ("title", "subheader", "markdown", "caption", "info", "success", "warning")
    parts = [e.value for kind in kinds for e in at.get(kind)] + [m.value for m in at.metric]
    return html.unescape("\n".join(str(p) for p in parts)).replace("\u2060", "")


def cells(at: AppTest) -> str:
    """Every cell of every table as shown (a missing figure is sent as words: tables.table)."""
    frames = [d.value for d in at.dataframe]
    return "\n".join(frame.astype(str).to_csv(index=False) for frame in frames if len(frame.columns))


def check(at: AppTest, where: tuple) -> None:
    assert not at.exception, (where, [e.value for e in at.exception][:1])
    assert not at.error, (where, [e.value for e in at.error][:1])
    closed = [i.value for i in at.info] in (["This page is not available for your role."], [CLOSED_FR])
    assert at.title or closed, (where, "a page has a title, or says it is not for this role")
    shown = texts(at)
    assert not PLACEHOLDER.search(shown), (where, PLACEHOLDER.search(shown), shown[:2000])


def turned(options: list[str], others: list[str], shift: int) -> list[tuple[str, str]]:
    """Each option with one of ``others`` (turned by ``shift``), and each of ``others`` at least once."""
    if not options or not others:
        return [(o, None) for o in options]
    count = max(len(options), len(others))
    return [(options[i % len(options)], others[(i + shift) % len(others)]) for i in range(count)]


def sweep(store_dir: Path, view: str, language: str, shift: int, monkeypatch) -> int:
    """Every page of one view and language on one store; returns the number of page runs."""
    monkeypatch.setenv("PPD_STORE_DIR", str(store_dir))
    role, preview = VIEWS[view]
    monkeypatch.setenv("PPD_PUBLIC_DONOR_VIEW", "1" if role is None else "0")
    programme = Store(store_dir).approved()
    semesters = filters.semester_options(programme)
    beneficiaries = filters.beneficiary_options(programme)
    indicators = list(programme.indicators["indicator_id"])
    at = AppTest.from_file(APP, default_timeout=120)
    if role:
        at.user = {"is_logged_in": True, "email": f"{role}@example.org"}
    at.query_params["lang"] = language
    # AppTest writes the pickers' choices with their labels, outside the script's run: in its language
    token = i18n._language.set(language)
    try:
        return _sweep_pages(at, view, language, shift, preview, semesters, beneficiaries, indicators)
    finally:
        i18n._language.reset(token)


def _sweep_pages(at, view, language, shift, preview, semesters, beneficiaries, indicators) -> int:  # noqa: ANN001
    at.run()
    if preview:
        at.sidebar.toggle(key="donor_preview").set_value(True).run()
        assert at.sidebar.toggle(key="donor_preview").value
    runs = 0
    for page in PAGES:
        at.switch_page(f"pages/{page}.py").run()
        runs += 1
        check(at, (view, language, page))
        if page == "indicator" and at.selectbox:
            choices = [{"indicator": i, "semester": s} for i, s in turned(indicators, semesters, shift)]
        elif page == "beneficiary":
            choices = [{"beneficiary": b, "semester": s} for b, s in turned(beneficiaries, semesters, shift)]
        elif page in ("overview", "semester_review"):
            choices = [{"semester": s} for s in semesters]
        elif page == "workplan" and any(b.key == "workplan_beneficiary" for b in at.selectbox):
            choices = [{"workplan_beneficiary": b} for b in ["ALL", *beneficiaries]]
        else:
            choices = []
        for chosen in choices:
            for key, value in chosen.items():
                at.session_state[key] = value
            at.run()
            runs += 1
            check(at, (view, language, page, chosen))
    return runs


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("view", list(VIEWS))
def test_every_page_and_choice_on_the_demo(stores, view, language, monkeypatch):
    shift = list(VIEWS).index(view) * 3 + (language == "fr")
    assert sweep(stores["demo"], view, language, shift, monkeypatch) > 40


@pytest.mark.parametrize("view", ["manager", "donor"])
@pytest.mark.parametrize("programme", ["random12", "random13"])
def test_every_page_and_choice_on_random_programmes(stores, programme, view, monkeypatch):
    language = "fr" if programme == "random13" else "en"
    assert sweep(stores[programme], view, language, 0, monkeypatch) > 20


def test_the_random_programmes_have_what_the_sweep_is_for(stores):
    """Revised targets, hidden counts, missing reports, qualitative and yes/no indicators, a beneficiary with
    nothing reported and one with only an activity."""
    from indicators.compute.progress import Thresholds, indicator_progress
    from indicators.compute.suppression import donor_progress

    for name in ("random12", "random13"):
        programme = Store(stores[name]).approved()
        measures = set(programme.indicators["measure"])
        assert {"qualitative", "milestone", "percentage", "count"} <= measures, name
        progress = donor_progress(indicator_progress(programme, Thresholds.from_settings()))
        assert (progress["target_revised"] & progress["suppressed"]).any(), name  # a hidden revised figure
        assert (~progress["reported"]).any(), name
        assert "SRB" in set(programme.targets["beneficiary"]) and "SRB" not in set(programme.values["beneficiary"])
        assert "MKD" in filters.beneficiary_options(programme) and "MKD" not in set(programme.targets["beneficiary"])


def test_turned_meets_every_option_of_both_lists():
    pairs = turned(["a", "b", "c"], ["1", "2", "3", "4", "5"], 2)
    assert {a for a, _ in pairs} == {"a", "b", "c"} and {n for _, n in pairs} == {"1", "2", "3", "4", "5"}
    assert all(n is not None for _, n in itertools.islice(pairs, 5))
