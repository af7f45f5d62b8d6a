"""Every page in French (issue 17, item 6): with ``?lang=fr`` no page shows English interface text, the
language is kept in the URL and switched with the sidebar's picker, and English pages stay as they were
(tests/test_pages.py, unchanged, checks them).

What a page shows is collected from its elements: titles, headers, subheaders, markdown, captions, alerts,
button and widget labels, help texts and options, expanders, metrics, and the labels and help of table
columns. Data are taken out first (indicator titles and definitions, units, result and activity titles,
comments, meeting places and sources, emails, as the demo workbook wrote them); what is left must contain none
of the English words the interface uses (``ENGLISH``). ``test_the_check_finds_english_on_an_english_page``
shows the check would fail on a page still in English.
"""

from __future__ import annotations

import html
import json
import re

import pytest

from indicators.domain import i18n
from indicators.ingest import default_store
from tests.test_pages import ADMIN, OPENS, add_accounts, app, no_errors

# English words and phrases of the interface (labels, captions, messages, column headers) that French pages never
# show; each is matched as a whole word, case-sensitively. Words French shares (Version, Versions, Note, Source,
# Date, Action, Code, Table, Total) are left out, and so are data and identifiers French text names as they are
# (the template's sheet names such as Targets, setting names).
ENGLISH = (
    "Overview", "Semester", "Beneficiary", "Beneficiaries", "Indicator", "Indicators", "Work plan", "Work-plan",
    "Upload", "Review", "Reports", "Method", "Accounts", "Download", "Progress", "Target", "Baseline",
    "Actual", "Approved", "approved data", "Status", "Sign out", "Sign in", "Signed in", "not reported",
    "Headline", "Explanation", "Explanations", "Activities", "Activity", "Delivery", "Planned", "Completed",
    "Ongoing", "Postponed", "Cancelled", "Not started", "Forecast", "Carried", "Coverage", "Meeting", "Place",
    "Title", "Unit", "Regional roll-up", "Split by sex", "Trend", "What was", "Where the data", "Symbol",
    "Under each figure", "Viewing as a donor", "donor view", "Preview the", "Results", "Every result",
    "Any status", "Show the", "Choose", "Build the", "Files", "Edition", "Waiting for review",
    "Log", "Submit", "Monitoring workbook", "workbook", "Reporting completeness", "Data quality", "Missing reports",
    "No indicator", "No activities", "Adopted", "Steering Committee", "Illustrative demo data", "Role", "Email",
    "Password", "Who", "When", "Found", "Expected", "Severity", "Sheet", "Row", "Rows", "Column", "Check",
    "Language",  # the picker's label is "Language / Langue" on purpose: taken out below
)  # fmt: skip
BILINGUAL = ("Language / Langue",)  # written in both languages on purpose
PAGES_BY_ROLE = {role: sorted(OPENS[role]) for role in ("manager", "donor")}
TEXT_KINDS = ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success")
WIDGETS = ("button", "selectbox", "multiselect", "radio", "toggle", "checkbox", "text_input", "text_area",
           "number_input", "expander", "metric", "status")  # fmt: skip


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """A store of its own, seeded with the demo, with one account per role (as in tests/test_pages.py)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PPD_STORE_DIR", str(tmp_path_factory.mktemp("store")))
        seeded = default_store()
        add_accounts(seeded)
        yield seeded


@pytest.fixture(autouse=True)
def french():
    """The tests' own thread reads French too: AppTest calls a widget's format_func (semester labels) outside the
    script's run, in the test's thread, to find the chosen option among those the page drew."""
    with i18n.using("fr"):
        yield


def readable(text: object) -> str:
    """Text as a person reads it: markdown's character references and escapes undone, word joiners gone."""
    text = html.unescape(str(text)).replace("\u2060", "")
    return re.sub(r"\\([\\`*_{}\[\]()#+\-.!|<>~$:=&@])", r"\1", text)


def shown(at) -> list[tuple[str, str]]:  # noqa: ANN001 (an AppTest)
    """(where, text) of every piece of interface text on the page."""
    found: list[tuple[str, str]] = []
    for kind in TEXT_KINDS:
        found += [(kind, e.value) for e in at.get(kind)]
    for kind in WIDGETS:
        for element in at.get(kind):
            proto = getattr(element, "proto", None)
            for name in ("label", "help", "placeholder"):
                value = getattr(element, name, None) or getattr(proto, name, None)
                if isinstance(value, str) and value:
                    found.append((f"{kind} {name}", value))
            found += [(f"{kind} option", str(o)) for o in getattr(element, "options", None) or []]
    for frame in at.dataframe:
        for name, config in json.loads(frame.proto.columns or "{}").items():
            found += [(f"column {key} of {name}", config[key]) for key in ("label", "help") if config.get(key)]
    return [(where, readable(text)) for where, text in found]


def data_texts(store) -> list[str]:  # noqa: ANN001 (a Store)
    """The texts the demo workbook wrote (shown as written in every language), longest first."""
    programme = store.approved()
    columns = {
        "indicators": ("title", "definition", "unit"),
        "results": ("title", "result_id"),
        "activities": ("title", "notes"),
        "values": ("comment", "text"),
        "meetings": ("place", "source"),
    }
    texts: set[str] = set()
    for table, names in columns.items():
        frame = getattr(programme, table)
        for name in names:
            if name in frame:
                texts |= {readable(v).strip() for v in frame[name].dropna() if str(v).strip()}
    texts |= {a.email for a in store.accounts.all()}
    return sorted(texts, key=len, reverse=True)


def english_in(at, data: list[str]) -> list[str]:  # noqa: ANN001
    """Each English interface word left on the page once data are taken out: 'where: word in «text»'."""
    words = re.compile(r"(?<![\w-])(" + "|".join(re.escape(w) for w in ENGLISH) + r")(?![\w-])")
    left = []
    for where, text in shown(at):
        rest = " ".join(text.split())
        for literal in (*data, *BILINGUAL):
            rest = rest.replace(" ".join(literal.split()), " ")
        left += [f"{where}: {m.group()!r} in «{text[:160]}»" for m in words.finditer(rest)]
    return left


@pytest.mark.parametrize(
    ("role", "page"), [(role, page) for role, pages in PAGES_BY_ROLE.items() for page in pages]
)  # fmt: skip
def test_no_page_shows_english_interface_text_in_french(store, role, page):
    at = app(role, lang="fr", semester="2025NovS1", indicator="IND-10")
    at.switch_page(f"pages/{page}.py").run()
    no_errors(at)
    assert at.title, "the page is drawn"
    left = english_in(at, data_texts(store))
    assert not left, "\n".join(left)


def test_the_check_finds_english_on_an_english_page(store):
    """The same check on a page in English finds its words: a page left in English fails the test above."""
    with i18n.using("en"):
        at = app("manager", semester="2025NovS1")
        at.switch_page("pages/semester_review.py").run()
        left = english_in(at, data_texts(store))
    assert any("'Semester review'" in line or "'Semester'" in line for line in left), left[:5]
    assert any(line.startswith("column label") for line in left), "column labels are looked at"


def test_the_sign_in_page_in_french(store):
    at = app(None, lang="fr")
    no_errors(at)
    assert [t.value for t in at.title] == ["Se connecter"]
    assert [t.label for t in at.text_input] == ["Adresse électronique", "Mot de passe"]
    assert not english_in(at, [])


def test_lang_fr_is_kept_in_the_url_and_the_picker_switches_languages(store):
    at = app("manager", lang="fr")
    no_errors(at)
    picker = at.sidebar.selectbox(key="language_picker")
    assert picker.value == "fr" and at.query_params["lang"] in ("fr", ["fr"])
    assert at.title[0].value == "Avancement du programme"
    at.switch_page("pages/semester_review.py").run()  # another page: still French, still in the URL
    assert at.title[0].value == "Bilan semestriel" and at.query_params["lang"] in ("fr", ["fr"])

    at = app("manager", lang="fr")
    at.sidebar.selectbox(key="language_picker").set_value("en").run()  # (the test's thread: the page's language)
    no_errors(at)
    assert at.title[0].value == "Programme progress" and at.query_params["lang"] in ("en", ["en"])
    assert any(c.label == "Semester" for c in at.sidebar.selectbox)

    with i18n.using("en"):
        at.sidebar.selectbox(key="language_picker").set_value("fr").run()
    no_errors(at)
    assert at.title[0].value == "Avancement du programme" and at.query_params["lang"] in ("fr", ["fr"])
    assert any(c.label == "Semestre" for c in at.sidebar.selectbox)


def test_english_stays_the_default_and_unchanged(store):
    with i18n.using("en"):
        at = app("admin")  # an account that never chose a language (a choice is remembered)
        no_errors(at)
        assert at.sidebar.selectbox(key="language_picker").value == "en"
        assert at.title[0].value == "Programme progress" and "lang" not in at.query_params
        assert [s.label for s in at.sidebar.selectbox][1] == "Semester"


def test_french_tables_write_figures_the_french_way(store):
    """A table cell sent as text (a number column with gaps) is written in French: decimal comma, 'non rapporté'."""
    at = app("manager", lang="fr", indicator="IND-06", semester="2023NovS2")
    at.switch_page("pages/indicator.py").run()
    no_errors(at)
    table = next(f.value for f in at.dataframe if "coverage" in f.value.columns)
    assert "non rapporté" in set(table["actual"])
    assert not any(isinstance(v, str) and re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", v) for v in table["actual"])


def test_a_local_sign_in_from_a_french_page_keeps_french(store):
    """The hand-off after a local sign-in keeps only the path of the page: the language chosen on the sign-in
    page (?lang=fr) is remembered for the account, so the dashboard opens in French."""
    store.accounts.add(ADMIN, "french.reader@example.org", "donor", password="a long passphrase")
    at = app(None, lang="fr")
    at.text_input(key="signin_email").set_value("french.reader@example.org")
    at.text_input(key="signin_password").set_value("a long passphrase")
    at.button[0].click().run()
    no_errors(at)
    assert store.accounts.language("french.reader@example.org") == "fr"
